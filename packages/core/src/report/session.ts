import { relative, resolve } from 'node:path';
import { defaultRunText } from '../ci';
import { wallClockMs } from '../clock';
import type { Config } from '../config';
import { toResultBody } from '../mapping';
import type { TestResult } from '../model';
import type { Output } from '../output';
import { appendStepSummary } from '../step-summary';
import { formatSummary, type UploadSummary } from '../summary';
import { writePage } from './page';
import { createReportWriter } from './write';

/**
 * Report mode: each result is written to the Qase Report in the configured folder as it arrives, with its
 * attachments copied beside it; the end writes `run.json` and the page, and prints where they are. Nothing is sent.
 */
// Returns a Collector (collector.ts) by shape: naming the type would import collector.ts, which imports this.
export function createReportSession(config: Config, framework: string, cwd: string, env: NodeJS.ProcessEnv, output: Output) {
  const createdAt = wallClockMs();
  const dir = resolve(cwd, config.report.path);
  const writer = createReportWriter({ dir, shownDir: config.report.path, format: config.report.format === 'jsonp' ? 'jsonp' : 'json', warn: output.warn });
  const byStatus: Record<string, number> = {};
  let startedAtMs: number | undefined;
  let total = 0;
  let written = 0;
  let attachments = 0;

  function startRun(start: { startedAtMs?: number } = {}): void {
    startedAtMs ??= Math.min(start.startedAtMs ?? wallClockMs(), wallClockMs());
  }

  function add(result: TestResult): void {
    try {
      startRun();
      total++;
      const body = toResultBody(result, {
        config,
        attachmentRef: (attachment) => {
          const ref = writer.attachmentRef(attachment);
          if (ref !== undefined) attachments++;
          return ref;
        },
      });
      if (!body) return;
      writer.writeResult(body);
      byStatus[body.execution.status] = (byStatus[body.execution.status] ?? 0) + 1;
      written++;
    } catch (error) {
      output.errorOnce(`could not write result "${result.title}" to the report: ${(error as Error).message}`);
    }
  }

  async function end(): Promise<UploadSummary> {
    startRun();
    const summary: UploadSummary = {
      mode: 'report',
      total,
      delivered: written,
      byStatus,
      deliveredByStatus: { ...byStatus },
      requests: 0,
      retries: 0,
      durationMs: wallClockMs() - createdAt,
      folder: dir,
    };
    try {
      const title = config.testops.run.title ?? defaultRunText(env, startedAtMs!, framework).title;
      writer.writeRun({ title, startMs: startedAtMs!, endMs: wallClockMs(), environment: config.environment, framework });
      summary.page = writePage(dir);
    } catch (error) {
      output.errorOnce(`could not finish the report in ${dir}: ${(error as Error).message}`);
    }
    const details = {
      written,
      filtered: total - written,
      refused: 0,
      refusedByStatus: {},
      attachments,
      attachmentBytes: undefined,
      timedOut: false,
      stoppedBy: undefined,
      runTitle: undefined,
      publicUrl: undefined,
      folder: relative(cwd, dir) || '.',
      page: summary.page && relative(cwd, summary.page),
    };
    for (const line of formatSummary(summary, details)) output.info(line);
    appendStepSummary(env, summary, output.warn);
    return summary;
  }

  return { config, startRun, add, end };
}
