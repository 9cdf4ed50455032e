// The per-test `qase` API without its transport. Every adapter offers the same calls, with the official reporters'
// signatures; what differs by framework is how a call finds the running test and where it puts what was said.
// An adapter passes that part in as a QaseRecorder and adds its own `step`.
import { basename, resolve } from 'node:path';
import { contentTypeOf } from './attachments';
import type { TestMetadata } from './metadata';
import type { Attachment } from './model';
import { terminalSafe } from './output';
import { withCaseIds } from './title';

/** What `qase.attach` takes: files by path, or content held in memory. */
export interface AttachOptions {
  /** Shown name of `content`; default `attachment`. */
  name?: string;
  /** Files to attach; `name` and `content` are ignored when given. */
  paths?: string | string[];
  content?: Buffer | string;
  /** MIME type; guessed from the file extension for `paths`. */
  contentType?: string;
}

/**
 * The calls of every adapter's `qase`. `Self` is the adapter's own `qase` (which adds `step`), so calls chain;
 * `Attach` is what its `attach` takes.
 */
export interface QaseApi<Self, Attach extends AttachOptions = AttachOptions> {
  /**
   * `test(qase(12, 'Login works'), …)` (`it(…)` in Mocha) links the test to case 12; returns the title with
   * `(Qase ID: 12)`.
   */
  (caseId: number | string | ReadonlyArray<number | string>, title: string): string;
  /** Links the running test to one or more Qase cases. */
  id(value: number | readonly number[]): Self;
  /** The result's title in Qase, instead of the test's title. */
  title(value: string): Self;
  /** Qase fields: `description`, `preconditions`, `severity`, `priority`, `layer`, custom fields, … */
  fields(values: Record<string, unknown>): Self;
  /** Suite path in Qase, levels separated by a tab (`'Auth\tLogin'`), instead of file and describe blocks. */
  suite(value: string): Self;
  /** Parameters of the result, e.g. the row of a data-driven test. */
  parameters(values: Record<string, unknown>): Self;
  /** Parameters that also form one parameter group. */
  groupParameters(values: Record<string, unknown>): Self;
  /** Text shown with the result. */
  comment(value: string): Self;
  /** The test still runs; its result is not sent to Qase. */
  ignore(): Self;
  /** Attaches files or content to the test, or to the step it is called in. */
  attach(attachment: Attach): Self;
}

/** How an adapter's `qase` reaches its reporter. */
export interface QaseRecorder {
  /**
   * Keeps what one call (`method`: `title`, `attach`, …) said about the running test; attachments go to the step
   * the call is made in, where the adapter runs the steps. Drops the call when no test is running, saying so.
   */
  record(method: string, meta: TestMetadata): void;
  /** Tells the user about a value the API ignored (see `createWarnOnce`). */
  warn(message: string): void;
}

/**
 * The adapter's `qase`: the calls above over `recorder`, plus the adapter's own members (`step`). Case ids that are
 * not positive whole numbers are left out with a warning; values of fields and parameters are sent as strings.
 */
export function createQaseApi<Self extends QaseApi<Self, Attach>, Attach extends AttachOptions = AttachOptions>(
  recorder: QaseRecorder,
  own: Omit<Self, keyof QaseApi<Self, Attach>>,
): Self {
  const say = (method: string, meta: TestMetadata): Self => {
    recorder.record(method, meta);
    return api;
  };
  const caseIds = (method: string, values: ReadonlyArray<number | string>): number[] =>
    values.flatMap((value) => {
      const id = Number(value);
      if (Number.isSafeInteger(id) && id > 0) return [id];
      recorder.warn(`${method} got case id ${JSON.stringify(value)}, which is not a positive whole number; it was ignored.`);
      return [];
    });
  const api = Object.assign(
    (caseId: number | string | ReadonlyArray<number | string>, title: string): string => {
      const ids = caseIds('qase()', typeof caseId === 'object' ? caseId : [caseId]);
      return ids.length > 0 ? withCaseIds(ids, title) : title;
    },
    {
      id: (value: number | readonly number[]) => say('id', { caseIds: caseIds('qase.id()', Array.isArray(value) ? value : [value]) }),
      title: (value: string) => say('title', { title: value }),
      fields: (values: Record<string, unknown>) => say('fields', { fields: toStrings(values) }),
      suite: (value: string) => say('suite', { suite: value }),
      parameters: (values: Record<string, unknown>) => say('parameters', { params: toStrings(values) }),
      groupParameters: (values: Record<string, unknown>) => say('groupParameters', { groupParams: toStrings(values) }),
      comment: (value: string) => say('comment', { comment: value }),
      ignore: () => say('ignore', { ignore: true }),
      attach: (options: Attach) => say('attach', { attachments: toAttachments(options) }),
    },
    own,
  ) as unknown as Self;
  return api;
}

/** A `warn` that prints each distinct message once, as `qase: <message>`, through `print`. */
export function createWarnOnce(print: (line: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    print(`qase: ${terminalSafe(message)}`);
  };
}

/** Folds one call into what earlier calls said: the last title, suite and comment win; lists and records add up. */
export function mergeMetadata(meta: TestMetadata, next: TestMetadata): TestMetadata {
  return {
    caseIds: [...(meta.caseIds ?? []), ...(next.caseIds ?? [])],
    title: next.title ?? meta.title,
    fields: { ...meta.fields, ...next.fields },
    suite: next.suite ?? meta.suite,
    params: { ...meta.params, ...next.params },
    groupParams: { ...meta.groupParams, ...next.groupParams },
    comment: next.comment ?? meta.comment,
    ...(meta.ignore || next.ignore ? { ignore: true } : {}),
    attachments: [...(meta.attachments ?? []), ...(next.attachments ?? [])],
    steps: [...(meta.steps ?? []), ...(next.steps ?? [])],
  };
}

function toStrings(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

/**
 * Paths are resolved now, against the directory the test runs in. `type` is the official Jest and Vitest
 * reporters' spelling of `contentType`; their adapters declare it.
 */
function toAttachments(options: AttachOptions & { type?: string }): Attachment[] {
  const contentType = options.contentType ?? options.type;
  if (options.paths !== undefined) {
    return (typeof options.paths === 'string' ? [options.paths] : options.paths).map((path) => ({
      name: basename(path),
      contentType: contentType ?? contentTypeOf(path),
      path: resolve(path),
    }));
  }
  const content = options.content ?? '';
  return [{
    name: options.name ?? 'attachment',
    contentType: contentType ?? (typeof content === 'string' ? 'text/plain' : 'application/octet-stream'),
    content,
  }];
}
