// The built package, loaded the two ways Jest configs and test files load it: `require` and native `import`.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../..');

function probe(args: string[]): unknown {
  const stdout = execFileSync(process.execPath, args, { cwd: REPO, env: { PATH: process.env.PATH }, encoding: 'utf8' });
  return JSON.parse(stdout);
}

const CHECK = `
const reporter = new Reporter({ rootDir: process.cwd() }, { mode: 'off' });
console.log(JSON.stringify({
  reporter: typeof reporter.onTestFileResult,
  title: qase(12, 'Login works'),
  chained: qase.title('outside Jest: no reporter listens, so nothing happens') === qase,
}));`;

const EXPECTED = { reporter: 'function', title: 'Login works (Qase ID: 12)', chained: true };

describe('the built package', () => {
  it('is the reporter class with qase merged in, for require', () => {
    expect(probe(['-e', `const Reporter = require('@qase-reporters/jest'); const { qase } = Reporter;${CHECK}`])).toEqual(EXPECTED);
  });

  it('has the same class as default export and qase as named export, for import', () => {
    const code = `import Reporter, { qase } from '@qase-reporters/jest';
if (qase !== Reporter.qase) throw new Error('two qase instances');${CHECK}`;
    expect(probe(['--input-type=module', '-e', code])).toEqual(EXPECTED);
  });
});
