// The real `qase-reporters` bin in child processes against the emulator. Assertions are on the exit code, on what
// the emulator stored, and on the lines the user reads.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO, run, sha256, tempDir, writeProject } from './harness';
import type { Run } from './harness';

const CLI = join(REPO, 'packages/cli/dist/cli.js');
const TMP = tempDir('cli');
const TOKEN = 'tok-cli-4b1d9e7a2c5f';
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

// Adds results the way a reporter does (one collector, results as tests finish, end() when the run ends) and says
// after each one that it is on disk. With no count it adds until it is killed.
const PRODUCER = `const { createCollector, createTestResult } = require('@qase-reporters/core');
const total = Number(process.argv[2] ?? Infinity);
const collector = createCollector({}, { framework: 'producer' });
collector.startRun();
(async () => {
  for (let i = 1; i <= total; i++) {
    const attachments = i === 1 ? [{ name: 'first.txt', contentType: 'text/plain', content: 'attached to result 1' }] : [];
    collector.add(createTestResult({ title: \`result \${i}\`, status: i % 4 === 0 ? 'failed' : 'passed', suitePath: ['producer'], attachments }));
    process.stdout.write(\`added \${i}\\n\`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await collector.end();
})();
`;

let emulator: Emulator;
/** Everything any command printed, to check at the end that the token never appeared. */
const printed: string[] = [];

beforeAll(async () => {
  // Far above the 200 a minute: this file checks commands, not the rate limit (shards.test.ts does).
  emulator = await startEmulator({ token: TOKEN, limits: { requestsPerMinute: 100_000 } });
  mkdirSync(TMP, { recursive: true });
  writeFileSync(join(TMP, 'producer.cjs'), PRODUCER);
});

afterAll(async () => {
  await emulator?.close();
});

/** Only what the test gives: the CI variables of the machine running the tests must not leak into titles. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...env };
}

async function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const result = await run(process.execPath, [CLI, ...args], { cwd: options.cwd ?? TMP, env: childEnv(options.env ?? {}), inherit: false, timeoutMs: 60_000 });
  printed.push(result.stdout, result.stderr);
  return result;
}

function api(extra: Record<string, string> = {}, target: Emulator = emulator): Record<string, string> {
  return { QASE_TESTOPS_API_HOST: target.url, QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO', ...extra };
}

/** A fresh working directory, with these files in it. */
function folder(name: string, files: Record<string, string> = {}): string {
  mkdirSync(join(TMP, name), { recursive: true });
  return writeProject(join(TMP, name), files);
}

/** One line on stderr, nothing on stdout, no stack trace. */
function expectOneLine(result: Run, code: number, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^qase: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
}

function runOf(id: number) {
  const run = emulator.state().runs.find((r) => r.id === id);
  expect(run, `run ${id}`).toBeDefined();
  return run!;
}

function titlesIn(runId: number, target: Emulator = emulator): string[] {
  return (target.state().results[runId] ?? []).map((r) => (r.body as { title: string }).title);
}

async function createRun(env: Record<string, string> = {}): Promise<number> {
  const created = await cli(['run', 'create'], { env: api(env) });
  expect(created.code, created.stderr).toBe(0);
  return Number(created.stdout);
}

describe('the command line', () => {
  it.each([['--help'], ['-h'], ['run', '--help'], ['run', 'create', '--help'], ['run', 'complete', '-h'], ['upload', '--help'], ['doctor', '--help'], ['migrate', '--help']].map((args) => ({ args })))(
    '$args prints help without any configuration',
    async ({ args }) => {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^(qase-reporters: |Usage: qase-reporters )/);
    },
  );

  it.each<[string[], RegExp]>([
    [[], /no command given\. Commands: run create, run complete, upload, doctor, migrate\./],
    [['runs'], /unknown command "runs"/],
    [['run'], /run needs a subcommand: run create or run complete/],
    [['run', 'start'], /unknown command "run start"/],
    [['run', 'create', '--titel', 'x'], /unknown option --titel for run create\. See: qase-reporters run create --help/],
    [['run', 'create', '--title'], /Option '--title <value>' argument missing\. See: qase-reporters run create --help/],
    [['run', 'create', '--plan', 'seven'], /--plan is "seven"; it must be an id/],
    [['run', 'complete', '--id', '12x'], /--id is "12x"; it must be an id/],
    [['upload'], /upload needs <folder>/],
    [['upload', 'a', 'b'], /unexpected argument "b" for upload/],
    [['doctor', '--env'], /unknown option --env for doctor/],
    [['migrate', '--dry-rn'], /unknown option --dry-rn for migrate\. See: qase-reporters migrate --help/],
    [['migrate', 'a', 'b'], /unexpected argument "b" for migrate/],
  ])('%j is a usage error: one line, exit 2', async (args, pattern) => {
    expectOneLine(await cli(args, { env: api() }), 2, pattern);
  });
});

