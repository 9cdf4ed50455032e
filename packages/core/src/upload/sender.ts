import { startTimer, stopTimer, wallClockMs } from '../clock';
import { ApiError } from '../errors';
import type { RetryPolicy } from './backoff';
import { decide } from './decision';
import { createRateWindow, recordRateLimited, recordSend, waitBeforeSendMs } from './rate-limit';

/** The effects the sending loop needs, passed in so tests run the whole fault behaviour on a fake clock. */
export interface Effects {
  /** Resolves after `ms`, or rejects as soon as `cancel` aborts. Never keeps the process alive. */
  sleep(ms: number, cancel: AbortSignal): Promise<void>;
  /** Wall-clock time in Unix ms. */
  now(): number;
  random(): number;
}

export interface SenderOptions {
  rateLimitPerMinute: number;
  policy: RetryPolicy;
  effects: Effects;
  /** Called before each wait for a resend, with what failed and how long the wait is. */
  onRetry?: (error: ApiError, delayMs: number) => void;
}

/** Every API call of the process goes through one sender: one rate limit, one retry policy, one deadline. */
export interface Sender {
  /**
   * Sends `call` when the rate limit allows, and again while the decision (decision.ts) is to retry or pause.
   * Rejects with the ApiError that ended it, carrying that decision (split, set-aside, cool-down or stop).
   */
  send<T>(call: (cancel: AbortSignal) => Promise<T>): Promise<T>;
  /** Requests sent and resends made so far. */
  stats(): { requests: number; retries: number };
  /** The deadline passed: cancel what is waiting or in flight and refuse what comes. */
  cancelAll(): void;
  /** Aborts when `cancelAll` is called. */
  readonly cancelled: AbortSignal;
}

export function createSender(options: SenderOptions): Sender {
  const { effects, policy } = options;
  const controller = new AbortController();
  const cancel = controller.signal;
  let window = createRateWindow(options.rateLimitPerMinute);
  let requests = 0;
  let retries = 0;

  async function throttle(): Promise<void> {
    for (let wait = waitBeforeSendMs(window, effects.now()); wait > 0; wait = waitBeforeSendMs(window, effects.now())) {
      await effects.sleep(wait, cancel);
    }
    // No await between the check above and this record: concurrent callers cannot both take the last slot.
    window = recordSend(window, effects.now());
  }

  async function send<T>(call: (cancel: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (cancel.aborted) throw cancelled();
      await throttle();
      if (cancel.aborted) throw cancelled();
      requests++;
      try {
        return await call(cancel);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (cancel.aborted) throw cancelled();
        const now = effects.now();
        const decision = decide(error, attempt, now, effects.random(), policy);
        if (decision.action === 'pause') {
          // One 429 pauses every request of the process, not just the one that got it: the wait is in throttle().
          window = recordRateLimited(window, now, decision.delayMs);
        } else if (decision.action !== 'retry') {
          throw error.withDecision(decision);
        }
        retries++;
        options.onRetry?.(error, decision.delayMs);
        if (decision.action === 'retry') await effects.sleep(decision.delayMs, cancel);
      }
    }
  }

  return {
    send,
    stats: () => ({ requests, retries }),
    cancelAll: () => controller.abort(),
    cancelled: cancel,
  };
}

export function cancelled(): ApiError {
  return new ApiError('the upload deadline passed before the API answered.', 'API_NETWORK', undefined, '', '');
}

/**
 * Real effects, on the clock and timers captured when core loaded (see clock.ts). `keepAlive: false`: a wait never
 * keeps the process alive (a reporter's end() holds the test process itself, until the deadline); a command has
 * nothing else holding it, and would exit silently mid-retry.
 */
export function realEffects(options: { keepAlive: boolean }): Effects {
  return {
    sleep: (ms, cancel) =>
      new Promise((resolve, reject) => {
        if (cancel.aborted) return reject(cancelled());
        const timer = startTimer(() => {
          cancel.removeEventListener('abort', onAbort);
          resolve();
        }, ms, options);
        const onAbort = () => {
          stopTimer(timer);
          reject(cancelled());
        };
        cancel.addEventListener('abort', onAbort, { once: true });
      }),
    now: wallClockMs,
    random: () => Math.random(),
  };
}
