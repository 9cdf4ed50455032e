import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { ResultBody } from './api-types';
import type { Config } from './config';
import { defaultRunText } from './ci';
import { wallClockMs } from './clock';
import { createDelivery, createSenderPool, type Delivery } from './delivery';
import { ConfigError } from './errors';
import { projectsOf, resultProblem, withRun } from './folder-schema';
import { openOutbox, readInside, readManifest, type Segment } from './outbox';
import type { Output } from './output';
import { isReportFolder } from './report/read';
import { reportSource } from './report/upload';
import { planRun, runUrl } from './run';

/** What was sent of one project's results in a folder. */
export interface ProjectUpload {
  project: string;
  runId: number | undefined;
  runUrl: string | undefined;
  /** Distinct results found for the project that still needed sending. */
  total: number;
  delivered: number;
  refused: number;
  /** The folder asks for the run to be completed once everything is in. */
  completes: boolean;
  completed: boolean;
  /** An earlier upload (or the test run) delivered everything and completed the run: nothing was sent again. */
  sentBefore: boolean;
  stoppedBy: string | undefined;
}

export interface FolderUpload {
  /** The run of a folder of one project; undefined for several (see `projects`). */
  runId: number | undefined;
  runUrl: string | undefined;
  /** Distinct results found in the folder that still needed sending. */
  total: number;
  delivered: number;
  refused: number;
  /** Lines or entries that are not results a reporter writes (cut short, damaged, crafted): never sent. */
  skipped: number;
  /** Every run the folder asks to complete was completed. */
  completed: boolean;
  requests: number;
  retries: number;
  /** The error that stopped sending, if one did. */
  stoppedBy: string | undefined;
  /** Each project of the folder (one for a folder of one project). */
  projects: ProjectUpload[];
}

/**
 * Sends what a reporter left on disk: an outbox (undelivered results of an interrupted or offline run), a dry-run
 * folder (its request bodies) or a Qase Report (ours or an official reporter's; the manifest recording its run is
 * added to it). Same pipeline as the reporters, same result ids, so sending a folder twice stores nothing twice.
 * Each project of the folder goes to its own run: the one the folder names, else the one configured for it
 * (`QASE_TESTOPS_RUN_ID`, or in mode testops_multi `QASE_TESTOPS_MULTI_RUN_IDS`), else a run it creates (and
 * records in the folder) and completes once everything is delivered when the folder says so.
 *
 * The folder is untrusted input (a CI artifact, possibly from a pull request): the manifest and every result are
 * checked before use, attachments are read only from inside the folder, and the folder is locked while it is sent,
 * so a reporter still writing it or a second upload cannot send it at the same time.
 */
