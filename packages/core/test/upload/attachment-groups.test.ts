// Attachment requests fill across batches: a batch whose files would not fill a request waits for later results'
// files while results are still being written, and goes as it is once they are all written or the deadline passes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UploadFile } from '../../src/api';
import type { ResultBody } from '../../src/api-types';
import { createAttachmentStore, createAttachmentUploader, MAX_FILL_WAIT_MS } from '../../src/attachments';
import { ApiError } from '../../src/errors';

let dir: string;
let requests: UploadFile[][];
let cancel: AbortController;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'attachment-groups-'));
  requests = [];
  cancel = new AbortController();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The timer of a batch's wait for a fuller request: it fires when the test says.
let waitOver: (() => void) | undefined;
let waitMs: number | undefined;

function uploader(upload = async (files: UploadFile[]) => files.map((f) => `hash-of-${f.name}`)) {
  waitOver = undefined;
  return createAttachmentUploader({
    dir,
    upload: (files) => (requests.push(files), upload(files)),
    warn: () => undefined,
    cancelled: cancel.signal,
    sleep: (ms) => new Promise((done) => {
      waitMs = ms;
      waitOver = done;
    }),
  });
}

const store = () => createAttachmentStore(dir, { warn: () => undefined });

// Results each with one attachment of its own content.
function results(from: number, to: number): ResultBody[] {
  const keep = store();
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const ref = keep({ name: `log-${i}.txt`, contentType: 'text/plain', content: `log ${i}` });
    return { id: `id-${i}`, title: `test ${i}`, execution: { status: 'passed' }, attachments: ref ? [ref] : [] } as unknown as ResultBody;
  });
}

// Lets pending promises run a few turns of the event loop: a batch that waits sends nothing before it reads a file.
const settle = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise(setImmediate);
};

