import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index';
import { createRun, request, result } from './request';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ projects: ['DEMO', 'WEB'], customStatuses: ['retest'] });
});

afterEach(async () => {
  await emulator.close();
});

function storedIds(runId: number): string[] {
  return (emulator.state().results[runId] ?? []).map((stored) => stored.id);
}

describe('auth and routing', () => {
  it.each([
    { name: 'missing', token: null, message: 'Unauthorized: the Token header is missing.' },
    { name: 'wrong', token: 'not-the-token', message: 'Unauthorized: the token is not valid.' },
  ])('answers 401 to a $name token', async ({ token, message }) => {
    const answer = await request(emulator, 'GET', '/v1/project/DEMO', { token });
    expect(answer).toMatchObject({ status: 401, body: { status: false, errorMessage: message } });
  });

  it('answers 404 to an unknown project, run and endpoint, and 405 to a wrong method', async () => {
    const runId = await createRun(emulator);
    expect((await request(emulator, 'GET', '/v1/project/NOPE')).body).toEqual({ status: false, errorMessage: 'Project NOPE not found.' });
    expect((await request(emulator, 'POST', '/v1/run/NOPE', { json: { title: 't' } })).status).toBe(404);
    expect((await request(emulator, 'GET', '/v1/run/DEMO/999')).status).toBe(404);
    expect((await request(emulator, 'POST', '/v1/run/DEMO/999/complete')).status).toBe(404);
    expect((await request(emulator, 'POST', '/v2/DEMO/run/999/results', { json: { results: [result()] } })).status).toBe(404);
    // A run belongs to its project.
    expect((await request(emulator, 'GET', `/v1/run/WEB/${runId}`)).status).toBe(404);
    expect((await request(emulator, 'GET', '/v1/nothing/DEMO')).status).toBe(404);
    expect((await request(emulator, 'DELETE', '/v1/project/DEMO')).status).toBe(405);
  });
});

describe('runs', () => {
  it('creates a run with what the reporter sends and shows it', async () => {
    const runId = await createRun(emulator, {
      title: 'Nightly',
      description: 'CI build 12',
      is_autotest: true,
      environment_slug: 'staging',
      plan_id: 3,
      tags: ['ci', 'nightly'],
      configurations: [4],
      start_time: '2026-08-20 12:00:00',
    });
    expect(emulator.state().runs).toEqual([{
      id: runId,
      project: 'DEMO',
      title: 'Nightly',
      description: 'CI build 12',
      environment: 'staging',
      plan: 3,
      tags: ['ci', 'nightly'],
      configurations: [4],
      startTime: Date.UTC(2026, 7, 20, 12) / 1000,
      status: 'active',
      completions: 0,
      public: false,
    }]);
    const answer = await request(emulator, 'GET', `/v1/run/DEMO/${runId}`);
    expect(answer).toMatchObject({
      status: 200,
      body: { status: true, result: { id: runId, title: 'Nightly', status: 0, start_time: '2026-08-20T12:00:00+00:00', environment: { slug: 'staging' } } },
    });
  });

  it('starts a run at its creation time when no start_time is given', async () => {
    const before = Math.floor(Date.now() / 1000);
    await createRun(emulator, { title: 'Run', environment_id: 2 });
    const [run] = emulator.state().runs;
    expect(run.startTime).toBeGreaterThanOrEqual(before);
    expect(run.startTime).toBeLessThanOrEqual(Date.now() / 1000);
    expect(run.environment).toBe('production');
  });

  it('answers 422 with the v1 error body to an invalid run, and creates nothing', async () => {
    const answer = await request(emulator, 'POST', '/v1/run/DEMO', {
      json: { title: 'x'.repeat(256), environment_slug: 'qa', configurations: [99] },
    });
    expect(answer).toEqual({
      status: 422,
      headers: answer.headers,
      body: {
        status: false,
        errorMessage: 'Data is invalid.',
        errorFields: [{ field: 'title', error: 'The title field must not be greater than 255 characters.' }],
      },
    });
    const unknown = await request(emulator, 'POST', '/v1/run/DEMO', { json: { title: 't', environment_slug: 'qa', configurations: [99] } });
    expect(unknown.body).toMatchObject({
      errorFields: [
        { field: 'environment_slug', error: 'The selected environment slug is invalid.' },
        { field: 'configurations.0', error: 'The selected configurations.0 is invalid.' },
      ],
    });
    expect(emulator.state().runs).toEqual([]);
  });

  it('completes a run, answers 200 again to a second completion and counts both', async () => {
    const runId = await createRun(emulator);
    expect(await request(emulator, 'POST', `/v1/run/DEMO/${runId}/complete`)).toMatchObject({ status: 200, body: { status: true } });
    expect((await request(emulator, 'POST', `/v1/run/DEMO/${runId}/complete`)).status).toBe(200);
    expect(emulator.state().runs[0]).toMatchObject({ status: 'complete', completions: 2 });
  });

  it.each([
    { endpoint: 'v2 bulk', path: (id: number) => `/v2/DEMO/run/${id}/results`, json: () => ({ results: [result()] }) },
    { endpoint: 'v2 single', path: (id: number) => `/v2/DEMO/run/${id}/result`, json: () => result() },
    { endpoint: 'v1 bulk', path: (id: number) => `/v1/result/DEMO/${id}/bulk`, json: () => ({ results: [{ case_id: 1, status: 'passed' }] }) },
  ])('answers 400 to results for a completed run ($endpoint)', async ({ path, json }) => {
    const runId = await createRun(emulator);
    await request(emulator, 'POST', `/v1/run/DEMO/${runId}/complete`);
    const answer = await request(emulator, 'POST', path(runId), { json: json() });
    expect(answer).toMatchObject({ status: 400, body: { status: false, errorMessage: 'Run is already completed' } });
    expect(storedIds(runId)).toEqual([]);
  });

  it('makes a run public and returns its link', async () => {
    const runId = await createRun(emulator);
    const answer = await request(emulator, 'PATCH', `/v1/run/DEMO/${runId}/public`, { json: { status: true } });
    expect(answer.status).toBe(200);
    const { url } = (answer.body as { result: { url: string } }).result;
    expect(new URL(url).protocol).toBe('http:');
    expect(emulator.state().runs[0].public).toBe(true);
    expect((await request(emulator, 'PATCH', `/v1/run/DEMO/${runId}/public`, { json: { status: 'yes' } })).status).toBe(422);
  });

  it('links a run to an external issue, and refuses an unknown tracker or run', async () => {
    const runId = await createRun(emulator);
    const link = (type: string, id: number) =>
      request(emulator, 'POST', '/v1/run/DEMO/external-issue', { json: { type, links: [{ run_id: id, external_issue: 'PROJ-1' }] } });
    expect((await link('jira-cloud', runId)).status).toBe(200);
    expect(emulator.state().runs[0].externalIssue).toEqual({ type: 'jira-cloud', issue: 'PROJ-1' });
    expect((await link('github', runId)).status).toBe(422);
    expect((await link('jira-server', 999)).status).toBe(404);
  });
});

