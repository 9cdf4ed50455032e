// Mode testops_multi against the emulator with two projects: each result lands in the run of each project it names
// (or of the default project), once, whatever the API does; each run is completed once; a project whose run cannot
// be created keeps its results in the outbox for `upload`.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorState } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutput, resolveConfig, uploadFolder, type TestResult, type TestResultInit } from '../../src/index';
import { makeResults, outboxIds, qaseEnv, readLog, report, resultRequests, tempDir } from './harness';

let emulator: Emulator;
let cwd: string;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 7, projects: ['PROJ1', 'PROJ2'] });
  cwd = tempDir('multi');
  writeFileSync(join(cwd, 'qase.config.json'), JSON.stringify(CONFIG));
});

afterEach(async () => {
  await emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

const CONFIG = {
  testops_multi: {
    default_project: 'PROJ1',
    projects: [
      { code: 'PROJ1', run: { title: 'Web' }, environment: 'staging' },
      { code: 'PROJ2', run: { title: 'Mobile' } },
    ],
  },
};

const env = (extra: Record<string, string> = {}) => {
  const { QASE_TESTOPS_PROJECT: _, ...rest } = qaseEnv(emulator, { QASE_MODE: 'testops_multi', ...extra });
  return rest;
};

/** Results mapped to both projects, to PROJ2 only, and to none (with a case id of the default project). */
function mixed(n: number): TestResult[] {
  return makeResults(n, (i): Partial<TestResultInit> =>
    i % 3 === 0 ? { title: `both ${i}`, projects: { PROJ1: [i + 1], PROJ2: [1000 + i] } }
      : i % 3 === 1 ? { title: `two ${i}`, projects: { PROJ2: [2000 + i] } }
      : { title: `none ${i}`, caseIds: [i + 1] });
}

/** Per project: the titles and case ids stored in its runs. */
function stored(state: EmulatorState): Record<string, { title: string; ids: unknown }[]> {
  const byProject: Record<string, { title: string; ids: unknown }[]> = {};
  for (const run of state.runs) {
    for (const result of state.results[run.id] ?? []) {
      (byProject[run.project] ??= []).push({ title: String(result.body.title), ids: result.body.testops_ids });
    }
  }
  for (const list of Object.values(byProject)) list.sort((a, b) => a.title.localeCompare(b.title));
  return byProject;
}

function expected(results: readonly TestResult[]): Record<string, { title: string; ids: unknown }[]> {
  const byProject: Record<string, { title: string; ids: unknown }[]> = { PROJ1: [], PROJ2: [] };
  for (const r of results) {
    const mapping = Object.keys(r.projects).length > 0 ? r.projects : { PROJ1: r.caseIds };
    for (const [code, ids] of Object.entries(mapping)) byProject[code]!.push({ title: r.title, ids: ids.length > 0 ? ids : undefined });
  }
  for (const list of Object.values(byProject)) list.sort((a, b) => a.title.localeCompare(b.title));
  return byProject;
}

function allIds(state: EmulatorState): string[] {
  return Object.values(state.results).flat().map((r) => r.id);
}

describe('mode testops_multi', () => {
  it('sends each result to the runs of the projects it names, the rest to the default project, once each, and completes both runs once', async () => {
    const results = mixed(30);
    const summary = await report(cwd, env(), results);
    const state = emulator.state();
    expect(state.runs.map((r) => [r.project, r.title, r.status, r.completions])).toEqual([
      ['PROJ1', 'Web', 'complete', 1],
      ['PROJ2', 'Mobile', 'complete', 1],
    ].sort(() => 0).filter((row) => state.runs.some((r) => r.project === row[0])).sort((a, b) => state.runs.findIndex((r) => r.project === a[0]) - state.runs.findIndex((r) => r.project === b[0])));
    expect(state.runs.find((r) => r.project === 'PROJ1')?.environment).toBeDefined();
    expect(stored(state)).toEqual(expected(results));
    // 10 results go to both projects: 40 results in all, each with an id of its own.
    expect(new Set(allIds(state)).size).toBe(40);
    expect(summary).toMatchObject({ total: 30, delivered: 40, folder: undefined });
    expect(summary.projects?.map((p) => [p.project, p.delivered, p.written])).toEqual([['PROJ1', 20, 20], ['PROJ2', 20, 20]]);
    const log = readLog(cwd);
    expect(log).toContain('40 of 40 results delivered to 2 projects (passed 40)');
    for (const run of state.runs) {
      expect(log).toContain(`${run.project}: 20 of 20 results delivered to run ${run.id}: http`);
    }
  });

  it('creates a run only for a project that gets results', async () => {
    await report(cwd, env(), makeResults(3, (i) => ({ title: `t${i}` })));
    expect(emulator.state().runs.map((r) => r.project)).toEqual(['PROJ1']);
  });

  it('says once that a test names a project not configured, and sends the result to the default project', async () => {
    const results = makeResults(4, (i): Partial<TestResultInit> => ({ title: `t${i}`, projects: i < 2 ? { NOPE: [5] } : { NOPE: [5], PROJ2: [6] } }));
    const summary = await report(cwd, env(), results);
    expect(summary.delivered).toBe(4);
    expect(stored(emulator.state())).toEqual({
      PROJ1: [{ title: 't0', ids: undefined }, { title: 't1', ids: undefined }],
      PROJ2: [{ title: 't2', ids: [6] }, { title: 't3', ids: [6] }],
    });
    expect(readLog(cwd).match(/names project NOPE, which is not one of testops_multi\.projects \(PROJ1, PROJ2\)/g)).toHaveLength(1);
  });

  it('under 413 from a server that takes 25 per request, still delivers every result once into the right run', async () => {
    emulator.maxResultsPerRequest(25);
    const results = mixed(300);
    await report(cwd, env(), results);
    const state = emulator.state();
    expect(stored(state)).toEqual(expected(results));
    expect(new Set(allIds(state)).size).toBe(400);
    expect(allIds(state)).toHaveLength(400);
    expect(resultRequests(state).some((r) => r.status === 413)).toBe(true);
    expect(state.runs.map((r) => r.completions)).toEqual([1, 1]);
  });

  it('when answers are lost after the results were stored, resends them with the same ids: still once each', async () => {
    emulator.dropAfterCommit(0.2);
    const results = mixed(300);
    await report(cwd, env({ QASE_TESTOPS_BATCH_SIZE: '20' }), results);
    const state = emulator.state();
    expect(resultRequests(state).some((r) => r.dropped)).toBe(true);
    expect(stored(state)).toEqual(expected(results));
    expect(allIds(state)).toHaveLength(400);
    expect(state.runs.map((r) => r.completions)).toEqual([1, 1]);
  });

  it('keeps in the outbox the results of a project whose run cannot be created, delivers the other, and upload sends the rest later', async () => {
    // PROJ2's run creation fails on every try: the API down for that project.
    emulator.failNext(1000, 503, {}, { method: 'POST', path: '/v1/run/PROJ2' });
    const results = mixed(30);
    const summary = await report(cwd, env({ QASE_TESTOPS_DEADLINE_MS: '1500' }), results);
    let state = emulator.state();
    expect(state.runs.map((r) => [r.project, r.status])).toEqual([['PROJ1', 'complete']]);
    expect(stored(state).PROJ1).toEqual(expected(results).PROJ1);
    expect(summary.projects?.map((p) => [p.project, p.delivered, p.written, p.runId])).toEqual([['PROJ1', 20, 20, state.runs[0]!.id], ['PROJ2', 0, 20, undefined]]);
    const folder = summary.folder!;
    expect(outboxIds(folder)).toHaveLength(20);
    expect(readdirSync(folder).sort()).toEqual(expect.arrayContaining(['PROJ1', 'PROJ2', 'manifest.json']));
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      version: 2,
      projects: [
        { code: 'PROJ1', run: { id: state.runs[0]!.id, complete: true } },
        { code: 'PROJ2', run: { create: { title: 'Mobile' }, complete: true } },
      ],
    });
    expect(readLog(cwd)).toContain('20 results were not delivered (passed 20)');

    emulator.setFaults({ failNext: [] });
    const uploadEnv = env();
    const output = createOutput({ console: false, debug: false, secrets: [] });
    const sent = await uploadFolder(folder, resolveConfig({}, uploadEnv, CONFIG), { output, env: uploadEnv });
    state = emulator.state();
    expect(sent).toMatchObject({ total: 20, delivered: 20, completed: true });
    expect(state.runs.map((r) => [r.project, r.title, r.status, r.completions])).toEqual([['PROJ1', 'Web', 'complete', 1], ['PROJ2', 'Mobile', 'complete', 1]]);
    expect(stored(state)).toEqual(expected(results));
    expect(allIds(state)).toHaveLength(40);
  });

  it('a project with a token of its own sends with it; one refused stops only that project', async () => {
    const config = { testops_multi: { ...CONFIG.testops_multi, projects: [CONFIG.testops_multi.projects[0], { code: 'PROJ2', api: { token: 'not-the-emulators' } }] } };
    writeFileSync(join(cwd, 'qase.config.json'), JSON.stringify(config));
    const results = mixed(9);
    const summary = await report(cwd, env(), results);
    const state = emulator.state();
    expect(stored(state)).toEqual({ PROJ1: expected(results).PROJ1 });
    expect(summary.projects?.map((p) => [p.project, p.delivered])).toEqual([['PROJ1', 6], ['PROJ2', 0]]);
    expect(readLog(cwd)).not.toContain('not-the-emulators');
  });

  it('a dry run writes each project\'s requests apart, and upload sends them into a run per project', async () => {
    const results = mixed(9);
    const summary = await report(cwd, env({ QASE_MODE: 'dry-run' }), results);
    const folder = join(cwd, 'qase-dry-run');
    expect(summary.folder).toBe(folder);
    expect(readdirSync(join(folder, 'requests')).sort()).toEqual(['PROJ1', 'PROJ2']);
    const written = (code: string) => readdirSync(join(folder, 'requests', code))
      .flatMap((name) => (JSON.parse(readFileSync(join(folder, 'requests', code, name), 'utf8')) as { results: unknown[] }).results);
    expect([written('PROJ1').length, written('PROJ2').length]).toEqual([6, 6]);
    expect(readFileSync(join(folder, 'index.html'), 'utf8')).toContain('Dry run: PROJ1, PROJ2');
    expect(emulator.state().runs).toEqual([]);

    const uploadEnv = env();
    const output = createOutput({ console: false, debug: false, secrets: [] });
    const sent = await uploadFolder(folder, resolveConfig({}, uploadEnv, CONFIG), { output, env: uploadEnv });
    expect(sent.projects.map((p) => [p.project, p.delivered, p.completed])).toEqual([['PROJ1', 6, true], ['PROJ2', 6, true]]);
    expect(stored(emulator.state())).toEqual(expected(results));
  });
});
