// The generated suites the bench runs: per framework, the same tests three ways. `none` has no Qase reporter and
// imports a local no-op `qase` (steps run their body, attach does nothing), so its tests do the same work without
// anything of ours or Qase's loaded: the ratio to it is everything a user pays for adding a reporter, the import
// included. `ours` and `official` differ from each other only in the reporter named and the module imported.
//
// Every test runs two steps (one nested) and every tenth attaches a small text. Each test file times its import of
// the per-test API and, after its last test, writes the time: to files in the folder `BENCH_OUT` names.
import { join } from 'node:path';

/** Tests per generated file: 2,000 tests are 80 files, as in a mid-sized project. */
export const TESTS_PER_FILE = 25;
/** Every how many tests one attaches a file. */
export const ATTACH_EVERY = 10;

const NOOP_CJS = `// No Qase reporter: steps run their body, attachments go nowhere.
exports.qase = { step: (_title, body) => body(), attach() {} };
`;
const NOOP_ESM = `// No Qase reporter: steps run their body, attachments go nowhere; withQase hands that to the test.
const qase = { step: (_title, body) => body(), attach() {} };
export const withQase = (body) => (context) => body({ ...context, qase });
`;

/** What the test files record, in CommonJS: the import's time in `imports`, the end of the last test in `ends`. */
const RECORD_CJS = `const { appendFileSync } = require('node:fs');
const { join } = require('node:path');
const record = (file, value) => appendFileSync(join(process.env.BENCH_OUT, file), value + '\\n');`;
const RECORD_ESM = `import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
const record = (file, value) => appendFileSync(join(process.env.BENCH_OUT, file), value + '\\n');`;

/**
 * The body of one test, in JavaScript, calling `step` for steps (`qase.step` or the framework's own) and attaching
 * with `attachOptions` (the content-type key differs by framework). `t` is the test's index in its file, `index`
 * its index in the suite, and `check(actual, expected)` is the framework's assertion.
 */
function testBody(step, contentTypeKey, check) {
  return `
      await ${step}(\`open the cart \${t}\`, async () => {
        await ${step}('find the item', async () => {});
      });
      await ${step}(\`add item \${t}\`, async () => {
        ${check('index + 1', 'index + 1')};
      });
      if (index % ${ATTACH_EVERY} === 0) {
        await qase.attach({ name: \`cart-\${index}.txt\`, content: \`cart \${index}\\n\`.repeat(20), ${contentTypeKey}: 'text/plain' });
      }`;
}

/** How a test is named: unique in the suite, so the emulator's store shows each result once. */
const TITLE = '`test ${index}: adds item ${t}`';

/**
 * One framework: the packages installed from the registry (the versions the end-to-end tests run by default, and
 * the official reporter), the reporter and import of each variant, its files and its command line.
 */
