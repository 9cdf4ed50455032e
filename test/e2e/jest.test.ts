// The real Jest CLI with our reporter loaded by name, against the emulator: what arrived is what we assert on.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator, EmulatorState } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../..');
const JEST = join(REPO, 'node_modules/.bin/jest');
const TMP = join(REPO, 'test/.tmp', `jest-${randomUUID().slice(0, 8)}`);

type Files = Record<string, string>;
type Body = Record<string, unknown> & {
  id: string;
  title: string;
  execution: { status: string; stacktrace?: string };
  testops_ids?: number[];
  message?: string;
  fields?: Record<string, string>;
  params?: Record<string, string>;
  param_groups?: string[][];
  relations?: { suite: { data: { title: string }[] } };
  attachments?: string[];
  steps?: StepBody[];
};
interface StepBody {
  data: { action: string; expected_result?: string; input_data?: string };
  execution: { status: string; attachments?: string[] };
  steps?: StepBody[];
}

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
    test.concurrent(name, async () => {
      await qase.step(\`\${name}: wait for the others\`, async () => {
        started += 1;
        if (started === names.length) release();
        await allStarted;
      });
      await qase.step(\`\${name}: outer\`, async () => {
        qase.attach({ name: \`\${name}.txt\`, content: \`made by \${name}\` });
        await tick();
        await qase.step(
          \`\${name}: inner\`,
          async () => {
            await tick();
            qase.attach({ name: \`\${name}.json\`, content: JSON.stringify({ name }), contentType: 'application/json' });
          },
          \`\${name} expected\`,
          \`\${name} data\`,
        );
      });
      qase.attach({ name: \`\${name}.bin\`, content: Buffer.from(\`bytes of \${name}\`) });
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
  ['always fails', 'failed'],
  ['always fails', 'failed'],
  ['always fails', 'failed'],
  ['steady', 'passed'],
  ['steady', 'passed'],
  ['shaky', 'failed'],
  ['shaky', 'passed'],
  ['north', 'passed'],
  ['east', 'passed'],
  ['south', 'passed'],
  ['west', 'passed'],
].sort();

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.close();
  rmSync(TMP, { recursive: true, force: true });
});

interface Run {
  code: number;
  output: string;
  dir: string;
}

function writeProject(name: string, files: Files): string {
  const dir = join(TMP, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Runs Jest in `dir` with a temp folder of its own (`<dir>/.tmp`), so what the reporter leaves there can be seen. */
function runJest(dir: string, args: string[], env: Record<string, string>): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('QASE_') && !key.startsWith('JEST_')));
  mkdirSync(join(dir, '.tmp'), { recursive: true });
  return new Promise((done) => {
    execFile(JEST, args, { cwd: dir, env: { ...clean, TMPDIR: join(dir, '.tmp'), ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, output: `${stdout}\n${stderr}`, dir });
    });
  });
}

function testopsEnv(title: string, target: Emulator = emulator): Record<string, string> {
  return {
    QASE_MODE: 'testops',
    QASE_TESTOPS_API_HOST: target.url,
    QASE_TESTOPS_API_TOKEN: target.token,
    QASE_TESTOPS_PROJECT: 'DEMO',
    QASE_TESTOPS_RUN_TITLE: title,
  };
}

function resultsOf(state: EmulatorState, title: string): Body[] {
  const run = state.runs.find((r) => r.title === title);
  expect(run, `no run titled "${title}"`).toBeDefined();
  return (state.results[run!.id] ?? []).map((r) => r.body as Body);
}

function one(results: Body[], title: string): Body {
  const found = results.filter((r) => r.title === title);
  expect(found, title).toHaveLength(1);
  return found[0]!;
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

describe.each([
  { mode: 'with two workers', args: ['--maxWorkers=2'], config: CONFIGS[0]!, processes: 'several' },
  { mode: 'in band', args: ['--runInBand'], config: CONFIGS[1]!, processes: 'one' },
  { mode: 'with two workers, a TypeScript config and --forceExit', args: ['--maxWorkers=2', '--forceExit'], config: CONFIGS[2]!, processes: 'several' },
])('Jest $mode', ({ mode, args, config, processes }) => {
  let results: Body[];
  let state: EmulatorState;
  let run: Run;

  beforeAll(async () => {
    const title = `jest e2e ${mode}`;
    run = await runJest(writeProject(`suite-${Object.keys(config)[0]}`, { ...SUITE, ...config }), args, testopsEnv(title));
    state = emulator.state();
    results = resultsOf(state, title);
  });

  it('sends every attempt of every test exactly once, with its status', () => {
    expect(run.code, run.output).toBe(1); // the suite has failing tests
    expect(results.map((r) => [r.title, r.execution.status]).sort(), run.output).toEqual(EXPECTED);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(state.runs.find((r) => r.title === `jest e2e ${mode}`)?.status).toBe('complete');
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

  it('applies what tests said through qase.*', () => {
    const coupon = one(results, 'Coupon is applied');
    expect(coupon).toMatchObject({ testops_ids: [15, 16], fields: { severity: 'major', layer: 'unit' }, message: 'fixed price' });
    const [fixture] = coupon.attachments ?? [];
    expect(state.attachments.find((a) => a.hash === fixture)?.sha256).toBe(sha256(SUITE['fixture.txt']!));
    expect(one(results, 'moves to another suite')).toMatchObject({
      relations: { suite: { data: [{ title: 'Checkout' }, { title: 'Payments' }] } },
      params: { card: 'visa', country: 'NL' },
      param_groups: [['card', 'country']],
    });
    expect(results.some((r) => r.title === 'is not reported')).toBe(false);
  });

  it('sends each test.each row with its parameters', () => {
    expect(one(results, 'totals in EUR').params).toEqual({ currency: 'EUR', total: '10' });
    expect(one(results, 'totals in USD').params).toEqual({ currency: 'USD', total: '11' });
  });

  it('sends each attempt of a retried test with its own steps, the pass after failures flaky', () => {
    // Batches may arrive in any order; each attempt is known by its step.
    const attempts = results.filter((r) => r.title === 'passes on the third attempt');
    const summary = attempts.map((r) => [r.execution.status, r.steps?.map((s) => [s.data.action, s.execution.status]), r.fields?.is_flaky]);
    expect(summary.sort((a, b) => JSON.stringify(a[1]).localeCompare(JSON.stringify(b[1])))).toEqual([
      ['failed', [['attempt 1', 'failed']], undefined],
      ['failed', [['attempt 2', 'failed']], undefined],
      ['passed', [['attempt 3', 'passed']], 'true'],
    ]);
    const broken = results.filter((r) => r.title === 'always fails');
    expect(broken.map((r) => [r.message, r.fields?.is_flaky])).toEqual(Array(3).fill(['Error: broken for good', undefined]));
  });

  it('sends every attempt of a retried describe block, flaky only after a failure', () => {
    const attemptsOf = (title: string) => results.filter((r) => r.title === title).map((r) => [r.execution.status, r.fields?.is_flaky]).sort();
    expect(attemptsOf('steady')).toEqual([['passed', undefined], ['passed', undefined]]);
    expect(attemptsOf('shaky')).toEqual([['failed', undefined], ['passed', 'true']]);
  });

  it('puts the nested steps and attachments of concurrent tests on their own results', () => {
    const contentOf = (hash: string | undefined) => state.attachments.find((a) => a.hash === hash)?.sha256;
    for (const name of ['north', 'east', 'south', 'west']) {
      const result = one(results, name);
      const [wait, outer] = result.steps ?? [];
      expect(result.steps).toHaveLength(2);
      expect(wait?.data.action).toBe(`${name}: wait for the others`);
      expect(outer?.data.action).toBe(`${name}: outer`);
      expect(outer?.steps?.map((s) => s.data)).toEqual([{ action: `${name}: inner`, expected_result: `${name} expected`, input_data: `${name} data` }]);
      expect(contentOf(outer?.execution.attachments?.[0])).toBe(sha256(`made by ${name}`));
      expect(contentOf(outer?.steps?.[0]?.execution.attachments?.[0])).toBe(sha256(JSON.stringify({ name })));
      expect(result.attachments?.map(contentOf)).toEqual([sha256(`bytes of ${name}`)]);
    }
  });

  it('removes its transport folder at the end', () => {
    expect(readdirSync(join(run.dir, '.tmp')).filter((name) => name.startsWith('qase-jest-'))).toEqual([]);
  });
});

describe('Jest in a dry run', () => {
  it('writes the requests it would have sent, and uploads nothing', async () => {
    const before = emulator.state().requests.length;
    const dir = writeProject('dry-run', { ...SUITE, ...CONFIGS[0] });
    const run = await runJest(dir, ['--maxWorkers=2'], { QASE_MODE: 'dry-run' });

    const folder = join(dir, 'qase-dry-run', 'requests');
    const sent = readdirSync(folder).flatMap((file) => (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { results: Body[] }).results);
    expect(sent.map((r) => [r.title, r.execution.status]).sort(), run.output).toEqual(EXPECTED);
    const north = one(sent, 'north');
    expect(north.steps?.[1]?.steps?.[0]?.data.action).toBe('north: inner');
    expect(emulator.state().requests.length).toBe(before);
  });
});

describe('Jest against an API that refuses large requests and drops answers', () => {
  let faulty: Emulator;

  beforeAll(async () => {
    faulty = await startEmulator();
  });

  afterAll(async () => {
    await faulty?.close();
  });

  it('still delivers every result exactly once', async () => {
    const files: Files = { ...CONFIGS[0] };
    for (const file of ['a', 'b', 'c']) {
      files[`${file}.test.js`] = `for (let i = 0; i < 20; i++) test(\`${file} \${i}\`, () => {});\n`;
    }
    // 413 above 4 results per request (ours are 10) and a fifth of the requests stored but never answered.
    faulty.maxResultsPerRequest(4);
    faulty.dropAfterCommit(0.2);

    const run = await runJest(writeProject('faults', files), ['--maxWorkers=2', '--forceExit'], testopsEnv('jest e2e faults', faulty));

    const state = faulty.state();
    const titles = resultsOf(state, 'jest e2e faults').map((r) => r.title).sort();
    const expected = ['a', 'b', 'c'].flatMap((file) => Array.from({ length: 20 }, (_, i) => `${file} ${i}`)).sort();
    expect(titles, run.output).toEqual(expected);
    expect(state.requests.some((r) => r.status === 413)).toBe(true);
    expect(state.requests.some((r) => r.dropped)).toBe(true);
    expect(existsSync(join(TMP, 'faults', '.qase'))).toBe(false); // nothing left undelivered in the outbox
  });
});
