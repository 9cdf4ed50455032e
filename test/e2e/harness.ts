// What the end-to-end tests share: projects written to a folder under test/.tmp (inside the repository, so they
// resolve its node_modules), commands run in a child process, the emulator's address in the environment, and what
// the emulator (or a dry run) stored, read back.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator, EmulatorState } from '@qase-reporters/emulator';
import { afterAll, beforeAll, expect } from 'vitest';
import { installPackages, projectDir } from '../support/install';

export const REPO = resolve(__dirname, '../..');

export interface StepBody {
  data: { action: string; expected_result?: string; input_data?: string };
  execution: { status: string; attachments?: string[] };
  steps?: StepBody[];
}

/** A v2 result body as the emulator stored it (or a dry run wrote it), with the fields the tests read. */
export interface ResultBody {
  id: string;
  title: string;
  signature?: string;
  execution: { status: string; start_time: number; stacktrace?: string; error_context?: string };
  testops_ids?: number[];
  message?: string;
  fields?: Record<string, string>;
  params?: Record<string, string>;
  param_groups?: string[][];
  relations?: { suite: { data: { title: string }[] } };
  attachments?: string[];
  steps?: StepBody[];
}

/** File paths (folders are made as needed) and their contents. */
export type Files = Record<string, string | Buffer>;

