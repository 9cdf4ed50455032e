import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLine, closeTransport, DIR_ENV, keyOf, openTransport, readLines } from '../src/transport';

describe('the transport folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qase-jest-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns one test file\'s lines by attempt, in call order, and deletes what it read', () => {
    const key = { fullName: 'Cart adds', occurrence: 0, attempt: 1 };
    appendLine(dir, '/repo/a.test.js', { ...key, meta: { title: 'first' } });
    appendLine(dir, '/repo/b.test.js', { ...key, meta: { title: 'other file' } });
    appendLine(dir, '/repo/a.test.js', { ...key, meta: { title: 'second', fields: { layer: 'api' } } });
    appendLine(dir, '/repo/a.test.js', { ...key, attempt: 2, meta: { comment: 'retry' } });

    const lines = readLines(dir, '/repo/a.test.js');
    expect(lines.get(keyOf(key))).toMatchObject({ title: 'second', fields: { layer: 'api' } });
    expect(lines.get(keyOf({ ...key, attempt: 2 }))).toMatchObject({ comment: 'retry' });
    expect(readLines(dir, '/repo/a.test.js').size).toBe(0);
    expect(readLines(dir, '/repo/b.test.js').get(keyOf(key))?.title).toBe('other file');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('carries attached content in the line, bytes as bytes, in steps too, and keeps files the test named', () => {
    const key = { fullName: 'shot', occurrence: 0, attempt: 1 };
    const own = { name: 'app.log', contentType: 'text/plain', path: '/var/log/app.log' };
    const shot = { name: 'shot.png', contentType: 'image/png', content: Buffer.from([1, 2, 3]) };
    const step = (content: string) => ({
      title: 's',
      status: 'passed' as const,
      startTimeMs: 0,
      endTimeMs: 1,
      attachments: [{ name: 'step.txt', contentType: 'text/plain', content }],
      steps: [],
    });
    appendLine(dir, '/repo/a.test.js', { ...key, meta: { attachments: [own, shot], steps: [{ ...step('outer'), steps: [step('in a step')] }] } });

    const meta = readLines(dir, '/repo/a.test.js').get(keyOf(key));
    expect(meta?.attachments).toEqual([own, shot]);
    expect(Buffer.isBuffer(meta?.attachments?.[1]?.content)).toBe(true);
    expect(meta?.steps?.[0]?.steps[0]?.attachments).toEqual([{ name: 'step.txt', contentType: 'text/plain', content: 'in a step' }]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is named for the workers in the environment and removed with what is left in it', () => {
    const env: NodeJS.ProcessEnv = {};
    const opened = openTransport(env);
    appendLine(opened, '/repo/a.test.js', { fullName: 'left over', occurrence: 0, attempt: 1, meta: {} });
    expect(env[DIR_ENV]).toBe(opened);
    closeTransport(opened);
    expect(existsSync(opened)).toBe(false);
  });
});