describe('configuration errors: one line, exit 1, before any request', () => {
  const commands = [['run', 'create'], ['run', 'complete', '--id', '1'], ['upload', '.'], ['doctor']].map((args) => ({ args }));

  it.each(commands)('$args without a token or a project', async ({ args }) => {
    const result = await cli(args, { cwd: folder('unconfigured') });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(
      /QASE_TESTOPS_API_TOKEN and QASE_TESTOPS_PROJECT are not set\. Set them \(or testops\.api\.token and testops\.project in qase\.config\.json\)/,
    );
  });

  it.each(commands)('$args with a plain-HTTP host that is not this machine', async ({ args }) => {
    const before = emulator.state().requests.length;
    const result = await cli(args, { env: api({ QASE_TESTOPS_API_HOST: 'http://qase.example.com' }) });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(
      /the API address http:\/\/qase\.example\.com is plain HTTP, which would send the token unencrypted, so nothing is sent to it\. Use https:\/\/, or set QASE_TESTOPS_API_ALLOW_PLAIN_HTTP=true/,
    );
    expect(emulator.state().requests.length).toBe(before);
  });

  it('a qase.config.json that is not JSON', async () => {
    const cwd = folder('bad-json', { 'qase.config.json': `{ "testops": { "project": "DEMO", } }` });
    expectOneLine(await cli(['run', 'create'], { cwd, env: api() }), 1, /qase\.config\.json is not valid JSON \(line 1, column 35\)/);
  });

  it('a misspelt option in qase.config.json, with the token in the same file: the warning, then why it stops', async () => {
    const cwd = folder('typo', { 'qase.config.json': JSON.stringify({ testops: { api: { token: TOKEN }, projekt: 'DEMO' } }) });
    const result = await cli(['run', 'create'], { cwd });
    expect([result.code, result.stdout]).toEqual([1, '']);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'qase: Unknown option testops.projekt in qase.config.json is ignored; the nearest known option is testops.project.',
      expect.stringMatching(/^qase: QASE_TESTOPS_PROJECT is not set\. Set it \(or testops\.project in qase\.config\.json\)/),
    ]);
  });

  it('--github-output outside GitHub Actions, before creating a run', async () => {
    const runs = emulator.state().runs.length;
    expectOneLine(await cli(['run', 'create', '--github-output'], { env: api() }), 1, /--github-output appends to the file named by \$GITHUB_OUTPUT/);
    expect(emulator.state().runs.length).toBe(runs);
  });
});

describe('API errors: exit 1 with what the API said and what to fix', () => {
  let dryRun: string;

  beforeAll(async () => {
    dryRun = await dryRunFolder('api-errors');
  });

  // The folder is made in beforeAll, so the commands are named here and built in the test.
  const commands = ['run create', 'run complete', 'upload', 'doctor'];
  const argsOf = (command: string): string[] =>
    ({ 'run create': ['run', 'create'], 'run complete': ['run', 'complete', '--id', '5'], upload: ['upload', dryRun], doctor: ['doctor'] })[command]!;

  it.each(commands)('%s with a token the API does not accept', async (command) => {
    const result = await cli(argsOf(command), { env: api({ QASE_TESTOPS_API_TOKEN: 'tok-revoked' }) });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/401/);
    expect(result.stdout + result.stderr).toMatch(/QASE_TESTOPS_API_TOKEN/);
  });

  it.each(commands)('%s with a project that does not exist', async (command) => {
    const result = await cli(argsOf(command), { env: api({ QASE_TESTOPS_PROJECT: 'NOPE' }) });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/404.*NOPE|NOPE was not found \(404\)/);
  });
});

