import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIR_ENV, keyOf, openTransport, sendLine } from '../src/transport';
import type { Line, Transport } from '../src/transport';

const key = { fullName: 'Cart adds', occurrence: 0, attempt: 1 };

/** Sends lines from a worker thread: a process of its own as far as diagnostics channels go, as Jest's workers are. */
function sendFromWorker(dir: string, testPath: string, lines: Line[]): Promise<void> {
  const transport = join(__dirname, '../dist/transport.js');
  const code = `const { workerData: d } = require('node:worker_threads');
    const { sendLine } = require(d.transport);
    for (const line of d.lines) sendLine(d.dir, d.testPath, line);`;
  return new Promise((resolve, reject) => {
    new Worker(code, { eval: true, workerData: { transport, dir, testPath, lines } }).once('error', reject).once('exit', () => resolve());
  });
}

describe('the transport', () => {
  let env: NodeJS.ProcessEnv;
  let transport: Transport;
  beforeEach(() => {
    env = {};
    transport = openTransport(env);
  });
  afterEach(() => {
    transport.close();
  });

  it('hands calls made in this process (in band) to the reporter in memory, by test file and attempt, in call order', () => {
    sendLine(transport.dir, '/repo/a.test.js', { ...key, meta: { title: 'first' } });
    sendLine(transport.dir, '/repo/b.test.js', { ...key, meta: { title: 'other file' } });
    sendLine(transport.dir, '/repo/a.test.js', { ...key, meta: { title: 'second', fields: { layer: 'api' } } });
    sendLine(transport.dir, '/repo/a.test.js', { ...key, attempt: 2, meta: { comment: 'retry' } });
    const shot = { name: 'shot.png', contentType: 'image/png', content: Buffer.from([1, 2, 3]) };
    sendLine(transport.dir, '/repo/c.test.js', { ...key, meta: { attachments: [shot] } });

    expect(readdirSync(transport.dir)).toEqual([]);
    const lines = transport.take('/repo/a.test.js');
    expect(lines.get(keyOf(key))).toMatchObject({ title: 'second', fields: { layer: 'api' } });
    expect(lines.get(keyOf({ ...key, attempt: 2 }))).toMatchObject({ comment: 'retry' });
    expect(transport.take('/repo/a.test.js').size).toBe(0);
    expect(transport.take('/repo/b.test.js').get(keyOf(key))?.title).toBe('other file');
    expect(transport.take('/repo/c.test.js').get(keyOf(key))?.attachments).toEqual([shot]);
  });

  it('leaves calls made for another reporter\'s folder to that reporter', () => {
    const other = openTransport({});
    try {
      sendLine(other.dir, '/repo/a.test.js', { ...key, meta: { title: 'theirs' } });
      expect(transport.take('/repo/a.test.js').size).toBe(0);
      expect(other.take('/repo/a.test.js').get(keyOf(key))?.title).toBe('theirs');
    } finally {
      other.close();
    }
  });

  it('carries calls made in a worker through the folder, attached bytes as bytes, in steps too, and deletes what it read', async () => {
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
    await sendFromWorker(transport.dir, '/repo/a.test.js', [
      { ...key, meta: { title: 'first' } },
      { ...key, meta: { attachments: [own, shot], steps: [{ ...step('outer'), steps: [step('in a step')] }] } },
    ]);
    expect(readdirSync(transport.dir)).toHaveLength(1);

    const meta = transport.take('/repo/a.test.js').get(keyOf(key));
    expect(meta?.title).toBe('first');
    expect(meta?.attachments).toEqual([own, shot]);
    expect(Buffer.isBuffer(meta?.attachments?.[1]?.content)).toBe(true);
    expect(meta?.steps?.[0]?.steps[0]?.attachments).toEqual([{ name: 'step.txt', contentType: 'text/plain', content: 'in a step' }]);
    expect(readdirSync(transport.dir)).toEqual([]);
  });

  it('is named for the workers in the environment, and removed with what is left in it', async () => {
    expect(env[DIR_ENV]).toBe(transport.dir);
    await sendFromWorker(transport.dir, '/repo/a.test.js', [{ ...key, meta: { title: 'left over' } }]);
    transport.close();
    expect(existsSync(transport.dir)).toBe(false);
  });
});
