import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** How a file is read: JavaScript/TypeScript, a package.json, another JSON config, or YAML (.mocharc.yml). */
export type FileKind = 'source' | 'package' | 'json' | 'yaml';

// Installed packages, build output, caches, reports and vendored code: not the project's to rewrite.
const SKIPPED_FOLDERS = new Set([
  'node_modules', 'bower_components', 'jspm_packages', 'vendor', 'third_party',
  'dist', 'build', 'out', 'coverage', '.next', '.nuxt', '.output', '.svelte-kit', 'storybook-static',
  '.git', '.hg', '.svn', '.yarn', '.pnpm-store', '.cache', '.turbo', '.vercel',
  'playwright-report', 'test-results', 'blob-report', '.qase', 'qase-dry-run',
]);

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const JSON_CONFIGS = new Set(['.mocharc.json', '.mocharc.jsonc', 'jest.config.json']);
const YAML_CONFIGS = new Set(['.mocharc.yml', '.mocharc.yaml']);

/** The kind of a file by its name, if it is one a project names a reporter in. */
function kindOf(name: string): FileKind | undefined {
  if (name === 'package.json') return 'package';
  if (JSON_CONFIGS.has(name)) return 'json';
  if (YAML_CONFIGS.has(name)) return 'yaml';
  return SOURCE.test(name) ? 'source' : undefined;
}

/**
 * The files under `dir` that may name a reporter, as paths relative to it (with `/`), sorted. Every workspace
 * package of a monorepo is a folder below its root, so walking the tree reaches them all. Symbolic links are not
 * followed, so a linked package is not rewritten through its link.
 */
export function findFiles(dir: string): { path: string; kind: FileKind }[] {
  const found: { path: string; kind: FileKind }[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (entry.isFile()) {
        const kind = kindOf(entry.name);
        if (kind) found.push({ path: relative(dir, path).split('\\').join('/'), kind });
      }
    }
  };
  walk(dir);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}
