import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError, ConfigError, isReportFolder, readManifest, uploadFolder, type Manifest } from '@qase-reporters/core';
import { EXIT_FAILURE, type Command } from './command';
import { isComplete } from './run';
import { openSession, type Session } from './session';

const WHICH_FOLDER = 'Pass the folder the reporter named: the report (build/qase-report), the dry-run folder (qase-dry-run) ' +
  'or the outbox (.qase/outbox).';

export const upload: Command = {
  name: 'upload',
  summary: 'send a report, a dry-run folder, or the results a reporter could not deliver',
  help: `Usage: qase-reporters upload <folder>

Sends what a reporter left on disk, the way the reporter sends it (batches, retries, the same result ids, so
sending a folder twice stores nothing twice):
  - a Qase Report (build/qase-report, QASE_MODE=report), ours or an official reporter's: creates a run titled
    as the report, sends every result and attachment, completes the run, and records the run in the folder;
  - a dry-run folder (qase-dry-run): creates the run it describes, sends its requests, completes the run;
  - an outbox a run could not deliver (.qase/outbox/<session>): sends the rest into that run, and completes it
    if that run was the reporter's own to complete.
A folder of several projects (mode testops_multi) sends each project's results into that project's run, with
that project's token; run it with the configuration of the test run (testops_multi in qase.config.json).
A folder of such folders (.qase/outbox, after parallel jobs) sends each. With QASE_TESTOPS_RUN_ID set, the
results go into that run instead of the one the folder names.

The folder is checked before anything is sent (it may be an artifact of another job): its manifest, every
result, and attachments, which are read only from inside it. A folder that a reporter is still writing, or that
another upload is sending, is refused, naming the process that holds it.

A run that is already complete takes no more results. If the folder was to complete its run, the folder was
uploaded before and nothing is sent again; otherwise the run was completed too early, and this fails.

Prints how many results were delivered, and the run link. Exits 1 if any result could not be delivered: run the
same command again to send the rest.

Options:
  -h, --help   this help

Example:
  npx @qase-reporters/cli upload .qase/outbox
`,
  options: {},
  positionals: ['folder'],
  async run({ positionals }, context) {
    const given = positionals[0]!;
    const session = openSession(context);
    let failed = false;
    try {
      for (const folder of reporterFolders(resolve(context.cwd, given), given)) {
        try {
          if (!(await uploadOne(folder, session, context.env))) failed = true;
        } catch (error) {
          if (!(error instanceof ConfigError || error instanceof ApiError)) throw error;
          session.output.errorOnce(`${folder.shown}: ${error.message}`);
          failed = true;
        }
      }
    } finally {
      session.close();
    }
    return failed ? EXIT_FAILURE : 0;
  },
};

interface Folder {
  path: string;
  /** As the user would type it: the argument, or the argument joined with a subfolder. */
  shown: string;
}

/** The folder itself when a reporter wrote it (a manifest or a report), else the subfolders a reporter wrote. */
function reporterFolders(path: string, given: string): Folder[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new ConfigError(`${given} does not exist. ${WHICH_FOLDER}`);
  }
  if (!isFolder) throw new ConfigError(`${given} is a file, not a folder. ${WHICH_FOLDER}`);
  if (hasManifest(path)) return [{ path, shown: given }];
  const folders = readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && hasManifest(join(path, entry.name)))
    .map((entry) => ({ path: join(path, entry.name), shown: join(given, entry.name) }))
    .sort((a, b) => a.path.localeCompare(b.path));
  if (folders.length === 0) {
    throw new ConfigError(`${given} holds nothing a reporter wrote (no manifest.json or run.json in it or its subfolders). ${WHICH_FOLDER}`);
  }
  return folders;
}

function hasManifest(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json')) || isReportFolder(dir);
}

