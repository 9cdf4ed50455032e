// `setupFiles: ['@qase-reporters/vitest/setup']`: the network profiler where Vitest runs the tests, as the official
// reporter's setup file offers. With `profilers: ["network"]` the requests each test makes (node:http, `fetch`)
// become steps of its result, after its own; otherwise this file does nothing. It is ESM because Vitest's hooks
// cannot be required from CommonJS.
import { afterEach, beforeEach } from 'vitest';
import { addRequestSteps } from './qase.js';
import { networkOptionsFromReporter, recordRequests } from '@qase-reporters/core/test-api';

const options = networkOptionsFromReporter();
if (options) {
  const recorder = recordRequests(options);
  // Requests made before the test (a `beforeAll` hook) belong to none.
  beforeEach(() => {
    recorder.take();
  });
  afterEach(({ task }) => {
    addRequestSteps(task, recorder.take());
  });
}
