// The built package as users run it: the CLI binary, and a process that uses startEmulator and ends.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { get } from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'bin', 'qase-reporters-emulator.js');
const built = join(packageDir, 'dist', 'cli.js');
const children: ChildProcess[] = [];

// `npm test` builds first; a direct `vitest run` after editing src rebuilds here so the binary is current.
beforeAll(() => {
  const sources = readdirSync(join(packageDir, 'src')).map((file) => statSync(join(packageDir, 'src', file)).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources)) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', packageDir]);
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
});

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; line: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env } });
  children.push(child);
  let stdout = '';
  const line = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n')) resolve(stdout);
    });
    child.once('exit', () => reject(new Error(`The CLI exited before printing its URL: ${stdout}`)));
  });
  // Handled here too: a test that expects no line (a bad flag) never awaits it.
  line.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, line, exit };
}

describe('qase-reporters-emulator', () => {
  it('is the package bin, an executable Node script that exists before the build (so npm links it)', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ 'qase-reporters-emulator': './bin/qase-reporters-emulator.js' });
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(cli).mode & 0o111).not.toBe(0);
  });

  it('prints exactly one line, its URL, serves with the flags given, and stops on SIGTERM', async () => {
    const { child, line, exit } = startCli(['--port', '0', '--token', 'T', '--project', 'WEB', '--results-per-request', '1']);
    const printed = await line;
    expect(printed).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = printed.trim();
    const project = await fetch(`${url}/v1/project/WEB`, { headers: { Token: 'T' } });
    expect(project.status).toBe(200);
    const run = await fetch(`${url}/v1/run/WEB`, { method: 'POST', headers: { Token: 'T' }, body: JSON.stringify({ title: 'r' }) });
    const { result } = (await run.json()) as { result: { id: number } };
    const results = { results: [{ title: 'a', execution: { status: 'passed' } }, { title: 'b', execution: { status: 'passed' } }] };
    const tooMany = await fetch(`${url}/v2/WEB/run/${result.id}/results`, { method: 'POST', headers: { Token: 'T' }, body: JSON.stringify(results) });
    expect(tooMany.status).toBe(413);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('serves HTTPS when QASE_EMULATOR_HTTPS is set and prints the certificate path after the URL', async () => {
    const { child, line, exit } = startCli([], { QASE_EMULATOR_HTTPS: 'true' });
    const [url, certPath, ...rest] = (await line).trim().split(' ');
    expect(rest).toEqual([]);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`${url}/v1/project/DEMO`, { ca: readFileSync(certPath), headers: { Token: 'emulator-token' } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(existsSync(certPath)).toBe(false);
  });

  it('refuses a bad flag with one line and exit code 2', async () => {
    const { child, exit } = startCli(['--error-rate', 'lots']);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exit).toBe(2);
    expect(stderr).toBe('qase-reporters-emulator: --error-rate must be a number from 0 to 1, got "lots". Run with --help to see the options.\n');
  });

  it('prints its help', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--help']);
    expect(stdout).toMatch(/^Usage: qase-reporters-emulator \[options\]/);
    expect(stdout).toContain('QASE_EMULATOR_RESULTS_PER_REQUEST');
  });
});

describe('startEmulator in a process of its own', () => {
  it('lets the process exit once close() resolves, after HTTP and HTTPS requests', async () => {
    const script = `
      const { startEmulator } = require(${JSON.stringify(join(packageDir, 'dist', 'index.js'))});
      (async () => {
        for (const https of [false, true]) {
          const emulator = await startEmulator({ https, faults: { latencyMs: 5 } });
          if (!https) await fetch(emulator.url + '/v1/project/DEMO', { headers: { Token: emulator.token } });
          await emulator.close();
        }
        console.log('closed');
      })();
    `;
    // A leftover socket or timer would keep the child alive until execFile's timeout kills it.
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 20_000 });
    expect(stdout).toBe('closed\n');
  });
});
