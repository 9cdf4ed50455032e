// Tests that fake the clock and timers and hold them across seconds of real I/O while a batch of ours waits on a
// timer to be resent: the reporter keeps sending on the real clock, so every result arrives once and the run is
// completed.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, emulatorFor, resultsOf, run, tempDir, testopsEnv, writeProject, type Files, type Run } from './harness';

const TMP = tempDir('fake-timers');
const emulator = emulatorFor();

// Batches of 5: the first is full, and sent, before the test holds the fake clock for 4 s. The API answers it 429 with
// Retry-After 2 s, so its resend is due on a timer of ours while the clock is held.
const ENV = { QASE_TESTOPS_BATCH_SIZE: '5' };
const HOLD_MS = 4_000;
const RESULTS_PATH = /^\/v2\/DEMO\/run\/\d+\/results$/;

function answerFirstResultsWith429(): void {
  emulator().setFaults({ failNext: [] });
  emulator().failNext(1, 429, { 'retry-after': '2' }, { method: 'POST', path: RESULTS_PATH });
}

/**
 * JavaScript that waits `HOLD_MS` on real I/O (a child process), marking its start and end with files' mtimes;
 * the test file declares `writeFileSync` and `execFile` (`REQUIRE` or `IMPORT`).
 */
const holdAcrossRealIo = `
  writeFileSync('held-start', '');
  await new Promise((resolve) => execFile(process.execPath, ['-e', 'setTimeout(() => {}, ${HOLD_MS})'], resolve));
  writeFileSync('held-end', '');
`;
const REQUIRE = "const { writeFileSync } = require('node:fs');\nconst { execFile } = require('node:child_process');\n";
const IMPORT = "import { writeFileSync } from 'node:fs';\nimport { execFile } from 'node:child_process';\n";

/** `count` quick tests named `<prefix> <i>`, in the framework's syntax. */
const quickTests = (count: number, prefix: string, it = 'it') =>
  Array.from({ length: count }, (_, i) => `${it}('${prefix} ${i}', () => {});`).join('\n');

/**
 * Every result once, the run complete, and the resend after the 429 answered while the test held the fake clock: the
 * reporter's timers and clock were not the test's.
 */
function expectDeliveredWhileHeld(dir: string, title: string, titles: string[], child: Run): void {
  const state = emulator().state();
  const results = resultsOf(state, title);
  expect(results.map((r) => r.title).sort(), child.output).toEqual([...titles].sort());
  expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
  const run = state.runs.find((r) => r.title === title)!;
  expect(run.status).toBe('complete');
  const heldFromMs = statSync(join(dir, 'held-start')).mtimeMs;
  const heldUntilMs = statSync(join(dir, 'held-end')).mtimeMs;
  const resultsRequests = state.requests.filter((r) => r.path === `/v2/DEMO/run/${run.id}/results`);
  expect(resultsRequests.filter((r) => r.status === 429), child.output).toHaveLength(1);
  const sentWhileHeld = resultsRequests.filter((r) => r.status === 202 && r.at > heldFromMs && r.at < heldUntilMs);
  expect(sentWhileHeld.length, child.output).toBeGreaterThan(0);
  // Result times come from the real clock, not the fake one (which starts at 1970).
  expect(results.every((r) => (r.execution.start_time ?? 0) > heldFromMs / 1000 - 3600), child.output).toBe(true);
}

describe('Mocha with @sinonjs/fake-timers installed across tests and real I/O', () => {
  const title = 'fake timers mocha';
  const files: Files = {
    '.mocharc.json': JSON.stringify({ reporter: '@qase-reporters/mocha', spec: ['*.spec.js'] }),
    'held.spec.js': `${REQUIRE}
const FakeTimers = require('@sinonjs/fake-timers');
let clock;
describe('held', function () {
  ${quickTests(7, 'before')}
  it('installs fake timers', () => {
    // Everything fake-timers can fake in Node, as sinon.useFakeTimers() does and more.
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval',
      'clearInterval', 'Date', 'hrtime', 'performance', 'queueMicrotask'] });
  });
  ${quickTests(4, 'while faked')}
  it('holds them across real I/O', async function () {
    this.timeout(${HOLD_MS * 3});
    ${holdAcrossRealIo}
  });
  ${quickTests(4, 'still faked')}
  it('restores them', () => clock.uninstall());
  ${quickTests(3, 'after')}
});
`,
  };
  const titles = [
    ...['before', 'while faked', 'still faked', 'after'].flatMap((p, k) => Array.from({ length: [7, 4, 4, 3][k] }, (_, i) => `${p} ${i}`)),
    'installs fake timers', 'holds them across real I/O', 'restores them',
  ];

  it('delivers every result once while the clock is held, and completes the run', async () => {
    answerFirstResultsWith429();
    const dir = writeProject(join(TMP, 'mocha'), files);
    const mocha = await run(bin('mocha'), [], { cwd: dir, env: testopsEnv(emulator(), { ...ENV, QASE_TESTOPS_RUN_TITLE: title }) });
    expect(mocha.code, mocha.output).toBe(0);
    expectDeliveredWhileHeld(dir, title, titles, mocha);
  });
});

