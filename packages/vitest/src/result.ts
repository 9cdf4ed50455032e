// One Vitest test case → core's TestResults, one per attempt. Pure.
import { basename, relative, sep } from 'node:path';
import { applyMetadata, contentTypeOf, createTestResult, failureStatus, parseCaseIds } from '@qase-reporters/core';
import type { Attachment, Status, TestError as QaseError, TestMetadata, TestResult } from '@qase-reporters/core';
import type { SerializedError, TestAnnotation, TestArtifact, TestAttachment, TestError } from 'vitest';
import { readAttempts } from './transport';

/** The parts of Vitest's `TestCase` this translation reads. */
export interface ReportedTest {
  readonly name: string;
  /** Describe blocks and name, as written, joined by ` > `. */
  readonly fullName: string;
  readonly parent: ReportedParent;
  readonly module: ReportedModule;
  readonly project: { readonly name: string; readonly config?: { readonly root: string } };
  readonly options: { readonly mode: string };
  result(): { readonly state: VitestState; readonly errors?: ReadonlyArray<TestError>; readonly note?: string };
  diagnostic(): { readonly startTime: number; readonly duration: number; readonly retryCount: number; readonly flaky: boolean } | undefined;
  meta(): object;
  /** Vitest 3.2 and later: earlier versions have no `annotate()`. */
  annotations?(): ReadonlyArray<TestAnnotation>;
  /** Vitest 4 and later: Vitest 3 has no artifacts (its browser screenshots are annotations). */
  artifacts?(): ReadonlyArray<TestArtifact>;
}

type ReportedParent =
  | { readonly type: 'suite'; readonly name: string; readonly parent: ReportedParent; errors(): ReadonlyArray<SerializedError> }
  | (ReportedModule & { readonly type: 'module'; errors(): ReadonlyArray<SerializedError> });

/** A test file: Vitest 4 names it from the project's root (`relativeModuleId`); Vitest 3 only by its absolute path. */
interface ReportedModule {
  readonly relativeModuleId?: string;
  readonly moduleId?: string;
}
type VitestState = 'passed' | 'failed' | 'skipped' | 'pending';

/** Vitest's state of a finished test → Qase's status. */
const STATUS: Record<VitestState, Status> = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped', // test.skip, test.todo, ctx.skip(), and tests left out by .only or -t
  pending: 'skipped', // not finished: Vitest does not report these as results, listed for completeness
};

export interface TestContext {
  /** Send the project's name as the `project` parameter (the config has several projects). */
  projectParam: boolean;
  /** What the test printed, when `captureLogs` is on; its colour codes are dropped. */
  logs?: string;
}

/**
 * Every attempt of the test, or none when the test called `qase.ignore()`. Vitest reports a test once, with the
 * number of retries it took and the errors of all attempts; attempts before the last one failed, since only a
 * failure is retried. Vitest keeps one start time and one duration for all attempts: they share that span evenly.
 */
export function toTestResults(test: ReportedTest, context: TestContext): TestResult[] {
  const outcome = test.result();
  const diagnostic = test.diagnostic();
  const attempts = (diagnostic?.retryCount ?? 0) + 1;
  const said = readAttempts(test.meta() as Record<string, unknown>);
  if (said.some((meta) => meta?.ignore)) return [];

  const { title, caseIds, projects } = parseCaseIds(test.name);
  // The file, then the describe blocks. The official reporter sends only the block Vitest last reported starting,
  // which with files running in parallel can be another file's (see the README); the signature below, which is
  // how Qase matches a result to the case it created, is the official one.
  const suitePath = [modulePath(test.module, test.project.config?.root), ...describeBlocks(test.parent)];
  const params: Record<string, string> = context.projectParam && test.project.name ? { project: test.project.name } : {};
  const blockedBy = outcome.state === 'skipped' ? failedBefore(test) : undefined;
  const finalStatus = STATUS[outcome.state];
  const failedAttempts = finalStatus === 'failed' ? attempts : attempts - 1;
  const errors = splitErrors(outcome.errors ?? [], failedAttempts);
  const spanMs = (diagnostic?.duration ?? 0) / attempts;

  return Array.from({ length: attempts }, (_, retry) => {
    const last = retry === attempts - 1;
    // Attempts before the last one failed: only a failure is retried.
    const status = !last || finalStatus === 'failed' ? failedOrInvalid(errors[retry] ?? []) : finalStatus;
    const startTimeMs = diagnostic === undefined ? undefined : diagnostic.startTime + retry * spanMs;
    const result = createTestResult({
      title,
      suitePath,
      // The official reporter's signature: the full name as written, `(Qase ID: …)` included.
      signature: test.fullName,
      caseIds,
      projects,
      status,
      startTimeMs,
      durationMs: spanMs,
      endTimeMs: startTimeMs === undefined ? undefined : startTimeMs + spanMs,
      error: status === 'failed' || status === 'invalid' ? toError(errors[retry] ?? []) : blockedBy,
      message: finalStatus === 'skipped' ? outcome.note : undefined,
      params,
      // Annotations and artifacts belong to the test, not to one attempt; the console output too.
      attachments: last ? vitestAttachments(test) : [],
      logs: last ? context.logs?.replace(ANSI, '') : undefined,
      retry,
      flaky: last && (diagnostic?.flaky ?? false),
    });
    const meta: TestMetadata = said[retry] ?? {};
    return applyMetadata(result, { ...meta, suite: meta.suite === undefined ? undefined : suiteLevels(meta.suite).join('\t') });
  });
}