export const FRAMEWORKS = {
  jest: {
    packages: { jest: '30.5.2', 'jest-qase-reporter': '2.6.0' },
    none: { module: '../qase-noop.cjs' },
    official: { label: 'jest-qase-reporter 2.6.0', reporter: 'jest-qase-reporter', module: 'jest-qase-reporter/jest', mode: 'testops' },
    ours: { reporter: '@qase-reporters/jest', module: '@qase-reporters/jest', mode: 'testops' },
    files(variant, tests) {
      const reporters = variant.reporter ? `['default', ['${variant.reporter}', { mode: '${variant.mode}' }]]` : `['default']`;
      return {
        'jest.config.js': `module.exports = { testEnvironment: 'node', reporters: ${reporters} };\n`,
        'qase-noop.cjs': NOOP_CJS,
        ...testFiles(tests, '.test.js', (file) => `${RECORD_CJS}
const importStarted = performance.now();
const { qase } = require('${variant.module}');
record('imports', performance.now() - importStarted);

describe('file ${file}', () => {
  afterAll(() => record('ends', Date.now()));
  for (let t = 0; t < ${TESTS_PER_FILE}; t++) {
    const index = ${file * TESTS_PER_FILE} + t;
    test(${TITLE}, async () => {${testBody('qase.step', 'type', (a, e) => `expect(${a}).toBe(${e})`)}
    });
  }
});
`),
      };
    },
    command: (root) => [join(root, 'node_modules/jest/bin/jest.js'), ['--silent']],
  },

  playwright: {
    packages: { '@playwright/test': '1.65.1', 'playwright-qase-reporter': '2.7.0' },
    none: { module: '../qase-noop.cjs' },
    official: { label: 'playwright-qase-reporter 2.7.0', reporter: 'playwright-qase-reporter', module: 'playwright-qase-reporter', mode: 'testops' },
    ours: { reporter: '@qase-reporters/playwright', module: '@qase-reporters/playwright', mode: 'testops' },
    files(variant, tests) {
      const qase = variant.reporter ? `, ['${variant.reporter}', { mode: '${variant.mode}' }]` : '';
      return {
        'playwright.config.js': `module.exports = { testDir: 'tests', outputDir: 'test-results', reporter: [['list']${qase}] };\n`,
        'qase-noop.cjs': NOOP_CJS,
        // No `page` fixture: the tests need no browser.
        ...testFiles(tests, '.spec.js', (file) => `${RECORD_CJS}
const { test, expect } = require('@playwright/test');
const importStarted = performance.now();
const { qase } = require('${variant.module}');
record('imports', performance.now() - importStarted);

test.describe('file ${file}', () => {
  test.afterAll(() => record('ends', Date.now()));
  for (let t = 0; t < ${TESTS_PER_FILE}; t++) {
    const index = ${file * TESTS_PER_FILE} + t;
    test(${TITLE}, async () => {${testBody('test.step', 'contentType', (a, e) => `expect(${a}).toBe(${e})`)}
    });
  }
});
`),
      };
    },
    command: (root) => [join(root, 'node_modules/@playwright/test/cli.js'), ['test']],
  },

  mocha: {
    packages: { mocha: '12.0.3' },
    none: { module: '../qase-noop.cjs' },
    // mocha-qase-reporter is not on the npm registry (404 for every version), so there is nothing to compare with.
    official: undefined,
    ours: { reporter: '@qase-reporters/mocha', module: '@qase-reporters/mocha', mode: 'testops' },
    files(variant, tests) {
      return {
        'qase-noop.cjs': NOOP_CJS,
        ...testFiles(tests, '.spec.js', (file) => `${RECORD_CJS}
const assert = require('node:assert');
const importStarted = performance.now();
const { qase } = require('${variant.module}');
record('imports', performance.now() - importStarted);

describe('file ${file}', function () {
  after(() => record('ends', Date.now()));
  for (let t = 0; t < ${TESTS_PER_FILE}; t++) {
    const index = ${file * TESTS_PER_FILE} + t;
    it(${TITLE}, async function () {${testBody('qase.step', 'contentType', (a, e) => `assert.strictEqual(${a}, ${e})`)}
    });
  }
});
`),
      };
    },
    // Both print Mocha's spec reporter: ours runs it beside itself.
    command: (root, variant) => [join(root, 'node_modules/mocha/bin/mocha.js'), [
      ...(variant.reporter ? ['--reporter', variant.reporter, '--reporter-options', 'extraReporters=spec'] : ['--reporter', 'spec']),
      'tests/*.spec.js',
    ]],
  },

  vitest: {
    packages: { vitest: '4.1.12', vite: '8.3.8', 'vitest-qase-reporter': '1.4.4' },
    none: { module: '../qase-noop.mjs' },
    // Tests take \`qase\` from \`withQase\`: vitest-qase-reporter 1.4.4 exports no \`qase\`, though its docs import one.
    // Its bundled qase-javascript-commons (2.7) makes `https://api-<host>` of any host, so it cannot reach an http
    // emulator on loopback: it runs in report mode, writing its results to files, and sends no requests.
    official: { label: 'vitest-qase-reporter 1.4.4 (report mode)', reporter: 'vitest-qase-reporter', module: 'vitest-qase-reporter/vitest', mode: 'report' },
    ours: { reporter: '@qase-reporters/vitest', module: '@qase-reporters/vitest', mode: 'testops' },
    files(variant, tests) {
      const reporters = variant.reporter ? `['default', ['${variant.reporter}', { mode: '${variant.mode}' }]]` : `['default']`;
      return {
        'vitest.config.mjs': `export default { test: { include: ['tests/**/*.test.js'], reporters: ${reporters} } };\n`,
        'qase-noop.mjs': NOOP_ESM,
        ...testFiles(tests, '.test.js', (file) => `${RECORD_ESM}
import { afterAll, describe, expect, test } from 'vitest';
const importStarted = performance.now();
const imported = await import('${variant.module}');
// A CommonJS module whose exports Node cannot list statically has them all on \`default\`.
const { withQase } = imported.withQase ? imported : imported.default;
record('imports', performance.now() - importStarted);

describe('file ${file}', () => {
  afterAll(() => record('ends', Date.now()));
  for (let t = 0; t < ${TESTS_PER_FILE}; t++) {
    const index = ${file * TESTS_PER_FILE} + t;
    test(${TITLE}, withQase(async ({ qase }) => {${testBody('qase.step', 'type', (a, e) => `expect(${a}).toBe(${e})`)}
    }));
  }
});
`),
      };
    },
    command: (root) => [join(root, 'node_modules/vitest/vitest.mjs'), ['run']],
  },
};

/** `tests` tests in files of `TESTS_PER_FILE`, each file's content from `content(fileIndex)`. */
function testFiles(tests, extension, content) {
  const files = {};
  for (let file = 0; file * TESTS_PER_FILE < tests; file++) files[`tests/file-${file}${extension}`] = content(file);
  return files;
}

/** Results and attachments a run of `tests` must store. */
export function expectedOf(tests) {
  return { results: tests, attachments: Math.ceil(tests / ATTACH_EVERY) };
}

