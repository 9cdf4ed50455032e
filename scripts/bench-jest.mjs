// Benchmark (not a test): what our reporter costs a real Jest run. Runs a generated suite of 2,000 tests (20 files
// of 100, each failing test with a stack) twice, without a Qase reporter and with ours uploading to the emulator,
// and prints the wall time and the peak RSS of Jest's main process, where reporters live.
// Usage: npm run build && node scripts/bench-jest.mjs [tests]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startEmulator } = require('@qase-reporters/emulator');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tests = Number(process.argv[2] ?? 2000);
const files = 20;
const dir = join(root, 'test', '.tmp', 'bench-jest');

function writeSuite() {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  for (let f = 0; f < files; f++) {
    const body = Array.from({ length: tests / files }, (_, t) =>
      `  test('case ${f}-${t}', () => { expect(${t % 10 === 0 ? 1 : 2}).toBe(2); });`).join('\n');
    writeFileSync(join(dir, 'tests', `file${f}.test.js`), `describe('file ${f}', () => {\n${body}\n});\n`);
  }
  // Prints the main process's peak RSS when Jest exits; workers are other processes.
  writeFileSync(join(dir, 'peak-rss.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'rss.txt'))}, String(process.resourceUsage().maxRSS)));\n`);
}

function jestConfig(withQase) {
  const reporters = withQase ? ['default', '@qase-reporters/jest'] : ['default'];
  writeFileSync(join(dir, 'jest.config.js'), `module.exports = { rootDir: __dirname, reporters: ${JSON.stringify(reporters)}, maxWorkers: 2 };\n`);
}

function runJest(env) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', join(dir, 'peak-rss.cjs'), require.resolve('jest/bin/jest'), '--silent'], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', () => resolve({
      wallS: (Date.now() - started) / 1000,
      peakRssMb: Number(readFileSync(join(dir, 'rss.txt'), 'utf8')) / 1024,
      summary: stderr.split('\n').filter((l) => l.startsWith('qase:')).join(' | '),
    }));
  });
}

writeSuite();
const emulator = await startEmulator({ limits: { requestsPerMinute: 100_000 } });
try {
  console.log(`jest, ${tests} tests in ${files} files, 2 workers`);
  console.log('reporter                 wall s   main-process peak RSS MB   stored');
  jestConfig(false);
  await runJest({}); // warms Jest's transform cache, so both measured runs start alike
  const bare = await runJest({});
  console.log(`none                   ${bare.wallS.toFixed(1).padStart(6)}   ${bare.peakRssMb.toFixed(0).padStart(24)}        -`);
  jestConfig(true);
  const ours = await runJest({
    QASE_MODE: 'testops', QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: emulator.token, QASE_TESTOPS_PROJECT: 'DEMO',
  });
  const stored = Object.values(emulator.state().results).reduce((n, list) => n + list.length, 0);
  console.log(`@qase-reporters/jest   ${ours.wallS.toFixed(1).padStart(6)}   ${ours.peakRssMb.toFixed(0).padStart(24)}   ${String(stored).padStart(6)}`);
  console.log(ours.summary);
} finally {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
