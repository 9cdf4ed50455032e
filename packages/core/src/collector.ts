import { randomUUID } from 'node:crypto';
import { readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { ResultBody } from './api-types';
import { createAttachmentStore } from './attachments';
import { defaultRunText } from './ci';
import { cliCommand } from './command';
import { isoTime, startTimer, stopTimer, wallClockMs } from './clock';
import { loadConfig, resolveConfig, type Config } from './config';
import { createDelivery, createSenderPool } from './delivery';
import { ConfigError } from './errors';
import { checkNotInUse } from './folder-lock';
import { toResultBody } from './mapping';
import type { TestResult } from './model';
import { projectFolder, toManifest } from './folder-schema';
import { openOutbox } from './outbox';
import { createOutboxSender } from './outbox-sender';
import { createProjectRun, type ProjectRun } from './project-run';
import { createOutput, terminalSafe, type Output } from './output';
import { writePage } from './report/page';
import { createReportSession } from './report/session';
import { routeResult } from './route';
import { appendStepSummary } from './step-summary';
import { addUp, formatSummary, summarize, type UploadSummary } from './summary';

export interface RunStart {
  /** When the test run began, if the framework knows (merge-reports replays old results); default now. */
  startedAtMs?: number;
  /** The framework's `--shard`, when given. */
  shard?: { current: number; total: number };
}

/** What adapters call. Every method is safe to call in any mode; none throws into the test run. */
export interface Collector {
  readonly config: Config;
  /**
   * Call when the test run begins: fixes the run's start time and title (or adopts `testops.run.id`). The run itself
   * is created when the first result is added, so a run that matched no tests leaves no empty run. `add` calls it
   * if the adapter did not.
   */
  startRun(start?: RunStart): void;
  /**
   * Queues a finished result; it is written to the outbox at once. A batch is sent when it is full
   * (`testops.batch.size`) while tests run; what is left goes at `end()`.
   */
  add(result: TestResult): void;
  /** Flushes what is left within the deadline, completes the run when due, prints the summary. Never rejects. */
  end(): Promise<UploadSummary>;
}

export interface CollectorContext {
  /** `playwright`, `jest`, … : shown in the run description and debug lines. */
  framework: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function createCollector(options: unknown, context: CollectorContext): Collector {
  const cwd = context.cwd ?? process.cwd();
  const env = context.env ?? process.env;
  let config: Config;
  try {
    config = loadConfig(options, { cwd, env });
  } catch (error) {
    // Never thrown into the test run. Only a ConfigError's message is known to be free of the token.
    const reason = error instanceof ConfigError ? error.message : `the configuration could not be read (${(error as Error).name}).`;
    process.stderr.write(`qase: ${terminalSafe(reason)} Nothing is sent to Qase in this run.\n`);
    return disabled(resolveConfig({ mode: 'off' }, {}, undefined));
  }
  const output = createOutput({
    console: config.logging.console,
    debug: config.debug,
    logFile: config.logging.file ? join(cwd, 'logs', 'qase.log') : undefined,
    secrets: [config.testops.api.token, ...config.projects.map((p) => p.token)],
  });
  for (const line of config.warnings) output.warn(line);
  if (config.modeNote) output.info(config.modeNote);
  if (config.mode === 'off') return disabled(config);
  try {
    if (config.mode === 'report') return createReportSession(config, context.framework, cwd, env, output);
    return createSession(config, context.framework, cwd, env, output);
  } catch (error) {
    output.errorOnce(`${(error as Error).message} Nothing is sent to Qase in this run.`);
    return disabled(config);
  }
}

function disabled(config: Config): Collector {
  const startedAt = wallClockMs();
  return {
    config,
    startRun: () => undefined,
    add: () => undefined,
    end: async () => ({
      mode: config.mode, total: 0, delivered: 0, byStatus: {}, deliveredByStatus: {}, requests: 0, retries: 0, durationMs: wallClockMs() - startedAt,
    }),
  };
}

/**
 * One test run's worth of results, from the first `add` to the summary: the glue between the framework's calls and
 * the sending loop. Each result is routed (route.ts) to its projects' runs (project-run.ts), all sharing one folder,
 * one in-flight bound (outbox-sender.ts) and, per token, one rate limit; mode testops is the case of one project.
 */
function createSession(config: Config, framework: string, cwd: string, env: NodeJS.ProcessEnv, output: Output): Collector {
  const createdAt = wallClockMs();
  const dryRun = config.mode === 'dry-run';
  const folder = dryRun ? prepareDryRunFolder(resolve(cwd, config.report.path)) : join(resolve(cwd, config.testops.outboxPath), sessionName(createdAt));
  const outbox = openOutbox(folder, { onSkipped: (file, skipped) => output.warn(`${join(folder, file)}: ${skipped.why}.`) });
  const storeAttachment = createAttachmentStore(folder, { warn: output.warn });
  const senders = createSenderPool(config, output);
  const count = config.projects.length;
  const runs = config.projects.map((project) => createProjectRun({
    config,
    project,
    dryRun,
    queue: outbox.queue(projectFolder(count, project.code)),
    delivery: createDelivery({
      config, folder, output, env,
      project: { code: project.code, token: project.token },
      sender: senders.senderFor(project.token),
      requests: join('requests', projectFolder(count, project.code)),
    }),
    recordRun: () => writeManifest(),
  }));
  const byCode = new Map(runs.map((run) => [run.project.code, run]));
  const routing = { defaultProject: config.testopsMulti?.defaultProject ?? runs[0]!.project.code, projects: config.testopsMulti && [...byCode.keys()] };
  const sender = createOutboxSender({ lanes: runs, maxInFlight: config.testops.maxConcurrentRequests, needsRun: !dryRun });
  const unknownSaid = new Set<string>();
  let total = 0;
  let filtered = 0;
  let attachments = 0;
  let started = false;

  /**
   * Closes these runs' open batches and sends them: a full one from `add`, every one at `end`. A batch is sent only
   * full or at the end, as the official reporters do, so a run costs the fewest requests; a crash loses nothing
   * meanwhile, since every result is on disk from the moment it is added.
   */
  function seal(toSeal: readonly ProjectRun[]): void {
    try {
      for (const run of toSeal) run.queue.seal();
    } catch (error) {
      // Said here, not by add()'s or end()'s catch: the result was kept, and end() still sends what was sealed.
      outboxFailed(error);
      return;
    }
    sender.pump();
  }

  // writeManifest() also runs from startRun() and once a run exists, outside add()'s try. A removed outbox folder or
  // a full disk is said once, never thrown into the test run.
  function outboxFailed(error: unknown): void {
    output.errorOnce(`could not write to the outbox: ${(error as Error).message}`);
  }

  function startRun(start: RunStart = {}): void {
    if (started) return;
    started = true;
    const startedAtMs = Math.min(start.startedAtMs ?? wallClockMs(), wallClockMs());
    if (start.shard && start.shard.total > 1 && !dryRun && runs.some((run) => run.project.run.id === undefined)) {
      const pass = config.testopsMulti ? 'QASE_TESTOPS_MULTI_RUN_IDS (the line it prints)' : 'QASE_TESTOPS_RUN_ID';
      output.warn(`shard ${start.shard.current}/${start.shard.total} creates ${count > 1 ? 'Qase runs' : 'a Qase run'} of its own. ` +
        `For one run across shards, create it first (${cliCommand('run', 'create')}) and pass ${pass} to every shard.`);
    }
    const defaults = defaultRunText(env, startedAtMs, framework);
    for (const run of runs) run.start(startedAtMs, defaults);
    writeManifest();
    // Each run itself is created when its first result is added (outbox-sender.ts): a project that matched no tests
    // gets no empty run in Qase.
  }

  function writeManifest(): void {
    try {
      outbox.writeManifest(toManifest({ framework, createdAt: isoTime(createdAt) }, runs.map((run) => ({ code: run.project.code, run: run.manifestRun() }))));
    } catch (error) {
      outboxFailed(error);
    }
  }

  function add(result: TestResult): void {
    try {
      if (!started) startRun();
      total++;
      const { copies, unknown } = routeResult(result, routing);
      for (const code of unknown.filter((c) => !unknownSaid.has(c))) {
        unknownSaid.add(code);
        output.warn(`a test names project ${code}, which is not one of testops_multi.projects (${[...byCode.keys()].join(', ')}); ` +
          `its ids for ${code} are not sent. Add the project to testops_multi.projects, or correct the code in the test.`);
      }
      copies.forEach((copy, i) => {
        const run = byCode.get(copy.project)!;
        // Each copy is a result of its own, with its own idempotency id; a resend from the outbox reuses it. The
        // one copy of a result that names no other project is the result itself.
        const source = i === 0 && copy.caseIds === result.caseIds ? result : { ...result, id: i === 0 ? result.id : randomUUID(), caseIds: copy.caseIds };
        const body = toResultBody(source, {
          config, attachmentRef: storeAttachment, notBeforeMs: run.notBeforeMs(),
        });
        if (!body) {
          if (i === 0) filtered++;
          return;
        }
        const files = countAttachments(body);
        if (i === 0) attachments += files;
        run.add(body);
        if (run.queue.openCount() >= config.testops.batch.size) seal([run]);
        // A batch's first result: its project's run is created now if it has none. A result with files: they may
        // fill a request that can leave ahead of the batch. Pump does both.
        else if (run.queue.openCount() === 1 || files > 0) sender.pump();
      });
    } catch (error) {
      output.errorOnce(`could not keep result "${result.title}": ${(error as Error).message}`);
    }
  }

  async function end(): Promise<UploadSummary> {
    let timedOut = false;
    // The framework awaits end(), but only a timer or a socket keeps a process alive, and between retries there may
    // be neither: without this timer (not unref'd) the process would exit mid-upload. It holds the process until the
    // deadline at most, then cancels whatever is still waiting or in flight, so every await below settles.
    const deadline = startTimer(() => {
      timedOut = true;
      for (const run of runs) run.delivery.cancelAll();
    }, config.testops.deadlineMs, { keepAlive: true });
    try {
      if (!started) startRun();
      seal(runs);
      for (const run of runs) run.delivery.endOfResults();
      // Each project's run is completed as soon as its own results are all delivered.
      const reports = await Promise.all(runs.map(async (run) => {
        await sender.flush(run);
        return run.finish(timedOut);
      }));
      const kept = dryRun || !outbox.removeIfEmpty();
      if (!kept) removeEmptyParents(folder, cwd);
      const page = dryRun ? writeDryRunPage(folder, output) : undefined;
      const { summary, details } = summarize(reports, {
        mode: config.mode,
        total,
        filtered,
        attachments,
        attachmentBytes: dryRun ? folderBytes(join(folder, 'files')) : undefined,
        ...requestCounts(),
        durationMs: wallClockMs() - createdAt,
        timedOut,
        folder: kept ? folder : undefined,
        page,
        cwd,
      });
      for (const line of formatSummary(summary, details)) output.info(line);
      appendStepSummary(env, summary, output.warn);
      return summary;
    } catch (error) {
      output.errorOnce(`unexpected failure while finishing the upload: ${(error as Error).message}`);
      const counts = runs.map((run) => run.delivery.counts());
      const delivered = counts.reduce((sum, c) => sum + c.delivered, 0);
      const deliveredByStatus = addUp(counts.map((c) => c.deliveredByStatus));
      return { mode: config.mode, total, delivered, byStatus: {}, deliveredByStatus, ...requestCounts(), durationMs: wallClockMs() - createdAt, folder };
    } finally {
      stopTimer(deadline);
      for (const run of runs) run.delivery.close();
      outbox.release();
    }
  }

  // A dry run's requests are the files its deliveries wrote; sent requests are counted by the senders.
  function requestCounts(): { requests: number; retries: number } {
    if (!dryRun) return senders.stats();
    return { requests: runs.reduce((sum, run) => sum + run.delivery.counts().requests, 0), retries: 0 };
  }

  return { config, startRun, add, end };
}

/** The dry run's page; one that cannot be written is said, and the dry run's files are still there. */
function writeDryRunPage(folder: string, output: Output): string | undefined {
  try {
    return writePage(folder);
  } catch (error) {
    output.errorOnce(`could not write the page of the dry run: ${(error as Error).message}`);
    return undefined;
  }
}

function folderBytes(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
  } catch {
    return 0;
  }
}

function countAttachments(body: ResultBody): number {
  const inSteps = (steps: ResultBody['steps']): number =>
    (steps ?? []).reduce((n, s) => n + (s.execution.attachments?.length ?? 0) + inSteps(s.steps), 0);
  return (body.attachments?.length ?? 0) + inSteps(body.steps);
}

/** `.qase/outbox/20261128-215326-4242`: one folder per collector, so parallel jobs and shards never share one. */
function sessionName(ms: number): string {
  const stamp = isoTime(ms).replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  // A second collector of this process in the same second gets a folder of its own: each folder has one owner.
  const name = `${stamp}-${process.pid}`;
  const n = (sessionsByName.get(name) ?? 0) + 1;
  sessionsByName.set(name, n);
  return n === 1 ? name : `${name}-${n}`;
}

const sessionsByName = new Map<string, number>();

/**
 * A dry run writes a fresh folder each time. Only a folder a dry run wrote (it has a manifest) or an empty one is
 * cleared: the path is configurable, and a typo must not delete the user's files.
 */
function prepareDryRunFolder(folder: string): string {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return folder;
  }
  // A dry run still writing it owns it (see folder-lock.ts): clearing it would delete that run's results.
  checkNotInUse(folder);
  if (entries.length > 0 && !entries.includes('manifest.json')) {
    throw new ConfigError(`the dry-run folder ${folder} already holds other files. Point QASE_REPORT_CONNECTION_PATH ` +
      '(report.connections.local.path) at a new or dry-run folder.');
  }
  for (const entry of entries) rmSync(join(folder, entry), { recursive: true, force: true });
  return folder;
}

/** The folders above a delivered session (`.qase/outbox`, `.qase`) go too once empty, up to the working directory. */
function removeEmptyParents(folder: string, cwd: string): void {
  for (let dir = dirname(folder); dir.startsWith(cwd + sep); dir = dirname(dir)) {
    try {
      rmdirSync(dir); // fails on a folder that is not empty, which ends the walk
    } catch {
      return;
    }
  }
}
