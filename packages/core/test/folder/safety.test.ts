// A folder of results as an attacker would hand it over: as a CI artifact, from another job or a pull request.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveFolderFile } from '../../src/attachments';
import { formatStepSummary } from '../../src/step-summary';
import { checkManifest, resultProblem } from '../../src/folder-schema';
import { LOCK_FILE, lockFolder } from '../../src/folder-lock';
import { openOutbox, parseSegment } from '../../src/outbox';
import { createOutput, terminalSafe } from '../../src/output';

const ESC = '\u001b';
let dir: string;
let folder: string;

beforeEach(() => {
  dir = join(resolve(__dirname, '../../../..'), 'test/.tmp', `core-folder-${randomUUID().slice(0, 8)}`);
  folder = join(dir, 'outbox');
  mkdirSync(join(folder, 'files/abc'), { recursive: true });
  writeFileSync(join(folder, 'files/abc/shot.png'), 'png');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveFolderFile', () => {
  it('gives the real path of a file inside the folder', () => {
    expect(resolveFolderFile(folder, 'files/abc/shot.png')).toEqual({ path: join(folder, 'files/abc/shot.png') });
  });

  it.each([
    ['/etc/passwd', /absolute path/],
    ['C:\\Windows\\win.ini', /absolute path/],
    ['../.env', /out of the folder with \.\./],
    ['files/../../.env', /out of the folder with \.\./],
    ['files\\..\\..\\.env', /out of the folder with \.\./],
    ['', /not a file name/],
    ['files/abc/shot.png\0.txt', /not a file name/],
    ['files/none.png', /does not exist/],
    ['files', /not a file/],
  ])('refuses %j and says why', (name, why) => {
    const answer = resolveFolderFile(folder, name);
    expect(answer.path).toBeUndefined();
    expect(answer.refused).toMatch(why);
  });

  it('refuses a symbolic link out of the folder, to a file or through a folder', () => {
    symlinkSync(join(dir, '.env'), join(folder, 'files/env.txt'));
    symlinkSync(dir, join(folder, 'files/up'));
    expect(resolveFolderFile(folder, 'files/env.txt').refused).toBe('a symbolic link leads out of the folder');
    expect(resolveFolderFile(folder, 'files/up/.env').refused).toBe('a symbolic link leads out of the folder');
  });

  it('follows a symbolic link that stays inside the folder, and a folder reached through a link', () => {
    symlinkSync(join(folder, 'files/abc/shot.png'), join(folder, 'files/same.png'));
    expect(resolveFolderFile(folder, 'files/same.png')).toEqual({ path: join(folder, 'files/abc/shot.png') });
    const linked = join(dir, 'linked-outbox');
    symlinkSync(folder, linked);
    expect(resolveFolderFile(linked, 'files/abc/shot.png')).toEqual({ path: join(folder, 'files/abc/shot.png') });
  });
});

