// Jest instantiates what `require` returns, so the module is the reporter class itself, with the per-test API
// merged in: `const { qase } = require('@qase-reporters/jest')` and `import { qase } from` both work.
import type { QaseReporter as Reporter } from './reporter';
import { qase as qaseApi } from './qase';

// Every test file imports this module for `qase`, in a fresh module registry each, and only Jest's main process
// instantiates the reporter: its code (config, upload pipeline, HTTP client) loads when Jest calls `new`.
// The instance is the loaded reporter's, so the class takes its members from the interface below.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class QaseReporter {
  constructor(...args: ConstructorParameters<typeof Reporter>) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { QaseReporter: Loaded } = require('./reporter') as typeof import('./reporter');
    return new Loaded(...args);
  }
}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
interface QaseReporter extends Reporter {}

// A namespace is the only way to merge a value into a class that is `export =`'d.
// eslint-disable-next-line @typescript-eslint/no-namespace
namespace QaseReporter {
  export const qase = qaseApi;
  export type Qase = import('./qase').Qase;
  export type AttachOptions = import('./qase').AttachOptions;
}

export = QaseReporter;
