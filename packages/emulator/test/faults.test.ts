import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom, takeFailure, type FailRule } from '../src/faults';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index';
import { createRun, request, result } from './request';

const started: Emulator[] = [];

async function start(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  started.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

async function statuses(emulator: Emulator, count: number): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i += 1) answers.push((await request(emulator, 'GET', '/v1/project/DEMO')).status);
  return answers;
}

describe('createRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const value of draw(7)) expect(value >= 0 && value < 1).toBe(true);
  });
});

describe('takeFailure', () => {
  it('uses the first matching rule and drops a rule once used up', () => {
    const rules: FailRule[] = [
      { count: 1, status: 500, match: { method: 'post', path: /\/results$/ } },
      { count: 2, status: 503 },
    ];
    expect(takeFailure(rules, 'GET', '/v1/project/DEMO')?.status).toBe(503);
    expect(takeFailure(rules, 'POST', '/v2/DEMO/run/1/results')?.status).toBe(500);
    expect(takeFailure(rules, 'POST', '/v2/DEMO/run/1/results')?.status).toBe(503);
    expect(takeFailure(rules, 'POST', '/v2/DEMO/run/1/results')).toBeUndefined();
    expect(rules).toEqual([]);
  });
});

describe('dropNextAnswer', () => {
  it('creates the run, leaves the answer unsent, and answers the next request again', async () => {
    const emulator = await start();
    emulator.dropNextAnswer(1, { method: 'POST', path: '/v1/run/DEMO' });
    await expect(request(emulator, 'POST', '/v1/run/DEMO', { json: { title: 'lost', description: 'mark-1' } })).rejects.toThrow();
    expect(emulator.state().runs).toMatchObject([{ title: 'lost' }]);
    expect(emulator.state().requests.at(-1)).toMatchObject({ method: 'POST', status: 200, dropped: true });
    const listed = await request(emulator, 'GET', '/v1/run/DEMO?from_start_time=0&limit=100');
    expect(listed.body).toMatchObject({ result: { entities: [{ title: 'lost', description: 'mark-1' }] } });
    expect(await createRun(emulator, { title: 'answered' })).toBeGreaterThan(0);
  });
});

describe('failNext', () => {
  it('answers the next requests with the status and headers given, then recovers', async () => {
    const emulator = await start();
    const runId = await createRun(emulator);
    emulator.failNext(2, 429, { 'retry-after': '7' });
    const path = `/v2/DEMO/run/${runId}/results`;
    const first = await request(emulator, 'POST', path, { json: { results: [result()] } });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await request(emulator, 'POST', path, { json: { results: [result()] } })).status).toBe(429);
    expect((await request(emulator, 'POST', path, { json: { results: [result()] } })).status).toBe(202);
    expect(emulator.state().results[runId]).toHaveLength(1);
  });

  it('fails only the requests that match', async () => {
    const emulator = await start();
    const runId = await createRun(emulator);
    emulator.failNext(1, 502, undefined, { method: 'POST', path: /\/results$/ });
    expect((await request(emulator, 'GET', '/v1/project/DEMO')).status).toBe(200);
    expect((await request(emulator, 'POST', `/v1/run/DEMO/${runId}/complete`)).status).toBe(200);
    const results = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [result()] } });
    expect(results.status).toBe(502);
  });

  it('takes precedence over the token check', async () => {
    const emulator = await start({ faults: { failNext: [{ count: 1, status: 503 }] } });
    expect((await request(emulator, 'GET', '/v1/project/DEMO', { token: null })).status).toBe(503);
    expect((await request(emulator, 'GET', '/v1/project/DEMO', { token: null })).status).toBe(401);
  });
});

describe('error rate', () => {
  it('fails the same requests with the same statuses for the same seed', async () => {
    const faults = { errorRate: { probability: 0.5, statuses: [500, 502, 503] } };
    const [a, b, c] = await Promise.all([start({ seed: 11, faults }), start({ seed: 11, faults }), start({ seed: 12, faults })]);
    const sequence = await statuses(a, 30);
    expect(await statuses(b, 30)).toEqual(sequence);
    expect(await statuses(c, 30)).not.toEqual(sequence);
    expect(new Set(sequence)).toEqual(new Set([200, 500, 502, 503]));
    expect(a.state().seed).toBe(11);
  });
});

