// A user's project that installed one adapter from its packed tarball, and nothing else of ours by name: the
// command the summary prints when the API is down must run as printed, from that project, with our CLI, fetching
// nothing from the registry.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorFor, REPO, resultsOf, run, writeProject } from './harness';

const INSTALL_TIMEOUT_MS = 300_000;

describe('a project that installed only @qase-reporters/mocha', () => {
  const emulator = emulatorFor();
  const root = mkdtempSync(join(tmpdir(), 'qase-packed-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the upload command the summary printed, as printed, and every result is stored once', { timeout: INSTALL_TIMEOUT_MS }, async () => {
    const tarballs = join(root, 'tarballs');
    const tarball = async (name: string) => {
      const { stdout } = await promisify(execFile)('npm', ['pack', '--silent', '--pack-destination', tarballs], { cwd: join(REPO, 'packages', name) });
      return `file:${join(tarballs, stdout.trim())}`;
    };
    mkdirSync(tarballs);
    // Only the adapter is a dependency of the project; overrides point its own dependencies at their tarballs,
    // since these versions are not on the registry.
    const project = writeProject(join(root, 'project'), {
      'package.json': JSON.stringify({
        name: 'user-project',
        private: true,
        devDependencies: { '@qase-reporters/mocha': await tarball('mocha'), mocha: '12.0.3' },
        overrides: { '@qase-reporters/core': await tarball('core'), '@qase-reporters/cli': await tarball('cli') },
      }),
      '.mocharc.json': JSON.stringify({ reporter: '@qase-reporters/mocha', spec: ['test/*.spec.js'] }),
      'test/cart.spec.js': "describe('Cart', function () {\n  it('adds', function () {});\n  it('totals', function () {});\n});\n" +
        "it('pays', function () {});\n",
    });
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, timeoutMs: INSTALL_TIMEOUT_MS });
    expect(install.code, install.output).toBe(0);

    // Nothing of the workspace on PATH, and a registry that cannot answer: the command can only use what the
    // project installed.
    const unreachable = `http://127.0.0.1:${await closedPort()}`;
    const env = {
      PATH: (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules')).join(delimiter),
      npm_config_registry: `${unreachable}/`,
      QASE_TESTOPS_API_TOKEN: emulator().token,
      QASE_TESTOPS_PROJECT: 'DEMO',
      QASE_TESTOPS_RUN_TITLE: 'packed',
    };
    const tests = await run(join(project, 'node_modules/.bin/mocha'), [], {
      cwd: project,
      env: { ...env, QASE_MODE: 'testops', QASE_TESTOPS_API_HOST: unreachable, QASE_TESTOPS_DEADLINE_MS: '2000' },
    });
    expect(tests.code, tests.output).toBe(0);
    const printed = /send them with: (.+)$/m.exec(tests.output)?.[1];
    expect(printed, tests.output).toMatch(/^npx @qase-reporters\/cli upload \.qase\/outbox\/\S+$/);

    const upload = await run('sh', ['-c', printed!], { cwd: project, env: { ...env, QASE_TESTOPS_API_HOST: emulator().url } });
    expect(upload.code, upload.output).toBe(0);
    const state = emulator().state();
    expect(resultsOf(state, 'packed').map((r) => r.title).sort(), upload.output).toEqual(['adds', 'pays', 'totals']);
    expect(state.runs.map((r) => [r.title, r.status])).toEqual([['packed', 'complete']]);
    expect(existsSync(join(project, printed!.split(' ').at(-1)!))).toBe(false);
  });
});

/** A port nothing listens on: taken from the system, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}
