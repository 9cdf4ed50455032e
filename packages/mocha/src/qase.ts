// The per-test API, called from test code: in the main process, or in a worker with --parallel. It records into the
// attempt that the recorder (recorder.ts) says is running in this process; the recorder turns it into a result.
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename, extname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { withCaseIds } from '@qase-reporters/core';
import type { Attachment, Step, StepStatus, TestMetadata } from '@qase-reporters/core';

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
  /** `it(qase(12, 'Login works'), …)` links the test to case 12; returns the title with `(Qase ID: 12)`. */
  (caseId: number | string | ReadonlyArray<number | string>, title: string): string;
  /** Links the running test to one or more Qase cases. */
  id(value: number | readonly number[]): Qase;
  /** The result's title in Qase, instead of the test's title. */
  title(value: string): Qase;
  /** Qase fields: `description`, `preconditions`, `severity`, `priority`, `layer`, custom fields, … */
  fields(values: Record<string, unknown>): Qase;
  /** Suite path in Qase, levels separated by a tab (`'Auth\tLogin'`), instead of file and describe blocks. */
  suite(value: string): Qase;
  /** Parameters of the result, e.g. the row of a data-driven test. */
  parameters(values: Record<string, unknown>): Qase;
  /** Parameters that also form one parameter group. */
  groupParameters(values: Record<string, unknown>): Qase;
  /** Text shown with the result. */
  comment(value: string): Qase;
  /** The test still runs; its result is not sent to Qase. */
  ignore(): Qase;
  /** Attaches files or content to the test, or to the step it is called in. */
  attach(attachment: AttachOptions): Qase;
  /**
   * Runs `body` as a step of the test; steps called inside it nest. Returns what `body` returns: a promise for an
   * async body (`await qase.step(…)`), the value itself for a synchronous one, as the official reporter's steps are.
   */
  step<T>(title: string, body: () => Promise<T>, expectedResult?: string, data?: string): Promise<T>;
  step<T>(title: string, body: () => T, expectedResult?: string, data?: string): T;
}

/** What the recorder of this process lends the API. */
export interface Listener {
  /** The calls of the attempt running now, to append to; undefined between tests and in `before`/`after` hooks. */
  current(): TestMetadata[] | undefined;
}

// On globalThis rather than in this module: a project can load two copies of the package (a symlink, a nested
// install), and the test file's copy must still find the recorder that the reporter's copy started.
const LISTENER = Symbol.for('@qase-reporters/mocha.listener');
type Slot = { [LISTENER]?: Listener };

/** Lets `qase.*` calls in this process reach `listener` until the returned function is called. */
export function listen(listener: Listener): () => void {
  (globalThis as Slot)[LISTENER] = listener;
  return () => {
    if ((globalThis as Slot)[LISTENER] === listener) delete (globalThis as Slot)[LISTENER];
  };
}

const warned = new Set<string>();
/** The step each async context is inside of, so steps started in parallel with `Promise.all` nest correctly. */
const openSteps = new AsyncLocalStorage<Step>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`qase: ${message}\n`);
}

/** Where a call made now goes; undefined when no reporter listens (then silently) or no test is running. */
function target(method: string): TestMetadata[] | undefined {
  const listener = (globalThis as Slot)[LISTENER];
  if (!listener) return undefined;
  const calls = listener.current();
  if (!calls) {
    warnOnce(`qase.${method}() was called outside a running test and was ignored. Call it inside a test, its ` +
      'beforeEach/afterEach or a step.');
  }
  return calls;
}

function send(method: string, meta: TestMetadata): Qase {
  target(method)?.push(meta);
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

function toAttachments(options: AttachOptions): Attachment[] {
  if (options.paths === undefined) {
    const content = options.content ?? '';
    const contentType = options.contentType ?? (typeof content === 'string' ? 'text/plain' : 'application/octet-stream');
    return [{ name: options.name ?? 'attachment', contentType, content }];
  }
  return (typeof options.paths === 'string' ? [options.paths] : options.paths).map((path) => ({
    name: basename(path),
    contentType: options.contentType ?? CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    path: resolve(path),
  }));
}

function attach(options: AttachOptions): Qase {
  const step = openSteps.getStore();
  if (step) step.attachments.push(...toAttachments(options));
  else target('attach')?.push({ attachments: toAttachments(options) });
  return qase;
}

// The real clock: tests fake Date (sinon), and sometimes the global `performance`, never the perf_hooks module.
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

function step<T>(title: string, body: () => T, expectedResult?: string, data?: string): T {
  const parent = openSteps.getStore();
  const calls = parent ? undefined : target('step');
  if (!parent && !calls) return body();
  const startTimeMs = nowMs();
  // `in_progress` until the body settles: a step the test did not await may still run when the attempt is sent.
  const node: Step = { title, status: 'in_progress', startTimeMs, endTimeMs: startTimeMs, expectedResult, data, attachments: [], steps: [] };
  // Added when it starts, so sibling steps keep the order they began in.
  if (parent) parent.steps.push(node);
  else calls?.push({ steps: [node] });
  const finish = (status: StepStatus): void => {
    node.status = status;
    node.endTimeMs = nowMs();
  };
  let value: T;
  try {
    value = openSteps.run(node, body);
  } catch (error) {
    finish('failed');
    throw error;
  }
  if (!isPromiseLike(value)) {
    finish('passed');
    return value;
  }
  return Promise.resolve(value).then(
    (settled) => {
      finish('passed');
      return settled;
    },
    (error: unknown) => {
      finish('failed');
      throw error;
    },
  ) as T;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
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
    step: step as Qase['step'],
  },
);