export async function uploadFolder(dir: string, config: Config, context: { output: Output; env: Readonly<Record<string, string | undefined>> }): Promise<FolderUpload> {
  const { output } = context;
  // Checked before anything is written: a folder without a manifest gets no lock file either.
  const report = isReportFolder(dir);
  if (!report && !existsSync(join(dir, 'manifest.json'))) {
    throw new ConfigError(`${dir} has no manifest.json or run.json, so it is not a folder a reporter wrote. ` +
      'Pass the folder named in the run summary: the outbox (.qase/outbox/…), the dry-run folder (qase-dry-run) ' +
      'or the report (build/qase-report).');
  }
  let skipped = 0;
  const skip = (where: string, count: number, why: string) => {
    skipped += count;
    output.warn(`${where}: ${why}.`);
  };
  const outbox = openOutbox(dir, { onSkipped: (file, s) => skip(file, s.count, s.why) });
  // Run by the CLI, where nothing else keeps the process alive while a resend waits.
  const senders = createSenderPool(config, output, { keepAlive: true });
  const deliveries: Delivery[] = [];
  try {
    // Read again under the lock: another upload may have created the run, or sent everything, meanwhile.
    const source = report ? reportSource(dir, config, output.warn) : undefined;
    let manifest = readManifest(dir) ?? source?.manifest;
    if (!manifest) {
      outbox.removeIfEmpty();
      throw new ConfigError(`${dir} was sent by another upload meanwhile; nothing is left in it.`);
    }
    // A result id seen in an earlier segment or request file: the API stores it once, so it is sent and counted once.
    const seen = new Set<string>();
    const distinct = (where: string, results: readonly ResultBody[]): ResultBody[] => {
      const fresh = results.filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)));
      if (fresh.length < results.length) {
        skip(where, 0, `${results.length - fresh.length} results repeat a result id already sent from this folder; each is sent and counted once`);
      }
      return fresh;
    };
    const projects: ProjectUpload[] = [];
    const folderProjects = projectsOf(manifest);
    for (const [index, folderProject] of folderProjects.entries()) {
      const code = folderProject.code ?? config.testops.project!;
      const { run } = folderProject;
      if (run.completed && run.id !== undefined) {
        // Qase takes no results into a completed run; everything of this project was delivered before it was completed.
        const runId = run.id;
        projects.push({
          project: code, runId, runUrl: runUrl(config.testops.api.appUrl, code, runId), total: 0, delivered: 0, refused: 0,
          completes: run.complete, completed: true, sentBefore: true, stoppedBy: undefined,
        });
        continue;
      }
      const target = config.projects.find((p) => p.code === code);
      const token = target?.token ?? config.testops.api.token;
      const delivery = createDelivery({ config, folder: dir, output, env: context.env, project: { code, token }, sender: senders.senderFor(token) });
      deliveries.push(delivery);
      // The run configured for this project wins over the folder's: per project in mode testops_multi, else
      // QASE_TESTOPS_RUN_ID for a folder of one project (one run id cannot serve several projects).
      const given = config.testopsMulti ? target?.run : folderProjects.length === 1 ? config.testops.run : undefined;
      delivery.runId = given?.id ?? folderProject.run.id;
      if (delivery.runId === undefined) {
        const plan = folderProject.run.create ?? planRun(config, wallClockMs(), defaultRunText(context.env, wallClockMs()), target);
        if ((await delivery.openRun(plan)) !== undefined) {
          // Recorded at once, so a second upload of this folder goes to the same run and its result ids match.
          manifest = withRun(manifest, index, { ...folderProject.run, id: delivery.runId, create: undefined });
          outbox.writeManifest(manifest);
        }
      }
      let total = 0;
      let done = delivery.runId !== undefined && delivery.ready();
      for (const segment of outbox.queue(folderProject.subfolder).takeSealed(Infinity)) {
        const results = distinct(segment.name, segment.read());
        total += results.length;
        if (done) done = await delivery.deliverSegment(onlyThese(segment, results));
      }
      const requests = source ? reportChunks(source.chunks()) : readRequests(dir, join('requests', folderProject.subfolder), skip);
      for (const { name, results } of requests) {
        const fresh = distinct(name, results);
        total += fresh.length;
        if (done) done = await delivery.deliver(fresh, () => undefined);
      }
      const completes = given?.id === undefined ? folderProject.run.complete : given.complete;
      const completed = done && completes ? await delivery.completeRun() : false;
      if (completed && folderProjects.length > 1) {
        // Recorded, so an upload of the other projects' rest does not complete this run again.
        manifest = withRun(manifest, index, { ...projectsOf(manifest)[index]!.run, completed: true });
        outbox.writeManifest(manifest);
      }
      const counts = delivery.counts();
      projects.push({
        project: code,
        runId: delivery.runId,
        runUrl: delivery.runId === undefined ? undefined : runUrl(config.testops.api.appUrl, code, delivery.runId),
        total,
        delivered: counts.delivered,
        refused: counts.refused,
        completes,
        completed,
        sentBefore: false,
        stoppedBy: delivery.fatal()?.message,
      });
    }
    // A delivered outbox goes; a dry run or a report stays, to be looked at.
    if (!report && !existsSync(join(dir, 'requests'))) outbox.removeIfEmpty();
    const stats = senders.stats();
    const one = projects.length === 1 ? projects[0] : undefined;
    const sum = (pick: (p: ProjectUpload) => number) => projects.reduce((n, p) => n + pick(p), 0);
    return {
      runId: one?.runId,
      runUrl: one?.runUrl,
      total: sum((p) => p.total),
      delivered: sum((p) => p.delivered),
      refused: sum((p) => p.refused),
      skipped,
      completed: projects.every((p) => p.completed || !p.completes),
      requests: stats.requests,
      retries: stats.retries,
      stoppedBy: projects.find((p) => p.stoppedBy !== undefined)?.stoppedBy,
      projects,
    };
  } finally {
    for (const delivery of deliveries) delivery.close();
    outbox.release();
  }
}

/** The segment as delivery sees it (it is delivered once here): only results not already sent from an earlier one. */
function onlyThese(segment: Segment, results: ResultBody[]): Segment {
  return { ...segment, read: () => results };
}

/** A report's results, named for the lines that speak of them. */
function* reportChunks(chunks: Iterable<ResultBody[]>): Generator<{ name: string; results: ResultBody[] }> {
  for (const results of chunks) yield { name: 'results', results };
}

/**
 * The request bodies of a dry run, in the order they were written, one file in memory at a time. An entry that is
 * not a result a reporter writes is skipped and said, never sent.
 */
export function* readRequests(
  dir: string, requests: string, skip: (where: string, count: number, why: string) => void,
): Generator<{ name: string; results: ResultBody[] }> {
  const folder = join(dir, requests);
  if (!existsSync(folder)) return;
  // Not even the names of another folder's files are listed (they would be printed below).
  if (!realpathSync(folder).startsWith(realpathSync(dir) + sep)) {
    skip(requests, 1, 'it is a symbolic link out of the folder, so nothing in it is read or sent');
    return;
  }
  for (const file of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
    const name = `${requests}/${file}`;
    let text: string;
    try {
      text = readInside(dir, name);
    } catch (error) {
      skip(name, 1, `it is not sent: ${(error as Error).message}`);
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      skip(name, 1, 'it is not valid JSON (cut short, or edited by hand); it is not sent');
      continue;
    }
    const list = (body as { results?: unknown } | null)?.results;
    if (!Array.isArray(list)) {
      skip(name, 1, 'it holds no "results" list, so it is not a request a dry run writes; it is not sent');
      continue;
    }
    const results: ResultBody[] = [];
    const invalid: string[] = [];
    list.forEach((value, i) => {
      const problem = resultProblem(value);
      if (problem === undefined) results.push(value as ResultBody);
      else invalid.push(`results[${i}]: ${problem}`);
    });
    if (invalid.length > 0) {
      const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more)` : '';
      skip(name, invalid.length, `${invalid.length} entries are not results a reporter writes and are not sent: ${invalid[0]}${more}`);
    }
    yield { name, results };
  }
}
