import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { ResultBody } from './api-types';
import { resolveFolderFile } from './attachments';
import { ConfigError } from './errors';
import { lockFolder } from './folder-lock';
import { checkManifest, resultProblem, type Manifest } from './folder-schema';
import { PROJECT_CODE } from './project-code';

export type { FolderProject, Manifest, ManifestRun } from './folder-schema';

/** A sealed group of results, sent together and removed together. */
export interface Segment {
  /** Its file name, for messages. */
  readonly name: string;
  /** The results not yet settled, in the order they were written. */
  read(): ResultBody[];
  /** These ids need no further sending (confirmed by the API, or refused for good). */
  settle(ids: readonly string[]): void;
  /** Every result is settled: drop the segment from disk. */
  remove(): void;
  /** Sending stopped before every result was settled: the segment is handed out again later. */
  release(): void;
}

export interface OutboxOptions {
  /**
   * Lines of a segment that are not results we wrote (cut short by a killed process, damaged, or crafted), and
   * lines repeating a result already in the segment: said once per segment, never sent. `count`: results lost
   * (0 for repeats, whose result is sent once).
   */
  onSkipped?(segment: string, skipped: { count: number; why: string }): void;
}

/**
 * The on-disk queue: one folder, one owner (its lock), one manifest naming every project's run, and each project's
 * segments kept apart (`queue`). Each result is appended to its project's open segment with a synchronous write
 * before anything is sent, so a process killed at any moment leaves every finished result on disk. Segments are
 * sealed when full (and the last at the end of the run), sent, and deleted once every result in them is settled:
 * memory holds only what is in flight.
 */
export interface Outbox {
  writeManifest(manifest: Manifest): void;
  /** The segments in `subfolder` of the folder (`''`: the folder itself), one project's; opened once each. */
  queue(subfolder: string): SegmentQueue;
  /** Deletes the folder if nothing is left to send in it. */
  removeIfEmpty(): boolean;
  /** Gives the folder up to the next owner (see folder-lock.ts). */
  release(): void;
}

/** One project's segments. */
export interface SegmentQueue {
  append(result: ResultBody): void;
  /** Results written to the open segment. */
  openCount(): number;
  /** Closes the open segment so it can be sent; a no-op when it is empty. */
  seal(): void;
  /** Up to `max` sealed segments not handed out, oldest first; one is out until it is removed or released. */
  takeSealed(max: number): Segment[];
  /** Some sealed segment waits to be handed out. */
  hasSealed(): boolean;
  /** Nothing left to send. */
  isEmpty(): boolean;
  /** Closes the open segment's file; what it holds is sealed when the folder is opened again. */
  close(): void;
}

const MANIFEST = 'manifest.json';
const OPEN = /^results-(\d{6})\.open\.ndjson$/;
const SEALED = /^results-(\d{6})\.ndjson$/;

/** Opens the folder as its one owner: throws a ConfigError naming the process that holds it, if one does. */
export function openOutbox(dir: string, options: OutboxOptions = {}): Outbox {
  mkdirSync(dir, { recursive: true });
  const lock = lockFolder(dir);
  const queues = new Map<string, SegmentQueue>();
  return {
    writeManifest(manifest) {
      // Write then rename: a reader never sees half a manifest.
      const tmp = join(dir, `${MANIFEST}.tmp`);
      // `wx` on a fresh name: a crafted folder's `manifest.json.tmp` linking elsewhere is replaced, never written through.
      rmSync(tmp, { force: true });
      writeFileSync(tmp, JSON.stringify(manifest, null, 2), { flag: 'wx' });
      renameSync(tmp, join(dir, MANIFEST));
    },
    queue(subfolder) {
      let queue = queues.get(subfolder);
      if (!queue) queues.set(subfolder, (queue = openQueue(dir, subfolder, options)));
      return queue;
    },
    removeIfEmpty() {
      if ([...queues.values()].some((q) => !q.isEmpty()) || hasSegments(dir)) return false;
      rmSync(dir, { recursive: true, force: true });
      return true;
    },
    release() {
      for (const queue of queues.values()) queue.close();
      lock.release();
    },
  };
}

