// The per-test API, called from test code in Playwright's worker processes. See transport.ts for how it reaches
// the reporter.
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from '@playwright/test';
import type { TestInfo } from '@playwright/test';
import type { Location } from '@playwright/test/reporter';
import { withCaseIds } from '@qase-reporters/core';
import { DATA_ANNOTATION, EXPECTED_RESULT_ANNOTATION, METADATA_CONTENT_TYPE } from './transport';
import type { MetadataMessage } from './transport';

export interface AttachOptions {
  /** Shown name of `content`; default `attachment`. */
  name?: string;
  /** Files to attach; `name` and `content` are ignored when given. */
  paths?: string | string[];
  content?: Buffer | string;
  /** MIME type; guessed from the file extension for `paths`. */
  contentType?: string;
}

export interface Qase {
  /** `test(qase(12, 'Login works'), …)` links the test to case 12; returns the title with `(Qase ID: 12)`. */
  (caseId: number | string | ReadonlyArray<number | string>, title: string): string;
  /** Links the running test to one or more Qase cases. */
  id(value: number | readonly number[]): Qase;
  /** The result's title in Qase, instead of the test's title. */
  title(value: string): Qase;
  /** Qase fields: `description`, `preconditions`, `severity`, `priority`, `layer`, custom fields, … */
  fields(values: Record<string, unknown>): Qase;
  /** Suite path in Qase, levels separated by a tab (`'Auth\tLogin'`), instead of file and describe blocks. */
  suite(value: string): Qase;
  parameters(values: Record<string, unknown>): Qase;
  /** Parameters that also form one parameter group. */
  groupParameters(values: Record<string, unknown>): Qase;
  /** Text shown with the result. */
  comment(value: string): Qase;
  /** The test still runs; its result is not sent to Qase. */
  ignore(): Qase;
  /** Attaches files or content to the test, or to the step it is called in. */
  attach(attachment: AttachOptions): Qase;
  /** A Playwright `test.step` that also carries Qase's expected result and input data. */
  step<T>(title: string, body: () => T | Promise<T>, expectedResult?: string, data?: string): Promise<T>;
}

const warned = new Set<string>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`qase: ${message}`);
}

function currentTest(method: string, outcome = 'was ignored'): TestInfo | undefined {
  try {
    return test.info();
  } catch {
    warnOnce(`qase.${method}() was called outside a running test and ${outcome}. Call it inside a test, a hook or a step.`);
    return undefined;
  }
}

function send(method: string, message: MetadataMessage): Qase {
  // attachments.push() registers synchronously; attach() is async, so a test that ends right after a plain
  // `qase.title(…)` call could finish before the attachment is recorded.
  currentTest(method)?.attachments.push({
    name: 'qase-metadata.json',
    contentType: METADATA_CONTENT_TYPE,
    body: Buffer.from(JSON.stringify(message)),
  });
  return qase;
}

function toCaseIds(method: string, values: ReadonlyArray<number | string>): number[] {
  const ids: number[] = [];
  for (const value of values) {
    const id = Number(value);
    if (Number.isSafeInteger(id) && id > 0) ids.push(id);
    else warnOnce(`${method} got case id ${JSON.stringify(value)}, which is not a positive whole number; it was ignored.`);
  }
  return ids;
}

function toStrings(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

// Enough for what tests attach by path; anything else is sent as bytes with its file name.
const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.txt': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

function attach(attachment: AttachOptions): Qase {
  const info = currentTest('attach');
  if (!info) return qase;
  // Pushed rather than attach()ed for the same reason as metadata; inside a step Playwright files it under that step.
  if (attachment.paths !== undefined) {
    for (const path of typeof attachment.paths === 'string' ? [attachment.paths] : attachment.paths) {
      const contentType = attachment.contentType ?? CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      info.attachments.push({ name: basename(path), contentType, path: resolve(path) });
    }
    return qase;
  }
  const content = attachment.content ?? '';
  info.attachments.push({
    name: attachment.name ?? 'attachment',
    contentType: attachment.contentType ?? (typeof content === 'string' ? 'text/plain' : 'application/octet-stream'),
    body: Buffer.from(content),
  });
  return qase;
}

async function step<T>(title: string, body: () => T | Promise<T>, expectedResult?: string, data?: string): Promise<T> {
  if (!currentTest('step', 'ran without recording a step')) return body();
  const location = callerLocation(step);
  return test.step(title, async (stepInfo) => {
    // Step annotations reach the reporter with the step's end, also through blob reports.
    if (expectedResult !== undefined) stepInfo.annotations.push({ type: EXPECTED_RESULT_ANNOTATION, description: expectedResult });
    if (data !== undefined) stepInfo.annotations.push({ type: DATA_ANNOTATION, description: data });
    return body();
  }, { location });
}

/**
 * Where the test called `fn`. Playwright records a step's location from the stack it sees, which for a wrapped
 * `test.step` is ours (or none), so its reports would link every `qase.step` to this file.
 */
function callerLocation(fn: (...args: never[]) => unknown): Location | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, fn);
  const frame = holder.stack?.split('\n')[1]?.trim() ?? '';
  const match = /\((.+):(\d+):(\d+)\)$/.exec(frame) ?? /^at (?:async )?(.+):(\d+):(\d+)$/.exec(frame);
  if (!match) return undefined;
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

export const qase: Qase = Object.assign(
  (caseId: number | string | ReadonlyArray<number | string>, title: string): string => {
    const ids = toCaseIds('qase()', typeof caseId === 'object' ? caseId : [caseId]);
    return ids.length > 0 ? withCaseIds(ids, title) : title;
  },
  {
    id: (value: number | readonly number[]) => send('id', { caseIds: toCaseIds('qase.id()', typeof value === 'number' ? [value] : value) }),
    title: (value: string) => send('title', { title: value }),
    fields: (values: Record<string, unknown>) => send('fields', { fields: toStrings(values) }),
    suite: (value: string) => send('suite', { suite: value }),
    parameters: (values: Record<string, unknown>) => send('parameters', { params: toStrings(values) }),
    groupParameters: (values: Record<string, unknown>) => send('groupParameters', { groupParams: toStrings(values) }),
    comment: (value: string) => send('comment', { comment: value }),
    ignore: () => send('ignore', { ignore: true }),
    attach,
    step,
  },
);
