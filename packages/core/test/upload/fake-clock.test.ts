// The whole fault behaviour of sending, on a fake clock and a fake API: resends, the shared pause after a 429,
// the cool-down after every retry failed, the probe that ends it, and a stop that keeps everything. No test waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/api';
import type { ResultBody } from '../../src/api-types';
import { resolveConfig } from '../../src/config';
import { createDelivery } from '../../src/delivery';
import { ApiError } from '../../src/errors';
import { openOutbox } from '../../src/outbox';
import { createOutboxSender } from '../../src/outbox-sender';
import { createOutput } from '../../src/output';
import type { RunPlan } from '../../src/run';
import { DEFAULT_RETRY_POLICY } from '../../src/upload/backoff';
import { COOL_DOWN_MS } from '../../src/upload/decision';
import type { Effects } from '../../src/upload/sender';

const START_MS = Date.UTC(2026, 7, 20, 12, 0, 0);

/** A clock that moves only when the sender sleeps, or when the test moves it. */
function fakeClock() {
  let now = START_MS;
  const effects: Effects = {
    sleep: async (ms, cancel) => {
      if (cancel.aborted) throw new Error('cancelled');
      now += ms;
    },
    now: () => now,
    random: () => 0.5,
  };
  return { effects, now: () => now, advance: (ms: number) => void (now += ms) };
}

type Answer = ApiError | undefined;
const failure = (status: number | undefined, retryAfter?: string) =>
  new ApiError(`POST /v2/DEMO/run/1/results → ${status ?? 'no answer'}`, status === undefined ? 'API_NETWORK' : 'API_SERVER',
    status, 'POST', '/v2/DEMO/run/1/results', retryAfter);

/** A fake API: results requests get the queued answers in turn (success once they run out); records when each came. */
function fakeApi(clock: { now(): number }, answers: Answer[], probes: Answer[] = []) {
  const sentAtMs: number[] = [];
  const stored: string[] = [];
  const api = {
    createResults: async (_project: string, _runId: number, results: readonly ResultBody[]) => {
      sentAtMs.push(clock.now() - START_MS);
      const answer = answers.shift();
      if (answer) throw answer;
      stored.push(...results.map((r) => r.id));
    },
    getProject: async () => {
      const answer = probes.shift();
      if (answer) throw answer;
    },
    close: () => undefined,
  } as unknown as ApiClient;
  return { api, sentAtMs, stored };
}

function deliveryWith(api: ApiClient, effects: Effects) {
  const config = resolveConfig({ mode: 'testops', testops: { project: 'DEMO', api: { token: 'secret' } } }, {}, undefined);
  const lines: string[] = [];
  const output = createOutput({ console: true, debug: false, secrets: ['secret'], write: (text) => lines.push(text) });
  const delivery = createDelivery({ config, folder: '/nonexistent', output, env: {}, effects, api });
  delivery.runId = 1;
  return { delivery, lines };
}

const results = (n: number): ResultBody[] =>
  Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, title: `test ${i}`, execution: { status: i % 2 ? 'failed' : 'passed' } }));

