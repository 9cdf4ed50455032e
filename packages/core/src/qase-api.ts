// The per-test `qase` API without its transport. Every adapter offers the same calls, with the official reporters'
// signatures; what differs by framework is how a call finds the running test and where it puts what was said.
// An adapter passes that part in as a QaseRecorder, including how it runs a step.
import { basename, resolve } from 'node:path';
import { contentTypeOf } from './content-type';
import { mergeProjects } from './metadata';
import type { TestMetadata } from './metadata';
import type { Attachment } from './model';
import { terminalSafe } from './output';
import { PROJECT_CODE, withCaseIds, withProjects, withStepMarkers } from './title';

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

/** The step a step body receives, as `this` and as its argument: steps and attachments called on it nest in it. */
export interface QaseStepContext<Attach extends AttachOptions = AttachOptions> {
  step<T>(title: string, body: StepBody<T, Attach>, expectedResult?: string, data?: string): Promise<T>;
  attach(attachment: Attach): void;
}

/** A step body: `async (s) => { await s.step(…); s.attach(…) }`, or one that ignores its step. */
export type StepBody<T, Attach extends AttachOptions = AttachOptions> =
  (this: QaseStepContext<Attach>, step: QaseStepContext<Attach>) => T | Promise<T>;

/** Multi-project ids: project code → case ids. */
export type ProjectMapping = Record<string, ReadonlyArray<number | string>>;

/**
 * The calls of every adapter's `qase`. `Self` is the adapter's own `qase`, so calls chain; `Attach` is what its
 * `attach` takes. No call throws: a call whose arguments cannot be used is ignored with one warning, and a name
 * this API does not have is a function that warns, so a suite written for a newer official reporter still runs.
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
  /** Qase tags of the result; calls add up. */
  tags(...values: string[]): Self;
  /** Reports the result as muted (the `muted` field): shown, but not counted against the run. */
  mute(): Self;
  /** The test still runs; its result is not sent to Qase. */
  ignore(): Self;
  /** Attaches files or content to the test, or to the step it is called in. */
  attach(attachment: Attach): Self;
  /**
   * Runs `body` as a step of the test; steps and attachments inside it nest. Resolves to what `body` returns.
   * Without a body, `qase.step(action, expectedResult, data)` is the official Playwright form: a title for
   * `test.step` that carries the expected result and data.
   */
  step<T>(title: string, body: StepBody<T, Attach>, expectedResult?: string, data?: string): Promise<T>;
  step(action: string, expectedResult?: string, data?: string): string;
  /**
   * Case ids per Qase project, for mode testops_multi: the result goes to each project named, with its ids.
   * `test(qase.projects({ PROJ1: [1, 2], PROJ2: [3] }, 'Login'), …)` (Jest, Mocha, Vitest) returns the title with
   * `(Qase PROJ1: 1,2) (Qase PROJ2: 3)`; `qase.projects(mapping)` inside a test (Playwright) marks the running test.
   */
  projects(mapping: ProjectMapping, title: string): string;
  projects(mapping: ProjectMapping): Self;
  /** `qase.projects(mapping, title)` with the arguments the other way round (Playwright's, Vitest's `addQaseProjects`). */
  projectsTitle(title: string, mapping: ProjectMapping): string;
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
  /**
   * Runs `body` as a step of the running test, in the adapter's way; returns what `body` returns. A step runner
   * that fails before it calls `body` is skipped with a warning and `body` runs alone.
   */
  step(title: string, body: () => unknown, expectedResult?: string, data?: string): unknown;
}

/** Names of the API's own calls: anything else is a call this version does not know. */
const CALLS = ['id', 'title', 'fields', 'suite', 'parameters', 'groupParameters', 'comment', 'tags', 'mute', 'ignore',
  'attach', 'step', 'projects', 'projectsTitle'];

/**
 * Names that code asks any object for without calling the answer (`await` reads `then`, printers read `toJSON`,
 * `nodeType`, `asymmetricMatch`): those stay undefined rather than becoming warning functions.
 */
const NOT_CALLS = new Set(['then', 'catch', 'finally', 'toJSON', 'nodeType', 'tagName', 'asymmetricMatch', 'inspect', 'default']);

/**
 * The adapter's `qase` (`Self`: `QaseApi`, or an adapter's narrower typing of it): the calls above over `recorder`. Case ids that are not
 * positive whole numbers are left out with a warning; values of fields and parameters are sent as strings.
 */
