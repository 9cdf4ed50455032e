// The built package, loaded the two ways it is loaded: native `import` (Vitest configs, test files) and `require`.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../..');

function probe(args: string[]): unknown {
  const stdout = execFileSync(process.execPath, args, { cwd: REPO, env: { PATH: process.env.PATH }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(stdout);
}

// Test files import this package in every worker: core's HTTP client must not come along until the first upload.
const CHECK = `
const reporter = new Reporter({ mode: 'off' });
const loaded = Object.keys(require.cache);
console.log(JSON.stringify({
  reporter: [typeof reporter.onInit, typeof reporter.onTestCaseResult, typeof reporter.onTestRunEnd],
  title: qase(12, 'Login works'),
  chained: qase.title('outside Vitest: ignored with a warning') === qase,
  withQase: typeof withQase(() => undefined),
  httpClient: loaded.some((path) => /[\\/]node_modules[\\/](got|form-data)[\\/]/.test(path)),
}));`;

const EXPECTED = { reporter: ['function', 'function', 'function'], title: 'Login works (Qase ID: 12)', chained: true, withQase: 'function', httpClient: false };

describe('the built package', () => {
  it('is the reporter class with qase and withQase merged in, for require', () => {
    expect(probe(['-e', `const Reporter = require('@qase-reporters/vitest'); const { qase, withQase } = Reporter;${CHECK}`])).toEqual(EXPECTED);
  });

  it('has the same class as default export and qase, withQase as named exports, for import', () => {
    const code = `import { createRequire } from 'node:module';
import Reporter, { qase, withQase } from '@qase-reporters/vitest';
const require = createRequire(import.meta.url);
if (qase !== Reporter.qase || withQase !== Reporter.withQase) throw new Error('two instances');${CHECK}`;
    expect(probe(['--input-type=module', '-e', code])).toEqual(EXPECTED);
  });
});
