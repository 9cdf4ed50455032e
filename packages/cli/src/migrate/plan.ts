import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Rewrite } from './edits';
import { findFiles, type FileKind } from './find';
import { JsonSyntaxError } from './json';
import { PARTIAL_MENTION } from './names';
import { rewritePackageJson } from './package-json';
import { rewriteSource } from './source';
import { rewriteYaml } from './words';

/** A file to write: its path relative to the project folder, its text now and after the migration. */
export interface Change {
  path: string;
  before: string;
  after: string;
}

/** Something a person must change, with the file (relative to the project folder) and line. */
export interface Finding {
  path: string;
  line: number;
  message: string;
}

export interface Plan {
  changes: Change[];
  findings: Finding[];
}

/**
 * What migrating the project in `dir` changes, decided without writing anything. `version` is our packages'
 * version, for the dependencies on ours.
 */
export function planMigration(dir: string, version: string): Plan {
  const changes: Change[] = [];
  const findings: Finding[] = [];
  const files = findFiles(dir)
    .map(({ path, kind }) => ({ path, kind, bytes: readFileSync(join(dir, path)) }))
    .map(({ path, kind, bytes }) => ({ path, kind, bytes, text: bytes.toString('utf8') }))
    // Most files of a project never name a reporter; reading them is the whole cost.
    .filter(({ text }) => PARTIAL_MENTION.test(text))
    .filter(({ path, bytes, text }) => {
      // Text that is not UTF-8 would not be written back byte for byte.
      const utf8 = Buffer.from(text, 'utf8').equals(bytes);
      if (!utf8) findings.push({ path, line: 1, message: 'is not UTF-8, so it was left as it is: change the names in it by hand' });
      return utf8;
    });
  const record = (path: string, before: string, rewrite: Rewrite) => {
    if (rewrite.text !== before) changes.push({ path, before, after: rewrite.text });
    findings.push(...rewrite.notes.map((note) => ({ path, ...note })));
  };

  const commonsImporters: string[] = [];
  for (const file of files.filter((f) => f.kind === 'source')) {
    const rewrite = rewriteSource(file.text);
    if (rewrite.importsCommons) commonsImporters.push(file.path);
    record(file.path, file.text, rewrite);
  }
  for (const file of files) {
    if (file.kind === 'source') continue;
    try {
      // A package provides qase-javascript-commons to the code below its folder (a monorepo root: to every
      // workspace package), so it keeps the dependency while any of that code imports it.
      const folder = posix.dirname(file.path);
      const provides = (path: string) => folder === '.' || path.startsWith(`${folder}/`);
      const dropCommons = !commonsImporters.some(provides);
      record(file.path, file.text, rewriteConfig(file.kind, file.text, { version, dropCommons }));
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      findings.push({ path: file.path, line: 1, message: `is not valid JSON (${error.message}), so it was left as it is: fix it and run migrate again` });
    }
  }
  const byPlace = (a: Finding, b: Finding) => a.path.localeCompare(b.path) || a.line - b.line;
  return { changes: changes.sort((a, b) => a.path.localeCompare(b.path)), findings: findings.sort(byPlace) };
}

function rewriteConfig(kind: Exclude<FileKind, 'source'>, text: string, options: { version: string; dropCommons: boolean }): Rewrite {
  // A JSON config (.mocharc.json, jest.config.json) has no dependencies or scripts: only its values change.
  return kind === 'yaml' ? rewriteYaml(text) : rewritePackageJson(text, options);
}
