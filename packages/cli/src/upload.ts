import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApiError, ConfigError, readManifest, uploadFolder, type Manifest } from '@qase-reporters/core';
import { EXIT_FAILURE, type Command } from './command';
import { isComplete } from './run';
import { openSession, type Session } from './session';

const WHICH_FOLDER = 'Pass the folder the reporter named: the dry-run folder (qase-dry-run) or the outbox (.qase/outbox).';

export const upload: Command = {
  name: 'upload',
  summary: 'send a dry-run folder, or the results a reporter could not deliver',
  help: `Usage: qase-reporters upload <folder>

Sends what a reporter left on disk, the way the reporter sends it (batches, retries, the same result ids, so
sending a folder twice stores nothing twice):
  - a dry-run folder (qase-dry-run): creates the run it describes, sends its requests, completes the run;
  - an outbox a run could not deliver (.qase/outbox/<session>): sends the rest into that run, and completes it
    if that run was the reporter's own to complete.
A folder of such folders (.qase/outbox, after parallel jobs) sends each. With QASE_TESTOPS_RUN_ID set, the
results go into that run instead of the one the folder names.

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

/** The folder itself when a reporter wrote it (it has a manifest), else the subfolders a reporter wrote. */
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
    throw new ConfigError(`${given} holds nothing a qase-reporters reporter wrote (no manifest.json in it or its subfolders). ${WHICH_FOLDER}`);
  }
  return folders;
}

function hasManifest(dir: string): boolean {
  return existsSync(join(dir, 'manifest.json'));
}

/** Sends one folder; resolves false when something in it was not delivered (or its run not completed). */
async function uploadOne(folder: Folder, session: Session, env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  const manifest = manifestOf(folder);
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
  const sent = await uploadFolder(folder.path, session.config, { output: session.output, env });
  const to = sent.runId === undefined ? '' : ` to run ${sent.runId}`;
  session.say(`${folder.shown}: ${sent.delivered} of ${sent.total} results delivered${to} in ${sent.requests} requests, ` +
    `${sent.retries} retries${sent.completed ? '; the run is complete' : ''}.`);
  if (sent.runUrl) session.say(`run: ${sent.runUrl}`);
  const left = sent.total - sent.delivered - sent.refused;
  if (sent.refused > 0) {
    session.output.errorOnce(`${folder.shown}: ${sent.refused} results were refused by the API (named above) and are not sent again.`);
  }
  if (left > 0) {
    session.output.errorOnce(`${folder.shown}: ${left} results were not delivered (the reason is above). They stay in ` +
      `${folder.shown}; run the same command again to send them.`);
  } else if (sent.stoppedBy !== undefined) {
    session.output.errorOnce(`${folder.shown}: sending stopped (the reason is above); run the same command again once it is fixed.`);
  } else if (completes && !sent.completed) {
    session.output.errorOnce(`${folder.shown}: every result is in, but the run could not be completed (the reason is above). ` +
      `Complete it with: npx @qase-reporters/cli run complete --id ${sent.runId ?? '<run id>'}`);
  }
  return left === 0 && sent.refused === 0 && sent.stoppedBy === undefined && (sent.completed || !completes);
}

function manifestOf(folder: Folder): Manifest {
  try {
    return readManifest(folder.path)!;
  } catch {
    throw new ConfigError(`manifest.json is not valid JSON, so the folder cannot be sent. Was it edited by hand?`);
  }
}
