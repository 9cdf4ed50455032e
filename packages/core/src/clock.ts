/**
 * The real clock and timers, captured when core loads. Tests fake the global ones (sinon's `useFakeTimers`, Jest's
 * and Vitest's fake timers) and may hold them across real I/O while the reporter runs in the same process: a timer
 * set on a fake clock never fires, and `restore()` throws it away, so a batch waiting to be resent would never go.
 * Fake-timer libraries replace the globals, and `node:timers` and `perf_hooks` with them, but never a reference
 * taken earlier. Core and every adapter read time and set timers only through here.
 */
const setTimer = globalThis.setTimeout;
const clearTimer = globalThis.clearTimeout;
const dateNow = Date.now;
const NativeDate = Date;

/** Wall-clock time in Unix milliseconds, as `Date.now()` gives before any test fakes it. */
export function wallClockMs(): number {
  return dateNow();
}

/** An ISO 8601 timestamp of `ms` (default now) that a faked `Date` cannot change. */
export function isoTime(ms: number = dateNow()): string {
  return new NativeDate(ms).toISOString();
}

/** A real timer. `keepAlive: false` lets the process exit while it is pending. */
export function startTimer(callback: () => void, ms: number, options: { keepAlive: boolean }): NodeJS.Timeout {
  const timer = setTimer(callback, ms);
  if (!options.keepAlive) timer.unref();
  return timer;
}

export function stopTimer(timer: NodeJS.Timeout | undefined): void {
  if (timer !== undefined) clearTimer(timer);
}
