import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: [
      'default',
      // The token comes from QASE_TESTOPS_API_TOKEN; every option can also be set by its QASE_* variable.
      ['@qase-reporters/vitest', { testops: { project: 'DEMO', run: { title: 'Vitest example' } } }],
    ],
  },
});