/** `qase.suite(…)` as the official reporter reads it (qase-vitest/src/index.ts): levels split at ` - `. */
function suiteLevels(suite: string): string[] {
  return suite.split(' - ').map((level) => level.trim());
}

function modulePath(module: ReportedModule, root = process.cwd()): string {
  return module.relativeModuleId ?? relative(root, module.moduleId ?? '').split(sep).join('/');
}

function describeBlocks(parent: ReportedParent): string[] {
  return parent.type === 'suite' ? [...describeBlocks(parent.parent), parent.name] : [];
}

/**
 * Vitest skips the tests of a describe block (or file) whose `beforeAll` failed, and files the error under the
 * block. They are sent skipped, as Vitest and the official reporter say, with the block's error, so the reason
 * shows in Qase.
 */
function failedBefore(test: ReportedTest): QaseError | undefined {
  if (test.options.mode === 'skip' || test.options.mode === 'todo') return undefined;
  for (let parent = test.parent; ; parent = parent.parent) {
    const errors = parent.errors();
    if (errors.length > 0) {
      const block = parent.type === 'suite' ? `describe block "${parent.name}"` : modulePath(parent, test.project.config?.root);
      const { message, stack } = toError(errors);
      return { message: `The test did not run: ${block} failed before it.\n\n${message}`, stack };
    }
    if (parent.type === 'module') return undefined;
  }
}

/**
 * The errors of each failed attempt, in attempt order. Each gets an equal share and the last one the remainder:
 * exact whenever the attempts failed alike (one error each, or the same soft assertions each time).
 */
export function splitErrors<T>(errors: readonly T[], failedAttempts: number): T[][] {
  if (failedAttempts <= 0) return [];
  const share = Math.floor(errors.length / failedAttempts);
  return Array.from({ length: failedAttempts }, (_, i) =>
    errors.slice(i * share, i === failedAttempts - 1 ? errors.length : (i + 1) * share));
}

/** The official reporter decides by the attempt's first error (see `failureStatus`). */
function failedOrInvalid(errors: ReadonlyArray<SerializedError>): Status {
  const [first] = errors;
  return first ? failureStatus({ message: first.message, stack: first.stack }, 'failed') : 'failed';
}

// Matchers colour their messages and diffs, and util.inspect what tests print, when the terminal can show it.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function toError(errors: ReadonlyArray<SerializedError>): QaseError {
  if (errors.length === 0) return { message: 'The test failed without an error (Vitest kept none for this attempt).' };
  const message = errors.map((e) => {
    const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
    return [`${name}${e.message}`, typeof e.diff === 'string' ? e.diff : undefined].filter(Boolean).join('\n\n');
  });
  const stacks = errors.flatMap((e) => (e.stack ? [e.stack] : []));
  return {
    message: message.join('\n\n').replace(ANSI, ''),
    stack: stacks.length > 0 ? stacks.join('\n\n').replace(ANSI, '') : undefined,
  };
}

/** Files the test gave Vitest itself: `annotate(…, { path | body })`, and artifacts such as failure screenshots. */
function vitestAttachments(test: ReportedTest): Attachment[] {
  const fromAnnotations = (test.annotations?.() ?? []).flatMap((a) => (a.attachment ? [toAttachment(a.attachment, a.message)] : []));
  const fromArtifacts = (test.artifacts?.() ?? []).flatMap((a) => (a.attachments ?? []).map((attachment) => toAttachment(attachment, a.type)));
  return [...fromAnnotations, ...fromArtifacts];
}

function toAttachment(attachment: TestAttachment, label: string): Attachment {
  if (attachment.path !== undefined) {
    return { name: basename(attachment.path), contentType: attachment.contentType ?? contentTypeOf(attachment.path), path: attachment.path };
  }
  const body = attachment.body ?? '';
  const content = typeof body === 'string' ? Buffer.from(body, attachment.bodyEncoding === 'utf-8' ? 'utf8' : 'base64') : Buffer.from(body);
  return { name: label, contentType: attachment.contentType ?? 'application/octet-stream', content };
}
