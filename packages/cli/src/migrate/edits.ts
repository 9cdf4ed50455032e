import { isCommons } from './names';

/** Replace `[start, end)` of a text with `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Something found that a person must change: its line (1-based) and what to do. */
export interface Note {
  line: number;
  message: string;
}

/** A file's new text and what in it was left for a person. */
export interface Rewrite {
  text: string;
  notes: Note[];
}

/** `text` with `edits` (which must not overlap) applied; every byte outside them is kept. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = '';
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** What to say about a mention of an official package that is not a module name this command can rewrite. */
export function unrewritable(mention: string, computed: boolean): string {
  const shown = mention.length > 80 ? `${mention.slice(0, 77)}...` : mention;
  if (!computed && isCommons(mention)) {
    return `"${shown}" is qase-javascript-commons, which has no counterpart here (@qase-reporters/core has a different API): rewrite this code by hand`;
  }
  const framework = /\b(playwright|jest|mocha|vitest)-qase-reporter\b/.exec(mention)?.[1];
  const ours = framework ? `@qase-reporters/${framework}` : 'our package for that framework (@qase-reporters/jest, …)';
  const what = computed ? `a module name built at run time, \`${shown}\`,` : `"${shown}"`;
  return `${what} names an official Qase package in a form this command does not rewrite: change it to ${ours} by hand`;
}
