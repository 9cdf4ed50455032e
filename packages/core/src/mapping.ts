import type { ResultBody, StepBody } from './api-types';
import type { Config } from './config';
import type { Attachment, Step, TestResult } from './model';
import { toSignature } from './signature';
import { parseStepTitle } from './title';

export interface MappingContext {
  config: Config;
  /**
   * Turns an attachment into the string placed in `attachments` (a local reference until upload); undefined
   * leaves the attachment out (e.g. a file that is gone).
   */
  attachmentRef: (attachment: Attachment) => string | undefined;
  /** Run start (ms): result and step times earlier than this are clamped to it, since the API rejects them. */
  notBeforeMs?: number;
}

/**
 * The v2 `ResultCreate` body of one result, or undefined when `statusFilter` drops its (mapped) status.
 *
 * As in the official reporters, `message` is the test's own comment followed, after a blank line, by the error
 * message; the stack goes to `execution.stacktrace`. Tags go to the `tags` field as a comma-separated list, with
 * those the test gave `qase.fields({ tags })`. With `uploadAttachments` off no attachment is referenced, captured
 * logs included.
 */
export function toResultBody(result: TestResult, ctx: MappingContext): ResultBody | undefined {
  const { config } = ctx;
  const status = config.statusMapping[result.status] ?? result.status;
  if (config.testops.statusFilter.includes(status)) return undefined;

  const refs = (attachments: readonly Attachment[]): string[] =>
    config.testops.uploadAttachments
      ? attachments.map(ctx.attachmentRef).filter((ref): ref is string => ref !== undefined)
      : [];
  const notBeforeMs = ctx.notBeforeMs ?? -Infinity;
  const startMs = Math.max(result.startTimeMs, notBeforeMs);
  const endMs = Math.max(result.endTimeMs, startMs);

  const title = titleOf(result);
  const body: ResultBody = {
    id: result.id,
    title,
    signature: isBlank(result.signature) ? signatureOf({ ...result, title }) : result.signature,
    execution: {
      status,
      start_time: toSeconds(startMs),
      end_time: toSeconds(endMs),
      duration: toDurationMs(result.durationMs),
    },
    defect: config.testops.defect,
  };
  if (result.error?.stack) body.execution.stacktrace = result.error.stack;
  if (result.error?.context) body.execution.error_context = result.error.context;
  if (result.thread) body.execution.thread = result.thread;
  if (result.caseIds.length > 0) body.testops_ids = [...result.caseIds];

  const message = [result.message, result.error?.message].filter(Boolean).join('\n\n');
  if (message) body.message = message;

  const suites = [config.rootSuite, ...result.suitePath].filter((suite): suite is string => !isBlank(suite));
  if (suites.length > 0) body.relations = { suite: { data: suites.map((suite) => ({ title: suite })) } };

  const fields = withTags(result.fields, result.tags);
  if (Object.keys(fields).length > 0) body.fields = { ...fields };
  if (Object.keys(result.params).length > 0) body.params = { ...result.params };
  if (result.paramGroups.length > 0) body.param_groups = result.paramGroups.map((group) => [...group]);

  const logs: Attachment[] =
    config.captureLogs && result.logs ? [{ name: 'log.txt', contentType: 'text/plain', content: result.logs }] : [];
  const attachments = refs([...result.attachments, ...logs]);
  if (attachments.length > 0) body.attachments = attachments;
  if (result.steps.length > 0) body.steps = result.steps.map((step) => toStepBody(step, refs, notBeforeMs));
  return body;
}

/** The official reporters set the `tags` field from the tags alone; a `tags` field the test set is kept as well. */
function withTags(fields: Record<string, string>, tags: readonly string[]): Record<string, string> {
  if (tags.length === 0) return fields;
  const given = (fields.tags ?? '').split(',').map((tag) => tag.trim()).filter(Boolean);
  return { ...fields, tags: [...new Set([...given, ...tags])].join(',') };
}

function toStepBody(step: Step, refs: (attachments: readonly Attachment[]) => string[], notBeforeMs: number): StepBody {
  const startMs = Math.max(step.startTimeMs, notBeforeMs);
  // A title written with the official `qase.step(action, expected, data)` carries them (see `parseStepTitle`).
  const { title, expectedResult = step.expectedResult, data = step.data } =
    step.expectedResult === undefined && step.data === undefined ? parseStepTitle(step.title) : step;
  const body: StepBody = {
    // The API requires an action; the official reporters name an untitled step the same way.
    data: { action: title || 'Unnamed step' },
    execution: {
      status: step.status,
      start_time: toSeconds(startMs),
      end_time: toSeconds(Math.max(step.endTimeMs, startMs)),
      duration: toDurationMs(step.endTimeMs - step.startTimeMs),
    },
  };
  if (expectedResult !== undefined) body.data.expected_result = expectedResult;
  if (data !== undefined) body.data.input_data = data;
  if (step.comment !== undefined) body.execution.comment = step.comment;
  const attachments = refs(step.attachments);
  if (attachments.length > 0) body.execution.attachments = attachments;
  if (step.steps.length > 0) body.steps = step.steps.map((child) => toStepBody(child, refs, notBeforeMs));
  return body;
}

/**
 * `test('', …)` is legal in every framework, but the API refuses a result whose title is blank, and a result
 * refused is lost. An untitled test is named after its suite path instead: visible in Qase as what it is, and the
 * same on every run, so it stays one case.
 */
function titleOf(result: TestResult): string {
  if (!isBlank(result.title)) return result.title;
  const suites = result.suitePath.filter((suite) => !isBlank(suite));
  return suites.length > 0 ? `Untitled test in ${suites.join(' > ')}` : 'Untitled test';
}

function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

/** Unix seconds with the milliseconds as the fraction, as `execution.start_time` and `end_time` expect. */
function toSeconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** `duration` is an integer of milliseconds in the spec. */
function toDurationMs(ms: number): number {
  return Math.max(0, Math.round(ms));
}

/** The signature of a result whose adapter gave none: ids, suite path and title, params (see `toSignature`). */
function signatureOf(result: TestResult): string {
  return toSignature(result.caseIds.length > 0 ? result.caseIds : null, [...result.suitePath, result.title], result.params);
}
