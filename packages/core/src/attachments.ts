import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, linkSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, join, posix, sep, win32 } from 'node:path';
import type { ResultBody, StepBody } from './api-types';
import type { UploadFile } from './api';
import { ApiError } from './errors';
import type { Attachment } from './model';
import { contentTypeOf, withExtension } from './content-type';

/** The API's attachment limits: larger files are skipped, requests are grouped under the others. */
export const ATTACHMENT_LIMITS = Object.freeze({ fileBytes: 32 * 1024 ** 2, requestBytes: 128 * 1024 ** 2, filesPerRequest: 20 });

// Until upload, a body names each attachment by a local reference; upload swaps it for the API's hash.
const REF = 'file:';

/**
 * Keeps attachments with the results in a folder so they can be sent later: content is written under `files/`, and
 * files on disk are hard-linked there (copied where the file system cannot link). The folder then stands on its own,
 * and `upload` needs to read nothing outside it, so a crafted folder cannot name the project's `.env` either.
 * Returns the reference to put in the body, or undefined when the attachment cannot be sent (said once).
 */
export function createAttachmentStore(dir: string, options: { warn: (line: string) => void }) {
  return function store(attachment: Attachment): string | undefined {
    const name = withExtension(attachment.name, attachment.contentType);
    if (attachment.path === undefined) {
      const content = Buffer.from(attachment.content ?? '');
      if (content.length > ATTACHMENT_LIMITS.fileBytes) {
        options.warn(`attachment "${attachment.name}" is ${mb(content.length)}, over the API's 32 MB per file; not uploaded.`);
        return undefined;
      }
      return REF + writeOnce(dir, sha256(content), name, (path) => writeFileSync(path, content));
    }
    const stats = existsSync(attachment.path) ? statSync(attachment.path) : undefined;
    if (stats === undefined) {
      options.warn(`attachment ${attachment.path} does not exist; not uploaded.`);
      return undefined;
    }
    // A folder (`attach({ paths: 'screenshots' })`) cannot be read as a file: every upload of its batch would fail.
    if (!stats.isFile()) {
      options.warn(`attachment ${attachment.path} is not a file; not uploaded. Attach the files in it one by one.`);
      return undefined;
    }
    if (stats.size > ATTACHMENT_LIMITS.fileBytes) {
      options.warn(`attachment ${attachment.path} is ${mb(stats.size)}, over the API's 32 MB per file; not uploaded.`);
      return undefined;
    }
    // The file itself, not a symbolic link to it: link(2) would link the symlink, which `upload` then refuses.
    const source = realpathSync(attachment.path);
    return REF + writeOnce(dir, fileKey(source, stats), basename(attachment.path), (path) => linkOrCopy(source, path));
  };
}

/** Names one file on disk without reading it (a video can be hundreds of MB): the same file attached twice is kept once. */
function fileKey(path: string, stats: Stats): string {
  return sha256(Buffer.from(`${path}\0${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`));
}

