import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../src/upload/backoff';
import { COOL_DOWN_MS, decide, type Decision, type Failure } from '../../src/upload/decision';

const NOW_MS = Date.UTC(2026, 7, 20, 12, 0, 0); // Thu, 20 Aug 2026 12:00:00 GMT
const LAST = DEFAULT_RETRY_POLICY.maxAttempts;
const NAMED = { 'results.3.execution.status': ['The selected execution.status is invalid.'] };

interface Row {
  what: string;
  status?: number;
  code?: string;
  retryAfter?: string;
  fieldErrors?: Failure['fieldErrors'];
  attempt?: number;
  expected: Decision;
}

// With random 0.5 the first backoff is half of 500 ms.
const BACKOFF_1 = { action: 'retry', delayMs: 250 } as const;
const COOL_DOWN = { action: 'cool-down', delayMs: COOL_DOWN_MS } as const;
const STOP = { action: 'stop' } as const;

// Every status of the API's error table (shared/qase-api README, "Errors" and "Retrying"), every way a request
// gets no answer, and the Retry-After forms a server or a proxy may send.
const rows: Row[] = [
  { what: '400 naming the refused results', status: 400, fieldErrors: NAMED, expected: { action: 'set-aside' } },
  { what: '400 naming nothing: the request itself is wrong', status: 400, expected: STOP },
  { what: '401 wrong token', status: 401, expected: STOP },
  { what: '403 role lacks the permission', status: 403, expected: STOP },
  { what: '404 project or run not found', status: 404, expected: STOP },
  { what: '405 method not allowed: the host is not the API', status: 405, expected: STOP },
  { what: '410 gone', status: 410, expected: STOP },
  { what: '413 payload too large', status: 413, expected: { action: 'split' } },
  { what: '413 even on the last attempt', status: 413, attempt: LAST, expected: { action: 'split' } },
  { what: '422 naming the refused results', status: 422, fieldErrors: NAMED, expected: { action: 'set-aside' } },
  { what: '422 naming nothing', status: 422, expected: STOP },
  { what: '429 with Retry-After in seconds', status: 429, retryAfter: '7', expected: { action: 'pause', delayMs: 7_000 } },
  { what: '429 with Retry-After as a date', status: 429, retryAfter: 'Thu, 20 Aug 2026 12:00:42 GMT', expected: { action: 'pause', delayMs: 42_000 } },
  { what: '429 with Retry-After longer than we wait', status: 429, retryAfter: '600', expected: { action: 'pause', delayMs: 120_000 } },
  { what: '429 without Retry-After', status: 429, expected: { action: 'pause', delayMs: 30_000 } },
  { what: '429 with Retry-After a date already past: no burst of instant resends', status: 429, retryAfter: 'Thu, 20 Aug 2026 11:59:00 GMT', expected: { action: 'pause', delayMs: 30_000 } },
  { what: '429 with a negative Retry-After: still resent', status: 429, retryAfter: '-5', expected: { action: 'pause', delayMs: 30_000 } },
  { what: '429 on the last attempt', status: 429, retryAfter: '7', attempt: LAST, expected: COOL_DOWN },
  { what: '408 request timeout', status: 408, expected: BACKOFF_1 },
  { what: '500 server error', status: 500, expected: BACKOFF_1 },
  { what: '502 bad gateway', status: 502, expected: BACKOFF_1 },
  { what: '503 maintenance', status: 503, expected: BACKOFF_1 },
  { what: '504 gateway timeout', status: 504, expected: BACKOFF_1 },
  { what: '503 with Retry-After in seconds', status: 503, retryAfter: '3', expected: { action: 'retry', delayMs: 3_000 } },
  { what: '503 with Retry-After 0, as the server asks', status: 503, retryAfter: '0', expected: { action: 'retry', delayMs: 0 } },
  { what: '503 with Retry-After a date already past: backoff, not at once', status: 503, retryAfter: 'Thu, 20 Aug 2026 11:59:00 GMT', expected: BACKOFF_1 },
  { what: '503 with a negative Retry-After: backoff, not given up', status: 503, retryAfter: '-5', expected: BACKOFF_1 },
  { what: '503 with a Retry-After not understood', status: 503, retryAfter: 'later', expected: BACKOFF_1 },
  { what: '503 on the fourth attempt: the bound has doubled three times', status: 503, attempt: 4, expected: { action: 'retry', delayMs: 2_000 } },
  { what: '503 on the last attempt', status: 503, attempt: LAST, expected: COOL_DOWN },
  { what: '507 no storage left for attachments', status: 507, expected: { action: 'set-aside' } },
  { what: '501, which the API does not document', status: 501, expected: COOL_DOWN },
  { what: '409, which the API does not document', status: 409, expected: COOL_DOWN },
  { what: '301 redirect: the token would follow it', status: 301, expected: STOP },
  { what: '307 redirect', status: 307, expected: STOP },
  { what: 'connection reset (ECONNRESET)', code: 'API_NETWORK', expected: BACKOFF_1 },
  { what: 'connection refused (ECONNREFUSED)', code: 'API_NETWORK', expected: BACKOFF_1 },
  { what: 'timed out (ETIMEDOUT, our request timeout)', code: 'API_NETWORK', expected: BACKOFF_1 },
  { what: 'host not found (ENOTFOUND, EAI_AGAIN)', code: 'API_NETWORK', expected: BACKOFF_1 },
  { what: 'answer lost after the server stored the request (socket hang up)', code: 'API_NETWORK', expected: BACKOFF_1 },
  { what: 'no answer on the last attempt', code: 'API_NETWORK', attempt: LAST, expected: COOL_DOWN },
  { what: 'untrusted certificate: only a CA can fix it', code: 'API_CERTIFICATE', expected: STOP },
];

describe('decide: what follows a failed request', () => {
  it.each(rows)('$what', ({ status, code, retryAfter, fieldErrors, attempt, expected }) => {
    const failure: Failure = { status, code: code ?? 'API_SERVER', retryAfter, fieldErrors: fieldErrors ?? {} };
    expect(decide(failure, attempt ?? 1, NOW_MS, 0.5, DEFAULT_RETRY_POLICY)).toEqual(expected);
  });

  it('covers every status of the API error table', () => {
    const documented = [400, 401, 403, 404, 405, 408, 410, 413, 422, 429, 500, 502, 503, 504, 507];
    const covered = new Set(rows.map((row) => row.status));
    expect(documented.filter((status) => !covered.has(status))).toEqual([]);
  });
});
