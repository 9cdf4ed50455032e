// `qase-reporters migrate` on projects set up as the official reporters' docs show, one per framework and config
// format, a workspace monorepo and a file that builds its module name at run time. What the command prints with
// --dry-run is asserted byte for byte; then it writes exactly that, and a second run finds nothing to do.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { main } from '../src/main';
import { unifiedDiff } from '../src/migrate/diff';

const VERSION = (JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string }).version;
const ROOT = mkdtempSync(join(tmpdir(), 'qase-migrate-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

type Files = Record<string, string>;

let projects = 0;
function project(files: Files): string {
  const dir = join(ROOT, `p${(projects += 1)}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Every file under `dir` (but .git) and its content. */
function contents(dir: string): Files {
  const files: Files = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '.git') walk(path);
      } else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

async function migrate(dir: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['migrate', ...args], { env: {}, cwd: dir, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

interface Case {
  name: string;
  files: Files;
  /** What --dry-run prints on stdout. */
  diff: string;
  /** The install command it ends with. */
  install: string;
}

const JEST_CONFIG_BODY = `  reporters: [
    'default',
    [
      'jest-qase-reporter',
      {
        mode: 'testops',
        testops: {
          api: {
            token: process.env.QASE_API_TOKEN,
          },
          project: 'YOUR_PROJECT_CODE',
          run: {
            complete: true,
          },
        },
      },
    ],
  ],
`;

const CASES: Case[] = [
  {
    name: 'Jest, CommonJS config, CommonJS and ESM tests',
    files: {
      'package.json': `{
  "name": "shop",
  "private": true,
  "scripts": {
    "test": "jest --runInBand"
  },
  "devDependencies": {
    "jest": "^29.7.0",
    "jest-qase-reporter": "^2.1.3"
  }
}
`,
      'jest.config.js': `module.exports = {\n  testTimeout: 10000,\n${JEST_CONFIG_BODY}};\n`,
      'qase.config.json': '{ "mode": "testops", "testops": { "project": "DEMO" } }\n',
      'test/cart.test.js': `const { qase } = require('jest-qase-reporter/jest');

describe('Cart', () => {
  // Reported with jest-qase-reporter since 2024.
  test(qase(1, 'adds an item'), () => {
    qase.comment("see 'jest-qase-reporter'");
    expect([1].length).toBe(1);
  });
});
`,
      'test/pay.test.mjs': `import { qase } from "jest-qase-reporter/jest";
import { expect, test } from '@jest/globals';

test(qase([2, 3], 'pays'), async () => {
  const { qase: again } = await import('jest-qase-reporter/jest');
  expect(again).toBe(qase);
  expect('a/b'.split(/'jest-qase-reporter'/)).toHaveLength(1);
});
`,
    },
    diff: `--- a/jest.config.js
+++ b/jest.config.js
@@ -3,7 +3,7 @@
   reporters: [
     'default',
     [
-      'jest-qase-reporter',
+      '@qase-reporters/jest',
       {
         mode: 'testops',
         testops: {
--- a/package.json
+++ b/package.json
@@ -6,6 +6,6 @@
   },
   "devDependencies": {
     "jest": "^29.7.0",
-    "jest-qase-reporter": "^2.1.3"
+    "@qase-reporters/jest": "^${VERSION}"
   }
 }
--- a/test/cart.test.js
+++ b/test/cart.test.js
@@ -1,4 +1,4 @@
-const { qase } = require('jest-qase-reporter/jest');
+const { qase } = require('@qase-reporters/jest');
 
 describe('Cart', () => {
   // Reported with jest-qase-reporter since 2024.
--- a/test/pay.test.mjs
+++ b/test/pay.test.mjs
@@ -1,8 +1,8 @@
-import { qase } from "jest-qase-reporter/jest";
+import { qase } from "@qase-reporters/jest";
 import { expect, test } from '@jest/globals';
 
 test(qase([2, 3], 'pays'), async () => {
-  const { qase: again } = await import('jest-qase-reporter/jest');
+  const { qase: again } = await import('@qase-reporters/jest');
   expect(again).toBe(qase);
   expect('a/b'.split(/'jest-qase-reporter'/)).toHaveLength(1);
 });
`,
    install: 'npm install',
  },
  {
    name: 'Playwright, TypeScript config, the fixture and the per-test API',
    files: {
      'package.json': `{
  "name": "e2e",
  "devDependencies": {
    "@playwright/test": "^1.49.0",
    "playwright-qase-reporter": "^2.1.4"
  }
}
`,
      'playwright.config.ts': `import { defineConfig, devices } from '@playwright/test';

export default defineConfig({
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  reporter: [
    ['list'],
    [
      'playwright-qase-reporter',
      {
        testops: {
          api: {
            token: process.env.QASE_API_TOKEN,
          },
          project: 'DEMO',
        },
        framework: {
          browser: {
            addAsParameter: true,
            parameterName: 'Browser',
          },
        },
      },
    ],
  ],
});
`,
      'tests/login.spec.ts': `import { test } from 'playwright-qase-reporter/fixture';
import { expect } from '@playwright/test';
import { qase } from 'playwright-qase-reporter';
import type { Page } from '@playwright/test';

test(qase(7, 'logs in'), async ({ page }: { page: Page }) => {
  qase.fields({ severity: 'critical' });
  await expect(page).toHaveTitle(\`Shop\`);
});
`,
      'tests/legacy.spec.js': `const { test } = require('@playwright/test');
const { qase } = require('playwright-qase-reporter/dist/playwright');

test('old', () => qase.id(1));
`,
      'yarn.lock': '# yarn lockfile v1\n',
    },
    diff: `--- a/package.json
+++ b/package.json
@@ -2,6 +2,6 @@
   "name": "e2e",
   "devDependencies": {
     "@playwright/test": "^1.49.0",
-    "playwright-qase-reporter": "^2.1.4"
+    "@qase-reporters/playwright": "^${VERSION}"
   }
 }
--- a/playwright.config.ts
+++ b/playwright.config.ts
@@ -5,7 +5,7 @@
   reporter: [
     ['list'],
     [
-      'playwright-qase-reporter',
+      '@qase-reporters/playwright',
       {
         testops: {
           api: {
--- a/tests/legacy.spec.js
+++ b/tests/legacy.spec.js
@@ -1,4 +1,4 @@
 const { test } = require('@playwright/test');
-const { qase } = require('playwright-qase-reporter/dist/playwright');
+const { qase } = require('@qase-reporters/playwright');
 
 test('old', () => qase.id(1));
--- a/tests/login.spec.ts
+++ b/tests/login.spec.ts
@@ -1,6 +1,6 @@
-import { test } from 'playwright-qase-reporter/fixture';
+import { test } from '@qase-reporters/playwright/fixture';
 import { expect } from '@playwright/test';
-import { qase } from 'playwright-qase-reporter';
+import { qase } from '@qase-reporters/playwright';
 import type { Page } from '@playwright/test';
 
 test(qase(7, 'logs in'), async ({ page }: { page: Page }) => {
`,
    install: 'yarn install',
  },
  {
    name: 'Mocha, .mocharc.js, .mocharc.yml, the mocha key and scripts',
    files: {
      'package.json': `{
  "name": "api-tests",
  "scripts": {
    "test": "QASE_MODE=\${QASE_MODE:-off} mocha",
    "test:extra": "mocha --reporter mocha-qase-reporter --reporter-options extraReporters=spec --parallel"
  },
  "mocha": {
    "reporter": "mocha-qase-reporter",
    "reporterOptions": ["extraReporters=spec"]
  },
  "devDependencies": {
    "mocha": "^11.7.5",
    "mocha-qase-reporter": "^1.1.6"
  }
}
`,
      '.mocharc.js': `module.exports = {\n  spec: ["test/**/*.spec.js"],\n  reporter: "mocha-qase-reporter",\n  timeout: 10000\n};\n`,
      'ci/.mocharc.yml': `spec: test/**/*.spec.js\nreporter: mocha-qase-reporter # to Qase\nreporter-option:\n  - 'extraReporters=spec'\n`,
      'ci/.mocharc.json': `{\n  // JSON with comments, as Mocha reads it\n  "reporter": "mocha-qase-reporter"\n}\n`,
      'test/users.spec.js': `const { qase } = require('mocha-qase-reporter/mocha');
const assert = require('node:assert');

describe('Users', function () {
  it(qase(4, 'lists users'), function () {
    assert.ok(true);
  });
});
`,
      'package-lock.json': '{}\n',
    },
    diff: `--- a/.mocharc.js
+++ b/.mocharc.js
@@ -1,5 +1,5 @@
 module.exports = {
   spec: ["test/**/*.spec.js"],
-  reporter: "mocha-qase-reporter",
+  reporter: "@qase-reporters/mocha",
   timeout: 10000
 };
--- a/ci/.mocharc.json
+++ b/ci/.mocharc.json
@@ -1,4 +1,4 @@
 {
   // JSON with comments, as Mocha reads it
-  "reporter": "mocha-qase-reporter"
+  "reporter": "@qase-reporters/mocha"
 }
--- a/ci/.mocharc.yml
+++ b/ci/.mocharc.yml
@@ -1,4 +1,4 @@
 spec: test/**/*.spec.js
-reporter: mocha-qase-reporter # to Qase
+reporter: '@qase-reporters/mocha' # to Qase
 reporter-option:
   - 'extraReporters=spec'
--- a/package.json
+++ b/package.json
@@ -2,14 +2,14 @@
   "name": "api-tests",
   "scripts": {
     "test": "QASE_MODE=\${QASE_MODE:-off} mocha",
-    "test:extra": "mocha --reporter mocha-qase-reporter --reporter-options extraReporters=spec --parallel"
+    "test:extra": "mocha --reporter @qase-reporters/mocha --reporter-options extraReporters=spec --parallel"
   },
   "mocha": {
-    "reporter": "mocha-qase-reporter",
+    "reporter": "@qase-reporters/mocha",
     "reporterOptions": ["extraReporters=spec"]
   },
   "devDependencies": {
     "mocha": "^11.7.5",
-    "mocha-qase-reporter": "^1.1.6"
+    "@qase-reporters/mocha": "^${VERSION}"
   }
 }
--- a/test/users.spec.js
+++ b/test/users.spec.js
@@ -1,4 +1,4 @@
-const { qase } = require('mocha-qase-reporter/mocha');
+const { qase } = require('@qase-reporters/mocha');
 const assert = require('node:assert');
 
 describe('Users', function () {
`,
    install: 'npm install',
  },
  {
    name: 'Vitest, ESM config and vite.config, withQase',
    files: {
      'package.json': `{
  "name": "vitest-example",
  "type": "module",
  "devDependencies": {
    "vitest": "^3.2.4",
    "vitest-qase-reporter": "^1.1.0"
  }
}
`,
      'vitest.config.mts': `import { defineConfig } from 'vitest/config';
// import { VitestQaseReporter } from 'vitest-qase-reporter';

export default defineConfig({
  test: {
    reporters: [
      'default',
      ['vitest-qase-reporter',
        {
          mode: 'testops',
          testops: { project: "<project_code>" },
        }
      ],
    ],
  },
});
`,
      'vite.config.js': `export default {\n  test: { reporters: ['default', 'vitest-qase-reporter'] },\n};\n`,
      'src/sum.test.ts': `import { describe, expect, it } from 'vitest';
import { withQase } from 'vitest-qase-reporter/vitest';

describe('sum', () => {
  it('adds', withQase(async ({ qase }) => {
    await qase.step('add', () => expect(1 + 1).toBe(2));
  }));
});
`,
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
    },
    diff: `--- a/package.json
+++ b/package.json
@@ -3,6 +3,6 @@
   "type": "module",
   "devDependencies": {
     "vitest": "^3.2.4",
-    "vitest-qase-reporter": "^1.1.0"
+    "@qase-reporters/vitest": "^${VERSION}"
   }
 }
--- a/src/sum.test.ts
+++ b/src/sum.test.ts
@@ -1,5 +1,5 @@
 import { describe, expect, it } from 'vitest';
-import { withQase } from 'vitest-qase-reporter/vitest';
+import { withQase } from '@qase-reporters/vitest';
 
 describe('sum', () => {
   it('adds', withQase(async ({ qase }) => {
--- a/vite.config.js
+++ b/vite.config.js
@@ -1,3 +1,3 @@
 export default {
-  test: { reporters: ['default', 'vitest-qase-reporter'] },
+  test: { reporters: ['default', '@qase-reporters/vitest'] },
 };
--- a/vitest.config.mts
+++ b/vitest.config.mts
@@ -5,7 +5,7 @@
   test: {
     reporters: [
       'default',
-      ['vitest-qase-reporter',
+      ['@qase-reporters/vitest',
         {
           mode: 'testops',
           testops: { project: "<project_code>" },
`,
    install: 'pnpm install',
  },
  {
    name: 'a workspace monorepo, with installed packages and build output left alone',
    files: {
      'package.json': `{
  "name": "monorepo",
  "private": true,
  "workspaces": ["packages/*"],
  "devDependencies": {
    "qase-javascript-commons": "~2.7.4"
  }
}
`,
      'packages/web/package.json': `{
  "name": "web",
  "devDependencies": {
    "@playwright/test": "^1.49.0",
    "playwright-qase-reporter": "^2.1.4",
    "qase-javascript-commons": "~2.7.4",
    "typescript": "^5.9.0"
  }
}
`,
      'packages/web/playwright.config.cjs': `module.exports = { reporter: [['playwright-qase-reporter', { testops: { project: 'WEB' } }]] };\n`,
      'packages/api/package.json': `{
  "name": "api",
  "jest": {
    "reporters": ["default", ["jest-qase-reporter", { "testops": { "project": "API" } }]]
  },
  "dependencies": {
    "express": "^5.0.0"
  },
  "devDependencies": {
    "@qase-reporters/jest": "^${VERSION}",
    "jest-qase-reporter": "^2.1.3"
  }
}
`,
      'packages/api/src/app.test.ts': `import { qase } from 'jest-qase-reporter/jest';\n\ntest(qase(1, 'serves'), () => {});\n`,
      'node_modules/jest-qase-reporter/package.json': '{ "name": "jest-qase-reporter", "main": "dist/index.js" }\n',
      'node_modules/jest-qase-reporter/dist/index.js': `module.exports = require('jest-qase-reporter/jest');\n`,
      'packages/api/dist/app.test.js': `require('jest-qase-reporter/jest');\n`,
      'vendor/old/report.js': `require('mocha-qase-reporter');\n`,
      'package-lock.json': '{}\n',
    },
    diff: `--- a/package.json
+++ b/package.json
@@ -2,7 +2,5 @@
   "name": "monorepo",
   "private": true,
   "workspaces": ["packages/*"],
-  "devDependencies": {
-    "qase-javascript-commons": "~2.7.4"
-  }
+  "devDependencies": {}
 }
--- a/packages/api/package.json
+++ b/packages/api/package.json
@@ -1,13 +1,12 @@
 {
   "name": "api",
   "jest": {
-    "reporters": ["default", ["jest-qase-reporter", { "testops": { "project": "API" } }]]
+    "reporters": ["default", ["@qase-reporters/jest", { "testops": { "project": "API" } }]]
   },
   "dependencies": {
     "express": "^5.0.0"
   },
   "devDependencies": {
-    "@qase-reporters/jest": "^${VERSION}",
-    "jest-qase-reporter": "^2.1.3"
+    "@qase-reporters/jest": "^${VERSION}"
   }
 }
--- a/packages/api/src/app.test.ts
+++ b/packages/api/src/app.test.ts
@@ -1,3 +1,3 @@
-import { qase } from 'jest-qase-reporter/jest';
+import { qase } from '@qase-reporters/jest';
 
 test(qase(1, 'serves'), () => {});
--- a/packages/web/package.json
+++ b/packages/web/package.json
@@ -2,8 +2,7 @@
   "name": "web",
   "devDependencies": {
     "@playwright/test": "^1.49.0",
-    "playwright-qase-reporter": "^2.1.4",
-    "qase-javascript-commons": "~2.7.4",
+    "@qase-reporters/playwright": "^${VERSION}",
     "typescript": "^5.9.0"
   }
 }
--- a/packages/web/playwright.config.cjs
+++ b/packages/web/playwright.config.cjs
@@ -1 +1 @@
-module.exports = { reporter: [['playwright-qase-reporter', { testops: { project: 'WEB' } }]] };
+module.exports = { reporter: [['@qase-reporters/playwright', { testops: { project: 'WEB' } }]] };
`,
    install: 'npm install',
  },
];

describe('migrate', () => {
  for (const c of CASES) {
    it(`${c.name}: prints the diff, writes nothing with --dry-run, then writes exactly it, once`, async () => {
      const dir = project(c.files);
      const dry = await migrate(dir, '--dry-run');
      expect(dry.stdout).toBe(c.diff);
      expect(dry.stderr).toContain(`After migrating, run: ${c.install}\n`);
      expect(dry.code, dry.stderr).toBe(0);
      expect(contents(dir)).toEqual(c.files);

      const done = await migrate(dir);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toMatch(new RegExp(`Now run: ${c.install}\\n$`));
      const after = contents(dir);
      expect(Object.keys(after).sort()).toEqual(Object.keys(c.files).sort());
      const written = Object.keys(c.files).sort().map((path) => unifiedDiff(path, c.files[path]!, after[path]!)).join('');
      expect(written).toBe(c.diff);
      // Still valid where the syntax has rules of its own: an unquoted YAML value cannot start with `@`.
      for (const [path, text] of Object.entries(after)) {
        if (path.endsWith('package.json')) expect(() => JSON.parse(text), path).not.toThrow();
        if (/\.ya?ml$/.test(path)) expect(parseYaml(text), path).toBeTypeOf('object');
      }
      if (after['ci/.mocharc.yml']) expect(parseYaml(after['ci/.mocharc.yml'])).toMatchObject({ reporter: '@qase-reporters/mocha' });

      const again = await migrate(dir);
      expect(again).toEqual({ code: 0, stdout: `Nothing to migrate: nothing in . names an official Qase reporter.\n`, stderr: '' });
      expect(contents(dir)).toEqual(after);
    });
  }
});

describe('migrate: what needs a person', () => {
  const files: Files = {
    'package.json': `{\n  "devDependencies": {\n    "jest-qase-reporter": "^2.1.3",\n    "qase-javascript-commons": "~2.7.4"\n  }\n}\n`,
    'jest.config.js': `module.exports = { reporters: ['default', 'jest-qase-reporter'] };\n`,
    'test/load.test.js': [
      `const framework = 'jest';`,
      `const { qase } = require(\`\${framework}-qase-reporter/\${framework}\`);`,
      `const { QaseReporter } = require('qase-javascript-commons');`,
      `const internal = require('jest-qase-reporter/dist/models');`,
      `test('works like jest-qase-reporter did', () => expect(qase).toBeDefined());`,
      '',
    ].join('\n'),
  };

  it('rewrites what it can, lists the rest with file and line, keeps the shared library, and exits 1 each time', async () => {
    const dir = project(files);
    const done = await migrate(dir);
    expect(done.code).toBe(1);
    const findings = `4 places need a person:
  package.json:4  qase-javascript-commons stays: code here imports it (see the notes on those lines); remove it when nothing does
  test/load.test.js:2  a module name built at run time, \`\${framework}-qase-reporter/\${framework}\`, names an official Qase package in a form this command does not rewrite: change it to our package for that framework (@qase-reporters/jest, …) by hand
  test/load.test.js:3  "qase-javascript-commons" is qase-javascript-commons, which has no counterpart here (@qase-reporters/core has a different API): rewrite this code by hand
  test/load.test.js:4  "jest-qase-reporter/dist/models" names an official Qase package in a form this command does not rewrite: change it to @qase-reporters/jest by hand
`;
    expect(done.stderr).toBe(findings);
    expect(done.stdout).toBe('Rewrote 2 files:\n  jest.config.js\n  package.json\nNow run: npm install\n');
    expect(contents(dir)).toEqual({
      ...files,
      'package.json': `{\n  "devDependencies": {\n    "@qase-reporters/jest": "^${VERSION}",\n    "qase-javascript-commons": "~2.7.4"\n  }\n}\n`,
      'jest.config.js': `module.exports = { reporters: ['default', '@qase-reporters/jest'] };\n`,
    });

    const again = await migrate(dir);
    expect(again).toEqual({ code: 1, stdout: '', stderr: findings });
  });
});

describe('migrate: qase-javascript-commons in a monorepo', () => {
  it('is kept by the packages whose code imports it, and the root above them, and dropped elsewhere', async () => {
    const dependsOnCommons = `{\n  "devDependencies": {\n    "qase-javascript-commons": "~2.7.4"\n  }\n}\n`;
    const dir = project({
      'package.json': dependsOnCommons,
      'packages/a/package.json': dependsOnCommons,
      'packages/a/setup.ts': `import { ConfigLoader } from 'qase-javascript-commons';\n`,
      'packages/b/package.json': dependsOnCommons,
    });
    const dry = await migrate(dir, '--dry-run');
    expect(dry.stdout).toBe(`--- a/packages/b/package.json
+++ b/packages/b/package.json
@@ -1,5 +1,3 @@
 {
-  "devDependencies": {
-    "qase-javascript-commons": "~2.7.4"
-  }
+  "devDependencies": {}
 }
`);
    expect(dry.stderr.match(/^ {2}\S+:\d+/gm)).toEqual(['  package.json:3', '  packages/a/package.json:3', '  packages/a/setup.ts:1']);
    expect(dry.code).toBe(1);
  });
});

describe('migrate: git', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
  const files: Files = {
    'package.json': `{\n  "devDependencies": {\n    "mocha-qase-reporter": "^1.1.6"\n  }\n}\n`,
    '.mocharc.json': `{ "reporter": "mocha-qase-reporter" }\n`,
    'notes.txt': 'committed\n',
  };
  const committed = () => {
    const dir = project(files);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'project');
    return dir;
  };

  it('refuses to write in a work tree with uncommitted changes, unless --force', async () => {
    const dir = committed();
    writeFileSync(join(dir, 'notes.txt'), 'changed\n');
    const refused = await migrate(dir);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'qase: . has uncommitted changes (1 path in git status). Commit or stash them first, so the migration can be reviewed and reverted with git, or pass --force.\n',
    });
    expect(contents(dir)).toEqual({ ...files, 'notes.txt': 'changed\n' });

    const dry = await migrate(dir, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('+{ "reporter": "@qase-reporters/mocha" }\n');

    const forced = await migrate(dir, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(contents(dir)['.mocharc.json']).toBe('{ "reporter": "@qase-reporters/mocha" }\n');
  });

  it('writes in a clean work tree exactly what git apply makes of the --dry-run diff', async () => {
    const dir = committed();
    const patch = join(ROOT, 'migrate.patch');
    writeFileSync(patch, (await migrate(dir, '--dry-run')).stdout);
    git(dir, 'apply', patch);
    const applied = contents(dir);
    git(dir, 'checkout', '-q', '--', '.');

    expect((await migrate(dir)).code).toBe(0);
    expect(contents(dir)).toEqual(applied);
    expect(applied['package.json']).toBe(`{\n  "devDependencies": {\n    "@qase-reporters/mocha": "^${VERSION}"\n  }\n}\n`);
  });
});

describe('migrate: the command line', () => {
  it('says in one line when the folder does not exist, or an argument is extra', async () => {
    const dir = project({ 'a.txt': '' });
    expect(await migrate(dir, 'nowhere')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'qase: nowhere is not a folder. Pass the folder of the project to migrate. See: qase-reporters migrate --help\n',
    });
    expect((await migrate(dir, '.', 'more')).stderr).toBe('qase: unexpected argument "more" for migrate. See: qase-reporters migrate --help\n');
  });

  it('names the install command of the lock file above a workspace package, and leaves a file that is not UTF-8', async () => {
    const dir = project({
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'packages/web/package.json': '{ "devDependencies": { "playwright-qase-reporter": "2.1.4" } }\n',
    });
    writeFileSync(join(dir, 'packages/web/latin1.test.js'), Buffer.from("// caf\xe9\nrequire('playwright-qase-reporter');\n", 'latin1'));
    const done = await migrate(join(dir, 'packages/web'));
    expect(done).toEqual({
      code: 1,
      stdout: 'Rewrote 1 file:\n  package.json\nNow run: pnpm install\n',
      stderr: '1 place needs a person:\n  latin1.test.js:1  is not UTF-8, so it was left as it is: change the names in it by hand\n',
    });
    expect(readFileSync(join(dir, 'packages/web/latin1.test.js'), 'latin1')).toBe("// caf\xe9\nrequire('playwright-qase-reporter');\n");
  });

  it('migrates the folder it is given, relative to the working directory', async () => {
    const dir = project({ 'app/.mocharc.yml': 'reporter: "mocha-qase-reporter"\n' });
    const done = await migrate(dir, 'app');
    expect(done.stdout).toBe('Rewrote 1 file:\n  app/.mocharc.yml\nNow run: npm install\n');
    expect(contents(dir)).toEqual({ 'app/.mocharc.yml': 'reporter: "@qase-reporters/mocha"\n' });
    expect((await migrate(dir, 'app')).stdout).toBe('Nothing to migrate: nothing in app names an official Qase reporter.\n');
  });
});