// A hard link costs no copy and no space; across file systems, or where links are not allowed, a copy does.
function linkOrCopy(source: string, target: string): void {
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/** Where a file a folder names really is, or why it is not read. */
export type FolderFile = { path: string; refused?: undefined } | { path?: undefined; refused: string };

/**
 * The one check for any code that reads a file named inside a folder (an outbox, a dry-run folder, a Qase Report):
 * such folders are CI artifacts, passed between jobs and possibly made by a pull request, so a name in one is
 * untrusted. The name must be relative, without `..`, and its real path (symlinks resolved) must be a file inside
 * the folder's real path; otherwise the answer says why it is refused and nothing is read.
 */
export function resolveFolderFile(folder: string, name: string): FolderFile {
  if (typeof name !== 'string' || name === '' || name.includes('\0')) return { refused: 'it is not a file name' };
  if (posix.isAbsolute(name) || win32.isAbsolute(name)) return { refused: 'it is an absolute path, and only files inside the folder are sent' };
  if (name.split(/[\\/]/).includes('..')) return { refused: 'it leads out of the folder with ..' };
  let root: string;
  let real: string;
  try {
    // The system's realpath: one call, where Node's own looks up every folder on the way (per attachment sent).
    root = realpathSync.native(folder);
    real = realpathSync.native(join(root, name));
  } catch {
    return { refused: 'it does not exist (or a link in its path leads nowhere)' };
  }
  if (!real.startsWith(root + sep)) return { refused: 'a symbolic link leads out of the folder' };
  try {
    if (!statSync(real).isFile()) return { refused: 'it is not a file' };
  } catch {
    return { refused: 'it cannot be read' };
  }
  return { path: real };
}

/**
 * Writes content to `files/<hash>-<name>` unless it is there already; returns the path relative to `dir`. One flat
 * folder: a folder per file cost a directory's creation per attachment, the most of keeping one.
 */
function writeOnce(dir: string, hash: string, name: string, write: (path: string) => void): string {
  const relative = join('files', `${hash.slice(0, 16)}-${safeName(name)}`);
  const path = join(dir, relative);
  if (existsSync(path)) return relative;
  try {
    write(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(join(dir, 'files'), { recursive: true });
    write(path);
  }
  return relative;
}

/**
 * The name a test attached a kept copy under. Copies are named `<hash>-<name>` in an outbox or dry-run folder
 * (earlier versions kept `<hash>/<name>`) and `<uuid>-<name>` in a Qase Report, so two files of one name never meet.
 */
export function attachedNameOf(path: string): string {
  return basename(path).replace(/^(?:[0-9a-f]{16}|[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12})-/, '');
}

export interface AttachmentUploaderOptions {
  /** Folder that relative references are relative to. */
  dir: string;
  /** One attachment request (already rate-limited and retried by the caller). */
  upload(files: UploadFile[]): Promise<string[]>;
  warn(line: string): void;
  /** Aborted at the deadline: a batch waiting for a fuller request stops waiting. */
  cancelled: AbortSignal;
  /** Resolves after `ms` (or rejects once `cancel` aborts), without keeping the process alive. */
  sleep(ms: number, cancel: AbortSignal): Promise<void>;
}

/**
 * How long a batch waits at most for later results' files to fill its request. A fast run fills it or ends sooner;
 * in a slow run with few attachments, it bounds how late the batch's results arrive and how long it holds its place
 * in flight, at one request of files per wait.
 */
export const MAX_FILL_WAIT_MS = 10_000;

export interface AttachmentUploader {
  /** A result was written: its attachments join the queue, so requests fill across batches. */
  expect(result: ResultBody): void;
  /** Every result is written: nothing more will fill a request, so what is queued goes as it is. */
  close(): void;
  /** The batch with its references swapped for the API's hashes, once every one of them is uploaded. */
  resolve(batch: readonly ResultBody[]): Promise<ResultBody[]>;
  /**
   * Sends a full request of queued files now, before any batch asks for them, when one is waiting: the files of a
   * batch still being written then leave as they are attached, not after its last result. Undefined when none is
   * waiting. Never rejects: after a failure it sends nothing more ahead, and each batch sends its own files.
   */
  uploadAhead(): Promise<void> | undefined;
}

/**
 * Swaps the local references in a batch for API hashes, uploading each distinct file once per run (by content
 * hash). Files leave in requests of 20 filled across batches: while results are being written (between the first
 * `expect` and `close`), a batch whose attachments would not fill a request waits (MAX_FILL_WAIT_MS at most) for
 * later results' attachments to join them, so sparse attachments cost ceil(files / 20) requests, not one per batch.
 * Waiting sends nothing, so the in-flight bound holds; and results are written regardless of sending, so the request
 * always fills or closes. Batches in flight together upload side by side, each file claimed by one request; a batch
 * whose files are all in other batches' requests waits for those. A full request's worth queued may also leave
 * before any batch asks for it (`uploadAhead`), in a place in flight the outbox's sender has free.
 * 507 (storage full) stops attachments for the rest of the run while results still go; a missing file is dropped
 * with a warning. Other errors reject, so the batch stays in the outbox and its files stay queued.
 */
export function createAttachmentUploader(options: AttachmentUploaderOptions): AttachmentUploader {
  const hashByContent = new Map<string, string>();
  const contentByRef = new Map<string, string>();
  // Refs that need no upload any more: uploaded (their content has a hash) or dropped with a warning.
  const settled = new Set<string>();
  // Written and not yet uploaded, oldest first.
  const queued = new Set<string>();
  // In a request now: batches in flight together upload side by side, each file in one request only.
  const claimed = new Set<string>();
  // The contents those requests carry: the same content under another name waits for their hash.
  const carriedContent = new Set<string>();
  let writing = false;
  let storageFull = false;
  let ahead = true;
  let waiting: Array<() => void> = [];

  /** Wakes every waiting batch to look again: files were queued, uploaded or given back, or writing ended. */
  const changed = () => {
    const wake = waiting;
    waiting = [];
    for (const done of wake) done();
  };
  const nextChange = () => new Promise<void>((done) => waiting.push(done));
  options.cancelled.addEventListener('abort', changed, { once: true });

  function expect(result: ResultBody): void {
    const refs = new Set<string>();
    collectRefs(result, refs);
    if (refs.size === 0 || storageFull) return;
    writing = true;
    for (const ref of refs) if (!settled.has(ref)) queued.add(ref);
    if (queued.size >= ATTACHMENT_LIMITS.filesPerRequest) changed();
  }

  function close(): void {
    writing = false;
    changed();
  }

  async function resolve(batch: readonly ResultBody[]): Promise<ResultBody[]> {
    const refsOf = batch.map((result) => {
      const own = new Set<string>();
      collectRefs(result, own);
      return own;
    });
    const refs = new Set(refsOf.flatMap((own) => [...own]));
    if (refs.size === 0) return [...batch];
    await uploadAll([...refs]);
    const hashes = new Map<string, string>();
    for (const ref of refs) {
      const hash = hashByContent.get(contentByRef.get(ref) ?? '');
      if (hash !== undefined) hashes.set(ref, hash);
    }
    // Only results that name a file are copied: most name none.
    return batch.map((result, i) => (refsOf[i]!.size === 0 ? result : replaceRefs(result, hashes)));
  }

  async function uploadAll(refs: string[]): Promise<void> {
    let patient = true;
    // The wait's timer, started the first time this batch waits; stopped once the batch's files are uploaded.
    let patience: AbortController | undefined;
    try {
      for (;;) {
        const missing = refs.filter((ref) => !settled.has(ref));
        if (missing.length === 0 || storageFull) return;
        if (options.cancelled.aborted) throw new Error('cancelled at the deadline');
        // This batch's own files first (a batch from an earlier process's outbox, or sent again after a failure),
        // then the queue's; none that another batch's request is carrying.
        const order = [...new Set([...missing, ...queued])].filter((ref) => !claimed.has(ref));
        const carried = missing.every((ref) => claimed.has(ref));
        if (carried || (writing && patient && order.length < ATTACHMENT_LIMITS.filesPerRequest)) {
          if (!carried && !patience) {
            patience = new AbortController();
            options.sleep(MAX_FILL_WAIT_MS, patience.signal).then(() => {
              patient = false;
              changed();
            }, () => undefined);
          }
          await nextChange();
          continue;
        }
        const group = await prepare(order);
        // A request side by side met a 507 while this batch was reading its files.
        if (storageFull) return;
        if (group.length > 0) await uploadGroup(group);
        // Nothing to send: what is missing is in other batches' requests, by name or by content. Asked again now, as
        // those may have ended while this batch was reading; a wait begun after their end would never be woken.
        else if (refs.some((ref) => !settled.has(ref) && isCarried(ref))) await nextChange();
      }
    } finally {
      patience?.abort();
    }
  }

  /**
   * The first request's worth of files, read and hashed, and claimed for it; those already uploaded or unreadable
   * are settled here.
   */
  async function prepare(order: string[]) {
    // A request's worth claimed at once, before any read: batches ready together fill one request, not split it.
    const taken = order.filter((ref) => !claimed.has(ref) && !settled.has(ref)).slice(0, ATTACHMENT_LIMITS.filesPerRequest);
    for (const ref of taken) claimed.add(ref);
    const pending: { ref: string; file: UploadFile; size: number; content: string }[] = [];
    for (const ref of taken) {
      const { path, refused } = folderFileOf(ref, options.dir);
      if (path === undefined) {
        options.warn(`attachment "${ref.slice(REF.length)}" is not sent: ${refused}. Its result is sent without it.`);
        settle(ref);
        continue;
      }
      // Replaced by something unreadable since the result was written: its batch would fail every try.
      const read = contentByRef.has(ref) ? { content: contentByRef.get(ref)! } : await readForUpload(path).catch(() => undefined);
      if (read === undefined) {
        options.warn(`attachment "${ref.slice(REF.length)}" cannot be read; its result is sent without it.`);
        settle(ref);
        continue;
      }
      const { content } = read;
      contentByRef.set(ref, content);
      if (hashByContent.has(content)) settle(ref);
      else if (carriedContent.has(content) || pending.some((p) => p.content === content)) claimed.delete(ref);
      else {
        const file = { name: attachedNameOf(path), contentType: contentTypeOf(path), ...(read.bytes ? { content: read.bytes } : { path }) };
        pending.push({ ref, content, size: read.bytes?.length ?? statSync(path).size, file });
        carriedContent.add(content);
      }
    }
    const [group = [], ...rest] = groupUploads(pending);
    // Read but over the request's 128 MB: given back for the next request.
    for (const p of rest.flat()) {
      claimed.delete(p.ref);
      carriedContent.delete(p.content);
    }
    return group;
  }

  async function uploadGroup(group: { ref: string; file: UploadFile; content: string }[]): Promise<void> {
    // Whatever the answer, the group's contents are no longer on their way.
    const done = () => group.forEach((p) => carriedContent.delete(p.content));
    try {
      const hashes = await options.upload(group.map((p) => p.file));
      group.forEach((p, i) => hashByContent.set(p.content, hashes[i]));
    } catch (error) {
      done();
      for (const p of group) claimed.delete(p.ref);
      changed();
      // 507: the workspace has no storage left, for this file and every other.
      if (!(error instanceof ApiError) || error.decision?.action !== 'set-aside') throw error;
      // Said once, also when requests side by side all meet it.
      if (!storageFull) options.warn(`${error.message} Attachments are not uploaded for the rest of this run; results still are.`);
      storageFull = true;
      queued.clear();
      return;
    }
    done();
    // Every ref whose content is now uploaded, this group's and its duplicates', needs nothing more.
    for (const ref of queued) if (hashByContent.has(contentByRef.get(ref) ?? '')) settle(ref);
    for (const p of group) settle(p.ref);
    changed();
  }

  function uploadAhead(): Promise<void> | undefined {
    if (!ahead || storageFull || options.cancelled.aborted) return undefined;
    // Not those whose content another request carries: a request of them would send nothing, and the sender,
    // handed its place back at once, would ask again without end.
    const order = [...queued].filter((ref) => !isCarried(ref));
    if (order.length < ATTACHMENT_LIMITS.filesPerRequest) return undefined;
    // prepare() claims the request's files before it first awaits: a second call finds them taken.
    return prepare(order).then(async (group) => {
      if (!storageFull && group.length > 0) await uploadGroup(group);
      // Nothing to send: prepare() settled or gave back files that a batch may be waiting for, claimed till now.
      else changed();
    }).catch(() => {
      ahead = false;
    });
  }

  function isCarried(ref: string): boolean {
    return claimed.has(ref) || carriedContent.has(contentByRef.get(ref) ?? '');
  }

  function settle(ref: string): void {
    settled.add(ref);
    queued.delete(ref);
    claimed.delete(ref);
  }

  return { expect, close, resolve, uploadAhead };
}

/** Groups files into requests of at most 20 files and 128 MB, in order. */
function groupUploads<T extends { size: number }>(files: readonly T[]): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (group.length > 0 && (group.length >= ATTACHMENT_LIMITS.filesPerRequest || bytes + file.size > ATTACHMENT_LIMITS.requestBytes)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(file);
    bytes += file.size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** The reference naming the file at `path` (relative to the folder of the results, or absolute). */
export function localRef(path: string): string {
  return REF + path;
}

export function isAttachmentRef(value: string): boolean {
  return value.startsWith(REF);
}

/** The file a reference names inside `dir`, checked as every file named by a folder is (see resolveFolderFile). */
export function folderFileOf(ref: string, dir: string): FolderFile {
  return resolveFolderFile(dir, ref.slice(REF.length));
}

function collectRefs(result: ResultBody, refs: Set<string>): void {
  const add = (list: string[] | undefined) => list?.filter(isAttachmentRef).forEach((r) => refs.add(r));
  add(result.attachments);
  const walk = (steps: StepBody[] | undefined): void =>
    steps?.forEach((s) => {
      add(s.execution.attachments);
      walk(s.steps);
    });
  walk(result.steps);
}

/** References become hashes; references without a hash (skipped, storage full) are left out. */
function replaceRefs(result: ResultBody, hashes: ReadonlyMap<string, string>): ResultBody {
  const swap = (list: string[] | undefined) =>
    list?.flatMap((value) => (!isAttachmentRef(value) ? [value] : hashes.has(value) ? [hashes.get(value)!] : []));
  const steps = (list: StepBody[] | undefined): StepBody[] | undefined =>
    list?.map((s) => ({ ...s, execution: { ...s.execution, attachments: swap(s.execution.attachments) }, steps: steps(s.steps) }));
  return { ...result, attachments: swap(result.attachments), steps: steps(result.steps) };
}

export function safeName(name: string): string {
  return basename(name).replace(/[^\w.\- ]+/g, '_').slice(0, 120) || 'attachment';
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

// A small file (a log, a small screenshot) is read once, hashed and sent from memory: a stream's open, reads and
// close, twice (hash, then upload), cost more than the file. A larger one is streamed both times, so memory holds
// at most a request of small files.
const READ_AT_ONCE_BYTES = 64 * 1024;

/** The file's content hash, and its bytes when it is small enough to send from memory. */
async function readForUpload(path: string): Promise<{ content: string; bytes?: Buffer }> {
  if (statSync(path).size > READ_AT_ONCE_BYTES) return { content: await sha256Stream(path) };
  const bytes = readFileSync(path);
  return { content: sha256(bytes), bytes };
}

function sha256Stream(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