describe('sending on a fake clock', () => {
  it('resends after backoff waits that double, and delivers once', async () => {
    const clock = fakeClock();
    const { api, sentAtMs, stored } = fakeApi(clock, [failure(503), failure(undefined), failure(502)]);
    const { delivery } = deliveryWith(api, clock.effects);
    expect(await delivery.deliver(results(3), () => undefined)).toBe(true);
    // Full jitter at 0.5: half of 500, 1,000 and 2,000 ms.
    expect(sentAtMs).toEqual([0, 250, 750, 1_750]);
    expect(stored).toEqual(['id-0', 'id-1', 'id-2']);
    expect(delivery.counts()).toMatchObject({ delivered: 3, retries: 3, deliveredByStatus: { passed: 2, failed: 1 } });
  });

  it('pauses for Retry-After after a 429, and for the longest backoff step when Retry-After is a date already past', async () => {
    const clock = fakeClock();
    const { api, sentAtMs } = fakeApi(clock, [failure(429, '7'), failure(429, 'Thu, 20 Aug 2026 11:00:00 GMT')]);
    const { delivery } = deliveryWith(api, clock.effects);
    await delivery.deliver(results(1), () => undefined);
    expect(sentAtMs).toEqual([0, 7_000, 7_000 + DEFAULT_RETRY_POLICY.maxDelayMs]);
  });

  it('cools down after every retry failed, keeps the results, and resumes once a probe finds the API back', async () => {
    const clock = fakeClock();
    const attempts = DEFAULT_RETRY_POLICY.maxAttempts;
    const { api, sentAtMs, stored } = fakeApi(clock, Array.from({ length: attempts }, () => failure(503)), [failure(503)]);
    const { delivery, lines } = deliveryWith(api, clock.effects);
    const settled: string[] = [];
    expect(await delivery.deliver(results(2), (ids) => settled.push(...ids))).toBe(false);
    expect(sentAtMs).toHaveLength(attempts);
    expect(settled).toEqual([]);
    expect(lines.join('')).toContain('→ 503');
    expect(delivery.ready()).toBe(false);
    // The cool-down ends on the clock; a probe that still fails leaves sending paused.
    clock.advance(COOL_DOWN_MS);
    expect(delivery.ready()).toBe(true);
    expect(await delivery.probe()).toBe(false);
    expect(delivery.ready()).toBe(false);
    expect(await delivery.probe()).toBe(true);
    expect(delivery.ready()).toBe(true);
    expect(await delivery.deliver(results(2), (ids) => settled.push(...ids))).toBe(true);
    expect(stored).toEqual(['id-0', 'id-1']);
    expect(settled).toEqual(['id-0', 'id-1']);
    expect(delivery.fatal()).toBeUndefined();
  });

  it('stops at 401 and keeps everything: nothing is resent, and no probe resumes it', async () => {
    const clock = fakeClock();
    const { api, sentAtMs } = fakeApi(clock, [failure(401)]);
    const { delivery, lines } = deliveryWith(api, clock.effects);
    expect(await delivery.deliver(results(2), () => undefined)).toBe(false);
    expect(sentAtMs).toEqual([0]);
    expect(delivery.fatal()).toMatchObject({ status: 401, decision: { action: 'stop' } });
    clock.advance(COOL_DOWN_MS);
    expect(delivery.ready()).toBe(false);
    expect(await delivery.probe()).toBe(false);
    expect(lines.join('')).not.toContain('secret');
  });

  it('sets aside the results a 422 names and delivers the rest', async () => {
    const clock = fakeClock();
    const refused = new ApiError('→ 422', 'API_INVALID', 422, 'POST', '/v2/DEMO/run/1/results', undefined,
      { 'results.1.execution.status': ['The selected execution.status is invalid.'] });
    const { api, stored } = fakeApi(clock, [refused]);
    const { delivery } = deliveryWith(api, clock.effects);
    expect(await delivery.deliver(results(3), () => undefined)).toBe(true);
    expect(stored).toEqual(['id-0', 'id-2']);
    expect(delivery.counts()).toMatchObject({ delivered: 2, refused: 1, refusedByStatus: { failed: 1 } });
  });

  it('creates the run with the first sealed results, sends segments in flight up to the bound, and at the end probes after a cool-down and sends the rest', async () => {
    const clock = fakeClock();
    const attempts = DEFAULT_RETRY_POLICY.maxAttempts;
    const { api, stored } = fakeApi(clock, Array.from({ length: attempts }, () => failure(503)));
    let runsCreated = 0;
    Object.assign(api, { createRun: async () => (++runsCreated, 7) });
    const { delivery } = deliveryWith(api, clock.effects);
    delivery.runId = undefined;
    const dir = mkdtempSync(join(tmpdir(), 'qase-fake-clock-'));
    try {
      const outbox = openOutbox(dir).queue('');
      const plan = { title: 'run', tags: [], configurations: [], createConfigurations: false, startTime: '2026-08-20 12:00:00' } as RunPlan;
      let created = 0;
      const lane = { queue: outbox, delivery, plan: () => plan, onRunCreated: () => created++ };
      const sender = createOutboxSender({ lanes: [lane], maxInFlight: 1, needsRun: true });
      for (const result of results(4)) {
        outbox.append(result);
        if (outbox.openCount() === 2) outbox.seal();
      }
      sender.pump();
      await sender.flush(lane);
      // The first segment met every retry's 503 and the cool-down; the end's probe found the API back.
      expect({ runsCreated, created, runId: delivery.runId }).toEqual({ runsCreated: 1, created: 1, runId: 7 });
      expect([...stored].sort()).toEqual(['id-0', 'id-1', 'id-2', 'id-3']);
      expect(outbox.isEmpty()).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
