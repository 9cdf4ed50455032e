// Folders of results as an attacker would hand them over: an outbox or a dry-run folder is a CI artifact, passed
// between jobs and possibly made by a pull request. The real `qase-reporters upload` in child processes against
// the emulator; assertions are on what the emulator received, and on the bytes written to the terminal.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, run, sha256, tempDir, type Run } from './harness';

const CLI = join(REPO, 'packages/cli/dist/cli.js');
const TMP = tempDir('untrusted');
const TOKEN = 'tok-untrusted-9c3e1d';
const SECRET = 'QASE_TESTOPS_API_TOKEN=the-real-one\n';
const ESC = '\u001b';

// A reporter's collector adding one result every few milliseconds: a test run in progress.
const PRODUCER = `const { createCollector, createTestResult } = require('@qase-reporters/core');
const total = Number(process.argv[2]);
const collector = createCollector({}, { framework: 'producer' });
collector.startRun();
(async () => {
  for (let i = 1; i <= total; i++) {
    collector.add(createTestResult({ title: \`result \${i}\`, status: 'passed', suitePath: ['producer'] }));
    process.stdout.write(\`added \${i}\\n\`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await collector.end();
})();
`;

let emulator: Emulator;
const printed: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ token: TOKEN, limits: { requestsPerMinute: 100_000 } });
  mkdirSync(TMP, { recursive: true });
  writeFileSync(join(TMP, 'producer.cjs'), PRODUCER);
  // What a crafted folder would like to send: a file next to the project, outside every folder below.
  writeFileSync(join(TMP, '.env'), SECRET);
});

afterAll(async () => {
  await emulator?.close();
});

function env(extra: Record<string, string> = {}, url = emulator.url): Record<string, string> {
  return { PATH: process.env.PATH ?? '', QASE_TESTOPS_API_HOST: url, QASE_TESTOPS_API_TOKEN: TOKEN, QASE_TESTOPS_PROJECT: 'DEMO', ...extra };
}

async function upload(dir: string, options: { env?: Record<string, string>; url?: string } = {}): Promise<Run> {
  const result = await run(process.execPath, [CLI, 'upload', dir], { cwd: TMP, env: env(options.env, options.url), inherit: false, timeoutMs: 60_000 });
  printed.push(result.stdout, result.stderr);
  return result;
}

const PLAN = { title: 'crafted run', tags: [], configurations: [], createConfigurations: false, startTime: '2026-01-01 00:00:00' };

function manifest(run: Record<string, unknown> = { create: PLAN, complete: true }): string {
  return JSON.stringify({ version: 1, project: 'DEMO', framework: 'jest', createdAt: '2026-01-01T00:00:00.000Z', run });
}

function result(id: string, title: string, attachments: string[] = []): Record<string, unknown> {
  return { id, title, execution: { status: 'passed', start_time: 1_767_225_600, duration: 5 }, attachments };
}

