import { mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createApiClient, type ApiClient } from './api';
import type { ResultBody } from './api-types';
import { createAttachmentStore, createAttachmentUploader } from './attachments';
import { loadConfig, resolveConfig, type Config } from './config';
import { ApiError, ConfigError } from './errors';
import { toResultBody } from './mapping';
import type { TestResult } from './model';
import { openOutbox, type Segment } from './outbox';
import { createOutput, type Output } from './output';
import { createRun, planRun, runStartMs, runUrl, type RunPlan } from './run';
import { formatSummary } from './summary';
import { API_LIMITS } from './upload/batches';
import { DEFAULT_RETRY_POLICY } from './upload/backoff';
import { createDispatcher, realEffects, type Dispatcher } from './upload/dispatcher';
import { createUploader, type Uploader } from './upload/uploader';

export interface RunStart {
  /** When the test run began, if the framework knows (merge-reports replays old results); default now. */
  startedAtMs?: number;
  /** The framework's `--shard`, when given. */
  shard?: { current: number; total: number };
}

export interface UploadSummary {
  mode: Config['mode'];
  /** Results handed to `add`, after `ignore` but before the status filter. */
  total: number;
  /** Confirmed by the API (or written, in a dry run). */
  delivered: number;
  byStatus: Record<string, number>;
  requests: number;
  retries: number;
  durationMs: number;
  runId?: number;
  runUrl?: string;
  /** Folder holding what was not delivered, or the dry run's output. */
  folder?: string;
}