describe('attachment requests across batches', () => {
  it('a batch with few files waits for later results to fill a request of 20', async () => {
    const attachments = uploader();
    const first = results(0, 5);
    first.forEach(attachments.expect);
    const resolved = attachments.resolve(first);
    await settle();
    expect(requests).toHaveLength(0);
    const second = results(5, 25);
    second.forEach(attachments.expect);
    const batch = await resolved;
    expect(requests.map((r) => r.length)).toEqual([20]);
    expect(batch.map((r) => r.attachments)).toEqual(first.map((_, i) => [`hash-of-log-${i}.txt`]));
    // The next batch's first 15 files went with the first request: only the rest is sent, once every result is written.
    const next = attachments.resolve(second);
    await settle();
    expect(requests).toHaveLength(1);
    attachments.close();
    expect((await next).map((r) => r.attachments)).toEqual(second.map((_, i) => [`hash-of-log-${i + 5}.txt`]));
    expect(requests.map((r) => r.length)).toEqual([20, 5]);
  });

  it('a batch waits at most MAX_FILL_WAIT_MS: then what is queued goes as it is', async () => {
    const attachments = uploader();
    const batch = results(0, 3);
    batch.forEach(attachments.expect);
    const resolved = attachments.resolve(batch);
    await settle();
    expect(requests).toHaveLength(0);
    expect(waitMs).toBe(MAX_FILL_WAIT_MS);
    waitOver!();
    expect((await resolved).map((r) => r.attachments)).toEqual(batch.map((_, i) => [`hash-of-log-${i}.txt`]));
    expect(requests.map((r) => r.length)).toEqual([3]);
  });

  it('sends at once what no more results can fill: after close, and for a batch nobody said was written', async () => {
    const attachments = uploader();
    const batch = results(0, 3);
    expect((await attachments.resolve(batch)).map((r) => r.attachments)).toEqual(batch.map((_, i) => [`hash-of-log-${i}.txt`]));
    expect(requests.map((r) => r.length)).toEqual([3]);
  });

  it('a waiting batch stops at the deadline, and its files stay queued for a later try', async () => {
    const attachments = uploader();
    const batch = results(0, 2);
    batch.forEach(attachments.expect);
    const resolved = attachments.resolve(batch);
    cancel.abort();
    await expect(resolved).rejects.toThrow(/deadline/);
    expect(requests).toHaveLength(0);
  });

  it('after a failed request the files are sent again with the next batch; after 507 results go without them', async () => {
    let fail: 'once' | 'storage' | undefined = 'once';
    const attachments = uploader(async (files) => {
      if (fail === 'once') {
        fail = undefined;
        throw new ApiError('POST /v1/attachment/DEMO → 503', 'API_SERVER', 503, 'POST', '/v1/attachment/DEMO');
      }
      if (fail === 'storage') {
        throw new ApiError('no storage left', 'API_STORAGE_FULL', 507, 'POST', '/v1/attachment/DEMO').withDecision({ action: 'set-aside' });
      }
      return files.map((f) => `hash-of-${f.name}`);
    });
    const batch = results(0, 2);
    attachments.close();
    await expect(attachments.resolve(batch)).rejects.toThrow(/503/);
    expect((await attachments.resolve(batch)).map((r) => r.attachments)).toEqual([['hash-of-log-0.txt'], ['hash-of-log-1.txt']]);
    fail = 'storage';
    const later = results(2, 4);
    expect((await attachments.resolve(later)).map((r) => r.attachments)).toEqual([[], []]);
    expect((await attachments.resolve(results(4, 6))).map((r) => r.attachments)).toEqual([[], []]);
    expect(requests.map((r) => r.length)).toEqual([2, 2, 2]);
  });

  it('uploadAhead sends a full request before any batch asks, once, and the batch then finds its hashes', async () => {
    const attachments = uploader();
    const first = results(0, 19);
    first.forEach(attachments.expect);
    expect(attachments.uploadAhead()).toBeUndefined();
    const batch = [...first, ...results(19, 25)];
    batch.slice(19).forEach(attachments.expect);
    const files = attachments.uploadAhead();
    // Its files are claimed at once: a second call finds 5, not another 20.
    expect(attachments.uploadAhead()).toBeUndefined();
    await files;
    expect(requests.map((r) => r.length)).toEqual([20]);
    attachments.close();
    const resolved = await attachments.resolve(batch);
    expect(resolved.map((r) => r.attachments)).toEqual(batch.map((_, i) => [`hash-of-log-${i}.txt`]));
    expect(requests.map((r) => r.length)).toEqual([20, 5]);
  });

  it('after a failed request ahead, nothing more goes ahead and the batch sends its own files', async () => {
    let failures = 1;
    const attachments = uploader(async (files) => {
      if (failures-- > 0) throw new ApiError('POST /v1/attachment/DEMO → 503', 'API_SERVER', 503, 'POST', '/v1/attachment/DEMO');
      return files.map((f) => `hash-of-${f.name}`);
    });
    const batch = results(0, 40);
    batch.forEach(attachments.expect);
    await expect(attachments.uploadAhead()).resolves.toBeUndefined();
    expect(attachments.uploadAhead()).toBeUndefined();
    attachments.close();
    expect((await attachments.resolve(batch)).map((r) => r.attachments)).toEqual(batch.map((_, i) => [`hash-of-log-${i}.txt`]));
    expect(requests.map((r) => r.length)).toEqual([20, 20, 20]);
  });

  it('a batch waiting on files claimed ahead is woken when they turn out to be uploaded already', async () => {
    const attachments = uploader();
    const same = (from: number, to: number): ResultBody[] => {
      const keep = store();
      return Array.from({ length: to - from }, (_, k) => {
        const ref = keep({ name: `copy-${from + k}.txt`, contentType: 'text/plain', content: 'the same log' });
        return { id: `id-${from + k}`, title: `test ${from + k}`, execution: { status: 'passed' }, attachments: [ref] } as unknown as ResultBody;
      });
    };
    const first = same(0, 20);
    first.forEach(attachments.expect);
    await attachments.uploadAhead();
    expect(requests.map((r) => r.length)).toEqual([1]);
    // Twenty more of the same content: claimed ahead, then found uploaded, while their batch waits for them.
    const later = same(20, 40);
    later.forEach(attachments.expect);
    const ahead = attachments.uploadAhead();
    const resolved = attachments.resolve(later);
    await ahead;
    expect((await resolved).map((r) => r.attachments)).toEqual(later.map(() => ['hash-of-copy-0.txt']));
    expect(requests).toHaveLength(1);
  });

  it('sends nothing ahead for files whose content another request carries, and does not ask again', async () => {
    let release: () => void = () => undefined;
    const attachments = uploader((files) => new Promise((done) => {
      release = () => done(files.map((f) => `hash-of-${f.name}`));
    }));
    const keep = store();
    const result = (i: number) => ({
      id: `id-${i}`, title: `test ${i}`, execution: { status: 'passed' },
      attachments: [keep({ name: `copy-${i}.txt`, contentType: 'text/plain', content: 'the same log' })],
    }) as unknown as ResultBody;
    const first = Array.from({ length: 20 }, (_, i) => result(i));
    first.forEach(attachments.expect);
    const carrying = attachments.uploadAhead();
    await settle();
    expect(requests).toHaveLength(1);
    // The same content under twenty more names, while the first request is still out.
    Array.from({ length: 20 }, (_, i) => result(20 + i)).forEach(attachments.expect);
    await attachments.uploadAhead();
    // The sender asks again whenever a place frees: a second empty request would be asked for without end.
    expect(attachments.uploadAhead()).toBeUndefined();
    release();
    await carrying;
    expect(requests).toHaveLength(1);
  });
});
