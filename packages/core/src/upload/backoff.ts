/** How often, and after how long, a request that failed in a retryable way is sent again. */
export interface RetryPolicy {
  /** Tries in all, the first one included. */
  readonly maxAttempts: number;
  /** The backoff bound after the first failure; it doubles with each further one. */
  readonly baseDelayMs: number;
  /** The backoff bound never grows past this. */
  readonly maxDelayMs: number;
  /** A server's `Retry-After` is honoured up to this; a longer one is cut to it. */
  readonly maxRetryAfterMs: number;
}

/**
 * Six tries: the five backoff waits sum to at most 15.5 s, well inside the default end-of-run deadline. The API
 * answers a 429 with `Retry-After` of about 60 s; twice that is the most we wait for one answer.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// IMF-fixdate, the form servers send (RFC 9110 §5.6.7); the obsolete RFC 850 and asctime forms fall back to backoff.
const HTTP_DATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTHS.join('|')}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);

/**
 * A `Retry-After` header in milliseconds from `nowMs`: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`; a date already past gives 0). Undefined when absent or not understood.
 * `nowMs` is wall-clock time (Unix ms, what `Date.now()` gives), since an HTTP date is compared with it.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Parsed by hand: Date.parse reads almost anything as a date ("1.5" is a day in 2001) and reads dates
  // without a zone in the machine's time zone.
  const match = HTTP_DATE.exec(text);
  if (!match) return undefined;
  const [, day, month, year, hours, minutes, seconds] = match;
  const dateMs = Date.UTC(
    Number(year), MONTHS.indexOf(month), Number(day), Number(hours), Number(minutes), Number(seconds),
  );
  return dateMs > nowMs ? dateMs - nowMs : undefined;
}

/**
 * How long to wait before sending again, after `attempt` failed tries (1 after the first failure); undefined
 * when the policy's attempts are used up. The server's `Retry-After` wins, capped at `maxRetryAfterMs`;
 * otherwise full jitter: `random` (in [0, 1), injected) times the exponential bound
 * `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`, so clients that failed together do not retry together.
 * `nowMs` is wall-clock time, as for {@link parseRetryAfterMs}.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | undefined,
  nowMs: number,
  random: number,
  p: RetryPolicy,
): number | undefined {
  if (attempt >= p.maxAttempts) return undefined;
  const retryAfterMs = parseRetryAfterMs(retryAfter, nowMs);
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, p.maxRetryAfterMs);
  const boundMs = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * boundMs);
}