export function createQaseApi<Self, Attach extends AttachOptions = AttachOptions>(recorder: QaseRecorder): Self {
  const { warn } = recorder;
  /** Runs one call; an error of ours, or arguments it cannot use, cost the call and one warning, never the test. */
  const guard = <R>(method: string, fallback: () => R, call: () => R): R => {
    try {
      return call();
    } catch (error) {
      warn(`qase.${method}() could not use its arguments (${(error as Error)?.message ?? String(error)}); the call was ignored.`);
      return fallback();
    }
  };
  const say = (method: string, meta: () => TestMetadata): Self =>
    guard(method, () => api, () => {
      recorder.record(method, meta());
      return api;
    });
  const caseIds = (method: string, values: ReadonlyArray<unknown>): number[] =>
    values.flatMap((value) => {
      const id = Number(value);
      if (Number.isSafeInteger(id) && id > 0) return [id];
      warn(`${method} got case id ${JSON.stringify(value)}, which is not a positive whole number; it was ignored.`);
      return [];
    });
  const text = (value: unknown): string => {
    if (value === undefined || value === null) throw new TypeError(`expected text, got ${String(value)}`);
    return String(value);
  };
  /** The usable part of a mapping: codes that fit a title marker, each with its valid ids (a code without any still names its project). */
  const projects = (method: string, mapping: unknown): Record<string, number[]> => {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
      throw new TypeError(`expected a mapping like { PROJ1: [1, 2] }, got ${JSON.stringify(mapping) ?? String(mapping)}`);
    }
    const usable: Record<string, number[]> = {};
    for (const [code, ids] of Object.entries(mapping)) {
      if (!PROJECT_CODE.test(code)) {
        warn(`${method} got project code ${JSON.stringify(code)}; a Qase project code has only letters, digits and _, so its ids were ignored.`);
        continue;
      }
      const valid = caseIds(method, Array.isArray(ids) ? ids : [ids]);
      usable[code] = [...new Set(valid)];
    }
    return usable;
  };
  const projectsTitle = (title: unknown, mapping: unknown): string =>
    guard('projectsTitle', () => String(title), () => withProjects(projects('qase.projectsTitle()', mapping), text(title)));

  const stepContext: QaseStepContext<Attach> = {
    step: (title, body, expectedResult, data) => step(title, body, expectedResult, data) as Promise<never>,
    attach: (attachment) => {
      calls.attach(attachment);
    },
  };
  function step(title: unknown, body?: unknown, expectedResult?: unknown, data?: unknown): unknown {
    const optional = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : String(value));
    if (typeof body !== 'function') {
      return guard('step', () => String(title), () => withStepMarkers(text(title), optional(body), optional(expectedResult)));
    }
    const run = (): unknown => (body as StepBody<unknown, Attach>).call(stepContext, stepContext);
    let entered = false;
    try {
      return recorder.step(String(title), () => {
        entered = true;
        return run();
      }, optional(expectedResult), optional(data));
    } catch (error) {
      // The body's own error is the test's; an error of the step runner before it is ours.
      if (entered) throw error;
      warn(`qase.step() could not record the step "${String(title)}" (${(error as Error)?.message ?? String(error)}); its body ran without it.`);
      return run();
    }
  }

  const calls = {
    id: (value: unknown) => say('id', () => ({ caseIds: caseIds('qase.id()', Array.isArray(value) ? value : [value]) })),
    title: (value: unknown) => say('title', () => ({ title: text(value) })),
    fields: (values: Record<string, unknown>) => say('fields', () => ({ fields: toStrings(values) })),
    suite: (value: unknown) => say('suite', () => ({ suite: text(value) })),
    parameters: (values: Record<string, unknown>) => say('parameters', () => ({ params: toStrings(values) })),
    groupParameters: (values: Record<string, unknown>) => say('groupParameters', () => ({ groupParams: toStrings(values) })),
    comment: (value: unknown) => say('comment', () => ({ comment: text(value) })),
    tags: (...values: unknown[]) => say('tags', () => ({ tags: values.flat().map(text) })),
    mute: () => say('mute', () => ({ fields: { muted: 'true' } })),
    ignore: () => say('ignore', () => ({ ignore: true })),
    attach: (options: Attach) => say('attach', () => ({ attachments: toAttachments(options) })),
    step,
    projects: (mapping: unknown, ...title: unknown[]) => (title.length > 0
      ? guard('projects', () => String(title[0]), () => withProjects(projects('qase.projects()', mapping), text(title[0])))
      : say('projects', () => ({ projects: projects('qase.projects()', mapping) }))),
    projectsTitle,
  };
  const qase = (caseId: unknown, title: unknown): string =>
    guard('qase', () => String(title), () => {
      const ids = caseIds('qase()', Array.isArray(caseId) ? caseId : [caseId]);
      return ids.length > 0 ? withCaseIds(ids, text(title)) : text(title);
    });
  const target = Object.assign(qase, calls);
  const unknownCalls = new Map<string, () => Self>();
  const api = new Proxy(target, {
    get(object, name, receiver) {
      if (typeof name !== 'string' || name in object || NOT_CALLS.has(name) || !/^[a-z][A-Za-z0-9]*$/.test(name)) {
        return Reflect.get(object, name, receiver) as unknown;
      }
      let call = unknownCalls.get(name);
      if (!call) {
        call = () => {
          warn(`qase.${name}() is not part of this reporter's API (known: ${CALLS.join(', ')}); the call was ignored.`);
          return api;
        };
        unknownCalls.set(name, call);
      }
      return call;
    },
  }) as unknown as Self;
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
  // Only what `next` says is merged: a test's calls are mostly a step or two each, and each call copying every
  // field made the fold cost more than the calls.
  const merged: TestMetadata = { ...meta };
  if (next.caseIds) merged.caseIds = [...(meta.caseIds ?? []), ...next.caseIds];
  if (next.title !== undefined) merged.title = next.title;
  if (next.fields) merged.fields = { ...meta.fields, ...next.fields };
  if (next.suite !== undefined) merged.suite = next.suite;
  if (next.params) merged.params = { ...meta.params, ...next.params };
  if (next.groupParams) merged.groupParams = { ...meta.groupParams, ...next.groupParams };
  if (next.comment !== undefined) merged.comment = next.comment;
  if (next.tags) merged.tags = [...(meta.tags ?? []), ...next.tags];
  if (next.projects) merged.projects = mergeProjects(meta.projects ?? {}, next.projects);
  if (next.ignore) merged.ignore = true;
  if (next.attachments) merged.attachments = [...(meta.attachments ?? []), ...next.attachments];
  if (next.steps) merged.steps = [...(meta.steps ?? []), ...next.steps];
  return merged;
}

function toStrings(values: Record<string, unknown>): Record<string, string> {
  if (typeof values !== 'object' || values === null) throw new TypeError(`expected an object, got ${String(values)}`);
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
