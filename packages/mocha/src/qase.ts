// The per-test API, called from test code: in the main process, or in a worker with --parallel. The calls are core's;
// this file records them into the attempt that the recorder (recorder.ts) says is running in this process, which
// turns it into a result.
import type { Context } from 'mocha';
import { createAsyncScope, createQaseApi, createWarnOnce, isPromiseLike, wallClockMs } from '@qase-reporters/core/test-api';
import type { QaseApi, Step, StepBody, StepStatus, TestMetadata } from '@qase-reporters/core/test-api';

export type { AttachOptions } from '@qase-reporters/core/test-api';

export interface Qase extends Omit<QaseApi<Qase>, 'step'> {
  /** See `QaseApi`: `it(qase(12, 'Login works'), …)`. */
  (caseId: number | string | ReadonlyArray<number | string>, title: string): string;
  /**
   * Runs `body` as a step of the test; steps called inside it nest. Returns what `body` returns: a promise for an
   * async body (`await qase.step(…)`), the value itself for a synchronous one, as the official reporter's steps are.
   */
  step<T>(title: string, body: StepBody<Promise<T>>, expectedResult?: string, data?: string): Promise<T>;
  step<T>(title: string, body: StepBody<T>, expectedResult?: string, data?: string): T;
  /** The official title form: `it(qase.step('Click', 'Clicked', 'data'), …)`; see `QaseApi.step`. */
  step(action: string, expectedResult?: string, data?: string): string;
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

/** The step each async context is inside of, so steps started in parallel with `Promise.all` nest correctly. */
const openSteps = createAsyncScope<Step>();
const warnOnce = createWarnOnce((line) => process.stderr.write(`${line}\n`));

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

function record(method: string, meta: TestMetadata): void {
  const step = openSteps.current();
  if (step && meta.attachments) step.attachments.push(...meta.attachments);
  else target(method)?.push(meta);
}


function step<T>(title: string, body: () => T, expectedResult?: string, data?: string): T {
  const parent = openSteps.current();
  const calls = parent ? undefined : target('step');
  if (!parent && !calls) return body();
  const startTimeMs = wallClockMs();
  // `in_progress` until the body settles: a step the test did not await may still run when the attempt is sent.
  const node: Step = { title, status: 'in_progress', startTimeMs, endTimeMs: startTimeMs, expectedResult, data, attachments: [], steps: [] };
  // Added when it starts, so sibling steps keep the order they began in.
  if (parent) parent.steps.push(node);
  else calls?.push({ steps: [node] });
  const finish = (status: StepStatus): void => {
    node.status = status;
    node.endTimeMs = wallClockMs();
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

export const qase = createQaseApi<Qase>({ record, warn: warnOnce, step });

/**
 * The official reporter's context API: `this.qaseId(12)`, `this.title('…')`, `this.step('…', fn)` in a test or hook
 * written with `function`. Every suite's context inherits from the root suite's, so the calls are set there once.
 */
export function addContextCalls(ctx: Context | undefined): void {
  if (!ctx) return;
  const calls: Record<string, unknown> = { qaseId: qase.id };
  for (const name of ['title', 'parameters', 'groupParameters', 'fields', 'suite', 'ignore', 'attach', 'comment', 'tags', 'step', 'mute'] as const) {
    calls[name] = qase[name];
  }
  Object.assign(ctx, calls);
}
