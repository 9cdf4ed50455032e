// Projects set up as jest-qase-reporter's and mocha-qase-reporter's READMEs show, switched by the real
// `qase-reporters migrate` bin, then run by the real Jest and Mocha CLIs into the emulator: what the emulator stored
// is what we assert on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, emulatorFor, REPO, resultsOf, run, tempDir, testopsEnv, titlesOf, writeProject } from './harness';

const CLI = join(REPO, 'packages/cli/dist/cli.js');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'packages/jest/package.json'), 'utf8')) as { version: string }).version;
const TMP = tempDir('migrate');

// jest-qase-reporter's README: the reporter with its options in jest.config.js, the per-test API from
// jest-qase-reporter/jest, and the project's own settings for where the cache and tests are. The project code in
// the options is a real one (the README's placeholder is refused by our config check even when the environment
// overrides it); QASE_TESTOPS_PROJECT overrides it here, as in CI.
const OFFICIAL_PROJECT = {
  'package.json': `{
  "name": "shop",
  "private": true,
  "scripts": {
    "test": "jest"
  },
  "devDependencies": {
    "jest": "^29.7.0",
    "jest-qase-reporter": "^2.1.3"
  }
}
`,
  'jest.config.js': `module.exports = {
  testMatch: ['**/*.test.?(m)js'],
  cacheDirectory: '.jest-cache',
  reporters: [
    'default',
    [
      'jest-qase-reporter',
      {
        mode: 'testops',
        testops: {
          api: {
            token: process.env.QASE_API_TOKEN,
          },
          project: 'SHOP',
          run: {
            complete: true,
          },
        },
      },
    ],
  ],
};
`,
  'test/cart.test.js': `const { qase } = require('jest-qase-reporter/jest');

describe('Cart', () => {
  test(qase(1, 'adds an item'), () => {
    qase.fields({ severity: 'major' });
    expect([1].length).toBe(1);
  });

  test('applies a coupon (Qase ID: 2)', () => {
    expect(10 - 1).toBe(8);
  });

  test.skip('pays with a card', () => {});
});
`,
  'test/checkout.test.mjs': `import { qase } from 'jest-qase-reporter/jest';

test(qase(3, 'checks out'), async () => {
  await qase.step('confirm', async () => {});
});
`,
};

// mocha-qase-reporter's README, with the reporter in .mocharc.yml as a plain YAML value, which ours cannot be
// (a value starting with @ must be quoted).
const OFFICIAL_MOCHA_PROJECT = {
  'package.json': `{\n  "devDependencies": {\n    "mocha": "^11.7.5",\n    "mocha-qase-reporter": "^1.1.6"\n  }\n}\n`,
  '.mocharc.yml': `spec: test/*.spec.js\nreporter: mocha-qase-reporter\n`,
  'test/users.spec.js': `const { qase } = require('mocha-qase-reporter/mocha');
const assert = require('node:assert');

describe('Users', function () {
  it(qase(4, 'lists users'), function () {
    qase.comment('two users');
    assert.ok(true);
  });
  it('adds a user', function () {
    assert.equal(1, 2);
  });
});
`,
};

const emulator = emulatorFor();

describe('qase-reporters migrate, then Jest', () => {
  it('switches a project set up from the official docs, whose tests then report every result once', async () => {
    const dir = writeProject(join(TMP, 'shop'), OFFICIAL_PROJECT);

    // test/.tmp is ignored by git, so the project counts as committed and migrate writes without --force.
    const migrated = await run(process.execPath, [CLI, 'migrate'], { cwd: dir });
    expect(migrated.code, migrated.output).toBe(0);
    expect(migrated.stdout).toBe('Rewrote 4 files:\n  jest.config.js\n  package.json\n  test/cart.test.js\n  test/checkout.test.mjs\nNow run: npm install\n');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toContain(`"@qase-reporters/jest": "^${VERSION}"`);
    expect((await run(process.execPath, [CLI, 'migrate', '--dry-run'], { cwd: dir })).stdout).toBe('Nothing to migrate: nothing in . names an official Qase reporter.\n');

    // @qase-reporters/jest resolves from the workspace's node_modules, as `npm install` would make it resolve.
    const title = 'migrated shop';
    // The ESM test file needs Jest's ESM support, which Node's flag turns on.
    const jest = await run(bin('jest'), [], {
      cwd: dir,
      env: { NODE_OPTIONS: '--experimental-vm-modules', ...testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: title }) },
      hide: /^JEST_/,
    });
    expect(jest.code, jest.output).toBe(1);
    const state = emulator().state();
    const results = resultsOf(state, title);
    expect(titlesOf(results), jest.output).toEqual([
      ['adds an item', 'passed'],
      ['applies a coupon', 'failed'],
      ['checks out', 'passed'],
      ['pays with a card', 'skipped'],
    ]);
    expect(results.find((r) => r.title === 'adds an item')).toMatchObject({ testops_ids: [1], fields: { severity: 'major' } });
    expect(results.find((r) => r.title === 'applies a coupon')?.testops_ids).toEqual([2]);
    expect(results.find((r) => r.title === 'checks out')?.steps?.map((s) => s.data.action)).toEqual(['confirm']);
    // The options the project had (run.complete) are still read: the run was completed, once.
    expect(state.runs.find((r) => r.title === title)).toMatchObject({ status: 'complete', completions: 1 });
  });

  it('switches a Mocha project whose .mocharc.yml names the reporter, whose tests then report every result once', async () => {
    const dir = writeProject(join(TMP, 'users'), OFFICIAL_MOCHA_PROJECT);
    const migrated = await run(process.execPath, [CLI, 'migrate'], { cwd: dir });
    expect(migrated.code, migrated.output).toBe(0);
    expect(readFileSync(join(dir, '.mocharc.yml'), 'utf8')).toBe("spec: test/*.spec.js\nreporter: '@qase-reporters/mocha'\n");

    const title = 'migrated users';
    const mocha = await run(bin('mocha'), [], { cwd: dir, env: testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: title }) });
    expect(mocha.code, mocha.output).toBe(1);
    const results = resultsOf(emulator().state(), title);
    expect(titlesOf(results), mocha.output).toEqual([
      ['adds a user', 'failed'],
      ['lists users', 'passed'],
    ]);
    expect(results.find((r) => r.title === 'lists users')).toMatchObject({ testops_ids: [4], message: 'two users' });
  });
});
