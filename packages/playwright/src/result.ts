// Playwright's test, attempt and steps → core's TestResult. Pure apart from reading Playwright's error-context file.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Suite, TestCase, TestResult as Attempt, TestStep } from '@playwright/test/reporter';
import { applyMetadata, createTestResult, failureStatus, mergeMetadata, mergeProjects, parseCaseIds, toSignature } from '@qase-reporters/core';
import type { Attachment, Status, Step, StepStatus, TestError, TestMetadata, TestResult } from '@qase-reporters/core';
import {
  CASE_ID_ANNOTATION,
  DATA_ANNOTATION,
  EXPECTED_RESULT_ANNOTATION,
  METADATA_CONTENT_TYPE,
  PROJECTS_ANNOTATION,
  REQUEST_STEPS_CONTENT_TYPE,
  SUITE_ANNOTATION,
} from './transport';
import type { MetadataMessage, StepMessage } from './transport';

type PlaywrightAttachment = Attempt['attachments'][number];
type Annotation = Attempt['annotations'][number];

export interface TranslateOptions {
  /**
   * `framework.browser.addAsParameter`: the parameter name (`framework.browser.parameterName`, default `browser`)
   * under which the project's name is sent, and left out of the suite path, as the official reporter does.
   */
  browserParameter?: string;
  /** `framework.markAsFlaky`: a retry that passed gets the `is_flaky` field. */
  markAsFlaky: boolean;
  /** stdout and stderr of the attempt, when `captureLogs` is on. */
  logs?: string;
  /** Tells the user about an annotation that could not be read. */
  warn?: (message: string) => void;
}

/**
 * Playwright's status → Qase's. A timeout or an interruption is a test that did not pass; a failure is `failed` or
 * `invalid` by its error (see `failureStatus`).
 */
const STATUS: Record<Attempt['status'], Status> = {
  passed: 'passed',
  failed: 'failed',
  timedOut: 'failed',
  interrupted: 'failed',
  skipped: 'skipped',
};

/** One attempt of one test as a Qase result; undefined when the test called `qase.ignore()`. */
export function toTestResult(test: TestCase, attempt: Attempt, options: TranslateOptions): TestResult | undefined {
  const messages = readMessages(attempt.attachments);
  const metadata = messages.filter((m): m is Exclude<MetadataMessage, StepMessage> => !('step' in m)).reduce<TestMetadata>(mergeMetadata, {});
  if (metadata.ignore) return undefined;
  const { title, caseIds, projects } = parseCaseIds(test.title);
  // Before Playwright 1.52 an attempt has no annotations of its own: the test's include those added at run time.
  const annotations = (attempt as Partial<Attempt>).annotations ?? test.annotations;
  const annotatedIds = annotatedCaseIds(annotations);
  const mapped = mergeProjects(mergeProjects(projects, annotatedProjects(annotations, options.warn)), metadata.projects);
  const status = toStatus(test.expectedStatus, attempt);
  const startTimeMs = attempt.startTime.getTime();
  const durationMs = Math.max(0, attempt.duration);
  const claimed = new Set<PlaywrightAttachment>();
  const steps = [...toSteps(attempt.steps, {
    claimed,
    endTimeMs: startTimeMs + durationMs,
    said: stepsSaid(messages),
    started: new Map(),
    attachments: attempt.attachments,
  }), ...readRequestSteps(attempt.attachments)];
  const project = options.browserParameter === undefined ? undefined : projectOf(test);
  const browser: Record<string, string> = project ? { [options.browserParameter as string]: project } : {};
  const result = createTestResult({
    title,
    // The official signature has no case ids when the test names cases per project.
    ...identify(test, annotations, metadata, Object.keys(mapped).length > 0 ? [] : [annotatedIds, metadata.caseIds ?? [], caseIds], browser),
    caseIds: unique([...caseIds, ...annotatedIds]),
    projects: mapped,
    status,
    startTimeMs,
    durationMs,
    endTimeMs: startTimeMs + durationMs,
    error: status === 'failed' || status === 'invalid' ? toError(attempt) : undefined,
    steps,
    attachments: attempt.attachments.filter((a) => !claimed.has(a) && !isMetadata(a) && !isRequestSteps(a)).map(toAttachment),
    params: browser,
    // As the official reporter marks it: a pass on a retry.
    fields: options.markAsFlaky && status === 'passed' && attempt.retry > 0 ? { is_flaky: 'true' } : {},
    // Playwright's own tags (`test('…', { tag: '@smoke' })`), without the `@` Playwright requires.
    // Playwright 1.42 and later; before it a test has no tags of its own.
    tags: ((test as Partial<TestCase>).tags ?? []).map((tag) => tag.replace(/^@/, '')),
    thread: String(attempt.parallelIndex),
    retry: attempt.retry,
    flaky: status === 'passed' && test.outcome() === 'flaky',
    logs: options.logs,
  });
  // `identify` settled the suite, as the official reporter does.
  return applyMetadata(result, { ...metadata, suite: undefined });
}

