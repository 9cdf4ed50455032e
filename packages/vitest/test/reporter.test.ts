// The reporter driven through Vitest's hooks in a dry run, which writes what it would send to a temp folder.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TestCase, Vitest } from 'vitest/node';
import { QaseReporter } from '../src/reporter';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qase-vitest-reporter-'));
  // Only the options below may configure the reporter, whatever the shell running these tests has set.
  for (const key of Object.keys(process.env).filter((k) => k.startsWith('QASE_'))) vi.stubEnv(key, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const fakeVitest = (watch: boolean) => ({ config: { watch }, projects: [{}], state: {} }) as unknown as Vitest;

function fakeTest(id: string, name: string): TestCase {
  return {
    id,
    name,
    fullName: name,
    parent: { type: 'module', relativeModuleId: 'cart.test.ts', errors: () => [] },
    module: { relativeModuleId: 'cart.test.ts' },
    project: { name: '' },
    options: { mode: 'run' },
    result: () => ({ state: 'passed', errors: undefined }),
    diagnostic: () => ({ startTime: Date.now(), duration: 1, retryCount: 0, flaky: false }),
    meta: () => ({}),
    annotations: () => [],
    artifacts: () => [],
  } as unknown as TestCase;
}

async function run(watch: boolean): Promise<string> {
  const folder = join(dir, 'dry-run');
  const reporter = new QaseReporter({ mode: 'dry-run', captureLogs: true, report: { connections: { local: { path: folder } } } });
  reporter.onInit(fakeVitest(watch));
  reporter.onTestRunStart();
  reporter.onUserConsoleLog({ type: 'stdout', content: 'from the first\n', taskId: 'first', time: 0, size: 1 });
  reporter.onUserConsoleLog({ type: 'stderr', content: '\u001b[31mfrom the second\u001b[39m\n', taskId: 'second', time: 0, size: 1 });
  reporter.onUserConsoleLog({ type: 'stdout', content: 'from a beforeAll\n', taskId: 'suite', time: 0, size: 1 });
  reporter.onTestCaseResult(fakeTest('first', 'first test'));
  reporter.onTestCaseResult(fakeTest('second', 'second test'));
  await reporter.onTestRunEnd();
  return folder;
}

describe('QaseReporter', () => {
  it("attaches each test's own console output, without terminal colours", async () => {
    const folder = await run(false);
    const [request] = readdirSync(join(folder, 'requests'));
    const { results } = JSON.parse(readFileSync(join(folder, 'requests', request!), 'utf8')) as { results: { title: string; attachments: string[] }[] };
    const logOf = (title: string) => readFileSync(join(folder, results.find((r) => r.title === title)!.attachments[0]!.replace(/^file:/, '')), 'utf8');
    expect(logOf('first test')).toBe('from the first\n');
    expect(logOf('second test')).toBe('from the second\n');
  });

  it('sends nothing in watch mode, where every saved file would start a run', async () => {
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    await run(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(process.stderr.write).toHaveBeenCalledWith('qase: results of watch mode are not sent to Qase; `vitest run` sends them.\n');
  });
});
