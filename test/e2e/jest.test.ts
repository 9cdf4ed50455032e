// The real Jest CLI with our reporter loaded by name, against the emulator: what arrived is what we assert on.
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorState } from '@qase-reporters/emulator';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dryRunResults,
  emulatorFor,
  expectCartCalls,
  expectDeliveredOnce,
  expectOwnStepsAndAttachments,
  expectRetriedAttempts,
  frameworks,
  interleavingTestBody,
  one,
  resultsOf,
  run,
  sixtyTests,
  startFaultyEmulator,
  tempDir,
  testopsEnv,
  titlesOf,
  writeProject,
} from './harness';
import type { Files, Framework, ResultBody, Run } from './harness';

const TMP = tempDir('jest');
// The workspace's Jest (the newest), the oldest supported and the one most projects have.
const [WORKSPACE, ...INSTALLED] = frameworks(TMP, [{ jest: '28.1.3' }, { jest: '29.7.0' }]);

const REPORTER_LINE = `['@qase-reporters/jest', { testops: { batch: { size: 10 } } }]`;
const CONFIG_BODY = `reporters: ['default', ${REPORTER_LINE}], transform: {}, testMatch: ['**/*.test.js'], cacheDirectory: '.jest-cache'`;

/** The same settings in each format a Jest config comes in; the reporter is named in each. */
const CONFIGS: Files[] = [
  { 'jest.config.js': `module.exports = { ${CONFIG_BODY} };\n` },
  { 'jest.config.mjs': `export default { ${CONFIG_BODY} };\n` },
  { 'jest.config.ts': `import type { Config } from 'jest';\n\nconst config: Config = { ${CONFIG_BODY} };\n\nexport default config;\n` },
];

// A suite touching every status, case ids, the whole per-test API, retries and test.concurrent.
const SUITE: Files = {
  'fixture.txt': 'a file the test attaches by path\n',
  'cart.test.js': `
const { qase } = require('@qase-reporters/jest');

describe('Cart', () => {
  describe('empty', () => {
    test(qase(12, 'shows a hint'), () => {});
    test(qase([13, 14], 'has no total'), () => {
      expect(1).toBe(2);
    });
  });
  test('applies a coupon (Qase ID: 15)', () => {
    qase.id(16).title('Coupon is applied').fields({ severity: 'major', layer: 'unit' }).comment('fixed price');
    qase.attach({ paths: ['fixture.txt'] });
  });
  test.skip('pays with a card', () => {});
  test.todo('pays with a voucher');
  test.each([
    { currency: 'EUR', total: 10 },
    { currency: 'USD', total: 11 },
  ])('totals in $currency', ({ currency, total }) => {
    qase.parameters({ currency, total });
  });
  test('moves to another suite', () => {
    qase.suite('Checkout\\tPayments').groupParameters({ card: 'visa', country: 'NL' });
  });
  test('is not reported', () => {
    qase.ignore();
  });
  test('reports its process', () => {
    qase.comment(\`pid \${process.pid}\`);
  });
});
`,
  'retry.test.js': `
const { qase } = require('@qase-reporters/jest');

jest.retryTimes(2);
let attempts = 0;

test('passes on the third attempt', async () => {
  attempts += 1;
  await qase.step(\`attempt \${attempts}\`, async () => {
    expect(attempts).toBe(3);
  });
});
test('always fails', () => {
  throw new Error('broken for good');
});
test('reports its process', () => {
  qase.comment(\`pid \${process.pid}\`);
});
`,
  'describe-retry.test.js': `
let tries = 0;

describe('Checkout', () => {
  // Retries the whole block when one of its tests fails: 'steady' runs twice and passes twice.
  jest.retryTimes(1, { entireDescribe: true });
  test('steady', () => {});
  test('shaky', () => {
    tries += 1;
    expect(tries).toBe(2);
  });
});
`,
  'compass.test.js': `
const { qase } = require('@qase-reporters/jest');

const names = ['north', 'east', 'south', 'west'];
let started = 0;
let release;
const allStarted = new Promise((resolve) => (release = resolve));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Compass', () => {
  // Each test waits until all four are in flight, so their steps and attachments interleave in one worker.
  for (const name of names) {
    test.concurrent(name, async () => {${interleavingTestBody(4)}
    });
  }
  test('reports its process', () => {
    qase.comment(\`pid \${process.pid}\`);
  });
});
`,
};