function openQueue(dir: string, subfolder: string, options: OutboxOptions): SegmentQueue {
  const folder = insideFolder(dir, subfolder);
  mkdirSync(folder, { recursive: true });
  const prefix = subfolder === '' ? '' : `${subfolder}/`;
  // Continue after existing segments: an open one left by a killed process counts as sealed.
  for (const file of readdirSync(folder)) {
    const open = OPEN.exec(file);
    if (open) renameSync(join(folder, file), join(folder, `results-${open[1]}.ndjson`));
  }
  const sealed = listSealed(folder);
  let next = sealed.length > 0 ? Number(SEALED.exec(sealed[sealed.length - 1])![1]) + 1 : 1;
  const queue = [...sealed];
  // Segments this process wrote, from bodies it made: not checked again as untrusted input when read back, which
  // cost more than writing them. Those found in the folder (a killed run's, a crafted one) are checked.
  const own = new Set<string>();
  let handedOut = 0;
  let fd: number | undefined;
  let openName = '';
  let openCount = 0;
  return {
    append(result) {
      if (fd === undefined) {
        openName = `results-${String(next++).padStart(6, '0')}`;
        fd = openSync(join(folder, `${openName}.open.ndjson`), 'a');
      }
      writeSync(fd, JSON.stringify(result) + '\n');
      openCount++;
    },
    openCount: () => openCount,
    seal() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
      openCount = 0;
      renameSync(join(folder, `${openName}.open.ndjson`), join(folder, `${openName}.ndjson`));
      queue.push(`${openName}.ndjson`);
      own.add(`${openName}.ndjson`);
    },
    takeSealed(max) {
      const taken = queue.splice(0, max).map((file) =>
        segment(dir, `${prefix}${file}`, own.has(file), options, (kept) => {
          handedOut--;
          if (!kept) return void own.delete(file);
          // Back in line where it was: the names sort in the order the segments were written.
          queue.push(file);
          queue.sort();
        }));
      handedOut += taken.length;
      return taken;
    },
    hasSealed: () => queue.length > 0,
    isEmpty: () => fd === undefined && queue.length === 0 && handedOut === 0,
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * A subfolder of the folder, refused if it is a link out of it: a crafted folder's project subfolder must not make
 * us list, read or write another folder's files.
 */
function insideFolder(dir: string, subfolder: string): string {
  const folder = join(dir, subfolder);
  if (subfolder !== '' && existsSync(folder) && !realpathSync(folder).startsWith(realpathSync(dir) + sep)) {
    throw new ConfigError(`${subfolder} in ${dir} is not read: it is a symbolic link out of the folder.`);
  }
  return folder;
}

/** A segment left anywhere in the folder: in it, or in a project's subfolder. */
function hasSegments(dir: string): boolean {
  // A folder removed under the run (by the user, a clean step) holds nothing to send.
  if (!existsSync(dir)) return false;
  return listSealed(dir).length > 0 || readdirSync(dir, { withFileTypes: true })
    .some((entry) => entry.isDirectory() && PROJECT_CODE.test(entry.name) && listSealed(join(dir, entry.name)).length > 0);
}

/** The folder's manifest, checked against what a reporter writes (a ConfigError says what is wrong); undefined if none. */
export function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readInside(dir, MANIFEST));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('manifest.json is not valid JSON, so nothing in the folder was sent. Was it edited by hand, or cut short?');
  }
  return checkManifest(value);
}

/**
 * A file of the folder, read only if it is one: a crafted folder's `manifest.json` or segment that links out of the
 * folder (to a file whose text an error message would then quote) is refused.
 */
export function readInside(dir: string, name: string): string {
  const file = resolveFolderFile(dir, name);
  if (file.path === undefined) throw new ConfigError(`${name} in ${dir} is not read: ${file.refused}.`);
  return readFileSync(file.path, 'utf8');
}

function listSealed(dir: string): string[] {
  return readdirSync(dir).filter((f) => SEALED.test(f)).sort();
}

function segment(dir: string, file: string, own: boolean, options: OutboxOptions, onDone: (kept: boolean) => void): Segment {
  const path = join(dir, file);
  const settledPath = path.replace(/\.ndjson$/, '.settled');
  let said = false;
  return {
    name: file,
    read() {
      const settled = new Set(existsSync(settledPath) ? readInside(dir, file.replace(/\.ndjson$/, '.settled')).split('\n') : []);
      const { results, skipped } = parseSegment(readInside(dir, file), { check: !own });
      if (!said) skipped.forEach((s) => options.onSkipped?.(file, s));
      said = true;
      return results.filter((result) => !settled.has(result.id));
    },
    settle(ids) {
      if (ids.length === 0) return;
      // O_NOFOLLOW: a crafted folder's `.settled` linking elsewhere is not appended to.
      const fd = openSync(settledPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW);
      writeSync(fd, ids.join('\n') + '\n');
      closeSync(fd);
    },
    remove() {
      rmSync(path, { force: true });
      rmSync(settledPath, { force: true });
      onDone(false);
    },
    release: () => onDone(true),
  };
}

/** The results of a segment, each id once, and what was skipped and why. `check: false` trusts each line's shape. */
export function parseSegment(text: string, { check = true } = {}): { results: ResultBody[]; skipped: { count: number; why: string }[] } {
  const lines = text.split('\n');
  const results: ResultBody[] = [];
  const ids = new Set<string>();
  const invalid: string[] = [];
  let cut = false;
  let repeated = 0;
  lines.forEach((line, i) => {
    if (line === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Every line is written with its newline in one call, so only the last line can be cut short: by a process
      // killed mid-write. That result was never complete, nor ever sent.
      if (i === lines.length - 1) cut = true;
      else invalid.push(`line ${i + 1} is not valid JSON`);
      return;
    }
    const problem = check ? resultProblem(value) : undefined;
    if (problem !== undefined) invalid.push(`line ${i + 1}: ${problem}`);
    else if (ids.has((value as ResultBody).id)) repeated++;
    else {
      ids.add((value as ResultBody).id);
      results.push(value as ResultBody);
    }
  });
  const skipped: { count: number; why: string }[] = [];
  if (cut) {
    skipped.push({ count: 1, why: 'its last line is cut short (the process writing it was killed mid-write); that result was never complete and is not sent' });
  }
  if (invalid.length > 0) {
    const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more)` : '';
    skipped.push({ count: invalid.length, why: `${invalid.length} lines are not results a reporter writes and are not sent: ${invalid[0]}${more}` });
  }
  if (repeated > 0) {
    // Nothing is lost: the result is sent once, as the API would store it once.
    skipped.push({ count: 0, why: `${repeated} lines repeat a result id already in it; each result is sent and counted once` });
  }
  return { results, skipped };
}
