// Finds the string literals of JavaScript or TypeScript source without parsing it: comments, regular expressions and
// template literals (with their `${…}` code, which may hold strings of its own) are stepped over, so a module name
// in a comment or inside a regex is never taken for one in code.

/** A string literal: `'…'`, `"…"`, or a template literal. */
export interface StringLiteral {
  /** Offset of the opening quote; `end` is just past the closing one. */
  start: number;
  end: number;
  /** The text between the quotes, as written (escapes are not decoded: module names have none). */
  raw: string;
  /** A template literal with `${…}`: its value is only known at run time. `raw` is then the whole template. */
  computed: boolean;
  /** The text outside `${…}`, with each substitution as `${}`: what the template contributes to the value. */
  fixed: string;
}

// After these words an expression starts, so `/` opens a regular expression; after other words it divides.
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

interface OpenTemplate {
  start: number;
  fixed: string;
  /** `{` opened inside the current `${…}` and not yet closed: its `}` does not resume the template. */
  braces: number;
}

/** The string literals of `source`, in order. */
export function stringLiterals(source: string): StringLiteral[] {
  const found: StringLiteral[] = [];
  const templates: OpenTemplate[] = [];
  // Whether the last token ends an expression (a name, a number, `)`, `]`, a string): then `/` divides.
  let afterValue = false;
  let i = source.startsWith('#!') ? lineEnd(source, 0) : 0;

  // Reads template text from `from` (just past the backtick or the `}` of a `${…}`) to its end or next `${`.
  const readTemplate = (from: number, template: OpenTemplate): number => {
    let j = from;
    while (j < source.length) {
      const c = source[j];
      if (c === '\\') j += 2;
      else if (c === '`') {
        templates.pop();
        const fixed = template.fixed + source.slice(from, j);
        found.push({ start: template.start, end: j + 1, raw: source.slice(template.start + 1, j), computed: fixed !== source.slice(template.start + 1, j), fixed });
        return j + 1;
      } else if (c === '$' && source[j + 1] === '{') {
        template.fixed += `${source.slice(from, j)}\${}`;
        template.braces = 0;
        return j + 2;
      } else j += 1;
    }
    templates.pop();
    return j;
  };

  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '/' && next === '/') {
      i = lineEnd(source, i);
    } else if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      i = close < 0 ? source.length : close + 2;
    } else if (c === '"' || c === "'") {
      const end = quotedEnd(source, i, c);
      if (source[end - 1] === c && end - 1 > i) {
        const raw = source.slice(i + 1, end - 1);
        found.push({ start: i, end, raw, computed: false, fixed: raw });
      }
      i = end;
      afterValue = true;
    } else if (c === '`') {
      const template = { start: i, fixed: '', braces: 0 };
      templates.push(template);
      // The literal is recorded when its closing backtick is read, after any `${…}` inside it.
      i = readTemplate(i + 1, template);
      afterValue = true;
    } else if (c === '}' && templates.length > 0 && templates.at(-1)!.braces === 0) {
      i = readTemplate(i + 1, templates.at(-1)!);
      afterValue = true;
    } else if (c === '/' && !afterValue) {
      i = regexEnd(source, i);
      afterValue = true;
    } else if (/[\p{L}_$]/u.test(c)) {
      const word = /^[\p{L}\p{N}_$]+/u.exec(source.slice(i, i + 64))?.[0] ?? c;
      i += word.length;
      afterValue = !BEFORE_EXPRESSION.has(word);
    } else if (/\d/.test(c)) {
      i += /^[\w.]+/.exec(source.slice(i, i + 64))?.[0].length ?? 1;
      afterValue = true;
    } else {
      if (c === '{' && templates.length > 0) templates.at(-1)!.braces += 1;
      if (c === '}' && templates.length > 0) templates.at(-1)!.braces -= 1;
      afterValue = c === ')' || c === ']';
      i += 1;
    }
  }
  // Strings inside a template's `${…}` are found before the template itself: put them back in source order.
  return found.sort((a, b) => a.start - b.start);
}

/** The 1-based line of `offset`. */
export function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) line += 1;
  return line;
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf('\n', from);
  return end < 0 ? source.length : end;
}

// A quote left open at the end of a line ends there and is no string: JSX text (`<p>don't</p>`) has such quotes,
// and stopping at the line keeps one stray apostrophe from swallowing the rest of the file.
function quotedEnd(source: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < source.length) {
    const c = source[j];
    if (c === '\\') j += 2;
    else if (c === quote) return j + 1;
    else if (c === '\n') return j;
    else j += 1;
  }
  return j;
}

function regexEnd(source: string, start: number): number {
  let j = start + 1;
  let inClass = false;
  while (j < source.length) {
    const c = source[j];
    if (c === '\\') j += 2;
    else if (c === '\n') return j;
    else {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        j += 1;
        while (j < source.length && /\w/.test(source[j]!)) j += 1;
        return j;
      }
      j += 1;
    }
  }
  return j;
}
