// What the pipeline tests share: a temp working directory, the QASE_* environment pointing at an emulator, and
// readers for what arrived (the emulator's state) and what stayed behind (the outbox, the log file).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EmulatorState, LogEntry } from '@qase-reporters/emulator';
import { createCollector, createTestResult, type TestResult, type TestResultInit } from '../../src/index';

export const REPO = resolve(__dirname, '../../../..');
const CORE = join(REPO, 'packages/core');

/** A fresh folder under test/.tmp, so child processes resolve the workspace's packages from it. */
export function tempDir(name: string): string {
  const dir = join(REPO, 'test/.tmp', `core-pipeline-${name}-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The collector's environment: the emulator as the API, lines to `logs/qase.log` only. */
export function qaseEnv(emulator: { url: string; token: string }, extra: Record<string, string> = {}): Record<string, string> {
  return {
    QASE_MODE: 'testops',
    QASE_TESTOPS_API_TOKEN: emulator.token,
    QASE_TESTOPS_PROJECT: 'DEMO',
    QASE_TESTOPS_API_HOST: emulator.url,
    QASE_LOGGING_CONSOLE: 'false',
    QASE_LOGGING_FILE: 'true',
    ...extra,
  };
}

export function makeResults(n: number, init: (i: number) => Partial<TestResultInit> = () => ({})): TestResult[] {
  return Array.from({ length: n }, (_, i) => createTestResult({ title: `test ${i}`, status: 'passed', suitePath: ['pipeline.test.ts'], ...init(i) }));
}

/** Ids of every result the emulator stored, over all runs; a duplicate would show up twice here. */
export function storedIds(state: EmulatorState): string[] {
  return Object.values(state.results).flat().map((r) => r.id);
}

export function resultRequests(state: EmulatorState): LogEntry[] {
  return state.requests.filter((r) => r.method === 'POST' && /^\/v2\/[^/]+\/run\/\d+\/results$/.test(r.path));
}

export function countRequests(state: EmulatorState, method: string, path: RegExp): number {
  return state.requests.filter((r) => r.method === method && path.test(r.path)).length;
}

export function readLog(cwd: string): string {
  const path = join(cwd, 'logs/qase.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Ids the outbox folders under `root` still hold: written (open or sealed) and not settled. */
export function outboxIds(root: string): string[] {
  if (!existsSync(root)) return [];
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f));
  const settled = new Set(files.filter((f) => f.endsWith('.settled')).flatMap((f) => readFileSync(f, 'utf8').split('\n')));
  return files
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .flatMap((line) => {
      try {
        return [(JSON.parse(line) as { id: string }).id];
      } catch {
        return []; // the partial last line of a killed write
      }
    })
    .filter((id) => !settled.has(id));
}

/** The child-process tests run the built package, as users do: it must not be older than the sources. */
export function assertCoreBuilt(): void {
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, f)).mtimeMs));
  if (!existsSync(join(CORE, 'dist/index.js')) || newest(join(CORE, 'src')) > newest(join(CORE, 'dist'))) {
    throw new Error('packages/core/dist is older than its sources. Run `npx tsc -p packages/core` first.');
  }
}

/** One test run in this process: start, add every result, end. */
export async function report(cwd: string, env: Record<string, string>, results: readonly TestResult[], options: unknown = {}) {
  const collector = createCollector(options, { framework: 'pipeline', cwd, env });
  collector.startRun();
  for (const result of results) collector.add(result);
  return collector.end();
}

/**
 * A test process in miniature, run with node from `cwd`: it reports through the built package.
 * `end N`: adds N results, awaits end(), prints the summary as JSON, then exits with code 3 (the tests' own).
 * `end-naturally N`: the same without process.exit, so the process ends only when nothing keeps it alive.
 * `loop`: adds results until killed, printing each id once add() has returned.
 */
export const CHILD = `
const { createCollector, createTestResult } = require('@qase-reporters/core');
const [mode, count] = process.argv.slice(2);
const collector = createCollector({}, { framework: 'child', cwd: process.cwd(), env: process.env });
collector.startRun();
const add = (i) => {
  const result = createTestResult({ title: 'test ' + i, status: 'passed', suitePath: ['child.test.js'] });
  collector.add(result);
  return result.id;
};
async function main() {
  if (mode === 'loop') {
    for (let i = 0; ; i++) {
      process.stdout.write(add(i) + '\\n');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  for (let i = 0; i < Number(count); i++) add(i);
  const started = Date.now();
  const summary = await collector.end();
  process.stdout.write(JSON.stringify({ ...summary, endMs: Date.now() - started }) + '\\n');
  if (mode === 'end') process.exit(3);
}
main();
`;
