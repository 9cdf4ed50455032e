import { relative } from 'node:path';
import { cliCommand } from './command';
import type { Mode } from './config';
import type { ProjectReport } from './project-run';

/** What `collector.end()` resolves with. */
export interface UploadSummary {
  mode: Mode;
  /** Results handed to `add`, after `ignore` but before the status filter. */
  total: number;
  /** Confirmed by the API (or written, in a dry run). */
  delivered: number;
  /** Statuses of the results kept (written to the outbox or the dry-run folder), delivered or not. */
  byStatus: Record<string, number>;
  /** Statuses of the results delivered. */
  deliveredByStatus: Record<string, number>;
  requests: number;
  retries: number;
  durationMs: number;
  runId?: number;
  runUrl?: string;
  /** Folder holding what was not delivered, or the report's or the dry run's output. */
  folder?: string;
  /** The page showing a report or a dry run (`index.html` in its folder). */
  page?: string;
  /** Mode testops_multi with several projects: each project's run; the counts above add theirs up. */
  projects?: ProjectSummary[];
}

/** One project's line of the summary. */
export type ProjectSummary = Pick<ProjectReport, 'project' | 'runId' | 'runUrl' | 'written' | 'delivered' | 'byStatus' | 'deliveredByStatus'>;

export interface SummaryDetails {
  /** Results written to the outbox (or the dry-run folder) after the status filter; a copy per project. */
  written: number;
  /** Results the status filter left out. */
  filtered: number;
  refused: number;
  /** Statuses of the results the API refused for good. */
  refusedByStatus: Record<string, number>;
  timedOut: boolean;
  /** Attachments referenced by the results written. */
  attachments: number;
  /** Size of the attachment files a dry run wrote. */
  attachmentBytes: number | undefined;
  /** The API error that stopped all sending, if one did. */
  stoppedBy: string | undefined;
  /** Title of the run this process creates (or, in a dry run, would create). */
  runTitle: string | undefined;
  publicUrl: string | undefined;
  /** Several projects: each one's run title and public link, by project. */
  projects?: Pick<ProjectReport, 'project' | 'runTitle' | 'publicUrl'>[];
  /** The folder relative to the working directory. */
  folder: string | undefined;
  /** The page showing a report or a dry run, relative to the working directory. */
  page: string | undefined;
}

/** What a session knows at its end besides what its projects' runs report. */
export interface SessionFacts {
  mode: Mode;
  total: number;
  filtered: number;
  attachments: number;
  attachmentBytes: number | undefined;
  requests: number;
  retries: number;
  durationMs: number;
  timedOut: boolean;
  /** The folder kept (what was not delivered, or the dry run). */
  folder: string | undefined;
  page: string | undefined;
  /** Paths are shown relative to it. */
  cwd: string;
}

