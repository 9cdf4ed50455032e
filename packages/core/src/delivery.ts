import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiClient, type ApiClient } from './api';
import type { ResultBody } from './api-types';
import { createAttachmentUploader } from './attachments';
import type { Config } from './config';
import { ApiError } from './errors';
import type { Segment } from './outbox';
import type { Output } from './output';
import { createRun, type RunPlan } from './run';
import { API_LIMITS } from './upload/batches';
import { DEFAULT_RETRY_POLICY } from './upload/backoff';
import { createDispatcher, realEffects } from './upload/dispatcher';
import { createUploader } from './upload/uploader';

// After the API stayed unavailable through every retry, wait this long before trying again.
const COOL_DOWN_MS = 30_000;
// Statuses after which no request of this run can succeed until the user fixes something.
const FATAL = new Set([400, 401, 403, 404, 405, 410, 422]);

/** Fatal: the token, project, run, host or certificate is wrong; a redirect means the host is (see api.ts). */
function isFatal(error: ApiError | undefined): error is ApiError {
  if (!error) return false;
  if (error.code === 'API_CERTIFICATE' || error.code === 'API_BAD_ANSWER') return true;
  return error.status !== undefined && (FATAL.has(error.status) || (error.status >= 300 && error.status < 400));
}

/**
 * Where results go and how: the API (one rate limit, one retry policy, attachments first) or, in a dry run, numbered
 * request files. Shared by the reporters' collector and `qase-reporters upload`, so both send the same way.
 */
export interface Delivery {
  /** The run results go to; set once it exists. */
  runId: number | undefined;
  /** True while sending can proceed: nothing fatal happened, no cool-down is on, the deadline has not passed. */
  ready(): boolean;
  /** Sends results; `onSettled` gets the ids needing no further sending. Failures stop or pause sending, never throw. */
  deliver(results: readonly ResultBody[], onSettled: (ids: string[]) => void): Promise<boolean>;
  /** Sends an outbox segment, never rejecting: removes it once every result in it is settled, else puts it back. */
  deliverSegment(segment: Segment): Promise<boolean>;
  createRun(plan: RunPlan): Promise<number | undefined>;
  completeRun(): Promise<boolean>;
  makeRunPublic(): Promise<string | undefined>;
  /** During a cool-down: one quick request tells whether the API is back; true ends the cool-down. */
  probe(): Promise<boolean>;
  /** The error that stopped all sending, if one did. */
  fatal(): ApiError | undefined;
  counts(): { delivered: number; refused: number; requests: number; retries: number };
  /** The deadline passed: cancel what is in flight. */
  cancelAll(): void;
  close(): void;
}

export interface DeliveryOptions {
  config: Config;
  /** The outbox or dry-run folder: attachment references are relative to it, dry-run requests are written in it. */
  folder: string;
  output: Output;
  env: Readonly<Record<string, string | undefined>>;
}

export function createDelivery({ config, folder, output, env }: DeliveryOptions): Delivery {
  const dryRun = config.mode === 'dry-run';
  const project = config.testops.project ?? '';
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
  const refused = new Set<string>();
  let delivered = 0;
  let written = 0;
  let fatal: ApiError | undefined;
  let pausedUntil = 0;
  let runId: number | undefined;
  const ended = new AbortController();

  const uploader = createUploader({
    send: api ? sendToApi(api) : writeRequest,
    limits: { ...API_LIMITS, maxResults: Math.min(config.testops.batch.size, API_LIMITS.maxResults) },
    onRefused: (result, reason) => {
      refused.add(result.id);
      output.errorOnce(`result "${result.title}" was refused by the API and is not sent again: ${reason}`);
    },
    onTruncated: (result) => output.warn(`result "${result.title}" was too large for the API; its longest texts were cut and marked.`),
  });

  function sendToApi(client: ApiClient) {
    const attachments = createAttachmentUploader({
      dir: folder,
      upload: (files) => dispatcher.run((c) => client.uploadAttachments(project, files, c)),
      warn: output.warn,
    });
    return async (batch: readonly ResultBody[]): Promise<void> => {
      const results = await attachments.resolve(batch);
      // Callers send only once the run exists (the collector's pump, uploadFolder), so the id is known here.
      const id = runId!;
      await dispatcher.run((c) => client.createResults(project, id, results, c));
    };
  }

  // A dry run's `send`: each request body becomes a numbered file, exactly as it would have been sent.
  async function writeRequest(batch: readonly ResultBody[]): Promise<void> {
    mkdirSync(join(folder, 'requests'), { recursive: true });
    const name = `${String(++written).padStart(6, '0')}.json`;
    writeFileSync(join(folder, 'requests', name), JSON.stringify({ results: batch }, null, 2));
  }

  function stop(error: unknown): void {
    // Cut off by the deadline: the summary says so, once.
    if (ended.signal.aborted) return;
    const apiError = error instanceof ApiError ? error : undefined;
    if (isFatal(apiError)) fatal ??= apiError;
    else pausedUntil = Date.now() + COOL_DOWN_MS;
    output.errorOnce((error as Error).message);
  }

  async function deliver(results: readonly ResultBody[], onSettled: (ids: string[]) => void): Promise<boolean> {
    try {
      await uploader.deliver(results, (ids) => {
        onSettled(ids);
        delivered += ids.filter((id) => !refused.has(id)).length;
      });
      return true;
    } catch (error) {
      stop(error);
      return false;
    }
  }

  return {
    get runId() {
      return runId;
    },
    set runId(id) {
      runId = id;
    },
    ready: () => !ended.signal.aborted && fatal === undefined && Date.now() >= pausedUntil,
    deliver,
    async deliverSegment(segment) {
      let done = false;
      try {
        done = await deliver(segment.read(), (ids) => segment.settle(ids));
      } catch (error) {
        // Only reading can throw here (the outbox folder removed mid-run); a rejection would go unhandled until end().
        stop(error);
      }
      // What was not sent goes back in line, for when the API is back; if it never is, it stays on disk.
      if (done) segment.remove();
      else segment.release();
      return done;
    },
    async createRun(plan) {
      if (!api) return undefined;
      try {
        runId = await createRun(plan, project, api, dispatcher, output.warn);
        return runId;
      } catch (error) {
        stop(error);
        return undefined;
      }
    },
    async completeRun() {
      if (!api || runId === undefined) return false;
      const id = runId;
      return dispatcher.run((c) => api.completeRun(project, id, c)).then(() => true, (error) => (stop(error), false));
    },
    async makeRunPublic() {
      if (!api || runId === undefined) return undefined;
      const id = runId;
      return dispatcher.run((c) => api.makeRunPublic(project, id, c)).catch((error) => void stop(error));
    },
    async probe() {
      if (!api || pausedUntil === 0 || fatal !== undefined || ended.signal.aborted) return false;
      try {
        await api.getProject(project, ended.signal);
        pausedUntil = 0;
        return true;
      } catch {
        // Still away: what is left stays in the outbox, and the summary says how to send it.
        return false;
      }
    },
    fatal: () => fatal,
    counts: () => ({ delivered, refused: refused.size, ...(api ? dispatcher.stats() : { requests: written, retries: 0 }) }),
    cancelAll: () => {
      ended.abort();
      dispatcher.cancelAll();
    },
    close: () => api?.close(),
  };
}