export function toStatus(expected: TestCase['expectedStatus'], attempt: Pick<Attempt, 'status' | 'errors'>): Status {
  const actual = attempt.status;
  // test.fail(): Playwright counts the failure as the expected outcome and a pass as a failure, and so do we.
  if (expected === 'failed' && (actual === 'passed' || actual === 'failed')) return actual === 'failed' ? 'passed' : 'failed';
  if (actual === 'failed' && attempt.errors.length > 0) {
    // The official reporter's input: every message, then every stack, as written (colour codes included).
    const message = attempt.errors.flatMap((e) => (e.message === undefined ? [] : [e.message])).join('\n\n');
    const stack = attempt.errors.flatMap((e) => (e.stack === undefined ? [] : [e.stack])).join('\n\n');
    return failureStatus({ message: message || 'Test failed', stack }, actual);
  }
  return STATUS[actual];
}

/** The attempt's `qase.*` messages, in the order they were sent. */
function readMessages(attachments: readonly PlaywrightAttachment[]): MetadataMessage[] {
  return attachments.flatMap((a) => {
    const message = isMetadata(a) && a.body !== undefined ? parseMessage(a.body) : undefined;
    return message ? [message] : [];
  });
}

/** What `qase.step`s said in messages (Playwright before 1.51, see StepMessage), by `stepKey`. */
function stepsSaid(messages: readonly MetadataMessage[]): Map<string, StepMessage['step']> {
  const said = new Map<string, StepMessage['step']>();
  for (const message of messages) {
    if (!('step' in message)) continue;
    const { step } = message;
    const known = said.get(stepKey(step.title, step.occurrence));
    said.set(stepKey(step.title, step.occurrence), {
      ...known,
      ...step,
      attachments: [...(known?.attachments ?? []), ...(step.attachments ?? [])],
    });
  }
  return said;
}

function stepKey(title: string, occurrence: number): string {
  return JSON.stringify([title, occurrence]);
}

function parseMessage(body: Buffer): MetadataMessage | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as MetadataMessage;
  } catch {
    return undefined;
  }
}

function isMetadata(attachment: PlaywrightAttachment): boolean {
  return attachment.contentType === METADATA_CONTENT_TYPE;
}

function isRequestSteps(attachment: PlaywrightAttachment): boolean {
  return attachment.contentType === REQUEST_STEPS_CONTENT_TYPE;
}

/** The network profiler's steps (fixture.ts), after the test's own, as the official reporter adds them. */
function readRequestSteps(attachments: readonly PlaywrightAttachment[]): Step[] {
  return attachments.filter(isRequestSteps).flatMap((attachment) => {
    try {
      return JSON.parse(attachment.body?.toString('utf8') ?? '[]') as Step[];
    } catch {
      return [];
    }
  });
}

function annotatedCaseIds(annotations: readonly Annotation[]): number[] {
  return annotations
    .filter((a) => a.type.toLowerCase() === CASE_ID_ANNOTATION && a.description !== undefined)
    .flatMap((a) => parseCaseIds(`(Qase ID: ${a.description})`).caseIds);
}

/**
 * `{ type: 'QaseProjects', description: '{"PROJ1":[1,2]}' }`: case ids per project, as JSON. A description that is not
 * such JSON is passed over with a warning (the official reporter passes it over silently); ids that are not positive
 * whole numbers are left out.
 */
function annotatedProjects(annotations: readonly Annotation[], warn?: (message: string) => void): Record<string, number[]> {
  return annotations
    .filter((a) => a.type.toLowerCase() === PROJECTS_ANNOTATION && a.description !== undefined)
    .reduce<Record<string, number[]>>((projects, a) => mergeProjects(projects, parseProjectsJson(a.description ?? '', warn)), {});
}

