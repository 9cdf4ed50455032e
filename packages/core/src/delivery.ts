import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiClient, type ApiClient } from './api';
import type { ResultBody } from './api-types';
import { createAttachmentUploader } from './attachments';
import { cliCommand } from './command';
import type { Config } from './config';
import { ApiError } from './errors';
import type { Segment } from './outbox';
import type { Output } from './output';
import { createPlannedRun, type RunPlan } from './run';
import { API_LIMITS } from './upload/batches';
import { DEFAULT_RETRY_POLICY } from './upload/backoff';
import { COOL_DOWN_MS } from './upload/decision';
import { createSender, realEffects, type Effects, type Sender } from './upload/sender';
import { createUploader } from './upload/uploader';

/**
 * Where results go and how: the API (one rate limit, one sending policy, attachments first) or, in a dry run,
 * numbered request files. The one way to send: the reporters' collector, `qase-reporters upload` and the CLI's
 * commands all go through it. Every decision on a failed request is made by `decide` (upload/decision.ts) inside
 * the sender; this applies the two that outlast a request: stop, and cool down until a probe finds the API back.
 */
export interface Delivery {
  /** The run results go to; set once it exists. */
  runId: number | undefined;
  /** True while sending can proceed: nothing fatal happened, no cool-down is on, the deadline has not passed. */
  ready(): boolean;
  /** A result was written for this project: its attachments are queued to fill upload requests across batches. */
  expect(result: ResultBody): void;
  /** Every result is written: attachments queued go without waiting for more. */
  endOfResults(): void;
  /** A full request of queued attachments, sent ahead of its batch (see AttachmentUploader); undefined if none waits. */
  uploadAhead(): Promise<void> | undefined;
  /** Sends results; `onSettled` gets the ids needing no further sending. Failures stop or pause sending, never throw. */
  deliver(results: readonly ResultBody[], onSettled: (ids: string[]) => void): Promise<boolean>;
  /** Sends an outbox segment, never rejecting: removes it once every result in it is settled, else puts it back. */
  deliverSegment(segment: Segment): Promise<boolean>;
  /** Creates the planned run (or finds it, when an earlier try may have created it) and sends into it from then on. */
  openRun(plan: RunPlan): Promise<number | undefined>;
  /** One API call for the CLI's commands, resent as the policy says; rejects with the ApiError that ended it. */
  call<T>(request: (api: ApiClient, cancel: AbortSignal) => Promise<T>): Promise<T>;
  completeRun(): Promise<boolean>;
  makeRunPublic(): Promise<string | undefined>;
  /** During a cool-down: one quick request tells whether the API is back; true ends the cool-down. */
  probe(): Promise<boolean>;
  /** The error that stopped all sending, if one did. */
  fatal(): ApiError | undefined;
  counts(): {
    delivered: number; refused: number; requests: number; retries: number;
    deliveredByStatus: Record<string, number>; refusedByStatus: Record<string, number>;
  };
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
  /** `false` sends each request once (the CLI's doctor reports what one request gets). */
  retries?: boolean;
  /** The clock, timers and random source; tests pass a fake clock. */
  effects?: Effects;
  /** Waits between resends keep the process alive: true for a command, false (default) inside a test run. */
  keepAlive?: boolean;
  /** The API; tests pass a fake one. Default: the client for `config`. */
  api?: ApiClient;
  /** The project results go to, and its token. Default: `testops.project` with `testops.api.token`. */
  project?: { code: string; token: string | undefined };
  /**
   * The sender to share: the API's rate limit is per token, so projects sharing a token share one sender (and
   * its deadline). Default: a sender of its own.
   */
  sender?: Sender;
  /** Where a dry run writes its request files, inside `folder`. Default `requests`. */
  requests?: string;
}

/** Senders by token: the API's rate limit is per token, so projects sharing a token share one sender. */
export interface SenderPool {
  senderFor(token: string | undefined): Sender;
  /** Requests sent and resends made by every sender, each counted once. */
  stats(): { requests: number; retries: number };
}