let count = 0;
/** A folder written by hand, as an attacker would. */
function crafted(files: Record<string, string>): string {
  const dir = join(TMP, `folder-${++count}`);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

function runsTitled(title: string) {
  return emulator.state().runs.filter((r) => r.title === title);
}

function storedTitles(runId: number): string[] {
  return (emulator.state().results[runId] ?? []).map((r) => (r.body as { title: string }).title);
}

describe('attachments only from inside the folder', () => {
  const names = ['/etc/passwd', `../${'../'.repeat(4)}${TMP.slice(1)}/.env`, '../.env', 'files/link/.env', 'files/env.txt'];

  it.each(['outbox', 'dry-run folder'])('a %s naming /etc/passwd, a ../ path and symbolic links out of it sends none of them, and names each', async (kind) => {
    const title = `attachments from a crafted ${kind}`;
    const body = result(`ab-${count}`, title, [...names.map((n) => `file:${n}`), 'file:files/ok/ok.txt']);
    const dir = crafted({
      'manifest.json': manifest({ create: { ...PLAN, title }, complete: true }),
      'files/ok/ok.txt': 'inside the folder',
      ...(kind === 'outbox' ? { 'results-000001.ndjson': `${JSON.stringify(body)}\n` } : { 'requests/000001.json': JSON.stringify({ results: [body] }) }),
    });
    symlinkSync(TMP, join(dir, 'files/link'));
    symlinkSync(join(TMP, '.env'), join(dir, 'files/env.txt'));
    const attachments = emulator.state().attachments.length;

    const sent = await upload(dir);
    expect(sent.code, sent.stderr).toBe(0);
    const [run] = runsTitled(title);
    expect(storedTitles(run!.id)).toEqual([title]);
    const received = emulator.state().attachments.slice(attachments);
    expect(received.map((a) => a.sha256)).toEqual([sha256('inside the folder')]);
    const stored = emulator.state().results[run!.id]![0]!.body as { attachments: string[] };
    expect(stored.attachments).toEqual([received[0]!.hash]);
    expect(sent.stderr).toContain('qase: attachment "/etc/passwd" is not sent: it is an absolute path, and only files inside the folder are sent. Its result is sent without it.\n');
    expect(sent.stderr).toContain(`qase: attachment "${names[1]}" is not sent: it leads out of the folder with ... Its result is sent without it.\n`);
    expect(sent.stderr).toContain('qase: attachment "../.env" is not sent: it leads out of the folder with ... Its result is sent without it.\n');
    expect(sent.stderr).toContain('qase: attachment "files/link/.env" is not sent: a symbolic link leads out of the folder. Its result is sent without it.\n');
    expect(sent.stderr).toContain('qase: attachment "files/env.txt" is not sent: a symbolic link leads out of the folder. Its result is sent without it.\n');
  });

  it('a folder the reporter wrote carries its attachments inside it, and uploads from another place', async () => {
    const cwd = join(TMP, 'own-folder');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'shot.png'), 'a screenshot');
    const script = `const { createCollector, createTestResult } = require('@qase-reporters/core');
const c = createCollector({}, { framework: 'producer' });
c.add(createTestResult({ title: 'with a file', status: 'passed', attachments: [{ name: 'shot.png', contentType: 'image/png', path: 'shot.png' }] }));
c.end();`;
    writeFileSync(join(cwd, 'write.cjs'), script);
    const written = await run(process.execPath, ['write.cjs'], { cwd, env: { PATH: process.env.PATH ?? '', QASE_MODE: 'dry-run' }, inherit: false });
    expect(written.code, written.stderr).toBe(0);
    const dir = join(cwd, 'qase-dry-run');
    // Kept flat, as files/<hash>-<name>.
    expect(readdirSync(join(dir, 'files'))).toEqual([expect.stringMatching(/^[0-9a-f]{16}-shot\.png$/)]);
    // Removed and written anew, as a framework clears its output folder before the next run: the folder keeps its own.
    rmSync(join(cwd, 'shot.png'));
    writeFileSync(join(cwd, 'shot.png'), 'replaced after the run');

    const sent = await upload(dir);
    expect(sent.code, sent.stderr).toBe(0);
    expect(emulator.state().attachments.at(-1)!.sha256).toBe(sha256('a screenshot'));
  });
});

