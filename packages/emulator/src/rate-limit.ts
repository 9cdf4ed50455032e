export interface RateLimiter {
  /** Takes a slot for `key` at `nowMs`; when none is free, returns how long until the oldest one frees. */
  take(key: string, nowMs: number, limit: number, windowMs: number): { retryAfterMs: number } | undefined;
}

/** A sliding window per key: a request counts against the limit for exactly `windowMs` after it was accepted. */
export function createRateLimiter(): RateLimiter {
  const accepted = new Map<string, number[]>();
  return {
    take(key, nowMs, limit, windowMs) {
      const times = accepted.get(key) ?? [];
      accepted.set(key, times);
      while (times.length > 0 && times[0] <= nowMs - windowMs) times.shift();
      // A lowered limit may leave more accepted requests in the window than it allows: the
      // (length - limit)th oldest is the one whose expiry brings the count below the limit.
      if (times.length >= limit) return { retryAfterMs: times[times.length - limit] + windowMs - nowMs };
      times.push(nowMs);
      return undefined;
    },
  };
}
