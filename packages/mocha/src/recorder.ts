// Mocha's runner events → one TestResult per attempt, in the process that runs the tests: the main process, or each
// worker with --parallel (see transport.ts). Also the listener that `qase.*` calls of the running test record into.
import { Runner } from 'mocha';
import type { Hook, Runnable, Suite, Test } from 'mocha';
import { type NetworkOptions, terminalSafe, type TestError, type TestMetadata, type TestResult } from '@qase-reporters/core';
import { recordRequests, wallClockMs } from '@qase-reporters/core';
import { listen } from './qase';
import { toError, toTestResult } from './result';
import type { Outcome } from './result';

const {
  EVENT_HOOK_BEGIN,
  EVENT_RUN_END,
  EVENT_SUITE_BEGIN,
  EVENT_SUITE_END,
  EVENT_TEST_BEGIN,
  EVENT_TEST_FAIL,
  EVENT_TEST_PASS,
  EVENT_TEST_PENDING,
  EVENT_TEST_RETRY,
} = Runner.constants;

export interface RecorderOptions {
  cwd: string;
  /** Collect what the test prints (stdout and stderr) while its attempt is open. */
  captureLogs: boolean;
  /** Mocha's resolved `grep` (`--grep`, `--fgrep`) and `invert`: tests they leave out never become results. */
  grep?: RegExp;
  invert?: boolean;
  /** The network profiler's options when it is on: each attempt's HTTP requests become its last steps. */
  network?: NetworkOptions;
  /** Receives each attempt once it is over, afterEach hooks included. */
  add(result: TestResult): void;
}

/** Public in Mocha, but `protected` or missing in @types/mocha. */
interface AttemptOf {
  currentRetry(): number;
}

interface OpenAttempt {
  test: Test;
  startTimeMs: number;
  outcome?: Outcome;
  error?: TestError;
  calls: TestMetadata[];
  logs: string[];
}

/**
 * Records until the run ends. An attempt opens when its test begins and closes when the next test, hook of a
 * describe block or suite begins: afterEach hooks run after Mocha's `test end`, and what they attach (a screenshot
 * of a failure) belongs to the attempt.
 */
