import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, hostname, platform, release, version } from 'node:os';
import { basename, join } from 'node:path';
import type { ResultBody, StepBody } from '../api-types';
import { safeName } from '../attachments';
import { withExtension } from '../content-type';
import { ConfigError } from '../errors';
import type { Attachment } from '../model';
import { encode, type ReportAttachment, type ReportFormat, type ReportResult, type ReportRun, type ReportStep } from './format';

export interface ReportWriterOptions {
  /** The report folder, absolute. */
  dir: string;
  /** The folder as configured (`build/qase-report`): attachment paths start with it, as the official writer's do. */
  shownDir: string;
  format: ReportFormat;
  warn(line: string): void;
}

export interface RunInfo {
  title: string;
  startMs: number;
  endMs: number;
  environment: string | undefined;
  framework: string;
}

/**
 * Writes a Qase Report as results arrive: each attachment is copied into `attachments/` when its result is mapped,
 * each result is written to `results/<id>.json` at once (so a killed process leaves every finished result), and
 * `run.json`, which sums them up, at the end.
 */
export interface ReportWriter {
  /** For `toResultBody`: copies the attachment into the report; the reference names it in `writeResult`. */
  attachmentRef(attachment: Attachment): string | undefined;
  writeResult(body: ResultBody): void;
  writeRun(info: RunInfo): void;
}

export function createReportWriter(options: ReportWriterOptions): ReportWriter {
  const { dir, format } = options;
  prepareReportFolder(dir);
  mkdirSync(join(dir, 'results'), { recursive: true });
  const attachments = new Map<string, ReportAttachment>();
  const results: ReportRun['results'] = [];
  const stats = { total: 0, passed: 0, failed: 0, skipped: 0, blocked: 0, invalid: 0, muted: 0 };
  const suites = new Set<string>();
  const threads = new Set<string>();
  let cumulativeMs = 0;

  function attachmentRef(attachment: Attachment): string | undefined {
    const id = randomUUID();
    const source = attachment.path;
    const name = safeName(source === undefined ? withExtension(attachment.name, attachment.contentType) : basename(source));
    const file = `${id}-${name}`;
    const path = join(dir, 'attachments', file);
    try {
      if (source !== undefined && !statSync(source).isFile()) {
        options.warn(`attachment ${source} is not a file; not in the report. Attach the files in it one by one.`);
        return undefined;
      }
      mkdirSync(join(dir, 'attachments'), { recursive: true });
      if (source === undefined) writeFileSync(path, attachment.content ?? '');
      else copyFileSync(source, path);
    } catch (error) {
      options.warn(`attachment ${source ?? attachment.name} could not be copied into the report (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      return undefined;
    }
    const ref = join('attachments', file);
    attachments.set(ref, { id, file_name: name, mime_type: attachment.contentType, file_path: join(options.shownDir, ref) });
    return ref;
  }

  function writeResult(body: ResultBody): void {
    const result = toReportResult(body, (refs) => (refs ?? []).flatMap((ref) => attachments.get(ref) ?? []));
    writeFileSync(join(dir, 'results', `${safeName(result.id)}.${format}`), encode(result, format));
    const status = result.execution.status;
    stats.total++;
    if (Object.hasOwn(stats, status) && status !== 'total' && status !== 'muted') stats[status as keyof typeof stats]++;
    cumulativeMs += result.execution.duration ?? 0;
    results.push({ id: result.id, title: result.title, status, duration: result.execution.duration ?? 0, thread: result.execution.thread });
    const suite = result.relations?.suite.data.map((s) => s.title).join('\t');
    if (suite) suites.add(suite);
    if (result.execution.thread) threads.add(result.execution.thread);
  }

  function writeRun(info: RunInfo): void {
    const run: ReportRun = {
      title: info.title,
      execution: {
        start_time: info.startMs / 1000,
        end_time: info.endMs / 1000,
        duration: Math.max(0, Math.round(info.endMs - info.startMs)),
        cumulative_duration: cumulativeMs,
      },
      stats,
      results,
      threads: [...threads],
      suites: [...suites],
      environment: info.environment ?? null,
      host_data: hostData(info.framework),
    };
    writeFileSync(join(dir, `run.${format}`), encode(run, format));
  }

  return { attachmentRef, writeResult, writeRun };
}

/** The report's record of a mapped result: the same fields, with attachments described instead of referenced. */
function toReportResult(body: ResultBody, describe: (refs: string[] | undefined) => ReportAttachment[]): ReportResult {
  const { execution } = body;
  return {
    id: body.id,
    title: body.title,
    signature: body.signature ?? null,
    execution: {
      status: execution.status,
      start_time: execution.start_time ?? null,
      end_time: execution.end_time ?? null,
      duration: execution.duration ?? null,
      stacktrace: execution.stacktrace ?? null,
      ...(execution.error_context ? { error_context: execution.error_context } : {}),
      thread: execution.thread ?? null,
    },
    fields: body.fields ?? {},
    attachments: describe(body.attachments),
    steps: (body.steps ?? []).map((step) => toReportStep(step, null, describe)),
    params: body.params ?? {},
    param_groups: body.param_groups ?? [],
    testops_ids: body.testops_ids ?? null,
    relations: body.relations
      ? { suite: { data: body.relations.suite.data.map((s) => ({ title: s.title, public_id: s.public_id ?? null })) } }
      : null,
    muted: false,
    message: body.message ?? null,
  };
}

function toReportStep(step: StepBody, parentId: string | null, describe: (refs: string[] | undefined) => ReportAttachment[]): ReportStep {
  const id = randomUUID();
  return {
    id,
    step_type: 'text',
    data: { action: step.data.action, expected_result: step.data.expected_result ?? null, input_data: step.data.input_data ?? null },
    parent_id: parentId,
    execution: {
      status: step.execution.status,
      start_time: step.execution.start_time ?? null,
      end_time: step.execution.end_time ?? null,
      duration: step.execution.duration ?? null,
      attachments: describe(step.execution.attachments),
    },
    steps: (step.steps ?? []).map((child) => toReportStep(child, id, describe)),
  };
}

function hostData(framework: string): Record<string, string> {
  return {
    system: platform(),
    machineName: hostname(),
    release: release(),
    version: version(),
    arch: arch(),
    language: process.version,
    framework,
    reporter: '@qase-reporters/core',
  };
}

/**
 * A report is written into a fresh folder each time. Only a folder a report or a dry run wrote, or an empty one,
 * is cleared: the path is configurable, and a typo must not delete the user's files.
 */
export function prepareReportFolder(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const written = ['run.json', 'run.jsonp', 'manifest.json'].some((name) => entries.includes(name));
  if (entries.length > 0 && !written) {
    throw new ConfigError(`the report folder ${dir} already holds other files. Point QASE_REPORT_CONNECTION_PATH ` +
      '(report.connections.local.path) at a new folder, or at one a report wrote.');
  }
  for (const entry of entries) rmSync(join(dir, entry), { recursive: true, force: true });
}
