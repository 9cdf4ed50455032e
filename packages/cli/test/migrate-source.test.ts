// The pure parts of migrate: which strings the scanner sees in JavaScript and TypeScript, what the source rewrite
// changes and notes, package.json dependency swaps and the unified diff's edge cases.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/migrate/diff';
import { OUR_EXPORTS } from '../src/migrate/names';
import { rewritePackageJson } from '../src/migrate/package-json';
import { rewriteSource } from '../src/migrate/source';
import { stringLiterals } from '../src/migrate/strings';

describe('stringLiterals', () => {
  const cases: [name: string, source: string, strings: string[]][] = [
    ['quotes of both kinds, escapes', `a('x', "y\\"z", 'it\\'s')`, ['x', 'y\\"z', "it\\'s"]],
    ['not in line or block comments', `// 'a'\n/* "b" */ c('d') // 'e'`, ['d']],
    ['not in a regular expression', `s.split(/'a'/g); x = y / 2; z = 'b' / 'c'; if (/"d"[/']/.test(s)) e('f')`, ['b', 'c', 'f']],
    ['a regex after return, and division after a call', `return /'a'/.test(s); f() / 'b' / 2`, ['b']],
    ['a template without and with substitutions', 'a(`plain`, `x ${y} z`)', ['plain', 'x ${y} z']],
    ['strings inside a substitution, nested templates and braces', 'a(`${b({ c: \'d\' })}-${`e${\'f\'}`}`)', ['${b({ c: \'d\' })}-${`e${\'f\'}`}', 'd', 'e${\'f\'}', 'f']],
    ['a hashbang line', `#!/usr/bin/env node 'x'\nrequire('y')`, ['y']],
    ['a quote left open ends at its line (JSX text)', `<p>don't</p>\nimport('z')`, ['z']],
  ];
  for (const [name, source, strings] of cases) {
    it(name, () => {
      expect(stringLiterals(source).map((s) => s.raw)).toEqual(strings);
    });
  }

  it('knows which templates are computed and what they hold outside ${…}', () => {
    const [literal] = stringLiterals('import(`${fw}-qase-reporter/${fw}`)');
    expect(literal).toMatchObject({ computed: true, fixed: '${}-qase-reporter/${}' });
  });
});

describe('rewriteSource', () => {
  it('changes exactly the module names, in every form, and nothing else', () => {
    const source = [
      `import { qase } from 'jest-qase-reporter/jest'; // not 'jest-qase-reporter'`,
      `export { qase as q } from "vitest-qase-reporter/vitest";`,
      `const m = require(\`mocha-qase-reporter\`), r = require.resolve('playwright-qase-reporter');`,
      `jest.mock('jest-qase-reporter/jest');`,
      `const title = 'migrated from jest-qase-reporter';`,
      `declare module 'playwright-qase-reporter/fixture' {}`,
    ].join('\n');
    expect(rewriteSource(source)).toEqual({
      text: [
        `import { qase } from '@qase-reporters/jest'; // not 'jest-qase-reporter'`,
        `export { qase as q } from "@qase-reporters/vitest";`,
        `const m = require(\`@qase-reporters/mocha\`), r = require.resolve('@qase-reporters/playwright');`,
        `jest.mock('@qase-reporters/jest');`,
        `const title = 'migrated from jest-qase-reporter';`,
        `declare module '@qase-reporters/playwright/fixture' {}`,
      ].join('\n'),
      notes: [],
      importsCommons: false,
    });
  });

  it('notes computed names and paths without a counterpart, and says when the shared library is imported', () => {
    const result = rewriteSource(`require(\`\${fw}-qase-reporter\`);\nimport('qase-javascript-commons/profilers');\nimport 'mocha-qase-reporter/dist/x.js';`);
    expect(result.notes.map((n) => n.line)).toEqual([1, 2, 3]);
    expect(result.importsCommons).toBe(true);
    expect(result.text).toContain('mocha-qase-reporter/dist/x.js');
  });
});

