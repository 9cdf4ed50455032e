import { applyEdits, unrewritable, type Edit, type Rewrite } from './edits';
import { isCommons, isModuleLike, ourModule, OUR_EXPORTS, PARTIAL_MENTION } from './names';
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
      const missing = importedNames(source, literal.start).filter((name) => OUR_EXPORTS[ours] && !OUR_EXPORTS[ours].includes(name));
      for (const name of missing) {
        notes.push({ line: lineOf(source, literal.start), message: `"${name}" is imported from ${literal.raw}, but ${ours} does not export it: change this import by hand` });
      }
    } else if (literal.computed ? isModuleLike(literal.fixed, PARTIAL_MENTION) : isModuleLike(literal.raw)) {
      if (!literal.computed && isCommons(literal.raw)) importsCommons = true;
      notes.push({ line: lineOf(source, literal.start), message: unrewritable(literal.raw, literal.computed) });
    }
  }
  return { text: applyEdits(source, edits), notes, importsCommons };
}

// The names a statement takes from the module named at `at`: `import { a, b as c } from`, `export { a } from`,
// `const { a, b: c } = require(` or `= await import(`. Other forms (a default or namespace import, a bare require)
// take the module as a whole, which ours is as well.
const NAMED_IMPORT = [
  /\b(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*$/,
  /\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:await\s+)?(?:require|import)\s*\(\s*$/,
];

function importedNames(source: string, at: number): string[] {
  const before = source.slice(Math.max(0, at - 2000), at);
  const list = NAMED_IMPORT.map((pattern) => pattern.exec(before)?.[1]).find((found) => found !== undefined);
  if (list === undefined) return [];
  return list
    .split(',')
    .map((entry) => entry.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0]!.trim())
    .filter((name) => /^[\w$]+$/.test(name));
}