describe('the folder\'s own files are read and written only inside it', () => {
  const OUTSIDE = '{"run":{"id":"private value 7f3a"},"results":[{"id":"x","title":"private value 7f3a","execution":{"status":"passed"}}]}';

  it('a manifest.json that links out of the folder is not read, and its text is not printed', async () => {
    const outside = join(TMP, 'private.json');
    writeFileSync(outside, OUTSIDE);
    const dir = crafted({ 'results-000001.ndjson': `${JSON.stringify(result('l1', 'x'))}\n` });
    symlinkSync(outside, join(dir, 'manifest.json'));
    const requests = emulator.state().requests.length;
    const sent = await upload(dir);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('manifest.json in ');
    expect(sent.stderr).toContain('is not read: a symbolic link leads out of the folder.');
    expect(sent.stdout + sent.stderr).not.toContain('private value');
    expect(emulator.state().requests.length).toBe(requests);
  });

  it('links out of the folder in place of a segment\'s settled list, the manifest\'s temporary file or the requests: nothing outside is read or written', async () => {
    const outside = join(TMP, 'precious.txt');
    writeFileSync(outside, 'precious');
    const outsideRequests = join(TMP, 'outside-requests');
    mkdirSync(outsideRequests, { recursive: true });
    writeFileSync(join(outsideRequests, '000001.json'), OUTSIDE);
    const title = 'links in place of its own files';
    const dir = crafted({
      'manifest.json': manifest({ create: { ...PLAN, title }, complete: true }),
      'results-000001.ndjson': `${JSON.stringify(result('own-1', 'own 1'))}\n`,
    });
    symlinkSync(outside, join(dir, 'manifest.json.tmp'));
    symlinkSync(outsideRequests, join(dir, 'requests'));
    const sent = await upload(dir);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('qase: requests: it is a symbolic link out of the folder, so nothing in it is read or sent.\n');
    expect(storedTitles(runsTitled(title)[0]!.id)).toEqual(['own 1']);
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(sent.stdout + sent.stderr).not.toContain('private value');

    const settled = crafted({
      'manifest.json': manifest({ create: { ...PLAN, title: 'settled link' }, complete: true }),
      'results-000001.ndjson': `${JSON.stringify(result('own-2', 'own 2'))}\n`,
    });
    symlinkSync(outside, join(settled, 'results-000001.settled'));
    const second = await upload(settled);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('results-000001.settled in ');
    expect(second.stderr).toContain('is not read: a symbolic link leads out of the folder.');
    expect(readFileSync(outside, 'utf8')).toBe('precious');
  });
});

describe('the manifest is checked before anything is sent', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a run id that is a path', { id: '1/../../../../v1/project/DEMO/x?y=', complete: true }, /run\.id is "1\/\.\.\/\.\.\/\.\.\/\.\.\/v1\/project\/DEMO\/x\?y=", not a positive whole number/],
    ['a run id with SQL in it', { id: '1; DROP', complete: true }, /run\.id is "1; DROP", not a positive whole number/],
    ['a negative run id', { id: -7, complete: true }, /run\.id is -7, not a positive whole number/],
    ['a run title that is not text', { create: { ...PLAN, title: 42 }, complete: true }, /run\.create\.title is 42, not text/],
    ['tags that are not a list', { create: { ...PLAN, tags: 'x' }, complete: false }, /run\.create\.tags is "x", not a list/],
  ])('%s: one line, exit 1, no request', async (_name, runField, why) => {
    const dir = crafted({ 'manifest.json': manifest(runField), 'results-000001.ndjson': `${JSON.stringify(result('m1', 'never sent'))}\n` });
    const requests = emulator.state().requests.length;
    const sent = await upload(dir);
    expect(sent.code).toBe(1);
    expect(sent.stdout).toBe('');
    expect(sent.stderr).toMatch(/^qase: [^\n]+\n$/);
    expect(sent.stderr).toMatch(why);
    expect(sent.stderr).toContain('manifest.json is not one a qase-reporters reporter wrote');
    expect(emulator.state().requests.length).toBe(requests);
  });
});

describe('escape codes never reach the terminal', () => {
  it('from a test title, in the lines that name a refused result', async () => {
    const title = `evil ${ESC}]0;pwned${ESC}\\ ${ESC}[2J ${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`;
    const body = { ...result('esc-1', title), execution: { status: 'no-such-status' } };
    const dir = crafted({ 'manifest.json': manifest({ create: { ...PLAN, title: `escapes ${ESC}[31m` }, complete: true }), 'requests/000001.json': JSON.stringify({ results: [body] }) });
    const sent = await upload(dir);
    expect(sent.code).toBe(1);
    expect(sent.stdout + sent.stderr).not.toContain(ESC);
    expect(sent.stderr).toContain('result "evil \\x1b]0;pwned\\x1b\\ \\x1b[2J');
  });

  it('from an API error message', async () => {
    const hostile = await serve(422, JSON.stringify({ status: false, errorMessage: `${ESC}]0;owned\u0007${ESC}[2J\rqase: all delivered` }));
    try {
      const dir = crafted({ 'manifest.json': manifest(), 'results-000001.ndjson': `${JSON.stringify(result('api-1', 'x'))}\n` });
      const sent = await upload(dir, { url: hostile.url });
      expect(sent.code).toBe(1);
      expect(sent.stdout + sent.stderr).not.toContain(ESC);
      expect(sent.stdout + sent.stderr).not.toContain('\r');
      // A line break in an API message is folded to a space, an escape is shown escaped.
      expect(sent.stderr).toContain('(\\x1b]0;owned\\x07\\x1b[2J qase: all delivered)');
    } finally {
      hostile.close();
    }
  });
});