/** A run's description as we create it: the text, then the mark that finds the run again after a lost answer. */
const withMark = (text: string) => expect.stringMatching(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\n\nqase-reporters:[0-9a-f-]{36}$`));

describe('run create', () => {
  it('prints only the id, and creates the run with the flags given', async () => {
    const result = await cli(
      ['run', 'create', '--title', 'Nightly', '--description', 'all suites', '--tags', 'nightly, e2e', '--environment', 'staging', '--plan', '3'],
      { env: api({ QASE_TESTOPS_RUN_TITLE: 'loses to the flag' }) },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+\n$/);
    const id = Number(result.stdout);
    expect(result.stderr).toBe(`qase: created run ${id} "Nightly" in project DEMO: ${emulator.url}/run/DEMO/dashboard/${id}\n`);
    expect(runOf(id)).toMatchObject({
      title: 'Nightly', description: withMark('all suites'), tags: ['nightly', 'e2e'], environment: 'staging', plan: 3, status: 'active',
    });
  });

  it('creates one run when the answer to creating it is lost, and prints its id', async () => {
    emulator.dropNextAnswer(1, { method: 'POST', path: '/v1/run/DEMO' });
    const before = emulator.state().runs.length;
    const result = await cli(['run', 'create', '--title', 'Answer lost'], { env: api() });
    expect(result.code, result.stderr).toBe(0);
    const created = emulator.state().runs.slice(before);
    expect(created).toHaveLength(1);
    expect(Number(result.stdout), result.stdout + result.stderr).toBe(created[0].id);
  });

  it('takes the title and tags from QASE_* variables when no flag is given', async () => {
    const id = await createRun({ QASE_TESTOPS_RUN_TITLE: 'from the environment', QASE_TESTOPS_RUN_TAGS: 'a,b' });
    expect(runOf(id)).toMatchObject({ title: 'from the environment', tags: ['a', 'b'] });
  });

  it('names the run after the GitHub Actions build and hands the id to later jobs through $GITHUB_OUTPUT', async () => {
    const output = join(folder('github'), 'output');
    writeFileSync(output, 'earlier=1\n');
    const result = await cli(['run', 'create', '--github-output'], {
      env: api({
        GITHUB_ACTIONS: 'true', GITHUB_RUN_NUMBER: '42', GITHUB_RUN_ID: '9876', GITHUB_REF_NAME: 'main', GITHUB_SHA: SHA,
        GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/shop', GITHUB_OUTPUT: output,
      }),
    });
    expect(result.code, result.stderr).toBe(0);
    const id = Number(result.stdout);
    expect(readFileSync(output, 'utf8')).toBe(`earlier=1\nrun_id=${id}\n`);
    expect(runOf(id)).toMatchObject({
      title: 'GitHub Actions #42 on main (1a2b3c4)',
      description: withMark(`Automated run in GitHub Actions #42\nBuild: https://github.com/acme/shop/actions/runs/9876\nBranch: main\nCommit: ${SHA}`),
    });
  });

  it('prints QASE_TESTOPS_RUN_ID=<id> with --env, for a GitLab dotenv report', async () => {
    const result = await cli(['run', 'create', '--env'], {
      env: api({ GITLAB_CI: 'true', CI_PIPELINE_IID: '311', CI_COMMIT_REF_NAME: 'feature/cart', CI_COMMIT_SHA: SHA }),
    });
    expect(result.code, result.stderr).toBe(0);
    const [, id] = /^QASE_TESTOPS_RUN_ID=(\d+)\n$/.exec(result.stdout) ?? [];
    expect(runOf(Number(id)).title).toBe('GitLab CI #311 on feature/cart (1a2b3c4)');
  });

  it('warns about an environment that does not exist and creates the run without it', async () => {
    const result = await cli(['run', 'create', '--environment', 'moon'], { env: api() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('environment "moon" does not exist in project DEMO');
    expect(runOf(Number(result.stdout)).environment).toBeUndefined();
  });
});

