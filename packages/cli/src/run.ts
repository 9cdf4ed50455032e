import { appendFileSync } from 'node:fs';
import { ConfigError, createPlannedRun, defaultRunText, planRun, wallClockMs, type RunPlan } from '@qase-reporters/core';
import { idFlag, UsageError, type Command } from './command';
import { openSession } from './session';

export const runCreateCommand: Command = {
  name: 'run create',
  summary: 'create a run and print its id, for every shard to report into',
  help: `Usage: qase-reporters run create [options]

Creates a Qase run and prints its id on stdout. Pass the id to every shard as QASE_TESTOPS_RUN_ID: the shards
report into that run and leave it open; complete it with qase-reporters run complete once all are done.

In mode testops_multi (QASE_MODE=testops_multi, or mode in qase.config.json) it creates a run in each project of
testops_multi.projects and prints them as PROJ1:12,PROJ2:34: pass that to every shard as
QASE_TESTOPS_MULTI_RUN_IDS, and to run complete.

Options (each overrides its QASE_* variable and qase.config.json):
  --title <text>         run title (QASE_TESTOPS_RUN_TITLE); in CI the default names the build: number, branch, commit
  --description <text>   run description (QASE_TESTOPS_RUN_DESCRIPTION); in CI the default links the build
  --tags <a,b>           comma-separated run tags (QASE_TESTOPS_RUN_TAGS)
  --environment <slug>   the environment's slug in Qase (QASE_ENVIRONMENT)
  --plan <id>            a test plan id (QASE_TESTOPS_PLAN_ID)
  --github-output        also append run_id=<id> (several projects: run_ids=PROJ1:12,…) to $GITHUB_OUTPUT, for a
                         GitHub Actions job output
  --env                  print QASE_TESTOPS_RUN_ID=<id> (several projects: QASE_TESTOPS_MULTI_RUN_IDS=PROJ1:12,…)
                         instead of the bare id (a GitLab dotenv report, a .env file)
  -h, --help             this help

Examples:
  RUN_ID=$(npx @qase-reporters/cli run create --title "Nightly")
  npx @qase-reporters/cli run create --github-output
  npx @qase-reporters/cli run create --env > qase.env
`,
  options: {
    title: { type: 'string' },
    description: { type: 'string' },
    tags: { type: 'string' },
    environment: { type: 'string' },
    plan: { type: 'string' },
    'github-output': { type: 'boolean' },
    env: { type: 'boolean' },
  },
  positionals: [],
  async run({ values }, context) {
    const flag = (name: string) => values[name] as string | undefined;
    const planId = flag('plan') === undefined ? undefined : idFlag('--plan', flag('plan')!);
    // Checked before the run exists: a run whose id cannot be passed on would stay empty and open.
    const githubOutput = values['github-output'] ? context.env.GITHUB_OUTPUT?.trim() : undefined;
    if (values['github-output'] && !githubOutput) {
      throw new ConfigError('--github-output appends to the file named by $GITHUB_OUTPUT, which GitHub Actions sets in ' +
        'every step, and it is not set here. Outside GitHub Actions use the printed id, or --env.');
    }
    const session = openSession(context);
    try {
      const nowMs = wallClockMs();
      const tags = flag('tags')?.split(',').map((tag) => tag.trim()).filter(Boolean);
      const created: string[] = [];
      // One after another: a project whose run cannot be created stops the command before the next one's.
      for (const project of session.projects()) {
        const defaults = planRun(session.config, nowMs, defaultRunText(context.env, nowMs), project.project);
        const plan: RunPlan = {
          ...defaults,
          title: flag('title') || defaults.title,
          description: flag('description') ?? defaults.description,
          tags: tags ?? defaults.tags,
          environment: flag('environment') || defaults.environment,
          planId: planId ?? defaults.planId,
        };
        const code = project.project.code;
        const id = await createPlannedRun(plan, code, project.call, session.output.warn);
        session.output.info(`created run ${id} "${plan.title}" in project ${code}: ${project.runUrl(id)}`);
        created.push(`${code}:${id}`);
      }
      if (session.config.testopsMulti) {
        const ids = created.join(',');
        context.stdout(values.env ? `QASE_TESTOPS_MULTI_RUN_IDS=${ids}\n` : `${ids}\n`);
        if (githubOutput) appendFileSync(githubOutput, `run_ids=${ids}\n`);
      } else {
        const id = created[0]!.split(':')[1]!;
        context.stdout(values.env ? `QASE_TESTOPS_RUN_ID=${id}\n` : `${id}\n`);
        if (githubOutput) appendFileSync(githubOutput, `run_id=${id}\n`);
      }
      return 0;
    } finally {
      session.close();
    }
  },
};

