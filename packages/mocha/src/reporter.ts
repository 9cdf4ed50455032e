import { reporters, Runner } from 'mocha';
import type { MochaOptions } from 'mocha';
import { createCollector, networkOptionsOf } from '@qase-reporters/core';
import type { Collector, TestResult } from '@qase-reporters/core';
import { fromJsonText } from '@qase-reporters/core/test-api';
import { startExtraReporters } from './extra-reporters';
import type { RunningReporter } from './extra-reporters';
import { addContextCalls } from './qase';
import { recordResults } from './recorder';
import { RESULT_EVENT, WORKER_OPTIONS } from './transport';
import type { ResultEventData, WorkerOptions } from './transport';

/** What Mocha's parallel runner offers reporters (Mocha ≥ 8); not in @types/mocha. */
interface ParallelRunner {
  isParallelMode(): boolean;
  workerReporter(path: string): unknown;
  /** The worker reporter's file: Mocha's own until `workerReporter` replaces it (Mocha 8 to 12 alike). */
  _workerReporter: string;
}

/**
 * `reporter: '@qase-reporters/mocha'` in `.mocharc`, options under `reporterOption`. Mocha runs one reporter, so
 * this one is also Mocha's `spec` reporter: the console output stays what it was.
 */
export class QaseReporter extends reporters.Spec {
  readonly #collector: Collector | undefined;
  #extras: RunningReporter[] = [];

  constructor(runner: Runner, options: MochaOptions = {}) {
    super(runner, options);
    if (options.dryRun) {
      process.stderr.write('qase: mocha --dry-run runs no tests, so nothing is sent to Qase.\n');
      return;
    }
    // Also when nothing is sent: a suite written for the official reporter calls `this.title(…)` either way.
    addContextCalls(runner.suite?.ctx);
    const collector = createCollector(reporterOptions(options), { framework: 'mocha' });
    this.#collector = collector;
    this.#extras = startExtraReporters(collector.config.framework.mocha.extraReporters, runner, options, process.cwd());
    runner.once(Runner.constants.EVENT_RUN_BEGIN, () => collector.startRun());
    if (collector.config.mode === 'off') return;
    const { captureLogs } = collector.config;
    const network = networkOptionsOf(collector.config);
    const parallel = runner as unknown as ParallelRunner;
    if (parallel.isParallelMode()) {
      const workerOptions: WorkerOptions = { captureLogs, bufferedReporter: parallel._workerReporter, network };
      parallel.workerReporter(require.resolve('./worker'));
      // The parallel runner sends these very options to every worker, where the worker reporter reads them.
      Object.assign(options, { [WORKER_OPTIONS]: workerOptions });
      runner.on(RESULT_EVENT, (data: ResultEventData) => collector.add(fromJsonText<TestResult>(data.result)));
    } else {
      const grep = options.grep instanceof RegExp ? options.grep : undefined;
      recordResults(runner, { cwd: process.cwd(), captureLogs, grep, invert: options.invert, network, add: (result) => collector.add(result) });
    }
  }

  // Mocha hands its exit callback to a reporter that has `done` and exits (--exit included) only once it is called,
  // so the last uploads finish first (within `testops.deadlineMs`). Serial and --parallel alike.
  // The extra reporters' `done` (a file reporter closing its file) runs first, as Mocha would call it.
  override done(failures: number, fn?: (failures: number) => void): void {
    const collector = this.#collector;
    void Promise.all(this.#extras.map(finish(failures)))
      .then(() => collector?.end())
      .then(() => fn?.(failures));
  }
}

/**
 * Mocha 11 and older read `reporter-option` as `key=value` text, also in `.mocharc`: an object there reaches the
 * reporter as this one key, with the options lost.
 */
const OBJECT_AS_TEXT = '[object Object]';

function reporterOptions(options: MochaOptions): unknown {
  const { [OBJECT_AS_TEXT]: lost, ...own } = (options.reporterOptions ?? {}) as Record<string, unknown>;
  if (lost !== undefined) {
    process.stderr.write('qase: this Mocha version passed the reporter-option object of your Mocha config as text, so ' +
      'its options are not read (Mocha 12 reads objects). Put them in qase.config.json or their QASE_* variables.\n');
  }
  return own;
}

function finish(failures: number): (reporter: RunningReporter) => Promise<void> {
  return (reporter) => new Promise<void>((settle) => {
    if (typeof reporter.done !== 'function') return settle();
    try {
      reporter.done(failures, () => settle());
    } catch (error) {
      process.stderr.write(`qase: an extra Mocha reporter failed to finish (${(error as Error).message}).\n`);
      settle();
    }
  });
}
