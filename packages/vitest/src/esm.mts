// Native ESM entry: the same CommonJS module, so the config's reporter and the tests' `qase` share one instance.
import QaseReporter from './index.js';

export default QaseReporter;
export const qase = QaseReporter.qase;
export const withQase = QaseReporter.withQase;
export const addQaseId = QaseReporter.addQaseId;
export const addQaseProjects = QaseReporter.addQaseProjects;
export type { Qase, AttachOptions, ContextQase, QaseContext } from './qase.js';