export const runCompleteCommand: Command = {
  name: 'run complete',
  summary: 'complete a run once every shard is done',
  help: `Usage: qase-reporters run complete [--id <run id>]

Completes the run once every shard has reported. Completing a run that is already complete is not an error.
In mode testops_multi it completes the run of each project: --id PROJ1:12,PROJ2:34 (what run create printed),
default QASE_TESTOPS_MULTI_RUN_IDS.

Options:
  --id <run id>   the run to complete; default QASE_TESTOPS_RUN_ID (testops.run.id)
  -h, --help      this help

Examples:
  npx @qase-reporters/cli run complete --id "$RUN_ID"
  npx @qase-reporters/cli run complete --id "$QASE_TESTOPS_MULTI_RUN_IDS"
`,
  options: { id: { type: 'string' } },
  positionals: [],
  async run({ values }, context) {
    const session = openSession(context);
    try {
      const multi = session.config.testopsMulti !== undefined;
      const flagIds = values.id === undefined ? undefined : multi ? runIdsFlag(values.id as string) : { [session.project]: idFlag('--id', values.id as string) };
      const projects = session.projects();
      const unknown = Object.keys(flagIds ?? {}).filter((code) => !projects.some((p) => p.project.code === code));
      if (unknown.length > 0) {
        throw new ConfigError(`--id names ${unknown.join(', ')}, which is not one of testops_multi.projects (${projects.map((p) => p.project.code).join(', ')}).`);
      }
      const ids = projects.map((p) => flagIds ? flagIds[p.project.code] : p.project.run.id);
      if (ids.every((id) => id === undefined)) {
        throw new ConfigError(multi
          ? 'no run to complete: pass --id PROJ1:12,PROJ2:34, or set QASE_TESTOPS_MULTI_RUN_IDS to what run create printed.'
          : 'no run to complete: pass --id <run id>, or set QASE_TESTOPS_RUN_ID to the id run create printed.');
      }
      for (const [i, project] of projects.entries()) {
        const id = ids[i];
        if (id === undefined) continue;
        const code = project.project.code;
        const which = multi ? `run ${id} of project ${code}` : `run ${id}`;
        // Asked first so a second `run complete` (a re-run CI job) completes nothing twice.
        const run = await project.call((api, cancel) => api.getRun(code, id, cancel));
        if (isComplete(run.status)) {
          session.say(`${which} is already complete: ${project.runUrl(id)}`);
          continue;
        }
        await project.call((api, cancel) => api.completeRun(code, id, cancel));
        session.say(`completed ${which}: ${project.runUrl(id)}`);
      }
      return 0;
    } finally {
      session.close();
    }
  },
};

/** `PROJ1:12,PROJ2:34`, as run create prints it for several projects. */
function runIdsFlag(value: string): Record<string, number> {
  const ids: Record<string, number> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [code, id] = pair.split(':');
    if (!code || id === undefined) throw new UsageError(`--id has "${pair}"; in mode testops_multi it is PROJ1:12,PROJ2:34, as run create printed it.`);
    ids[code.trim()] = idFlag(`--id for ${code.trim()}`, id.trim());
  }
  return ids;
}

/** The v1 API reports a run's state as a number: 0 active, 1 complete. */
export function isComplete(status: number | string | undefined): boolean {
  return status === 1;
}
