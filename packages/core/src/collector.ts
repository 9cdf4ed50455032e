import { readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ResultBody } from './api-types';
import { createAttachmentStore } from './attachments';
import { defaultRunText } from './ci';
import { cliCommand } from './command';
import { isoTime, startTimer, stopTimer, wallClockMs } from './clock';
import { loadConfig, resolveConfig, type Config } from './config';
import { createDelivery } from './delivery';
import { ConfigError } from './errors';
import { toResultBody } from './mapping';
import type { TestResult } from './model';
import { openOutbox } from './outbox';
import { createOutboxSender } from './outbox-sender';
import { createOutput, type Output } from './output';
import { planRun, runStartMs, runUrl, type RunPlan } from './run';
import { appendStepSummary } from './step-summary';
import { formatSummary, type UploadSummary } from './summary';

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
   * is created when the first batch is sealed, so a run that matched no tests leaves no empty run. `add` calls it
   * if the adapter did not.
   */
  startRun(start?: RunStart): void;
  /** Queues a finished result; it is written to the outbox at once and uploaded in batches while tests run. */
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

// A partly filled batch goes out after this long, so results stream while tests run instead of piling up at the end.
const SEAL_AFTER_MS = 3_000;

export function createCollector(options: unknown, context: CollectorContext): Collector {
  const cwd = context.cwd ?? process.cwd();
  const env = context.env ?? process.env;
  let config: Config;
  try {
    config = loadConfig(options, { cwd, env });
  } catch (error) {
    // Never thrown into the test run. Only a ConfigError's message is known to be free of the token.
    const reason = error instanceof ConfigError ? error.message : `the configuration could not be read (${(error as Error).name}).`;
    process.stderr.write(`qase: ${reason} Nothing is sent to Qase in this run.\n`);
    return disabled(resolveConfig({ mode: 'off' }, {}, undefined));
  }
  const output = createOutput({
    console: config.logging.console,
    debug: config.debug,
    logFile: config.logging.file ? join(cwd, 'logs', 'qase.log') : undefined,
    secrets: [config.testops.api.token],
  });
  for (const line of config.warnings) output.warn(line);
  if (config.modeNote) output.info(config.modeNote);
  if (config.mode === 'off') return disabled(config);
  try {
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

/** One test run's worth of results, from the first `add` to the summary. */
function createSession(config: Config, framework: string, cwd: string, env: NodeJS.ProcessEnv, output: Output): Collector {
  const createdAt = wallClockMs();
  // TODO(issue 13): report mode writes a Qase Report; until then it writes what a dry run writes.
  const dryRun = config.mode === 'dry-run' || config.mode === 'report';
  const folder = dryRun ? prepareDryRunFolder(resolve(cwd, config.report.path)) : join(resolve(cwd, config.testops.outboxPath), sessionName(createdAt));
  const outbox = openOutbox(folder);
  const storeAttachment = createAttachmentStore(folder, { copyFiles: dryRun, warn: output.warn });
  const delivery = createDelivery({ config, folder, output, env });
  const byStatus: Record<string, number> = {};
  let total = 0;
  let written = 0;
  let attachments = 0;
  let started = false;
  let notBeforeMs: number | undefined;
  let plan: RunPlan | undefined;
  let sealTimer: NodeJS.Timeout | undefined;
  const sender = createOutboxSender({
    delivery,
    outbox,
    maxInFlight: config.testops.maxConcurrentRequests,
    needsRun: !dryRun,
    plan: () => plan,
    onRunCreated: () => writeManifest(),
  });

  function seal(): void {
    stopTimer(sealTimer);
    sealTimer = undefined;
    try {
      outbox.seal();
    } catch (error) {
      outboxFailed(error);
      return;
    }
    sender.pump();
  }

  // seal() also runs from a timer, and writeManifest() from startRun() and once the run exists: outside add()'s try.
  // A removed outbox folder or a full disk is said once, never thrown into the test run.
  function outboxFailed(error: unknown): void {
    output.errorOnce(`could not write to the outbox: ${(error as Error).message}`);
  }

  function startRun(start: RunStart = {}): void {
    if (started) return;
    started = true;
    const startedAtMs = Math.min(start.startedAtMs ?? wallClockMs(), wallClockMs());
    if (start.shard && start.shard.total > 1 && config.testops.run.id === undefined && !dryRun) {
      output.warn(`shard ${start.shard.current}/${start.shard.total} creates a Qase run of its own. For one run across ` +
        `shards, create it first (${cliCommand('run', 'create')}) and pass QASE_TESTOPS_RUN_ID to every shard.`);
    }
    delivery.runId = config.testops.run.id;
    if (delivery.runId === undefined) {
      plan = planRun(config, startedAtMs, defaultRunText(env, startedAtMs, framework));
      notBeforeMs = runStartMs(plan.startTime);
    }
    writeManifest();
    // The run itself is created when the first results are sealed (outbox-sender.ts): a run that matched no tests
    // leaves no empty run in Qase.
  }

  function writeManifest(): void {
    const runId = delivery.runId;
    try {
      outbox.writeManifest({
        version: 1,
        project: config.testops.project,
        framework,
        createdAt: isoTime(createdAt),
        run: { id: runId, create: runId === undefined ? plan : undefined, complete: config.testops.run.complete },
      });
    } catch (error) {
      outboxFailed(error);
    }
  }

  function add(result: TestResult): void {
    try {
      if (!started) startRun();
      total++;
      const body = toResultBody(result, { config, attachmentRef: storeAttachment, notBeforeMs });
      if (!body) return;
      byStatus[body.execution.status] = (byStatus[body.execution.status] ?? 0) + 1;
      attachments += countAttachments(body);
      outbox.append(body);
      written++;
      if (outbox.openCount() >= config.testops.batch.size) seal();
      else sealTimer ??= startTimer(seal, SEAL_AFTER_MS, { keepAlive: false });
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
      delivery.cancelAll();
    }, config.testops.deadlineMs, { keepAlive: true });
    try {
      if (!started) startRun();
      seal();
      await sender.flush();
      const everything = outbox.isEmpty() && delivery.fatal() === undefined;
      let publicUrl: string | undefined;
      if (everything && !timedOut && !dryRun) {
        if (config.testops.run.complete) await delivery.completeRun();
        if (config.testops.showPublicReportLink) publicUrl = await delivery.makeRunPublic();
      }
      const kept = dryRun || !outbox.removeIfEmpty();
      if (!kept) removeEmptyParents(folder, cwd);
      const counts = delivery.counts();
      const project = config.testops.project;
      const summary: UploadSummary = {
        mode: config.mode,
        total,
        delivered: dryRun ? written : counts.delivered,
        byStatus,
        deliveredByStatus: dryRun ? { ...byStatus } : counts.deliveredByStatus,
        requests: counts.requests,
        retries: counts.retries,
        durationMs: wallClockMs() - createdAt,
        runId: delivery.runId,
        runUrl: delivery.runId !== undefined && project ? runUrl(config.testops.api.appUrl, project, delivery.runId) : undefined,
        folder: kept ? folder : undefined,
      };
      const details = {
        written,
        refused: counts.refused,
        refusedByStatus: counts.refusedByStatus,
        attachments,
        attachmentBytes: dryRun ? folderBytes(join(folder, 'files')) : undefined,
        timedOut,
        stoppedBy: delivery.fatal()?.message,
        runTitle: plan?.title,
        publicUrl,
        folder: summary.folder && relative(cwd, summary.folder),
      };
      for (const line of formatSummary(summary, details)) output.info(line);
      appendStepSummary(env, summary, output.warn);
      return summary;
    } catch (error) {
      output.errorOnce(`unexpected failure while finishing the upload: ${(error as Error).message}`);
      const { delivered, deliveredByStatus, requests, retries } = delivery.counts();
      return { mode: config.mode, total, delivered, byStatus, deliveredByStatus, requests, retries, durationMs: wallClockMs() - createdAt, folder };
    } finally {
      stopTimer(deadline);
      delivery.close();
    }
  }

  return { config, startRun, add, end };
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

/** `.qase/outbox/20261128-215326-4242`: one folder per process, so parallel jobs and shards never share one. */
function sessionName(ms: number): string {
  const stamp = isoTime(ms).replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${process.pid}`;
}

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
