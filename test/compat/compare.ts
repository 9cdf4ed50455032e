// What the compat tests compare: each stored result reduced to what Qase shows of it, with attachments by content,
// so a result from our reporter and one from the official reporter can be compared field by field.
import type { EmulatorState } from '@qase-reporters/emulator';
import { contentOf } from '../e2e/harness';
import type { ResultBody, StepBody } from '../e2e/harness';

export interface ShownStep {
  action: string;
  expected?: string;
  data?: string;
  status: string;
  attachments?: (string | undefined)[];
  steps?: ShownStep[];
}

/** A result as Qase shows it. Empty collections are left out: the official reporters send them, we do not. */
export interface Shown {
  title: string;
  status: string;
  suite?: string[];
  ids?: number[];
  fields?: Record<string, string>;
  params?: Record<string, string>;
  paramGroups?: string[][];
  steps?: ShownStep[];
  /** sha256 of each attached file, sorted. */
  attachments?: (string | undefined)[];
  message?: string;
}

export function show(state: EmulatorState, result: ResultBody): Shown {
  const shown: Shown = { title: result.title, status: result.execution.status };
  const suite = result.relations?.suite.data.map((s) => s.title);
  if (suite?.length) shown.suite = suite;
  if (result.testops_ids?.length) shown.ids = [...result.testops_ids].sort((a, b) => a - b);
  if (result.fields && Object.keys(result.fields).length > 0) shown.fields = result.fields;
  if (result.params && Object.keys(result.params).length > 0) shown.params = result.params;
  if (result.param_groups?.length) shown.paramGroups = result.param_groups;
  if (result.steps?.length) shown.steps = result.steps.map((step) => showStep(state, step));
  if (result.attachments?.length) shown.attachments = result.attachments.map((hash) => attachmentOf(state, hash)).sort();
  if (result.message) shown.message = result.message;
  return shown;
}

function showStep(state: EmulatorState, step: StepBody): ShownStep {
  const shown: ShownStep = { action: step.data.action, status: step.execution.status };
  if (step.data.expected_result) shown.expected = step.data.expected_result;
  if (step.data.input_data) shown.data = step.data.input_data;
  if (step.execution.attachments?.length) shown.attachments = step.execution.attachments.map((hash) => attachmentOf(state, hash)).sort();
  if (step.steps?.length) shown.steps = step.steps.map((child) => showStep(state, child));
  return shown;
}

/**
 * An attachment by the sha256 of its bytes. Playwright's `error-context.md` quotes the test's source, whose import
 * line is the one thing the two runs' suites differ in: it is known by its name.
 */
function attachmentOf(state: EmulatorState, hash: string): string | undefined {
  const attachment = state.attachments.find((a) => a.hash === hash);
  return attachment?.filename === 'error-context.md' ? attachment.filename : contentOf(state, hash);
}

/** Every result stored in `state`, of every run. */
export function storedResults(state: EmulatorState): ResultBody[] {
  return Object.values(state.results).flat().map((stored) => stored.body as unknown as ResultBody);
}

/**
 * The stored results, shown, by title (the fixtures give each test its own title). The official reporters send a
 * test linked to several cases as one result per case: those are one result here, with every case id, as we send it.
 */
export function shownByTitle(state: EmulatorState): Map<string, Shown> {
  const shown = new Map<string, Shown>();
  for (const result of storedResults(state)) {
    const next = show(state, result);
    const earlier = shown.get(result.title);
    if (earlier?.ids && next.ids) next.ids = [...new Set([...earlier.ids, ...next.ids])].sort((a, b) => a - b);
    shown.set(result.title, next);
  }
  return shown;
}

/** Titles stored more than once. */
export function repeatedTitles(state: EmulatorState): string[] {
  const titles = storedResults(state).map((result) => result.title);
  return [...new Set(titles.filter((title, i) => titles.indexOf(title) !== i))];
}

/**
 * The official reporters send `qase.suite('A\tB')` as one suite level titled `A\tB`, which Qase splits at the tab;
 * we send the levels. Shown alike.
 */
export function withSuiteLevels(shown: Shown): Shown {
  return shown.suite ? { ...shown, suite: shown.suite.flatMap((title) => title.split('\t')) } : shown;
}

/**
 * playwright-qase-reporter wraps every failure message in `CompoundError: One or more errors occurred. ---` and
 * `--- End of error message ---`; we send the messages alone. Shown alike.
 */
export function withoutCompoundError(shown: Shown): Shown {
  const match = /^CompoundError: One or more errors occurred\. ---\n([\s\S]*)\n--- End of error message ---\n$/.exec(shown.message ?? '');
  return match ? { ...shown, message: match[1] } : shown;
}

/** A difference from the official reporter that we make on purpose, with what each reporter stores. */
export interface Difference {
  why: string;
  ours: Partial<Shown>;
  official: Partial<Shown>;
}

export type { ResultBody };
