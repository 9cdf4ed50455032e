import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfterMs,
  retryDelayMs,
  type RetryPolicy,
} from '../../src/upload/backoff';

const NOW_MS = Date.UTC(2026, 7, 20, 12, 0, 0); // Thu, 20 Aug 2026 12:00:00 GMT
const policy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

describe('parseRetryAfterMs', () => {
  it.each([
    { value: '120', ms: 120_000 },
    { value: '0', ms: 0 },
    { value: ' 5 ', ms: 5_000 },
    { value: 'Thu, 20 Aug 2026 12:00:30 GMT', ms: 30_000 },
    { value: 'Thu, 20 Aug 2026 12:01:00 GMT', ms: 60_000 },
    { value: 'Fri, 21 Aug 2026 12:00:00 GMT', ms: 86_400_000 },
  ])('reads "$value" as $ms ms', ({ value, ms }) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBe(ms);
  });

  it.each([
    undefined,
    '',
    '  ',
    'soon',
    '-1',
    '1.5',
    '1e3',
    '0x10',
    'thu, 20 aug 2026 12:00:30 gmt',
    'Thu, 20 Aug 2026 12:00:30',
    'Thu, 20 Aug 2026 12:00:30 +0000',
    '2026-08-20T12:00:30Z',
    'Thursday, 20-Aug-26 12:00:30 GMT',
    'Thu Aug 20 12:00:30 2026',
    // A date not in the future says only that the clocks disagree.
    'Thu, 20 Aug 2026 11:00:00 GMT',
    'Thu, 20 Aug 2026 12:00:00 GMT',
  ])('does not understand %j', (value) => {
    expect(parseRetryAfterMs(value, NOW_MS)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('Retry-After in seconds wins over backoff', () => {
    expect(retryDelayMs(1, '7', NOW_MS, 0.5, policy)).toBe(7_000);
  });

  it('Retry-After as an HTTP date wins over backoff', () => {
    expect(retryDelayMs(1, 'Thu, 20 Aug 2026 12:00:45 GMT', NOW_MS, 0.5, policy)).toBe(45_000);
  });

  it.each([
    { retryAfter: '121', ms: 120_000 },
    { retryAfter: '3600', ms: 120_000 },
    { retryAfter: 'Fri, 21 Aug 2026 12:00:00 GMT', ms: 120_000 },
    { retryAfter: '120', ms: 120_000 },
  ])('caps Retry-After: "$retryAfter" waits $ms ms', ({ retryAfter, ms }) => {
    expect(retryDelayMs(1, retryAfter, NOW_MS, 0.5, policy)).toBe(ms);
  });

  it('backs off after a Retry-After in the past instead of resending at once', () => {
    expect(retryDelayMs(1, 'Thu, 20 Aug 2026 11:59:00 GMT', NOW_MS, 0.5, policy)).toBe(250);
  });

  it('falls back to backoff when Retry-After is not understood', () => {
    expect(retryDelayMs(1, 'later', NOW_MS, 0.5, policy)).toBe(250);
  });

  it.each([
    { attempt: 1, boundMs: 500 },
    { attempt: 2, boundMs: 1_000 },
    { attempt: 3, boundMs: 2_000 },
    { attempt: 4, boundMs: 4_000 },
    { attempt: 5, boundMs: 8_000 },
  ])('full jitter stays within the exponential bound: attempt $attempt waits under $boundMs ms', ({ attempt, boundMs }) => {
    const randoms = [0, 0.1, 0.5, 0.9, 0.999_999];
    const delays = randoms.map((random) => retryDelayMs(attempt, undefined, NOW_MS, random, policy)!);
    expect(delays[0]).toBe(0);
    expect(delays[2]).toBe(boundMs / 2);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(boundMs);
    }
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(delays[4]).toBe(boundMs - 1);
  });

  it('never lets the backoff bound grow past maxDelayMs', () => {
    const long: RetryPolicy = { ...policy, maxAttempts: 100 };
    expect(retryDelayMs(7, undefined, NOW_MS, 0.5, long)).toBe(15_000);
    expect(retryDelayMs(8, undefined, NOW_MS, 0.5, long)).toBe(15_000);
    expect(retryDelayMs(99, undefined, NOW_MS, 0.999_999, long)).toBeLessThan(30_000);
  });

  it.each([6, 7, 100])('gives up after the policy\'s attempts: no delay after %i failures of 6 tries', (attempt) => {
    expect(retryDelayMs(attempt, undefined, NOW_MS, 0.5, policy)).toBeUndefined();
    expect(retryDelayMs(attempt, '1', NOW_MS, 0.5, policy)).toBeUndefined();
  });

  it('retries five times by default, waiting at most 15.5 s for backoff in all', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual(policy);
    const waits: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const delay = retryDelayMs(attempt, undefined, NOW_MS, 0.999_999, DEFAULT_RETRY_POLICY);
      if (delay === undefined) break;
      waits.push(delay);
    }
    expect(waits).toHaveLength(5);
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThanOrEqual(15_500);
  });
});
