// Test code runs in Jest's worker processes (in band: in a sandbox of the main process); the reporter runs in the
// main process and hears only what Jest sends it, which carries nothing of ours. So `qase.*` calls travel by file:
// - the reporter makes a private folder and names it in DIR_ENV before Jest starts its workers, which inherit it;
// - in a worker, each `qase.*` call appends one JSON line to `<test file hash>-<pid>-<thread>.jsonl` in that folder
//   (attached content travels in the line, its bytes as base64);
// - when Jest hands the reporter a test file's results, the reporter reads that file's lines and deletes them.
// Appends are synchronous and a file's results are sent after its last test ended, so every line is there by then.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { fromJsonText, mergeMetadata, toJsonText } from '@qase-reporters/core/test-api';
import type { TestMetadata } from '@qase-reporters/core/test-api';

export const DIR_ENV = 'JEST_QASE_REPORTER_DIR';

/** Which attempt of which test a line is about, as both sides of the transport can name it. */
export interface AttemptKey {
  /** Jest's `fullName`: describe blocks and title, joined by spaces. */
  fullName: string;
  /** 0 for the first test of the file with this full name, 1 for the second, … */
  occurrence: number;
  /** Jest's `invocations` when the call was made: 1 for the first attempt. 0 when unknown (Jest before 30.5). */
  attempt: number;
}

export interface Line extends AttemptKey {
  meta: TestMetadata;
}

/** Creates the folder and names it for the workers Jest is about to start. */
export function openTransport(env: NodeJS.ProcessEnv = process.env): string {
  const dir = mkdtempSync(join(tmpdir(), 'qase-jest-'));
  env[DIR_ENV] = dir;
  return dir;
}

export function closeTransport(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The file a test file's lines go to in this process; a test file's module registry, and so this map, is its own. */
const linesFiles = new Map<string, string>();

export function appendLine(dir: string, testPath: string, line: Line): void {
  const key = `${dir}\0${testPath}`;
  let file = linesFiles.get(key);
  // One file per process and thread, so no two writers ever share a file.
  if (file === undefined) linesFiles.set(key, (file = join(dir, `${fileKey(testPath)}-${process.pid}-${threadId}.jsonl`)));
  appendFileSync(file, `${toJsonText(line)}\n`);
}

export function keyOf(key: AttemptKey): string {
  return JSON.stringify([key.fullName, key.occurrence, key.attempt]);
}

/** Everything said about the tests of one test file, by `keyOf`, in call order. Deletes what it read. */
export function readLines(dir: string, testPath: string): Map<string, TestMetadata> {
  const byAttempt = new Map<string, TestMetadata>();
  const prefix = `${fileKey(testPath)}-`;
  for (const name of readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.jsonl')).sort()) {
    const file = join(dir, name);
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (text === '') continue;
      const line = fromJsonText<Line>(text);
      const key = keyOf(line);
      byAttempt.set(key, mergeMetadata(byAttempt.get(key) ?? {}, line.meta));
    }
    rmSync(file, { force: true });
  }
  return byAttempt;
}

function fileKey(testPath: string): string {
  return createHash('sha1').update(testPath).digest('hex').slice(0, 16);
}
