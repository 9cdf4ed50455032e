// The second front door: what test files load. An adapter's per-test API is imported into every test file of every
// worker (Jest and Vitest give each file a fresh module registry, so it loads once per file), and needs none of the
// reporter's config reader, upload pipeline or HTTP client. Everything here loads only Node's own modules.
export type { Attachment, Step, StepStatus } from './model';
export type { TestMetadata } from './metadata';
export { wallClockMs } from './clock';
export type { AsyncScope } from './async-scope';
export { createAsyncScope, isPromiseLike } from './async-scope';
export type { AttachOptions, ProjectMapping, QaseApi, QaseRecorder, QaseStepContext, StepBody } from './qase-api';
export { createQaseApi, createWarnOnce, mergeMetadata } from './qase-api';
export { fromJsonText, toJsonText } from './json-bytes';
export type { NetworkOptions, RequestRecorder } from './network';
import type { NetworkOptions, RequestRecorder } from './network';

// The network profiler (Playwright's fixture only) loads when called: a Jest or Vitest test file, which loads this
// once per file, does not pay for it.
type Network = typeof import('./network');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const network = (): Network => require('./network') as Network;

export function recordRequests(options: NetworkOptions): RequestRecorder {
  return network().recordRequests(options);
}

export function networkOptionsFromReporter(): NetworkOptions | undefined {
  return network().networkOptionsFromReporter();
}
