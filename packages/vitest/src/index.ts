// Vitest instantiates the default export, so the module is the reporter class itself, with the per-test API
// merged in: `import { qase, withQase } from '@qase-reporters/vitest'` in tests, and `require` works the same way.
import { QaseReporter as Reporter } from './reporter';
import { addQaseId as addQaseIdApi, addQaseProjects as addQaseProjectsApi, qase as qaseApi, withQase as withQaseApi } from './qase';

class QaseReporter extends Reporter {}

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
