// No package's modules import each other in a circle, type imports included: a cycle means two modules are one
// subject split in two, and at run time one of them sees the other half-loaded.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGES = resolve(__dirname, '../packages');

/** Each module of `src` (by path relative to it) and the modules of `src` it imports. */
function importGraph(src: string): Map<string, string[]> {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.m?ts$/.test(f) && !f.endsWith('.d.ts'));
  const known = new Set(files.map((f) => f.replace(/\.m?ts$/, '')));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(src, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import\(|require\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
    const targets = specifiers
      .map((s) => relative(src, resolve(src, dirname(file), s)).replace(/\.(m?js|m?ts)$/, ''))
      .map((t) => (known.has(t) ? t : `${t}/index`))
      .filter((t) => known.has(t));
    graph.set(file.replace(/\.m?ts$/, ''), [...new Set(targets)]);
  }
  return graph;
}

/** A cycle for each import that closes one (depth-first: an import of a module still being visited), as its modules in order. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): void => {
    const at = path.indexOf(node);
    if (at >= 0) return void found.push(path.slice(at));
    if (done.has(node)) return;
    path.push(node);
    for (const next of graph.get(node) ?? []) visit(next);
    path.pop();
    done.add(node);
  };
  for (const node of graph.keys()) visit(node);
  return found;
}

describe('imports', () => {
  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  it.each(readdirSync(PACKAGES))('%s has no import cycle', (name) => {
    expect(cycles(importGraph(join(PACKAGES, name, 'src')))).toEqual([]);
  });
});
