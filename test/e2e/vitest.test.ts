// The real Vitest CLI with our reporter loaded by name, against the emulator: what arrived is what we assert on.
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator, EmulatorState } from '@qase-reporters/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../..');
const VITEST = join(REPO, 'node_modules/.bin/vitest');
const TMP = join(REPO, 'test/.tmp', `vitest-${randomUUID().slice(0, 8)}`);

type Files = Record<string, string>;
type Body = Record<string, unknown> & {
  id: string;
  title: string;
  execution: { status: string; stacktrace?: string; start_time: number };
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

// The project's own config, which the child must use rather than the repository's vitest.config.mts.
const CONFIG = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    reporters: ['default', ['@qase-reporters/vitest', { captureLogs: true, testops: { batch: { size: 10 } } }]],
  },
});
`;

// Which worker ran a test: a process, and a thread of it under the threads pool.
const WORKER = "import { threadId } from 'node:worker_threads';\n";
const REPORT_WORKER = "test('reports its worker', () => {\n  qase.comment(`${process.pid}/${threadId}`);\n});\n";

// A suite touching every status, case ids, the whole per-test API, retries, logs, annotations and concurrency.
const SUITE: Files = {
  'vitest.config.mts': CONFIG,
  'fixture.txt': 'a file the test attaches by path\n',
  'cart.test.ts': `import { beforeAll, describe, expect, test } from 'vitest';
import { qase } from '@qase-reporters/vitest';
${WORKER}
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
  test('pays later', (context) => {
    context.skip('not offered yet');
  });
  test.each([
    ['EUR', 10],
    ['USD', 11],
  ])('totals in %s', (currency, total) => {
    qase.parameters({ currency, total });
  });
  test('moves to another suite', () => {
    qase.suite('Checkout\\tPayments').groupParameters({ card: 'visa', country: 'NL' });
  });
  test('is not reported', () => {
    qase.ignore();
  });
  test('keeps a receipt', async ({ annotate }) => {
    console.log('printing the receipt');
    await annotate('receipt.txt', { body: 'paid in full', bodyEncoding: 'utf-8', contentType: 'text/plain' });
  });
  ${REPORT_WORKER}});
describe('Orders', () => {
  beforeAll(() => {
    throw new Error('the database is down');
  });
  test('lists orders', () => {});
});
`,
  'retry.test.ts': `import { expect, test } from 'vitest';
import { qase } from '@qase-reporters/vitest';
${WORKER}
let attempts = 0;

