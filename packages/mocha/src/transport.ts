// With --parallel, tests run in worker processes and this reporter in the main process hears only what Mocha sends
// it: each test file's runner events, serialized once the file is done, with anything added to `this.test` dropped.
// So the recorder (recorder.ts) runs where the tests run: Mocha loads worker.ts as the workers' reporter, on our
// request (`runner.workerReporter`). There it records each attempt into a finished TestResult and sends it, as JSON
// text with attached bytes in base64 (`toJsonText`), as a runner event of its own, RESULT_EVENT, in the same
// message as the file's events; the main process parses it and hands it to the collector. Nothing is written to
// disk and no option or setup file is needed.
import type { NetworkOptions } from '@qase-reporters/core';

export const RESULT_EVENT = 'qase:result';

/** The Mocha option, set by the main process's reporter, that tells the workers' reporters what to record. */
export const WORKER_OPTIONS = 'qaseWorker';

export interface WorkerOptions {
  captureLogs: boolean;
  /** The file of Mocha's own worker reporter, as the main process's Mocha resolved it, for ours to wrap. */
  bufferedReporter: string;
  network?: NetworkOptions;
}

/** The data of a RESULT_EVENT: text, which Mocha's serializer passes through untouched. */
export interface ResultEventData {
  result: string;
}
