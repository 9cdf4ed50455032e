// Native ESM entry: the same CommonJS module, so ESM test files and the reporter share one `qase`.
import QaseReporter from './index.js';

export default QaseReporter;
export const qase = QaseReporter.qase;
