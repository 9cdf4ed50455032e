// Jest's results of one test file → core's TestResults, one per attempt. Pure.
import { relative, sep } from 'node:path';
import type { TestCaseResult, TestResult as FileResult } from '@jest/reporters';
import { applyMetadata, createTestResult, failureStatus, mergeMetadata, parseCaseIds, toSignature, toSignaturePart } from '@qase-reporters/core';
import type { Failure, Status, Step, TestError, TestMetadata, TestResult } from '@qase-reporters/core';
import { keyOf } from './transport';

type JestTest = FileResult['testResults'][number];

/** Jest's status → Qase's. Jest has no status for a test that did not run other than these. */
const STATUS: Record<JestTest['status'], Status> = {
  passed: 'passed',
  failed: 'failed',
  pending: 'skipped', // test.skip, xit, and tests left out by --testNamePattern or test.only
  todo: 'skipped', // test.todo: a test not written yet (the official reporters' `disabled`, which they send as skipped)
  skipped: 'skipped',
  disabled: 'skipped',
  focused: 'passed',
};

export interface FileContext {
  /** The working directory: the file's path in the suite path is relative to it, as in the official reporter. */
  cwd: string;
  /**
   * Attempts reported one by one through onTestCaseResult, in arrival order. Only the earlier attempts of retried
   * tests are taken from here: the test file's result has the last attempt of each test and nothing else.
   */
  attempts: readonly TestCaseResult[];
  /** `qase.*` calls of the file's tests, by `keyOf`. */
  metadata: ReadonlyMap<string, TestMetadata>;
  /** The network profiler's steps of each attempt, by `requestsKey`; they follow the test's own steps. */
  requests?: ReadonlyMap<string, Step[]>;
}

/** Which attempt (1 for the first) of which test made the requests. */
export function requestsKey(fullName: string, attempt: number): string {
  return `${fullName}\u0000${attempt}`;
}

/** Every attempt of every test of the file, in Jest's order; tests that called `qase.ignore()` are left out. */
export function toTestResults(file: Pick<FileResult, 'testFilePath' | 'testResults'>, context: FileContext): TestResult[] {
  const filePath = relative(context.cwd, file.testFilePath).split(sep);
  const unclaimed = [...context.attempts];
  const seen = new Map<string, number>();
  const results: TestResult[] = [];
  for (const test of file.testResults) {
    const occurrence = seen.get(test.fullName) ?? 0;
    seen.set(test.fullName, occurrence + 1);
    const attempts = Math.max(1, test.invocations ?? 1);
    const metadata = Array.from({ length: attempts }, (_, i) => mergeMetadata(
      metadataOf(context.metadata, test.fullName, occurrence, i + 1),
      { steps: context.requests?.get(requestsKey(test.fullName, i + 1)) ?? [] },
    ));
    if (metadata.some((m) => m.ignore)) continue;
    let failedBefore = false;
    for (let attempt = 1; attempt < attempts; attempt++) {
      const index = unclaimed.findIndex((a) => a.fullName === test.fullName && a.invocations === attempt);
      const earlier = index === -1 ? undefined : unclaimed.splice(index, 1)[0];
      // Without its onTestCaseResult an earlier attempt still counts. jest.retryTimes only retries failures; Jest
      // kept the error only with logErrorsBeforeRetry.
      const reason = test.retryReasons?.[attempt - 1];
      const source = earlier ?? { ...test, status: 'failed' as const, failureMessages: reason ? [reason] : [], failureDetails: [], duration: 0, startAt: undefined };
      failedBefore ||= source.status === 'failed';
      results.push(toTestResult(source, filePath, attempt, false, metadata[attempt - 1]));
    }
    // `entireDescribe` retries re-run tests that passed, so a pass after passes is not flaky.
    const flaky = test.status === 'passed' && failedBefore;
    results.push(toTestResult(test, filePath, attempts, flaky, metadata[attempts - 1]));
  }
  return results;
}

function metadataOf(metadata: FileContext['metadata'], fullName: string, occurrence: number, attempt: number): TestMetadata {
  // Attempt 0: said on a Jest that cannot tell attempts apart, so it belongs to each of them.
  const any = metadata.get(keyOf({ fullName, occurrence, attempt: 0 }));
  const own = metadata.get(keyOf({ fullName, occurrence, attempt }));
  return mergeMetadata(any ?? {}, own ?? {});
}

function toTestResult(test: JestTest | TestCaseResult, filePath: string[], attempt: number, flaky: boolean, meta: TestMetadata): TestResult {
  const { title, caseIds, projects } = parseCaseIds(test.title);
  const status = test.status === 'failed' ? failureStatus(officialFailure(test), 'failed') : STATUS[test.status];
  const startTimeMs = ('startedAt' in test ? test.startedAt : undefined) ?? test.startAt ?? undefined;
  const durationMs = test.duration ?? 0;
  const result = createTestResult({
    title,
    suitePath: [...filePath, ...test.ancestorTitles],
    // As the official reporter builds it (qase-jest/src/reporter.ts `getSignature`): the ids in the title, each
    // folder and the file, the full name as written, the parameters of `qase.parameters`; no ids when the title
    // names cases per project.
    signature: toSignature(Object.keys(projects).length > 0 ? [] : caseIds, [...filePath, toSignaturePart(test.fullName)], meta.params ?? {}),
    caseIds,
    projects,
    status,
    startTimeMs,
    durationMs,
    endTimeMs: startTimeMs === undefined ? undefined : startTimeMs + durationMs,
    error: status === 'failed' || status === 'invalid' ? toError(test.failureMessages, matcherMessages(test)) : undefined,
    retry: attempt - 1,
    flaky,
  });
  return applyMetadata(result, meta);
}

/**
 * The failure as the official reporter reads it to tell `failed` from `invalid`: the message of each matcher that
 * failed, `Runtime exception` for anything else thrown, and Jest's failure messages as the stack.
 */
function officialFailure(test: JestTest | TestCaseResult): Failure {
  const message = (test.failureDetails ?? []).map((detail) => matcherMessageOf(detail) ?? 'Runtime exception').join('\n\n');
  return { message, stack: test.failureMessages.join('\n\n') };
}

/** What the failed matchers said (`expect(received).toBe(expected) …`), as the official reporter sends it; undefined when something else failed. */
function matcherMessages(test: JestTest | TestCaseResult): string | undefined {
  const messages = (test.failureDetails ?? []).flatMap((detail) => matcherMessageOf(detail) ?? []);
  return messages.length > 0 ? messages.join('\n\n') : undefined;
}

function matcherMessageOf(detail: unknown): string | undefined {
  const matcher = (detail as { matcherResult?: { message?: unknown } } | null)?.matcherResult;
  return matcher?.message === undefined ? undefined : String(matcher.message);
}

// Matchers color their messages when the terminal can show it.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Jest's failure messages are the error's message followed by its stack; the message is the part above `at …`,
 * or what the failed matchers said, as the official reporter sends it.
 */
export function toError(failureMessages: readonly string[], matcherMessage?: string): TestError {
  const stack = failureMessages.join('\n\n').replace(ANSI, '');
  const firstFrame = stack.search(/^\s+at /m);
  const message = (matcherMessage?.replace(ANSI, '') ?? (firstFrame === -1 ? stack : stack.slice(0, firstFrame))).trim();
  return { message: message || 'The test failed without a message.', stack: stack || undefined };
}