describe('v2 results', () => {
  it('answers 202 and stores each body exactly as sent, unknown fields included', async () => {
    const runId = await createRun(emulator);
    const first = result({ title: 'one', future_field: { kept: true } });
    const second = result({ title: 'two', execution: { status: 'retest' } });
    const answer = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [first, second] } });
    expect(answer).toMatchObject({ status: 202, body: { status: true } });
    expect(emulator.state().results[runId]).toEqual([
      { id: first.id, api: 'v2', body: first },
      { id: second.id, api: 'v2', body: second },
    ]);
  });

  it('stores a repeated id once and answers 202 to the repeat', async () => {
    const runId = await createRun(emulator);
    const same = result();
    const path = `/v2/DEMO/run/${runId}/results`;
    expect((await request(emulator, 'POST', path, { json: { results: [same, same] } })).status).toBe(202);
    expect((await request(emulator, 'POST', path, { json: { results: [same, result({ id: 'new' })] } })).status).toBe(202);
    expect((await request(emulator, 'POST', `/v2/DEMO/run/${runId}/result`, { json: same })).status).toBe(202);
    expect(storedIds(runId)).toEqual([same.id, 'new']);
  });

  it('gives a result without an id one of its own, so a resend of it is stored twice', async () => {
    const runId = await createRun(emulator);
    const withoutId = result({ id: undefined });
    await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [withoutId] } });
    await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [withoutId] } });
    expect(new Set(storedIds(runId)).size).toBe(2);
  });

  it('answers 422 naming each refused result by index, and stores none of the batch', async () => {
    const runId = await createRun(emulator);
    const results = [result(), result(), result({ execution: { start_time: Date.now() / 1000 } }), result({ testops_ids: ['12'], execution: { status: 'ok' } })];
    const answer = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results } });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      message: 'The results.2.execution.status field is required. (and 2 more errors)',
      errors: {
        'results.2.execution.status': ['The results.2.execution.status field is required.'],
        'results.3.testops_ids.0': ['The results.3.testops ids.0 field must be an integer.'],
        'results.3.execution.status': ['The selected results.3.execution.status is invalid.'],
      },
    });
    expect(storedIds(runId)).toEqual([]);
  });

  it("answers 422 to a result that starts before the run's start time", async () => {
    const runId = await createRun(emulator, { title: 'Run', start_time: '2026-08-20 12:00:00' });
    const runStart = Date.UTC(2026, 7, 20, 12) / 1000;
    const early = result({ execution: { status: 'passed', start_time: runStart - 0.001, end_time: runStart + 1 } });
    const bulk = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [result(), early] } });
    expect(bulk.status).toBe(422);
    expect((bulk.body as { message: string }).message).toBe(`The results.1.execution.start time must be at least ${runStart}.`);
    const single = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/result`, { json: early });
    expect(single.body).toEqual({
      message: `The execution.start time must be at least ${runStart}.`,
      errors: { 'execution.start_time': [`The execution.start time must be at least ${runStart}.`] },
    });
    const onTime = result({ execution: { status: 'passed', start_time: runStart } });
    expect((await request(emulator, 'POST', `/v2/DEMO/run/${runId}/result`, { json: onTime })).status).toBe(202);
  });

  it.each([
    { name: 'no results field', json: {}, message: 'The results field is required.' },
    { name: 'an empty list', json: { results: [] }, message: 'The results field is required.' },
    { name: 'results that are not a list', json: { results: { 0: {} } }, message: 'The results field must be an array.' },
  ])('answers 422 to $name', async ({ json, message }) => {
    const runId = await createRun(emulator);
    const answer = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json });
    expect(answer).toMatchObject({ status: 422, body: { message, errors: { results: [message] } } });
  });

  it('answers 400 to malformed JSON', async () => {
    const runId = await createRun(emulator);
    const answer = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { raw: '{"results": [' });
    expect(answer.status).toBe(400);
    expect((answer.body as { errorMessage: string }).errorMessage).toMatch(/^The request body is not valid JSON: /);
  });

  it('answers 413 to more results than one request may carry, and stores none', async () => {
    const runId = await createRun(emulator);
    const path = `/v2/DEMO/run/${runId}/results`;
    const answer = await request(emulator, 'POST', path, { json: { results: Array.from({ length: 201 }, () => result()) } });
    expect(answer).toMatchObject({
      status: 413,
      body: { status: false, errorMessage: 'Payload Too Large: 201 results in one request; at most 200 are accepted.' },
    });
    expect((await request(emulator, 'POST', path, { json: { results: Array.from({ length: 200 }, () => result()) } })).status).toBe(202);
    emulator.maxResultsPerRequest(25);
    expect((await request(emulator, 'POST', path, { json: { results: Array.from({ length: 26 }, () => result()) } })).status).toBe(413);
    expect(storedIds(runId)).toHaveLength(200);
    expect(emulator.state().requests.filter((entry) => entry.path === path).map((entry) => [entry.status, entry.results]))
      .toEqual([[413, 201], [202, 200], [413, 26]]);
  });

  it('answers 413 when the error contexts of one request sum to more than 4,194,304 characters', async () => {
    const runId = await createRun(emulator);
    const failed = (chars: number) => result({ execution: { status: 'failed', error_context: 'x'.repeat(chars) } });
    const path = `/v2/DEMO/run/${runId}/results`;
    const over = await request(emulator, 'POST', path, { json: { results: [failed(2_097_152), failed(2_097_153)] } });
    expect(over).toMatchObject({ status: 413, body: { errorMessage: expect.stringContaining('4194305 characters') } });
    expect(storedIds(runId)).toEqual([]);
    expect((await request(emulator, 'POST', path, { json: { results: [failed(2_097_152), failed(2_097_152)] } })).status).toBe(202);
  });

  it('stores an error context over 262,144 characters truncated, as the real API does', async () => {
    const runId = await createRun(emulator);
    const long = result({ execution: { status: 'failed', error_context: 'y'.repeat(300_000) } });
    expect((await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [long] } })).status).toBe(202);
    const [stored] = emulator.state().results[runId];
    expect((stored.body.execution as { error_context: string }).error_context).toHaveLength(262_144);
  });

  it('answers 413 to a body over the byte limit', async () => {
    const runId = await createRun(emulator);
    emulator.setLimits({ bodyBytes: 100 });
    const answer = await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [result({ title: 'x'.repeat(200) })] } });
    expect(answer).toMatchObject({ status: 413, body: { errorMessage: 'The request body is larger than 100 bytes.' } });
    expect(emulator.state().requests.at(-1)?.bytes).toBeGreaterThan(200);
  });
});

describe('v1 results', () => {
  it('stores v1 results and refuses invalid ones with the v1 error body', async () => {
    const runId = await createRun(emulator);
    const path = `/v1/result/DEMO/${runId}/bulk`;
    const body = { case_id: 1, status: 'failed', time_ms: 1200, comment: 'boom', steps: [{ status: 'passed', action: 'open' }] };
    expect(await request(emulator, 'POST', path, { json: { results: [body] } })).toMatchObject({ status: 200, body: { status: true } });
    expect(emulator.state().results[runId]).toMatchObject([{ api: 'v1', body }]);
    const invalid = await request(emulator, 'POST', path, { json: { results: [{ case_id: 'one' }] } });
    expect(invalid).toMatchObject({
      status: 422,
      body: {
        status: false,
        errorFields: [
          { field: 'results.0.status', error: 'The results.0.status field is required.' },
          { field: 'results.0.case_id', error: 'The results.0.case id field must be an integer.' },
        ],
      },
    });
    emulator.maxResultsPerRequest(1);
    expect((await request(emulator, 'POST', path, { json: { results: [body, body] } })).status).toBe(413);
    expect(storedIds(runId)).toHaveLength(1);
  });
});

describe('project, environments and configurations', () => {
  it('answers the project', async () => {
    await createRun(emulator);
    const answer = await request(emulator, 'GET', '/v1/project/DEMO');
    expect(answer).toMatchObject({ status: 200, body: { status: true, result: { code: 'DEMO', counts: { runs: { total: 1, active: 1 } } } } });
  });

  it('finds an environment by slug', async () => {
    const answer = await request(emulator, 'GET', '/v1/environment/DEMO?slug=production&limit=100');
    expect(answer.body).toEqual({
      status: true,
      result: { total: 2, filtered: 1, count: 1, entities: [{ id: 2, title: 'Production', description: null, slug: 'production', host: null }] },
    });
  });

  it('lists configuration groups and creates groups and configurations', async () => {
    const group = await request(emulator, 'POST', '/v1/configuration/DEMO/group', { json: { title: 'OS' } });
    const groupId = (group.body as { result: { id: number } }).result.id;
    const linux = await request(emulator, 'POST', '/v1/configuration/DEMO', { json: { title: 'Linux', group_id: groupId } });
    const linuxId = (linux.body as { result: { id: number } }).result.id;
    const list = await request(emulator, 'GET', '/v1/configuration/DEMO');
    expect((list.body as { result: { entities: unknown[] } }).result.entities).toEqual([
      { id: 3, title: 'Browser', configurations: [{ id: 4, title: 'Chrome' }] },
      { id: groupId, title: 'OS', configurations: [{ id: linuxId, title: 'Linux' }] },
    ]);
    await createRun(emulator, { title: 'Run', configurations: [4, linuxId] });
    const unknownGroup = await request(emulator, 'POST', '/v1/configuration/DEMO', { json: { title: 'Mac', group_id: 999 } });
    expect(unknownGroup).toMatchObject({ status: 422, body: { errorFields: [{ field: 'group_id', error: 'The selected group id is invalid.' }] } });
    expect((await request(emulator, 'POST', '/v1/configuration/DEMO/group', { json: {} })).status).toBe(422);
  });
});

describe('state', () => {
  it('logs every API request with its status, result count, bytes and time', async () => {
    const runId = await createRun(emulator);
    const body = JSON.stringify({ results: [result(), result()] });
    await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { raw: body });
    await request(emulator, 'GET', '/v1/project/DEMO', { token: null });
    const { requests } = emulator.state();
    expect(requests.map(({ method, path, status, results }) => ({ method, path, status, results }))).toEqual([
      { method: 'POST', path: '/v1/run/DEMO', status: 200, results: 0 },
      { method: 'POST', path: `/v2/DEMO/run/${runId}/results`, status: 202, results: 2 },
      { method: 'GET', path: '/v1/project/DEMO', status: 401, results: 0 },
    ]);
    expect(requests[1].bytes).toBe(Buffer.byteLength(body));
    for (const entry of requests) {
      expect(entry.timeMs).toBeGreaterThanOrEqual(0);
      expect(entry.at).toBeGreaterThan(0);
      expect(entry.dropped).toBe(false);
    }
  });

  it('returns a copy that the caller cannot change', async () => {
    await createRun(emulator);
    const state = emulator.state();
    state.runs[0].title = 'changed';
    state.requests.length = 0;
    expect(emulator.state().runs[0].title).toBe('Run');
    expect(emulator.state().requests).toHaveLength(1);
  });

  it('serves the same state on the admin route, without a token', async () => {
    const runId = await createRun(emulator);
    await request(emulator, 'POST', `/v2/DEMO/run/${runId}/results`, { json: { results: [result()] } });
    const answer = await request(emulator, 'GET', '/__emulator/state', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(emulator.state());
  });
});
