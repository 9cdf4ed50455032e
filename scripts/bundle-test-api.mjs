#!/usr/bin/env node
// Run by the build of packages/jest and packages/vitest, after tsc, in the package's folder: writes dist/index.js
// again as one file holding everything a test file loads (the reporter's stand-in class, the per-test API, its
// transport and core's test-api), so a test file loads one module of ours instead of eleven. Jest gives every test
// file a fresh module registry and Vitest a fresh worker: each module is resolved, read and compiled again per test
// file, and that, not the amount of code, is what the import cost (npm run bench: "helper import per test file").
//
// The reporter stays out: `./reporter` is tsc's output, required when the framework calls `new`, with core's own
// build. The two sides share no state in memory (the reporter runs in the main process; they talk through files or
// Vitest's task meta), so the copy of core's test-api in this file duplicates nothing that must be one.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

const bundle = await rolldown({
  input: 'src/index.ts',
  platform: 'node',
  // Core's test-api requires its network profiler lazily (`./network`), for Playwright's fixture and Vitest's setup
  // file; no test file of Jest or Vitest calls it, so it is left out rather than kept, wrapped, in every test file.
  external: [/^node:/, './reporter', './network'],
  // Core's TypeScript rather than its CommonJS build: ES modules bundle into one flat scope, while CommonJS modules
  // would each be kept in a wrapper of their own.
  resolve: { alias: { '@qase-reporters/core/test-api': join(REPO, 'packages/core/src/test-api.ts') } },
  transform: { target: 'es2022' },
  // Anything this bundle would rather warn about than fail on is a build error here.
  onLog(level, log, handler) {
    handler(level === 'warn' ? 'error' : level, log);
  },
});
const { output: [chunk] } = await bundle.write({ file: 'dist/index.js', format: 'cjs', sourcemap: true, comments: false });
await bundle.close();

// Left-out modules that the bundle still requires would fail in the test file, not here: only Node's own and the
// reporter may remain.
const stray = [...chunk.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((id) => !id.startsWith('node:') && id !== './reporter');
if (stray.length > 0) throw new Error(`dist/index.js requires ${stray.join(', ')}, which it does not contain: bundle it or load it lazily.`);