/** An HTTP server that answers every request with `status` and `body`. */
async function serve(status: number, body: string): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => (server.closeAllConnections(), server.close()),
  };
}

describe('one owner per folder', () => {
  it('an upload refuses the outbox of a reporter still running, naming its process; every result arrives once, in one run', async () => {
    const cwd = join(TMP, 'running');
    mkdirSync(cwd, { recursive: true });
    const TOTAL = 600;
    const child = spawn(process.execPath, [join(TMP, 'producer.cjs'), String(TOTAL)], { cwd, env: env({ QASE_TESTOPS_BATCH_SIZE: '10', QASE_LOGGING_CONSOLE: 'false' }) });
    let added = 0;
    child.stdout.on('data', (chunk: Buffer) => (added = Number(/added (\d+)\n$/.exec(chunk.toString())?.[1] ?? added)));
    const exited = once(child, 'exit');
    while (added < 30) await new Promise((r) => setTimeout(r, 10));

    const sent = await upload(join(cwd, '.qase/outbox'));
    await exited;
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(new RegExp(`is in use by process ${child.pid} \\(since [^)]+\\): a reporter still writing it, or another upload\\. Nothing was sent from it`));
    // Only the producer writes titles like `result 7` to this emulator.
    const runs = emulator.state().runs.filter((r) => storedTitles(r.id).some((t) => /^result \d+$/.test(t)));
    expect(runs).toHaveLength(1);
    const titles = storedTitles(runs[0]!.id);
    expect(new Set(titles).size).toBe(TOTAL);
    expect(titles).toHaveLength(TOTAL);
    expect(runs[0]).toMatchObject({ status: 'complete' });
  });

  it('two uploads of one folder at once: one run, every result once', async () => {
    const slow = await startEmulator({ token: TOKEN, limits: { requestsPerMinute: 100_000 } });
    slow.setFaults({ latencyMs: 40 });
    try {
      const title = 'uploaded twice at once';
      const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify(result(`twice-${i}`, `twice ${i}`))).join('\n');
      const dir = crafted({ 'manifest.json': manifest({ create: { ...PLAN, title }, complete: true }), 'results-000001.ndjson': `${lines}\n` });
      const both = await Promise.all([upload(dir, { url: slow.url }), upload(dir, { url: slow.url })]);
      const state = slow.state();
      expect(state.runs.filter((r) => r.title === title)).toHaveLength(1);
      const stored = (state.results[state.runs[0]!.id] ?? []).map((r) => r.id);
      expect(stored.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `twice-${i}`).sort());
      // One sends everything. The other is refused while the folder is in use; or, coming just after, finds the run
      // complete and sends nothing (exit 0), or finds the folder already sent and gone.
      const sender = both.find((r) => /60 of 60 results delivered/.test(r.stdout));
      const other = both.find((r) => r !== sender);
      expect(sender?.code, JSON.stringify(both)).toBe(0);
      expect(`${other!.stdout}${other!.stderr}`).toMatch(/is in use by process \d+ \(since [^)]+\)|no manifest\.json any more: another upload sent it meanwhile|does not exist|has no manifest\.json or run\.json|is already complete, so this folder was uploaded before; nothing was sent again/);
      expect(other!.stderr).not.toMatch(/ENOENT|scandir|at .*\.js:\d+/);
    } finally {
      await slow.close();
    }
  });
});

