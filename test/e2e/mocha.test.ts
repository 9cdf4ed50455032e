// The real Mocha CLI with our reporter named in .mocharc, serial and --parallel, against the emulator: what arrived
// is what we assert on.
import { join } from 'node:path';
import type { EmulatorState } from '@qase-reporters/emulator';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentOf,
  dryRunResults,
  emulatorFor,
  expectCartCalls,
  expectDeliveredOnce,
  expectRetriedAttempts,
  frameworks,
  one,
  resultsOf,
  run,
  sha256,
  sixtyTests,
  startFaultyEmulator,
  tempDir,
  testopsEnv,
  titlesOf,
  writeProject,
} from './harness';
import type { Files, Framework, ResultBody, Run, StepBody } from './harness';

const TMP = tempDir('mocha');
// The workspace's Mocha (the newest), the oldest supported and the one most projects have.
const [WORKSPACE, ...INSTALLED] = frameworks(TMP, [{ mocha: '10.8.2' }, { mocha: '11.7.6' }]);

const OPTIONS = { captureLogs: true, testops: { batch: { size: 10 } } };
const SPEC = ['*.spec.js', '*.spec.mjs'];

/** The reporter line and its options in each format a Mocha config comes in. */
const CONFIGS = {
  json: { '.mocharc.json': JSON.stringify({ reporter: '@qase-reporters/mocha', 'reporter-option': OPTIONS, spec: SPEC }, null, 2) },
  yaml: {
    '.mocharc.yml': [
      'reporter: "@qase-reporters/mocha"',
      'reporter-option:',
      '  captureLogs: true',
      '  testops:',
      '    batch:',
      '      size: 10',
      `spec: [${SPEC.map((s) => `'${s}'`).join(', ')}]`,
      '',
    ].join('\n'),
  },
  js: { '.mocharc.js': `module.exports = {\n  reporter: '@qase-reporters/mocha',\n  reporterOption: ${JSON.stringify(OPTIONS)},\n  spec: ${JSON.stringify(SPEC)},\n};\n` },
  cjs: { '.mocharc.cjs': `module.exports = { reporter: '@qase-reporters/mocha', reporterOption: ${JSON.stringify(OPTIONS)}, spec: ${JSON.stringify(SPEC)} };\n` },
} satisfies Record<string, Files>;

/** Mocha 10 and 11 read no object as reporter-option (see the README): the same options in qase.config.json. */
const OLDER_CONFIGS = {
  json: { '.mocharc.json': JSON.stringify({ reporter: '@qase-reporters/mocha', spec: SPEC }), 'qase.config.json': JSON.stringify(OPTIONS) },
  js: { '.mocharc.js': `module.exports = { reporter: '@qase-reporters/mocha', spec: ${JSON.stringify(SPEC)} };\n`, 'qase.config.json': JSON.stringify(OPTIONS) },
} satisfies Record<string, Files>;

// CommonJS and ESM test files touching every status, case ids, the whole per-test API, retries and failed hooks.
const SUITE: Files = {
  'fixture.txt': 'a file the test attaches by path\n',
  'cart.spec.js': `
const assert = require('node:assert');
const { qase } = require('@qase-reporters/mocha');

describe('Cart', function () {
  afterEach(function () {
    if (this.currentTest.state === 'failed') qase.attach({ name: 'failure.txt', content: \`failed: \${this.currentTest.title}\` });
  });
  describe('empty', function () {
    it(qase(12, 'shows a hint'), function () {
      console.log('hint shown');
    });
    it(qase([13, 14], 'has no total'), function () {
      assert.strictEqual(1, 2);
    });
  });
  it('applies a coupon (Qase ID: 15)', function () {
    qase.id(16).title('Coupon is applied').fields({ severity: 'major', layer: 'unit' }).comment('fixed price');
    qase.attach({ paths: ['fixture.txt'] });
  });
  it.skip('pays with a card', function () {});
  for (const [currency, total] of [['EUR', 10], ['USD', 11]]) {
    it(\`totals in \${currency}\`, function () {
      qase.parameters({ currency, total });
    });
  }
  it('moves to another suite', function () {
    qase.suite('Checkout\\tPayments').groupParameters({ card: 'visa', country: 'NL' });
  });
  it('is not reported', function () {
    qase.ignore();
  });
  it('reports its process', function () {
    qase.comment(\`pid \${process.pid}\`);
  });
});
`,
  'steps.spec.mjs': `
import { qase } from '@qase-reporters/mocha';

describe('Steps', function () {
  it('runs nested steps', function () {
    qase.step('outer', () => {
      qase.attach({ name: 'outer.txt', content: 'made in outer' });
      qase.step('inner', () => {
        qase.attach({ name: 'inner.json', content: JSON.stringify({ inner: true }), contentType: 'application/json' });
      }, 'inner expected', 'inner data');
    });
    qase.attach({ name: 'test.bin', content: Buffer.from('bytes of the test') });
  });
  it('runs nested async steps', async function () {
    await qase.step('load', async () => {
      await qase.step('fetch', () => new Promise((resolve) => setTimeout(resolve, 5)));
      await qase.step('parse', async () => {});
    });
  });
  it('fails in a step', function () {
    qase.step('breaks', () => {
      throw new Error('step broke');
    });
  });
  it('reports its process', function () {
    qase.comment(\`pid \${process.pid}\`);
  });
});
`,
  'retry.spec.js': `
const { qase } = require('@qase-reporters/mocha');

describe('Retries', function () {
  this.retries(2);
  let attempts = 0;
  it('passes on the third attempt', function () {
    attempts += 1;
    qase.step(\`attempt \${attempts}\`, () => {
      if (attempts < 3) require('node:assert').fail(\`attempt \${attempts} failed\`);
    });
  });
  it('always fails', function () {
    throw new Error('broken for good');
  });
  it('reports its process', function () {
    qase.comment(\`pid \${process.pid}\`);
  });
});
`,
  'hooks.spec.js': `
const { qase } = require('@qase-reporters/mocha');

describe('Broken setup', function () {
  before(function () {
    throw new Error('db down');
  });
  it('never runs', function () {});
  describe('nested', function () {
    it('never runs either', function () {});
  });
});
describe('Broken cleanup', function () {
  afterEach(function () {
    throw new Error('cleanup failed');
  });
  it('runs, then its cleanup fails', function () {});
  it('is kept from running', function () {});
});
it('reports its process', function () {
  qase.comment(\`pid \${process.pid}\`);
});
`,
};

