import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendStepSummary, formatStepSummary, type StepSummary } from '../src/step-summary';

const uploaded: StepSummary = {
  mode: 'testops',
  delivered: 12,
  byStatus: { passed: 9, failed: 2, skipped: 1 },
  deliveredByStatus: { passed: 9, failed: 2, skipped: 1 },
  runId: 7,
  runUrl: 'https://app.qase.io/run/DEMO/dashboard/7',
};

describe('formatStepSummary', () => {
  it.each<{ name: string; summary: StepSummary; env?: Record<string, string>; expected: string | undefined }>([
    {
      name: 'a complete upload: counts by status and the run link',
      summary: uploaded,
      expected: [
        '### Qase: 12 of 12 results delivered to run 7',
        '',
        '| passed | failed | skipped | total |',
        '| ---: | ---: | ---: | ---: |',
        '| 9 | 2 | 1 | 12 |',
        '',
        '[Open run 7 in Qase](https://app.qase.io/run/DEMO/dashboard/7)',
        '',
        '',
      ].join('\n'),
    },
    {
      name: 'several projects: the totals, then a line per project with its run link',
      summary: {
        mode: 'testops', delivered: 5, byStatus: { passed: 5 }, deliveredByStatus: { passed: 5 },
        projects: [
          { project: 'PROJ1', runId: 3, runUrl: 'https://app.qase.io/run/PROJ1/dashboard/3', written: 3, delivered: 3, byStatus: { passed: 3 }, deliveredByStatus: { passed: 3 } },
          { project: 'PROJ2', runId: 4, runUrl: 'https://app.qase.io/run/PROJ2/dashboard/4', written: 2, delivered: 2, byStatus: { passed: 2 }, deliveredByStatus: { passed: 2 } },
        ],
      },
      expected: [
        '### Qase: 5 of 5 results delivered to 2 projects',
        '',
        '| passed | total |',
        '| ---: | ---: |',
        '| 5 | 5 |',
        '',
        '- PROJ1: 3 of 3 results delivered: [run 3](https://app.qase.io/run/PROJ1/dashboard/3)',
        '- PROJ2: 2 of 2 results delivered: [run 4](https://app.qase.io/run/PROJ2/dashboard/4)',
        '',
        '',
      ].join('\n'),
    },
    {
      name: 'results left behind: which were delivered, where the rest are and how to send them, relative to the workspace',
      summary: { ...uploaded, delivered: 10, deliveredByStatus: { passed: 9, failed: 1 }, folder: '/home/runner/work/shop/shop/.qase/outbox/20261128-215326-4242' },
      env: { GITHUB_WORKSPACE: '/home/runner/work/shop/shop' },
      expected: [
        '### Qase: 10 of 12 results delivered to run 7',
        '',
        '|  | passed | failed | skipped | total |',
        '| --- | ---: | ---: | ---: | ---: |',
        '| delivered | 9 | 1 | 0 | 10 |',
        '| not delivered | 0 | 1 | 1 | 2 |',
        '',
        '[Open run 7 in Qase](https://app.qase.io/run/DEMO/dashboard/7)',
        '',
        '⚠️ 2 results were not delivered. They are kept in `.qase/outbox/20261128-215326-4242`; ' +
          'send them with `npx @qase-reporters/cli upload .qase/outbox/20261128-215326-4242`.',
        '',
        '',
      ].join('\n'),
    },
    {
      name: 'a run that could not be created, a custom status with a pipe in it',
      summary: { mode: 'testops', delivered: 0, byStatus: { 'to|do': 1 }, deliveredByStatus: {} },
      expected: [
        '### Qase: 0 of 1 results delivered',
        '',
        '|  | to\\|do | total |',
        '| --- | ---: | ---: |',
        '| delivered | 0 | 0 |',
        '| not delivered | 1 | 1 |',
        '',
        '⚠️ 1 results were not delivered; the job log says why.',
        '',
        '',
      ].join('\n'),
    },
    {
      name: 'a dry run',
      summary: { mode: 'dry-run', delivered: 3, byStatus: { passed: 3 }, deliveredByStatus: { passed: 3 }, folder: 'qase-dry-run' },
      expected: [
        '### Qase dry run: 3 results written, nothing sent',
        '',
        '| passed | total |',
        '| ---: | ---: |',
        '| 3 | 3 |',
        '',
        'The request bodies are in `qase-dry-run`; send them with `npx @qase-reporters/cli upload qase-dry-run`.',
        '',
        '',
      ].join('\n'),
    },
    {
      name: 'a report',
      summary: { mode: 'report', delivered: 2, byStatus: { passed: 1, failed: 1 }, deliveredByStatus: { passed: 1, failed: 1 }, folder: 'build/qase-report' },
      expected: [
        '### Qase report: 2 results written, nothing sent',
        '',
        '| passed | failed | total |',
        '| ---: | ---: | ---: |',
        '| 1 | 1 | 2 |',
        '',
        'The report is in `build/qase-report`; send it with `npx @qase-reporters/cli upload build/qase-report`.',
        '',
        '',
      ].join('\n'),
    },
    {
      name: 'a run without results',
      summary: { mode: 'testops', delivered: 0, byStatus: {}, deliveredByStatus: {}, runId: 8 },
      expected: '### Qase: 0 of 0 results delivered to run 8\n\n',
    },
    { name: 'a reporter that was off', summary: { mode: 'off', delivered: 0, byStatus: {}, deliveredByStatus: {} }, expected: undefined },
  ])('$name', ({ summary, env, expected }) => {
    expect(formatStepSummary(summary, env ?? {})).toBe(expected);
  });
});

describe('appendStepSummary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qase-ci-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('appends to $GITHUB_STEP_SUMMARY on GitHub Actions, after what other steps wrote', () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# Tests\n');
    appendStepSummary({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file }, uploaded, () => expect.fail('no warning expected'));
    expect(readFileSync(file, 'utf8')).toBe(`# Tests\n${formatStepSummary(uploaded, {})}`);
  });

  it('writes nothing outside GitHub Actions', () => {
    const file = join(dir, 'elsewhere.md');
    appendStepSummary({ GITLAB_CI: 'true', GITHUB_STEP_SUMMARY: file }, uploaded, () => expect.fail('no warning expected'));
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  it('warns instead of throwing when the file cannot be written', () => {
    const warnings: string[] = [];
    appendStepSummary({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: dir }, uploaded, (line) => warnings.push(line));
    expect(warnings).toEqual([`could not add the results to the GitHub step summary ${dir} (EISDIR).`]);
  });
});
