import { appendFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { value, type Env } from './ci';
import { cliCommand } from './command';
import { terminalSafe } from './output';
import { notDelivered, type UploadSummary } from './summary';

/** What the GitHub step summary reports: an UploadSummary, or the part of it that matters here. */
export type StepSummary = Pick<UploadSummary, 'mode' | 'delivered' | 'byStatus' | 'deliveredByStatus' | 'runId' | 'runUrl' | 'folder' | 'projects'>;

/**
 * Markdown for the job's summary page: how many results went where, a table by status, the run link and, when
 * results were left behind, the command that sends them. Undefined when the reporter was off.
 */
export function formatStepSummary(summary: StepSummary, env: Env): string | undefined {
  if (summary.mode === 'off') return undefined;
  const statuses = Object.entries(summary.byStatus);
  const written = statuses.reduce((sum, [, n]) => sum + n, 0);
  const folder = summary.folder && shownPath(summary.folder, value(env, 'GITHUB_WORKSPACE'));
  const lines =
    summary.mode === 'dry-run' || summary.mode === 'report'
      ? [`### Qase ${summary.mode === 'report' ? 'report' : 'dry run'}: ${written} results written, nothing sent`]
      : [`### Qase: ${summary.delivered} of ${written} results delivered${summary.projects ? ` to ${summary.projects.length} projects`
        : summary.runId === undefined ? '' : ` to run ${summary.runId}`}`];
  const left = written - summary.delivered;
  if (statuses.length > 0) {
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    const row = (counts: Record<string, number>) =>
      `${statuses.map(([status]) => counts[status] ?? 0).join(' | ')} | ${statuses.reduce((sum, [status]) => sum + (counts[status] ?? 0), 0)}`;
    // When some results stayed behind, the counts say which were delivered and which were not.
    const split = summary.mode === 'testops' && left > 0;
    lines.push(
      '',
      `| ${split ? ' | ' : ''}${statuses.map(([status]) => cell(status)).join(' | ')} | total |`,
      `|${split ? ' --- |' : ''}${' ---: |'.repeat(statuses.length + 1)}`,
      ...(split
        ? [`| delivered | ${row(summary.deliveredByStatus)} |`, `| not delivered | ${row(notDelivered(summary))} |`]
        : [`| ${row(summary.byStatus)} |`]),
    );
  }
  if (summary.runUrl) lines.push('', `[Open run ${summary.runId} in Qase](${summary.runUrl})`);
  // Several projects: a line each, with its run's link.
  if (summary.projects) lines.push('');
  for (const p of summary.projects ?? []) {
    const counts = summary.mode === 'testops' ? `${p.delivered} of ${p.written} results delivered` : `${p.written} results written`;
    const run = p.runUrl ? `: [run ${p.runId}](${p.runUrl})` : '';
    lines.push(`- ${p.project}: ${counts}${run}`);
  }
  if ((summary.mode === 'dry-run' || summary.mode === 'report') && folder) {
    const what = summary.mode === 'report' ? 'The report is' : 'The request bodies are';
    lines.push('', `${what} in \`${folder}\`; send ${summary.mode === 'report' ? 'it' : 'them'} with \`${cliCommand('upload', folder)}\`.`);
  }
  if (summary.mode === 'testops' && left > 0) {
    lines.push('', folder
      ? `⚠️ ${left} results were not delivered. They are kept in \`${folder}\`; send them with \`${cliCommand('upload', folder)}\`.`
      : `⚠️ ${left} results were not delivered; the job log says why.`);
  }
  // Run titles, folders and statuses can come from a test or a crafted folder; the log viewer renders them.
  return `${lines.map(terminalSafe).join('\n')}\n\n`;
}

/**
 * On GitHub Actions, appends the results to the job's summary page (`$GITHUB_STEP_SUMMARY`); elsewhere does
 * nothing. A summary that cannot be written is reported through `warn`, never thrown: it must not fail the tests.
 */
export function appendStepSummary(env: Env, summary: StepSummary, warn: (line: string) => void): void {
  const file = value(env, 'GITHUB_STEP_SUMMARY');
  if (env.GITHUB_ACTIONS !== 'true' || !file) return;
  const markdown = formatStepSummary(summary, env);
  if (!markdown) return;
  try {
    appendFileSync(file, markdown);
  } catch (error) {
    warn(`could not add the results to the GitHub step summary ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
}

/** A path inside the workspace is shown relative to it, as the user would type it in a workflow step. */
function shownPath(path: string, workspace: string | undefined): string {
  if (!workspace || !isAbsolute(path)) return path;
  const inside = relative(workspace, path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
