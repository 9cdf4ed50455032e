// The per-test API, called from test code in Vitest's workers. What it records travels in `task.meta` (see
// transport.ts). This module is loaded in every worker whose tests import `qase`, so it imports nothing of core at
// run time: core's entry brings its HTTP client along.
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename, extname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { RunnerTask, RunnerTestCase, TestContext } from 'vitest';
import { META_KEY } from './transport';
import type { WireAttachment, WireAttempt, WireAttempts, WireStep } from './transport';

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

/** Where calls made in an async context go: set by `withQase` and by `qase.step` for what runs inside them. */
interface Scope {
  /** Undefined when `withQase` got no test context (`test.each` passes its row instead). */
  test: RunnerTestCase | undefined;
  step?: WireStep;
}

const scopes = new AsyncLocalStorage<Scope>();
const warned = new Set<string>();

function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  // Not console.warn: Vitest would file it under the running test's output.
  process.stderr.write(`qase: ${message}\n`);
}

/** Vitest's state of this worker; `current` is the task it runs (a test, or a suite between tests). */
interface WorkerState {
  current?: RunnerTask;
}

function workerState(): WorkerState | undefined {
  // Vitest's public `TestRunner.getCurrentTest()` cannot be reached from CommonJS (vitest throws on require), so
  // this reads the same state from the worker global that `vi` and Vitest's runner use.
  return (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__;
}

/**
 * The test a call made now belongs to. Vitest runs one test at a time unless tests are concurrent; while several
 * concurrent tests run, only `withQase` tells them apart.
 */
export function runningTest(method: string, scope = scopes.getStore(), state = workerState()): RunnerTestCase | undefined {
  if (scope?.test) return scope.test;
  const current = state?.current;
  if (current?.type === 'test' && !current.concurrent) return current;
  const running = current ? testsOf(current.file).filter((test) => test.result?.state === 'run') : [];
  if (running.length === 1) return running[0];
  if (running.length === 0 && current?.type === 'test') return current;
  if (running.length > 1) {
    warnOnce(`qase.${method}() was called while ${running.length} concurrent tests were running, so it cannot tell which ` +
      'test called it; the call was ignored. Wrap those tests in withQase(async ({ qase }) => { … }) and call its qase.');
  } else {
    warnOnce(`qase.${method}() was called outside a running test and was ignored. Call it inside a test, its ` +
      'beforeEach/afterEach or a step.');
  }
  return undefined;
}

function testsOf(task: RunnerTask): RunnerTestCase[] {
  return task.type === 'test' ? [task] : task.tasks.flatMap(testsOf);
}

/** The record of the running attempt, made on its first call. */
function attemptOf(test: RunnerTestCase): WireAttempt {
  const meta = test.meta as Record<string, unknown>;
  const attempts = (meta[META_KEY] ??= []) as WireAttempts;
  const retry = test.result?.retryCount ?? 0;
  const repeat = test.result?.repeatCount ?? 0;
  let attempt = attempts[retry];
  if (!attempt || attempt.repeat !== repeat) {
    attempt = { repeat, attachments: [], steps: [] };
    // An attempt that said nothing stays `null`, so the array is valid JSON.
    for (let i = attempts.length; i < retry; i++) attempts[i] = null;
    attempts[retry] = attempt;
  }
  return attempt;
}

function record(method: string, update: (attempt: WireAttempt) => void): Qase {
  const test = runningTest(method);
  if (test) update(attemptOf(test));
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

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function toAttachments(options: AttachOptions): WireAttachment[] {
  const contentType = options.contentType ?? options.type;
  if (options.paths !== undefined) {
    return (typeof options.paths === 'string' ? [options.paths] : options.paths).map((path) => ({
      name: basename(path),
      contentType: contentType ?? contentTypeOf(path),
      path: resolve(path),
    }));
  }
  const content = options.content ?? '';
  return [{
    name: options.name ?? 'attachment',
    contentType: contentType ?? (typeof content === 'string' ? 'text/plain' : 'application/octet-stream'),
    base64: Buffer.from(content).toString('base64'),
  }];
}

function attach(options: AttachOptions): Qase {
  const step = scopes.getStore()?.step;
  if (step) {
    step.attachments.push(...toAttachments(options));
    return qase;
  }
  return record('attach', (attempt) => attempt.attachments.push(...toAttachments(options)));
}

// The real clock: tests often fake Date and performance, never the perf_hooks module.
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

async function step<T>(title: string, body: () => T | Promise<T>, expectedResult?: string, data?: string): Promise<T> {
  const scope = scopes.getStore();
  const test = runningTest('step', scope);
  if (!test) return body();
  const started = nowMs();
  const node: WireStep = { title, status: 'passed', startTimeMs: started, endTimeMs: started, expectedResult, data, attachments: [], steps: [] };
  // Added when it starts, so sibling steps keep the order they began in; it is completed in place.
  if (scope?.step) scope.step.steps.push(node);
  else attemptOf(test).steps.push(node);
  try {
    return await scopes.run({ test, step: node }, body);
  } catch (error) {
    node.status = 'failed';
    throw error;
  } finally {
    node.endTimeMs = nowMs();
  }
}

export const qase: Qase = Object.assign(
  (caseId: number | string | ReadonlyArray<number | string>, title: string): string => {
    const ids = toCaseIds('qase()', typeof caseId === 'object' ? caseId : [caseId]);
    // core's withCaseIds spelling, written out: importing core here would load its HTTP client into every worker.
    // A unit test holds the two together.
    return ids.length > 0 ? `${title} (Qase ID: ${ids.join(',')})` : title;
  },
  {
    id: (value: number | readonly number[]) =>
      record('id', (a) => (a.caseIds = [...(a.caseIds ?? []), ...toCaseIds('qase.id()', typeof value === 'number' ? [value] : value)])),
    title: (value: string) => record('title', (a) => (a.title = value)),
    fields: (values: Record<string, unknown>) => record('fields', (a) => (a.fields = { ...a.fields, ...toStrings(values) })),
    suite: (value: string) => record('suite', (a) => (a.suite = value)),
    parameters: (values: Record<string, unknown>) => record('parameters', (a) => (a.params = { ...a.params, ...toStrings(values) })),
    groupParameters: (values: Record<string, unknown>) =>
      record('groupParameters', (a) => (a.groupParams = { ...a.groupParams, ...toStrings(values) })),
    comment: (value: string) => record('comment', (a) => (a.comment = value)),
    ignore: () => record('ignore', (a) => (a.ignore = true)),
    attach,
    step,
  },
);

/** What `withQase` adds to the context Vitest passes a test function. */
export interface QaseContext {
  qase: Qase;
}

/**
 * `test.concurrent('…', withQase(async ({ qase, expect }) => { … }))`: ties every `qase.*` call made while the test
 * runs (in helpers too) to this test, which Vitest alone cannot tell while concurrent tests interleave. The
 * official reporter's wrapper, so existing suites keep working. With `test.extend` fixtures, name the context:
 * `withQase<TestContext & { cart: Cart }>(…)`, as TypeScript cannot infer it through Vitest's overloads.
 */
export function withQase<Context extends TestContext = TestContext>(
  body: (context: Context & QaseContext) => unknown,
): (context: Context) => Promise<void> {
  // The test's own context stays the prototype: its getters (`expect`) and fixtures keep working.
  const wrapped = async (context: Context): Promise<void> => {
    // Vitest's context is a function object; `test.each` calls with its row instead, which may be a primitive.
    const prototype: object | null = Object(context) === context ? context : null;
    const extended = Object.create(prototype, { qase: { value: qase, enumerable: true } }) as Context & QaseContext;
    await scopes.run({ test: context?.task }, () => body(extended));
  };
  // Vitest decides which `test.extend` fixtures to set up by reading the test function's first parameter in its
  // source; the wrapper's own `(context)` would hide the destructuring of `body`.
  wrapped.toString = () => body.toString();
  return wrapped;
}
