// Native ESM entry: the same CommonJS module, so test files and the config share one `qase` and one reporter.
import QaseReporter from './index.js';

export default QaseReporter;
export const qase = QaseReporter.qase;