export function recordResults(runner: Runner, options: RecorderOptions): void {
  let open: OpenAttempt | undefined;
  let muted = false;
  /** Every attempt that became a result: a late error of one ("done() called multiple times") is not another. */
  const reported = new WeakSet<Test>();
  /** Suites whose hook failed, with the error their unrun tests get when the suite ends. */
  const failedHooks = new Map<Suite, TestError>();
  const stopListening = listen({ current: () => open?.calls });
  const requests = options.network ? recordRequests(options.network) : undefined;
  const stopCapturing = options.captureLogs
    ? captureOutput((text) => {
      if (open && !muted) open.logs.push(text);
    })
    : () => undefined;

  function begin(test: Test): OpenAttempt {
    close();
    // Requests made between tests (a `before` hook) belong to none.
    requests?.take();
    open = { test, startTimeMs: wallClockMs(), calls: [], logs: [] };
    return open;
  }

  function close(): void {
    const attempt = open;
    if (!attempt) return;
    open = undefined;
    const { test } = attempt;
    reported.add(test);
    const result = toTestResult({
      title: test.title,
      file: test.file,
      describes: test.parent?.titlePath() ?? [],
      retry: (test as unknown as AttemptOf).currentRetry(),
      startTimeMs: attempt.startTimeMs,
      durationMs: test.duration ?? wallClockMs() - attempt.startTimeMs,
      outcome: attempt.outcome,
      error: attempt.error,
      calls: requests ? [...attempt.calls, { steps: requests.take() }] : attempt.calls,
      logs: attempt.logs.join('') || undefined,
    }, options.cwd);
    if (result) options.add(result);
  }

  function settle(test: Test, outcome: Outcome, error?: TestError): void {
    if (reported.has(test) && open?.test !== test) return;
    const attempt = open?.test === test ? open : begin(test);
    if (attempt.error) return; // the first failure is the one that counts
    attempt.outcome = outcome;
    attempt.error = error;
  }

  function hookFailed(hook: Hook, thrown: unknown): void {
    const error = toError(thrown, `${hook.title} failed: `);
    // A failed beforeEach or afterEach fails the test it ran for, which is still open.
    if (open && isEachHook(hook) && hook.ctx?.currentTest === open.test && !open.error) {
      open.outcome = 'fail';
      open.error = error;
    }
    // Mocha then skips the rest of the hook's suite; its tests are reported skipped, with this error, when the suite
    // ends.
    if (hook.parent && !failedHooks.has(hook.parent)) failedHooks.set(hook.parent, error);
  }

  /**
   * Results for the tests of `suite` that a failed hook kept from running: skipped, since they did not run and Mocha
   * does not count them as failures (the official Vitest and Playwright reporters send such tests skipped too), with
   * the hook's error as the reason.
   */
  function reportUnrun(suite: Suite): void {
    const error = failedHooks.get(suite);
    if (!error) return;
    failedHooks.delete(suite);
    for (const test of testsOf(suite)) {
      if (reported.has(test) || !matches(test)) continue;
      settle(test, 'pending', test.isPending() ? undefined : error);
      close();
    }
  }

  function matches(test: Test): boolean {
    return options.grep === undefined || options.grep.test(test.fullTitle()) !== (options.invert === true);
  }

  const on = (event: string, handler: (...args: never[]) => void): void => {
    // The console reporter prints from its own listeners of these events, which run between these two: that is
    // Mocha's output, not the test's.
    runner.prependListener(event, () => {
      muted = true;
    });
    runner.on(event, (...args: unknown[]) => {
      try {
        handler(...(args as never[]));
      } catch (error) {
        // A listener that throws would break Mocha's run; one lost result is the smaller harm.
        process.stderr.write(`qase: could not record a result (${terminalSafe((error as Error).message)}); it is not sent.\n`);
      } finally {
        muted = false;
      }
    });
  };

  on(EVENT_TEST_BEGIN, (test: Test) => {
    // --fail-hook-affected-tests begins a test again when its beforeEach failed.
    if (open?.test !== test) begin(test);
  });
  on(EVENT_TEST_PASS, (test: Test) => settle(test, 'pass'));
  on(EVENT_TEST_PENDING, (test: Test) => settle(test, 'pending'));
  on(EVENT_TEST_RETRY, (test: Test, thrown: unknown) => settle(test, 'retry', toError(thrown)));
  on(EVENT_TEST_FAIL, (runnable: Runnable & { type?: string }, thrown: unknown) => {
    if (runnable.type === 'hook') hookFailed(runnable as Hook, thrown);
    else if (runnable.type === 'test') settle(runnable as Test, 'fail', toError(thrown));
    // Anything else is Mocha's "Uncaught error outside test suite": no test's result.
  });
  on(EVENT_HOOK_BEGIN, (hook: Hook) => {
    if (!(isEachHook(hook) && hook.ctx?.currentTest === open?.test)) close();
  });
  on(EVENT_SUITE_BEGIN, close);
  on(EVENT_SUITE_END, (suite: Suite) => {
    close();
    reportUnrun(suite);
  });
  on(EVENT_RUN_END, () => {
    close();
    stopListening();
    stopCapturing();
    requests?.stop();
  });
}

/** beforeEach and afterEach hooks run for one test; Mocha titles hooks `"before each" hook…`, `"after all" hook…`. */
function isEachHook(hook: Hook): boolean {
  return /^"(before|after) each" hook/.test(hook.originalTitle ?? hook.title);
}

function testsOf(suite: Suite): Test[] {
  return [...suite.tests, ...suite.suites.flatMap(testsOf)];
}

/** Passes stdout and stderr through, showing each chunk to `onText` first; returns the undo. */
function captureOutput(onText: (text: string) => void): () => void {
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      onText(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return (originals[i] as (...args: unknown[]) => boolean).apply(this, [chunk, ...rest]);
    } as typeof stream.write;
  });
  return () => streams.forEach((stream, i) => {
    stream.write = originals[i]!;
  });
}