describe('run complete', () => {
  it('completes the run named by --id', async () => {
    const id = await createRun();
    const result = await cli(['run', 'complete', '--id', String(id)], { env: api() });
    expect(result).toMatchObject({ code: 0, stdout: `completed run ${id}: ${emulator.url}/run/DEMO/dashboard/${id}\n`, stderr: '' });
    expect(runOf(id)).toMatchObject({ status: 'complete', completions: 1 });
  });

  it('takes the id from QASE_TESTOPS_RUN_ID, and completing again is not an error and completes nothing twice', async () => {
    const id = await createRun();
    expect((await cli(['run', 'complete'], { env: api({ QASE_TESTOPS_RUN_ID: String(id) }) })).code).toBe(0);
    const again = await cli(['run', 'complete'], { env: api({ QASE_TESTOPS_RUN_ID: String(id) }) });
    expect(again).toMatchObject({ code: 0, stdout: `run ${id} is already complete: ${emulator.url}/run/DEMO/dashboard/${id}\n`, stderr: '' });
    expect(runOf(id).completions).toBe(1);
  });

  it('says where the id comes from when none is given', async () => {
    expectOneLine(await cli(['run', 'complete'], { env: api() }), 1, /no run to complete: pass --id <run id>, or set QASE_TESTOPS_RUN_ID/);
  });

  it('fails on a run that does not exist', async () => {
    expectOneLine(await cli(['run', 'complete', '--id', '999999'], { env: api() }), 1, /→ 404: run 999999 was not found in project DEMO/);
  });
});

