// A dry run writes what would be sent; `uploadFolder` sends it later, and sending it twice stores nothing twice.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutput, resolveConfig, uploadFolder } from '../../src/index';
import { countRequests, makeResults, qaseEnv, readLog, report, resultRequests, storedIds, tempDir } from './harness';

let emulator: Emulator;
let cwd: string;

beforeEach(async () => {
  emulator = await startEmulator();
  cwd = tempDir('dry-run');
});

afterEach(async () => {
  await emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

async function send(folder: string) {
  const env = qaseEnv(emulator);
  const lines: string[] = [];
  const output = createOutput({ console: true, debug: false, secrets: [emulator.token], write: (text) => lines.push(text) });
  const upload = await uploadFolder(folder, resolveConfig({}, env, undefined), { output, env });
  return { upload, lines };
}

describe('the dry run', () => {
  it('writes request files, a manifest and the summary, and uploadFolder sends them once however often it runs', async () => {
    const results = makeResults(450, (i) => ({
      status: i % 10 === 0 ? 'failed' : 'passed',
      attachments: i < 3 ? [{ name: 'log.txt', contentType: 'text/plain', content: `log ${i}` }] : [],
    }));
    const env = { QASE_MODE: 'dry-run', QASE_TESTOPS_PROJECT: 'DEMO', QASE_LOGGING_CONSOLE: 'false', QASE_LOGGING_FILE: 'true' };
    const summary = await report(cwd, env, results);
    const folder = join(cwd, 'qase-dry-run');
    expect(summary).toMatchObject({ mode: 'dry-run', total: 450, delivered: 450, requests: 3, folder });

    expect(readdirSync(join(folder, 'requests'))).toEqual(['000001.json', '000002.json', '000003.json']);
    const written = readdirSync(join(folder, 'requests')).flatMap(
      (name) => (JSON.parse(readFileSync(join(folder, 'requests', name), 'utf8')) as { results: { id: string }[] }).results,
    );
    expect(written.map((r) => r.id)).toEqual(results.map((r) => r.id));
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 1, project: 'DEMO', framework: 'pipeline', run: { complete: true, create: { title: expect.any(String) } } });
    expect(readdirSync(join(folder, 'files'))).toHaveLength(3);
    const log = readLog(cwd);
    expect(log).toMatch(/dry run: nothing was sent\. A run "Automated run [^"]+" would be created and 450 results \(failed 45, passed 405\) sent in 3 requests, with 3 attachments/);
    expect(log).toContain('the request bodies and attachments are in qase-dry-run; send them with: npx @qase-reporters/cli upload qase-dry-run');

    const first = await send(folder);
    expect(first.upload).toMatchObject({ total: 450, delivered: 450, completed: true, stoppedBy: undefined });
    let state = emulator.state();
    expect(storedIds(state).sort()).toEqual(results.map((r) => r.id).sort());
    expect(state.runs).toMatchObject([{ status: 'complete' }]);
    expect(state.attachments).toHaveLength(3);
    expect(resultRequests(state)).toHaveLength(3);
    const bodies = Object.values(state.results).flat().map((r) => r.body as { title: string; attachments?: string[] });
    expect(bodies.filter((b) => (b.attachments ?? []).length === 1).map((b) => b.title).sort()).toEqual(['test 0', 'test 1', 'test 2']);
    expect(existsSync(folder)).toBe(true);

    // The run is complete by now, so the API refuses the resend; the ids would have kept it from doubling anyway.
    const second = await send(folder);
    expect(second.upload.delivered).toBe(0);
    state = emulator.state();
    expect(storedIds(state).sort()).toEqual(results.map((r) => r.id).sort());
    expect(state.runs).toHaveLength(1);
    expect(countRequests(state, 'POST', /^\/v1\/run\/DEMO$/)).toBe(1);
  });
});
