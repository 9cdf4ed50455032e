import { applyEdits, unrewritable, type Edit, type Rewrite } from './edits';
import { OFFICIAL_MENTION, ourModule } from './names';

// A name as a word of a command line or a YAML scalar: `mocha --reporter mocha-qase-reporter`, `reporter: "x"`.
const NAME_WORD = /(?<![\w@/.-])(?:(?:playwright|jest|mocha|vitest)-qase-reporter|qase-javascript-commons)(?:\/[\w.-]+)*(?![\w@/.-])/g;

/**
 * `text` with each official module name that stands as a word changed to ours, and the words left unchanged.
 * In YAML an unquoted value cannot start with `@`, so there ours is quoted unless the value already is.
 */
export function rewriteWords(text: string, yaml = false): { text: string; unknown: string[] } {
  const edits: Edit[] = [];
  const unknown: string[] = [];
  for (const match of text.matchAll(NAME_WORD)) {
    const ours = ourModule(match[0]);
    const bare = yaml && !/['"]/.test(text[match.index - 1] ?? '');
    if (ours) edits.push({ start: match.index, end: match.index + match[0].length, text: bare ? `'${ours}'` : ours });
    else unknown.push(match[0]);
  }
  // A mention glued to other characters (`my-jest-qase-reporter-fork`) is not a word we can swap, but is one to look at.
  const rest = applyEdits(text, edits);
  if (unknown.length === 0 && OFFICIAL_MENTION.test(rest)) unknown.push(text);
  return { text: rest, unknown };
}

/** A YAML file (.mocharc.yml) with the names in its values changed; comments are left as written. */
export function rewriteYaml(yaml: string): Rewrite {
  const notes: Rewrite['notes'] = [];
  const lines = yaml.split('\n').map((line, index) => {
    const comment = commentStart(line);
    const { text, unknown } = rewriteWords(line.slice(0, comment), true);
    for (const word of unknown) notes.push({ line: index + 1, message: unrewritable(word, false) });
    return text + line.slice(comment);
  });
  return { text: lines.join('\n'), notes };
}

// A `#` at the start or after a space, outside quotes, starts a YAML comment.
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return i;
  }
  return line.length;
}
