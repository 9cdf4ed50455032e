// Attachments on their way to the emulator: uploaded once per content, too large ones skipped and named, a full
// storage stops attachments but not results, and `uploadAttachments: false` sends none.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollector } from '../../src/index';
import { countRequests, makeResults, qaseEnv, readLog, report, storedIds, tempDir } from './harness';

let emulator: Emulator;
let cwd: string;

beforeEach(async () => {
  emulator = await startEmulator();
  cwd = tempDir('attachments');
});

afterEach(async () => {
  await emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

const ATTACHMENT_PATH = /^\/v1\/attachment\//;
const sha256 = (content: string) => createHash('sha256').update(content).digest('hex');

function storedBodies() {
  return Object.values(emulator.state().results).flat().map((r) => r.body as { title: string; attachments?: string[]; steps?: { execution: { attachments?: string[] } }[] });
}

describe('attachments', () => {
  it('uploads each content once per run, across results, steps and batches in flight together', async () => {
    const screenshot = join(cwd, 'screenshot.png');
    writeFileSync(screenshot, 'the same screenshot');
    const copy = join(cwd, 'copy-of-screenshot.png');
    writeFileSync(copy, 'the same screenshot');
    // 600 results: three batches of 200, sent at the same time.
    const results = makeResults(600, (i) => ({
      attachments: [
        { name: 'screenshot', contentType: 'image/png', path: i % 2 === 0 ? screenshot : copy },
        { name: `log-${i}.txt`, contentType: 'text/plain', content: i < 300 ? 'log line A' : 'log line B' },
      ],
      steps: [{ title: 'step', status: 'passed', startTimeMs: Date.now(), endTimeMs: Date.now(), attachments: [{ name: 'trace.txt', contentType: 'text/plain', content: 'log line A' }], steps: [] }],
    }));
    const summary = await report(cwd, qaseEnv(emulator), results);
    const state = emulator.state();
    expect(storedIds(state)).toHaveLength(600);
    expect(summary.delivered).toBe(600);
    expect(state.attachments.map((a) => a.sha256).sort()).toEqual(['the same screenshot', 'log line A', 'log line B'].map(sha256).sort());
    const hashOf = Object.fromEntries(state.attachments.map((a) => [a.sha256, a.hash]));
    for (const body of storedBodies()) {
      const i = Number(body.title.split(' ')[1]);
      expect(body.attachments).toEqual([hashOf[sha256('the same screenshot')], hashOf[sha256(i < 300 ? 'log line A' : 'log line B')]]);
      expect(body.steps?.[0].execution.attachments).toEqual([hashOf[sha256('log line A')]]);
    }
  });

  it('sends a file attached through a symbolic link: the outbox keeps the file itself', async () => {
    const target = join(cwd, 'real-trace.txt');
    writeFileSync(target, 'trace behind a link');
    symlinkSync(target, join(cwd, 'trace.txt'));
    const [result] = makeResults(1, () => ({ attachments: [{ name: 'trace', contentType: 'text/plain', path: join(cwd, 'trace.txt') }] }));
    const summary = await report(cwd, qaseEnv(emulator), [result]);
    expect(summary.delivered).toBe(1);
    expect(emulator.state().attachments.map((a) => [a.filename, a.sha256])).toEqual([['trace.txt', sha256('trace behind a link')]]);
  });

  it('sends at most 20 files per request', async () => {
    const results = makeResults(45, (i) => ({ attachments: [{ name: `log-${i}.txt`, contentType: 'text/plain', content: `log ${i}` }] }));
    await report(cwd, qaseEnv(emulator), results);
    const state = emulator.state();
    expect(state.attachments).toHaveLength(45);
    expect(countRequests(state, 'POST', ATTACHMENT_PATH)).toBe(3);
    expect(storedBodies().every((body) => body.attachments?.length === 1)).toBe(true);
  });

  it('fills requests of 20 files across batches when attachments are sparse', async () => {
    // 600 results in three batches of 200, one attachment every 20 results: 30 files, 2 requests (not one per batch).
    const results = makeResults(600, (i) => (i % 20 === 0 ? { attachments: [{ name: `log-${i}.txt`, contentType: 'text/plain', content: `log ${i}` }] } : {}));
    const summary = await report(cwd, qaseEnv(emulator), results);
    const state = emulator.state();
    expect(summary.delivered).toBe(600);
    expect(state.attachments).toHaveLength(30);
    expect(countRequests(state, 'POST', ATTACHMENT_PATH)).toBe(2);
    const hashOf = Object.fromEntries(state.attachments.map((a) => [a.sha256, a.hash]));
    for (const body of storedBodies()) {
      const i = Number(body.title.split(' ')[1]);
      expect(body.attachments ?? []).toEqual(i % 20 === 0 ? [hashOf[sha256(`log ${i}`)]] : []);
    }
  });

  it('sends a full request of files while the batch is still being written, not after its last result', async () => {
    const collector = createCollector({}, { framework: 'test', cwd, env: qaseEnv(emulator) });
    for (const result of makeResults(30, (i) => ({ attachments: [{ name: `log-${i}.txt`, contentType: 'text/plain', content: `log ${i}` }] }))) {
      collector.add(result);
    }
    await expect.poll(() => countRequests(emulator.state(), 'POST', ATTACHMENT_PATH)).toBe(1);
    // 30 results of a batch of 200: the batch waits for end(), its first 20 files did not.
    expect(emulator.state().attachments).toHaveLength(20);
    expect(countRequests(emulator.state(), 'POST', /\/results$/)).toBe(0);
    const summary = await collector.end();
    expect(summary.delivered).toBe(30);
    expect(emulator.state().attachments).toHaveLength(30);
    expect(countRequests(emulator.state(), 'POST', ATTACHMENT_PATH)).toBe(2);
  });

  it('sends a small file and a large one (read from memory, streamed) with their content and names', async () => {
    const small = join(cwd, 'small.log');
    writeFileSync(small, 'a small log\n');
    const large = join(cwd, 'large.log');
    const largeContent = 'a line of a large log\n'.repeat(10_000); // over 64 KB: streamed
    writeFileSync(large, largeContent);
    const [result] = makeResults(1, () => ({
      attachments: [{ name: 'small', contentType: 'text/plain', path: small }, { name: 'large', contentType: 'text/plain', path: large }],
    }));
    const summary = await report(cwd, qaseEnv(emulator), [result]);
    expect(summary.delivered).toBe(1);
    expect(emulator.state().attachments.map((a) => [a.filename, a.sha256])).toEqual([
      ['small.log', sha256('a small log\n')],
      ['large.log', sha256(largeContent)],
    ]);
  });

  it('skips a file over 32 MB with a warning that names it, and sends its result', async () => {
    const video = join(cwd, 'huge-video.webm');
    writeFileSync(video, '');
    truncateSync(video, 33 * 1024 * 1024); // sparse: 33 MB on paper, nothing on disk
    const small = join(cwd, 'small.txt');
    writeFileSync(small, 'small');
    const [result] = makeResults(1, () => ({
      attachments: [{ name: 'video', contentType: 'video/webm', path: video }, { name: 'small', contentType: 'text/plain', path: small }],
    }));
    const summary = await report(cwd, qaseEnv(emulator), [result]);
    const state = emulator.state();
    expect(summary.delivered).toBe(1);
    expect(state.attachments.map((a) => a.filename)).toEqual(['small.txt']);
    expect(storedBodies()[0].attachments).toEqual([state.attachments[0].hash]);
    expect(readLog(cwd)).toMatch(/warn attachment .*huge-video\.webm is 33\.0 MB, over the API's 32 MB per file; not uploaded\./);
  });

  it('sends the result without a folder attached by path, and a file as it was when the result was kept', async () => {
    const folder = join(cwd, 'screenshots');
    mkdirSync(folder);
    const replaced = join(cwd, 'trace.txt');
    writeFileSync(replaced, 'trace');
    const [result] = makeResults(1, () => ({
      attachments: [{ name: 'screenshots', contentType: 'image/png', path: folder }, { name: 'trace', contentType: 'text/plain', path: replaced }],
    }));
    const collector = createCollector({}, { framework: 'pipeline', cwd, env: qaseEnv(emulator) });
    collector.startRun();
    collector.add(result);
    // The outbox holds its own link (or copy) of the file: what the test attached is what is sent.
    rmSync(replaced);
    mkdirSync(replaced);
    const summary = await collector.end();
    const state = emulator.state();
    expect(summary).toMatchObject({ total: 1, delivered: 1 });
    expect(storedIds(state)).toEqual([result.id]);
    expect(state.attachments.map((a) => a.filename)).toEqual(['trace.txt']);
    expect(storedBodies()[0].attachments).toEqual([state.attachments[0].hash]);
    expect(readLog(cwd)).toContain(`warn attachment ${folder} is not a file; not uploaded.`);
  });

  it('stops uploading attachments when the storage is full (507), and still sends every result', async () => {
    emulator.setFaults({ storageFull: true });
    const results = makeResults(600, (i) => ({ attachments: [{ name: `log-${i}.txt`, contentType: 'text/plain', content: `log ${i}` }] }));
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_MAX_CONCURRENT_REQUESTS: '3' }), results);
    const state = emulator.state();
    expect(summary.delivered).toBe(600);
    expect(storedIds(state)).toHaveLength(600);
    expect(storedBodies().every((body) => body.attachments === undefined || body.attachments.length === 0)).toBe(true);
    // The three batches upload side by side, so each may meet the 507 once; none tries again after it.
    expect(countRequests(state, 'POST', ATTACHMENT_PATH)).toBeGreaterThanOrEqual(1);
    expect(countRequests(state, 'POST', ATTACHMENT_PATH)).toBeLessThanOrEqual(3);
    expect(readLog(cwd).match(/no storage left/g)).toHaveLength(1);
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
  });

  it('sends no attachment with uploadAttachments: false', async () => {
    const results = makeResults(10, (i) => ({ attachments: [{ name: 'log.txt', contentType: 'text/plain', content: `log ${i}` }] }));
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_UPLOAD_ATTACHMENTS: 'false' }), results);
    const state = emulator.state();
    expect(summary.delivered).toBe(10);
    expect(countRequests(state, 'POST', ATTACHMENT_PATH)).toBe(0);
    expect(storedBodies().every((body) => body.attachments === undefined)).toBe(true);
  });
});
