/**
 * A client-side request budget shared by every request of the process: results, attachments and run calls.
 * Immutable; the uploader keeps the current value and replaces it. Times are milliseconds from one clock that
 * does not go back: a send stamped in the future would hold its slot for longer than the window.
 */
export interface RateWindow {
  /** Sends allowed in any `windowMs` span. */
  readonly limit: number;
  readonly windowMs: number;
  /** When the sends of the last `windowMs` left, oldest first. */
  readonly sentAtMs: readonly number[];
  /** No request is sent before this (a 429 pauses everyone); 0 when not paused. */
  readonly pausedUntilMs: number;
}

const MINUTE_MS = 60_000;

// A 429 despite our own limit means someone else spends the same token (parallel CI jobs share one): give way
// by a quarter per 429 burst. Multiplicative decrease reaches a fair share in a few steps, and the limit never
// grows back within a run, so a run that met 429s once does not provoke them again.
const DECREASE_ON_429 = 0.75;

export function createRateWindow(limitPerMinute: number): RateWindow {
  return { limit: limitPerMinute, windowMs: MINUTE_MS, sentAtMs: [], pausedUntilMs: 0 };
}

/**
 * How long to wait before the next send; 0 means send now. A sliding window: at most `limit` sends in any
 * `windowMs` span, whatever window the server counts in. After waiting, ask again: another request of the
 * process may have taken the slot meanwhile.
 */
export function waitBeforeSendMs(w: RateWindow, nowMs: number): number {
  const pausedMs = w.pausedUntilMs - nowMs;
  const recent = w.sentAtMs.filter((sentAtMs) => sentAtMs > nowMs - w.windowMs);
  // The send that must leave the window before a new one fits in it.
  const blocking = recent[recent.length - w.limit];
  const windowFullMs = blocking === undefined ? 0 : blocking + w.windowMs - nowMs;
  return Math.max(0, pausedMs, windowFullMs);
}

/** Records a send at `nowMs`, forgetting sends that have left the window. */
export function recordSend(w: RateWindow, nowMs: number): RateWindow {
  const recent = w.sentAtMs.filter((sentAtMs) => sentAtMs > nowMs - w.windowMs);
  return { ...w, sentAtMs: [...recent, nowMs] };
}

/**
 * Records a 429: every request of the process waits until `nowMs + retryAfterMs`, and the limit drops to
 * three quarters (at least 1). Requests in flight together meet the same 429; their answers arrive while the
 * pause is on and lower the limit only once.
 */
export function recordRateLimited(w: RateWindow, nowMs: number, retryAfterMs: number): RateWindow {
  const sameBurst = nowMs < w.pausedUntilMs;
  return {
    ...w,
    limit: sameBurst ? w.limit : Math.max(1, Math.floor(w.limit * DECREASE_ON_429)),
    pausedUntilMs: Math.max(w.pausedUntilMs, nowMs + retryAfterMs),
  };
}
