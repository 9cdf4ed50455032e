// One attempt of a Mocha test → core's TestResult. Pure.
import { relative, sep } from 'node:path';
import { applyMetadata, createTestResult, failureStatus, mergeMetadata, parseCaseIds, toSignature, toSignaturePart } from '@qase-reporters/core';
import type { Status, TestError, TestMetadata, TestResult } from '@qase-reporters/core';

/** The runner event that settled an attempt. */
export type Outcome = 'pass' | 'fail' | 'retry' | 'pending';

/** Mocha's event → Qase's status. */
const STATUS: Record<Outcome, Status> = {
  pass: 'passed',
  fail: 'failed', // the test threw, timed out, or its beforeEach or afterEach failed (see recorder.ts)
  retry: 'failed', // a failed attempt that `this.retries(n)` runs again
  pending: 'skipped', // it.skip, xit, describe.skip, this.skip(), and tests a failed hook kept from running
};

/** What the recorder knows about one attempt when it is over. */
export interface Attempt {
  /** The test's title as written, `(Qase ID: …)` included. */
  title: string;
  /** Absolute path of the test file; undefined for tests added without one (Mocha's programmatic API). */
  file: string | undefined;
  /** Titles of the describe blocks around the test, outermost first (Mocha's `test.parent.titlePath()`). */
  describes: string[];
  /** 0 for the first attempt. */
  retry: number;
  startTimeMs: number;
  durationMs: number;
  /** Undefined when the attempt began but Mocha never said how it ended (the run was interrupted). */
  outcome: Outcome | undefined;
  /** Why the attempt failed, or why it did not run (the hook that kept it from running). */
  error?: TestError;
  /** What the test said through `qase.*`, in call order. */
  calls: readonly TestMetadata[];
  logs?: string;
}

/** The attempt's result, or undefined when the test called `qase.ignore()`. */
export function toTestResult(attempt: Attempt, cwd: string): TestResult | undefined {
  const meta = attempt.calls.reduce(mergeMetadata, {});
  if (meta.ignore) return undefined;
  const { title, caseIds, projects } = parseCaseIds(attempt.title);
  const status = attempt.outcome === undefined ? 'invalid' : statusOf(attempt.outcome, attempt.error);
  const result = createTestResult({
    title,
    ...identify(attempt, cwd, meta.caseIds?.length ? meta.caseIds : caseIds, meta.params ?? {}),
    caseIds,
    projects,
    status,
    startTimeMs: attempt.startTimeMs,
    durationMs: attempt.durationMs,
    error: status === 'passed' ? undefined : attempt.error,
    retry: attempt.retry,
    // Mocha runs a test again only after it failed, so a pass on a later attempt follows a failure.
    flaky: status === 'passed' && attempt.retry > 0,
    logs: attempt.logs,
  });
  return applyMetadata(result, meta);
}

/** A failure is `failed` for an assertion and `invalid` for anything else, as the official reporter decides it. */
function statusOf(outcome: Outcome, error: TestError | undefined): Status {
  const status = STATUS[outcome];
  return status === 'failed' && error ? failureStatus(error, 'failed') : status;
}

/**
 * Suite path and signature as the official reporter sends them (qase-mocha/src/modules/resultBuilder.ts), so results
 * keep matching the cases it created. The suite is the describe blocks alone; the signature also has the file
 * (relative to the working directory, each folder a level) and the title as written (`(Qase ID: …)` included), with
 * the ids of `qase.id`, else those of the title, and the parameters of `qase.parameters`.
 */
function identify(
  attempt: Attempt,
  cwd: string,
  caseIds: readonly number[],
  params: Record<string, string>,
): Pick<TestResult, 'suitePath' | 'signature'> {
  const file = attempt.file === undefined ? [] : [filePart(cwd, attempt.file)];
  const path = [...file, ...attempt.describes.map(toSignaturePart), toSignaturePart(attempt.title)];
  return { suitePath: attempt.describes.filter(Boolean), signature: toSignature(caseIds, path, params) };
}

/** What Mocha reports (an Error, or anything a test threw) as a result's error; `prefix` goes before the message. */
export function toError(thrown: unknown, prefix = ''): TestError {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const { name, message, stack } = thrown as { name?: unknown; message: unknown; stack?: unknown };
    return {
      name: typeof name === 'string' ? name : undefined,
      message: prefix + String(message),
      stack: typeof stack === 'string' ? stack : undefined,
    };
  }
  return { message: prefix + String(thrown) };
}

// Every test of a file has the same file part; `path.relative` per test was a tenth of the reporter's time per test.
const fileParts = new Map<string, string>();

function filePart(cwd: string, file: string): string {
  const key = `${cwd}\0${file}`;
  let part = fileParts.get(key);
  if (part === undefined) fileParts.set(key, (part = relative(cwd, file).split(sep).join('::')));
  return part;
}
