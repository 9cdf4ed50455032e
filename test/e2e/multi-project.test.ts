// Mode testops_multi in each framework: a suite whose tests name cases of two projects (each official form at least
// once across the frameworks), run by the real CLI against an emulator that has both projects. What arrived in each
// project's run is what we assert on.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator, EmulatorState } from '@qase-reporters/emulator';
import { describe, expect, it } from 'vitest';
import { bin, REPO, run, tempDir, writeProject } from './harness';
import type { Files, ResultBody, Run } from './harness';

const TMP = tempDir('multi-project');
const CLI = join(REPO, 'packages/cli/dist/cli.js');
const PROJECTS = ['PROJ1', 'PROJ2'];
/** Tests mapped to both projects besides `both`: enough results per run for a 413 at `MAX_RESULTS`. */
const MANY = 4;
const MAX_RESULTS = 2;

/**
 * What each run must hold, by title: the case ids linked there. `both` and `many i` name cases in both projects,
 * `one` only in PROJ2; `legacy` has a single-project id and `none` nothing, so both go to the default project.
 */
const EXPECTED: Record<string, Record<string, number[]>> = {
  PROJ1: {
    both: [1],
    legacy: [5],
    none: [],
    ...Object.fromEntries(Array.from({ length: MANY }, (_, i) => [`many ${i}`, [100 + i]])),
  },
  PROJ2: {
    both: [2],
    one: [3],
    ...Object.fromEntries(Array.from({ length: MANY }, (_, i) => [`many ${i}`, [200 + i]])),
  },
};

/** The `many i` tests' mapping, as JavaScript inside the fixture's loop over `i`. */
const MANY_MAPPING = '{ PROJ1: [100 + i], PROJ2: [200 + i] }';

/** The multi-project config, as the official docs write it; the token and host come from the environment. */
function qaseConfig(runTitle: string): string {
  return JSON.stringify({
    mode: 'testops_multi',
    testops: { batch: { size: 10 } },
    testops_multi: {
      default_project: 'PROJ1',
      projects: PROJECTS.map((code) => ({ code, run: { title: `${runTitle} ${code}`, complete: true } })),
    },
  }, null, 2);
}

interface Framework {
  name: string;
  files: Files;
  /** The framework's CLI and its arguments. */
  command: [string, string[]];
  /** Variables of this process the child must not see (the test runner's own). */
  hide?: RegExp;
}

// Jest: `qase.projects(mapping, title)`, `qase.projects(mapping)` called in a test (from Jest's workers), `qase(id, title)`.
const JEST: Framework = {
  name: 'jest',
  // Two workers: on two cores Jest would run the files in band, in its own process.
  command: [bin('jest'), ['--maxWorkers=2']],
  files: {
    'jest.config.js': "module.exports = { reporters: ['default', '@qase-reporters/jest'], transform: {}, testMatch: ['**/*.test.js'], cacheDirectory: '.jest-cache' };\n",
    'a.test.js': `
const { qase } = require('@qase-reporters/jest');

test(qase.projects({ PROJ1: [1], PROJ2: [2] }, 'both'), () => {});
test('one', () => {
  qase.projects({ PROJ2: [3] });
});
test(qase(5, 'legacy'), () => {});
test('none', () => {});
`,
    // A second file, so Jest runs the tests in worker processes (a fresh cache has no timings that would keep them in band).
    'b.test.js': `
const { qase } = require('@qase-reporters/jest');

for (let i = 0; i < ${MANY}; i++) {
  if (i % 2 === 0) test(qase.projects(${MANY_MAPPING}, \`many \${i}\`), () => {});
  else test(\`many \${i}\`, () => { qase.projects(${MANY_MAPPING}); });
}
`,
  },
};