function parseProjectsJson(text: string, warn?: (message: string) => void): Record<string, number[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    warn?.(`the QaseProjects annotation ${JSON.stringify(text)} is not a mapping like {"PROJ1":[1,2]} and was ignored.`);
    return {};
  }
  const projects: Record<string, number[]> = {};
  for (const [code, ids] of Object.entries(parsed)) {
    const valid = (Array.isArray(ids) ? ids : [ids]).map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);
    projects[code] = unique(valid);
  }
  return projects;
}

function unique(ids: readonly number[]): number[] {
  return [...new Set(ids)];
}

/**
 * Suite path and signature as the official reporter sends them (qase-playwright/src/result-builder.ts `build`), so
 * results keep matching the cases it created. The suite is the `QaseSuite` annotations, else `qase.suite`, else the
 * test's title path: project (when named), file (relative to testDir, with `/`), describe blocks and the title as
 * written (`(Qase ID: …)` included). The path sent leaves out every level equal to that title; the signature keeps
 * them, with the case ids of the first source that has any (annotation, `qase.id`, title) and the parameters of
 * `qase.parameters` and the browser parameter (not the group parameters). With the browser parameter, the project
 * is no suite level.
 */
function identify(
  test: TestCase,
  annotations: readonly Annotation[],
  meta: TestMetadata,
  idSources: ReadonlyArray<readonly number[]>,
  browser: Record<string, string>,
): Pick<TestResult, 'suitePath' | 'signature'> {
  const annotated = annotations.flatMap((a) => (a.type.toLowerCase() === SUITE_ANNOTATION && a.description ? [a.description] : []));
  const project = Object.values(browser)[0];
  const suites = (annotated.length > 0 ? annotated : meta.suite ? [meta.suite] : titlePathOf(test)).filter((suite) => suite !== project);
  return {
    // A level with tabs is nested suites in Qase, as for `qase.suite`.
    suitePath: suites.filter((suite) => suite !== test.title).flatMap((suite) => suite.split('\t')).filter(Boolean),
    signature: toSignature(idSources.find((ids) => ids.length > 0) ?? null, suites, { ...meta.params, ...browser }),
  };
}

/**
 * Playwright's `test.titlePath()` without its empty levels (the root, an unnamed project, anonymous describe blocks),
 * with backslashes as `/` in every level, as the official reporter takes it. The file is relative to testDir.
 */
function titlePathOf(test: TestCase): string[] {
  const path = [test.title];
  for (let suite: Suite | undefined = test.parent; suite; suite = suite.parent) {
    if (suite.title !== '') path.unshift(suite.title);
  }
  return path.map((title) => title.replaceAll('\\', '/'));
}

function projectOf(test: TestCase): string | undefined {
  for (let suite: Suite | undefined = test.parent; suite; suite = suite.parent) {
    if (suite.type === 'project') return suite.title || undefined;
  }
  return undefined;
}