/** Every result the suite sends, as [title, status]; a retried test once per attempt. */
const EXPECTED = [
  ['shows a hint', 'passed'],
  ['has no total', 'failed'],
  ['Coupon is applied', 'passed'],
  ['pays with a card', 'skipped'],
  ['totals in EUR', 'passed'],
  ['totals in USD', 'passed'],
  ['moves to another suite', 'passed'],
  ['runs nested steps', 'passed'],
  ['runs nested async steps', 'passed'],
  ['fails in a step', 'invalid'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'passed'],
  ['always fails', 'invalid'],
  ['always fails', 'invalid'],
  ['always fails', 'invalid'],
  ['never runs', 'skipped'],
  ['never runs either', 'skipped'],
  ['runs, then its cleanup fails', 'invalid'],
  ['is kept from running', 'skipped'],
  ['reports its process', 'passed'],
  ['reports its process', 'passed'],
  ['reports its process', 'passed'],
  ['reports its process', 'passed'],
].sort();

const emulator = emulatorFor();

function runMocha(dir: string, args: string[], env: Record<string, string>, framework = WORKSPACE!): Promise<Run> {
  return run(framework.bin('mocha'), args, { cwd: dir, env });
}

const suiteOf = (result: ResultBody) => result.relations?.suite.data.map((s) => s.title);

const SERIAL = { mode: 'serially', args: [], config: CONFIGS.json, processes: 'one' };
const PARALLEL = { mode: 'with --parallel --jobs 2', args: ['--parallel', '--jobs', '2'], config: CONFIGS.js, processes: 'several' };

