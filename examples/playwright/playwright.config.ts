import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  retries: 1,
  reporter: [
    ['list'],
    // The token comes from QASE_TESTOPS_API_TOKEN; every option can also be set by its QASE_* variable.
    ['@qase-reporters/playwright', { testops: { project: 'DEMO', run: { title: 'Playwright example' } } }],
  ],
});
