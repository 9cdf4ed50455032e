// The reporter Mocha loads in each worker process with --parallel, at the main reporter's request (transport.ts).
import ParallelBuffered from 'mocha/lib/nodejs/reporters/parallel-buffered.cjs';
import type { MochaOptions, Runner } from 'mocha';
import { addContextCalls } from './qase';
import { recordResults } from './recorder';
import { RESULT_EVENT, toWire, WORKER_OPTIONS } from './transport';
import type { ResultEventData, WorkerOptions } from './transport';

type Options = MochaOptions & { [WORKER_OPTIONS]?: WorkerOptions };

/** Mocha's own worker reporter, which sends the file's events to the main process, plus our results among them. */
class QaseWorkerReporter extends ParallelBuffered {
  constructor(runner: Runner, options: Options = {}) {
    super(runner, options);
    const send: (data: ResultEventData) => void = this.createListener(RESULT_EVENT);
    addContextCalls(runner.suite?.ctx);
    recordResults(runner, {
      cwd: process.cwd(),
      captureLogs: options[WORKER_OPTIONS]?.captureLogs ?? false,
      network: options[WORKER_OPTIONS]?.network,
      grep: options.grep instanceof RegExp ? options.grep : undefined,
      invert: options.invert,
      add: (result) => send({ result: toWire(result) }),
    });
  }
}

export = QaseWorkerReporter;
