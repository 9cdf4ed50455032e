// The built package, loaded the two ways Mocha and test files load it: `require` and native `import`.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../..');

function probe(args: string[]): unknown {
  const stdout = execFileSync(process.execPath, args, { cwd: REPO, env: { PATH: process.env.PATH }, encoding: 'utf8' });
  return JSON.parse(stdout);
}

const CHECK = `
const runner = new Mocha.Runner(new Mocha.Suite('', undefined, true));
const reporter = new Reporter(runner, { reporterOptions: { mode: 'off' } });
console.log(JSON.stringify({
  spec: reporter instanceof Mocha.reporters.Spec,
  done: typeof reporter.done,
  title: qase(12, 'Login works'),
  chained: qase.title('outside Mocha: no reporter listens, so nothing happens') === qase,
}));`;

const EXPECTED = { spec: true, done: 'function', title: 'Login works (Qase ID: 12)', chained: true };

describe('the built package', () => {
  it('is the reporter class with qase merged in, for require', () => {
    const code = `const Mocha = require('mocha'); const Reporter = require('@qase-reporters/mocha'); const { qase } = Reporter;${CHECK}`;
    expect(probe(['-e', code])).toEqual(EXPECTED);
  });

  it('has the same class as default export and qase as named export, for import', () => {
    const code = `import Mocha from 'mocha';
import Reporter, { qase } from '@qase-reporters/mocha';
if (qase !== Reporter.qase) throw new Error('two qase instances');${CHECK}`;
    expect(probe(['--input-type=module', '-e', code])).toEqual(EXPECTED);
  });
});
