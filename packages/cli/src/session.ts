import {
  ConfigError,
  createApiClient,
  createDispatcher,
  createOutput,
  DEFAULT_RETRY_POLICY,
  loadConfig,
  mask,
  terminalSafe,
  realEffects,
  runUrl,
  type ApiClient,
  type Config,
  type Dispatcher,
  type Output,
} from '@qase-reporters/core';
import type { CliContext } from './command';

/** The configuration a command talks to the API with, and how it talks: one client, one rate limit. */
export interface Session {
  readonly config: Config;
  readonly project: string;
  /** Warnings and debug lines (stderr, `qase:` prefix), token masked. */
  readonly output: Output;
  readonly api: ApiClient;
  /** Every request of the command goes through it: one rate limit, one retry policy. */
  readonly dispatcher: Dispatcher;
  /** One API call through the dispatcher: the shared rate limit, and retries where they can help. */
  call<T>(request: (api: ApiClient, cancel: AbortSignal) => Promise<T>): Promise<T>;
  runUrl(runId: number): string;
  /** A line on stdout, token masked, made safe for a terminal. */
  say(line: string): void;
  close(): void;
}

/**
 * The reporters' configuration (QASE_* variables, then qase.config.json), read for the CLI: a token and a project
 * are required, and `mode` does not apply, since running a command is the request to talk to the API.
 */
function readConfig(context: CliContext): Config {
  return forApi(loadConfig({}, { cwd: context.cwd, env: context.env }));
}

/** The configuration with what the API needs checked, and `mode` set to talk to it. */
export function forApi(config: Config): Config {
  const token = config.testops.api.token === undefined;
  const project = config.testops.project === undefined;
  if (token || project) {
    const names = [token && 'QASE_TESTOPS_API_TOKEN', project && 'QASE_TESTOPS_PROJECT'].filter(Boolean).join(' and ');
    const keys = [token && 'testops.api.token', project && 'testops.project'].filter(Boolean).join(' and ');
    const values = [
      token && 'an API token from https://app.qase.io/user/api/token',
      project && 'your project code (DEMO in https://app.qase.io/project/DEMO)',
    ].filter(Boolean).join(' and ');
    const both = token && project;
    throw new ConfigError(`${names} ${both ? 'are' : 'is'} not set. Set ${both ? 'them' : 'it'} (or ${keys} in qase.config.json) to ${values}.`);
  }
  return { ...config, mode: 'testops' };
}

/**
 * `retries: false` sends each request once: doctor reports what one request gets. `config`: one already read
 * (and checked with `forApi`).
 */
export function openSession(context: CliContext, options: { config?: Config; retries?: boolean } = {}): Session {
  const config = options.config ?? readConfig(context);
  const token = config.testops.api.token ?? '';
  const secrets = [token, context.env.QASE_TESTOPS_API_TOKEN ?? ''].filter(Boolean);
  const output = createOutput({ console: true, debug: config.debug, secrets, write: context.stderr });
  const api = createApiClient({ baseUrl: config.testops.api.baseUrl, token, env: context.env, debug: output.debug });
  const dispatcher = createDispatcher({
    rateLimitPerMinute: config.testops.rateLimitPerMinute,
    maxConcurrentRequests: config.testops.maxConcurrentRequests,
    policy: options.retries === false ? { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 } : DEFAULT_RETRY_POLICY,
    effects: realEffects,
    onRetry: (error, delayMs) => output.debug(`${error.message} Retrying in ${delayMs} ms.`),
  });
  const project = config.testops.project ?? '';
  return {
    config,
    project,
    output,
    api,
    dispatcher,
    call: (request) => dispatcher.run((cancel) => request(api, cancel)),
    runUrl: (runId) => runUrl(config.testops.api.appUrl, project, runId),
    say: (line) => context.stdout(`${terminalSafe(mask(line, secrets))}\n`),
    close: () => api.close(),
  };
}