// Jest sends a file's results when the file ends: the first file's batch is resent while the second holds the clock.
describe.each([
  { kind: 'modern', call: 'jest.useFakeTimers()' },
  { kind: 'legacy', call: 'jest.useFakeTimers({ legacyFakeTimers: true })' },
])('Jest with $kind fake timers held across real I/O', ({ kind, call }) => {
  const title = `fake timers jest ${kind}`;
  const files: Files = {
    'jest.config.js': "module.exports = { reporters: ['default', '@qase-reporters/jest'], transform: {}, testMatch: ['**/*.test.js'], " +
      "cacheDirectory: '.jest-cache', testSequencer: './by-name.js' };\n",
    // Files in name order, so the first file's results are in before the second holds the clock.
    'by-name.js': "const Sequencer = require('@jest/test-sequencer').default;\n" +
      'module.exports = class extends Sequencer { sort(tests) { return [...tests].sort((a, b) => a.path.localeCompare(b.path)); } };\n',
    'a.test.js': quickTests(7, 'first file', 'test'),
    'b.test.js': `${REQUIRE}
test('fakes timers', () => { ${call}; });
test('holds them across real I/O', async () => {
  ${holdAcrossRealIo}
}, ${HOLD_MS * 3});
${quickTests(3, 'still faked', 'test')}
test('restores them', () => { jest.useRealTimers(); });
`,
    'c.test.js': quickTests(3, 'last file', 'test'),
  };
  const titles = [
    ...Array.from({ length: 7 }, (_, i) => `first file ${i}`), ...Array.from({ length: 3 }, (_, i) => `still faked ${i}`),
    ...Array.from({ length: 3 }, (_, i) => `last file ${i}`), 'fakes timers', 'holds them across real I/O', 'restores them',
  ];

  it('delivers every result once while the clock is held, and completes the run', async () => {
    answerFirstResultsWith429();
    const dir = writeProject(join(TMP, `jest-${kind}`), files);
    // One process: the tests and the reporter share it, as they do with --runInBand.
    const jest = await run(bin('jest'), ['--runInBand'], { cwd: dir, env: testopsEnv(emulator(), { ...ENV, QASE_TESTOPS_RUN_TITLE: title }), hide: /^JEST_/ });
    expect(jest.code, jest.output).toBe(0);
    expectDeliveredWhileHeld(dir, title, titles, jest);
  });
});

describe('Vitest with everything faked, held across real I/O', () => {
  const title = 'fake timers vitest';
  const files: Files = {
    'vitest.config.mts': `import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['**/*.test.ts'], reporters: ['default', '@qase-reporters/vitest'] } });
`,
    'a.test.ts': `import { test } from 'vitest';\n${quickTests(7, 'first file', 'test')}\n`,
    // Vitest may run b.test.ts first: its own first tests fill the first batch before it holds the clock.
    'b.test.ts': `${IMPORT}import { test, vi } from 'vitest';
${quickTests(5, 'before', 'test')}
test('fakes timers', () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval',
    'Date', 'performance', 'queueMicrotask', 'hrtime'] });
});
test('holds them across real I/O', async () => {
  ${holdAcrossRealIo}
}, ${HOLD_MS * 3});
${quickTests(3, 'still faked', 'test')}
test('restores them', () => { vi.useRealTimers(); });
`,
  };
  const titles = [
    ...Array.from({ length: 7 }, (_, i) => `first file ${i}`), ...Array.from({ length: 5 }, (_, i) => `before ${i}`),
    ...Array.from({ length: 3 }, (_, i) => `still faked ${i}`), 'fakes timers', 'holds them across real I/O', 'restores them',
  ];

  it('delivers every result once while the clock is held, and completes the run', async () => {
    answerFirstResultsWith429();
    const dir = writeProject(join(TMP, 'vitest'), files);
    const vitest = await run(bin('vitest'), ['run', '--config', 'vitest.config.mts'], {
      cwd: dir, env: testopsEnv(emulator(), { ...ENV, QASE_TESTOPS_RUN_TITLE: title }), hide: /^VITEST/,
    });
    expect(vitest.code, vitest.output).toBe(0);
    expectDeliveredWhileHeld(dir, title, titles, vitest);
  });
});
