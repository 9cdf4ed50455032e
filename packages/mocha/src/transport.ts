// With --parallel, tests run in worker processes and this reporter in the main process hears only what Mocha sends
// it: each test file's runner events, serialized once the file is done, with anything added to `this.test` dropped.
// So the recorder (recorder.ts) runs where the tests run: Mocha loads worker.ts as the workers' reporter, on our
// request (`runner.workerReporter`). There it records each attempt into a finished TestResult and sends it as a
// runner event of its own, RESULT_EVENT, in the same message as the file's events; the main process parses it
// and hands it to the collector. Nothing is written to disk and no option or setup file is needed.
import type { NetworkOptions, TestResult } from '@qase-reporters/core';

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

// Attached content as base64 instead of JSON's array of byte numbers, which is about three times as long.
const BUFFER = '$qaseBuffer';

export function toWire(result: TestResult): string {
  return JSON.stringify(result, function (this: Record<string, unknown>, key: string, value: unknown) {
    // `value` is what Buffer's toJSON made of it; `this[key]` is still the Buffer.
    const raw = this[key];
    return Buffer.isBuffer(raw) ? { [BUFFER]: raw.toString('base64') } : value;
  });
}

export function fromWire(text: string): TestResult {
  return JSON.parse(text, (_key, value: unknown) => {
    const encoded = (value as Record<string, unknown> | null)?.[BUFFER];
    return typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : value;
  }) as TestResult;
}
