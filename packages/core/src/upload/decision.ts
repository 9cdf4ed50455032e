import { parseRetryAfterMs, retryDelayMs, type RetryPolicy } from './backoff';

/** What to do after a request failed. The sender (sender.ts) is the one place that acts on it. */
export type Decision =
  /** Send the same request again (same result ids, so the API stores a resent result once) after `delayMs`. */
  | { readonly action: 'retry'; readonly delayMs: number }
  /** 429: no request of the process goes out for `delayMs`; then this one is sent again. */
  | { readonly action: 'pause'; readonly delayMs: number }
  /** 413: the same bytes would be refused again; halve the batch (or cut a result too large alone). */
  | { readonly action: 'split' }
  /** The API refuses part of what was sent for good (invalid results, attachments with no storage left): drop it, send the rest. */
  | { readonly action: 'set-aside' }
  /** Still failing after every retry: stop sending and keep everything; after `delayMs` one request may tell it is back. */
  | { readonly action: 'cool-down'; readonly delayMs: number }
  /** No request can succeed until the user fixes something (token, project, run, host, certificate): stop, keep everything. */
  | { readonly action: 'stop' };

/** What happened to a request: its answer's status, or no answer (`status` undefined) and why. */
export interface Failure {
  readonly status: number | undefined;
  /** `API_CERTIFICATE` when the host's certificate is not trusted; the ApiError codes otherwise. */
  readonly code: string;
  /** The `Retry-After` header as sent. */
  readonly retryAfter?: string;
  /** Field messages of a 400/422 body; a refusal that names fields can be narrowed to the results it names. */
  readonly fieldErrors: Readonly<Record<string, readonly string[]>>;
}

/** After the API stayed unavailable through every retry, wait this long before asking whether it is back. */
export const COOL_DOWN_MS = 30_000;

// No answer (reset, refused, timeout, DNS) is retried too: every result carries its id, so a resent one is stored once.
const TRANSIENT: ReadonlySet<number> = new Set([408, 500, 502, 503, 504]);
// The token, project, run or host is wrong: every request would get the same answer.
const FATAL: ReadonlySet<number> = new Set([400, 401, 403, 404, 405, 410, 422]);

/**
 * The one sending policy. `attempt` counts the tries made, the failed one included; `nowMs` is wall-clock time
 * (an HTTP-date `Retry-After` is compared with it); `random` in [0, 1) jitters the backoff. Pure: the sender
 * passes in its clock and random source.
 */
export function decide(failure: Failure, attempt: number, nowMs: number, random: number, policy: RetryPolicy): Decision {
  const { status } = failure;
  // An untrusted certificate stays untrusted: resending cannot help, a CA (NODE_EXTRA_CA_CERTS) can.
  if (failure.code === 'API_CERTIFICATE') return { action: 'stop' };
  if (status === undefined || TRANSIENT.has(status)) {
    const delayMs = retryDelayMs(attempt, failure.retryAfter, nowMs, random, policy);
    return delayMs === undefined ? { action: 'cool-down', delayMs: COOL_DOWN_MS } : { action: 'retry', delayMs };
  }
  if (status === 429) {
    if (attempt >= policy.maxAttempts) return { action: 'cool-down', delayMs: COOL_DOWN_MS };
    // Without a usable Retry-After (absent, negative, a date already past) the longest backoff step: the API
    // counts requests per minute, and a burst of quick retries would only earn more 429s.
    const pauseMs = parseRetryAfterMs(failure.retryAfter, nowMs) ?? policy.maxDelayMs;
    return { action: 'pause', delayMs: Math.min(pauseMs, policy.maxRetryAfterMs) };
  }
  // 413 is not retried: the same bytes would be rejected again.
  if (status === 413) return { action: 'split' };
  if ((status === 400 || status === 422) && Object.keys(failure.fieldErrors).length > 0) return { action: 'set-aside' };
  if (status === 507) return { action: 'set-aside' };
  // A redirect would carry the token elsewhere (api.ts refuses to follow it): the host is wrong.
  if (FATAL.has(status) || (status >= 300 && status < 400)) return { action: 'stop' };
  // Statuses the API does not document (501, 409, …): not resent now, tried again after a cool-down.
  return { action: 'cool-down', delayMs: COOL_DOWN_MS };
}
