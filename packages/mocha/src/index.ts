// Mocha instantiates what `require` returns, so the module is the reporter class itself, with the per-test API
// merged in: `const { qase } = require('@qase-reporters/mocha')` and `import { qase } from` both work.
import type { QaseReporter as Reporter } from './reporter';
import { qase as qaseApi } from './qase';

// Test files import this module for `qase`; the reporter's code (config, upload pipeline, HTTP client) loads when
// Mocha calls `new`, in the main process only.
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
