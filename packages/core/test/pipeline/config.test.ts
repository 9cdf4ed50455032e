// What the configuration does to a real run: an unknown key is a warning and the results still arrive; an address
// the token may not go to gets no request, and the results wait in the outbox for `upload`.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutput, resolveConfig, uploadFolder } from '../../src/index';
import { makeResults, outboxIds, qaseEnv, readLog, report, storedIds, tempDir } from './harness';

let emulator: Emulator;
let cwd: string;

beforeEach(async () => {
  emulator = await startEmulator();
  cwd = tempDir('config');
});

afterEach(async () => {
  await emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('configuration in a real run', () => {
  it('warns of an unknown key, naming the nearest known one, and delivers every result', async () => {
    writeFileSync(join(cwd, 'qase.config.json'), JSON.stringify({ testops: { project: 'project_code', run: { titel: 'Nightly' } } }));
    const results = makeResults(5);
    const summary = await report(cwd, qaseEnv(emulator), results, { framework: { browser: { addAsParameter: true } }, extraReporters: 'spec' });
    expect(summary).toMatchObject({ total: 5, delivered: 5 });
    expect(storedIds(emulator.state()).sort()).toEqual(results.map((r) => r.id).sort());
    expect(readLog(cwd)).toContain(
      'Unknown option testops.run.titel in qase.config.json is ignored; the nearest known option is testops.run.title.',
    );
  });

  it('sends nothing to a plain-HTTP host that is not loopback, keeps every result, and names the opt-in and upload', async () => {
    const results = makeResults(4);
    const summary = await report(cwd, qaseEnv(emulator, { QASE_TESTOPS_API_HOST: 'http://qase.example.invalid:8080' }), results);
    expect(summary).toMatchObject({ mode: 'testops', total: 4, delivered: 0, requests: 0 });
    const log = readLog(cwd);
    expect(log).toContain('QASE_TESTOPS_API_ALLOW_PLAIN_HTTP=true');
    expect(log).toContain('npx @qase-reporters/cli upload');
    const root = join(cwd, '.qase/outbox');
    const folder = join(root, readdirSync(root)[0]!);
    expect(outboxIds(folder).sort()).toEqual(results.map((r) => r.id).sort());

    // Sent later, to an address that is fine.
    const env = qaseEnv(emulator);
    const output = createOutput({ console: false, debug: false, secrets: [emulator.token] });
    const upload = await uploadFolder(folder, resolveConfig({}, env, undefined), { output, env });
    expect(upload).toMatchObject({ total: 4, delivered: 4 });
    expect(storedIds(emulator.state()).sort()).toEqual(results.map((r) => r.id).sort());
  });
});
