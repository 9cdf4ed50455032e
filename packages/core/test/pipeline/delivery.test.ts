// The collector against the emulator, one fault at a time: what the emulator stored (every result exactly once)
// and how many requests it took.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator, type LogEntry } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCollector } from '../../src/index';
import { countRequests, makeResults, outboxIds, qaseEnv, readLog, report, resultRequests, storedIds, tempDir } from './harness';

let emulator: Emulator;
let cwd: string;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 42 });
  cwd = tempDir('delivery');
});

afterEach(async () => {
  await emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

const sorted = (ids: readonly string[]) => [...ids].sort();
const answeredAtMs = (entry: LogEntry) => entry.at + entry.timeMs;

describe('delivery to the emulator', () => {
  it('sends 2,000 results in 10 result requests, plus creating and completing the run', async () => {
    const results = makeResults(2000);
    const summary = await report(cwd, qaseEnv(emulator), results);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    expect(resultRequests(state).map((r) => r.results)).toEqual(Array(10).fill(200));
    expect(state.requests).toHaveLength(12);
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(summary).toMatchObject({ total: 2000, delivered: 2000, requests: 12, retries: 0, folder: undefined });
    expect(readLog(cwd)).toContain(`2000 of 2000 results delivered to run ${state.runs[0].id} (passed 2000)`);
  });

  it('sends each batch as soon as it is full, and the partly filled last one only at end()', async () => {
    const collector = createCollector({}, { framework: 'pipeline', cwd, env: qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '5' }) });
    collector.startRun();
    const results = makeResults(13);
    for (const result of results) collector.add(result);
    // Two full batches: a request each while tests run, without waiting for end().
    await vi.waitFor(() => expect(storedIds(emulator.state())).toHaveLength(10));
    // The 3 left make no request however long the tests go on (4 s more here), not even a batch of their own.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    let state = emulator.state();
    expect(resultRequests(state).map((r) => r.results)).toEqual([5, 5]);
    expect(sorted(storedIds(state))).toEqual(sorted(results.slice(0, 10).map((r) => r.id)));

    const summary = await collector.end();
    state = emulator.state();
    expect(resultRequests(state).map((r) => r.results)).toEqual([5, 5, 3]);
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    // ceil(13 / 5) requests of results, plus creating and completing the run: the fewest there can be.
    expect(summary).toMatchObject({ total: 13, delivered: 13, requests: 5, retries: 0 });
  });

  it('creates the run with the first result, so the end of a run smaller than a batch sends only its results', async () => {
    const collector = createCollector({}, { framework: 'pipeline', cwd, env: qaseEnv(emulator) });
    collector.startRun();
    for (const result of makeResults(3)) collector.add(result);
    await vi.waitFor(() => expect(emulator.state().runs).toHaveLength(1));
    expect(resultRequests(emulator.state())).toEqual([]);

    expect(await collector.end()).toMatchObject({ total: 3, delivered: 3, requests: 3 });
    expect(resultRequests(emulator.state()).map((r) => r.results)).toEqual([3]);
  });

  it('links the run it creates to the configured Jira issue', async () => {
    await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_RUN_EXTERNAL_LINK: '{"type":"jiraServer","link":"PROJ-7"}' }), makeResults(3));
    expect(emulator.state().runs).toMatchObject([{ externalIssue: { type: 'jira-server', issue: 'PROJ-7' }, status: 'complete' }]);
  });

  it('on GitHub Actions names the run after the build and adds the results to the job summary', async () => {
    const summaryFile = join(cwd, 'step-summary.md');
    const github = {
      GITHUB_ACTIONS: 'true', GITHUB_RUN_NUMBER: '42', GITHUB_RUN_ID: '99', GITHUB_REF_NAME: 'main',
      GITHUB_SHA: '1a2b3c4d5e6f', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_STEP_SUMMARY: summaryFile,
    };
    await report(cwd, qaseEnv(emulator, github), makeResults(3));
    const [run] = emulator.state().runs;
    expect(run.title).toBe('GitHub Actions #42 on main (1a2b3c4)');
    const markdown = readFileSync(summaryFile, 'utf8');
    expect(markdown).toContain(`### Qase: 3 of 3 results delivered to run ${run.id}`);
    expect(markdown).toContain(`[Open run ${run.id} in Qase](`);
  });

  it('creates no run when no result arrives', async () => {
    await report(cwd, qaseEnv(emulator), []);
    expect(emulator.state().runs).toEqual([]);
  });

  it('halves on 413 from a server that takes 25 per request, and sends the rest at 25 straight away', async () => {
    emulator.maxResultsPerRequest(25);
    const results = makeResults(2000);
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '1' }), results);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    // 200, 100 and 50 are refused once each; from then on every request carries 25.
    expect(resultRequests(state).map((r) => `${r.status}:${r.results}`)).toEqual(['413:200', '413:100', '413:50', ...Array(80).fill('202:25')]);
    expect(summary).toMatchObject({ delivered: 2000, requests: 85, retries: 0 });
  });

  it('learns the size on 413 with requests in flight together, and delivers everything once', async () => {
    emulator.maxResultsPerRequest(25);
    const results = makeResults(2000);
    await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '3' }), results);
    const requests = resultRequests(emulator.state());
    expect(sorted(storedIds(emulator.state()))).toEqual(sorted(results.map((r) => r.id)));
    expect(requests.filter((r) => r.status === 202).map((r) => r.results)).toEqual(Array(80).fill(25));
    // Each of the three segments in flight at first may learn on its own: at most 200, 100, 50 each.
    expect(requests.filter((r) => r.status === 413).length).toBeLessThanOrEqual(9);
  });

  it('honours Retry-After (seconds and HTTP date) and pauses every request, not just the one that got 429', async () => {
    const path = /\/results$/;
    emulator.failNext(1, 429, { 'retry-after': '2' }, { path });
    const results = makeResults(2000);
    const env = qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '100', QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '3' });
    const collector = createCollector({}, { framework: 'pipeline', cwd, env });
    collector.startRun();
    results.slice(0, 1000).forEach((r) => collector.add(r));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    // An HTTP date has whole seconds: this one is 2 to 3 s away.
    const dateMs = Math.floor(Date.now() / 1000) * 1000 + 3000;
    emulator.failNext(1, 429, { 'retry-after': new Date(dateMs).toUTCString() }, { path });
    results.slice(1000).forEach((r) => collector.add(r));
    const summary = await collector.end();

    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    const limited = state.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(2);
    const waitsMs = [2000, dateMs - answeredAtMs(limited[1])];
    limited.forEach((entry, i) => {
      const during = state.requests.filter((r) => r.at >= answeredAtMs(entry) && r.at < answeredAtMs(entry) + waitsMs[i]);
      // Only requests already on their way (at most 2 besides the one refused) may arrive during the pause.
      expect(during.length).toBeLessThanOrEqual(2);
      const after = state.requests.filter((r) => r.at >= answeredAtMs(entry) + waitsMs[i]);
      expect(after.length).toBeGreaterThan(0);
    });
    expect(summary).toMatchObject({ delivered: 2000, retries: 2 });
  });

  it('waits out the rate limit of a server that allows 4 requests per 1.5 s, and delivers everything once', async () => {
    emulator.setLimits({ requestsPerMinute: 4, rateWindowMs: 1500 });
    const results = makeResults(2000);
    // Three in flight: at most 2 besides the one refused may arrive during a pause.
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '3' }), results);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    const limited = state.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    // Retry-After is whole seconds, so at least 1 s: nothing new is sent until it has passed.
    for (const entry of limited) {
      const during = state.requests.filter((r) => r.at >= answeredAtMs(entry) && r.at < answeredAtMs(entry) + 1000);
      expect(during.length).toBeLessThanOrEqual(2);
    }
    expect(summary).toMatchObject({ delivered: 2000, retries: limited.length });
  });

  it('retries through 15 % 500/503 answers and delivers everything once', async () => {
    emulator.setFaults({ errorRate: { probability: 0.15, statuses: [500, 503] } });
    const results = makeResults(2000);
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '50' }), results);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    const failed = state.requests.filter((r) => r.status >= 500);
    expect(failed.length).toBeGreaterThan(0);
    expect(resultRequests(state).filter((r) => r.status === 202)).toHaveLength(40);
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(summary).toMatchObject({ delivered: 2000, requests: state.requests.length, retries: failed.length });
  });

  it('resends the same ids when the server stored a request but never answered: zero duplicates', async () => {
    emulator.dropAfterCommit(0.05);
    const results = makeResults(2000);
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '20' }), results);
    const state = emulator.state();
    const dropped = state.requests.filter((r) => r.dropped);
    expect(dropped.length).toBeGreaterThan(0);
    // The dropped requests' results were stored and sent again: the emulator saw more results than it kept.
    expect(resultRequests(state).reduce((n, r) => n + r.results, 0)).toBe(2000 + dropped.reduce((n, r) => n + r.results, 0));
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    expect(summary).toMatchObject({ delivered: 2000, retries: dropped.length });
  });

  it('cuts a result too large on its own, marks the cut, and sends it', async () => {
    const [big, ...rest] = makeResults(3, (i) => (i === 0 ? { status: 'failed', error: { message: 'boom', context: 'x'.repeat(5_000_000) } } : {}));
    const summary = await report(cwd, qaseEnv(emulator), [big, ...rest]);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted([big, ...rest].map((r) => r.id)));
    expect(resultRequests(state).map((r) => `${r.status}:${r.results}`)).toEqual(['413:1', '202:1', '202:2']);
    const stored = Object.values(state.results).flat().find((r) => r.id === big.id)!.body as { execution: { error_context: string } };
    expect(stored.execution.error_context).toMatch(/\[truncated by qase-reporters: [\d,]+ characters removed\]$/);
    expect(summary.delivered).toBe(3);
    expect(readLog(cwd)).toContain('result "test 0" was too large for the API; its longest texts were cut and marked.');
  });

  it('creates the run again and delivers everything when the API comes back before the end', async () => {
    // Every try of the first run creation fails; Retry-After 0 keeps the test from waiting out the backoff.
    emulator.failNext(6, 503, { 'retry-after': '0' }, { method: 'POST', path: '/v1/run/DEMO' });
    const results = makeResults(500);
    const summary = await report(cwd, qaseEnv(emulator), results);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(summary).toMatchObject({ delivered: 500, folder: undefined });
  });

  it('finds the run it created when the answer to creating it was lost, and creates no second one', async () => {
    emulator.dropNextAnswer(1, { method: 'POST', path: '/v1/run/DEMO' });
    const results = makeResults(50);
    const summary = await report(cwd, qaseEnv(emulator), results);
    const state = emulator.state();
    expect(state.runs).toHaveLength(1);
    expect(state.runs).toMatchObject([{ status: 'complete', description: expect.stringMatching(/qase-reporters:[0-9a-f-]{36}$/) }]);
    expect(countRequests(state, 'POST', /^\/v1\/run\/DEMO$/)).toBe(1);
    expect(countRequests(state, 'GET', /^\/v1\/run\/DEMO$/)).toBe(1);
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    expect(summary).toMatchObject({ delivered: 50, runId: state.runs[0].id });
  });

  it('says which statuses were delivered and which were not', async () => {
    const results = makeResults(6, (i) => ({ status: i < 4 ? 'passed' : 'failed' }));
    const summary = await report(cwd, qaseEnv({ url: emulator.url, token: 'wrong-token' }), results);
    expect(summary).toMatchObject({ delivered: 0, byStatus: { passed: 4, failed: 2 }, deliveredByStatus: {} });
    expect(readLog(cwd)).toContain('0 of 6 results delivered (none) in');
    expect(readLog(cwd)).toContain('6 results were not delivered (passed 4, failed 2): sending stopped');
  });

  it('sends a batch again that failed through every retry once the API is back', async () => {
    emulator.failNext(6, 503, { 'retry-after': '0' }, { path: /\/results$/ });
    const results = makeResults(500);
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '1' }), results);
    const state = emulator.state();
    expect(sorted(storedIds(state))).toEqual(sorted(results.map((r) => r.id)));
    expect(resultRequests(state).filter((r) => r.status === 202)).toHaveLength(3);
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(summary).toMatchObject({ delivered: 500, folder: undefined });
  });

  it('stops at 401, keeps every result in the outbox, and says what to fix', async () => {
    const results = makeResults(300);
    const summary = await report(cwd, qaseEnv({ url: emulator.url, token: 'wrong-token' }), results);
    const state = emulator.state();
    expect(storedIds(state)).toEqual([]);
    expect(state.requests).toHaveLength(1);
    expect(summary).toMatchObject({ total: 300, delivered: 0 });
    expect(outboxIds(summary.folder!)).toHaveLength(300);
    const log = readLog(cwd);
    expect(log).toContain('QASE_TESTOPS_API_TOKEN');
    expect(log).toContain('300 results were not delivered (passed 300): sending stopped');
    expect(log).not.toContain('wrong-token');
  });

  it('delivers 198 of 200 when two are refused with 422, and names the two', async () => {
    const results = makeResults(200, (i) => (i === 17 || i === 150 ? { status: 'invalid', title: `bad test ${i}` } : {}));
    // The emulator knows no status "retest", as a workspace without that custom status.
    const summary = await report(cwd, qaseEnv(emulator, { QASE_STATUS_MAPPING: 'invalid=retest' }), results);
    const state = emulator.state();
    const bad = new Set([results[17].id, results[150].id]);
    expect(sorted(storedIds(state))).toEqual(sorted(results.filter((r) => !bad.has(r.id)).map((r) => r.id)));
    expect(resultRequests(state).map((r) => `${r.status}:${r.results}`)).toEqual(['422:200', '202:198']);
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(summary).toMatchObject({ total: 200, delivered: 198 });
    const log = readLog(cwd);
    for (const title of ['bad test 17', 'bad test 150']) {
      const lines = log.split('\n').filter((line) => line.includes(`"${title}"`));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/refused by the API.*execution\.status/);
    }
    expect(log).toContain('2 results were refused by the API');
  });
});
