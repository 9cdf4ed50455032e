import { describe, fail, isObject } from './values';

/** The known keys as a tree: `true` marks an option (its value is not looked into), an object a section. */
type Keys = { [key: string]: true | Keys };

export function keyTree(paths: readonly string[]): Keys {
  const root: Keys = {};
  for (const path of paths) {
    const parts = path.split('.');
    let section = root;
    for (const part of parts.slice(0, -1)) {
      const next = (section[part] ??= {});
      if (next === true) throw new Error(`option ${path} is inside option ${part}`);
      section = next;
    }
    section[parts.at(-1)!] = true;
  }
  return root;
}

/**
 * Warns of each key no option has: a misspelt option would otherwise be ignored silently, and a key the official
 * reporters add later must not stop the run. A known section that is not an object cannot be read at all: an error.
 */
export function checkKeys(value: Record<string, unknown>, known: Keys, label: string, warn: (line: string) => void): void {
  const all = leaves(known, '');
  const walk = (object: Record<string, unknown>, section: Keys, prefix: string): void => {
    for (const [key, child] of Object.entries(object)) {
      const path = prefix + key;
      if (!Object.hasOwn(section, key)) {
        warn(`Unknown option ${path} ${label} is ignored; the nearest known option is ${nearest(path, all)}.`);
        continue;
      }
      const inner = section[key]!;
      if (inner === true || child === undefined || child === null) continue;
      if (!isObject(child)) fail(`${path} ${label} must be an object ({ … }), got ${describe(child)}.`);
      walk(child, inner, `${path}.`);
    }
  };
  walk(value, known, '');
}

function leaves(keys: Keys, prefix: string): string[] {
  return Object.entries(keys).flatMap(([key, inner]) => (inner === true ? [prefix + key] : leaves(inner, `${prefix + key}.`)));
}

/** The known option whose last key is closest in spelling, one in the same section first: `tocken` → `token`. */
function nearest(path: string, known: readonly string[]): string {
  const parent = path.slice(0, path.lastIndexOf('.') + 1);
  const last = (p: string) => p.slice(p.lastIndexOf('.') + 1).toLowerCase();
  const score = (candidate: string) =>
    spelling(last(path), last(candidate)) * 2 + (candidate.startsWith(parent) && parent !== '' ? 0 : 3);
  return known.reduce((best, candidate) => (score(candidate) < score(best) ? candidate : best));
}

/** Edits from one key to the other; a key inside the other (`projectCode`, `project`) counts as one. */
function spelling(a: string, b: string): number {
  return a.includes(b) || b.includes(a) ? Math.min(1, distance(a, b)) : distance(a, b);
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
