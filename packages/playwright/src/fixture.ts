// `import { test, expect } from '@qase-reporters/playwright/fixture'`: Playwright's `test` with the network
// profiler as an automatic fixture, as the official reporter's `/fixture` export offers. With `profilers:
// ["network"]` each test's HTTP requests (the `request` fixture, `fetch`, node:http in the test's own code) become
// steps of its result; otherwise the fixture does nothing.
import { test as base } from '@playwright/test';
import { networkOptionsFromReporter, recordRequests } from '@qase-reporters/core/test-api';
import { REQUEST_STEPS_CONTENT_TYPE } from './transport';

export { expect } from '@playwright/test';

export const test = base.extend<{ qaseNetworkProfiler: void }>({
  // Playwright reads the fixture's parameters from its source: the empty pattern says it needs no other fixture.
  // eslint-disable-next-line no-empty-pattern
  qaseNetworkProfiler: [async ({}, use, testInfo) => {
    const options = networkOptionsFromReporter();
    if (!options) return use();
    const recorder = recordRequests(options);
    try {
      await use();
    } finally {
      recorder.stop();
      const steps = recorder.take();
      if (steps.length > 0) {
        const body = Buffer.from(JSON.stringify(steps));
        testInfo.attachments.push({ name: 'qase-requests.json', contentType: REQUEST_STEPS_CONTENT_TYPE, body });
      }
    }
  }, { auto: true }],
});