/** Every result the suite sends, as [title, status]; a retried test once per attempt. */
const EXPECTED = [
  ['shows a hint', 'passed'],
  ['has no total', 'failed'],
  ['Coupon is applied', 'passed'],
  ['pays with a card', 'skipped'],
  ['pays with a voucher', 'skipped'],
  ['totals in EUR', 'passed'],
  ['totals in USD', 'passed'],
  ['moves to another suite', 'passed'],
  ['reports its process', 'passed'],
  ['reports its process', 'passed'],
  ['reports its process', 'passed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'passed'],
  ['always fails', 'invalid'],
  ['always fails', 'invalid'],
  ['always fails', 'invalid'],
  ['steady', 'passed'],
  ['steady', 'passed'],
  ['shaky', 'failed'],
  ['shaky', 'passed'],
  ['north', 'passed'],
  ['east', 'passed'],
  ['south', 'passed'],
  ['west', 'passed'],
].sort();

/** Jest 28 and 29 retry the failed test alone: `entireDescribe` is Jest 30's. */
const EXPECTED_BEFORE_30 = [...EXPECTED.filter(([title]) => title !== 'steady'), ['steady', 'passed']].sort();

const emulator = emulatorFor();

/** Runs Jest in `dir` with a temp folder of its own (`<dir>/.tmp`), so what the reporter leaves there can be seen. */
function runJest(dir: string, args: string[], env: Record<string, string>, framework = WORKSPACE!): Promise<Run> {
  mkdirSync(join(dir, '.tmp'), { recursive: true });
  return run(framework.bin('jest'), args, { cwd: dir, env: { TMPDIR: join(dir, '.tmp'), ...env }, hide: /^JEST_/ });
}

const WORKERS = { mode: 'with two workers', args: ['--maxWorkers=2'], config: CONFIGS[0]!, processes: 'several' };
const IN_BAND = { mode: 'in band', args: ['--runInBand'], config: CONFIGS[1]!, processes: 'one' };

describe.each([
  ...[
    WORKERS,
    IN_BAND,
    { mode: 'with two workers, a TypeScript config and --forceExit', args: ['--maxWorkers=2', '--forceExit'], config: CONFIGS[2]!, processes: 'several' },
  ].map((mode) => ({ ...mode, framework: WORKSPACE! })),
  // Older versions: the same suite in band and with workers.
  ...INSTALLED.flatMap((framework: Framework) => [WORKERS, IN_BAND].map((mode) => ({ ...mode, framework }))),
])('Jest ($framework.version) $mode', ({ mode, args, config, processes, framework }) => {
  let results: ResultBody[];
  let state: EmulatorState;
  let jest: Run;
  let dir: string;
  const title = `jest e2e ${framework.version} ${mode}`;
  const before30 = /^2\d\./.test(framework.version);

  beforeAll(async () => {
    dir = writeProject(framework.projectDir(`suite-${Object.keys(config)[0]}`), { ...SUITE, ...config });
    jest = await runJest(dir, args, testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: title }), framework);
    state = emulator().state();
    results = resultsOf(state, title);
  });

  it('sends every attempt of every test exactly once, with its status', () => {
    expect(jest.code, jest.output).toBe(1); // the suite has failing tests
    expect(titlesOf(results), jest.output).toEqual(before30 ? EXPECTED_BEFORE_30 : EXPECTED);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(state.runs.find((r) => r.title === title)?.status).toBe('complete');
  });

  it(`ran the tests in ${processes} process(es)`, () => {
    const pids = new Set(results.filter((r) => r.title === 'reports its process').map((r) => r.message));
    if (processes === 'one') expect(pids.size).toBe(1);
    else expect(pids.size).toBeGreaterThan(1);
  });

  it('links case ids from titles and qase(), and takes the suite from file and describe blocks', () => {
    expect(one(results, 'shows a hint')).toMatchObject({ testops_ids: [12], relations: { suite: { data: [{ title: 'cart.test.js' }, { title: 'Cart' }, { title: 'empty' }] } } });
    const failed = one(results, 'has no total');
    expect(failed.testops_ids).toEqual([13, 14]);
    expect(failed.message).toContain('expect(received).toBe(expected)');
    expect(failed.execution.stacktrace).toContain('cart.test.js');
  });

  it("sends the official reporter's signature: title ids, file, the full name as written, parameters", () => {
    expect(one(results, 'shows a hint').signature).toBe('12::cart.test.js::cart_empty_shows_a_hint_(qase_id:_12)');
    expect(one(results, 'totals in EUR').signature).toBe("cart.test.js::cart_totals_in_eur::{'currency':'eur'}::{'total':'10'}");
  });

  it('applies what tests said through qase.*', () => {
    expectCartCalls(state, results, SUITE['fixture.txt'] as string);
  });

  it('sends each attempt of a retried test with its own steps', () => {
    expectRetriedAttempts(results, 'Error: broken for good');
  });

  it('sends every attempt of a retried describe block, none marked is_flaky, as the official reporter', () => {
    const attemptsOf = (title: string) => results.filter((r) => r.title === title).map((r) => [r.execution.status, r.fields?.is_flaky]).sort();
    expect(attemptsOf('steady')).toEqual(before30 ? [['passed', undefined]] : [['passed', undefined], ['passed', undefined]]);
    expect(attemptsOf('shaky')).toEqual([['failed', undefined], ['passed', undefined]]);
  });

  it('puts the nested steps and attachments of concurrent tests on their own results', () => {
    for (const name of ['north', 'east', 'south', 'west']) {
      // Jest 28 cannot tell concurrent tests apart (see the README): what they say is left out, not misfiled.
      if (framework.version.startsWith('28.')) expect([one(results, name).steps ?? [], one(results, name).attachments ?? []]).toEqual([[], []]);
      else expectOwnStepsAndAttachments(state, one(results, name), name);
    }
  });

  it('removes its transport folder at the end', () => {
    expect(readdirSync(join(dir, '.tmp')).filter((name) => name.startsWith('qase-jest-'))).toEqual([]);
  });
});

