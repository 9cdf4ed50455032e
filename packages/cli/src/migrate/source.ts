import { applyEdits, unrewritable, type Edit, type Rewrite } from './edits';
import { isCommons, isModuleLike, ourModule, PARTIAL_MENTION } from './names';
import { lineOf, stringLiterals } from './strings';

/**
 * JavaScript or TypeScript with every string literal that is exactly an official module name (an import, a
 * `require`, an `import()`, `require.resolve`, a reporter named in a config) changed to ours, quotes and all other
 * bytes kept. Other strings that may be a module name of an official package are noted: their value is built at
 * run time, or names a path we have no counterpart for. Prose that mentions a package (a test title) is left alone.
 */
export function rewriteSource(source: string): Rewrite & { importsCommons: boolean } {
  const edits: Edit[] = [];
  const notes: Rewrite['notes'] = [];
  let importsCommons = false;
  for (const literal of stringLiterals(source)) {
    const ours = literal.computed ? undefined : ourModule(literal.raw);
    if (ours) {
      edits.push({ start: literal.start + 1, end: literal.end - 1, text: ours });
    } else if (literal.computed ? isModuleLike(literal.fixed, PARTIAL_MENTION) : isModuleLike(literal.raw)) {
      if (!literal.computed && isCommons(literal.raw)) importsCommons = true;
      notes.push({ line: lineOf(source, literal.start), message: unrewritable(literal.raw, literal.computed) });
    }
  }
  return { text: applyEdits(source, edits), notes, importsCommons };
}