/** A fresh folder for the projects of one test file, `test/.tmp/<name>-<random>`, removed after its tests. */
export function tempDir(name: string): string {
  const dir = join(REPO, 'test/.tmp', `${name}-${randomUUID().slice(0, 8)}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * An emulator for the tests of the file or describe block this is called in: started (by `start`) before them,
 * closed after them. Returns its getter.
 */
export function emulatorFor(start: () => Promise<Emulator> = () => startEmulator()): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await start();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => emulator!;
}

/** Writes `files` into `dir`; returns `dir`. */
export function writeProject(dir: string, files: Files): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A command the workspace installed: `node_modules/.bin/<name>`. */
export function bin(name: string): string {
  return join(REPO, 'node_modules/.bin', name);
}

/** One framework version a test file runs its suite against. */
export interface Framework {
  /** The packages installed from the registry (name → version); empty for the workspace's own versions. */
  packages: Record<string, string>;
  /** The framework's version, as the describe blocks name it: `29.7.0`, or `workspace`. */
  version: string;
  /** A command of this install: `node_modules/.bin/<name>`. */
  bin(name: string): string;
  /** A fresh folder for a project, whose requires resolve this install's framework and our built packages. */
  projectDir(name: string): string;
}

/**
 * The workspace's own framework (projects under `tmp`, see `tempDir`), then each set of `installs`, installed from
 * the registry into a cached folder of its own (test/support/install.ts) before the file's tests, all at once.
 */
export function frameworks(tmp: string, installs: Record<string, string>[]): Framework[] {
  const workspace: Framework = { packages: {}, version: 'workspace', bin, projectDir: (name) => join(tmp, name) };
  const made: string[] = [];
  const installed = installs.map((packages): Framework & { root?: string } => ({
    packages,
    version: Object.values(packages)[0]!,
    bin(name) {
      return join(this.root!, 'node_modules/.bin', name);
    },
    projectDir(name) {
      // Other test files may use the same install at the same time: each project folder is its own.
      const dir = projectDir(this.root!, name);
      made.push(dir);
      return dir;
    },
  }));
  beforeAll(async () => {
    await Promise.all(installed.map(async (framework) => {
      framework.root = await installPackages(framework.packages);
    }));
  }, 600_000);
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  return [workspace, ...installed];
}

export interface RunOptions {
  cwd: string;
  /** The child's own variables, over those it inherits. */
  env?: Record<string, string>;
  /** More of this process's variables to keep from the child; `QASE_*` never pass, so only `env` configures us. */
  hide?: RegExp;
  /** False: the child has only `env`, as a CI job has only what it sets. */
  inherit?: boolean;
  timeoutMs?: number;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout, then stderr: to explain a failed assertion, never asserted on. */
  output: string;
}

/** Runs `command` and resolves when it exits, whatever its exit code. */
export function run(command: string, args: string[], options: RunOptions): Promise<Run> {
  const kept = (key: string) => !key.startsWith('QASE_') && !options.hide?.test(key);
  const inherited = options.inherit === false ? {} : Object.fromEntries(Object.entries(process.env).filter(([key]) => kept(key)));
  const env = { ...inherited, ...options.env };
  return new Promise((done) => {
    execFile(command, args, { cwd: options.cwd, env, timeout: options.timeoutMs ?? 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
    });
  });
}

/** The variables that point a reporter at `emulator` in testops mode, as CI would set them. */
export function testopsEnv(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    QASE_MODE: 'testops',
    QASE_TESTOPS_API_HOST: emulator.url,
    QASE_TESTOPS_API_TOKEN: emulator.token,
    QASE_TESTOPS_PROJECT: 'DEMO',
    ...extra,
  };
}

/** Creates a run through the API, as `qase-reporters run create` would, for shards to report into. */
export async function createRun(emulator: Emulator, title: string): Promise<number> {
  const created = await fetch(`${emulator.url}/v1/run/DEMO`, {
    method: 'POST',
    headers: { Token: emulator.token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  return ((await created.json()) as { result: { id: number } }).result.id;
}

/** The results stored in the run titled `title`. */
export function resultsOf(state: EmulatorState, title: string): ResultBody[] {
  const found = state.runs.find((r) => r.title === title);
  expect(found, `no run titled "${title}"`).toBeDefined();
  return (state.results[found!.id] ?? []).map((r) => r.body as unknown as ResultBody);
}

/** The results a dry run in `dir` wrote, from every request it would have sent. */
export function dryRunResults(dir: string): ResultBody[] {
  const folder = join(dir, 'qase-dry-run', 'requests');
  return readdirSync(folder).flatMap((file) => (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { results: ResultBody[] }).results);
}

/** The one result titled `title`; the test fails unless there is exactly one. */
export function one(results: ResultBody[], title: string): ResultBody {
  const found = results.filter((r) => r.title === title);
  expect(found, title).toHaveLength(1);
  return found[0]!;
}

/** [title, status] of each result, sorted: what a run sent at a glance. */
export function titlesOf(results: ResultBody[]): string[][] {
  return results.map((r) => [r.title, r.execution.status]).sort();
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The SHA-256 of the bytes the emulator received for the attachment a result references by `hash`. */
export function contentOf(state: EmulatorState, hash: string | undefined): string | undefined {
  return state.attachments.find((a) => a.hash === hash)?.sha256;
}

/**
 * An API that answers 413 above 4 results per request and stores a fifth of the requests without answering them.
 * Seeded, so the same requests meet the same faults on every run.
 */
export async function startFaultyEmulator(): Promise<Emulator> {
  const emulator = await startEmulator({ seed: 1 });
  emulator.maxResultsPerRequest(4);
  emulator.dropAfterCommit(0.2);
  return emulator;
}

/**
 * Sixty passing tests, `a 0` … `c 19`, in three files that `file` writes (it gets the file's name and the JavaScript
 * of a loop that names each test `title`, e.g. `` `a ${i}` ``); and their titles, sorted.
 */
export function sixtyTests(file: (name: string, title: string) => [path: string, content: string]): { files: Files; titles: string[] } {
  const names = ['a', 'b', 'c'];
  const files = Object.fromEntries(names.map((name) => file(name, `\`${name} \${i}\``)));
  const titles = names.flatMap((name) => Array.from({ length: 20 }, (_, i) => `${name} ${i}`)).sort();
  return { files, titles };
}

/**
 * What a run in `dir` through `startFaultyEmulator` must still have done: every result once, the faults met, and
 * nothing left undelivered in the outbox.
 */
export function expectDeliveredOnce(faulty: Emulator, runTitle: string, titles: string[], run: Run, dir: string): void {
  const state = faulty.state();
  expect(resultsOf(state, runTitle).map((r) => r.title).sort(), run.output).toEqual(titles);
  expect(state.requests.some((r) => r.status === 413)).toBe(true);
  expect(state.requests.some((r) => r.dropped)).toBe(true);
  expect(existsSync(join(dir, '.qase'))).toBe(false);
}

/**
 * The body of a test, in JavaScript, that waits until `count` such tests are in flight (in `started`, `release` and
 * `allStarted`, which the file declares), then nests steps and attaches inside and outside them, so that concurrent
 * tests' steps and attachments interleave in one worker. `qase` is the API it calls; `name` the test's name.
 */
