// The per-test API, called from test code in Jest's workers. The calls are core's; this file is their transport:
// how a call finds the running test and hands what it said to transport.ts, which takes it to the reporter.
import { createAsyncScope, createQaseApi, createWarnOnce, wallClockMs } from '@qase-reporters/core/test-api';
import type { AttachOptions as CoreAttachOptions, QaseApi, Step, TestMetadata } from '@qase-reporters/core/test-api';
import { DIR_ENV, sendLine } from './transport';
import type { AttemptKey } from './transport';

export interface AttachOptions extends CoreAttachOptions {
  /** The official reporter's spelling of `contentType`, accepted so existing suites keep working. */
  type?: string;
}

export type Qase = QaseApi<Qase, AttachOptions>;

/** The parts of a jest-circus test (`expect.getState().currentTestIdentity()`) that identify it. */
interface CircusNode {
  type: string;
  name: string;
  parent?: CircusNode;
  children?: readonly CircusNode[];
  invocations?: number;
  concurrent?: boolean;
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

/** The step each async context is inside of: concurrent tests run in separate contexts, so their steps never mix. */
const openSteps = createAsyncScope<Step>();
const occurrences = new WeakMap<CircusNode, number>();
// Not console.warn: Jest would print a code frame of this function under it.
const warnOnce = createWarnOnce((line) => process.stderr.write(`${line}\n`));

/** What jest-circus (Jest 28 to 30) keeps on the test file's global; before Jest 30.5 the running test is known only here. */
export interface CircusState {
  currentlyRunningTest?: CircusNode | null;
}

/**
 * The attempt of the test running in this async context; undefined outside a test (a hook of a describe block,
 * module scope); `unknown concurrent` inside a test.concurrent test that this Jest cannot tell from the others.
 */
export function runningTest(state: ExpectState | undefined, circus: () => CircusState | undefined = circusState): RunningTest | 'unknown concurrent' | undefined {
  if (state?.testPath === undefined) return undefined;
  const { testPath } = state;
  const identify = (test: CircusNode): RunningTest => ({ testPath, fullName: fullNameOf(test), occurrence: occurrenceOf(test), attempt: test.invocations ?? 0 });
  if (state.currentTestIdentity) {
    const test = state.currentTestIdentity();
    return test ? identify(test) : undefined;
  }
  // Jest 29 names the test.concurrent test of the async context; the attempts of a retried one share the name.
  const concurrentName = state.currentConcurrentTestName?.();
  if (concurrentName !== undefined) return { testPath, fullName: concurrentName, occurrence: 0, attempt: 0 };
  // Asked only here: finding jest-circus's state looks through every symbol of the global.
  const test = circus()?.currentlyRunningTest;
  if (test?.concurrent && !state.currentConcurrentTestName) {
    // Jest 28 starts all test.concurrent tests at once and says which one it awaits, not which one is calling.
    return 'unknown concurrent';
  }
  if (test) return identify(test);
  // Another test runner (jest-jasmine2): only the name is known, shared by same-named tests and by attempts.
  const fullName = state.currentTestName;
  return fullName === undefined ? undefined : { testPath, fullName, occurrence: 0, attempt: 0 };
}

function circusState(): CircusState | undefined {
  // jest-circus keeps its state under a symbol of its own module, the same one in every version; found by name.
  const key = Object.getOwnPropertySymbols(globalThis).find((symbol) => symbol.description === 'JEST_STATE_SYMBOL');
  return key === undefined ? undefined : (globalThis as Record<symbol, CircusState | undefined>)[key];
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
  if (test === 'unknown concurrent') {
    warnOnce(`qase.${method}() was called in a test.concurrent test, which Jest 28 cannot tell apart from the others ` +
      'running with it; the call was ignored. Jest 29 and newer tell them apart.');
    return undefined;
  }
  if (!test) {
    warnOnce(`qase.${method}() was called outside a running test and was ignored. Call it inside a test or its beforeEach/afterEach.`);
    return undefined;
  }
  return { dir, test };
}

function send(meta: TestMetadata, to: Target): void {
  const { testPath, ...key } = to.test;
  sendLine(to.dir, testPath, { ...key, meta });
}

function record(method: string, meta: TestMetadata): void {
  const step = openSteps.current();
  if (step && meta.attachments) {
    // A step exists only while a reporter listens; the step, and what it holds, is sent when it ends.
    step.attachments.push(...meta.attachments);
    return;
  }
  const to = target(method);
  if (to) send(meta, to);
}


async function step(title: string, body: () => unknown, expectedResult?: string, data?: string): Promise<unknown> {
  const parent = openSteps.current();
  const to = parent ? undefined : target('step');
  if (!parent && !to) return body();
  const started = wallClockMs();
  const node: Step = { title, status: 'passed', startTimeMs: started, endTimeMs: started, expectedResult, data, attachments: [], steps: [] };
  // Added when it starts, so sibling steps keep the order they began in.
  parent?.steps.push(node);
  try {
    return await openSteps.run(node, body);
  } catch (error) {
    node.status = 'failed';
    throw error;
  } finally {
    node.endTimeMs = wallClockMs();
    // A nested step travels inside its outermost step, which is sent once it has ended.
    if (to) send({ steps: [node] }, to);
  }
}

export const qase = createQaseApi<Qase, AttachOptions>({ record, warn: warnOnce, step });
