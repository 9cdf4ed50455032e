import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:https';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ https: true });
});

afterAll(async () => {
  await emulator.close();
});

function getStatus(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { ca, headers: { Token: emulator.token } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

// Runs in a fresh Node process: NODE_EXTRA_CA_CERTS is read once, at start-up. Without a keep-alive
// agent, so the child exits at once instead of when the server closes the idle connection.
const childScript = `
require('node:https').get(process.argv[1], { agent: false, headers: { Token: process.argv[2] } }, (response) => {
  process.stdout.write(String(response.statusCode));
}).on('error', (error) => process.stdout.write(error.code));
`;

describe('HTTPS', () => {
  it('serves HTTPS on 127.0.0.1 with the certificate it wrote', async () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const certPath = emulator.certPath as string;
    expect(readFileSync(certPath, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await getStatus(`${emulator.url}/v1/project/DEMO`, readFileSync(certPath))).toBe(200);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(getStatus(`${emulator.url}/v1/project/DEMO`)).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('is trusted by a Node process started with NODE_EXTRA_CA_CERTS', async () => {
    const run = (env: NodeJS.ProcessEnv) =>
      promisify(execFile)(process.execPath, ['-e', childScript, `${emulator.url}/v1/project/DEMO`, emulator.token], { env });
    const { NODE_EXTRA_CA_CERTS: _ignored, ...env } = process.env;
    expect((await run({ ...env, NODE_EXTRA_CA_CERTS: emulator.certPath })).stdout).toBe('200');
    expect((await run(env)).stdout).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('removes the certificate file on close', async () => {
    const other = await startEmulator({ https: true });
    const certPath = other.certPath as string;
    expect(existsSync(certPath)).toBe(true);
    await other.close();
    expect(existsSync(certPath)).toBe(false);
  });
});