export function createSenderPool(config: Config, output: Output, options: Pick<DeliveryOptions, 'retries' | 'effects' | 'keepAlive'> = {}): SenderPool {
  const senders = new Map<string, Sender>();
  return {
    senderFor(token) {
      const key = token ?? '';
      if (!senders.has(key)) senders.set(key, createConfiguredSender(config, output, options));
      return senders.get(key)!;
    },
    stats() {
      const all = [...senders.values()].map((sender) => sender.stats());
      return { requests: all.reduce((n, s) => n + s.requests, 0), retries: all.reduce((n, s) => n + s.retries, 0) };
    },
  };
}

/** A sender with the configured rate limit and sending policy; `retries: false` sends each request once. */
function createConfiguredSender(config: Config, output: Output, options: Pick<DeliveryOptions, 'retries' | 'effects' | 'keepAlive'> = {}): Sender {
  return createSender({
    rateLimitPerMinute: config.testops.rateLimitPerMinute,
    policy: options.retries === false ? { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 } : DEFAULT_RETRY_POLICY,
    effects: options.effects ?? realEffects({ keepAlive: options.keepAlive === true }),
    onRetry: (error, delayMs) => output.debug(`${error.message} Retrying in ${delayMs} ms.`),
  });
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const { config, folder, output, env } = options;
  const effects = options.effects ?? realEffects({ keepAlive: options.keepAlive === true });
  // Report mode never gets here: the collector writes a Qase Report instead (report/session.ts), and the CLI's
  // commands set mode testops.
  const dryRun = config.mode === 'dry-run';
  const project = options.project?.code ?? config.testops.project ?? '';
  const token = options.project ? options.project.token : config.testops.api.token;
  const sender = options.sender ?? createConfiguredSender(config, output, { ...options, effects });
  const requests = options.requests ?? 'requests';
  const { refusal } = config.testops.api;
  const api = dryRun || refusal ? undefined : options.api ?? createApiClient({
    baseUrl: config.testops.api.baseUrl,
    token: token ?? '',
    env,
    allowPlainHttp: config.testops.api.allowPlainHttp,
    debug: output.debug,
  });
  const refused = new Set<string>();
  let delivered = 0;
  const deliveredByStatus: Record<string, number> = {};
  const refusedByStatus: Record<string, number> = {};
  let written = 0;
  // An address the token may not go to: nothing is sent, and the outbox keeps every result for `upload`.
  let fatal = refusal === undefined ? undefined : new ApiError(refusal, 'API_INSECURE', undefined, 'POST', '/');
  if (refusal) output.errorOnce(`${refusal} The results are kept in the outbox for ${cliCommand('upload')}.`);
  let pausedUntil = 0;
  let runId: number | undefined;
  let runTried = false;
  const ended = sender.cancelled;

  const uploader = createUploader({
    send: api ? sendToApi(api) : writeRequest,
    limits: { ...API_LIMITS, maxResults: Math.min(config.testops.batch.size, API_LIMITS.maxResults) },
    onRefused: (result, reason) => {
      refused.add(result.id);
      refusedByStatus[result.execution.status] = (refusedByStatus[result.execution.status] ?? 0) + 1;
      output.errorOnce(`result "${result.title}" was refused by the API and is not sent again: ${reason}`);
    },
    onTruncated: (result) => output.warn(`result "${result.title}" was too large for the API; its longest texts were cut and marked.`),
  });

  const attachments = api && createAttachmentUploader({
    dir: folder,
    upload: (files) => sender.send((c) => api.uploadAttachments(project, files, c)),
    warn: output.warn,
    cancelled: ended,
    sleep: effects.sleep,
  });

  function sendToApi(client: ApiClient) {
    return async (batch: readonly ResultBody[]): Promise<void> => {
      const results = await attachments!.resolve(batch);
      // Callers send only once the run exists (the collector's pump, uploadFolder), so the id is known here.
      const id = runId!;
      await sender.send((c) => client.createResults(project, id, results, c));
    };
  }

  // A dry run's `send`: each request body becomes a numbered file, exactly as it would have been sent.
  async function writeRequest(batch: readonly ResultBody[]): Promise<void> {
    mkdirSync(join(folder, requests), { recursive: true });
    const name = `${String(++written).padStart(6, '0')}.json`;
    writeFileSync(join(folder, requests, name), JSON.stringify({ results: batch }, null, 2));
  }

  function stop(error: unknown): void {
    // Cut off by the deadline: the summary says so, once.
    if (ended.aborted) return;
    const decision = error instanceof ApiError ? error.decision : undefined;
    // The API still away after every retry, or an outbox that cannot be read, may pass: cool down, and a probe may
    // resume. A refusal that reaches here (the run's own request refused) needs the user, like `stop`.
    if (decision === undefined || decision.action === 'cool-down') {
      pausedUntil = effects.now() + (decision?.action === 'cool-down' ? decision.delayMs : COOL_DOWN_MS);
    } else {
      fatal ??= error as ApiError;
    }
    output.errorOnce((error as Error).message);
  }

  async function deliver(results: readonly ResultBody[], onSettled: (ids: string[]) => void): Promise<boolean> {
    const statusOf = new Map(results.map((r) => [r.id, r.execution.status]));
    try {
      await uploader.deliver(results, (ids) => {
        onSettled(ids);
        for (const id of ids) {
          if (refused.has(id)) continue;
          delivered++;
          const status = statusOf.get(id) ?? 'unknown';
          deliveredByStatus[status] = (deliveredByStatus[status] ?? 0) + 1;
        }
      });
      return true;
    } catch (error) {
      stop(error);
      return false;
    }
  }

  const call = <T>(request: (client: ApiClient, cancel: AbortSignal) => Promise<T>): Promise<T> =>
    sender.send((c) => request(api!, c));
  const ready = (): boolean => !ended.aborted && fatal === undefined && effects.now() >= pausedUntil;

  return {
    get runId() {
      return runId;
    },
    set runId(id) {
      runId = id;
    },
    expect: (result) => attachments?.expect(result),
    endOfResults: () => attachments?.close(),
    uploadAhead: () => (ready() ? attachments?.uploadAhead() : undefined),
    ready,
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
    async openRun(plan) {
      if (!api) return undefined;
      // A try before this one (its answer lost, or the cool-down it ended in over) may have created the run.
      const lookFirst = runTried;
      runTried = true;
      try {
        runId = await createPlannedRun(plan, project, call, output.warn, { lookFirst });
        return runId;
      } catch (error) {
        stop(error);
        return undefined;
      }
    },
    call,
    async completeRun() {
      if (!api || runId === undefined) return false;
      const id = runId;
      return sender.send((c) => api.completeRun(project, id, c)).then(() => true, (error) => (stop(error), false));
    },
    async makeRunPublic() {
      if (!api || runId === undefined) return undefined;
      const id = runId;
      return sender.send((c) => api.makeRunPublic(project, id, c)).catch((error) => void stop(error));
    },
    async probe() {
      if (!api || pausedUntil === 0 || fatal !== undefined || ended.aborted) return false;
      try {
        await api.getProject(project, ended);
        pausedUntil = 0;
        return true;
      } catch {
        // Still away: what is left stays in the outbox, and the summary says how to send it.
        pausedUntil = effects.now() + COOL_DOWN_MS;
        return false;
      }
    },
    fatal: () => fatal,
    counts: () => ({
      delivered, refused: refused.size, deliveredByStatus: { ...deliveredByStatus }, refusedByStatus: { ...refusedByStatus },
      ...(api ? sender.stats() : { requests: written, retries: 0 }),
    }),
    cancelAll: () => sender.cancelAll(),
    close: () => api?.close(),
  };
}
