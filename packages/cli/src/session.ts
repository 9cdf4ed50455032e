import {
  ConfigError, createDelivery, createSenderPool, createOutput, loadConfig, mask, runUrl, terminalSafe,
  type ApiClient, type Config, type Delivery, type Output, type Project,
} from '@qase-reporters/core';
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
  /**
   * The projects a command acts on: in mode testops_multi each of `testops_multi.projects`, with its own token
   * (projects sharing a token share one rate limit); else the one project.
   */
  projects(): ProjectSession[];
  /** A line on stdout, token masked, made safe for a terminal. */
  say(line: string): void;
  close(): void;
}

/** One project's side of a session. */
export interface ProjectSession {
  readonly project: Project;
  call<T>(request: (api: ApiClient, cancel: AbortSignal) => Promise<T>): Promise<T>;
  runUrl(runId: number): string;
}

/**
 * The reporters' configuration (QASE_* variables, then qase.config.json), read for the CLI: a token and a project
 * are required, and `mode` does not apply, since running a command is the request to talk to the API.
 */
function readConfig(context: CliContext): Config {
  const config = loadConfig({}, { cwd: context.cwd, env: context.env });
  // Before the check: a misspelt key is often why the token or the project is missing.
  const output = createOutput({ console: true, debug: false, secrets: [config.testops.api.token, ...config.projects.map((p) => p.token)], write: context.stderr });
  for (const warning of config.warnings) output.warn(warning);
  return forApi(config);
}

/** The configuration with what the API needs checked, and `mode` set to talk to it. */
export function forApi(config: Config): Config {
  // Mode testops_multi may give each project a token of its own instead of the shared one.
  const token = config.projects.every((p) => p.token === undefined);
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
  const secrets = [token, context.env.QASE_TESTOPS_API_TOKEN ?? '', ...config.projects.map((p) => p.token ?? '')].filter(Boolean);
  const output = createOutput({ console: true, debug: config.debug, secrets, write: context.stderr });
  // Attachments are not sent by a command, and `upload` opens a delivery of its own for each folder.
  // One sender per token for every request of the command: the API's rate limit is per token.
  const senders = createSenderPool(config, output, { retries: options.retries, keepAlive: true });
  const project = config.testops.project ?? '';
  // In mode testops_multi the project is the default one, which may have a token of its own.
  const projectToken = config.projects.find((p) => p.code === project)?.token ?? config.testops.api.token;
  const delivery = createDelivery({
    config, folder: context.cwd, output, env: context.env, project: { code: project, token: projectToken }, sender: senders.senderFor(projectToken),
  });
  const opened = [delivery];
  let projects: ProjectSession[] | undefined;
  function projectSessions(): ProjectSession[] {
    if (!config.testopsMulti) {
      return config.projects.map((p) => ({ project: p, call: (request) => delivery.call(request), runUrl: (id) => runUrl(config.testops.api.appUrl, p.code, id) }));
    }
    return config.projects.map((p) => {
      const own = createDelivery({ config, folder: context.cwd, output, env: context.env, project: { code: p.code, token: p.token }, sender: senders.senderFor(p.token) });
      opened.push(own);
      return { project: p, call: (request) => own.call(request), runUrl: (id) => runUrl(config.testops.api.appUrl, p.code, id) };
    });
  }
  return {
    config,
    project,
    output,
    delivery,
    call: (request) => delivery.call(request),
    runUrl: (runId) => runUrl(config.testops.api.appUrl, project, runId),
    projects: () => (projects ??= projectSessions()),
    say: (line) => context.stdout(`${terminalSafe(mask(line, secrets))}\n`),
    close: () => opened.forEach((d) => d.close()),
  };
}
