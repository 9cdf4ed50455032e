// Eight CI jobs on one machine: `qase-reporters run create` (the real bin), then eight real `jest --shard=i/8` runs
// with our reporter, each in its own checkout, all sending into that run at the same time against one token's
// shared rate limit, then `qase-reporters run complete`. The emulator must hold every result exactly once, and the
// run must be completed once, after the last shard.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator, type EmulatorState } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, REPO, run, tempDir, writeProject } from './harness';
import type { Run } from './harness';

const CLI = join(REPO, 'packages/cli/dist/cli.js');
const TMP = tempDir('shards');
const SHARDS = 8;
const FILES = 24;
const TESTS_PER_FILE = 12;
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

// Jest runs globalSetup once per process before any test: each shard says it is ready, then waits for the
// others, so all eight report at the same moment, as parallel CI jobs do.
const BARRIER = `const { existsSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
module.exports = async () => {
  writeFileSync(join(process.env.BARRIER_DIR, 'ready-' + process.env.SHARD), '');
  while (!existsSync(join(process.env.BARRIER_DIR, 'go'))) await new Promise((resolve) => setTimeout(resolve, 20));
};
`;

const PROJECT: Record<string, string> = {
  'jest.config.js': `module.exports = {
  reporters: [['@qase-reporters/jest', {}]],
  testMatch: ['**/tests/*.test.js'],
  transform: {},
  globalSetup: './barrier.js',
  cacheDirectory: '.jest-cache',
};
`,
  'barrier.js': BARRIER,
};
for (let f = 1; f <= FILES; f++) {
  const file = `f${String(f).padStart(2, '0')}`;
  const tests = Array.from({ length: TESTS_PER_FILE }, (_, t) => `test('${file} t${String(t + 1).padStart(2, '0')}', () => {});`);
  PROJECT[`tests/${file}.test.js`] = `${tests.join('\n')}\n`;
}
const EXPECTED = Object.keys(PROJECT)
  .filter((path) => path.startsWith('tests/'))
  .flatMap((path) => Array.from({ length: TESTS_PER_FILE }, (_, t) => `${path.slice(6, 9)} t${String(t + 1).padStart(2, '0')}`))
  .sort();

interface Finished {
  code: number | null;
  output: string;
}

let emulator: Emulator;
let runId: number;
let shards: Finished[];
let afterShards: EmulatorState;
let completed: Run;
let state: EmulatorState;

/** Only what a CI job would set: the variables of the machine running the tests must not leak in. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
}

function qaseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: emulator.token, QASE_TESTOPS_PROJECT: 'DEMO', ...extra };
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return run(process.execPath, [CLI, ...args], { cwd: TMP, env: childEnv(env), inherit: false, timeoutMs: 60_000 });
}

/** One CI job's checkout of the project. */
function checkout(shard: number): string {
  const dir = writeProject(join(TMP, `job-${shard}`), PROJECT);
  mkdirSync(join(dir, '.tmp'));
  return dir;
}

async function runShards(barrierDir: string): Promise<Finished[]> {
  const running = Array.from({ length: SHARDS }, (_, i) => {
    const shard = i + 1;
    const dir = checkout(shard);
    const child = spawn(bin('jest'), [`--shard=${shard}/${SHARDS}`, '--ci', '--runInBand'], {
      cwd: dir,
      env: childEnv({
        ...qaseEnv({ QASE_MODE: 'testops', QASE_TESTOPS_RUN_ID: String(runId), QASE_TESTOPS_BATCH_SIZE: '1' }),
        TMPDIR: join(dir, '.tmp'),
        BARRIER_DIR: barrierDir,
        SHARD: String(shard),
      }),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const finished = new Promise<Finished>((done) => child.once('close', (code) => done({ code, output })));
    return { finished, exited: () => child.exitCode !== null || child.signalCode !== null, output: () => output };
  });
  while (readdirSync(barrierDir).length < SHARDS) {
    const early = running.find((shard) => shard.exited());
    if (early) throw new Error(`a shard ended before the others started:\n${early.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  writeFileSync(join(barrierDir, 'go'), '');
  return Promise.all(running.map((shard) => shard.finished));
}

beforeAll(async () => {
  // The API's 200 requests per token, counted over 10 s instead of a minute: the shards need 290 requests, so
  // they meet 429s with Retry-After, and waiting it out costs seconds instead of a minute.
  emulator = await startEmulator({ limits: { requestsPerMinute: 200, rateWindowMs: 10_000 } });
  const barrierDir = join(TMP, 'barrier');
  mkdirSync(barrierDir, { recursive: true });

  const githubOutput = join(TMP, 'github-output');
  const created = await cli(['run', 'create', '--github-output'], {
    ...qaseEnv(),
    GITHUB_ACTIONS: 'true', GITHUB_RUN_NUMBER: '42', GITHUB_REF_NAME: 'main', GITHUB_SHA: SHA, GITHUB_OUTPUT: githubOutput,
  });
  expect(created.code, created.stderr).toBe(0);
  runId = Number(/^run_id=(\d+)\n$/.exec(readFileSync(githubOutput, 'utf8'))?.[1]);
  expect(runId).toBe(Number(created.stdout));

  shards = await runShards(barrierDir);
  afterShards = emulator.state();
  completed = await cli(['run', 'complete', '--id', String(runId)], qaseEnv());
  state = emulator.state();
}, 240_000);

afterAll(async () => {
  await emulator?.close();
});

describe(`${SHARDS} Jest shards reporting into one run created by qase-reporters`, () => {
  it('ran every shard to the end', () => {
    for (const shard of shards) expect(shard.code, shard.output).toBe(0);
  });

  it('created one run, named after the CI build, and no shard created another', () => {
    expect(state.runs.map((run) => [run.id, run.title])).toEqual([[runId, 'GitHub Actions #42 on main (1a2b3c4)']]);
  });

  it('holds every result exactly once', () => {
    const results = state.results[runId] ?? [];
    expect(results.map((r) => (r.body as { title: string }).title).sort()).toEqual(EXPECTED);
    expect(new Set(results.map((r) => r.id)).size).toBe(FILES * TESTS_PER_FILE);
  });

  it('met the shared rate limit, and every refused request was sent again', () => {
    const limited = state.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    const accepted = state.requests.filter((r) => r.path.endsWith('/results') && r.status === 202);
    expect(accepted.reduce((sum, r) => sum + r.results, 0)).toBeGreaterThanOrEqual(FILES * TESTS_PER_FILE);
  });

  it('left the run open after every shard, for run complete to close once, after the last result', () => {
    expect(afterShards.runs[0]).toMatchObject({ status: 'active', completions: 0 });
    expect(completed).toMatchObject({ code: 0, stdout: `completed run ${runId}: ${emulator.url}/run/DEMO/dashboard/${runId}\n` });
    expect(state.runs[0]).toMatchObject({ status: 'complete', completions: 1 });
    const log = state.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    const completes = log.flatMap((entry, i) => (entry.startsWith(`POST /v1/run/DEMO/${runId}/complete`) ? [i] : []));
    expect(completes).toEqual([log.length - 1]);
    const lastResults = Math.max(...log.flatMap((entry, i) => (entry.endsWith('/results 202') ? [i] : [])));
    expect(lastResults).toBeLessThan(completes[0]!);
  });

  it('left nothing undelivered in any job', () => {
    for (let shard = 1; shard <= SHARDS; shard++) expect(existsSync(join(TMP, `job-${shard}`, '.qase'))).toBe(false);
  });
});
