// The `qase-reporters` bin with mode testops_multi against an emulator with two projects: runs created for sharded
// CI and completed once, and `upload` of a multi-project outbox and dry-run folder, each project into its own run.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, run, tempDir, type Run } from './harness';

const CLI = join(REPO, 'packages/cli/dist/cli.js');
const TMP = tempDir('cli-multi');
const TOKEN = 'tok-multi-7c2e9a41d0b3';

const CONFIG = {
  mode: 'testops_multi',
  testops_multi: {
    default_project: 'PROJ1',
    projects: [{ code: 'PROJ1', run: { title: 'Web' } }, { code: 'PROJ2', run: { title: 'Mobile' } }],
  },
};

// A test run in miniature through the reporters' collector: `count` results from `first` on, mapped to both
// projects, to PROJ2 only, and to none, in turn.
const PRODUCER = `const { createCollector, createTestResult } = require('@qase-reporters/core');
const [first, count] = process.argv.slice(2).map(Number);
const collector = createCollector({}, { framework: 'producer' });
collector.startRun();
for (let i = first; i < first + count; i++) {
  const projects = i % 3 === 0 ? { PROJ1: [i + 1], PROJ2: [100 + i] } : i % 3 === 1 ? { PROJ2: [100 + i] } : {};
  collector.add(createTestResult({ title: 'result ' + i, status: 'passed', projects }));
}
collector.end();
`;

let emulator: Emulator;
const printed: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ token: TOKEN, projects: ['PROJ1', 'PROJ2'], limits: { requestsPerMinute: 100_000 } });
  mkdirSync(TMP, { recursive: true });
});

afterAll(async () => {
  await emulator?.close();
  // No command printed a token.
  expect(printed.join('')).not.toContain(TOKEN);
});

function api(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: TOKEN, ...extra };
}

/** A working directory with the multi-project configuration and the producer. */
function project(name: string): string {
  const dir = join(TMP, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'qase.config.json'), JSON.stringify(CONFIG));
  writeFileSync(join(dir, 'producer.cjs'), PRODUCER);
  return dir;
}

async function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const result = await run(process.execPath, [CLI, ...args], { cwd, env: api(env), inherit: false, timeoutMs: 60_000 });
  printed.push(result.stdout, result.stderr);
  return result;
}

async function produce(cwd: string, first: number, count: number, env: Record<string, string> = {}): Promise<void> {
  const result = await run(process.execPath, ['producer.cjs', String(first), String(count)], { cwd, env: api(env), inherit: false });
  printed.push(result.stdout, result.stderr);
  expect(result.code, result.output).toBe(0);
}

/** What each project's run holds, by title. */
function titlesIn(runId: number): string[] {
  return (emulator.state().results[runId] ?? []).map((r) => String(r.body.title)).sort();
}

function expectedTitles(first: number, count: number, code: string): string[] {
  const titles: string[] = [];
  for (let i = first; i < first + count; i++) {
    const projects = i % 3 === 0 ? ['PROJ1', 'PROJ2'] : i % 3 === 1 ? ['PROJ2'] : ['PROJ1'];
    if (projects.includes(code)) titles.push(`result ${i}`);
  }
  return titles.sort();
}

function runOf(id: number) {
  return emulator.state().runs.find((r) => r.id === id)!;
}

