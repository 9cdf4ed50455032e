import { cliCommand } from './command';
import type { Mode } from './config';

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
  /** Folder holding what was not delivered, or the dry run's output. */
  folder?: string;
}

export interface SummaryDetails {
  /** Results written to the outbox (or the dry-run folder) after the status filter. */
  written: number;
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
  /** The folder relative to the working directory. */
  folder: string | undefined;
}

/** The block printed at the end of a run: what was sent, where it went, and what to do about the rest. */
export function formatSummary(s: UploadSummary, d: SummaryDetails): string[] {
  const filtered = s.total - d.written;
  const counted = (byStatus: Record<string, number>) => `${statusList(byStatus)}${filtered > 0 ? `; ${filtered} left out by the status filter` : ''}`;
  const time = `${(s.durationMs / 1000).toFixed(1)} s`;
  if (s.mode === 'dry-run' || s.mode === 'report') {
    const lines = [
      `dry run: nothing was sent. ${d.runTitle ? `A run "${d.runTitle}" would be created and ` : ''}` +
        `${plural(s.delivered, 'result')} (${counted(s.byStatus)}) sent in ${plural(s.requests, 'request')}, ` +
        `with ${plural(d.attachments, 'attachment')} (${size(d.attachmentBytes ?? 0)}).`,
    ];
    if (d.folder) lines.push(`the request bodies and attachments are in ${d.folder}; send them with: ${cliCommand('upload', d.folder)}`);
    return lines;
  }
  const lines = [
    `${s.delivered} of ${plural(d.written, 'result')} delivered${s.runId !== undefined ? ` to run ${s.runId}` : ''} ` +
      `(${counted(s.deliveredByStatus)}) in ${plural(s.requests, 'request')}, ${plural(s.retries, 'retry', 'retries')}, ${time}.`,
  ];
  if (s.runUrl) lines.push(`run: ${s.runUrl}`);
  if (d.publicUrl) lines.push(`public report: ${d.publicUrl}`);
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
