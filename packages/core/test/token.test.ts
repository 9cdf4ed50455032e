// The token must not leak: a real process runs the built collector through success and every kind of failure with
// debug output and the log file on, and the token is looked for in everything it printed or wrote.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../..');
const WORK = join(REPO, 'test/.tmp', `core-token-${randomUUID().slice(0, 8)}`);
const TOKEN = `known-token-${randomUUID()}`;
const WRONG_TOKEN = `wrong-token-${randomUUID()}`;

interface Scenario {
  name: string;
  env: Record<string, string>;
  /** Reporter options; the string `$TOKEN` is replaced by the token inside the child. */
  options?: unknown;
}

// One collector per scenario, one after another, each in its own folder. The tokens reach the child only through its
// environment, so neither is in the script or in any file the test writes.
const CHILD = `
const { createCollector, createTestResult } = require(process.argv[1]);
const scenarios = JSON.parse(process.env.SCENARIOS);
(async () => {
  for (const { name, env, options } of scenarios) {
    const token = env.QASE_TESTOPS_API_TOKEN === '$WRONG' ? process.env.WRONG_TOKEN : process.env.KNOWN_TOKEN;
    const collector = createCollector(JSON.parse(JSON.stringify(options ?? {}).replaceAll('$TOKEN', token)), {
      framework: 'token-test',
      cwd: require('node:path').join(process.cwd(), name),
      env: { ...env, QASE_TESTOPS_API_TOKEN: token },
    });
    collector.startRun();
    collector.add(createTestResult({ title: 'passes', status: 'passed', logs: 'printed by the test',
      attachments: [{ name: 'note.txt', contentType: 'text/plain', content: 'attached' }] }));
    collector.add(createTestResult({ title: 'fails', status: 'failed',
      error: { message: 'expected 1 to be 2', stack: 'Error: expected 1 to be 2\\n    at spec.js:1:1' } }));
    const summary = await collector.end();
    console.log(JSON.stringify({ name, ...summary }));
  }
})();
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the token appears nowhere the reporter prints or writes', () => {
  let emulator: Emulator;
  let stdout: string;
  let stderr: string;
  let summaries: Map<string, { delivered: number; retries: number; folder?: string; runId?: number }>;

  beforeAll(async () => {
    emulator = await startEmulator({ token: TOKEN, projects: ['DEMO', 'MAINT'] });
    // Two 503s for the MAINT project's results, with a Retry-After of 0 so the retries cost no time.
    emulator.failNext(2, 503, { 'retry-after': '0' }, { method: 'POST', path: /^\/v2\/MAINT\// });
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const downUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));

    const base = {
      QASE_TESTOPS_API_HOST: emulator.url,
      QASE_TESTOPS_PROJECT: 'DEMO',
      QASE_DEBUG: 'true',
      QASE_LOGGING_FILE: 'true',
      QASE_CAPTURE_LOGS: 'true',
    };
    const scenarios: Scenario[] = [
      { name: 'upload', env: { ...base, QASE_TESTOPS_SHOW_PUBLIC_REPORT_LINK: 'true' } },
      { name: 'wrong-token', env: { ...base, QASE_TESTOPS_API_TOKEN: '$WRONG' } },
      { name: 'maintenance', env: { ...base, QASE_TESTOPS_PROJECT: 'MAINT' } },
      { name: 'api-down', env: { ...base, QASE_TESTOPS_API_HOST: downUrl, QASE_TESTOPS_DEADLINE_MS: '1500' } },
      { name: 'dry-run', env: { ...base, QASE_MODE: 'dry-run' } },
      // A token pasted where the project code goes is quoted back by the config error, which must mask it.
      { name: 'bad-config', env: { QASE_DEBUG: 'true', QASE_LOGGING_FILE: 'true' }, options: { testops: { api: { token: '$TOKEN' }, project: '$TOKEN' } } },
    ];
    mkdirSync(WORK, { recursive: true });
    const child = await promisify(execFile)(process.execPath, ['-e', CHILD, resolve(__dirname, '../dist/index.js')], {
      cwd: WORK,
      env: { PATH: process.env.PATH, SCENARIOS: JSON.stringify(scenarios), KNOWN_TOKEN: TOKEN, WRONG_TOKEN },
    });
    ({ stdout, stderr } = child);
    summaries = new Map(stdout.trim().split('\n').map((line) => {
      const { name, ...summary } = JSON.parse(line) as { name: string; delivered: number; retries: number };
      return [name, summary];
    }));
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(WORK, { recursive: true, force: true });
  });

  it('ran every scenario into the failure it was meant to meet', () => {
    expect(summaries.get('upload')).toMatchObject({ delivered: 2 });
    expect(summaries.get('upload')?.folder).toBeUndefined();
    expect(stderr).toMatch(/qase: public report: /);
    expect(summaries.get('wrong-token')).toMatchObject({ delivered: 0 });
    expect(stderr).toMatch(/→ 401: the API token was not accepted/);
    expect(summaries.get('maintenance')).toMatchObject({ delivered: 2 });
    expect(summaries.get('maintenance')?.retries).toBeGreaterThanOrEqual(2);
    expect(stderr).toMatch(/→ 503: the Qase API is unavailable/);
    expect(summaries.get('api-down')).toMatchObject({ delivered: 0 });
    expect(stderr).toMatch(/no answer from 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
    expect(summaries.get('dry-run')).toMatchObject({ delivered: 2 });
    expect(stderr).toMatch(/testops\.project/);
    expect(stderr).toContain('***');
  });

  it('wrote what each scenario leaves behind', () => {
    const left = filesUnder(WORK).map((file) => relative(WORK, file));
    expect(left).toContain(join('upload', 'logs', 'qase.log'));
    expect(left.some((file) => file.startsWith(join('wrong-token', '.qase', 'outbox')))).toBe(true);
    expect(left.some((file) => file.startsWith(join('api-down', '.qase', 'outbox')))).toBe(true);
    expect(left).toContain(join('dry-run', 'qase-dry-run', 'requests', '000001.json'));
    expect(existsSync(join(WORK, 'maintenance', '.qase'))).toBe(false);
  });

  /** Where `secret` shows up: `stdout`, `stderr`, or the files that hold it. */
  function leaksOf(secret: string): string[] {
    return [
      ...(stdout.includes(secret) ? ['stdout'] : []),
      ...(stderr.includes(secret) ? ['stderr'] : []),
      ...filesUnder(WORK).filter((file) => readFileSync(file, 'latin1').includes(secret)).map((file) => relative(WORK, file)),
    ];
  }

  it('is not in stdout, stderr or any file written', () => {
    expect(leaksOf(TOKEN)).toEqual([]);
  });

  it('nor is the wrong token of a failed upload', () => {
    expect(leaksOf(WRONG_TOKEN)).toEqual([]);
  });
});