export function interleavingTestBody(count: number): string {
  return `
      await qase.step(\`\${name}: wait for the others\`, async () => {
        started += 1;
        if (started === ${count}) release();
        await allStarted;
      });
      await qase.step(\`\${name}: outer\`, async () => {
        qase.attach({ name: \`\${name}.txt\`, content: \`made by \${name}\` });
        await tick();
        await qase.step(
          \`\${name}: inner\`,
          async () => {
            await tick();
            qase.attach({ name: \`\${name}.json\`, content: JSON.stringify({ name }), contentType: 'application/json' });
          },
          \`\${name} expected\`,
          \`\${name} data\`,
        );
      });
      qase.attach({ name: \`\${name}.bin\`, content: Buffer.from(\`bytes of \${name}\`) });`;
}

/** That the test `name` running `interleavingTestBody` got its own steps, nested, and its own attachments. */
export function expectOwnStepsAndAttachments(state: EmulatorState, result: ResultBody, name: string): void {
  const [wait, outer] = result.steps ?? [];
  expect(result.steps).toHaveLength(2);
  expect(wait?.data.action).toBe(`${name}: wait for the others`);
  expect(outer?.data.action).toBe(`${name}: outer`);
  expect(outer?.steps?.map((s) => s.data)).toEqual([{ action: `${name}: inner`, expected_result: `${name} expected`, input_data: `${name} data` }]);
  expect(contentOf(state, outer?.execution.attachments?.[0])).toBe(sha256(`made by ${name}`));
  expect(contentOf(state, outer?.steps?.[0]?.execution.attachments?.[0])).toBe(sha256(JSON.stringify({ name })));
  expect(result.attachments?.map((hash) => contentOf(state, hash))).toEqual([sha256(`bytes of ${name}`)]);
}

/**
 * The cart suite's calls, which every framework's suite makes alike: case ids, title, fields and comment on
 * `Coupon is applied` with a file attached by path (`fixture`), suite and group parameters on
 * `moves to another suite`, `qase.ignore()` on `is not reported`, and parameters on each `totals in …` row.
 */
export function expectCartCalls(state: EmulatorState, results: ResultBody[], fixture: string): void {
  const coupon = one(results, 'Coupon is applied');
  expect(coupon).toMatchObject({ testops_ids: [15, 16], fields: { severity: 'major', layer: 'unit' }, message: 'fixed price' });
  expect(coupon.attachments?.map((hash) => contentOf(state, hash))).toEqual([sha256(fixture)]);
  expect(one(results, 'moves to another suite')).toMatchObject({
    relations: { suite: { data: [{ title: 'Checkout' }, { title: 'Payments' }] } },
    params: { card: 'visa', country: 'NL' },
    param_groups: [['card', 'country']],
  });
  expect(results.some((r) => r.title === 'is not reported')).toBe(false);
  expect(one(results, 'totals in EUR').params).toEqual({ currency: 'EUR', total: '10' });
  expect(one(results, 'totals in USD').params).toEqual({ currency: 'USD', total: '11' });
}

/**
 * That `passes on the third attempt`, which runs a step named for its attempt, sent each attempt with its own step
 * and none marked `is_flaky` (the official Jest, Mocha and Vitest reporters never set it); and that each of the three
 * attempts of `always fails`, which throws a plain Error, is `invalid` and says `message`.
 */
export function expectRetriedAttempts(results: ResultBody[], message: string): void {
  // Batches may arrive in any order; each attempt is known by its step.
  const attempts = results.filter((r) => r.title === 'passes on the third attempt');
  const summary = attempts.map((r) => [r.execution.status, r.steps?.map((s) => [s.data.action, s.execution.status]), r.fields?.is_flaky]);
  expect(summary.sort((a, b) => JSON.stringify(a[1]).localeCompare(JSON.stringify(b[1])))).toEqual([
    ['failed', [['attempt 1', 'failed']], undefined],
    ['failed', [['attempt 2', 'failed']], undefined],
    ['passed', [['attempt 3', 'passed']], undefined],
  ]);
  const broken = results.filter((r) => r.title === 'always fails');
  expect(broken.map((r) => [r.execution.status, r.message, r.fields?.is_flaky])).toEqual(Array(3).fill(['invalid', message, undefined]));
}