describe('doctor', () => {
  const lines = (result: Run) => result.stdout.trimEnd().split('\n').map((line) => line.replace(/ {2,}/g, ' '));

  it('passes every check, and names the CI build and the run', async () => {
    const id = await createRun();
    const result = await cli(['doctor'], {
      env: api({ QASE_TESTOPS_RUN_ID: String(id), BUILDKITE: 'true', BUILDKITE_BUILD_NUMBER: '7', BUILDKITE_BRANCH: 'main' }),
    });
    expect(result.code, result.stdout).toBe(0);
    expect(lines(result)).toEqual([
      `✓ configuration project DEMO, API ${emulator.url}, token set`,
      '· CI Buildkite #7 on main',
      `✓ API host ${emulator.url} answers (plain HTTP, allowed only on this machine)`,
      '✓ API token accepted',
      '✓ project DEMO exists',
      `✓ run ${id} is open: ${emulator.url}/run/DEMO/dashboard/${id}`,
    ]);
  });

  it('names each configuration key it ignores, with the nearest known one, and checks the rest', async () => {
    const cwd = folder('doctor-unknown-key', { 'qase.config.json': JSON.stringify({ testops: { project: 'project_code', api: { tocken: 'x' } } }) });
    const result = await cli(['doctor'], { cwd, env: api() });
    expect(result.code, result.stdout).toBe(0);
    expect(lines(result).slice(0, 2)).toEqual([
      `✓ configuration project DEMO, API ${emulator.url}, token set`,
      '! configuration Unknown option testops.api.tocken in qase.config.json is ignored; the nearest known option is testops.api.token.',
    ]);
  });

  it('warns that the reporters will not upload when QASE_MODE says so', async () => {
    const result = await cli(['doctor'], { env: api({ QASE_MODE: 'dry-run' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/! mode +QASE_MODE \(mode\) is dry-run: the reporters will not upload/);
  });

  it('stops at a token the API refuses, saying how to get one', async () => {
    const result = await cli(['doctor'], { env: api({ QASE_TESTOPS_API_TOKEN: 'tok-revoked' }) });
    expect(result.code).toBe(1);
    expect(lines(result).slice(2)).toEqual([
      `✓ API host ${emulator.url} answers (plain HTTP, allowed only on this machine)`,
      '✗ API token not accepted (401). Check QASE_TESTOPS_API_TOKEN (testops.api.token): create a token at https://app.qase.io/user/api/token.',
    ]);
  });

  it('finds a project that does not exist', async () => {
    const result = await cli(['doctor'], { env: api({ QASE_TESTOPS_PROJECT: 'NOPE' }) });
    expect(result.code).toBe(1);
    expect(lines(result).at(-1)).toMatch(/^✗ project NOPE was not found \(404\)\. Check QASE_TESTOPS_PROJECT/);
  });

  it('finds a run that is already complete', async () => {
    const id = await createRun();
    await cli(['run', 'complete', '--id', String(id)], { env: api() });
    const result = await cli(['doctor'], { env: api({ QASE_TESTOPS_RUN_ID: String(id) }) });
    expect(result.code).toBe(1);
    expect(lines(result).at(-1)).toBe(`✗ run ${id} is already complete and takes no more results. Unset QASE_TESTOPS_RUN_ID, or create a new run with: npx @qase-reporters/cli run create`);
  });

  it('reports a host that does not answer', async () => {
    const port = await closedPort();
    const result = await cli(['doctor'], { env: api({ QASE_TESTOPS_API_HOST: `http://127.0.0.1:${port}` }) });
    expect(result.code).toBe(1);
    expect(lines(result).at(-1)).toMatch(new RegExp(`^✗ API host GET /v1/project/DEMO → no answer from 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`));
  });

  describe('over HTTPS', () => {
    let secure: Emulator;

    beforeAll(async () => {
      secure = await startEmulator({ token: TOKEN, https: true });
    });

    afterAll(async () => {
      await secure?.close();
    });

    it('passes when Node trusts the certificate', async () => {
      const result = await cli(['doctor'], { env: api({ NODE_EXTRA_CA_CERTS: secure.certPath! }, secure) });
      expect(result.code, result.stdout).toBe(0);
      expect(lines(result)).toContain(`✓ API host ${secure.url} answers over HTTPS`);
    });

    it('says what to do about a certificate Node does not trust', async () => {
      const result = await cli(['doctor'], { env: api({}, secure) });
      expect(result.code).toBe(1);
      expect(lines(result).at(-1)).toMatch(/^✗ API host .*no answer from 127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT.*NODE_EXTRA_CA_CERTS/);
    });
  });
});

/** A dry run of 25 results (one with an attachment) in `<name>/qase-dry-run`, written without a project or token. */
async function dryRunFolder(name: string): Promise<string> {
  const cwd = folder(name);
  const produced = await run(process.execPath, [join(TMP, 'producer.cjs'), '25'], {
    cwd, env: childEnv({ QASE_MODE: 'dry-run', QASE_TESTOPS_BATCH_SIZE: '10' }), inherit: false,
  });
  expect(produced.code, produced.stderr).toBe(0);
  return join(cwd, 'qase-dry-run');
}

describe('upload of a dry-run folder', () => {
  it('creates the run the folder describes, sends every result once and completes the run; a second upload sends nothing', async () => {
    const dir = await dryRunFolder('dry-run');
    expect(readdirSync(join(dir, 'requests'))).toEqual(['000001.json', '000002.json', '000003.json']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { run: { create: { title: string } } };

    const first = await cli(['upload', 'qase-dry-run'], { cwd: join(dir, '..'), env: api() });
    expect(first.code, first.stderr).toBe(0);
    const [, runId] = /^qase-dry-run: 25 of 25 results delivered to run (\d+) in \d+ requests, 0 retries; the run is complete\.\n/.exec(first.stdout) ?? [];
    const id = Number(runId);
    expect(first.stdout).toContain(`run: ${emulator.url}/run/DEMO/dashboard/${id}\n`);
    expect(runOf(id)).toMatchObject({ title: manifest.run.create.title, status: 'complete', completions: 1 });
    expect(titlesIn(id).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `result ${i + 1}`).sort());
    const [hash] = (emulator.state().results[id]!.find((r) => (r.body as { title: string }).title === 'result 1')!.body as { attachments: string[] }).attachments;
    expect(emulator.state().attachments.find((a) => a.hash === hash)?.sha256).toBe(sha256('attached to result 1'));

    const requests = emulator.state().requests.length;
    const second = await cli(['upload', dir], { env: api() });
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toBe(`${dir}: run ${id} is already complete, so this folder was uploaded before; nothing was sent again.\n` +
      `run: ${emulator.url}/run/DEMO/dashboard/${id}\n`);
    expect(titlesIn(id)).toHaveLength(25);
    expect(emulator.state().requests.slice(requests).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/run/DEMO/${id}`]);
    expect(runOf(id).completions).toBe(1);
  });

  it('refuses a folder written for another project', async () => {
    const dir = await dryRunFolder('other-project');
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify({ ...JSON.parse(readFileSync(manifestPath, 'utf8')), project: 'OTHER' }));
    const runs = emulator.state().runs.length;
    const result = await cli(['upload', dir], { env: api() });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`qase: ${dir}: it was written for project OTHER, but the project configured is DEMO. Set QASE_TESTOPS_PROJECT=OTHER to send it there.\n`);
    expect(emulator.state().runs.length).toBe(runs);
  });
});

describe('upload of what is not a reporter folder', () => {
  it.each<[string, () => string, RegExp]>([
    ['an empty folder', () => folder('empty'), /holds nothing a qase-reporters reporter wrote \(no manifest\.json in it or its subfolders\)/],
    ['a file', () => join(folder('file', { 'results.json': '{}' }), 'results.json'), /results\.json is a file, not a folder/],
    ['a path that does not exist', () => join(TMP, 'nowhere'), /nowhere does not exist/],
  ])('%s: one line, exit 1', async (_, path, pattern) => {
    expectOneLine(await cli(['upload', path()], { env: api() }), 1, pattern);
  });
});

/** Starts the producer against the emulator and SIGKILLs it once `ready` holds, like a CI job cancelled mid-run. */
async function killedProducer(cwd: string, env: Record<string, string>, ready: (added: number) => boolean): Promise<number> {
  const child = spawn(process.execPath, [join(TMP, 'producer.cjs')], { cwd, env: childEnv({ ...api(), QASE_TESTOPS_BATCH_SIZE: '5', ...env }) });
  let added = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    added = Number(/added (\d+)\n$/.exec(chunk.toString())?.[1] ?? added);
  });
  child.stderr.on('data', (chunk: Buffer) => printed.push(chunk.toString()));
  const exited = new Promise((done) => child.once('exit', done));
  await new Promise<void>((done) => {
    const poll = setInterval(() => {
      if (!ready(added)) return;
      clearInterval(poll);
      done();
    }, 10);
  });
  child.kill('SIGKILL');
  await exited;
  return added;
}

/** The one session folder a process left in `<cwd>/.qase/outbox`. */
function sessionFolder(cwd: string): string {
  const outbox = join(cwd, '.qase', 'outbox');
  const sessions = readdirSync(outbox);
  expect(sessions).toHaveLength(1);
  return join(outbox, sessions[0]!);
}

/** Titles of every result written to the outbox segments (settled or not); a half-written last line is skipped. */
function titlesOnDisk(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ndjson'))
    .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
    .flatMap((line) => {
      try {
        return [(JSON.parse(line) as { title: string }).title];
      } catch {
        return [];
      }
    });
}

describe('upload of an outbox left by a killed run', () => {
  beforeAll(() => {
    // Slow answers keep batches in flight, so the kill leaves sent-but-unconfirmed results behind too.
    emulator.setFaults({ latencyMs: 30 });
  });

  afterAll(() => {
    emulator.setFaults({ latencyMs: 0 });
  });

  it('sends what is left into the run the process created and completes it; the same folder again stores nothing twice', async () => {
    const cwd = folder('killed');
    let runId: number | undefined;
    const added = await killedProducer(cwd, {}, (n) => {
      runId ??= existsSync(join(cwd, '.qase')) ? readManifestRunId(sessionFolder(cwd)) : undefined;
      return n >= 40 && runId !== undefined && titlesIn(runId).length > 0;
    });
    const session = sessionFolder(cwd);
    const before = titlesIn(runId!);
    const onDisk = titlesOnDisk(session);
    expect(onDisk.length).toBeGreaterThan(0);
    // What an upload that died after delivering, before deleting the folder, would leave behind.
    cpSync(session, join(cwd, 'copy', 'session'), { recursive: true });

    const first = await cli(['upload', '.qase/outbox'], { cwd, env: api() });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^\\.qase/outbox/[\\w-]+: \\d+ of \\d+ results delivered to run ${runId} in \\d+ requests, \\d+ retries; the run is complete\\.\\n`));
    const stored = titlesIn(runId!);
    const last = Math.max(...stored.map((title) => Number(title.split(' ')[1])));
    expect(last).toBeGreaterThanOrEqual(added);
    expect(stored.sort()).toEqual(Array.from({ length: last }, (_, i) => `result ${i + 1}`).sort());
    expect(new Set([...before, ...onDisk])).toEqual(new Set(stored));
    expect(existsSync(session)).toBe(false);
    expect(runOf(runId!)).toMatchObject({ status: 'complete', completions: 1 });

    const second = await cli(['upload', 'copy'], { cwd, env: api() });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`copy/session: run ${runId} is already complete, so this folder was uploaded before; nothing was sent again.`);
    expect(titlesIn(runId!)).toHaveLength(last);
    expect(runOf(runId!).completions).toBe(1);
  });

  it('keeps the results of a shard whose run was completed before they were sent, and says why', async () => {
    const cwd = folder('killed-shard');
    const runId = await createRun();
    await killedProducer(cwd, { QASE_TESTOPS_RUN_ID: String(runId) }, (n) => n >= 23);
    const session = sessionFolder(cwd);
    expect((await cli(['run', 'complete', '--id', String(runId)], { env: api() })).code).toBe(0);
    const stored = titlesIn(runId).length;

    const result = await cli(['upload', '.qase/outbox'], { cwd, env: api({ QASE_TESTOPS_RUN_ID: String(runId) }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`run ${runId} is already complete, and Qase takes no results into a completed run, so nothing was sent; ` +
      `the results stay in \\.qase/outbox/[\\w-]+\\. Complete a sharded run only after every shard's results are in\\.`));
    expect(existsSync(session)).toBe(true);
    expect(titlesIn(runId)).toHaveLength(stored);
  });
});

function readManifestRunId(dir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { run: { id?: number } }).run.id;
  } catch {
    return undefined;
  }
}

