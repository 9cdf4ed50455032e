// The per-test API, called from test code in Jest's workers. See transport.ts for how it reaches the reporter.
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename, extname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { withCaseIds } from '@qase-reporters/core';
import type { Attachment, Step, TestMetadata } from '@qase-reporters/core';
import { appendLine, DIR_ENV, writeContent } from './transport';
import type { AttemptKey } from './transport';

export interface AttachOptions {
  /** Shown name of `content`; default `attachment`. */
  name?: string;
  /** Files to attach; `name` and `content` are ignored when given. */
  paths?: string | string[];
  content?: Buffer | string;
  /** MIME type; guessed from the file extension for `paths`. */
  contentType?: string;
  /** The official reporter's spelling of `contentType`, accepted so existing suites keep working. */
  type?: string;
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
  /** Parameters of the result, e.g. the row of a `test.each`. */
  parameters(values: Record<string, unknown>): Qase;
  /** Parameters that also form one parameter group. */
  groupParameters(values: Record<string, unknown>): Qase;
  /** Text shown with the result. */
  comment(value: string): Qase;
  /** The test still runs; its result is not sent to Qase. */
  ignore(): Qase;
  /** Attaches files or content to the test, or to the step it is called in. */
  attach(attachment: AttachOptions): Qase;
  /** Runs `body` as a step of the test; steps called inside it nest. Resolves to what `body` returns. */
  step<T>(title: string, body: () => T | Promise<T>, expectedResult?: string, data?: string): Promise<T>;
}

/** The parts of a jest-circus test (`expect.getState().currentTestIdentity()`) that identify it. */
interface CircusNode {
  type: string;
  name: string;
  parent?: CircusNode;
  children?: readonly CircusNode[];
  invocations?: number;
}

/** What `expect.getState()` says about the running test. */
export interface ExpectState {
  testPath?: string;
  currentTestName?: string;
  currentConcurrentTestName?: () => string | undefined;
  /** Jest 30.5 and later: the running test itself, also inside `test.concurrent`; undefined outside a test. */
  currentTestIdentity?: () => CircusNode | undefined;
}

export interface RunningTest extends AttemptKey {
  testPath: string;
}

const warned = new Set<string>();
/** The step each async context is inside of: concurrent tests run in separate contexts, so their steps never mix. */
const openSteps = new AsyncLocalStorage<Step>();
const occurrences = new WeakMap<CircusNode, number>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  // Not console.warn: Jest would print a code frame of this function under it.
  process.stderr.write(`qase: ${message}\n`);
}

/** The attempt of the test running in this async context, or undefined (a hook of a describe block, module scope). */
export function runningTest(state: ExpectState | undefined): RunningTest | undefined {
  if (state?.testPath === undefined) return undefined;
  if (state.currentTestIdentity) {
    const test = state.currentTestIdentity();
    if (!test) return undefined;
    return { testPath: state.testPath, fullName: fullNameOf(test), occurrence: occurrenceOf(test), attempt: test.invocations ?? 0 };
  }
  // Before Jest 30.5 only the name is known: tests of the same name, and the attempts of a retried test, share it.
  const fullName = state.currentConcurrentTestName?.() ?? state.currentTestName;
  return fullName === undefined ? undefined : { testPath: state.testPath, fullName, occurrence: 0, attempt: 0 };
}

function fullNameOf(test: CircusNode): string {
  const names: string[] = [];
  // The root describe block has no parent and no name of the user's.
  for (let node: CircusNode | undefined = test; node?.parent; node = node.parent) names.unshift(node.name);
  return names.join(' ');
}

/** How many tests of the same full name come before `test` in the file, in the order Jest reports them. */
function occurrenceOf(test: CircusNode): number {
  const known = occurrences.get(test);
  if (known !== undefined) return known;
  let root = test;
  while (root.parent) root = root.parent;
  const fullName = fullNameOf(test);
  let count = 0;
  const visit = (block: CircusNode): boolean => {
    for (const child of block.children ?? []) {
      if (child === test) return true;
      if (child.type === 'test') count += fullNameOf(child) === fullName ? 1 : 0;
      else if (visit(child)) return true;
    }
    return false;
  };
  visit(root);
  occurrences.set(test, count);
  return count;
}

interface Target {
  dir: string;
  test: RunningTest;
}

/** Where a call made now goes; undefined when no reporter listens (then silently) or no test is running. */
function target(method: string): Target | undefined {
  const dir = process.env[DIR_ENV];
  if (dir === undefined) return undefined;
  const expect = (globalThis as { expect?: { getState?: () => ExpectState } }).expect;
  const test = runningTest(expect?.getState?.());
  if (!test) {
    warnOnce(`qase.${method}() was called outside a running test and was ignored. Call it inside a test or its beforeEach/afterEach.`);
    return undefined;
  }
  return { dir, test };
}

function send(method: string, meta: TestMetadata, to = target(method)): Qase {
  if (to) {
    const { testPath, ...key } = to.test;
    appendLine(to.dir, testPath, { ...key, meta });
  }
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

function attach(options: AttachOptions): Qase {
  const step = openSteps.getStore();
  const to = step ? undefined : target('attach');
  if (!step && !to) return qase;
  const dir = to?.dir ?? (process.env[DIR_ENV] as string);
  const attachments: Attachment[] = [];
  if (options.paths !== undefined) {
    for (const path of typeof options.paths === 'string' ? [options.paths] : options.paths) {
      const contentType = options.contentType ?? options.type ?? CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      attachments.push({ name: basename(path), contentType, path: resolve(path) });
    }
  } else {
    const content = options.content ?? '';
    attachments.push({
      name: options.name ?? 'attachment',
      contentType: options.contentType ?? options.type ?? (typeof content === 'string' ? 'text/plain' : 'application/octet-stream'),
      path: writeContent(dir, content),
    });
  }
  if (step) step.attachments.push(...attachments);
  else send('attach', { attachments }, to);
  return qase;
}

// The real clock: tests often fake Date and performance, never the perf_hooks module.
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

async function step<T>(title: string, body: () => T | Promise<T>, expectedResult?: string, data?: string): Promise<T> {
  const parent = openSteps.getStore();
  const to = parent ? undefined : target('step');
  if (!parent && !to) return body();
  const started = nowMs();
  const node: Step = { title, status: 'passed', startTimeMs: started, endTimeMs: started, expectedResult, data, attachments: [], steps: [] };
  // Added when it starts, so sibling steps keep the order they began in.
  parent?.steps.push(node);
  try {
    return await openSteps.run(node, body);
  } catch (error) {
    node.status = 'failed';
    throw error;
  } finally {
    node.endTimeMs = nowMs();
    // A nested step travels inside its outermost step, which is sent once it has ended.
    if (!parent) send('step', { steps: [node] }, to);
  }
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
