import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors';
import { DEFAULT_RETRY_POLICY } from '../../src/upload/backoff';
import { createSender, type Effects } from '../../src/upload/sender';

/** A clock that jumps forward on every sleep, so no test really waits. */
function fakeEffects() {
  let now = 1_700_000_000_000;
  const sleeps: number[] = [];
  const effects: Effects = {
    sleep: async (ms, cancel) => {
      if (cancel.aborted) throw new Error('cancelled');
      sleeps.push(ms);
      now += ms;
    },
    now: () => now,
    random: () => 0.5,
  };
  return { effects, sleeps, now: () => now };
}

const failure = (status: number | undefined, retryAfter?: string) =>
  new ApiError(`→ ${status}`, 'API_SERVER', status, 'POST', '/v2/DEMO/run/1/results', retryAfter);

/** A call that fails with the given errors in turn, then succeeds. */
function flaky(...errors: ApiError[]) {
  let calls = 0;
  const call = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'ok';
  };
  return { call, calls: () => calls };
}

function sender(effects: Effects, overrides: { rateLimitPerMinute?: number } = {}) {
  const created = createSender({ rateLimitPerMinute: 200, policy: DEFAULT_RETRY_POLICY, effects, ...overrides });
  return { ...created, run: created.send };
}

describe('the sender', () => {
  it('resends after 503 and a network error, then succeeds', async () => {
    const { effects } = fakeEffects();
    const d = sender(effects);
    const { call, calls } = flaky(failure(503), failure(undefined));
    await expect(d.run(call)).resolves.toBe('ok');
    expect(calls()).toBe(3);
    expect(d.stats()).toEqual({ requests: 3, retries: 2 });
  });

  it('waits as long as Retry-After says', async () => {
    const { effects, sleeps } = fakeEffects();
    const { call } = flaky(failure(429, '7'));
    await sender(effects).run(call);
    expect(sleeps).toContain(7_000);
  });

  it('pauses every request after a 429, not just the one that got it', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const wakers: (() => void)[] = [];
    // Sleeps wait for the test to let them go, so we can look at who is waiting.
    const effects: Effects = {
      sleep: (ms) => new Promise<void>((resolve) => {
        sleeps.push(ms);
        wakers.push(() => { now += ms; resolve(); });
      }),
      now: () => now,
      random: () => 0.5,
    };
    const d = sender(effects);
    const first = d.run(flaky(failure(429, '30')).call);
    await new Promise((r) => setImmediate(r));
    let secondSent = false;
    const second = d.run(async () => (secondSent = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(secondSent).toBe(false);
    expect(sleeps).toEqual([30_000, 30_000]);
    for (const wake of wakers.splice(0)) wake();
    await Promise.all([first, second]);
    expect(secondSent).toBe(true);
  });

  it('gives up after the last attempt and rejects with the last error', async () => {
    const { effects } = fakeEffects();
    const errors = Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts }, () => failure(502));
    const { call, calls } = flaky(...errors);
    await expect(sender(effects).run(call)).rejects.toMatchObject({ status: 502, decision: { action: 'cool-down' } });
    expect(calls()).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
  });

  it.each([400, 401, 403, 404, 413, 422, 507])('does not resend a %i', async (status) => {
    const { effects } = fakeEffects();
    const { call, calls } = flaky(failure(status));
    await expect(sender(effects).run(call)).rejects.toMatchObject({ status });
    expect(calls()).toBe(1);
  });

  it('does not resend when the certificate is untrusted: only a CA can fix that', async () => {
    const { effects } = fakeEffects();
    const untrusted = new ApiError('→ no answer (DEPTH_ZERO_SELF_SIGNED_CERT)', 'API_CERTIFICATE', undefined, 'GET', '/v1/project/DEMO');
    const { call, calls } = flaky(untrusted);
    await expect(sender(effects).run(call)).rejects.toMatchObject({ code: 'API_CERTIFICATE' });
    expect(calls()).toBe(1);
  });

  it('keeps to the rate limit: the 201st request of a minute waits', async () => {
    const fake = fakeEffects();
    const d = sender(fake.effects);
    const start = fake.now();
    for (let i = 0; i < 201; i++) await d.run(async () => undefined);
    expect(fake.now() - start).toBeGreaterThanOrEqual(60_000);
  });

  it('refuses new work once cancelled', async () => {
    const { effects } = fakeEffects();
    const d = sender(effects);
    d.cancelAll();
    let called = false;
    await expect(d.run(async () => (called = true))).rejects.toBeInstanceOf(ApiError);
    expect(called).toBe(false);
  });
});