describe('Jest in a dry run', () => {
  it('writes the requests it would have sent, and uploads nothing', async () => {
    const before = emulator().state().requests.length;
    const dir = writeProject(join(TMP, 'dry-run'), { ...SUITE, ...CONFIGS[0] });
    const jest = await runJest(dir, ['--maxWorkers=2'], { QASE_MODE: 'dry-run' });

    const sent = dryRunResults(dir);
    expect(titlesOf(sent), jest.output).toEqual(EXPECTED);
    const north = one(sent, 'north');
    expect(north.steps?.[1]?.steps?.[0]?.data.action).toBe('north: inner');
    expect(emulator().state().requests.length).toBe(before);
  });
});

describe('Jest against an API that refuses large requests and drops answers', () => {
  const faulty = emulatorFor(startFaultyEmulator);

  it('still delivers every result exactly once', async () => {
    const { files, titles } = sixtyTests((name, title) => [`${name}.test.js`, `for (let i = 0; i < 20; i++) test(${title}, () => {});\n`]);
    const dir = writeProject(join(TMP, 'faults'), { ...files, ...CONFIGS[0] });
    const jest = await runJest(dir, ['--maxWorkers=2', '--forceExit'], testopsEnv(faulty(), { QASE_TESTOPS_RUN_TITLE: 'jest e2e faults' }));
    expectDeliveredOnce(faulty(), 'jest e2e faults', titles, jest, dir);
  });
});
