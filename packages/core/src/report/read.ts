import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultBody, StepBody } from '../api-types';
import { ATTACHMENT_LIMITS, localRef } from '../attachments';
import { ConfigError } from '../errors';
import { decode, type ReportAttachment, type ReportRun } from './format';

// Any Qase Report is read, whichever reporter wrote it, so every field is checked for its type rather than trusted.

const RUN_FILES = ['run.json', 'run.jsonp'];
const STEP_STATUSES = new Set(['passed', 'failed', 'blocked', 'skipped', 'in_progress']);

/** A folder holding a Qase Report (its `run.json`), by our reporter or an official one. */
export function isReportFolder(dir: string): boolean {
  return RUN_FILES.some((name) => existsSync(join(dir, name)));
}

/** What `run.json` says about the run: its title and when it started; the rest is recomputed from the results. */
export function readReportRun(dir: string): { title: string; startMs: number | undefined; endMs: number | undefined; environment: string | undefined } {
  const name = RUN_FILES.find((file) => existsSync(join(dir, file)));
  const run = name === undefined ? {} : (readFile(join(dir, name), name) as Partial<ReportRun>);
  const seconds = (value: unknown) => (typeof value === 'number' && value > 0 ? value * 1000 : undefined);
  return {
    title: typeof run.title === 'string' && run.title.trim() ? run.title : 'Test run',
    startMs: seconds(run.execution?.start_time),
    endMs: seconds(run.execution?.end_time),
    environment: typeof run.environment === 'string' && run.environment ? run.environment : undefined,
  };
}

export interface ReportReadOptions {
  /** Result and step times before this (ms) are moved to it: the API refuses results older than their run. */
  notBeforeMs?: number;
  defect?: boolean;
  /**
   * For an upload: attachments over the API's size limit are left out and named through it. Without it (the page)
   * every attachment is kept.
   */
  warn?: (line: string) => void;
}

/**
 * The results of a Qase Report as the v2 bodies the pipeline sends, one file in memory at a time, in file-name
 * order. Attachments become references to the copies in the report's `attachments/` folder, found by file name,
 * since the official writer records a path relative to the working directory it ran in.
 */
export function* readReportResults(dir: string, options: ReportReadOptions = {}): Generator<ResultBody> {
  const folder = join(dir, 'results');
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder).filter((n) => /\.jsonp?$/.test(n)).sort()) {
    const result = readFile(join(folder, name), join('results', name));
    if (!isObject(result)) throw new ConfigError(`results/${name} in ${dir} is not a result object. Was it edited by hand?`);
    yield toResultBody(result, name.replace(/\.jsonp?$/, ''), dir, options);
  }
}