describe('run create and run complete with two projects, for sharded CI', () => {
  it('creates a run per project and prints PROJ1:id,PROJ2:id; shards report into them; run complete completes both once', async () => {
    const cwd = project('shards');
    const created = await cli(['run', 'create', '--title', 'Nightly'], cwd);
    expect(created.code, created.output).toBe(0);
    const [, one, two] = /^PROJ1:(\d+),PROJ2:(\d+)\n$/.exec(created.stdout) ?? [];
    const ids = { PROJ1: Number(one), PROJ2: Number(two) };
    expect([runOf(ids.PROJ1), runOf(ids.PROJ2)].map((r) => [r.project, r.title, r.status])).toEqual([['PROJ1', 'Nightly', 'active'], ['PROJ2', 'Nightly', 'active']]);
    expect(created.stderr).toContain(`created run ${ids.PROJ2} "Nightly" in project PROJ2: ${emulator.url}/run/PROJ2/dashboard/${ids.PROJ2}`);

    const runs = emulator.state().runs.length;
    await Promise.all([
      produce(cwd, 0, 9, { QASE_TESTOPS_MULTI_RUN_IDS: created.stdout.trim() }),
      produce(cwd, 9, 9, { QASE_TESTOPS_MULTI_RUN_IDS: created.stdout.trim() }),
    ]);
    expect(emulator.state().runs.length).toBe(runs);
    expect(titlesIn(ids.PROJ1)).toEqual(expectedTitles(0, 18, 'PROJ1'));
    expect(titlesIn(ids.PROJ2)).toEqual(expectedTitles(0, 18, 'PROJ2'));
    // The shards leave the runs open for run complete.
    expect([runOf(ids.PROJ1).status, runOf(ids.PROJ2).status]).toEqual(['active', 'active']);

    const completed = await cli(['run', 'complete'], cwd, { QASE_TESTOPS_MULTI_RUN_IDS: created.stdout.trim() });
    expect(completed).toMatchObject({ code: 0, stderr: '' });
    expect(completed.stdout).toBe(`completed run ${ids.PROJ1} of project PROJ1: ${emulator.url}/run/PROJ1/dashboard/${ids.PROJ1}\n` +
      `completed run ${ids.PROJ2} of project PROJ2: ${emulator.url}/run/PROJ2/dashboard/${ids.PROJ2}\n`);
    const again = await cli(['run', 'complete', '--id', created.stdout.trim()], cwd);
    expect(again.code, again.output).toBe(0);
    expect(again.stdout).toContain(`run ${ids.PROJ2} of project PROJ2 is already complete`);
    expect([runOf(ids.PROJ1).completions, runOf(ids.PROJ2).completions]).toEqual([1, 1]);
  });

  it('prints QASE_TESTOPS_MULTI_RUN_IDS=… with --env, and appends run_ids=… to $GITHUB_OUTPUT', async () => {
    const cwd = project('env');
    const output = join(cwd, 'github-output');
    writeFileSync(output, '');
    const created = await cli(['run', 'create', '--env', '--github-output'], cwd, { GITHUB_OUTPUT: output });
    expect(created.code, created.output).toBe(0);
    const [, ids] = /^QASE_TESTOPS_MULTI_RUN_IDS=(PROJ1:\d+,PROJ2:\d+)\n$/.exec(created.stdout) ?? [];
    expect(readFileSync(output, 'utf8')).toBe(`run_ids=${ids}\n`);
  });

  it('says in one line what --id takes when it is not PROJ1:12,PROJ2:34', async () => {
    const result = await cli(['run', 'complete', '--id', '12'], project('bad-id'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^qase: --id has "12"; in mode testops_multi it is PROJ1:12,PROJ2:34/);
  });
});

describe('upload of a multi-project folder', () => {
  it('sends the outbox of a project whose run could not be created into a run it creates, and leaves the other run alone', async () => {
    const cwd = project('outbox');
    emulator.failNext(1000, 503, {}, { method: 'POST', path: '/v1/run/PROJ2' });
    try {
      await produce(cwd, 0, 12, { QASE_TESTOPS_DEADLINE_MS: '1500' });
    } finally {
      emulator.setFaults({ failNext: [] });
    }
    const proj1 = emulator.state().runs.filter((r) => r.project === 'PROJ1').at(-1)!;
    expect(proj1).toMatchObject({ status: 'complete', completions: 1 });
    expect(titlesIn(proj1.id)).toEqual(expectedTitles(0, 12, 'PROJ1'));

    const sent = await cli(['upload', '.qase/outbox'], cwd);
    expect(sent.code, sent.output).toBe(0);
    const proj2 = emulator.state().runs.filter((r) => r.project === 'PROJ2').at(-1)!;
    expect(proj2).toMatchObject({ title: 'Mobile', status: 'complete', completions: 1 });
    expect(titlesIn(proj2.id)).toEqual(expectedTitles(0, 12, 'PROJ2'));
    expect(sent.stdout).toMatch(/^\.qase\/outbox\/[\w-]+: 8 of 8 results delivered to 2 projects in \d+ requests, 0 retries\.\n/);
    expect(sent.stdout).toMatch(new RegExp(`: PROJ1: run ${proj1.id} is complete, so its results were uploaded before; nothing was sent again`));
    expect(sent.stdout).toContain(`: PROJ2: 8 of 8 results delivered to run ${proj2.id} (complete): ${emulator.url}/run/PROJ2/dashboard/${proj2.id}\n`);
    expect(runOf(proj1.id).completions).toBe(1);
    expect(readdirSync(join(cwd, '.qase', 'outbox'))).toEqual([]);
  });

  it('sends a dry-run folder into a run per project, and a second upload sends nothing again', async () => {
    const cwd = project('dry-run');
    await produce(cwd, 0, 9, { QASE_MODE: 'dry-run' });
    expect(readdirSync(join(cwd, 'qase-dry-run', 'requests')).sort()).toEqual(['PROJ1', 'PROJ2']);
    const runs = emulator.state().runs.length;

    const first = await cli(['upload', 'qase-dry-run'], cwd);
    expect(first.code, first.output).toBe(0);
    const created = emulator.state().runs.slice(runs);
    expect(created.map((r) => [r.project, r.title, r.status, r.completions])).toEqual([['PROJ1', 'Web', 'complete', 1], ['PROJ2', 'Mobile', 'complete', 1]]);
    for (const r of created) expect(titlesIn(r.id)).toEqual(expectedTitles(0, 9, r.project));

    const requests = emulator.state().requests.length;
    const second = await cli(['upload', 'qase-dry-run'], cwd);
    expect(second.code, second.output).toBe(0);
    expect(second.stdout).toContain(`qase-dry-run: PROJ1: run ${created[0]!.id} is complete, so its results were uploaded before; nothing was sent again`);
    expect(emulator.state().requests.length).toBe(requests);
  });
});