const plan = { title: 'Run', tags: [], configurations: [], createConfigurations: false, startTime: '2026-12-07 10:00:00' };
const manifest = (run: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ({ version: 1, project: 'DEMO', framework: 'jest', createdAt: '2026-12-07T10:00:00.000Z', run: { complete: true, ...run }, ...extra });

describe('checkManifest', () => {
  it('takes what a reporter writes', () => {
    expect(checkManifest(manifest({ id: 12 }))).toMatchObject({ run: { id: 12 } });
    expect(checkManifest(manifest({ create: plan }))).toMatchObject({ run: { create: plan } });
  });

  it.each([
    ['a run id that is a path', manifest({ id: '1/../../../../v1/project/DEMO/x?y=' }), /run\.id is "1\/\.\.\/\.\.\/\.\.\/\.\.\/v1\/project\/DEMO\/x\?y=", not a positive whole number/],
    ['a run id with SQL in it', manifest({ id: '1; DROP' }), /run\.id is "1; DROP", not a positive whole number/],
    ['a negative run id', manifest({ id: -7 }), /run\.id is -7, not a positive whole number/],
    ['a fractional run id', manifest({ id: 1.5 }), /run\.id is 1\.5/],
    ['a project code that is a path', manifest({ id: 1 }, { project: '../x' }), /project is "\.\.\/x", which is not of the right form/],
    ['a title that is not text', manifest({ create: { ...plan, title: 42 } }), /run\.create\.title is 42, not text/],
    ['tags that are not a list', manifest({ create: { ...plan, tags: 'a,b' } }), /run\.create\.tags is "a,b", not a list/],
    ['a configuration without a value', manifest({ create: { ...plan, configurations: [{ name: 'OS' }] } }), /run\.create\.configurations\[0\]\.value is missing/],
    ['a plan id of the wrong type', manifest({ create: { ...plan, planId: '3' } }), /run\.create\.planId is "3"/],
    ['a start time of another form', manifest({ create: { ...plan, startTime: 'now' } }), /run\.create\.startTime is "now"/],
    ['complete missing', { ...manifest({}), run: {} }, /run\.complete is missing/],
    ['another version', { ...manifest({ id: 1 }), version: 3 }, /version is 3; this version of qase-reporters reads versions 1 and 2/],
    ['a version 2 without projects', { ...manifest({ id: 1 }), version: 2 }, /projects is missing/],
    ['a project named twice', { version: 2, framework: 'jest', createdAt: 'x', projects: [{ code: 'P1', run: { complete: true } }, { code: 'P1', run: { complete: true } }] }, /projects must name each project once/],
    ['a project code that is a path in version 2', { version: 2, framework: 'jest', createdAt: 'x', projects: [{ code: '../P1', run: { complete: true } }] }, /projects\[0\]\.code is "\.\.\/P1", which is not of the right form/],
    ['a list', [], /the value is \[\], not an object/],
  ])('refuses %s in one line naming the field', (_name, value, why) => {
    expect(() => checkManifest(value)).toThrowError(why);
    expect(() => checkManifest(value)).toThrowError(/^manifest\.json is not one a qase-reporters reporter wrote \(.*\), so nothing in the folder was sent\./);
  });
});

const body = { id: 'a1b2', title: 'logs in', execution: { status: 'passed', start_time: 1.5, duration: 3 }, attachments: ['file:files/x/y.png'] };

describe('resultProblem', () => {
  it('takes a result a reporter writes', () => expect(resultProblem(body)).toBeUndefined());
  it.each([
    [{ ...body, id: undefined }, 'id is missing'],
    [{ ...body, id: '../x' }, 'id is "../x", which is not of the right form'],
    [{ ...body, title: ['x'] }, 'title is ["x"], not text'],
    [{ ...body, execution: 'passed' }, 'execution is "passed", not an object'],
    [{ ...body, execution: { status: 'passed\u001b[2J' } }, 'execution.status is "passed\\u001b[2J", which is not of the right form'],
    [{ ...body, attachments: [{ path: '/etc/passwd' }] }, 'attachments[0] is {"path":"/etc/passwd"}, not text'],
    [{ ...body, testops_ids: [0] }, 'testops_ids[0] is 0, not a positive whole number'],
    [{ ...body, steps: [{ data: { action: 'a' }, execution: { status: 'passed', attachments: [7] } }] }, 'steps[0].execution.attachments[0] is 7, not text'],
  ])('names what is wrong with %j', (value, why) => expect(resultProblem(value)).toBe(why));
});

describe('parseSegment', () => {
  const line = (id: string) => JSON.stringify({ ...body, id });

  it('says a cut-short last line was skipped, and keeps every complete line', () => {
    const { results, skipped } = parseSegment(`${line('a')}\n${line('b')}\n{"id":"c","tit`);
    expect(results.map((r) => r.id)).toEqual(['a', 'b']);
    expect(skipped).toEqual([{ count: 1, why: expect.stringMatching(/^its last line is cut short/) }]);
  });

  it('keeps a result id once however often it repeats', () => {
    const { results, skipped } = parseSegment(`${line('a')}\n`.repeat(10_000));
    expect(results).toHaveLength(1);
    expect(skipped).toEqual([{ count: 0, why: '9999 lines repeat a result id already in it; each result is sent and counted once' }]);
  });

  it('skips lines that are not results, naming the first', () => {
    const { results, skipped } = parseSegment(`${line('a')}\nnot json\n{"id":"b"}\n`);
    expect(results.map((r) => r.id)).toEqual(['a']);
    expect(skipped).toEqual([{ count: 2, why: '2 lines are not results a reporter writes and are not sent: line 2 is not valid JSON (and 1 more)' }]);
  });
});

describe('the folder lock', () => {
  it('lets one owner in at a time and names the owner to the next', () => {
    const lock = lockFolder(folder);
    expect(() => lockFolder(folder)).toThrowError(new RegExp(`is in use by process ${process.pid} \\(since .*\\): a reporter still writing it, or another upload\\. Nothing was sent`));
    expect(() => openOutbox(folder)).toThrowError(/is in use by process/);
    lock.release();
    lockFolder(folder).release();
  });

  it.each([
    ['a process that has ended', () => ({ pid: 2 ** 22 + 17, host: hostname(), since: 'then' })],
    ['another machine (a folder that came as an artifact)', () => ({ pid: process.pid, host: 'ci-runner-7', since: 'then' })],
  ])('takes over a lock left by %s', (_name, owner) => {
    writeFileSync(join(folder, LOCK_FILE), JSON.stringify(owner()));
    const lock = lockFolder(folder);
    expect(JSON.parse(readFileSync(join(folder, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
  });

  it('takes over a lock that does not say who holds it', () => {
    writeFileSync(join(folder, LOCK_FILE), '{"pid":');
    lockFolder(folder).release();
  });

  it('release leaves a lock that is no longer its own', () => {
    const lock = lockFolder(folder);
    const other = JSON.stringify({ pid: 1, host: hostname(), since: 'now' });
    writeFileSync(join(folder, LOCK_FILE), other);
    lock.release();
    expect(readFileSync(join(folder, LOCK_FILE), 'utf8')).toBe(other);
  });

  it('an outbox holds its folder until released, then the folder can be opened again', () => {
    const outbox = openOutbox(folder);
    expect(() => openOutbox(folder)).toThrowError(/in use/);
    outbox.release();
    openOutbox(folder).release();
  });

  it('a project\'s subfolder that links out of the folder is not listed, read or written', () => {
    const outside = join(dir, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'results-000001.ndjson'), '{}\n');
    symlinkSync(outside, join(folder, 'PROJ2'));
    const outbox = openOutbox(folder);
    try {
      expect(() => outbox.queue('PROJ2')).toThrowError('PROJ2 in ' + folder + ' is not read: it is a symbolic link out of the folder.');
      expect(outbox.queue('PROJ1').hasSealed()).toBe(false);
    } finally {
      outbox.release();
    }
    expect(readdirSync(outside)).toEqual(['results-000001.ndjson']);
  });

  it('hard links made by the store are files inside the folder', () => {
    linkSync(join(dir, '.env'), join(folder, 'files/abc/env'));
    // A hard link is a file of the folder: it was made by our reporter (or by whoever made the folder, who had the file).
    expect(resolveFolderFile(folder, 'files/abc/env').path).toBe(join(folder, 'files/abc/env'));
  });
});

describe('terminalSafe', () => {
  it.each([
    ['clear screen', 'a\u001b[2Jb', 'a\\x1b[2Jb'],
    ['window title', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['hyperlink', '\u001b]8;;https://evil\u001b\\click\u001b]8;;\u001b\\', '\\x1b]8;;https://evil\\x1b\\click\\x1b]8;;\\x1b\\'],
    ['a forged line', 'ok\nqase: 10 of 10 delivered\r', 'ok\\nqase: 10 of 10 delivered\\r'],
    ['a C1 control (8-bit CSI)', 'a\u009b2Jb', 'a\\x9b2Jb'],
    ['a bidi override', 'abc\u202edcba', 'abc\\u202edcba'],
    ['plain text with unicode', 'Ünïcödé ✓ test', 'Ünïcödé ✓ test'],
  ])('shows %s escaped', (_name, text, shown) => expect(terminalSafe(text)).toBe(shown));

  it('is applied to every line the output prints, and the log file', () => {
    const written: string[] = [];
    const logFile = join(dir, 'logs/qase.log');
    const output = createOutput({ console: true, debug: true, logFile, secrets: [], write: (t) => written.push(t) });
    output.info('title \u001b]0;x\u0007');
    output.warn('\u001b[2J');
    output.debug('\u001b[31mred');
    output.errorOnce('POST /v1/run → 422 (\u001b]0;…\u0007\u001b[2J)');
    expect(written.join('')).not.toContain('\u001b');
    expect(written.join('')).not.toContain('\u0007');
    expect(readFileSync(logFile, 'utf8')).not.toContain('\u001b');
    expect(written).toHaveLength(4);
  });
});

describe('the GitHub job summary', () => {
  it('shows escape codes from a folder name or a status escaped', () => {
    const markdown = formatStepSummary(
      { mode: 'testops', delivered: 1, byStatus: { [`passed${ESC}[2J`]: 2 }, deliveredByStatus: { [`passed${ESC}[2J`]: 1 }, runId: 3, runUrl: 'https://app.qase.io/run/DEMO/dashboard/3', folder: `/w/.qase/outbox/x${ESC}]0;t\u0007` },
      { GITHUB_WORKSPACE: '/w' },
    )!;
    expect(markdown).not.toContain(ESC);
    expect(markdown).toContain('passed\\x1b[2J');
    expect(markdown).toContain('.qase/outbox/x\\x1b]0;t\\x07');
  });
});

describe('a folder that cannot be written', () => {
  it('is one line saying so, not an error code alone', () => {
    expect(() => lockFolder(join(dir, 'no-such-folder'))).toThrowError(/^could not mark .*no-such-folder as in use by this process \(ENOENT\); the folder must be writable/);
  });
});

describe('two collectors of one process', () => {
  it('each own a folder of their own, even when started in the same second', async () => {
    const { createCollector, createTestResult } = await import('../../src/index');
    const env = { QASE_MODE: 'testops', QASE_TESTOPS_API_TOKEN: 't', QASE_TESTOPS_PROJECT: 'DEMO', QASE_TESTOPS_API_HOST: 'http://127.0.0.1:9', QASE_LOGGING_CONSOLE: 'false' };
    const collectors = [1, 2].map(() => createCollector({}, { framework: 'unit', cwd: dir, env }));
    collectors.forEach((c) => c.add(createTestResult({ title: 'kept', status: 'passed' })));
    const folders = readdirSync(join(dir, '.qase/outbox'));
    expect(folders).toHaveLength(2);
    for (const name of folders) expect(readFileSync(join(dir, '.qase/outbox', name, LOCK_FILE), 'utf8')).toContain(`"pid":${process.pid}`);
  });
});
