// Core alone: a run of `count` results pushed through the built core collector into the emulator, in a child
// process of its own (so its memory is its own), as fast as add() returns, yielding to the event loop after each
// result as a framework does between tests.
//
// The real API allows 200 requests a minute, so 100,000 results take at least 502 requests ≈ 2.5 minutes however
// fast the client is. Rather than wait that out, the client's limit is raised out of the way and the bench counts
// the requests it made: at the real limit the run takes requests ÷ rate, provided the client's own work is faster
// than that (its unthrottled wall time, also measured). The rate limiter itself is covered by core's unit tests.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');
const UNLIMITED = 1_000_000_000;
const MiB = 1024 * 1024;

/** Sends `count` results through core into a fresh emulator; resolves with the requests, stored results and times. */
export async function measureCore(count) {
  // Imported here, not at the top: the producer process loads this file too, and its memory is measured.
  const { startEmulator } = await import('@qase-reporters/emulator');
  const emulator = await startEmulator({ limits: { requestsPerMinute: UNLIMITED } });
  const cwd = mkdtempSync(join(tmpdir(), 'qase-bench-core-'));
  try {
    const env = {
      PATH: process.env.PATH,
      QASE_MODE: 'testops',
      QASE_TESTOPS_API_TOKEN: emulator.token,
      QASE_TESTOPS_PROJECT: 'DEMO',
      QASE_TESTOPS_API_HOST: emulator.url,
      QASE_TESTOPS_RATE_LIMIT_PER_MINUTE: String(UNLIMITED),
      QASE_LOGGING_CONSOLE: 'false',
    };
    const { ownWallMs, peakRssMb, heapPeakMb, heapEndMb } = await runProducer(count, cwd, env);
    const state = emulator.state();
    const stored = Object.values(state.results).flat().map((r) => r.body.title);
    return { results: count, requests: state.requests.length, stored: stored.length, storedDistinct: new Set(stored).size, ownWallMs, peakRssMb, heapPeakMb, heapEndMb };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    await emulator.close();
  }
}

function runProducer(count, cwd, env) {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--produce', String(count)], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the core producer exited with ${code}`))));
  });
}

/** The producing process: a test run of `count` results, each with two steps, every tenth failed with a stack. */
async function produce(count) {
  const { createCollector, createTestResult } = createRequire(join(REPO, 'package.json'))('@qase-reporters/core');
  let heapPeak = 0;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 100);
  const started = Date.now();
  const collector = createCollector({}, { framework: 'bench', cwd: process.cwd(), env: process.env });
  collector.startRun();
  for (let i = 0; i < count; i++) {
    const failed = i % 10 === 0;
    const now = Date.now();
    collector.add(createTestResult({
      title: `adds item ${i} to the cart`,
      status: failed ? 'failed' : 'passed',
      suitePath: [`cart/${i % 50}.spec.ts`, 'Cart'],
      startTimeMs: now - 20,
      endTimeMs: now,
      error: failed ? { message: `expected ${i} to equal ${i + 1}`, stack: `Error: expected\n    at cart/${i % 50}.spec.ts:${i % 300}:7\n`.repeat(8) } : undefined,
      steps: [
        { title: 'open the cart', status: 'passed', startTimeMs: now - 20, endTimeMs: now - 10, attachments: [], steps: [] },
        { title: 'add the item', status: failed ? 'failed' : 'passed', startTimeMs: now - 10, endTimeMs: now, attachments: [], steps: [] },
      ],
    }));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await collector.end();
  const ownWallMs = Date.now() - started;
  clearInterval(sampler);
  globalThis.gc();
  process.stdout.write(JSON.stringify({
    ownWallMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024, // maxRSS is in kilobytes
    heapPeakMb: heapPeak / MiB,
    heapEndMb: process.memoryUsage().heapUsed / MiB,
  }));
}

if (process.argv[2] === '--produce' && process.argv[1] === fileURLToPath(import.meta.url)) {
  await produce(Number(process.argv[3]));
}