// Mocha with --parallel: `qase.projects(mapping, title)`, a `(Qase PROJ2: 3)` marker written by hand, and
// `qase.projects(mapping)` called in a test, in worker processes.
const MOCHA: Framework = {
  name: 'mocha',
  command: [bin('mocha'), ['--parallel', '--jobs', '2']],
  files: {
    '.mocharc.json': JSON.stringify({ reporter: '@qase-reporters/mocha', spec: ['test/*.spec.js'] }),
    'test/a.spec.js': `
const { qase } = require('@qase-reporters/mocha');

it(qase.projects({ PROJ1: [1], PROJ2: [2] }, 'both'), function () {});
it('one (Qase PROJ2: 3)', function () {});
it(qase(5, 'legacy'), function () {});
it('none', function () {});
`,
    'test/b.spec.js': `
const { qase } = require('@qase-reporters/mocha');

for (let i = 0; i < ${MANY}; i++) {
  if (i % 2 === 0) it(qase.projects(${MANY_MAPPING}, \`many \${i}\`), function () {});
  else it(\`many \${i}\`, function () { qase.projects(${MANY_MAPPING}); });
}
`,
  },
};

// Vitest: `addQaseProjects(title, mapping)`, `qase.projects(mapping)` called in a test, `addQaseId`.
const VITEST: Framework = {
  name: 'vitest',
  command: [bin('vitest'), ['run', '--config', 'vitest.config.mts']],
  hide: /^VITEST/,
  files: {
    'vitest.config.mts': `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['**/*.test.ts'], reporters: ['default', '@qase-reporters/vitest'] } });
`,
    'a.test.ts': `import { test } from 'vitest';
import { addQaseId, addQaseProjects, qase } from '@qase-reporters/vitest';

test(addQaseProjects('both', { PROJ1: [1], PROJ2: [2] }), () => {});
test('one', () => {
  qase.projects({ PROJ2: [3] });
});
test(addQaseId('legacy', [5]), () => {});
test('none', () => {});
`,
    'b.test.ts': `import { test } from 'vitest';
import { addQaseProjects } from '@qase-reporters/vitest';

for (let i = 0; i < ${MANY}; i++) test(addQaseProjects(\`many \${i}\`, ${MANY_MAPPING}), () => {});
`,
  },
};

// Playwright: `qase.projects(mapping)` in a test, `qase.projectsTitle(title, mapping)`, the QaseProjects annotation
// (declared, and pushed at run time), `qase.id`.
const PLAYWRIGHT: Framework = {
  name: 'playwright',
  command: [bin('playwright'), ['test']],
  hide: /^PLAYWRIGHT_/,
  files: {
    'package.json': JSON.stringify({ name: 'pw-multi-project', private: true }),
    'playwright.config.js': "module.exports = { testDir: 'tests', outputDir: 'test-results', workers: 2, reporter: [['@qase-reporters/playwright']] };\n",
    'tests/a.spec.js': `
const { test } = require('@playwright/test');
const { qase } = require('@qase-reporters/playwright');

test('both', async () => {
  qase.projects({ PROJ1: [1], PROJ2: [2] });
});
test(qase.projectsTitle('one', { PROJ2: [3] }), async () => {});
test('legacy', async () => {
  qase.id(5);
});
test('none', async () => {});
`,
    'tests/b.spec.js': `
const { test } = require('@playwright/test');

for (let i = 0; i < ${MANY}; i++) {
  const annotation = { type: 'QaseProjects', description: JSON.stringify(${MANY_MAPPING}) };
  if (i % 2 === 0) {
    test(\`many \${i}\`, { annotation }, async () => {});
  } else {
    test(\`many \${i}\`, async () => {
      test.info().annotations.push(annotation);
    });
  }
}
`,
  },
};

const FRAMEWORKS = [JEST, MOCHA, VITEST, PLAYWRIGHT];

/** An emulator with both projects, closed by `body`'s end. */
async function withEmulator(body: (emulator: Emulator) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({ projects: PROJECTS, seed: 1 });
  try {
    await body(emulator);
  } finally {
    await emulator.close();
  }
}

function env(emulator: Emulator): Record<string, string> {
  return { QASE_TESTOPS_API_HOST: emulator.url, QASE_TESTOPS_API_TOKEN: emulator.token };
}

/** Writes the framework's suite with the config for `runTitle` into a fresh folder and runs it. */
async function runSuite(framework: Framework, emulator: Emulator, runTitle: string): Promise<{ dir: string; result: Run }> {
  const dir = writeProject(join(TMP, runTitle.replaceAll(' ', '-')), { ...framework.files, 'qase.config.json': qaseConfig(runTitle) });
  const [command, args] = framework.command;
  const result = await run(command, args, { cwd: dir, env: env(emulator), hide: framework.hide });
  return { dir, result };
}

