import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built package, loaded the way Playwright configs and test files load it: by CommonJS require and by native
// ESM import, each in a fresh Node process (Vitest's own resolver would prove nothing).
const root = fileURLToPath(new URL('../../..', import.meta.url));

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, QASE_MODE: 'off' } });
}

const check = `
  const reporter = new R({ mode: 'off' });
  const ok = typeof reporter.onTestEnd === 'function' && typeof reporter.onEnd === 'function'
    && qase(12, 'Login') === 'Login (Qase ID: 12)' && typeof qase.step === 'function' && R.qase === qase;
  console.log(ok ? 'ok' : 'broken');
`;

describe('@qase-reporters/playwright as built', () => {
  it('loads by require: the export is the reporter class with qase on it', () => {
    expect(node(['-e', `const R = require('@qase-reporters/playwright'); const { qase } = R; ${check}`]).trim()).toBe('ok');
  });

  it('loads by import: the default export is the same class, qase is a named export', () => {
    const script = `import R, { qase } from '@qase-reporters/playwright'; ${check}`;
    expect(node(['--input-type=module', '-e', script]).trim()).toBe('ok');
  });
});
