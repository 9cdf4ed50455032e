import { ConfigError, createDelivery, createOutput, loadConfig, mask, runUrl, type ApiClient, type Config, type Delivery, type Output } from '@qase-reporters/core';
import type { CliContext } from './command';

/** The configuration a command talks to the API with, and how it talks: core's delivery, as the reporters send. */
export interface Session {
  readonly config: Config;
  readonly project: string;
  /** Warnings and debug lines (stderr, `qase:` prefix), token masked. */
  readonly output: Output;
  /** Every request of the command goes through it: one rate limit, one sending policy. */
  readonly delivery: Delivery;
  /** One API call: the shared rate limit, and resends where they can help. */
  call<T>(request: (api: ApiClient, cancel: AbortSignal) => Promise<T>): Promise<T>;
  runUrl(runId: number): string;
  /** A line on stdout, token masked. */
  say(line: string): void;
  close(): void;
}

/**
 * The reporters' configuration (QASE_* variables, then qase.config.json), read for the CLI: a token and a project
 * are required, and `mode` does not apply, since running a command is the request to talk to the API.
 */
function readConfig(context: CliContext): Config {
  const config = loadConfig({}, { cwd: context.cwd, env: context.env });
  // Before the check: a misspelt key is often why the token or the project is missing.
  const output = createOutput({ console: true, debug: false, secrets: [config.testops.api.token], write: context.stderr });
  for (const warning of config.warnings) output.warn(warning);
  return forApi(config);
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
  if (config.testops.api.refusal) throw new ConfigError(config.testops.api.refusal);
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
  // Attachments are not sent by a command, and `upload` opens a delivery of its own for each folder.
  const delivery = createDelivery({ config, folder: context.cwd, output, env: context.env, retries: options.retries, keepAlive: true });
  const project = config.testops.project ?? '';
  return {
    config,
    project,
    output,
    delivery,
    call: (request) => delivery.call(request),
    runUrl: (runId) => runUrl(config.testops.api.appUrl, project, runId),
    say: (line) => context.stdout(`${mask(line, secrets)}\n`),
    close: () => delivery.close(),
  };
}
