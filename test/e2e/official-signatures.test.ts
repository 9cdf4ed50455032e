// The official reporters from the registry and ours, run on the same project into the same emulator: Qase matches
// results to the cases it created by signature, so for every test ours must be theirs, byte for byte, or switching
// reporters makes Qase create every case again.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '@qase-reporters/emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorFor, resultsOf, run, testopsEnv, writeProject } from './harness';
import type { Files, ResultBody } from './harness';
import { installPackages, projectDir } from '../support/install';

const INSTALL_TIMEOUT_MS = 240_000;

/** The signatures of the results the run titled `runTitle` stored (see `keyed`). */
function signatures(emulator: Emulator, runTitle: string): Record<string, string | undefined> {
  return keyed(resultsOf(emulator.state(), runTitle));
}

/** Each result's signature by its title (blanks collapsed) and parameters, which tell `test.each` cases apart. */
function keyed(results: readonly ResultBody[]): Record<string, string | undefined> {
  return Object.fromEntries(results.map((r) => [`${r.title.replace(/\s+/g, ' ')} ${JSON.stringify(r.params ?? {})}`, r.signature]).sort());
}

const projects: string[] = [];
afterAll(() => projects.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A project folder below `installed`, holding `files`, removed after the file's tests. */
function project(installed: string, name: string, files: Files): string {
  const dir = writeProject(projectDir(installed, name), files);
  projects.push(dir);
  return dir;
}

// Case ids in titles and from qase.id, parameters, nested folders, describe blocks, spaces, tabs, `::` and
// backslashes in titles: every input the signature takes. `QASE_API` names the module the per-test API comes from,
// so both reporters run the very same test files.
const JEST_SUITE: Files = {
  'tests/cart.test.js': `
const { qase } = require(process.env.QASE_API);

describe('Cart', () => {
  describe('empty  cart', () => {
    test(qase(12, 'shows a hint'), () => {});
    test(qase([13, 14], 'has no total'), () => {});
  });
  test('applies a coupon (Qase ID: 15)', () => {});
  test('no ids at all', () => {});
  test.each([{ currency: 'EUR' }, { currency: 'USD' }])('totals in $currency', ({ currency }) => {
    qase.parameters({ currency });
  });
  test('a title with :: and \\\\ and\\ttab', () => {});
  test.skip('is skipped', () => {});
});
test('at the top level', () => {});
`,
  'tests/deeper/nested folder/flow.test.js': `
describe('Flow', () => {
  test('fails', () => { expect(1).toBe(2); });
});
`,
};

describe('Jest: jest-qase-reporter 2.6.0 and ours', () => {
  const emulator = emulatorFor();

  it('sends the same signature for every test', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const installed = await installPackages({ jest: '30.5.2', 'jest-qase-reporter': '2.6.0' });
    const jest = join(installed, 'node_modules/.bin/jest');
    const reporters = { official: ['jest-qase-reporter', 'jest-qase-reporter/jest'], ours: ['@qase-reporters/jest', '@qase-reporters/jest'] };
    for (const [name, [reporter, api]] of Object.entries(reporters)) {
      const dir = project(installed, `jest-${name}`, {
        ...JEST_SUITE,
        'jest.config.js': `module.exports = { reporters: ['default', '${reporter}'], testMatch: ['**/tests/**/*.test.js'], cacheDirectory: '.jest-cache' };\n`,
      });
      const env = testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: name, QASE_API: api! });
      const result = await run(jest, [], { cwd: dir, env });
      expect(resultsOf(emulator().state(), name).length, result.output).toBeGreaterThan(0);
    }
    const official = signatures(emulator(), 'official');
    expect(Object.keys(official)).toHaveLength(10);
    expect(signatures(emulator(), 'ours')).toEqual(official);
  });
});

const PLAYWRIGHT_SUITE: Files = {
  'tests/checkout.spec.js': `
const { test } = require('@playwright/test');
const { qase } = require(process.env.QASE_API);

test.describe('Checkout', () => {
  test.describe('with  a card', () => {
    test(qase(21, 'pays'), async () => {});
    test(qase([22, 23], 'refunds'), async () => {});
  });
  test('applies a coupon (Qase ID: 24)', async () => {});
  test('by qase.id', async () => {
    qase.id(25);
  });
  test('no ids at all', async () => {});
  for (const currency of ['EUR', 'USD']) {
    test('totals in ' + currency, async () => {
      qase.parameters({ currency });
    });
  }
  test('a title with :: and \\\\ and\\ttab', async () => {});
  test.skip('is skipped', async () => {});
});
test('at the top level', async () => {});
`,
  'tests/deeper/nested folder/flow.spec.js': `
const { test, expect } = require('@playwright/test');
test.describe('Flow', () => {
  test('fails', async () => { expect(1).toBe(2); });
});
`,
};