/** The summary of a session from what each project's run reports: one project's as before, several added up. */
export function summarize(reports: readonly ProjectReport[], f: SessionFacts): { summary: UploadSummary; details: SummaryDetails } {
  const one = reports.length === 1 ? reports[0] : undefined;
  const sum = (pick: (r: ProjectReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  const stopped = reports.map((r) => r.stoppedBy).filter((m) => m !== undefined);
  const summary: UploadSummary = {
    mode: f.mode,
    total: f.total,
    delivered: sum((r) => r.delivered),
    byStatus: addUp(reports.map((r) => r.byStatus)),
    deliveredByStatus: addUp(reports.map((r) => r.deliveredByStatus)),
    requests: f.requests,
    retries: f.retries,
    durationMs: f.durationMs,
    runId: one?.runId,
    runUrl: one?.runUrl,
    folder: f.folder,
    page: f.page,
    ...(one ? {} : {
      projects: reports.map(({ project, runId, runUrl, written, delivered, byStatus, deliveredByStatus }) =>
        ({ project, runId, runUrl, written, delivered, byStatus, deliveredByStatus })),
    }),
  };
  const details: SummaryDetails = {
    written: sum((r) => r.written),
    filtered: f.filtered,
    refused: sum((r) => r.refused),
    refusedByStatus: addUp(reports.map((r) => r.refusedByStatus)),
    attachments: f.attachments,
    attachmentBytes: f.attachmentBytes,
    timedOut: f.timedOut,
    stoppedBy: stopped[0],
    runTitle: one?.runTitle,
    publicUrl: one?.publicUrl,
    ...(one ? {} : { projects: reports.map(({ project, runTitle, publicUrl }) => ({ project, runTitle, publicUrl })) }),
    folder: f.folder && relative(f.cwd, f.folder),
    page: f.page && relative(f.cwd, f.page),
  };
  return { summary, details };
}

/** Counts by status, added up. */
export function addUp(counts: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const byStatus of counts) for (const [status, n] of Object.entries(byStatus)) total[status] = (total[status] ?? 0) + n;
  return total;
}

/** The block printed at the end of a run: what was sent, where it went, and what to do about the rest. */
export function formatSummary(s: UploadSummary, d: SummaryDetails): string[] {
  const { filtered } = d;
  const counted = (byStatus: Record<string, number>) => `${statusList(byStatus)}${filtered > 0 ? `; ${filtered} left out by the status filter` : ''}`;
  const time = `${(s.durationMs / 1000).toFixed(1)} s`;
  const page = d.page ? `open ${d.page} to look at the results; ` : '';
  if (s.mode === 'report') {
    const lines = [
      `report: nothing was sent. ${plural(s.delivered, 'result')} (${counted(s.byStatus)}) with ${plural(d.attachments, 'attachment')} ` +
        `written to ${d.folder} in ${time}.`,
    ];
    if (d.folder) lines.push(`${page}send them with: ${cliCommand('upload', d.folder)}`);
    return lines;
  }
  if (s.mode === 'dry-run') {
    const lines = [
      `dry run: nothing was sent. ${d.runTitle ? `A run "${d.runTitle}" would be created and ` : ''}` +
        `${plural(s.delivered, 'result')} (${counted(s.byStatus)}) sent in ${plural(s.requests, 'request')}, ` +
        `with ${plural(d.attachments, 'attachment')} (${size(d.attachmentBytes ?? 0)}).`,
    ];
    for (const p of s.projects ?? []) {
      const title = d.projects?.find((q) => q.project === p.project)?.runTitle;
      lines.push(`${p.project}: ${plural(p.written, 'result')} (${statusList(p.byStatus)})${title ? `, for a run "${title}" that would be created` : ''}.`);
    }
    if (d.folder) lines.push(`the request bodies and attachments are in ${d.folder}; ${page}send them with: ${cliCommand('upload', d.folder)}`);
    return lines;
  }
  const to = s.projects ? ` to ${s.projects.length} projects` : s.runId !== undefined ? ` to run ${s.runId}` : '';
  const lines = [
    `${s.delivered} of ${plural(d.written, 'result')} delivered${to} ` +
      `(${counted(s.deliveredByStatus)}) in ${plural(s.requests, 'request')}, ${plural(s.retries, 'retry', 'retries')}, ${time}.`,
  ];
  if (s.runUrl) lines.push(`run: ${s.runUrl}`);
  if (d.publicUrl) lines.push(`public report: ${d.publicUrl}`);
  // One line per project: what went there, and where to see it.
  for (const p of s.projects ?? []) {
    const run = p.runId === undefined ? '; its run was not created' : ` to run ${p.runId}${p.runUrl ? `: ${p.runUrl}` : ''}`;
    lines.push(`${p.project}: ${p.delivered} of ${plural(p.written, 'result')} delivered${run}`);
    const publicUrl = d.projects?.find((q) => q.project === p.project)?.publicUrl;
    if (publicUrl) lines.push(`${p.project} public report: ${publicUrl}`);
  }
  if (d.refused > 0) lines.push(`${plural(d.refused, 'result was', 'results were')} refused by the API (named above) and will not be sent.`);
  const left = d.written - s.delivered - d.refused;
  if (left > 0 && d.folder) {
    // The error itself was printed when it happened; here only what it means for the results.
    const why = d.stoppedBy ? 'sending stopped on the error above'
      : d.timedOut ? 'the upload deadline passed (QASE_TESTOPS_DEADLINE_MS)'
      : 'the API was unavailable';
    const waiting = notDelivered(s, d.refusedByStatus);
    lines.push(`${plural(left, 'result was', 'results were')} not delivered (${statusList(waiting)}): ${why}.`);
    lines.push(`they are kept in ${d.folder}; send them with: ${cliCommand('upload', d.folder)}`);
  }
  return lines;
}

function statusList(byStatus: Record<string, number>): string {
  return Object.entries(byStatus).filter(([, n]) => n > 0).map(([status, n]) => `${status} ${n}`).join(', ') || 'none';
}

/** Statuses of the results kept but neither delivered nor, when `refused` is given, refused. */
export function notDelivered(s: Pick<UploadSummary, 'byStatus' | 'deliveredByStatus'>, refused: Record<string, number> = {}): Record<string, number> {
  return Object.fromEntries(Object.entries(s.byStatus).map(([status, n]) => [status, n - (s.deliveredByStatus[status] ?? 0) - (refused[status] ?? 0)]));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function size(bytes: number): string {
  return bytes < 1024 ** 2 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