describe.each([
  ...[
    SERIAL,
    { mode: 'serially with --exit', args: ['--exit'], config: CONFIGS.yaml, processes: 'one' },
    PARALLEL,
    { mode: 'with --parallel --jobs 2 --exit', args: ['--parallel', '--jobs', '2', '--exit'], config: CONFIGS.cjs, processes: 'several' },
  ].map((mode) => ({ ...mode, framework: WORKSPACE! })),
  // Older versions: the same suite, once serially and once in parallel.
  ...INSTALLED.flatMap((framework: Framework) => [
    { ...SERIAL, config: OLDER_CONFIGS.json, framework },
    { ...PARALLEL, config: OLDER_CONFIGS.js, framework },
  ]),
])('Mocha ($framework.version) $mode', ({ mode, args, config, processes, framework }) => {
  const title = `mocha e2e ${framework.version} ${mode}`;
  let results: ResultBody[];
  let state: EmulatorState;
  let mocha: Run;

  beforeAll(async () => {
    const dir = writeProject(framework.projectDir(`suite-${Object.keys(config)[0]}`), { ...SUITE, ...config });
    mocha = await runMocha(dir, args, testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: title }), framework);
    state = emulator().state();
    results = resultsOf(state, title);
  });

  it('sends every attempt of every test exactly once, with its status, and completes the run', () => {
    // Mocha's exit code is its failure count: 3 tests, a failed "before all" and a failed "after each" hook.
    expect(mocha.code, mocha.output).toBe(5);
    expect(titlesOf(results), mocha.output).toEqual(EXPECTED);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(state.runs.find((r) => r.title === title)?.status).toBe('complete');
  });

  it(`ran the tests in ${processes} process(es)`, () => {
    const pids = new Set(results.filter((r) => r.title === 'reports its process').map((r) => r.message));
    if (processes === 'one') expect(pids.size).toBe(1);
    else expect(pids.size).toBeGreaterThan(1);
  });

  it('links case ids from titles and qase(), and takes the suite from the describe blocks, as the official reporter', () => {
    expect(one(results, 'shows a hint')).toMatchObject({ testops_ids: [12] });
    expect(suiteOf(one(results, 'shows a hint'))).toEqual(['Cart', 'empty']);
    const failed = one(results, 'has no total');
    expect(failed.testops_ids).toEqual([13, 14]);
    expect(failed.message).toContain('Expected values to be strictly equal');
    expect(failed.execution.stacktrace).toContain('cart.spec.js');
    expect(suiteOf(one(results, 'runs nested steps'))).toEqual(['Steps']);
  });

  it("sends the official reporter's signature: ids, file, describe blocks and title as written, parameters", () => {
    expect(one(results, 'shows a hint').signature).toBe('12::cart.spec.js::cart::empty::shows_a_hint_(qase_id:_12)');
    expect(one(results, 'totals in EUR').signature).toBe("cart.spec.js::cart::totals_in_eur::{'currency':'eur'}::{'total':'10'}");
  });

  it('applies what tests said through qase.*, afterEach hooks included', () => {
    expectCartCalls(state, results, SUITE['fixture.txt'] as string);
    expect(one(results, 'has no total').attachments?.map((hash) => contentOf(state, hash))).toEqual([sha256('failed: has no total (Qase ID: 13,14)')]);
  });

  it('attaches what a test printed, with captureLogs on', () => {
    const [log] = one(results, 'shows a hint').attachments ?? [];
    expect(contentOf(state, log)).toBe(sha256('hint shown\n'));
  });

  it('sends nested steps with their attachments, expected results and data', () => {
    const sync = one(results, 'runs nested steps');
    const [outer] = sync.steps ?? [];
    expect(sync.steps).toHaveLength(1);
    expect(outer?.data.action).toBe('outer');
    expect(outer?.steps?.map((s) => [s.data, s.execution.status])).toEqual([
      [{ action: 'inner', expected_result: 'inner expected', input_data: 'inner data' }, 'passed'],
    ]);
    expect(contentOf(state, outer?.execution.attachments?.[0])).toBe(sha256('made in outer'));
    expect(contentOf(state, outer?.steps?.[0]?.execution.attachments?.[0])).toBe(sha256(JSON.stringify({ inner: true })));
    expect(sync.attachments?.map((hash) => contentOf(state, hash))).toEqual([sha256('bytes of the test')]);

    const shape = (steps: StepBody[] = []): unknown[] => steps.map((s) => [s.data.action, s.execution.status, shape(s.steps)]);
    expect(shape(one(results, 'runs nested async steps').steps)).toEqual([['load', 'passed', [['fetch', 'passed', []], ['parse', 'passed', []]]]]);
    const broken = one(results, 'fails in a step');
    expect(shape(broken.steps)).toEqual([['breaks', 'failed', []]]);
    expect(broken.message).toBe('step broke');
  });

  it('sends each attempt of a retried test with its own steps', () => {
    expectRetriedAttempts(results, 'broken for good');
  });

  it('fails the test a failed hook ran for, and skips those it kept from running, with its error', () => {
    expect(one(results, 'never runs').message).toBe('"before all" hook for "never runs" failed: db down');
    expect(suiteOf(one(results, 'never runs either'))).toEqual(['Broken setup', 'nested']);
    expect(one(results, 'never runs either').message).toBe('"before all" hook for "never runs" failed: db down');
    const cleanup = '"after each" hook for "runs, then its cleanup fails" failed: cleanup failed';
    expect(one(results, 'runs, then its cleanup fails').message).toBe(cleanup);
    expect(one(results, 'is kept from running').message).toBe(cleanup);
  });
});

describe('Mocha in a dry run', () => {
  it('writes the requests it would have sent, and uploads nothing', async () => {
    const before = emulator().state().requests.length;
    const dir = writeProject(join(TMP, 'dry-run'), { ...SUITE, ...CONFIGS.json });
    const mocha = await runMocha(dir, ['--parallel', '--jobs', '2'], { QASE_MODE: 'dry-run' });

    const sent = dryRunResults(dir);
    expect(titlesOf(sent), mocha.output).toEqual(EXPECTED);
    expect(one(sent, 'runs nested steps').steps?.[0]?.steps?.[0]?.data.action).toBe('inner');
    expect(emulator().state().requests.length).toBe(before);
  });
});

describe('Mocha against an API that refuses large requests and drops answers', () => {
  const faulty = emulatorFor(startFaultyEmulator);

  it('still delivers every result exactly once', async () => {
    const { files, titles } = sixtyTests((name, title) => [`${name}.spec.js`, `for (let i = 0; i < 20; i++) it(${title}, function () {});\n`]);
    const dir = writeProject(join(TMP, 'faults'), { ...files, ...CONFIGS.json });
    const mocha = await runMocha(dir, ['--parallel', '--jobs', '2', '--exit'], testopsEnv(faulty(), { QASE_TESTOPS_RUN_TITLE: 'mocha e2e faults' }));
    expectDeliveredOnce(faulty(), 'mocha e2e faults', titles, mocha, dir);
  });
});
