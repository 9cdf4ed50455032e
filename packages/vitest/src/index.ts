// Vitest instantiates the default export, so the module is the reporter class itself, with the per-test API
// merged in: `import { qase, withQase } from '@qase-reporters/vitest'` in tests, and `require` works the same way.
import type { QaseReporter as Reporter } from './reporter';
import { addQaseId as addQaseIdApi, addQaseProjects as addQaseProjectsApi, qase as qaseApi, withQase as withQaseApi } from './qase';

// Every test file imports this module for `qase` (Vitest runs each file in a fresh process or module graph), and only
// the main process instantiates the reporter: its code (config, upload pipeline, HTTP client) loads on `new`.
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

// A namespace is the only way to merge values into a class that is `export =`'d.
// eslint-disable-next-line @typescript-eslint/no-namespace
namespace QaseReporter {
  export const qase = qaseApi;
  export const withQase = withQaseApi;
  export const addQaseId = addQaseIdApi;
  export const addQaseProjects = addQaseProjectsApi;
  export type Qase = import('./qase').Qase;
  export type AttachOptions = import('./qase').AttachOptions;
  export type QaseContext = import('./qase').QaseContext;
}

export = QaseReporter;
