// Mocha instantiates what `require` returns, so the module is the reporter class itself, with the per-test API
// merged in: `const { qase } = require('@qase-reporters/mocha')` and `import { qase } from` both work.
import { QaseReporter as Reporter } from './reporter';
import { qase as qaseApi } from './qase';

class QaseReporter extends Reporter {}

// A namespace is the only way to merge a value into a class that is `export =`'d.
// eslint-disable-next-line @typescript-eslint/no-namespace
namespace QaseReporter {
  export const qase = qaseApi;
  export type Qase = import('./qase').Qase;
  export type AttachOptions = import('./qase').AttachOptions;
}

export = QaseReporter;
