// Mocha's worker reporter (public: "subclasses could override" its methods) has no published types.
declare module 'mocha/lib/nodejs/reporters/parallel-buffered.cjs' {
  import type { MochaOptions, Runner } from 'mocha';

  class ParallelBuffered {
    constructor(runner: Runner, options?: MochaOptions);
    /** A listener that buffers `eventName` with its data, to be emitted on the main process's runner. */
    createListener(eventName: string): (data: object) => void;
    done(failures: number, callback: (result: unknown) => void): void;
  }
  export = ParallelBuffered;
}
