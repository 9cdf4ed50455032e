import type retryType from 'async-retry';
import { ApiError } from '../errors';
import { isRetryableStatus, parseRetryAfterMs, retryDelayMs, type RetryPolicy } from './backoff';
import { createRateWindow, recordRateLimited, recordSend, waitBeforeSendMs } from './rate-limit';

/** The effects the request loop needs, passed in so tests can run it on a fake clock. */
export interface Effects {
  /** Resolves after `ms`, or rejects as soon as `cancel` aborts. Never keeps the process alive. */
  sleep(ms: number, cancel: AbortSignal): Promise<void>;
  now(): number;
  random(): number;
}

export interface DispatcherOptions {
  rateLimitPerMinute: number;
  maxConcurrentRequests: number;
  policy: RetryPolicy;
  effects: Effects;
  /** Called before each wait for a retry, with what failed and how long the wait is. */
  onRetry?: (error: ApiError, delayMs: number) => void;
}

/** Every API call of the process goes through one dispatcher: one rate limit, one concurrency bound, one deadline. */
export interface Dispatcher {
  /** Runs `call` when the rate limit and concurrency allow, resending what can succeed later. */
  run<T>(call: (cancel: AbortSignal) => Promise<T>): Promise<T>;
  /** Requests sent and retries made so far. */
  stats(): { requests: number; retries: number };
  /** The deadline passed: cancel what is in flight and refuse what comes. */
  cancelAll(): void;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { effects, policy } = options;
  const controller = new AbortController();
  const cancel = controller.signal;
  let window = createRateWindow(options.rateLimitPerMinute);
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  let requests = 0;
  let retries = 0;

  async function throttle(): Promise<void> {
    for (let wait = waitBeforeSendMs(window, effects.now()); wait > 0; wait = waitBeforeSendMs(window, effects.now())) {
      await effects.sleep(wait, cancel);
    }
    // No await between the check above and this record: concurrent callers cannot both take the last slot.
    window = recordSend(window, effects.now());
  }

  async function withSlot<T>(call: () => Promise<T>): Promise<T> {
    while (inFlight >= options.maxConcurrentRequests) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight++;
    try {
      return await call();
    } finally {
      inFlight--;
      waiting.shift()?.();
    }
  }

  async function run<T>(call: (cancel: AbortSignal) => Promise<T>): Promise<T> {
    let delayMs = 0;
    // Loaded on first use, like the HTTP stack (see api.ts): importing core must stay cheap for test workers.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const retry = require('async-retry') as typeof retryType;
    return retry<T>(
      async (bail, attempt) => {
        try {
          if (cancel.aborted) throw cancelled();
          if (attempt > 1) {
            retries++;
            await effects.sleep(delayMs, cancel);
          }
          return await withSlot(async () => {
            if (cancel.aborted) throw cancelled();
            await throttle();
            requests++;
            return call(cancel);
          });
        } catch (error) {
          const retryIn = cancel.aborted ? undefined : retryDelay(error, attempt);
          if (retryIn === undefined) {
            bail(error as Error);
            // bail() has settled the promise; returning stops async-retry from scheduling another attempt.
            return undefined as T;
          }
          delayMs = retryIn;
          options.onRetry?.(error as ApiError, delayMs);
          throw error;
        }
      },
      // Waits are ours (Retry-After, jitter, the shared pause); async-retry only counts attempts.
      { retries: policy.maxAttempts - 1, factor: 1, minTimeout: 0, maxTimeout: 0, randomize: false, unref: true },
    );
  }

  function retryDelay(error: unknown, attempt: number): number | undefined {
    // An untrusted certificate stays untrusted: resending cannot help, a CA (NODE_EXTRA_CA_CERTS) can.
    if (!(error instanceof ApiError) || error.code === 'API_CERTIFICATE' || !isRetryableStatus(error.status)) return undefined;
    const now = effects.now();
    if (error.status === 429) {
      // One 429 pauses every request of the process, not just the one that got it.
      const pauseMs = parseRetryAfterMs(error.retryAfter, now) ?? policy.maxDelayMs;
      window = recordRateLimited(window, now, Math.min(pauseMs, policy.maxRetryAfterMs));
    }
    return retryDelayMs(attempt, error.retryAfter, now, effects.random(), policy);
  }

  return {
    run,
    stats: () => ({ requests, retries }),
    cancelAll: () => {
      controller.abort();
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

export function cancelled(): ApiError {
  return new ApiError('the upload deadline passed before the API answered.', 'API_NETWORK', undefined, '', '');
}

/** Real effects: timers are unref'd so a pending wait never keeps the test process alive. */
export const realEffects: Effects = {
  sleep: (ms, cancel) =>
    new Promise((resolve, reject) => {
      if (cancel.aborted) return reject(cancelled());
      const timer = setTimeout(() => {
        cancel.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      timer.unref();
      const onAbort = () => {
        clearTimeout(timer);
        reject(cancelled());
      };
      cancel.addEventListener('abort', onAbort, { once: true });
    }),
  now: () => Date.now(),
  random: () => Math.random(),
};
