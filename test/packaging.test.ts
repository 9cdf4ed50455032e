import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Jest and Mocha `require` reporters; Playwright and Vitest ESM configs `import` them. Each built package must load
// both ways from a plain Node process, as a user's tooling would load it: by name, through node_modules.
const root = resolve(__dirname, '..');

function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();
}

const libraries: [string, string][] = [
  ['@qase-reporters/core', 'createCollector'],
  ['@qase-reporters/emulator', 'startEmulator'],
  ['@qase-reporters/cli', 'main'],
];

describe.each(libraries)('%s', (name, named) => {
  it('loads by require', () => {
    expect(node(['-e', `console.log(typeof require('${name}').${named})`])).toBe('function');
  });

  it('loads by import, with named exports', () => {
    expect(node(['--input-type=module', '-e', `import { ${named} } from '${name}'; console.log(typeof ${named})`])).toBe('function');
  });
});

const reporters = ['@qase-reporters/playwright', '@qase-reporters/jest', '@qase-reporters/mocha', '@qase-reporters/vitest'];

describe.each(reporters)('%s', (name) => {
  // The default export is the reporter class itself, which frameworks instantiate; `qase` is the per-test API.
  const check = (Reporter: string, qase: string) =>
    `if (typeof ${Reporter} !== 'function' || ${qase}(12, 'title') !== 'title (Qase ID: 12)') process.exit(1); console.log('ok')`;

  it('loads by require: the class, with qase beside it', () => {
    expect(node(['-e', `const R = require('${name}'); const { qase } = require('${name}'); ${check('R', 'qase')}`])).toBe('ok');
  });

  it('loads by import: default class and named qase', () => {
    expect(node(['--input-type=module', '-e', `import R, { qase } from '${name}'; ${check('R', 'qase')}`])).toBe('ok');
  });

  // The commands a reporter prints run the CLI installed with it (test/e2e/packed-install.test.ts runs one).
  it('depends on the CLI of the same version', () => {
    const manifest = (pkg: string) => JSON.parse(readFileSync(resolve(root, 'packages', pkg.split('/')[1]!, 'package.json'), 'utf8')) as {
      version: string;
      dependencies?: Record<string, string>;
    };
    expect(manifest(name).dependencies?.['@qase-reporters/cli']).toBe(manifest('@qase-reporters/cli').version);
  });
});

// The commands are linked by `npm ci` (their entry points are committed, not built), and run from node_modules/.bin.
it.each(['qase-reporters', 'qase-reporters-emulator'])('the %s command is linked and runs', (bin) => {
  const output = execFileSync(resolve(root, 'node_modules/.bin', bin), ['--help'], { cwd: root, encoding: 'utf8' });
  expect(output).toMatch(/qase-reporters/);
});

// Test files import the per-test API, Jest and Vitest once per file: it must not bring the reporter's config reader,
// upload pipeline or HTTP client with it. Those load when the framework instantiates the reporter.
const REPORTER_ONLY = /node_modules\/(got|form-data|hpagent)\/|core\/dist\/(config|collector|delivery|api|outbox|upload|attachments|network)\b/;
const loadedBy = (load: string, type: 'commonjs' | 'module') =>
  JSON.parse(node([`--input-type=${type}`, '-e', `${load}; console.log(JSON.stringify(Object.keys(require.cache)))`])) as string[];
const requireIt = (name: string) => loadedBy(`const { qase } = require('${name}')`, 'commonjs');
const importIt = (name: string) =>
  loadedBy(`import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); import { qase } from '${name}'`, 'module');
const ofOurs = (loaded: string[]) => loaded.filter((path) => path.startsWith(resolve(root, 'packages')));

describe.each(reporters)('the per-test API of %s', (name) => {
  it('loads nothing of the reporter by require', () => {
    expect(requireIt(name).filter((path) => REPORTER_ONLY.test(path))).toEqual([]);
  });

  it('loads nothing of the reporter by import', () => {
    const loaded = importIt(name);
    expect(ofOurs(loaded)).not.toEqual([]);
    expect(loaded.filter((path) => REPORTER_ONLY.test(path))).toEqual([]);
  });

  it('loads the reporter when it is instantiated', () => {
    const loaded = loadedBy(`const R = require('${name}'); try { new R() } catch {}`, 'commonjs');
    expect(loaded.some((path) => path.includes('core/dist/collector.js'))).toBe(true);
  });
});

// Jest gives each test file a fresh module registry and Vitest a fresh worker, so what a test file pays for its import
// is per module: their front door is one file (scripts/bundle-test-api.mjs), with nothing else of ours behind it.
// Playwright and Mocha load theirs once per process.
describe.each(['jest', 'vitest'])('the per-test API of @qase-reporters/%s', (short) => {
  const one = [resolve(root, 'packages', short, 'dist/index.js')];

  it('is one module, by require and by import', () => {
    expect(ofOurs(requireIt(`@qase-reporters/${short}`))).toEqual(one);
    expect(ofOurs(importIt(`@qase-reporters/${short}`))).toEqual(one);
  });
});

// Vitest loads its setup file for every test file too: one module, which imports nothing but Vitest and Node's own.
it('the Vitest setup file is one module', () => {
  const code = readFileSync(resolve(root, 'packages/vitest/dist/setup.mjs'), 'utf8');
  const imported = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
  expect(imported).toContain('vitest');
  expect(imported.filter((id) => id !== 'vitest' && !id!.startsWith('node:'))).toEqual([]);
});
