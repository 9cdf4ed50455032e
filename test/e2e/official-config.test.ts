// The configurations the official Qase reporters document, as a user switching to ours keeps them: the real Jest
// CLI with our reporter, into the emulator. Nothing in them may switch uploading off or change a test's outcome.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, emulatorFor, run, tempDir, testopsEnv, titlesOf, writeProject } from './harness';
import type { Files, ResultBody, Run } from './harness';

const TMP = tempDir('official-config');
const emulator = emulatorFor();

const SUITE: Files = {
  'cart.test.js': `
describe('Cart', () => {
  test('shows a hint', () => {});
  test('has no total', () => { expect(1).toBe(2); });
  test.skip('pays with a card', () => {});
});
`,
};

// jest-qase-reporter's documented reporter options, with the keys every official reporter accepts.
const REPORTER_OPTIONS = {
  mode: 'testops',
  debug: false,
  testops: { api: { token: '<token>' }, project: 'project_code', uploadAttachments: true, run: { complete: true } },
  profilers: ['network'],
  networkProfiler: { skip_domains: ['analytics.example.com'], track_on_fail: true },
};

function project(name: string, qaseConfig: unknown, reporterOptions: unknown = REPORTER_OPTIONS): string {
  const reporters = reporterOptions === undefined ? "['default']" : `['default', ['@qase-reporters/jest', ${JSON.stringify(reporterOptions)}]]`;
  return writeProject(join(TMP, name), {
    ...SUITE,
    'jest.config.js': `module.exports = { reporters: ${reporters}, transform: {}, cacheDirectory: '.jest-cache' };\n`,
    ...(qaseConfig === undefined ? {} : { 'qase.config.json': JSON.stringify(qaseConfig, null, 2) }),
  });
}

function jest(dir: string, env: Record<string, string>): Promise<Run> {
  mkdirSync(join(dir, '.tmp'), { recursive: true });
  return run(bin('jest'), [], { cwd: dir, env: { TMPDIR: join(dir, '.tmp'), ...env }, hide: /^JEST_/ });
}

function stored(title: string): ResultBody[] {
  const state = emulator().state();
  const found = state.runs.find((r) => r.title === title);
  expect(found, `no run titled "${title}"`).toBeDefined();
  return (state.results[found!.id] ?? []).map((r) => r.body as unknown as ResultBody);
}

describe('official configurations, with Jest', () => {
  it("the commons README's qase.config.json, placeholders overridden by variables: sent as it asks, outcome unchanged", async () => {
    const without = await jest(project('without', undefined, undefined), {});
    const dir = project('commons-readme', {
      mode: 'testops',
      fallback: 'report',
      debug: false,
      environment: 'local',
      captureLogs: false,
      statusMapping: { invalid: 'failed', skipped: 'passed' },
      logging: { console: true, file: true },
      report: { driver: 'local', connection: { local: { path: './build/qase-report', format: 'jsonp' } } },
      testops: {
        api: { token: '<token>', host: 'qase.io', enterprise: false },
        run: { title: 'Regress run', description: 'Regress run description', complete: true, tags: ['tag1', 'tag2'] },
        defect: false,
        project: '<project_code>',
        uploadAttachments: true,
        showPublicReportLink: true,
        statusFilter: ['skipped'],
        batch: { size: 100 },
      },
      // Keys of the other official reporters (Playwright's, Mocha's) and of the multi-project mode: accepted.
      framework: { browser: { addAsParameter: true, parameterName: 'Browser' }, markAsFlaky: true },
      extraReporters: 'spec',
      testops_multi: { projects: [{ code: 'DEMO' }] },
    });
    const ours = await jest(dir, testopsEnv(emulator(), { QASE_MODE: '' }));
    expect(ours.code, ours.output).toBe(without.code);
    expect(ours.code).toBe(1);
    expect(ours.output).not.toContain('Nothing is sent');
    const results = stored('Regress run');
    // skipped is mapped to passed, so the filter of skipped leaves out nothing.
    expect(titlesOf(results)).toEqual([['has no total', 'failed'], ['pays with a card', 'passed'], ['shows a hint', 'passed']]);
    expect(emulator().state().runs.find((r) => r.title === 'Regress run')).toMatchObject({ status: 'complete', public: true });
  });

  it('the commons multi-project example sends tests that name no project to the default project', async () => {
    const dir = project('multi', {
      mode: 'testops_multi',
      testops: { api: { token: '<token>' }, batch: { size: 100 } },
      testops_multi: {
        default_project: 'DEMO',
        projects: [
          { code: 'DEMO', run: { title: 'DEMO Multi-Project Run', complete: true }, environment: 'staging' },
          { code: 'PROJ2', run: { title: 'PROJ2 Multi-Project Run', complete: true }, environment: 'production' },
        ],
      },
    });
    const env = testopsEnv(emulator(), { QASE_MODE: '', QASE_TESTOPS_PROJECT: '' });
    const ours = await jest(dir, env);
    expect(ours.code, ours.output).toBe(1);
    expect(titlesOf(stored('DEMO Multi-Project Run'))).toHaveLength(3);
    // No test names PROJ2, so it gets no run.
    expect(emulator().state().runs.map((r) => r.project)).not.toContain('PROJ2');
  });
});
