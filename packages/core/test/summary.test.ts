import { describe, expect, it } from 'vitest';
import type { ProjectReport } from '../src/project-run';
import { formatSummary, summarize, type SessionFacts } from '../src/summary';

const report = (project: string, runId: number | undefined, written: number, delivered: number, extra: Partial<ProjectReport> = {}): ProjectReport => ({
  project, runId, runUrl: runId === undefined ? undefined : `https://app.qase.io/run/${project}/dashboard/${runId}`, runTitle: 'Nightly',
  byStatus: { passed: written }, written, delivered, deliveredByStatus: { passed: delivered }, refused: 0, refusedByStatus: {},
  stoppedBy: undefined, publicUrl: undefined, completed: delivered === written, ...extra,
});

const facts: SessionFacts = {
  mode: 'testops', total: 30, filtered: 0, attachments: 0, attachmentBytes: undefined, requests: 4, retries: 0, durationMs: 1200,
  timedOut: false, folder: undefined, page: undefined, cwd: '/work',
};

describe('the summary of one or several projects', () => {
  it('one project: its run at the top, as in mode testops', () => {
    const { summary, details } = summarize([report('DEMO', 3, 30, 30)], facts);
    expect(summary).toMatchObject({ delivered: 30, runId: 3, runUrl: 'https://app.qase.io/run/DEMO/dashboard/3' });
    expect(summary.projects).toBeUndefined();
    expect(formatSummary(summary, details)).toEqual([
      '30 of 30 results delivered to run 3 (passed 30) in 4 requests, 0 retries, 1.2 s.',
      'run: https://app.qase.io/run/DEMO/dashboard/3',
    ]);
  });

  it('several projects: the totals, a line per project with its link, and what was kept and how to send it', () => {
    const reports = [report('PROJ1', 3, 20, 20, { publicUrl: 'https://app.qase.io/public/report/abc' }), report('PROJ2', undefined, 20, 0)];
    const { summary, details } = summarize(reports, { ...facts, folder: '/work/.qase/outbox/s' });
    expect(summary).toMatchObject({ total: 30, delivered: 20, byStatus: { passed: 40 }, runId: undefined });
    expect(formatSummary(summary, details)).toEqual([
      '20 of 40 results delivered to 2 projects (passed 20) in 4 requests, 0 retries, 1.2 s.',
      'PROJ1: 20 of 20 results delivered to run 3: https://app.qase.io/run/PROJ1/dashboard/3',
      'PROJ1 public report: https://app.qase.io/public/report/abc',
      'PROJ2: 0 of 20 results delivered; its run was not created',
      '20 results were not delivered (passed 20): the API was unavailable.',
      'they are kept in .qase/outbox/s; send them with: npx @qase-reporters/cli upload .qase/outbox/s',
    ]);
  });

  it('a dry run of several projects: what each would get', () => {
    const { summary, details } = summarize([report('PROJ1', undefined, 2, 2), report('PROJ2', undefined, 1, 1)], { ...facts, mode: 'dry-run', total: 2, attachmentBytes: 0 });
    expect(formatSummary(summary, details)).toEqual([
      'dry run: nothing was sent. 3 results (passed 3) sent in 4 requests, with 0 attachments (0 KB).',
      'PROJ1: 2 results (passed 2), for a run "Nightly" that would be created.',
      'PROJ2: 1 result (passed 1), for a run "Nightly" that would be created.',
    ]);
  });
});
