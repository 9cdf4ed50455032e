#!/usr/bin/env node
// Run by the build of packages/jest and packages/vitest, after tsc, in the package's folder: writes dist/index.js
// again as one file holding everything a test file loads (the reporter's stand-in class, the per-test API, its
// transport and core's test-api), so a test file loads one module of ours instead of eleven. Jest gives every test
// file a fresh module registry and Vitest a fresh worker: each module is resolved, read and compiled again per test
// file, and that, not the amount of code, is what the import cost (npm run bench: "helper import per test file").
//
// The reporter stays out: `./reporter` is tsc's output, required when the framework calls `new`, with core's own
// build. The two sides share no module state (the reporter runs in the main process; they talk through a channel,
// files or Vitest's task meta), so the copy of core's test-api in this file duplicates nothing that must be one.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundles `input` into `file`, requiring or importing nothing but `external` at run time. */
async function bundleOne({ input, file, format, external, allowed }) {
  const bundle = await rolldown({
    input,
    platform: 'node',
    external,
    // Core's TypeScript rather than its CommonJS build: ES modules bundle into one flat scope, while CommonJS modules
    // would each be kept in a wrapper of their own.
    resolve: { alias: { '@qase-reporters/core/test-api': join(REPO, 'packages/core/src/test-api.ts') } },
    transform: { target: 'es2022' },
    // Anything this bundle would rather warn about than fail on is a build error here.
    onLog(level, log, handler) {
      handler(level === 'warn' ? 'error' : level, log);
    },
  });
  const { output: [chunk] } = await bundle.write({ file, format, sourcemap: true, comments: false });
  await bundle.close();
  // Left-out modules that the bundle still loads would fail in the test file, not here.
  const loaded = [...chunk.code.matchAll(/(?:require\(|from |import\(|import )"([^"]+)"/g)].map((m) => m[1]);
  const stray = loaded.filter((id) => !id.startsWith('node:') && !allowed.includes(id));
  if (stray.length > 0) throw new Error(`${file} loads ${stray.join(', ')}, which it does not contain: bundle it or load it lazily.`);
}

await bundleOne({
  input: 'src/index.ts',
  file: 'dist/index.js',
  format: 'cjs',
  // Core's test-api requires its network profiler lazily (`./network`), for Playwright's fixture and Vitest's setup
  // file; no test file of Jest or Vitest calls it, so it is left out rather than kept, wrapped, in every test file.
  external: [/^node:/, './reporter', './network'],
  allowed: ['./reporter'],
});

// Vitest's setup file (`setupFiles: ['@qase-reporters/vitest/setup']`) is loaded for every test file too, and reads
// the network profiler's options whether the profiler is on or not: it gets the profiler, and nothing but Vitest
// stays outside.
if (existsSync('src/setup.mts')) {
  await bundleOne({ input: 'src/setup.mts', file: 'dist/setup.mjs', format: 'esm', external: [/^node:/, 'vitest'], allowed: ['vitest'] });
}
