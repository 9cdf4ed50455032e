import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, isAbsolute, join } from 'node:path';
import type { ResultBody, StepBody } from './api-types';
import type { UploadFile } from './api';
import { ApiError } from './errors';
import type { Attachment } from './model';

/** The API's attachment limits: larger files are skipped, requests are grouped under the others. */
const ATTACHMENT_LIMITS = Object.freeze({ fileBytes: 32 * 1024 ** 2, requestBytes: 128 * 1024 ** 2, filesPerRequest: 20 });

// Until upload, a body names each attachment by a local reference; upload swaps it for the API's hash.
const REF = 'file:';

/**
 * Keeps attachments with the results in a folder so they can be sent later: content is written under `files/`,
 * files on disk are referenced where they are (or copied, for a dry run whose folder must stand on its own).
 * Returns the reference to put in the body, or undefined when the attachment cannot be sent (said once).
 */
export function createAttachmentStore(dir: string, options: { copyFiles: boolean; warn: (line: string) => void }) {
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
    if (!options.copyFiles) return REF + attachment.path;
    const source = attachment.path;
    return REF + writeOnce(dir, sha256File(source), basename(source), (path) => copyFileSync(source, path));
  };
}

/** Writes content to `files/<hash>/<name>` unless it is there already; returns the path relative to `dir`. */
function writeOnce(dir: string, hash: string, name: string, write: (path: string) => void): string {
  const relative = join('files', hash.slice(0, 16), safeName(name));
  const path = join(dir, relative);
  if (!existsSync(path)) {
    mkdirSync(join(dir, 'files', hash.slice(0, 16)), { recursive: true });
    write(path);
  }
  return relative;
}

export interface AttachmentUploaderOptions {
  /** Folder that relative references are relative to. */
  dir: string;
  /** One attachment request (already rate-limited and retried by the caller). */
  upload(files: UploadFile[]): Promise<string[]>;
  warn(line: string): void;
}

/**
 * Swaps the local references in a batch for API hashes, uploading each distinct file once per run (by content
 * hash). 507 (storage full) stops attachments for the rest of the run while results still go; a missing file is
 * dropped with a warning. Other errors reject, so the batch stays in the outbox.
 */
export function createAttachmentUploader(options: AttachmentUploaderOptions) {
  const hashByContent = new Map<string, string>();
  const contentByRef = new Map<string, string>();
  let storageFull = false;
  let previous: Promise<unknown> = Promise.resolve();

  async function resolve(batch: readonly ResultBody[]): Promise<ResultBody[]> {
    const refs = new Set<string>();
    for (const result of batch) collectRefs(result, refs);
    if (refs.size === 0) return [...batch];
    // One batch's attachments at a time: a file that batches in flight together share is uploaded once, and
    // after a 507 the batches behind it do not try again.
    const turn = previous.then(() => (storageFull ? new Map<string, string>() : uploadAll([...refs])));
    previous = turn.catch(() => undefined);
    const hashes = await turn;
    return batch.map((result) => replaceRefs(result, hashes));
  }

  async function uploadAll(refs: string[]): Promise<Map<string, string>> {
    const pending: { ref: string; file: UploadFile; size: number; content: string }[] = [];
    for (const ref of refs) {
      const path = pathOf(ref, options.dir);
      // Removed, or replaced by something unreadable, since the result was written: its batch would fail every try.
      const content = existsSync(path) ? (contentByRef.get(ref) ?? (await sha256Stream(path).catch(() => undefined))) : undefined;
      if (content === undefined) {
        options.warn(`attachment ${path} is gone or cannot be read; its result is sent without it.`);
        continue;
      }
      contentByRef.set(ref, content);
      if (hashByContent.has(content) || pending.some((p) => p.content === content)) continue;
      pending.push({ ref, content, size: statSync(path).size, file: { name: basename(path), contentType: contentTypeOf(path), path } });
    }
    for (const group of groupUploads(pending)) {
      try {
        const hashes = await options.upload(group.map((p) => p.file));
        group.forEach((p, i) => hashByContent.set(p.content, hashes[i]));
      } catch (error) {
        // 507: the workspace has no storage left, for this file and every other.
        if (!(error instanceof ApiError) || error.decision?.action !== 'set-aside') throw error;
        storageFull = true;
        options.warn(`${error.message} Attachments are not uploaded for the rest of this run; results still are.`);
        break;
      }
    }
    const byRef = new Map<string, string>();
    for (const ref of refs) {
      const hash = hashByContent.get(contentByRef.get(ref) ?? '');
      if (hash !== undefined) byRef.set(ref, hash);
    }
    return byRef;
  }

  return { resolve };
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

function isAttachmentRef(value: string): boolean {
  return value.startsWith(REF);
}

function pathOf(ref: string, dir: string): string {
  const path = ref.slice(REF.length);
  return isAbsolute(path) ? path : join(dir, path);
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

const TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.svg': 'image/svg+xml', '.webm': 'video/webm', '.mp4': 'video/mp4', '.zip': 'application/zip',
  '.json': 'application/json', '.txt': 'text/plain', '.log': 'text/plain', '.md': 'text/markdown',
  '.html': 'text/html', '.xml': 'application/xml', '.csv': 'text/csv', '.pdf': 'application/pdf',
};
const EXTENSIONS = Object.fromEntries(Object.entries(TYPES).reverse().map(([ext, type]) => [type, ext]));

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A name that says its type, since the upload infers the type from the file name. */
function withExtension(name: string, contentType: string): string {
  const ext = EXTENSIONS[contentType.split(';')[0].trim().toLowerCase()];
  return ext && !extname(name) ? name + ext : name;
}

function safeName(name: string): string {
  return basename(name).replace(/[^\w.\- ]+/g, '_').slice(0, 120) || 'attachment';
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function sha256File(path: string): string {
  return sha256(readFileSync(path));
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