describe('examples/ci', () => {
  const examples = ['github-actions/sharded.yml', 'github-actions/playwright-merge-reports.yml', 'gitlab/.gitlab-ci.yml'];
  /** Every `npx @qase-reporters/cli …` command line in a workflow, with `${{ … }}` expressions and redirects replaced. */
  const commandsIn = (text: string): string[][] =>
    [...text.matchAll(/npx @qase-reporters\/cli ([^;\n>]+)/g)].map(([, args]) => args!.replace(/\$\{\{[^}]*\}\}/g, '1').trim().split(/\s+/));

  it.each(examples)('%s is valid YAML', (file) => {
    expect(parseYaml(readFileSync(join(REPO, 'examples/ci', file), 'utf8'))).toBeTypeOf('object');
  });

  it('create the run, complete it, and upload leftovers, with commands and flags the CLI knows', async () => {
    const calls = examples.flatMap((file) => commandsIn(readFileSync(join(REPO, 'examples/ci', file), 'utf8')));
    expect(new Set(calls.map((args) => args.slice(0, args[0] === 'run' ? 2 : 1).join(' ')))).toEqual(new Set(['run create', 'run complete', 'upload']));
    for (const args of calls) {
      // --help stops before any request, but not before an unknown command or flag is refused (exit 2).
      expect((await cli([...args, '--help'])).code, args.join(' ')).toBe(0);
    }
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

it('never printed the token, in any command above', () => {
  expect(printed.length).toBeGreaterThan(50);
  expect(printed.join('')).not.toContain(TOKEN);
});
