// The reporters of `npx playwright merge-reports --config merge.config.ts`: they see every shard's results.
// testDir must be the one in playwright.config.ts, so tests keep the same paths (and the same suites in Qase).
export default {
  testDir: 'tests',
  reporter: [['html', { open: 'never' }], ['@qase-reporters/playwright']],
};