test('passes on the third attempt', { retry: 2 }, async () => {
  attempts += 1;
  await qase.step(\`attempt \${attempts}\`, async () => {
    expect(attempts).toBe(3);
  });
});
test('always fails', { retry: 2 }, () => {
  throw new Error('broken for good');
});
test('checks softly', { retry: 1 }, () => {
  expect.soft(1).toBe(2);
  expect.soft('a').toBe('b');
});
${REPORT_WORKER}`,
  'compass.test.ts': `import { describe, test } from 'vitest';
import { qase, withQase } from '@qase-reporters/vitest';
${WORKER}
const names = ['north', 'east', 'south', 'west'];
let started = 0;
let release: () => void;
const allStarted = new Promise<void>((resolve) => (release = resolve));
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe.concurrent('Compass', () => {
  // Each test waits until all four are in flight, so their steps and attachments interleave in one worker.
  for (const name of names) {
    test(name, withQase(async ({ qase }) => {
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
    }));
  }
});
${REPORT_WORKER}`,
};

/** Every result the suite sends, as [title, status]; a retried test once per attempt. */
const EXPECTED = [
  ['shows a hint', 'passed'],
  ['has no total', 'failed'],
  ['Coupon is applied', 'passed'],
  ['pays with a card', 'skipped'],
  ['pays with a voucher', 'skipped'],
  ['pays later', 'skipped'],
  ['totals in EUR', 'passed'],
  ['totals in USD', 'passed'],
  ['moves to another suite', 'passed'],
  ['keeps a receipt', 'passed'],
  ['lists orders', 'failed'],
  ['reports its worker', 'passed'],
  ['reports its worker', 'passed'],
  ['reports its worker', 'passed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'passed'],
  ['always fails', 'failed'],
  ['always fails', 'failed'],
  ['always fails', 'failed'],
  ['checks softly', 'failed'],
  ['checks softly', 'failed'],
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

function writeProject(name: string, files: Files): string {
  const dir = join(TMP, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

interface Run {
  code: number;
  output: string;
}

function runVitest(dir: string, args: string[], env: Record<string, string>): Promise<Run> {
  // This file itself runs inside Vitest: none of its variables (or ours) may reach the child.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(QASE_|VITEST)/.test(key)));
  return new Promise((done) => {
    execFile(VITEST, ['run', '--config', 'vitest.config.mts', ...args], { cwd: dir, env: { ...clean, ...env }, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

function testopsEnv(target: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    QASE_MODE: 'testops',
    QASE_TESTOPS_API_HOST: target.url,
    QASE_TESTOPS_API_TOKEN: target.token,
    QASE_TESTOPS_PROJECT: 'DEMO',
    ...extra,
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
const titlesOf = (results: Body[]) => results.map((r) => [r.title, r.execution.status]).sort();

describe.each([
  { pool: 'forks', args: ['--pool=forks', '--maxWorkers=2'] },
  { pool: 'threads', args: ['--pool=threads', '--maxWorkers=2'] },
])('Vitest with the $pool pool', ({ pool, args }) => {
  const title = `vitest e2e ${pool}`;
  let results: Body[];
  let state: EmulatorState;
  let run: Run;
  const contentOf = (hash: string | undefined) => state.attachments.find((a) => a.hash === hash)?.sha256;

  beforeAll(async () => {
    run = await runVitest(writeProject(`suite-${pool}`, SUITE), args, testopsEnv(emulator, { QASE_TESTOPS_RUN_TITLE: title }));
    state = emulator.state();
    results = resultsOf(state, title);
  });

  it('sends every attempt of every test exactly once, with its status', () => {
    expect(run.code, run.output).toBe(1); // the suite has failing tests
    expect(titlesOf(results), run.output).toEqual(EXPECTED);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(state.runs.find((r) => r.title === title)?.status).toBe('complete');
  });

  it('ran the tests in more than one worker', () => {
    expect(new Set(results.filter((r) => r.title === 'reports its worker').map((r) => r.message)).size).toBeGreaterThan(1);
  });

  it('links case ids from titles and qase(), and takes the suite from file and describe blocks', () => {
    expect(one(results, 'shows a hint')).toMatchObject({ testops_ids: [12], relations: { suite: { data: [{ title: 'cart.test.ts' }, { title: 'Cart' }, { title: 'empty' }] } } });
    const failed = one(results, 'has no total');
    expect(failed.testops_ids).toEqual([13, 14]);
    expect(failed.message).toContain('AssertionError: expected 1 to be 2');
    expect(failed.execution.stacktrace).toContain('cart.test.ts');
    expect(one(results, 'pays later').message).toBe('not offered yet');
  });

  it('fails the tests Vitest skipped because their beforeAll failed, with its error', () => {
    expect(one(results, 'lists orders').message).toBe('The test did not run: describe block "Orders" failed before it.\n\nthe database is down');
  });

  it('applies what tests said through qase.*', () => {
    const coupon = one(results, 'Coupon is applied');
    expect(coupon).toMatchObject({ testops_ids: [15, 16], fields: { severity: 'major', layer: 'unit' }, message: 'fixed price' });
    expect(coupon.attachments?.map(contentOf)).toEqual([sha256(SUITE['fixture.txt']!)]);
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

  it("sends what the test printed and the files it gave Vitest's annotate()", () => {
    const receipt = one(results, 'keeps a receipt');
    const names = receipt.attachments?.map((hash) => state.attachments.find((a) => a.hash === hash)?.filename);
    expect(names?.sort()).toEqual(['log.txt', 'receipt.txt']);
    expect(receipt.attachments?.map(contentOf)).toContain(sha256('paid in full'));
    expect(receipt.attachments?.map(contentOf)).toContain(sha256('printing the receipt\n'));
  });

  it('sends each attempt of a retried test with its own steps and errors, the pass after failures flaky', () => {
    // Batches may arrive in any order; each attempt is known by its step.
    const attempts = results.filter((r) => r.title === 'passes on the third attempt');
    const summary = attempts.map((r) => [r.execution.status, r.steps?.map((s) => [s.data.action, s.execution.status]), r.fields?.is_flaky]);
    expect(summary.sort((a, b) => JSON.stringify(a[1]).localeCompare(JSON.stringify(b[1])))).toEqual([
      ['failed', [['attempt 1', 'failed']], undefined],
      ['failed', [['attempt 2', 'failed']], undefined],
      ['passed', [['attempt 3', 'passed']], 'true'],
    ]);
    expect(attempts.filter((r) => r.execution.status === 'failed').map((r) => r.message?.split('\n')[0]).sort()).toEqual([
      'AssertionError: expected 1 to be 3 // Object.is equality',
      'AssertionError: expected 2 to be 3 // Object.is equality',
    ]);
    const broken = results.filter((r) => r.title === 'always fails');
    expect(broken.map((r) => [r.message, r.fields?.is_flaky])).toEqual(Array(3).fill(['broken for good', undefined]));
    const soft = results.filter((r) => r.title === 'checks softly');
    for (const attempt of soft) {
      expect(attempt.message?.match(/^AssertionError: .*$/gm)).toEqual([
        'AssertionError: expected 1 to be 2 // Object.is equality',
        "AssertionError: expected 'a' to be 'b' // Object.is equality",
      ]);
    }
  });

  it('puts the nested steps and attachments of concurrent tests on their own results', () => {
    for (const name of ['north', 'east', 'south', 'west']) {
      const result = one(results, name);
      const [wait, outer] = result.steps ?? [];
      expect(result.relations?.suite.data).toEqual([{ title: 'compass.test.ts' }, { title: 'Compass' }]);
      expect(result.steps).toHaveLength(2);
      expect(wait?.data.action).toBe(`${name}: wait for the others`);
      expect(outer?.data.action).toBe(`${name}: outer`);
      expect(outer?.steps?.map((s) => s.data)).toEqual([{ action: `${name}: inner`, expected_result: `${name} expected`, input_data: `${name} data` }]);
      expect(contentOf(outer?.execution.attachments?.[0])).toBe(sha256(`made by ${name}`));
      expect(contentOf(outer?.steps?.[0]?.execution.attachments?.[0])).toBe(sha256(JSON.stringify({ name })));
      expect(result.attachments?.map(contentOf)).toEqual([sha256(`bytes of ${name}`)]);
    }
  });
});

describe('Vitest in a dry run', () => {
  it('writes the requests it would have sent, and uploads nothing', async () => {
    const before = emulator.state().requests.length;
    const dir = writeProject('dry-run', SUITE);
    const run = await runVitest(dir, [], { QASE_MODE: 'dry-run' });

    const folder = join(dir, 'qase-dry-run', 'requests');
    const sent = readdirSync(folder).flatMap((file) => (JSON.parse(readFileSync(join(folder, file), 'utf8')) as { results: Body[] }).results);
    expect(titlesOf(sent), run.output).toEqual(EXPECTED);
    expect(one(sent, 'north').steps?.[1]?.steps?.[0]?.data.action).toBe('north: inner');
    expect(emulator.state().requests.length).toBe(before);
  });
});

describe('Vitest with --shard', () => {
  const SHARDED: Files = {
    'vitest.config.mts': CONFIG,
    'a.test.ts': "import { test } from 'vitest';\nfor (const n of [1, 2, 3]) test(`a${n}`, () => {});\n",
    'b.test.ts': "import { test } from 'vitest';\nimport { qase } from '@qase-reporters/vitest';\n" +
      "test('b1', { retry: 1 }, async ({ task }) => {\n  await qase.step(`try ${task.result?.retryCount}`, () => {});\n  if (task.result?.retryCount === 0) throw new Error('once');\n});\n" +
      "test('b2', () => {});\n",
  };
  const ALL = ['a1', 'a2', 'a3', 'b1', 'b1', 'b2'];

  it('sends two shards into one existing run, and neither completes it', async () => {
    const created = await fetch(`${emulator.url}/v1/run/DEMO`, {
      method: 'POST',
      headers: { Token: emulator.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Sharded vitest run' }),
    });
    const runId = ((await created.json()) as { result: { id: number } }).result.id;
    const dir = writeProject('shards', SHARDED);
    const env = testopsEnv(emulator, { QASE_TESTOPS_RUN_ID: String(runId) });
    const runs = await Promise.all([1, 2].map((shard) => runVitest(dir, [`--shard=${shard}/2`], env)));

    const state = emulator.state();
    const output = runs.map((r) => r.output).join('\n');
    expect((state.results[runId] ?? []).map((r) => (r.body as Body).title).sort(), output).toEqual(ALL);
    expect(state.runs.find((r) => r.id === runId)).toMatchObject({ status: 'active', completions: 0 });
    // Both shards took part: results arrived in at least two requests.
    expect(state.requests.filter((r) => r.path === `/v2/DEMO/run/${runId}/results` && r.status === 202).length).toBeGreaterThanOrEqual(2);
  });

  it('sends the blob reports of both shards once, as one run, from --merge-reports', async () => {
    const dir = writeProject('merge', SHARDED);
    // Shards write blobs only (the command line's reporter replaces the config's), as they would on CI machines.
    for (const shard of [1, 2]) await runVitest(dir, [`--shard=${shard}/2`, '--reporter=blob'], {});
    expect(readdirSync(join(dir, '.vitest-reports')).sort()).toEqual(['blob-1-2.json', 'blob-2-2.json']);
    const mergedAtMs = Date.now();
    const merged = await runVitest(dir, ['--merge-reports'], testopsEnv(emulator, { QASE_TESTOPS_RUN_TITLE: 'merged vitest run' }));

    const state = emulator.state();
    const results = resultsOf(state, 'merged vitest run');
    expect(results.map((r) => r.title).sort(), merged.output).toEqual(ALL);
    expect(state.runs.find((r) => r.title === 'merged vitest run')?.status).toBe('complete');
    // What the tests said travelled in the blobs: each attempt of b1 keeps its own step.
    expect(results.filter((r) => r.title === 'b1').map((r) => [r.execution.status, r.steps?.[0]?.data.action]).sort()).toEqual([
      ['failed', 'try 0'],
      ['passed', 'try 1'],
    ]);
    // The run starts with the shards, not with the merge, so the results keep the times they ran at.
    expect(Math.max(...results.map((r) => r.execution.start_time * 1000))).toBeLessThan(mergedAtMs);
  });
});

describe('Vitest against an API that refuses large requests and drops answers', () => {
  let faulty: Emulator;

  beforeAll(async () => {
    faulty = await startEmulator();
  });

  afterAll(async () => {
    await faulty?.close();
  });

  it('still delivers every result exactly once', async () => {
    const files: Files = { 'vitest.config.mts': CONFIG };
    for (const file of ['a', 'b', 'c']) {
      files[`${file}.test.ts`] = `import { test } from 'vitest';\nfor (let i = 0; i < 20; i++) test(\`${file} \${i}\`, () => {});\n`;
    }
    // 413 above 4 results per request (ours are 10) and a fifth of the requests stored but never answered.
    faulty.maxResultsPerRequest(4);
    faulty.dropAfterCommit(0.2);

    const run = await runVitest(writeProject('faults', files), [], testopsEnv(faulty, { QASE_TESTOPS_RUN_TITLE: 'vitest e2e faults' }));

    const state = faulty.state();
    const titles = resultsOf(state, 'vitest e2e faults').map((r) => r.title).sort();
    const expected = ['a', 'b', 'c'].flatMap((file) => Array.from({ length: 20 }, (_, i) => `${file} ${i}`)).sort();
    expect(titles, run.output).toEqual(expected);
    expect(state.requests.some((r) => r.status === 413)).toBe(true);
    expect(state.requests.some((r) => r.dropped)).toBe(true);
    expect(existsSync(join(TMP, 'faults', '.qase'))).toBe(false); // nothing left undelivered in the outbox
  });
});
