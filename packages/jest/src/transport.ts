// Test code runs in Jest's worker processes, or in band in a sandbox of the main process; the reporter runs in the
// main process and hears only what Jest sends it, which carries nothing of ours. So `qase.*` calls travel apart:
// - the reporter makes a private folder and names it in DIR_ENV before Jest starts its workers, which inherit it;
// - in a worker, each `qase.*` call appends one JSON line to `<test file hash>-<pid>-<thread>.jsonl` in that folder
//   (attached content travels in the line, its bytes as base64);
// - in band (`--runInBand`, a single test file, or a machine whose cores allow Jest one worker), each call is
//   handed to the reporter at once, in memory, on a diagnostics channel: Node's channels are shared by the whole
//   process, Jest's sandboxes included, where module state is not;
// - when Jest hands the reporter a test file's results, the reporter takes what that file's tests said.
// Appends and channel messages are synchronous and a file's results come after its last test ended, so every call
// has arrived by then.
import { createHash } from 'node:crypto';
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
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

const IN_BAND = '@qase-reporters/jest:calls';

/** A call made in band, on its way to the reporter whose folder the test was given. */
interface InBandCall {
  dir: string;
  testPath: string;
  line: Line;
}

/** The reporter's end. */
export interface Transport {
  /** The folder workers write to, named in DIR_ENV. */
  readonly dir: string;
  /** Everything said about the tests of one test file, by `keyOf`, in call order; forgets it once taken. */
  take(testPath: string): Map<string, TestMetadata>;
  /** Stops listening and removes the folder with what is left in it. */
  close(): void;
}

/** Creates the folder, names it for the workers Jest is about to start, and listens for calls made in band. */
export function openTransport(env: NodeJS.ProcessEnv = process.env): Transport {
  const dir = mkdtempSync(join(tmpdir(), 'qase-jest-'));
  env[DIR_ENV] = dir;
  const inBand = new Map<string, Line[]>();
  const hear = (message: unknown): void => {
    const call = message as InBandCall;
    if (call.dir !== dir) return; // another reporter's tests
    const lines = inBand.get(call.testPath);
    if (lines) lines.push(call.line);
    else inBand.set(call.testPath, [call.line]);
  };
  subscribe(IN_BAND, hear);
  return {
    dir,
    take(testPath) {
      const byAttempt = new Map<string, TestMetadata>();
      // A test file runs in one process: its calls came by file or in band, never both.
      for (const line of [...readLines(dir, testPath), ...(inBand.get(testPath) ?? [])]) {
        const key = keyOf(line);
        byAttempt.set(key, mergeMetadata(byAttempt.get(key) ?? {}, line.meta));
      }
      inBand.delete(testPath);
      return byAttempt;
    },
    close() {
      unsubscribe(IN_BAND, hear);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const calls = channel(IN_BAND);

/** Hands a test's call to the reporter listening in this process (in band), else writes it to the folder. */
export function sendLine(dir: string, testPath: string, line: Line): void {
  if (calls.hasSubscribers) calls.publish({ dir, testPath, line } satisfies InBandCall);
  else appendLine(dir, testPath, line);
}

/** The file a test file's lines go to in this process; a test file's module registry, and so this map, is its own. */
const linesFiles = new Map<string, string>();

function appendLine(dir: string, testPath: string, line: Line): void {
  const key = `${dir}\0${testPath}`;
  let file = linesFiles.get(key);
  // One file per process and thread, so no two writers ever share a file.
  if (file === undefined) linesFiles.set(key, (file = join(dir, `${fileKey(testPath)}-${process.pid}-${threadId}.jsonl`)));
  appendFileSync(file, `${toJsonText(line)}\n`);
}

export function keyOf(key: AttemptKey): string {
  return JSON.stringify([key.fullName, key.occurrence, key.attempt]);
}

/** The lines workers wrote about the tests of one test file, in call order; deletes what it read. */
function readLines(dir: string, testPath: string): Line[] {
  const lines: Line[] = [];
  const prefix = `${fileKey(testPath)}-`;
  for (const name of readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.jsonl')).sort()) {
    const file = join(dir, name);
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      if (text !== '') lines.push(fromJsonText<Line>(text));
    }
    rmSync(file, { force: true });
  }
  return lines;
}

function fileKey(testPath: string): string {
  return createHash('sha1').update(testPath).digest('hex').slice(0, 16);
}
