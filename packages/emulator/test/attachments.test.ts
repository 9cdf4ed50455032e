import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index';
import { request } from './request';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator();
});

afterEach(async () => {
  await emulator.close();
});

function form(files: { name: string; content: string | Uint8Array<ArrayBuffer>; type?: string; field?: string }[]): FormData {
  const data = new FormData();
  for (const file of files) {
    data.append(file.field ?? 'file[]', new Blob([file.content], { type: file.type ?? 'text/plain' }), file.name);
  }
  return data;
}

const upload = (data: FormData | string) => request(emulator, 'POST', '/v1/attachment/DEMO', { raw: data });

describe('attachment upload', () => {
  it('stores each file of file[] and answers a hash per file', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const answer = await upload(form([
      { name: 'trace.txt', content: 'hello' },
      { name: 'screen shot é.png', content: png, type: 'image/png' },
      { name: 'ignored.txt', content: 'other field', field: 'other' },
    ]));
    expect(answer.status).toBe(200);
    const { result } = answer.body as { result: { hash: string; filename: string; mime: string; extension: string; url: string }[] };
    expect(result.map(({ filename, mime, extension }) => ({ filename, mime, extension }))).toEqual([
      { filename: 'trace.txt', mime: 'text/plain', extension: 'txt' },
      { filename: 'screen shot é.png', mime: 'image/png', extension: 'png' },
    ]);
    expect(emulator.state().attachments).toEqual([
      { project: 'DEMO', hash: result[0].hash, filename: 'trace.txt', mime: 'text/plain', extension: 'txt', size: 5, sha256: sha256('hello') },
      { project: 'DEMO', hash: result[1].hash, filename: 'screen shot é.png', mime: 'image/png', extension: 'png', size: 8, sha256: sha256(png) },
    ]);
    expect(emulator.state().requests[0]).toMatchObject({ status: 200, dropped: false });
    expect(emulator.state().requests[0].bytes).toBeGreaterThan(13);
  });

  it('answers the same hash for the same bytes, and logs every upload', async () => {
    const first = await upload(form([{ name: 'a.txt', content: 'same' }]));
    const second = await upload(form([{ name: 'b.txt', content: 'same' }]));
    const hashOf = (answer: { body: unknown }) => (answer.body as { result: { hash: string }[] }).result[0].hash;
    expect(hashOf(first)).toBe(hashOf(second));
    expect(emulator.state().attachments).toHaveLength(2);
  });

  it.each([
    { limit: { filesPerRequest: 2 }, files: 3, bytes: 1, message: 'The request has more than 2 files.' },
    { limit: { fileBytes: 10 }, files: 1, bytes: 11, message: 'The file f0.bin is larger than 10 bytes.' },
    { limit: { requestBytes: 1000 }, files: 2, bytes: 600, message: 'The request is larger than 1000 bytes.' },
  ])('answers 413 over $limit and stores nothing', async ({ limit, files, bytes, message }) => {
    emulator.setLimits({ attachment: limit });
    const data = form(Array.from({ length: files }, (_, index) => ({ name: `f${index}.bin`, content: 'x'.repeat(bytes) })));
    const answer = await upload(data);
    expect(answer).toMatchObject({ status: 413, body: { status: false, errorMessage: message } });
    expect(emulator.state().attachments).toEqual([]);
  });

  it('keeps the real limits by default: 32 MiB a file, 128 MiB a request, 20 files', async () => {
    const limits = await request(emulator, 'POST', '/__emulator/limits', { token: null, json: {} });
    expect((limits.body as { result: unknown }).result).toMatchObject({
      attachment: { fileBytes: 32 * 1024 * 1024, requestBytes: 128 * 1024 * 1024, filesPerRequest: 20 },
    });
    const files = Array.from({ length: 21 }, (_, index) => ({ name: `f${index}.txt`, content: 'x' }));
    expect(await upload(form(files))).toMatchObject({ status: 413, body: { errorMessage: 'The request has more than 20 files.' } });
    expect((await upload(form(files.slice(1)))).status).toBe(200);
  });

  it('answers 507 when storage is full', async () => {
    emulator.setFaults({ storageFull: true });
    const answer = await upload(form([{ name: 'a.txt', content: 'a' }]));
    expect(answer).toMatchObject({ status: 507, body: { status: false } });
    expect(emulator.state().attachments).toEqual([]);
  });

  it.each([
    { name: 'a body that is not multipart', body: '{"file": "a"}', message: 'The request is not multipart/form-data.' },
    { name: 'no file in file[]', body: form([{ name: 'a.txt', content: 'a', field: 'file' }]), message: 'The request has no file in the file[] field.' },
  ])('answers 400 to $name', async ({ body, message }) => {
    const answer = await upload(body);
    expect(answer).toMatchObject({ status: 400, body: { errorMessage: message } });
  });

  it('needs the token', async () => {
    const answer = await request(emulator, 'POST', '/v1/attachment/DEMO', { raw: form([{ name: 'a.txt', content: 'a' }]), token: null });
    expect(answer.status).toBe(401);
  });
});

function sha256(content: string | Uint8Array<ArrayBuffer>): string {
  return createHash('sha256').update(content).digest('hex');
}
