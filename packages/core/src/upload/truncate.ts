import type { ResultBody, StepBody } from '../api-types';

/** A text field of a result that truncation may shorten, and how to write it back. */
interface TextField {
  readonly text: string;
  write(text: string): void;
}

/**
 * Shortens a result that is too large on its own, so it is sent rather than dropped. The text fields
 * (`execution.error_context`, `execution.stacktrace`, every step's `execution.comment`, `message`) are cut to a
 * common length, the largest first, until the sum of their lengths fits `maxChars`. Each cut field keeps its
 * beginning (where errors put their message) and ends with a marker saying how much was removed. Other fields,
 * `id`, `title` and `execution.status` among them, are untouched. Returns a copy.
 *
 * A field is cut only when that makes it shorter, so when `maxChars` is below what the markers alone take, the
 * result is as small as truncation can make it and still over the budget.
 */
export function truncateResult(result: ResultBody, maxChars: number): ResultBody {
  const copy = structuredClone(result);
  const fields = textFields(copy);
  const cap = largestCap(fields.map((field) => field.text.length), maxChars);
  if (cap === undefined) return copy;
  for (const field of fields) {
    if (cutLength(field.text.length, cap) < field.text.length) field.write(cut(field.text, cap));
  }
  return copy;
}

function textFields(result: ResultBody): TextField[] {
  const { execution } = result;
  const fields: TextField[] = [];
  const add = (text: string | null | undefined, write: (text: string) => void): void => {
    if (text) fields.push({ text, write });
  };
  add(execution.error_context, (text) => (execution.error_context = text));
  add(execution.stacktrace, (text) => (execution.stacktrace = text));
  add(result.message, (text) => (result.message = text));
  const addComments = (steps: StepBody[] | undefined): void => {
    for (const step of steps ?? []) {
      add(step.execution.comment, (text) => (step.execution.comment = text));
      addComments(step.steps);
    }
  };
  addComments(result.steps);
  return fields;
}

/**
 * The largest length every field may keep so that the sum fits `maxChars`; undefined when nothing needs cutting,
 * 0 when even cutting everything cannot fit. The sum only grows with the cap, so a binary search finds it.
 */
function largestCap(lengths: readonly number[], maxChars: number): number | undefined {
  const total = (cap: number): number => lengths.reduce((sum, length) => sum + cutLength(length, cap), 0);
  const longest = lengths.reduce((max, length) => Math.max(max, length), 0);
  if (total(longest) <= maxChars) return undefined;
  let fits = 0;
  let tooLarge = longest;
  while (tooLarge - fits > 1) {
    const middle = Math.floor((fits + tooLarge) / 2);
    if (total(middle) <= maxChars) fits = middle;
    else tooLarge = middle;
  }
  return fits;
}

/** The length of a field of `length` characters once cut to `cap`, the marker included (an upper bound). */
function cutLength(length: number, cap: number): number {
  if (length <= cap) return length;
  return Math.min(length, Math.max(cap, marker(length).length));
}

function cut(text: string, cap: number): string {
  // The marker is sized for the most that can be removed, so the kept part plus the real marker fits `cap`.
  let kept = text.slice(0, Math.max(0, cap - marker(text.length).length));
  // A cut between the halves of a surrogate pair would leave a lone surrogate: not valid UTF-8 on the wire.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return kept + marker(text.length - kept.length);
}

function marker(removedChars: number): string {
  return `\n… [truncated by qase-reporters: ${removedChars.toLocaleString('en-US')} characters removed]`;
}
