#!/usr/bin/env node
// Pushes results through the core collector into the emulator and prints requests, time and memory.
// Not a test: it prints figures. Needs the built packages (npx tsc -p packages/core; npx tsc -p packages/emulator).
//
//   node scripts/bench-core.mjs                 2,000 and 100,000 results at the client's default limit (200/min)
//   QASE_TESTOPS_RATE_LIMIT_PER_MINUTE=6000 node scripts/bench-core.mjs      a higher client limit, a shorter run
//   node scripts/bench-core.mjs 5000            other counts
//
// The emulator runs in a child process with its own rate limit raised out of the way, so the client's limit is
// what bounds the time, and the memory figures are those of the producing process alone (also a child, one per
// count, so each starts clean). It adds results as fast as add() returns, yielding to the event loop after each
// one, as a test framework does between tests; memoryUsage() is sampled every 100 ms.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'bench-token';
const MB = 1024 * 1024;

if (process.argv[2] === '--produce') {
  await produce(Number(process.argv[3]));
} else {
  const counts = process.argv.slice(2).map(Number);
  await main(counts.length > 0 ? counts : [2_000, 100_000]);
}

async function main(counts) {
  const rate = process.env.QASE_TESTOPS_RATE_LIMIT_PER_MINUTE ?? '200';
  console.log(`client rate limit ${rate} requests/minute (QASE_TESTOPS_RATE_LIMIT_PER_MINUTE), emulator limit out of the way`);
  console.log('results   stored  requests  retries   wall s  results/s  RSS start→peak MB  heap start→peak→end(after GC) MB');
  for (const count of counts) {
    const emulator = await startEmulator();
    const cwd = mkdtempSync(join(tmpdir(), 'qase-bench-'));
    try {
      const env = {
        PATH: process.env.PATH,
        QASE_MODE: 'testops',
        QASE_TESTOPS_API_TOKEN: TOKEN,
        QASE_TESTOPS_PROJECT: 'DEMO',
        QASE_TESTOPS_API_HOST: emulator.url,
        QASE_TESTOPS_RATE_LIMIT_PER_MINUTE: rate,
        // 100,000 results at 200 requests a minute take two and a half minutes: more than the default deadline.
        QASE_TESTOPS_DEADLINE_MS: String(30 * 60_000),
        QASE_LOGGING_CONSOLE: 'false',
      };
      const figures = await runProducer(count, cwd, env);
      const state = await (await globalThis.fetch(`${emulator.url}/__emulator/state`)).json();
      const stored = Object.values(state.results).flat();
      const unique = new Set(stored.map((r) => r.id)).size;
      if (unique !== stored.length || stored.length !== count) {
        console.log(`!! the emulator holds ${stored.length} results (${unique} distinct ids) of ${count}`);
      }
      const m = figures.memory;
      console.log([
        String(count).padStart(7),
        String(stored.length).padStart(8),
        String(state.requests.length).padStart(9),
        String(figures.summary.retries).padStart(8),
        (figures.wallMs / 1000).toFixed(1).padStart(8),
        String(Math.round(count / (figures.wallMs / 1000))).padStart(10),
        `${mb(m.rssStart)} → ${mb(m.rssPeak)}`.padStart(18),
        `${mb(m.heapStart)} → ${mb(m.heapPeak)} → ${mb(m.heapEnd)}`.padStart(26),
      ].join(' '));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
      emulator.stop();
    }
  }
}

function startEmulator() {
  const child = spawn(process.execPath, [join(REPO, 'packages/emulator/dist/cli.js'), '--token', TOKEN, '--rate-limit', '1000000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', (url) => resolve({ url, stop: () => child.kill('SIGTERM') }));
  });
}

function runProducer(count, cwd, env) {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--produce', String(count)], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the producer exited with ${code}`))));
  });
}

/** The producing process: a test run of `count` results, reported through the built core package. */
async function produce(count) {
  // Resolved from the repository, since the producer's working directory is a temp folder.
  const { createCollector, createTestResult } = createRequire(join(REPO, 'package.json'))('@qase-reporters/core');
  globalThis.gc();
  const start = process.memoryUsage();
  const memory = { rssStart: start.rss, rssPeak: start.rss, heapStart: start.heapUsed, heapPeak: start.heapUsed, heapEnd: 0 };
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    memory.rssPeak = Math.max(memory.rssPeak, rss);
    memory.heapPeak = Math.max(memory.heapPeak, heapUsed);
  };
  const sampler = setInterval(sample, 100);
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
  const summary = await collector.end();
  const wallMs = Date.now() - started;
  sample();
  clearInterval(sampler);
  globalThis.gc();
  memory.heapEnd = process.memoryUsage().heapUsed;
  process.stdout.write(JSON.stringify({ wallMs, memory, summary }));
}

function mb(bytes) {
  return (bytes / MB).toFixed(0);
}