describe('the smaller cases, each one line and no lost result', () => {
  it('a segment whose last line was cut short: the rest is sent, and the line says so', async () => {
    const lines = [result('cut-1', 'cut 1'), result('cut-2', 'cut 2')].map((r) => JSON.stringify(r)).join('\n');
    const title = 'cut short';
    const dir = crafted({ 'manifest.json': manifest({ create: { ...PLAN, title }, complete: true }), 'results-000001.ndjson': `${lines}\n{"id":"cut-3","tit` });
    const sent = await upload(dir);
    expect(sent.code).toBe(1);
    expect(storedTitles(runsTitled(title)[0]!.id).sort()).toEqual(['cut 1', 'cut 2']);
    expect(sent.stdout).toMatch(/: 2 of 2 results delivered to run \d+/);
    expect(sent.stderr).toContain('qase: results-000001.ndjson: its last line is cut short (the process writing it was killed mid-write); that result was never complete and is not sent.\n');
  });

  it('one result id 10,000 times is sent once and counted once', async () => {
    const title = 'ten thousand copies';
    const dir = crafted({ 'manifest.json': manifest({ create: { ...PLAN, title }, complete: true }), 'results-000001.ndjson': `${JSON.stringify(result('same', 'same'))}\n`.repeat(10_000) });
    const requests = emulator.state().requests.length;
    const sent = await upload(dir);
    expect(sent.code, sent.stderr).toBe(0);
    const id = runsTitled(title)[0]!.id;
    expect(sent.stdout).toMatch(new RegExp(`: 1 of 1 results delivered to run ${id} in \\d+ requests`));
    expect(sent.stderr).toContain('qase: results-000001.ndjson: 9999 lines repeat a result id already in it; each result is sent and counted once.\n');
    expect(storedTitles(id)).toEqual(['same']);
    expect(emulator.state().requests.slice(requests).filter((r) => r.path.endsWith('/results'))).toHaveLength(1);
  });

  it('a run-create answer that is not JSON: one line naming the host setting, the results kept', async () => {
    const page = await serve(200, '<html>Sign in to the proxy</html>');
    try {
      const dir = crafted({ 'manifest.json': manifest(), 'results-000001.ndjson': `${JSON.stringify(result('html-1', 'x'))}\n` });
      const sent = await upload(dir, { url: page.url });
      expect(sent.code).toBe(1);
      expect(sent.stderr).toContain('POST /v1/run/DEMO → 200, but the answer is not the Qase API\'s (it begins "<html>Sign in to the proxy</html>"). ' +
        'Check that QASE_TESTOPS_API_HOST points at the Qase API, not at a proxy, a login page or another server.');
      expect(sent.stderr).not.toMatch(/Cannot read properties|unavailable/);
      expect(readdirSync(dir)).toContain('results-000001.ndjson');
    } finally {
      page.close();
    }
  });

  it('a host without a scheme gets a hint', async () => {
    const sent = await upload(TMP, { env: { QASE_TESTOPS_API_HOST: '127.0.0.1:4711' } });
    expect(sent.code).toBe(1);
    expect(sent.stderr).toBe('qase: QASE_TESTOPS_API_HOST is "127.0.0.1:4711", an address without a scheme. Write the full URL: http://127.0.0.1:4711 ' +
      'for a server on this machine (plain http:// is allowed only for 127.0.0.1, ::1 and localhost), https://… for any other.\n');
  });

  it('a host with a user name and password is refused without printing them', async () => {
    const sent = await upload(TMP, { env: { QASE_TESTOPS_API_HOST: 'http://alice:s3cr3t-pw@127.0.0.1:4711' } });
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain('QASE_TESTOPS_API_HOST is "http://***@127.0.0.1:4711"; the URL may not carry a user name or password');
    expect(sent.stderr).not.toMatch(/alice|s3cr3t/);
  });
});

it('never printed the token or the secret file', () => {
  const all = printed.join('');
  expect(all).not.toContain(TOKEN);
  expect(all).not.toContain('the-real-one');
});

it('read nothing outside the folders: the secret never reached the API', () => {
  expect(emulator.state().attachments.map((a) => a.sha256)).not.toContain(sha256(SECRET));
  expect(emulator.state().attachments.map((a) => a.sha256)).not.toContain(sha256(readFileSync('/etc/passwd')));
});