describe('latency', () => {
  it('holds every answer for at least the latency set', async () => {
    const emulator = await start({ faults: { latencyMs: 40 } });
    await request(emulator, 'GET', '/v1/project/DEMO');
    emulator.setFaults({ latencyMs: 0 });
    await request(emulator, 'GET', '/v1/project/DEMO');
    const [slow] = emulator.state().requests;
    expect(slow.timeMs).toBeGreaterThanOrEqual(40);
  });
});

describe('drop after commit', () => {
  it('stores the results, then closes the connection without an answer; a resend stores nothing twice', async () => {
    const emulator = await start();
    const runId = await createRun(emulator);
    const sent = result();
    emulator.dropAfterCommit(1);
    const path = `/v2/DEMO/run/${runId}/results`;
    await expect(request(emulator, 'POST', path, { json: { results: [sent] } })).rejects.toThrow();
    expect(emulator.state().results[runId].map((stored) => stored.id)).toEqual([sent.id]);
    expect(emulator.state().requests.at(-1)).toMatchObject({ path, status: 202, results: 1, dropped: true });

    emulator.dropAfterCommit(0);
    expect((await request(emulator, 'POST', path, { json: { results: [sent] } })).status).toBe(202);
    expect(emulator.state().results[runId]).toHaveLength(1);
  });

  it('never drops a request that stored nothing', async () => {
    const emulator = await start({ faults: { dropAfterCommit: 1 } });
    const runId = await createRun(emulator);
    const invalid = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [{ title: 't' }] } });
    expect(invalid.status).toBe(422);
  });
});

describe('rate limit', () => {
  it('answers 429 past the limit with Retry-After until the oldest request leaves the window', async () => {
    const emulator = await start({ limits: { requestsPerMinute: 2 } });
    const runId = await createRun(emulator);
    await request(emulator, 'GET', '/v1/project/DEMO');
    const limited = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [result()] } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(emulator.state().results[runId]).toEqual([]);
  });

  it('keeps refusing until Retry-After has passed, then accepts', async () => {
    const emulator = await start({ limits: { requestsPerMinute: 2, rateWindowMs: 1000 } });
    expect(await statuses(emulator, 4)).toEqual([200, 200, 429, 429]);
    const refused = await request(emulator, 'GET', '/v1/project/DEMO');
    // Whole seconds, rounded up, so waiting that long is always enough.
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '1']);
    await sleep(1000);
    expect(await statuses(emulator, 3)).toEqual([200, 200, 429]);
  });

  it('counts only requests with the accepted token', async () => {
    const emulator = await start({ limits: { requestsPerMinute: 1 } });
    expect((await request(emulator, 'GET', '/v1/project/DEMO', { token: 'wrong' })).status).toBe(401);
    expect((await request(emulator, 'GET', '/v1/project/DEMO')).status).toBe(200);
    expect((await request(emulator, 'GET', '/v1/project/DEMO')).status).toBe(429);
  });
});

describe('admin routes', () => {
  it('set faults and limits of a running emulator', async () => {
    const emulator = await start();
    const runId = await createRun(emulator);
    const faults = await request(emulator, 'POST', '/__emulator/faults', {
      token: null,
      json: { failNext: [{ count: 1, status: 503, headers: { 'retry-after': '2' }, match: { path: '/v1/project/DEMO' } }] },
    });
    expect(faults.status).toBe(200);
    expect((await request(emulator, 'GET', `/v1/run/DEMO/${runId}`)).status).toBe(200);
    const failed = await request(emulator, 'GET', '/v1/project/DEMO');
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '2']);

    const limits = await request(emulator, 'POST', '/__emulator/limits', { token: null, json: { resultsPerRequest: 1 } });
    expect(limits).toMatchObject({ status: 200, body: { result: { resultsPerRequest: 1, requestsPerMinute: 200 } } });
    const tooMany = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [result(), result()] } });
    expect(tooMany.status).toBe(413);
  });

  it('refuses settings of the wrong type', async () => {
    const emulator = await start();
    const answer = await request(emulator, 'POST', '/__emulator/faults', { token: null, json: { errorRate: { probability: 2, statuses: [500] } } });
    expect(answer).toMatchObject({ status: 422, body: { errorMessage: 'The errorRate.probability field must not be greater than 1.' } });
    expect((await request(emulator, 'POST', '/__emulator/limits', { token: null, raw: 'nope' })).status).toBe(400);
    expect((await request(emulator, 'GET', '/__emulator/nothing', { token: null })).status).toBe(404);
  });
});