// Playwright colours its messages for terminals; Qase shows them as plain text.
// eslint-disable-next-line no-control-regex
const ANSI_COLOURS = /\u001b\[[0-9;]*m/g;

function toError(attempt: Attempt): TestError | undefined {
  if (attempt.errors.length === 0) return undefined;
  const message = attempt.errors.map((e) => e.message ?? e.value ?? 'Unknown error').join('\n\n');
  const stacks = attempt.errors.flatMap((e) => (e.stack ? [e.stack] : []));
  return {
    message: message.replace(ANSI_COLOURS, ''),
    stack: stacks.length > 0 ? stacks.join('\n\n').replace(ANSI_COLOURS, '') : undefined,
    context: readErrorContext(attempt.attachments),
  };
}

/** Playwright writes `error-context.md` (page snapshot, failing line) for a failed test; Qase has a field for it. */
function readErrorContext(attachments: readonly PlaywrightAttachment[]): string | undefined {
  const attachment = attachments.find((a) => a.name === 'error-context');
  if (!attachment) return undefined;
  try {
    return (attachment.body ?? readFileSync(attachment.path ?? '')).toString('utf8').replace(ANSI_COLOURS, '') || undefined;
  } catch {
    // The file is uploaded as an attachment anyway; a missing copy must not cost the result.
    return undefined;
  }
}

interface StepContext {
  /** Attachments shown on a step, so the result does not show them again. */
  claimed: Set<PlaywrightAttachment>;
  /** End of the attempt: where a step that never finished (timeout, interruption) ends. */
  endTimeMs: number;
  /** What `qase.step`s said in messages, by `stepKey`; the attempt's attachments they name by index. */
  said: ReadonlyMap<string, StepMessage['step']>;
  attachments: readonly PlaywrightAttachment[];
  /** How many `test.step`s of each title came before, in the order they started. */
  started: Map<string, number>;
}

/** Playwright's containers of a test's hooks and fixtures: steps only when a hook or step ran inside them. */
const HOOK_CONTAINERS = new Set(['Before Hooks', 'After Hooks', 'Worker Cleanup']);

function isStep(step: TestStep): boolean {
  return step.category === 'test.step' || step.category === 'hook';
}

/**
 * `test.step` (and so `qase.step`) and hooks (`beforeEach`, `afterAll`, …) are Qase steps, as the official reporter
 * sends them. Fixtures, `expect` and API calls are Playwright's plumbing: they are not reported, but a `test.step`
 * inside a fixture is, at the level of the nearest step (the official reporter drops it).
 */
function toSteps(steps: readonly TestStep[], context: StepContext): Step[] {
  return steps.flatMap((step): Step[] => {
    if (!isStep(step)) return toSteps(step.steps, context);
    let said: StepMessage['step'] | undefined;
    if (step.category === 'test.step') {
      const occurrence = context.started.get(step.title) ?? 0;
      context.started.set(step.title, occurrence + 1);
      said = context.said.get(stepKey(step.title, occurrence));
    }
    const children = toSteps(step.steps, context);
    if (step.category === 'hook' && HOOK_CONTAINERS.has(step.title) && children.length === 0) return [];
    const own = attachmentsOf(step).filter((a) => !isMetadata(a));
    // Playwright 1.50 also files them under the step itself: each is shown once.
    const madeInside = (said?.attachments ?? []).flatMap((index) => context.attachments[index] ?? []).filter((a) => !own.includes(a) && !context.claimed.has(a));
    const attachments = [...own, ...madeInside];
    for (const attachment of attachments) context.claimed.add(attachment);
    const startTimeMs = step.startTime.getTime();
    return [{
      title: step.title,
      status: stepStatus(step),
      startTimeMs,
      endTimeMs: unfinished(step) ? Math.max(startTimeMs, context.endTimeMs) : startTimeMs + step.duration,
      expectedResult: annotationOf(step, EXPECTED_RESULT_ANNOTATION) ?? said?.expectedResult,
      data: annotationOf(step, DATA_ANNOTATION) ?? said?.data,
      attachments: attachments.map(toAttachment),
      steps: children,
    }];
  });
}

/** Playwright reports a duration of -1 for a step that was still running when the test timed out or was stopped. */
function unfinished(step: TestStep): boolean {
  return step.duration < 0;
}

function stepStatus(step: TestStep): StepStatus {
  if (step.error || unfinished(step)) return 'failed';
  if (stepAnnotations(step).some((a) => a.type === 'skip')) return 'skipped';
  return 'passed';
}

function annotationOf(step: TestStep, type: string): string | undefined {
  return stepAnnotations(step).find((a) => a.type === type)?.description;
}

/** Playwright 1.51 and later; before it, a step has neither annotations nor attachments of its own. */
function stepAnnotations(step: TestStep): TestStep['annotations'] {
  return (step as Partial<TestStep>).annotations ?? [];
}

/** `testInfo.attach()` inside a step files the attachment under its own `test.attach` child step. */
function attachmentsOf(step: TestStep): PlaywrightAttachment[] {
  return [...((step as Partial<TestStep>).attachments ?? []), ...step.steps.filter((s) => !isStep(s)).flatMap(attachmentsOf)];
}

function toAttachment(attachment: PlaywrightAttachment): Attachment {
  if (attachment.path !== undefined) {
    return { name: withExtension(attachment.name, attachment.path), contentType: attachment.contentType, path: attachment.path };
  }
  return { name: attachment.name, contentType: attachment.contentType, content: attachment.body ?? '' };
}

// Playwright names its own files `screenshot`, `trace`, `video`; Qase needs the extension to show them.
function withExtension(name: string, path: string): string {
  return extname(name) === '' ? name + extname(path) : name;
}