function readFile(path: string, shown: string): unknown {
  try {
    return decode(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${shown} cannot be read as a Qase Report file (${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'}). ` +
      'Write the report again, or remove the file.');
  }
}

function toResultBody(r: Record<string, unknown>, fileId: string, dir: string, options: ReportReadOptions): ResultBody {
  const notBeforeMs = options.notBeforeMs ?? 0;
  const refs = (list: unknown) => attachmentRefs(list, dir, options.warn);
  const execution = isObject(r.execution) ? r.execution : {};
  // The id is the v2 idempotency key: the same report file uploaded twice is stored once.
  const body: ResultBody = {
    id: text(r.id) ?? fileId,
    title: text(r.title) ?? 'Untitled',
    execution: { status: text(execution.status) ?? 'invalid', ...times(execution, notBeforeMs) },
  };
  const signature = text(r.signature);
  if (signature) body.signature = signature;
  for (const key of ['stacktrace', 'error_context', 'thread'] as const) {
    const value = text(execution[key]);
    if (value) body.execution[key] = value;
  }
  const ids = Array.isArray(r.testops_ids) ? r.testops_ids.filter((id): id is number => Number.isSafeInteger(id) && id > 0) : [];
  if (ids.length > 0) body.testops_ids = ids;
  const fields = strings(r.fields);
  if (fields) body.fields = fields;
  const params = strings(r.params);
  if (params) body.params = params;
  const groups = Array.isArray(r.param_groups) ? r.param_groups.filter((g): g is string[] => Array.isArray(g) && g.length > 0) : [];
  if (groups.length > 0) body.param_groups = groups.map((g) => g.map(String));
  const suites = isObject(r.relations) && isObject(r.relations.suite) && Array.isArray(r.relations.suite.data) ? r.relations.suite.data : [];
  const titles = suites.flatMap((s: unknown) => (isObject(s) && text(s.title) ? [text(s.title)!] : []));
  if (titles.length > 0) body.relations = { suite: { data: titles.map((title) => ({ title })) } };
  const message = text(r.message);
  if (message) body.message = message;
  const attachments = refs(r.attachments);
  if (attachments.length > 0) body.attachments = attachments;
  const steps = Array.isArray(r.steps) ? r.steps.filter(isObject).map((s) => toStepBody(s, notBeforeMs, refs)) : [];
  if (steps.length > 0) body.steps = steps;
  if (options.defect) body.defect = true;
  return body;
}

function toStepBody(s: Record<string, unknown>, notBeforeMs: number, refs: (list: unknown) => string[]): StepBody {
  const data = isObject(s.data) ? s.data : {};
  const execution = isObject(s.execution) ? s.execution : {};
  const status = text(execution.status) ?? 'passed';
  const body: StepBody = {
    // The API requires an action; the official reporters name an untitled step the same way.
    data: { action: text(data.action) ?? 'Unnamed step' },
    // A status the API has no step status for (`invalid`, `disabled`) is sent as failed or skipped.
    execution: { status: STEP_STATUSES.has(status) ? status : status === 'invalid' ? 'failed' : 'skipped', ...times(execution, notBeforeMs) },
  };
  const expected = text(data.expected_result);
  if (expected) body.data.expected_result = expected;
  const input = text(data.input_data);
  if (input) body.data.input_data = input;
  const attachments = refs(execution.attachments);
  if (attachments.length > 0) body.execution.attachments = attachments;
  const steps = Array.isArray(s.steps) ? s.steps.filter(isObject).map((child) => toStepBody(child, notBeforeMs, refs)) : [];
  if (steps.length > 0) body.steps = steps;
  return body;
}

/** Seconds with the milliseconds as the fraction, no earlier than the run's start; duration whole milliseconds. */
function times(execution: Record<string, unknown>, notBeforeMs: number): { start_time?: number; end_time?: number; duration?: number } {
  const out: { start_time?: number; end_time?: number; duration?: number } = {};
  const notBefore = notBeforeMs / 1000;
  if (typeof execution.start_time === 'number' && execution.start_time > 0) out.start_time = Math.max(execution.start_time, notBefore);
  if (typeof execution.end_time === 'number' && execution.end_time > 0) {
    out.end_time = Math.max(execution.end_time, out.start_time ?? notBefore);
  }
  if (typeof execution.duration === 'number' && execution.duration >= 0) out.duration = Math.round(execution.duration);
  return out;
}

/**
 * References to the copies in `attachments/`, by the copy's file name only: a path in the file never leads outside
 * the report folder. A file over the API's size limit is left out, as the reporters leave it out: its request would
 * fail on every try and hold back the results with it.
 */
function attachmentRefs(list: unknown, dir: string, warn: ((line: string) => void) | undefined): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).flatMap((a: Partial<ReportAttachment>) => {
    const name = (text(a.file_path) ?? (text(a.id) && text(a.file_name) ? `${a.id}-${a.file_name}` : undefined))?.split(/[\\/]/).pop();
    if (!name || name === '..' || name === '.') return [];
    const path = join('attachments', name);
    const bytes = sizeOf(join(dir, path));
    if (warn && bytes > ATTACHMENT_LIMITS.fileBytes) {
      warn(`attachment ${path} is ${(bytes / 1024 ** 2).toFixed(1)} MB, over the API's 32 MB per file; not uploaded.`);
      return [];
    }
    return [localRef(path)];
  });
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // Missing: the uploader says so and sends the result without it.
    return 0;
  }
}

function strings(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
