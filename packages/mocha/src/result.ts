// One attempt of a Mocha test → core's TestResult. Pure.
import { relative, sep } from 'node:path';
import { applyMetadata, createTestResult, parseCaseIds } from '@qase-reporters/core';
import type { Status, TestError, TestMetadata, TestResult } from '@qase-reporters/core';

/** The runner event that settled an attempt. */
export type Outcome = 'pass' | 'fail' | 'retry' | 'pending';

/** Mocha's event → Qase's status. */
const STATUS: Record<Outcome, Status> = {
  pass: 'passed',
  fail: 'failed', // the test threw, timed out, or a hook of it failed (see recorder.ts)
  retry: 'failed', // a failed attempt that `this.retries(n)` runs again
  pending: 'skipped', // it.skip, xit, describe.skip, this.skip()
};

/** What the recorder knows about one attempt when it is over. */
export interface Attempt {
  /** The test's title as written, `(Qase ID: …)` included. */
  title: string;
  /** Absolute path of the test file; undefined for tests added without one (Mocha's programmatic API). */
  file: string | undefined;
  /** Titles of the describe blocks around the test, outermost first. */
  describes: string[];
  /** 0 for the first attempt. */
  retry: number;
  startTimeMs: number;
  durationMs: number;
  /** Undefined when the attempt began but Mocha never said how it ended (the run was interrupted). */
  outcome: Outcome | undefined;
  error?: TestError;
  /** What the test said through `qase.*`, in call order. */
  calls: readonly TestMetadata[];
  logs?: string;
}

/** The attempt's result, or undefined when the test called `qase.ignore()`. */
export function toTestResult(attempt: Attempt, cwd: string): TestResult | undefined {
  if (attempt.calls.some((call) => call.ignore)) return undefined;
  const { title, caseIds } = parseCaseIds(attempt.title);
  const status = attempt.outcome === undefined ? 'invalid' : STATUS[attempt.outcome];
  const file = attempt.file === undefined ? [] : [relative(cwd, attempt.file).split(sep).join('/')];
  const result = createTestResult({
    title,
    suitePath: [...file, ...attempt.describes],
    caseIds,
    status,
    startTimeMs: attempt.startTimeMs,
    durationMs: attempt.durationMs,
    error: status === 'failed' ? attempt.error : undefined,
    retry: attempt.retry,
    // Mocha runs a test again only after it failed, so a pass on a later attempt follows a failure.
    flaky: status === 'passed' && attempt.retry > 0,
    logs: attempt.logs,
  });
  return attempt.calls.reduce((merged, call) => applyMetadata(merged, call), result);
}

/** What Mocha reports (an Error, or anything a test threw) as a result's error; `prefix` goes before the message. */
export function toError(thrown: unknown, prefix = ''): TestError {
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown) {
    const { message, stack } = thrown as { message: unknown; stack?: unknown };
    return { message: prefix + String(message), stack: typeof stack === 'string' ? stack : undefined };
  }
  return { message: prefix + String(thrown) };
}
