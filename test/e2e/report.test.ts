// QASE_MODE=report in a real Jest run, with our reporter and with the official jest-qase-reporter from the
// registry: each writes a Qase Report (valid against the published schemas), and `qase-reporters upload` sends
// either into the emulator, twice, with every result stored once.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorState } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPackages, projectDir } from '../support/install';
import { HAS_REPORT_SPEC, REPORT_SPEC, reportSchemas } from '../support/report-schema';
import { emulatorFor, one, REPO, run, testopsEnv, writeProject } from './harness';
import type { ResultBody, Run } from './harness';

const CLI = join(REPO, 'packages/cli/dist/cli.js');
const JEST = '30.5.2';
const OFFICIAL = '2.6.0';
const PNG = '89504e470d0a1a0a0000000d49484452';

/** One suite in the per-test API both reporters share: case id, step with expected result and data, attachments. */
function suite(importLine: string): Record<string, string> {
  return {
    'jest.config.js': "module.exports = { testMatch: ['**/*.test.js'], cacheDirectory: '.jest-cache' };\n",
    'cart.test.js': `${importLine}
describe('Cart', () => {
  test(qase(12, 'shows the total'), async () => {
    await qase.step('Open the cart', async () => {
      qase.attach({ name: 'screen.png', content: Buffer.from('${PNG}', 'hex'), contentType: 'image/png' });
    }, 'The cart is shown', 'user=admin');
  });
  test('applies a coupon', () => {
    qase.attach({ name: 'log.txt', content: 'coupon log', contentType: 'text/plain' });
    expect(10).toBe(11);
  });
  test.skip('pays with a card', () => {});
});
`,
  };
}

const PROJECTS = [
  { reporter: 'ours', name: '@qase-reporters/jest', importLine: "const { qase } = require('@qase-reporters/jest');" },
  { reporter: 'the official jest-qase-reporter', name: 'jest-qase-reporter', importLine: "const { qase } = require('jest-qase-reporter/jest');" },
];

const emulator = emulatorFor();
let installed: string;
const dirs: string[] = [];

beforeAll(async () => {
  installed = await installPackages({ jest: JEST, 'jest-qase-reporter': OFFICIAL });
}, 600_000);

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return run(process.execPath, [CLI, ...args], { cwd, env, timeoutMs: 60_000 });
}

function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe.each(PROJECTS)('a report written by $reporter', ({ reporter, name, importLine }) => {
  let dir: string;
  let jest: Run;
  const title = `report by ${reporter}`;

  beforeAll(async () => {
    dir = writeProject(projectDir(installed, 'report'), suite(importLine));
    dirs.push(dir);
    mkdirSync(join(dir, '.tmp'), { recursive: true });
    const reporters = ['--reporters=default', `--reporters=${name}`];
    jest = await run(join(installed, 'node_modules/.bin/jest'), reporters, {
      cwd: dir,
      env: { QASE_MODE: 'report', TMPDIR: join(dir, '.tmp') },
      hide: /^JEST_/,
    });
  }, 120_000);

  it('is in build/qase-report: run.json, a file per result, the attachments', () => {
    const report = join(dir, 'build/qase-report');
    expect(existsSync(join(report, 'run.json')), jest.output).toBe(true);
    expect(readJson<{ stats: unknown }>(join(report, 'run.json')).stats).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(readdirSync(join(report, 'results'))).toHaveLength(3);
    expect(readdirSync(join(report, 'attachments'))).toHaveLength(2);
  });

  it('has a page: ours writes it and names it in the summary, `qase-reporters show` writes it for any report', async () => {
    const page = join(dir, 'build/qase-report/index.html');
    if (name === '@qase-reporters/jest') {
      expect(jest.stderr).toContain('qase: report: nothing was sent. 3 results (passed 1, failed 1, skipped 1) with 2 attachments written to build/qase-report');
      expect(jest.stderr).toContain('open build/qase-report/index.html to look at the results; send them with: npx @qase-reporters/cli upload build/qase-report');
      expect(existsSync(page)).toBe(true);
    } else {
      expect(existsSync(page)).toBe(false);
    }
    const shown = await cli(['show', 'build/qase-report'], dir, {});
    expect(shown.code, shown.output).toBe(0);
    expect(shown.stdout).toBe(`${page}\n`);
    expect(readFileSync(page, 'utf8')).toContain('"title":"applies a coupon"');
  });

  it.skipIf(!HAS_REPORT_SPEC)(`is valid against the Qase Report schemas (${REPORT_SPEC})`, () => {
    const report = join(dir, 'build/qase-report');
    // Ours writes no field the format lacks; the official reporter adds `tags`, which the format does not have.
    const { run: runSchema, result } = reportSchemas(name === '@qase-reporters/jest');
    expect(runSchema(readJson(join(report, 'run.json'))), JSON.stringify(runSchema.errors)).toBe(true);
    for (const file of readdirSync(join(report, 'results'))) {
      expect(result(readJson(join(report, 'results', file))), `${file}: ${JSON.stringify(result.errors)}`).toBe(true);
    }
  });

  it('is uploaded by qase-reporters upload into one completed run; a second upload stores nothing twice', async () => {
    const env = testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: title });
    const first = await cli(['upload', 'build/qase-report'], dir, env);
    expect(first.code, first.output).toBe(0);
    expect(first.stdout).toMatch(/build\/qase-report: 3 of 3 results delivered to run \d+ in \d+ requests, 0 retries; the run is complete\./);

    const second = await cli(['upload', 'build/qase-report'], dir, env);
    expect(second.code, second.output).toBe(0);
    expect(second.stdout).toContain('is already complete, so this folder was uploaded before; nothing was sent again.');

    const state = emulator().state();
    const runs = state.runs.filter((r) => r.title === title);
    expect(runs).toMatchObject([{ status: 'complete' }]);
    const stored = (state.results[runs[0]!.id] ?? []).map((r) => r.body as unknown as ResultBody);
    const ids = readdirSync(join(dir, 'build/qase-report/results')).map((file) => readJson<{ id: string }>(join(dir, 'build/qase-report/results', file)).id);
    expect(stored.map((r) => r.id).sort()).toEqual(ids.sort());
    expectStored(state, stored);
  });
});

/** What both reporters' reports carry for the suite, as the emulator stored it. */
function expectStored(state: EmulatorState, stored: ResultBody[]): void {
  expect(stored.map((r) => [r.title, r.execution.status]).sort()).toEqual([
    ['applies a coupon', 'failed'],
    ['pays with a card', 'skipped'],
    ['shows the total', 'passed'],
  ]);
  const total = one(stored, 'shows the total');
  expect(total.testops_ids).toEqual([12]);
  expect(total.steps?.[0]?.data).toEqual({ action: 'Open the cart', expected_result: 'The cart is shown', input_data: 'user=admin' });
  // Ours keeps the attachment on the step it was made in; the official reporter moves it to the result.
  const hashes = [...(total.attachments ?? []), ...(total.steps?.[0]?.execution.attachments ?? [])];
  expect(hashes).toHaveLength(1);
  expect(state.attachments.find((a) => a.hash === hashes[0])).toMatchObject({ mime: 'image/png', size: PNG.length / 2 });
  const coupon = one(stored, 'applies a coupon');
  expect(coupon.execution.stacktrace).toContain('expect(received).toBe(expected)');
  expect(state.attachments.find((a) => a.hash === coupon.attachments?.[0])).toMatchObject({ size: 'coupon log'.length });
}