describe('rewriteSource: names ours does not export', () => {
  it('notes each imported name the official module had and ours has not, with its line', () => {
    const source = [
      `import { test, qase } from 'playwright-qase-reporter';`,
      `import VitestQaseReporter, { addQaseId, withQase as w, type Qase, type VitestQaseOptionsType } from 'vitest-qase-reporter/vitest';`,
      `const { qase: q, JestQaseReporter } = require('jest-qase-reporter/jest');`,
      `export { qase, MochaQaseReporter } from 'mocha-qase-reporter';`,
      `import * as whole from 'jest-qase-reporter';`,
      `const { test: fixture } = require('playwright-qase-reporter/fixture');`,
    ].join('\n');
    expect(rewriteSource(source).notes).toEqual([
      { line: 1, message: '"test" is imported from playwright-qase-reporter, but @qase-reporters/playwright does not export it: change this import by hand' },
      { line: 2, message: '"VitestQaseOptionsType" is imported from vitest-qase-reporter/vitest, but @qase-reporters/vitest does not export it: change this import by hand' },
      { line: 3, message: '"JestQaseReporter" is imported from jest-qase-reporter/jest, but @qase-reporters/jest does not export it: change this import by hand' },
      { line: 4, message: '"MochaQaseReporter" is imported from mocha-qase-reporter, but @qase-reporters/mocha does not export it: change this import by hand' },
    ]);
  });

  it('knows what our packages really export', async () => {
    for (const [module, names] of Object.entries(OUR_EXPORTS)) {
      const values = Object.keys((await import(module)) as object);
      expect(names.filter((name) => /^[a-z]/.test(name) || name === 'default').sort(), module).toEqual(values.sort());
    }
  });
});

describe('rewritePackageJson', () => {
  const rewrite = (text: string, dropCommons = true) => rewritePackageJson(text, { version: '1.2.3', dropCommons });

  it('swaps a dependency in its own section and place, keeping the layout', () => {
    const text = `{\n\t"peerDependencies": { "vitest-qase-reporter": "1.x", "vitest": ">=3" },\n\t"optionalDependencies": {"mocha-qase-reporter":"*"}\n}`;
    expect(rewrite(text).text).toBe(`{\n\t"peerDependencies": { "@qase-reporters/vitest": "^1.2.3", "vitest": ">=3" },\n\t"optionalDependencies": {"@qase-reporters/mocha":"^1.2.3"}\n}`);
  });

  it('removes an official package when ours is already there, and the shared library when nothing imports it', () => {
    const text = `{\n  "dependencies": {\n    "a": "1",\n    "jest-qase-reporter": "2",\n    "qase-javascript-commons": "2",\n    "b": "1"\n  },\n  "devDependencies": {\n    "@qase-reporters/jest": "^1.2.3",\n    "qase-javascript-commons": "2"\n  }\n}\n`;
    expect(rewrite(text)).toEqual({
      text: `{\n  "dependencies": {\n    "a": "1",\n    "b": "1"\n  },\n  "devDependencies": {\n    "@qase-reporters/jest": "^1.2.3"\n  }\n}\n`,
      notes: [],
    });
    expect(rewrite(text, false).notes.map((n) => n.line)).toEqual([5, 10]);
  });

  it('notes the official packages it does not handle: overrides, and words in scripts it cannot swap', () => {
    const text = `{\n  "overrides": { "jest-qase-reporter": "2.0.0" },\n  "scripts": { "t": "mocha -R mocha-qase-reporter/lib/x" },\n  "description": "we used jest-qase-reporter"\n}`;
    expect(rewrite(text).notes.map((n) => n.line)).toEqual([2, 3]);
  });
});

describe('unifiedDiff', () => {
  it('marks a last line without a newline, as git does', () => {
    expect(unifiedDiff('a.js', "x\nrequire('a')", "x\nrequire('b')")).toBe(
      "--- a/a.js\n+++ b/a.js\n@@ -1,2 +1,2 @@\n x\n-require('a')\n\\ No newline at end of file\n+require('b')\n\\ No newline at end of file\n",
    );
  });

  it('keeps far-apart changes in hunks of their own, with three lines of context', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = before.map((l, i) => (i === 1 || i === 17 ? `${l}!` : l));
    const diff = unifiedDiff('f', `${before.join('\n')}\n`, `${after.join('\n')}\n`);
    expect(diff.match(/^@@.*@@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  });

  it('is empty when nothing changed', () => {
    expect(unifiedDiff('f', 'same\n', 'same\n')).toBe('');
  });
});
