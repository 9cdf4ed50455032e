import { appendFileSync } from 'node:fs';
import { ConfigError, createPlannedRun, defaultRunText, planRun, wallClockMs, type RunPlan } from '@qase-reporters/core';
import { idFlag, type Command } from './command';
import { openSession } from './session';

export const runCreateCommand: Command = {
  name: 'run create',
  summary: 'create a run and print its id, for every shard to report into',
  help: `Usage: qase-reporters run create [options]

Creates a Qase run and prints its id on stdout. Pass the id to every shard as QASE_TESTOPS_RUN_ID: the shards
report into that run and leave it open; complete it with qase-reporters run complete once all are done.

Options (each overrides its QASE_* variable and qase.config.json):
  --title <text>         run title (QASE_TESTOPS_RUN_TITLE); in CI the default names the build: number, branch, commit
  --description <text>   run description (QASE_TESTOPS_RUN_DESCRIPTION); in CI the default links the build
  --tags <a,b>           comma-separated run tags (QASE_TESTOPS_RUN_TAGS)
  --environment <slug>   the environment's slug in Qase (QASE_ENVIRONMENT)
  --plan <id>            a test plan id (QASE_TESTOPS_PLAN_ID)
  --github-output        also append run_id=<id> to $GITHUB_OUTPUT, for a GitHub Actions job output
  --env                  print QASE_TESTOPS_RUN_ID=<id> instead of the bare id (a GitLab dotenv report, a .env file)
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
      const defaults = planRun(session.config, nowMs, defaultRunText(context.env, nowMs));
      const tags = flag('tags')?.split(',').map((tag) => tag.trim()).filter(Boolean);
      const plan: RunPlan = {
        ...defaults,
        title: flag('title') || defaults.title,
        description: flag('description') ?? defaults.description,
        tags: tags ?? defaults.tags,
        environment: flag('environment') || defaults.environment,
        planId: planId ?? defaults.planId,
      };
      const id = await createPlannedRun(plan, session.project, session.call, session.output.warn);
      context.stdout(values.env ? `QASE_TESTOPS_RUN_ID=${id}\n` : `${id}\n`);
      session.output.info(`created run ${id} "${plan.title}" in project ${session.project}: ${session.runUrl(id)}`);
      if (githubOutput) appendFileSync(githubOutput, `run_id=${id}\n`);
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

Options:
  --id <run id>   the run to complete; default QASE_TESTOPS_RUN_ID (testops.run.id)
  -h, --help      this help

Example:
  npx @qase-reporters/cli run complete --id "$RUN_ID"
`,
  options: { id: { type: 'string' } },
  positionals: [],
  async run({ values }, context) {
    const flagId = values.id === undefined ? undefined : idFlag('--id', values.id as string);
    const session = openSession(context);
    try {
      const id = flagId ?? session.config.testops.run.id;
      if (id === undefined) {
        throw new ConfigError('no run to complete: pass --id <run id>, or set QASE_TESTOPS_RUN_ID to the id run create printed.');
      }
      // Asked first so a second `run complete` (a re-run CI job) completes nothing twice.
      const run = await session.call((api, cancel) => api.getRun(session.project, id, cancel));
      if (isComplete(run.status)) {
        session.say(`run ${id} is already complete: ${session.runUrl(id)}`);
        return 0;
      }
      await session.call((api, cancel) => api.completeRun(session.project, id, cancel));
      session.say(`completed run ${id}: ${session.runUrl(id)}`);
      return 0;
    } finally {
      session.close();
    }
  },
};

/** The v1 API reports a run's state as a number: 0 active, 1 complete. */
export function isComplete(status: number | string | undefined): boolean {
  return status === 1;
}
