// A test process that cannot deliver: the API is down, the process is killed, or the deadline passes. Nothing
// finished may be lost, the process must not hang or change its exit code, and the outbox is sent later.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCollector, createOutput, resolveConfig, uploadFolder } from '../../src/index';
import { assertCoreBuilt, CHILD, countRequests, makeResults, outboxIds, qaseEnv, readLog, storedIds, tempDir } from './harness';

let emulator: Emulator | undefined;
let cwd: string;

beforeAll(() => assertCoreBuilt());

beforeEach(() => {
  cwd = tempDir('outbox');
  writeFileSync(join(cwd, 'child.cjs'), CHILD);
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  rmSync(cwd, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  ms: number;
}

function runChild(args: string[], env: Record<string, string>, onLine?: (line: string, kill: () => void) => void): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, ['child.cjs', ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine?.(line, () => child.kill('SIGKILL'));
  });
  child.stderr.pipe(process.stderr);
  // A child that hangs fails its test (killed, not exited) instead of outliving it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, ms: Date.now() - started });
    }));
}

/** An address where nothing listens: connections are refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function outboxFolder(): string {
  const root = join(cwd, '.qase/outbox');
  const [session] = readdirSync(root);
  return join(root, session);
}

async function sendLater(folder: string, em: Emulator) {
  const env = qaseEnv(em);
  const lines: string[] = [];
  const output = createOutput({ console: true, debug: false, secrets: [em.token], write: (text) => lines.push(text) });
  const upload = await uploadFolder(folder, resolveConfig({}, env, undefined), { output, env });
  return { upload, lines };
}

describe('when the API cannot be reached', () => {
  it('keeps everything in the outbox while the API is down, exits with the tests\' code, and sends it all later', async () => {
    const url = await closedPortUrl();
    const exit = await runChild(['end', '500'], qaseEnv({ url, token: 'emulator-token' }));
    console.log(`API down for the whole run: end() took ${JSON.parse(exit.stdout).endMs} ms, the process ${exit.ms} ms`);
    expect(exit.code).toBe(3);
    const summary = JSON.parse(exit.stdout);
    expect(summary).toMatchObject({ total: 500, delivered: 0 });
    const folder = outboxFolder();
    expect(summary.folder).toBe(folder);
    expect(outboxIds(folder)).toHaveLength(500);
    expect(readLog(cwd)).toContain(`npx @qase-reporters/cli upload ${join('.qase/outbox', readdirSync(join(cwd, '.qase/outbox'))[0])}`);

    emulator = await startEmulator();
    const ids = outboxIds(folder);
    const { upload } = await sendLater(folder, emulator);
    expect(upload).toMatchObject({ total: 500, delivered: 500, completed: true });
    const state = emulator.state();
    expect(storedIds(state).sort()).toEqual(ids.sort());
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(existsSync(folder)).toBe(false);
  });

  it('has every result that add() returned from on disk when the process is killed with SIGKILL', async () => {
    emulator = await startEmulator();
    emulator.setFaults({ latencyMs: 50 });
    const printed: string[] = [];
    const exit = await runChild(['loop'], qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '20' }), (line, kill) => {
      printed.push(line);
      if (printed.length === 300) kill();
    });
    expect(exit.signal).toBe('SIGKILL');
    const stored = storedIds(emulator.state());
    const kept = outboxIds(join(cwd, '.qase/outbox'));
    // Some were delivered before the kill, the rest are on disk; none is missing.
    console.log(`SIGKILL after ${printed.length} results: ${stored.length} delivered, ${kept.length} in the outbox`);
    expect(stored.length).toBeGreaterThan(0);
    expect(printed.filter((id) => !stored.includes(id) && !kept.includes(id))).toEqual([]);

    const { upload } = await sendLater(outboxFolder(), emulator);
    expect(upload.stoppedBy).toBeUndefined();
    const all = storedIds(emulator.state());
    expect(new Set(all).size).toBe(all.length);
    expect(printed.every((id) => all.includes(id))).toBe(true);
    expect(emulator.state().runs).toMatchObject([{ status: 'complete' }]);
  });

  it('resolves end() at the deadline when the API is slow, keeps the rest on disk, and lets the process exit', async () => {
    emulator = await startEmulator();
    emulator.setFaults({ latencyMs: 5_000 });
    const exit = await runChild(['end-naturally', '300'], qaseEnv(emulator, { QASE_TESTOPS_DEADLINE_MS: '1000' }));
    const summary = JSON.parse(exit.stdout);
    console.log(`deadline 1000 ms, API latency 5000 ms: end() took ${summary.endMs} ms, the process ${exit.ms} ms`);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(summary).toMatchObject({ total: 300, delivered: 0 });
    expect(outboxIds(outboxFolder())).toHaveLength(300);
    expect(readLog(cwd)).toContain('the upload deadline passed');
  });
});

describe('when the outbox folder is removed mid-run', () => {
  it.each([
    { when: 'a full batch is sealed by add()', results: 2 },
    { when: 'end() seals the last batch', results: 1 },
  ])('says once, and throws nothing into the test run, when $when', async ({ results }) => {
    emulator = await startEmulator();
    const collector = createCollector({}, { framework: 'pipeline', cwd, env: qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '2' }) });
    collector.startRun();
    const [first, ...rest] = makeResults(results);
    collector.add(first);
    rmSync(join(cwd, '.qase'), { recursive: true, force: true });
    // The open batch's file was opened before: its results are written, and sealing it (a rename) is what fails.
    for (const result of rest) expect(() => collector.add(result)).not.toThrow();
    expect(await collector.end()).toMatchObject({ total: results, delivered: 0 });
    expect(readLog(cwd).match(/error could not write to the outbox: ENOENT: no such file or directory, rename/g)).toHaveLength(1);
    // The end of the run finds nothing left to send in the removed folder, and sums up as usual.
    expect(readLog(cwd)).not.toContain('unexpected failure');
    expect(readLog(cwd)).toMatch(new RegExp(`info 0 of ${results} results? delivered`));
  });

  it('says so when the run is created and the batch cannot be read, and asks the API once, not until the deadline', async () => {
    emulator = await startEmulator();
    const collector = createCollector({}, { framework: 'pipeline', cwd, env: qaseEnv(emulator, { QASE_TESTOPS_BATCH_SIZE: '2' }) });
    collector.startRun();
    // A full batch: sealed at once, and the run is created for it.
    for (const result of makeResults(2)) collector.add(result);
    rmSync(join(cwd, '.qase'), { recursive: true, force: true });
    // Before end(), as in a real run: nothing awaits what follows the run's creation, so a throw there would go unhandled.
    await vi.waitFor(() => expect(readLog(cwd)).toMatch(/error results-000001\.ndjson in .* is not read: it does not exist/), { timeout: 5_000 });
    expect(readLog(cwd)).toMatch(/error could not write to the outbox: ENOENT: .*manifest\.json\.tmp/);

    const summary = await collector.end();
    expect(summary).toMatchObject({ total: 2, delivered: 0 });
    const state = emulator.state();
    expect(state.runs).toHaveLength(1);
    expect(storedIds(state)).toEqual([]);
    // end() asks whether the API is back, resends, and stops when that sends nothing: the failure is not the API's.
    expect(countRequests(state, 'GET', /^\/v1\/project\//)).toBe(1);
  });
});
