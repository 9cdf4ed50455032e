// The per-test API, called from test code in Jest's workers. The calls are core's; this file is their transport:
// how a call finds the running test and hands what it said to transport.ts, which takes it to the reporter.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createQaseApi, createWarnOnce, wallClockMs } from '@qase-reporters/core';
import type { Attachment, AttachOptions as CoreAttachOptions, QaseApi, Step, TestMetadata } from '@qase-reporters/core';
import { appendLine, DIR_ENV, writeContent } from './transport';
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
const openSteps = new AsyncLocalStorage<Step>();
const occurrences = new WeakMap<CircusNode, number>();
// Not console.warn: Jest would print a code frame of this function under it.
const warnOnce = createWarnOnce((line) => process.stderr.write(`${line}\n`));

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

function send(meta: TestMetadata, to: Target): void {
  const { testPath, ...key } = to.test;
  appendLine(to.dir, testPath, { ...key, meta });
}

function record(method: string, meta: TestMetadata): void {
  const step = openSteps.getStore();
  if (step && meta.attachments) {
    // A step exists only while a reporter listens; the step, and what it holds, is sent when it ends.
    step.attachments.push(...meta.attachments.map((a) => toFile(process.env[DIR_ENV] as string, a)));
    return;
  }
  const to = target(method);
  if (to) send({ ...meta, attachments: meta.attachments?.map((a) => toFile(to.dir, a)) }, to);
}

/** Attached content travels as a file of its own, which the reporter reads back. */
function toFile(dir: string, { content, ...attachment }: Attachment): Attachment {
  return attachment.path === undefined ? { ...attachment, path: writeContent(dir, content ?? '') } : attachment;
}


async function step(title: string, body: () => unknown, expectedResult?: string, data?: string): Promise<unknown> {
  const parent = openSteps.getStore();
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
