// The reporter Mocha loads in each worker process with --parallel, at the main reporter's request (transport.ts).
import type { MochaOptions, Runner } from 'mocha';
import { toJsonText } from '@qase-reporters/core/test-api';
import { addContextCalls } from './qase';
import { recordResults } from './recorder';
import { RESULT_EVENT, WORKER_OPTIONS } from './transport';
import type { ResultEventData, WorkerOptions } from './transport';

type Options = MochaOptions & { [WORKER_OPTIONS]?: WorkerOptions };

/** Mocha's own worker reporter (public: "subclasses could override" its methods), which has no published types. */
interface BufferedReporter {
  /** A listener that buffers `eventName` with its data, to be emitted on the main process's runner. */
  createListener(eventName: string): (data: object) => void;
}

/**
 * Mocha's own worker reporter, which sends the file's events to the main process, plus our results among them.
 * Mocha calls this with `new`; a constructor that returns an object makes that object the instance, so the worker
 * gets Mocha's reporter itself. Its file is the one the main process's Mocha named (`.js` up to Mocha 11, `.cjs`
 * from 12), not one resolved here, which could be another Mocha's or not exist.
 */
function QaseWorkerReporter(runner: Runner, options: Options = {}): BufferedReporter {
  const workerOptions = options[WORKER_OPTIONS];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Buffered = require(workerOptions!.bufferedReporter) as new (runner: Runner, options: MochaOptions) => BufferedReporter;
  const reporter = new Buffered(runner, options);
  const send: (data: ResultEventData) => void = reporter.createListener(RESULT_EVENT);
  addContextCalls(runner.suite?.ctx);
  recordResults(runner, {
    cwd: process.cwd(),
    captureLogs: workerOptions?.captureLogs ?? false,
    network: workerOptions?.network,
    grep: options.grep instanceof RegExp ? options.grep : undefined,
    invert: options.invert,
    add: (result) => send({ result: toJsonText(result) }),
  });
  return reporter;
}

export = QaseWorkerReporter;
