import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/.tmp/**'],
    // End-to-end tests start real frameworks in child processes; a whole file gets a generous budget.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
