import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors';

/** Held by whoever writes or sends a folder: a running reporter, or one `upload`. */
export interface FolderLock {
  /** Gives the folder up; a no-op when the folder is gone or the lock is no longer this one. */
  release(): void;
}

export const LOCK_FILE = 'lock';

interface Owner {
  pid: number;
  host: string;
  since: string;
}

/**
 * Makes this process the folder's one owner, or throws a ConfigError naming the process that owns it. Without an
 * owner, an `upload` would send (and then delete) the segments of a reporter still writing them, and two `upload`s
 * would each create a run and send every result twice. A lock left by a process that no longer runs (killed, or on
 * another machine, for a folder that came as a CI artifact) is taken over.
 */
export function lockFolder(dir: string): FolderLock {
  const path = join(dir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Owner);
  for (let attempt = 0; ; attempt++) {
    try {
      createWith(path, mine);
      return { release: () => releaseIf(path, mine) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw new ConfigError(`could not mark ${dir} as in use by this process (${code ?? String(error)}); the folder must be ` +
          'writable, since its progress is recorded in it. Copy it somewhere writable and pass that copy.');
      }
    }
    const held = readOwner(path);
    if (held === undefined) continue; // released between the two calls
    if (isRunning(held.owner)) throw inUse(dir, held.owner);
    // A give-up point: an owner that keeps reappearing is not stale, whatever its pid says.
    if (attempt >= 3) throw inUse(dir, held.owner);
    takeOver(path, held.text);
  }
}

/**
 * Creates the lock with its content in one step: written under a name of this process's, then linked into place.
 * `link` fails if the lock exists, so of two processes creating it at once exactly one succeeds; and no process
 * ever reads a lock that exists but is still empty (which says no owner, so it would be taken over as stale).
 */
function createWith(path: string, text: string): void {
  const own = `${path}.${process.pid}.new`;
  // `wx` on a fresh name: a crafted folder's file of that name linking elsewhere is replaced, never written through.
  rmSync(own, { force: true });
  writeFileSync(own, text, { flag: 'wx' });
  try {
    linkSync(own, path);
  } finally {
    rmSync(own, { force: true });
  }
}

/** Throws the ConfigError `lockFolder` would, without taking the folder: for code that is about to clear it. */
export function checkNotInUse(dir: string): void {
  const held = readOwner(join(dir, LOCK_FILE));
  if (held && isRunning(held.owner)) throw inUse(dir, held.owner);
}

function readOwner(path: string): { text: string; owner: Owner | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const owner = JSON.parse(text) as Owner;
    return Number.isSafeInteger(owner?.pid) && typeof owner.host === 'string' ? { text, owner } : { text, owner: undefined };
  } catch {
    return { text, owner: undefined };
  }
}

/** A lock that does not say who holds it is treated as left behind: nothing of ours writes one. */
function isRunning(owner: Owner | undefined): owner is Owner {
  if (owner === undefined || owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock so the next `wx` can win. Two processes may find the same stale lock: each moves it aside
 * under a name of its own (only one move gets the stale file), and a process that moved a fresh lock instead (the
 * other process's, written in between) puts it back.
 */
function takeOver(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already: someone else took it over
  }
  try {
    if (readFileSync(aside, 'utf8') !== staleText) linkSync(aside, path);
  } catch {
    // The fresh lock could not be put back because a newer one is there; that one rules.
  } finally {
    rmSync(aside, { force: true });
  }
}

function releaseIf(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
  } catch {
    // The folder was deleted with the lock in it once everything was sent.
  }
}

function inUse(dir: string, owner: Owner | undefined): ConfigError {
  const who = owner ? `process ${owner.pid} (since ${owner.since})` : 'another process';
  return new ConfigError(`${dir} is in use by ${who}: a reporter still writing it, or another upload. Nothing was sent ` +
    'from it; run upload again once that process has ended.');
}
