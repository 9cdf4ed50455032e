// The network profiler in real runs: each test's HTTP requests become steps of its result, named `METHOD url`,
// after the test's own steps, failed from status 400 on. The requests go to a server in this process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, run, tempDir, testopsEnv, writeProject } from './harness';
import type { ResultBody } from './harness';

const TMP = tempDir('network');
let emulator: Emulator;
let site = '';
const server = createServer((request, response) => {
  response.statusCode = request.url === '/missing' ? 404 : 200;
  response.end('{}');
});

beforeAll(async () => {
  emulator = await startEmulator();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  site = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise<void>((done) => server.close(() => done()));
});

function stored(): ResultBody[] {
  return Object.values(emulator.state().results).flat().map((r) => r.body as unknown as ResultBody);
}

const stepsOf = (title: string) => stored().find((r) => r.title === title)?.steps?.map((s) => [s.data.action, s.execution.status]);

describe('Playwright, through @qase-reporters/playwright/fixture', () => {
  it("records the requests of each test as its last steps, and only that test's", async () => {
    const dir = writeProject(join(TMP, 'playwright'), {
      'package.json': JSON.stringify({ name: 'pw-network', private: true }),
      'playwright.config.js': "module.exports = { testDir: 'tests', outputDir: 'test-results', workers: 1, reporter: [['@qase-reporters/playwright']] };\n",
      'tests/api.spec.js': `
const { test, expect } = require('@qase-reporters/playwright/fixture');
test('calls the API', async ({ request }) => {
  await test.step('look around', async () => {});
  expect((await request.get('${site}/cart?id=1')).status()).toBe(200);
  expect((await fetch('${site}/missing', { method: 'POST' })).status).toBe(404);
});
test('calls nothing', async () => {});
`,
    });
    // The reporter sets this for its workers when the configuration says `profilers: ["network"]`.
    const env = testopsEnv(emulator, { QASE_REPORTERS_NETWORK_PROFILER: JSON.stringify({ skipDomains: [] }) });
    const { output } = await run(bin('playwright'), ['test'], { cwd: dir, env, hide: /^PLAYWRIGHT_/ });
    expect(stepsOf('calls the API'), output).toEqual([
      ['look around', 'passed'],
      [`GET ${site}/cart?id=1`, 'passed'],
      [`POST ${site}/missing`, 'failed'],
    ]);
    expect(stepsOf('calls nothing')).toBeUndefined();
  });
});

describe('Vitest, through @qase-reporters/vitest/setup', () => {
  it("records the requests of each test as its last steps, and only that test's", async () => {
    const dir = writeProject(join(TMP, 'vitest'), {
      'vitest.config.mjs': "export default { test: { reporters: ['@qase-reporters/vitest'], setupFiles: ['@qase-reporters/vitest/setup'] } };\n",
      'tests/api.test.mjs': `
import { get } from 'node:http';
import { expect, test } from 'vitest';
import { qase } from '@qase-reporters/vitest';
test('calls the API by vitest', async () => {
  await qase.step('look around', async () => {});
  await new Promise((done) => get('${site}/cart?id=2', (response) => response.resume().on('end', done)));
  expect((await fetch('${site}/missing')).status).toBe(404);
});
test('calls nothing by vitest', () => {});
`,
    });
    const env = testopsEnv(emulator, { QASE_REPORTERS_NETWORK_PROFILER: JSON.stringify({ skipDomains: [] }) });
    const { output } = await run(bin('vitest'), ['run'], { cwd: dir, env });
    expect(stepsOf('calls the API by vitest'), output).toEqual([
      ['look around', 'passed'],
      [`GET ${site}/cart?id=2`, 'passed'],
      [`GET ${site}/missing`, 'failed'],
    ]);
    expect(stepsOf('calls nothing by vitest')).toBeUndefined();
  });
});

describe('Mocha and Jest, configured as the official reporters are', () => {
  it('Mocha: profilers ["network"] in qase.config.json; extraReporters in the reporter options run beside ours', async () => {
    const dir = writeProject(join(TMP, 'mocha'), {
      '.mocharc.json': JSON.stringify({ reporter: '@qase-reporters/mocha', 'reporter-option': ['extraReporters=json'] }),
      'qase.config.json': JSON.stringify({ profilers: ['network'] }),
      'test/api.spec.js': `
const { get } = require('node:http');
it('calls the API by mocha', function (done) {
  get('${site}/cart?id=3', (response) => response.resume().on('end', done));
});
`,
    });
    const { stdout, output } = await run(bin('mocha'), [], { cwd: dir, env: testopsEnv(emulator) });
    expect(stepsOf('calls the API by mocha'), output).toEqual([[`GET ${site}/cart?id=3`, 'passed']]);
    // Mocha's json reporter printed its report beside our spec output.
    expect(stdout).toContain('"passes": 1');
  });

  it('Jest: profilers ["network"] in qase.config.json, in band', async () => {
    const dir = writeProject(join(TMP, 'jest'), {
      'jest.config.js': "module.exports = { testEnvironment: 'node', reporters: ['default', '@qase-reporters/jest'] };\n",
      'qase.config.json': JSON.stringify({ profilers: ['network'] }),
      'api.test.js': `
test('calls the API by jest', async () => {
  expect((await fetch('${site}/cart?id=4')).status).toBe(200);
});
`,
    });
    const { output } = await run(bin('jest'), ['--runInBand'], { cwd: dir, env: testopsEnv(emulator) });
    expect(stepsOf('calls the API by jest'), output).toEqual([[`GET ${site}/cart?id=4`, 'passed']]);
  });
});