interface RunSeen {
  completions: number;
  /** Case ids by title, one entry per result (a title sent twice shows twice). */
  results: [string, number[]][];
}

/** The runs of `project`, with what each holds. */
function runsOf(state: EmulatorState, project: string): RunSeen[] {
  return state.runs.filter((r) => r.project === project).map((r) => ({
    completions: r.completions,
    results: (state.results[r.id] ?? [])
      .map((stored) => stored.body as unknown as ResultBody)
      .map((body): [string, number[]] => [body.title, body.testops_ids ?? []])
      .sort(([a], [b]) => a.localeCompare(b)),
  }));
}

/** One completed run of `project`, holding each expected result once, with its case ids there. */
function expectProjectRun(state: EmulatorState, project: string, output: string): void {
  const expected = Object.entries(EXPECTED[project]!).sort(([a], [b]) => a.localeCompare(b));
  expect(runsOf(state, project), output).toEqual([{ completions: 1, results: expected }]);
}

describe.each(FRAMEWORKS)('mode testops_multi with $name', (framework) => {
  it('sends each test to the runs of the projects it names, once each, through 413s and lost answers', async () => {
    await withEmulator(async (emulator) => {
      emulator.maxResultsPerRequest(MAX_RESULTS);
      // The first results request of each project is stored, then its answer is lost: the resend must not duplicate.
      for (const project of PROJECTS) emulator.dropNextAnswer(1, { method: 'POST', path: new RegExp(`^/v2/${project}/run/\\d+/results$`) });
      const { dir, result } = await runSuite(framework, emulator, `${framework.name} faults`);
      expect(result.code, result.output).toBe(0);
      const state = emulator.state();
      for (const project of PROJECTS) expectProjectRun(state, project, result.output);
      expect(state.requests.some((r) => r.status === 413), result.output).toBe(true);
      expect(state.requests.filter((r) => r.dropped)).toHaveLength(PROJECTS.length);
      expect(existsSync(join(dir, '.qase')), result.output).toBe(false);
    });
  });

  it("keeps a project's results in the outbox while its run cannot be created, and upload delivers them later", async () => {
    await withEmulator(async (emulator) => {
      // Far more than every retry of creating the run, at the start and again at the end; Retry-After 0 keeps the
      // retries from waiting out the backoff.
      emulator.failNext(1000, 503, { 'retry-after': '0' }, { method: 'POST', path: '/v1/run/PROJ2' });
      const { dir, result } = await runSuite(framework, emulator, `${framework.name} outage`);
      expect(result.code, result.output).toBe(0);
      expectProjectRun(emulator.state(), 'PROJ1', result.output);
      expect(runsOf(emulator.state(), 'PROJ2'), result.output).toEqual([]);
      expect(existsSync(join(dir, '.qase', 'outbox')), result.output).toBe(true);

      emulator.setFaults({ failNext: [] });
      const upload = await run(process.execPath, [CLI, 'upload', '.qase/outbox'], { cwd: dir, env: env(emulator) });
      expect(upload.code, upload.output).toBe(0);
      for (const project of PROJECTS) expectProjectRun(emulator.state(), project, upload.output);
      const outbox = join(dir, '.qase', 'outbox');
      expect(existsSync(outbox) ? readdirSync(outbox) : [], upload.output).toEqual([]);
    });
  });
});

describe('examples/multi-project', () => {
  it('reports each test to the projects it names', async () => {
    await withEmulator(async (emulator) => {
      const result = await run(bin('jest'), [], { cwd: join(REPO, 'examples/multi-project'), env: env(emulator) });
      expect(result.code, result.output).toBe(0);
      const state = emulator.state();
      expect(runsOf(state, 'PROJ1'), result.output).toEqual([{
        completions: 1,
        results: [['loads fast', []], ['shows the login form', [7]], ['signs in with a password', [1]], ['signs out', [3, 4]]],
      }]);
      expect(runsOf(state, 'PROJ2'), result.output).toEqual([{
        completions: 1,
        results: [['remembers the user', [6]], ['signs in with a password', [2]], ['signs out', [5]]],
      }]);
    });
  });
});
