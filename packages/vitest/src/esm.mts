// Native ESM entry (Vitest configs and test files): the CommonJS module that `require` returns, so the config's
// reporter and the tests' `qase` are one instance however each was loaded. Required rather than imported: importing
// CommonJS from ESM makes Node scan the whole file for export names first, and a Vitest worker, cold for every test
// file, pays more for that scan than for loading the module.
import { createRequire } from 'node:module';
import type Reporter from './index.js';

const QaseReporter = createRequire(import.meta.url)('./index.js') as typeof Reporter;
// The default export keeps the meanings `import … from './index.js'` would give it: the instance type, and the types
// merged into the class (`QaseReporter.Qase`).
type QaseReporter = Reporter;
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace QaseReporter {
  export type Qase = Reporter.Qase;
  export type AttachOptions = Reporter.AttachOptions;
  export type QaseContext = Reporter.QaseContext;
}

export default QaseReporter;
export const qase = QaseReporter.qase;
export const withQase = QaseReporter.withQase;
export const addQaseId = QaseReporter.addQaseId;
export const addQaseProjects = QaseReporter.addQaseProjects;
export type { Qase, AttachOptions, ContextQase, QaseContext } from './qase.js';