/** What adapters call. Every method is safe to call in any mode; none throws into the test run. */
export interface Collector {
  readonly config: Config;
  /** Creates the run (or adopts `testops.run.id`) in the background; call when the test run begins. */
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
// After the API stayed unavailable through every retry, wait this long before trying again.
const COOL_DOWN_MS = 30_000;
const FATAL = new Set([400, 401, 403, 404, 405, 410, 422]);

export function createCollector(options: unknown, context: CollectorContext): Collector {
  const cwd = context.cwd ?? process.cwd();
  const env = context.env ?? process.env;
  let config: Config;
  try {
    config = loadConfig(options, { cwd, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`qase: ${error.message} Nothing is sent to Qase in this run.\n`);
    return disabled(resolveConfig({ mode: 'off' }, {}, undefined));
  }
  const output = createOutput({
    console: config.logging.console,
    debug: config.debug,
    logFile: config.logging.file ? join(cwd, 'logs', 'qase.log') : undefined,
    secrets: [config.testops.api.token],
  });
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
  const startedAt = Date.now();
  return {
    config,
    startRun: () => undefined,
    add: () => undefined,
    end: async () => ({ mode: config.mode, total: 0, delivered: 0, byStatus: {}, requests: 0, retries: 0, durationMs: Date.now() - startedAt }),
  };
}

/** One test run's worth of results, from the first `add` to the summary. */
function createSession(config: Config, framework: string, cwd: string, env: NodeJS.ProcessEnv, output: Output): Collector {
  const createdAt = Date.now();
  const dryRun = config.mode === 'dry-run';
  const project = config.testops.project;
  const folder = dryRun ? prepareDryRunFolder(resolve(cwd, config.dryRunPath)) : join(resolve(cwd, config.testops.outboxPath), sessionName(createdAt));
  const outbox = openOutbox(folder);
  const storeAttachment = createAttachmentStore(folder, { copyFiles: dryRun, warn: output.warn });
  const dispatcher = createDispatcher({
    rateLimitPerMinute: config.testops.rateLimitPerMinute,
    maxConcurrentRequests: config.testops.maxConcurrentRequests,
    policy: DEFAULT_RETRY_POLICY,
    effects: realEffects,
    onRetry: (error, delayMs) => output.debug(`${error.message} Retrying in ${delayMs} ms.`),
  });
  const api = dryRun ? undefined : createApiClient({
    baseUrl: config.testops.api.baseUrl,
    token: config.testops.api.token ?? '',
    env,
    debug: output.debug,
  });
  const send = api && project ? sendToApi(api, project, dispatcher, folder, output, () => runId) : writeRequests(folder);
  const refused: string[] = [];
  const uploader: Uploader = createUploader({
    send,
    limits: { ...API_LIMITS, maxResults: Math.min(config.testops.batch.size, API_LIMITS.maxResults) },
    onRefused: (result, reason) => {
      refused.push(result.id);
      output.errorOnce(`result "${result.title}" was refused by the API and is not sent again: ${reason}`);
    },
    onTruncated: (result) => output.warn(`result "${result.title}" was too large for the API; its longest texts were cut and marked.`),
  });

  const byStatus: Record<string, number> = {};
  let total = 0;
  let written = 0;
  let delivered = 0;
  let started = false;
  let notBeforeMs: number | undefined;
  let runId: number | undefined;
  let createdRun = false;
  let run: Promise<void> = Promise.resolve();
  /** Sending stops for good: the API refused the token, project or run. */
  let fatal: ApiError | undefined;
  /** Sending pauses: the API stayed unavailable through every retry. */
  let pausedUntil = 0;
  let sealTimer: NodeJS.Timeout | undefined;
  const active = new Set<Promise<void>>();

  function ready(): boolean {
    return (dryRun || runId !== undefined) && fatal === undefined && Date.now() >= pausedUntil;
  }

  function pump(): void {
    if (!ready()) return;
    const room = Math.max(0, config.testops.maxConcurrentRequests - active.size);
    for (const segment of outbox.takeSealed(room)) {
      const task = deliver(segment).finally(() => {
        active.delete(task);
        pump();
      });
      active.add(task);
    }
  }

  async function deliver(segment: Segment): Promise<void> {
    const results = segment.read();
    try {
      await uploader.deliver(results, (ids) => {
        segment.settle(ids);
        delivered += ids.filter((id) => !refused.includes(id)).length;
      });
      segment.remove();
    } catch (error) {
      stop(error);
    }
  }

  function stop(error: unknown): void {
    const apiError = error instanceof ApiError ? error : undefined;
    if (apiError?.status !== undefined && FATAL.has(apiError.status)) fatal ??= apiError;
    else pausedUntil = Date.now() + COOL_DOWN_MS;
    output.errorOnce(`${(error as Error).message}`);
  }

  function seal(): void {
    clearTimeout(sealTimer);
    sealTimer = undefined;
    outbox.seal();
    pump();
  }

  function startRun(start: RunStart = {}): void {
    if (started) return;
    started = true;
    const startedAtMs = Math.min(start.startedAtMs ?? Date.now(), Date.now());
    if (start.shard && start.shard.total > 1 && config.testops.run.id === undefined && !dryRun) {
      output.warn(`shard ${start.shard.current}/${start.shard.total} creates a Qase run of its own. For one run across ` +
        'shards, create it first (npx qase-reporters run create) and pass QASE_TESTOPS_RUN_ID to every shard.');
    }
    const plan = config.testops.run.id === undefined
      ? planRun(config, startedAtMs, { title: `Automated run ${new Date(startedAtMs).toISOString()}`, description: `${framework} automated run` })
      : undefined;
    notBeforeMs = plan ? runStartMs(plan.startTime) : undefined;
    runId = config.testops.run.id;
    writeManifest(plan);
    if (dryRun || runId !== undefined || !api || !project || !plan) return pump();
    run = createRun(plan, project, api, dispatcher, output.warn).then(
      (id) => {
        runId = id;
        createdRun = true;
        writeManifest(plan);
        pump();
      },
      (error) => stop(error),
    );
  }

  function writeManifest(plan: RunPlan | undefined): void {
    outbox.writeManifest({
      version: 1,
      project,
      framework,
      createdAt: new Date(createdAt).toISOString(),
      run: { id: runId, create: runId === undefined ? plan : undefined, complete: config.testops.run.complete },
    });
  }

  function add(result: TestResult): void {
    try {
      if (!started) startRun();
      total++;
      const body = toResultBody(result, { config, attachmentRef: storeAttachment, notBeforeMs });
      if (!body) return;
      byStatus[body.execution.status] = (byStatus[body.execution.status] ?? 0) + 1;
      outbox.append(body);
      written++;
      if (outbox.openCount() >= config.testops.batch.size) seal();
      else sealTimer ??= setTimeout(seal, SEAL_AFTER_MS).unref();
    } catch (error) {
      output.errorOnce(`could not keep result "${result.title}": ${(error as Error).message}`);
    }
  }

  async function end(): Promise<UploadSummary> {
    const deadline = Date.now() + config.testops.deadlineMs;
    let timedOut = false;
    try {
      if (!started) startRun();
      seal();
      await withDeadline(run, deadline);
      if (pausedUntil > 0 && api && project) await probe(api, project);
      pump();
      while (active.size > 0) {
        if (!(await withDeadline(Promise.all(active), deadline))) {
          timedOut = true;
          dispatcher.cancelAll();
          await Promise.allSettled(active);
        }
      }
      const everything = outbox.isEmpty() && fatal === undefined;
      if (everything && !timedOut && api && project && runId !== undefined && config.testops.run.complete) {
        const id = runId;
        await dispatcher.run((c) => api.completeRun(project, id, c)).catch(stop);
      }
      const publicUrl = everything && config.testops.showPublicReportLink && api && project && runId !== undefined
        ? await dispatcher.run((c) => api.makeRunPublic(project, runId!, c)).catch((e) => void stop(e))
        : undefined;
      const kept = !outbox.isEmpty() || !outbox.removeIfEmpty();
      if (!kept) removeEmptyParents(folder, cwd);
      const summary: UploadSummary = {
        mode: config.mode,
        total,
        delivered: dryRun ? written : delivered,
        byStatus,
        ...dispatcherOrWrites(),
        durationMs: Date.now() - createdAt,
        runId,
        runUrl: runId !== undefined && project ? runUrl(config.testops.api.appUrl, project, runId) : undefined,
        folder: kept || dryRun ? folder : undefined,
      };
      for (const line of formatSummary(summary, {
        written,
        refused: refused.length,
        timedOut,
        stoppedBy: fatal?.message,
        runCreated: createdRun,
        publicUrl: publicUrl || undefined,
        folder: summary.folder && relative(cwd, summary.folder),
      })) output.info(line);
      return summary;
    } catch (error) {
      output.errorOnce(`unexpected failure while finishing the upload: ${(error as Error).message}`);
      return { mode: config.mode, total, delivered, byStatus, requests: 0, retries: 0, durationMs: Date.now() - createdAt, folder };
    } finally {
      api?.close();
    }
  }

  // The API failed us earlier in the run; one quick request tells whether it is back before the final flush.
  async function probe(client: ApiClient, code: string): Promise<void> {
    try {
      await client.getProject(code);
      pausedUntil = 0;
    } catch {
      // Still away: what is left stays in the outbox, and the summary says how to send it.
    }
  }

  function dispatcherOrWrites(): { requests: number; retries: number } {
    return dryRun ? { requests: requestsWritten(folder), retries: 0 } : dispatcher.stats();
  }

  return { config, startRun, add, end };
}

function sendToApi(
  api: ApiClient, project: string, dispatcher: Dispatcher, folder: string, output: Output, runId: () => number | undefined,
) {
  const attachments = createAttachmentUploader({
    dir: folder,
    upload: (files) => dispatcher.run((c) => api.uploadAttachments(project, files, c)),
    warn: output.warn,
  });
  return async (batch: readonly ResultBody[]): Promise<void> => {
    const results = await attachments.resolve(batch);
    // Segments are sent only once the run exists (see `ready`), so the id is known here.
    const id = runId()!;
    await dispatcher.run((c) => api.createResults(project, id, results, c));
  };
}

/** A dry run's `send`: each request body becomes a numbered file, exactly as it would have been sent. */
function writeRequests(folder: string) {
  let count = 0;
  return async (batch: readonly ResultBody[]): Promise<void> => {
    mkdirSync(join(folder, 'requests'), { recursive: true });
    writeFileSync(join(folder, 'requests', `${String(++count).padStart(6, '0')}.json`), JSON.stringify({ results: batch }, null, 2));
  };
}

function requestsWritten(folder: string): number {
  try {
    return readdirSync(join(folder, 'requests')).length;
  } catch {
    return 0;
  }
}

/** Resolves true when `task` settles before `deadline`, false when the deadline comes first. */
async function withDeadline(task: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  try {
    return await Promise.race([task.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `.qase/outbox/20261128-215326-4242`: one folder per process, so parallel jobs and shards never share one. */
function sessionName(ms: number): string {
  const stamp = new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
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
