// What real suites do that generated ones do not, in each framework's real CLI against the emulator: tests with an
// empty or blank title (legal in all four), and tests a failed beforeAll/before hook kept from running.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, emulatorFor, resultsOf, run, tempDir, testopsEnv, writeProject } from './harness';
import type { Files } from './harness';

const TMP = tempDir('untitled');

interface Framework {
  name: string;
  files: Files;
  command: string;
  args: string[];
  /** Variables of the workspace's own test run that the child must not inherit. */
  hide?: RegExp;
  /** [title, status, signature, whether the message has the hook's error] of every result the suite must store. */
  expected: [string, string, string, boolean][];
}

const FRAMEWORKS: Framework[] = [
  {
    name: 'Jest',
    command: bin('jest'),
    args: [],
    files: {
      'jest.config.js': "module.exports = { reporters: ['@qase-reporters/jest'], testMatch: ['**/*.test.js'], cacheDirectory: '.jest-cache' };\n",
      'cart.test.js': "describe('Cart', () => {\n  test('', () => {});\n  test('   ', () => {});\n});\ntest('', () => {});\n",
    },
    // Jest itself fails the tests of a failed beforeAll (the official reporter sends them `invalid`), so no hook here.
    expected: [
      ['Untitled test in cart.test.js', 'passed', 'cart.test.js', false],
      ['Untitled test in cart.test.js > Cart', 'passed', 'cart.test.js::cart_', false],
      ['Untitled test in cart.test.js > Cart', 'passed', 'cart.test.js::cart____', false],
    ],
  },
  {
    name: 'Mocha',
    command: bin('mocha'),
    args: ['--reporter', '@qase-reporters/mocha', 'cart.spec.js'],
    files: {
      'cart.spec.js': "describe('Cart', function () {\n  it('', function () {});\n  it('   ', function () {});\n});\n" +
        "it('', function () {});\n" +
        "describe('Orders', function () {\n  before(function () { throw new Error('db down'); });\n  it('lists', function () {});\n});\n",
    },
    expected: [
      ['Untitled test', 'passed', 'cart.spec.js', false],
      ['Untitled test in Cart', 'passed', 'cart.spec.js::cart', false],
      ['Untitled test in Cart', 'passed', 'cart.spec.js::cart::___', false],
      ['lists', 'skipped', 'cart.spec.js::orders::lists', true],
    ],
  },
  {
    name: 'Vitest',
    command: bin('vitest'),
    args: ['run', '--config', 'vitest.config.mts'],
    hide: /^VITEST/,
    files: {
      'vitest.config.mts': "export default { test: { include: ['*.test.ts'], reporters: ['@qase-reporters/vitest'] } };\n",
      'cart.test.ts': "import { beforeAll, describe, test } from 'vitest';\n" +
        "describe('Cart', () => {\n  test('', () => {});\n  test('   ', () => {});\n});\ntest('', () => {});\n" +
        "describe('Orders', () => {\n  beforeAll(() => { throw new Error('db down'); });\n  test('lists', () => {});\n});\n",
    },
    expected: [
      // The official signature of a test without describe blocks or title is empty: ours is made from the new title.
      ['Untitled test in cart.test.ts', 'passed', 'cart.test.ts::untitled_test_in_cart.test.ts', false],
      ['Untitled test in cart.test.ts > Cart', 'passed', 'Cart > ', false],
      ['Untitled test in cart.test.ts > Cart', 'passed', 'Cart >    ', false],
      ['lists', 'skipped', 'Orders > lists', true],
    ],
  },
  {
    name: 'Playwright',
    command: bin('playwright'),
    args: ['test'],
    hide: /^PLAYWRIGHT_/,
    files: {
      'playwright.config.js': "module.exports = { testDir: 'tests', outputDir: 'test-results', reporter: [['@qase-reporters/playwright']] };\n",
      'tests/cart.spec.js': "const { test } = require('@playwright/test');\n" +
        "test.describe('Cart', () => {\n  test('', () => {});\n  test('   ', () => {});\n});\ntest('', () => {});\n" +
        "test.describe('Orders', () => {\n  test.beforeAll(() => { throw new Error('db down'); });\n  test('lists', () => {});\n  test('pays', () => {});\n});\n",
    },
    expected: [
      // Playwright fails the first test of a failed beforeAll, and skips the rest. A thrown Error is no assertion:
      // `invalid`, as the official reporter sends it.
      ['Untitled test in cart.spec.js', 'passed', 'cart.spec.js', false],
      ['Untitled test in cart.spec.js > Cart', 'passed', 'cart.spec.js::cart', false],
      ['Untitled test in cart.spec.js > Cart', 'passed', 'cart.spec.js::cart', false],
      ['lists', 'invalid', 'cart.spec.js::orders::lists', true],
      ['pays', 'skipped', 'cart.spec.js::orders::pays', false],
    ],
  },
];

describe.each(FRAMEWORKS)('$name', ({ name, files, command, args, hide, expected }) => {
  const emulator = emulatorFor();

  it('delivers tests with an empty or blank title, named after their suite, and skips the tests a failed hook kept from running', async () => {
    const dir = writeProject(join(TMP, name), files);
    const result = await run(command, args, { cwd: dir, env: testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: name }), hide });
    const state = emulator().state();
    const results = resultsOf(state, name);
    const stored = results.map((r) => [r.title, r.execution.status, r.signature, /db down/.test(r.message ?? '')]);
    expect(stored.sort(), result.output).toEqual([...expected].sort());
    expect(state.requests.filter((r) => r.status >= 400), result.output).toEqual([]);
    expect(state.runs.map((r) => r.status)).toEqual(['complete']);
  });
});
