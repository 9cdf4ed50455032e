import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { EXIT_FAILURE, UsageError, type CliContext, type Command } from '../command';
import { unifiedDiff } from './diff';
import { uncommittedChanges } from './git';
import { installCommand } from './package-manager';
import { planMigration, type Finding } from './plan';

export const migrate: Command = {
  name: 'migrate',
  summary: 'switch a project from the official Qase reporters to these',
  help: `Usage: qase-reporters migrate [dir] [--dry-run] [--force]

Finds where the project in dir (default: the current folder) names the official reporters
(playwright-qase-reporter, jest-qase-reporter, mocha-qase-reporter, vitest-qase-reporter) and changes exactly
those names to ours (@qase-reporters/playwright, /jest, /mocha, /vitest), keeping every other byte:
  - package.json: the dependency, in the same section, as ^<our version>; qase-javascript-commons is dropped
    when no code below the package.json imports it; the reporter in scripts and the "jest" and "mocha" keys;
  - configs: playwright.config.*, jest.config.*, .mocharc.*, vitest.config.*, vite.config.*;
  - every import, require(), import() and export … from of the official modules in JavaScript and TypeScript.
Every workspace package of a monorepo is included; node_modules, build output and vendored folders are not.
The configuration stays as it is (qase.config.json, reporter options, QASE_* variables): ours reads it.

Lists, with file and line, what it could not rewrite safely (a module name built at run time, a path that has
no counterpart here), and exits 1 when there is any. Running it again changes nothing. It ends with the install
command to run, for the package manager the lock file names.

Options:
  --dry-run    print the unified diff it would apply, and write nothing
  --force      write even when git shows uncommitted changes in dir (by default it refuses, so the migration
               can be reviewed and reverted with git)
  -h, --help   this help

Example:
  npx @qase-reporters/cli migrate --dry-run
`,
  options: { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
  positionals: [],
  optionalPositional: 'dir',
  async run({ values, positionals }, context) {
    const given = positionals[0] ?? '.';
    const dir = resolve(context.cwd, given);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`${given} is not a folder. Pass the folder of the project to migrate. See: qase-reporters migrate --help`);
    }
    const plan = planMigration(dir, ourVersion());
    // Listed as the user would type them from where they ran the command; the diff stays relative to dir.
    const shown = (path: string) => (given === '.' ? path : posix.join(given, path));
    const { changes } = plan;
    const findings = plan.findings.map((f) => ({ ...f, path: shown(f.path) }));
    if (changes.length === 0 && findings.length === 0) {
      context.stdout(`Nothing to migrate: nothing in ${given} names an official Qase reporter.\n`);
      return 0;
    }
    if (values['dry-run']) {
      context.stdout(changes.map((c) => unifiedDiff(c.path, c.before, c.after)).join(''));
      context.stderr(`--dry-run: ${count(changes.length, 'file')} would change; nothing was written.\n`);
      printFindings(findings, context.stderr);
      if (changes.length > 0) context.stderr(`After migrating, run: ${installCommand(dir)}\n`);
      return findings.length > 0 ? EXIT_FAILURE : 0;
    }
    if (changes.length > 0 && !values.force) {
      const dirty = uncommittedChanges(dir);
      if (dirty && dirty.length > 0) {
        context.stderr(`qase: ${given} has uncommitted changes (${count(dirty.length, 'path')} in git status). Commit or stash them first, ` +
          'so the migration can be reviewed and reverted with git, or pass --force.\n');
        return EXIT_FAILURE;
      }
    }
    for (const change of changes) writeFileSync(join(dir, change.path), change.after);
    if (changes.length > 0) context.stdout(`Rewrote ${count(changes.length, 'file')}:\n${changes.map((c) => `  ${shown(c.path)}\n`).join('')}`);
    printFindings(findings, context.stderr);
    if (changes.length > 0) context.stdout(`Now run: ${installCommand(dir)}\n`);
    return findings.length > 0 ? EXIT_FAILURE : 0;
  },
};

function printFindings(findings: readonly Finding[], print: CliContext['stderr']): void {
  if (findings.length === 0) return;
  const places = findings.length === 1 ? '1 place needs' : `${findings.length} places need`;
  print(`${places} a person:\n${findings.map((f) => `  ${f.path}:${f.line}  ${f.message}\n`).join('')}`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

// Our packages share one version (lerna's fixed mode), so this package's version is the one to depend on.
function ourVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
}
