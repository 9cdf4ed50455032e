// One run of a generated suite, measured from outside: the framework's CLI in a child process, an emulator of its
// own in this process, and what the child's processes wrote (see suites.mjs, and `peak-rss.cjs` below, which every
// Node process of the run loads through NODE_OPTIONS).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';

const PEAK_RSS = `// Written by the bench: this process's peak RSS, when it exits, to the run's folder.
process.on('exit', () => {
  require('node:fs').writeFileSync(require('node:path').join(process.env.BENCH_OUT, 'rss-' + process.pid), String(process.resourceUsage().maxRSS));
});
`;

/**
 * Runs `command` (a Node script and its arguments) in `cwd` with `variant`'s reporter pointed at a fresh emulator
 * answering after `latencyMs`, and resolves with what was measured. A reporter in report mode sends nothing: what
 * it stored is what it wrote to `build/qase-report`.
 */
export async function measureRun({ command, cwd, variant, latencyMs = 0 }) {
  const out = join(cwd, '.bench-out');
  const report = join(cwd, 'build/qase-report');
  for (const dir of [out, report]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const preload = join(out, 'peak-rss.cjs');
  writeFileSync(preload, PEAK_RSS);
  // The emulator's own rate limit is the real API's (200 a minute): a run is one run's worth of requests.
  const emulator = await startEmulator({ faults: { latencyMs } });
  try {
    const [script, args] = command;
    const env = {
      ...withoutQase(process.env),
      ...reporterEnv(variant, emulator),
      BENCH_OUT: out,
      NODE_OPTIONS: `--require ${preload}`,
    };
    const started = Date.now();
    const { code, stderr, exitedAt } = await spawnRun(process.execPath, [script, ...args], cwd, env);
    const state = emulator.state();
    const ends = numbers(join(out, 'ends'));
    const imports = numbers(join(out, 'imports'));
    const rss = readdirSync(out).filter((f) => f.startsWith('rss-')).map((f) => Number(readFileSync(join(out, f), 'utf8')));
    const stored = variant.mode === 'report'
      ? files(join(report, 'results')).map((f) => JSON.parse(readFileSync(join(report, 'results', f), 'utf8')).title)
      : Object.values(state.results).flat().map((r) => r.body.title);
    return {
      code,
      stderr,
      wallMs: exitedAt - started,
      tailMs: ends.length > 0 ? exitedAt - Math.max(...ends) : undefined,
      importMsPerFile: imports.length > 0 ? imports.reduce((a, b) => a + b, 0) / imports.length : undefined,
      peakRssMb: Math.max(...rss) / 1024,
      requests: state.requests.length,
      stored: stored.length,
      storedDistinct: new Set(stored).size,
      attachments: variant.mode === 'report' ? files(join(report, 'attachments')).length : state.attachments.length,
    };
  } finally {
    await emulator.close();
    rmSync(out, { recursive: true, force: true });
  }
}

/** The variables of `variant`: none for no reporter; the emulator in testops mode; report mode writes files. */
function reporterEnv(variant, emulator) {
  if (!variant.reporter) return {};
  if (variant.mode === 'report') return { QASE_MODE: 'report' };
  return {
    QASE_MODE: 'testops',
    QASE_TESTOPS_API_HOST: emulator.url,
    QASE_TESTOPS_API_TOKEN: emulator.token,
    QASE_TESTOPS_PROJECT: 'DEMO',
  };
}

/** This process's variables without `QASE_*` (only the variant configures a reporter) and without CI markers. */
function withoutQase(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('QASE_') && key !== 'NODE_OPTIONS'));
}

function spawnRun(command, args, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    // 'exit', not 'close': the process has ended; its pipes may drain a moment later.
    child.once('exit', (code) => {
      const exitedAt = Date.now();
      child.once('close', () => resolve({ code, stderr, exitedAt }));
    });
  });
}

function files(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function numbers(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
}