describe('Playwright: playwright-qase-reporter 2.7.0 and ours', () => {
  const emulator = emulatorFor();

  it('sends the same signature for every test, in a named project and without one', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const installed = await installPackages({ '@playwright/test': '1.65.1', 'playwright-qase-reporter': '2.7.0' });
    const playwright = join(installed, 'node_modules/.bin/playwright');
    const reporters = { official: 'playwright-qase-reporter', ours: '@qase-reporters/playwright' };
    for (const [name, reporter] of Object.entries(reporters)) {
      for (const projects of ["[{ name: 'api' }]", '[{}]']) {
        const runTitle = `${name} ${projects}`;
        const dir = project(installed, `playwright-${name}`, {
          ...PLAYWRIGHT_SUITE,
          'playwright.config.js': `module.exports = { testDir: 'tests', projects: ${projects}, reporter: [['${reporter}']] };\n`,
        });
        const env = testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: runTitle, QASE_API: reporter });
        const result = await run(playwright, ['test'], { cwd: dir, env });
        expect(resultsOf(emulator().state(), runTitle).length, result.output).toBeGreaterThan(0);
      }
    }
    for (const projects of ["[{ name: 'api' }]", '[{}]']) {
      const official = signatures(emulator(), `official ${projects}`);
      expect(Object.keys(official)).toHaveLength(11);
      expect(signatures(emulator(), `ours ${projects}`)).toEqual(official);
    }
  });
});

// vitest-qase-reporter 1.4.4 has no `qase()`: ids are written in the title, as its users write them.
const VITEST_SUITE: Files = {
  'tests/cart.test.ts': `
import { describe, expect, test } from 'vitest';

describe('Cart', () => {
  describe('empty  cart', () => {
    test('shows a hint (Qase ID: 12)', () => {});
  });
  test('applies a coupon (Qase ID: 15,16)', () => {});
  test('no ids at all', () => {});
  test.each([{ currency: 'EUR' }, { currency: 'USD' }])('totals in $currency', () => {});
  test('a title with :: and \\\\ and\\ttab', () => {});
  test.skip('is skipped', () => {});
  test('fails', () => { expect(1).toBe(2); });
});
test('at the top level', () => {});
`,
};

// vitest-qase-reporter 1.4.4 installs qase-javascript-commons 2.7, which makes `api-<host>` of the API host and so
// cannot reach the emulator: its signatures are read from the report it writes in `report` mode instead.
describe('Vitest: vitest-qase-reporter 1.4.4 and ours', () => {
  const emulator = emulatorFor();

  it('sends the same signature for every test', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const installed = await installPackages({ vitest: '4.1.12', vite: '8.3.8', 'vitest-qase-reporter': '1.4.4' });
    const vitest = (reporter: string, env: Record<string, string>) => {
      const dir = project(installed, 'vitest', {
        ...VITEST_SUITE,
        'vitest.config.mts': `export default { test: { include: ['tests/**/*.test.ts'], reporters: ['default', '${reporter}'] } };\n`,
      });
      return run(join(installed, 'node_modules/.bin/vitest'), ['run', '--config', 'vitest.config.mts'], { cwd: dir, env, hide: /^VITEST/ })
        .then((result) => ({ dir, result }));
    };

    const theirs = await vitest('vitest-qase-reporter', { QASE_MODE: 'report' });
    const folder = join(theirs.dir, 'build/qase-report/results');
    expect(existsSync(folder), theirs.result.output).toBe(true);
    const official = keyed(readdirSync(folder).map((file) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as ResultBody));
    expect(Object.keys(official)).toHaveLength(9);

    const ours = await vitest('@qase-reporters/vitest', testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: 'ours' }));
    expect(signatures(emulator(), 'ours'), ours.result.output).toEqual(official);
  });
});
