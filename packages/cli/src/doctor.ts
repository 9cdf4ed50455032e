import { ApiError, ConfigError, defaultRunText, detectCi, loadConfig, mask, wallClockMs, type Config } from '@qase-reporters/core';
import { EXIT_FAILURE, type Command } from './command';
import { isComplete } from './run';
import { forApi, openSession, type Session } from './session';

export const doctor: Command = {
  name: 'doctor',
  summary: 'check the configuration, the API host, the token and the project',
  help: `Usage: qase-reporters doctor

Checks, in order, what the reporters and this CLI need, and says how to fix what is wrong:
  configuration  QASE_* variables and qase.config.json are valid; a token and a project are set
  API host       the host answers (over HTTPS; plain HTTP only on this machine)
  API token      the API accepts the token
  project        the project exists and the token may use it
  run            when QASE_TESTOPS_RUN_ID is set: the run exists and still takes results
Also shows the CI build it runs in, as the reporters will name runs after it. Sends one request per check,
without retries. Exits 1 if a check fails.

Options:
  -h, --help   this help
`,
  options: {},
  positionals: [],
  async run(_input, context) {
    const secrets = [context.env.QASE_TESTOPS_API_TOKEN ?? ''];
    const line = (mark: string, label: string, text: string) =>
      context.stdout(`${mark} ${label.padEnd(14)} ${mask(text, secrets.filter(Boolean))}\n`);
    const ok = (label: string, text: string) => line('✓', label, text);
    const failed = (label: string, text: string) => (line('✗', label, text), EXIT_FAILURE);

    let config: Config;
    try {
      const loaded = loadConfig({}, { cwd: context.cwd, env: context.env });
      config = forApi(loaded);
      secrets.push(config.testops.api.token ?? '');
      const { baseUrl } = config.testops.api;
      ok('configuration', `project ${config.testops.project}, API ${baseUrl}, token set`);
      for (const warning of loaded.warnings) line('!', 'configuration', warning);
      if (loaded.mode !== 'testops') {
        line('!', 'mode', `QASE_MODE (mode) is ${loaded.mode}: the reporters will not upload. Remove it, or set it to testops.`);
      }
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return failed('configuration', error.message);
    }
    const ci = detectCi(context.env);
    line('·', 'CI', ci ? `${defaultRunText(context.env, wallClockMs()).title}${ci.url ? `: ${ci.url}` : ''}` : 'none detected');

    const session = openSession(context, { config, retries: false });
    try {
      return (await checkApi(session, ok, failed)) ?? (await checkRun(session, ok, failed)) ?? 0;
    } finally {
      session.close();
    }
  },
};

type Report = (label: string, text: string) => void;
type Fail = (label: string, text: string) => number;

/** Host, token and project from one request; resolves with the exit code on a failure, undefined when all pass. */
async function checkApi(session: Session, ok: Report, failed: Fail): Promise<number | undefined> {
  const { project, config } = session;
  const host = config.testops.api.baseUrl;
  const plain = config.testops.api.allowPlainHttp ? 'plain HTTP, allowed by QASE_TESTOPS_API_ALLOW_PLAIN_HTTP' : 'plain HTTP, allowed only on this machine';
  const answers = host.startsWith('https:') ? `${host} answers over HTTPS` : `${host} answers (${plain})`;
  try {
    await session.call((api, cancel) => api.getProject(project, cancel));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const status = error.status;
    if (status === undefined) return failed('API host', error.message);
    if (status >= 300 && status < 400) return failed('API host', error.message);
    ok('API host', answers);
    if (status === 401) return failed('API token', `not accepted (401). Check QASE_TESTOPS_API_TOKEN (testops.api.token): create a token at https://app.qase.io/user/api/token.`);
    if (status === 403) {
      ok('API token', 'accepted');
      return failed('project', `the token may not use project ${project} (403). Ask a Qase admin for a role with access to it, or use a token that has one.`);
    }
    if (status === 404) {
      ok('API token', 'accepted');
      return failed('project', `${project} was not found (404). Check QASE_TESTOPS_PROJECT: it is the code in the project's URL ` +
        `(DEMO in https://app.qase.io/project/DEMO). If it is right, check that QASE_TESTOPS_API_HOST is the Qase API.`);
    }
    return failed('project', `could not be checked: ${error.message}`);
  }
  ok('API host', answers);
  ok('API token', 'accepted');
  ok('project', `${project} exists`);
  return undefined;
}

async function checkRun(session: Session, ok: Report, failed: Fail): Promise<number | undefined> {
  const runId = session.config.testops.run.id;
  if (runId === undefined) return undefined;
  try {
    const run = await session.call((api, cancel) => api.getRun(session.project, runId, cancel));
    if (isComplete(run.status)) {
      return failed('run', `${runId} is already complete and takes no more results. Unset QASE_TESTOPS_RUN_ID, or create a ` +
        `new run with: npx @qase-reporters/cli run create`);
    }
    ok('run', `${runId} is open: ${session.runUrl(runId)}`);
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 404) {
      return failed('run', `${runId} was not found in project ${session.project} (404). Check QASE_TESTOPS_RUN_ID: it is the ` +
        `number that run create printed, or the one in the run's URL.`);
    }
    return failed('run', `could not be checked: ${error.message}`);
  }
}
