// The per-test API, called from test code in Vitest's workers. The calls are core's; this file is their transport:
// what a call records travels in the test's `task.meta` (see transport.ts).
import type { RunnerTask, RunnerTestCase, TestContext } from 'vitest';
import { createAsyncScope, createQaseApi, createWarnOnce, mergeMetadata, wallClockMs } from '@qase-reporters/core/test-api';
import type { AttachOptions as CoreAttachOptions, ProjectMapping, QaseApi, Step, TestMetadata } from '@qase-reporters/core/test-api';
import { META_KEY, toWire } from './transport';
import type { WireAttempt, WireAttempts, WireStep } from './transport';

export interface AttachOptions extends CoreAttachOptions {
  /** The official reporter's spelling of `contentType`, accepted so existing suites keep working. */
  type?: string;
}

export type Qase = QaseApi<Qase, AttachOptions>;

/** Where calls made in an async context go: set by `withQase` and by `qase.step` for what runs inside them. */
interface Scope {
  /** Undefined when `withQase` got no test context (`test.each` passes its row instead). */
  test: RunnerTestCase | undefined;
  step?: WireStep;
}

const scopes = createAsyncScope<Scope>();
// Not console.warn: Vitest would file it under the running test's output.
const warnOnce = createWarnOnce((line) => process.stderr.write(`${line}\n`));

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
export function runningTest(method: string, scope = scopes.current(), state = workerState()): RunnerTestCase | undefined {
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

function record(method: string, { attachments, steps: _steps, ...said }: TestMetadata): void {
  const scope = scopes.current();
  if (scope?.step && attachments) {
    scope.step.attachments.push(...attachments.map(toWire));
    return;
  }
  const test = runningTest(method, scope);
  if (!test) return;
  const attempt = attemptOf(test);
  const { repeat: _repeat, attachments: attached, steps, ...before } = attempt;
  // Steps are added where they start (see `step`); the rest folds as in every adapter.
  Object.assign(attempt, mergeMetadata(before, said), { attachments: [...attached, ...(attachments ?? []).map(toWire)], steps });
}

async function step(title: string, body: () => unknown, expectedResult?: string, data?: string): Promise<unknown> {
  const scope = scopes.current();
  const test = runningTest('step', scope);
  if (!test) return body();
  const started = wallClockMs();
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
    node.endTimeMs = wallClockMs();
  }
}

export const qase = createQaseApi<Qase, AttachOptions>({ record, warn: warnOnce, step });

/** Adds the network profiler's steps to the running attempt of `test`, after its own. */
export function addRequestSteps(test: RunnerTestCase, steps: readonly Step[]): void {
  if (steps.length === 0) return;
  attemptOf(test).steps.push(...steps.map((step) => ({ ...step, attachments: [], steps: [] })));
}

/** `test(addQaseId('Login works', [12]), …)`: the official Vitest reporter's `qase(12, 'Login works')`. */
export function addQaseId(title: string, caseIds: number | readonly number[]): string {
  return qase(caseIds, title);
}

/** `test(addQaseProjects('Login', { PROJ1: [1], PROJ2: [2] }), …)`: the title with the official multi-project markers. */
export function addQaseProjects(title: string, mapping: ProjectMapping): string {
  return qase.projectsTitle(title, mapping);
}

/** The `qase` of a `withQase` context: the API, plus the official wrapper's `annotate`, which is the test's own. */
export interface ContextQase extends Qase {
  annotate(message: string, options?: unknown): Promise<void>;
}

/** What `withQase` adds to the context Vitest passes a test function. */
export interface QaseContext {
  qase: ContextQase;
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
    const annotate = async (message: string, options?: unknown): Promise<void> => {
      // Vitest 3.2 added `annotate`; before it, and for `test.each` rows, there is nothing to pass it to.
      const own = (context as { annotate?: (message: string, options?: unknown) => Promise<unknown> } | undefined)?.annotate;
      if (typeof own === 'function') await own(message, options);
    };
    const contextQase = Object.create(qase, { annotate: { value: annotate } }) as ContextQase;
    const extended = Object.create(prototype, { qase: { value: contextQase, enumerable: true } }) as Context & QaseContext;
    await scopes.run({ test: context?.task }, () => body(extended));
  };
  // Vitest decides which `test.extend` fixtures to set up by reading the test function's first parameter in its
  // source; the wrapper's own `(context)` would hide the destructuring of `body`.
  wrapped.toString = () => body.toString();
  return wrapped;
}