/** Sends one folder; resolves false when something in it was not delivered (or its run not completed). */
async function uploadOne(folder: Folder, session: Session, env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  const manifest = manifestOf(folder, session.config);
  const several = manifest.version === 2;
  if (manifest.version === 1) {
    if (manifest.project !== undefined && manifest.project !== session.project) {
      throw new ConfigError(`it was written for project ${manifest.project}, but the project configured is ${session.project}. ` +
        `Set QASE_TESTOPS_PROJECT=${manifest.project} to send it there.`);
    }
    // The same choice uploadFolder makes: QASE_TESTOPS_RUN_ID wins over the run the folder names.
    const { run } = session.config.testops;
    const runId = run.id ?? manifest.run.id;
    const completes = run.id === undefined ? manifest.run.complete : run.complete;
    if (runId !== undefined) {
      const { status } = await session.call((api, cancel) => api.getRun(session.project, runId, cancel));
      if (isComplete(status)) {
        // The API refuses results to a completed run (400 "Run is already completed"), so sending would only fail.
        if (completes) {
          session.say(`${folder.shown}: run ${runId} is already complete, so this folder was uploaded before; nothing was sent again.`);
          session.say(`run: ${session.runUrl(runId)}`);
          return true;
        }
        throw new ConfigError(`run ${runId} is already complete, and Qase takes no results into a completed run, so nothing ` +
          `was sent; the results stay in ${folder.shown}. Complete a sharded run only after every shard's results are in.`);
      }
    }
  }
  const sent = await uploadFolder(folder.path, session.config, { output: session.output, env });
  const to = sent.runId === undefined ? '' : ` to run ${sent.runId}`;
  session.say(`${folder.shown}: ${sent.delivered} of ${sent.total} results delivered${several ? ` to ${sent.projects.length} projects` : to} in ${sent.requests} requests, ` +
    `${sent.retries} retries${sent.completed && !several ? '; the run is complete' : ''}.`);
  if (sent.runUrl) session.say(`run: ${sent.runUrl}`);
  // One line per project: where its results went.
  for (const p of several ? sent.projects : []) {
    if (p.sentBefore) {
      session.say(`${folder.shown}: ${p.project}: run ${p.runId} is complete, so its results were uploaded before; nothing was sent again: ${p.runUrl}`);
      continue;
    }
    const run = p.runId === undefined ? ', no run' : ` to run ${p.runId}${p.completed && p.completes ? ' (complete)' : ''}: ${p.runUrl}`;
    session.say(`${folder.shown}: ${p.project}: ${p.delivered} of ${p.total} results delivered${run}`);
  }
  const left = sent.total - sent.delivered - sent.refused;
  if (sent.refused > 0) {
    session.output.errorOnce(`${folder.shown}: ${sent.refused} results were refused by the API (named above) and are not sent again.`);
  }
  if (sent.skipped > 0) {
    session.output.errorOnce(`${folder.shown}: ${sent.skipped} lines or entries are not results a reporter writes (named above) and were not sent.`);
  }
  const notCompleted = sent.projects.filter((p) => p.completes && !p.completed);
  if (left > 0) {
    session.output.errorOnce(`${folder.shown}: ${left} results were not delivered (the reason is above). They stay in ` +
      `${folder.shown}; run the same command again to send them.`);
  } else if (sent.stoppedBy !== undefined) {
    session.output.errorOnce(`${folder.shown}: sending stopped (the reason is above); run the same command again once it is fixed.`);
  } else if (notCompleted.length > 0) {
    const ids = several ? notCompleted.map((p) => `${p.project}:${p.runId ?? '<run id>'}`).join(',') : `${sent.runId ?? '<run id>'}`;
    session.output.errorOnce(`${folder.shown}: every result is in, but the run could not be completed (the reason is above). ` +
      `Complete it with: npx @qase-reporters/cli run complete --id ${ids}`);
  }
  return left === 0 && sent.refused === 0 && sent.skipped === 0 && sent.stoppedBy === undefined && sent.completed;
}

/**
 * The folder's manifest, checked (readManifest throws a ConfigError naming what is wrong). A report not uploaded
 * before has none yet: no project, no run, to be completed.
 */
function manifestOf(folder: Folder, config: Session['config']): Manifest | Pick<Manifest & { version: 1 }, 'version' | 'project' | 'run'> {
  const manifest = readManifest(folder.path);
  if (manifest) return manifest;
  if (isReportFolder(folder.path)) return { version: 1, project: undefined, run: { complete: config.testops.run.complete } };
  throw new ConfigError('it has no manifest.json any more: another upload sent it meanwhile.');
}
