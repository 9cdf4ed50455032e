// The real Vitest CLI with our reporter loaded by name, against the emulator: what arrived is what we assert on.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorState } from '@qase-reporters/emulator';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  contentOf,
  createRun,
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
  sha256,
  sixtyTests,
  startFaultyEmulator,
  tempDir,
  testopsEnv,
  titlesOf,
  writeProject,
} from './harness';
import type { Files, Framework, ResultBody, Run } from './harness';

const TMP = tempDir('vitest');
// The workspace's Vitest (the newest), the oldest supported and the Vitest 3 most projects have, with the Vite they take.
const [WORKSPACE, ...INSTALLED] = frameworks(TMP, [{ vitest: '3.0.9', vite: '6.4.6' }, { vitest: '3.2.7', vite: '6.4.6' }]);

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
    // annotate() is Vitest 3.2's.
    await annotate?.('receipt.txt', { body: 'paid in full', bodyEncoding: 'utf-8', contentType: 'text/plain' });
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
    test(name, withQase(async ({ qase }) => {${interleavingTestBody(4)}
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
  ['lists orders', 'skipped'],
  ['reports its worker', 'passed'],
  ['reports its worker', 'passed'],
  ['reports its worker', 'passed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'failed'],
  ['passes on the third attempt', 'passed'],
  ['always fails', 'invalid'],
  ['always fails', 'invalid'],
  ['always fails', 'invalid'],
  ['checks softly', 'failed'],
  ['checks softly', 'failed'],
  ['north', 'passed'],
  ['east', 'passed'],
  ['south', 'passed'],
  ['west', 'passed'],
].sort();

const emulator = emulatorFor();

function runVitest(dir: string, args: string[], env: Record<string, string>, framework = WORKSPACE!): Promise<Run> {
  // This file itself runs inside Vitest: none of its variables may reach the child.
  return run(framework.bin('vitest'), ['run', '--config', 'vitest.config.mts', ...args], { cwd: dir, env, hide: /^VITEST/ });
}

describe.each([WORKSPACE!, ...INSTALLED].flatMap((framework: Framework) => [
  { pool: 'forks', args: ['--pool=forks', '--maxWorkers=2'], framework },
  { pool: 'threads', args: ['--pool=threads', '--maxWorkers=2'], framework },
]))('Vitest ($framework.version) with the $pool pool', ({ pool, args, framework }) => {
  const title = `vitest e2e ${framework.version} ${pool}`;
  let results: ResultBody[];
  let state: EmulatorState;
  let vitest: Run;

  beforeAll(async () => {
    const dir = writeProject(framework.projectDir(`suite-${pool}`), SUITE);
    vitest = await runVitest(dir, args, testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: title }), framework);
    state = emulator().state();
    results = resultsOf(state, title);
  });

  it('sends every attempt of every test exactly once, with its status', () => {
    expect(vitest.code, vitest.output).toBe(1); // the suite has failing tests
    expect(titlesOf(results), vitest.output).toEqual(EXPECTED);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(state.runs.find((r) => r.title === title)?.status).toBe('complete');
  });

  it('ran the tests in more than one worker', () => {
    expect(new Set(results.filter((r) => r.title === 'reports its worker').map((r) => r.message)).size).toBeGreaterThan(1);
  });

  it('links case ids from titles and qase(); the suite is the file and the describe blocks', () => {
    expect(one(results, 'shows a hint')).toMatchObject({
      testops_ids: [12],
      relations: { suite: { data: [{ title: 'cart.test.ts' }, { title: 'Cart' }, { title: 'empty' }] } },
    });
    expect(results.filter((r) => r.title === 'always fails').map((r) => r.relations?.suite.data))
      .toEqual(Array(3).fill([{ title: 'retry.test.ts' }]));
    const failed = one(results, 'has no total');
    expect(failed.testops_ids).toEqual([13, 14]);
    expect(failed.message).toContain('AssertionError: expected 1 to be 2');
    expect(failed.execution.stacktrace).toContain('cart.test.ts');
    expect(one(results, 'pays later').message).toBe('not offered yet');
  });

  it("sends the official reporter's signature: the full name as written", () => {
    expect(one(results, 'shows a hint').signature).toBe('Cart > empty > shows a hint (Qase ID: 12)');
    expect(one(results, 'totals in EUR').signature).toBe('Cart > totals in EUR');
  });

  it('skips the tests Vitest skipped because their beforeAll failed, as the official reporter, with its error', () => {
    const skipped = one(results, 'lists orders');
    expect(skipped.execution.status).toBe('skipped');
    expect(skipped.message).toBe('The test did not run: describe block "Orders" failed before it.\n\nthe database is down');
  });

  it('applies what tests said through qase.*', () => {
    expectCartCalls(state, results, SUITE['fixture.txt'] as string);
  });

  it("sends what the test printed and the files it gave Vitest's annotate()", () => {
    const receipt = one(results, 'keeps a receipt');
    const names = receipt.attachments?.map((hash) => state.attachments.find((a) => a.hash === hash)?.filename);
    const annotates = !/^3\.[01]\./.test(framework.version);
    expect(names?.sort()).toEqual(annotates ? ['log.txt', 'receipt.txt'] : ['log.txt']);
    if (annotates) expect(receipt.attachments?.map((hash) => contentOf(state, hash))).toContain(sha256('paid in full'));
    expect(receipt.attachments?.map((hash) => contentOf(state, hash))).toContain(sha256('printing the receipt\n'));
  });

  it('sends each attempt of a retried test with its own steps and errors', () => {
    expectRetriedAttempts(results, 'broken for good');
    const attempts = results.filter((r) => r.title === 'passes on the third attempt');
    expect(attempts.filter((r) => r.execution.status === 'failed').map((r) => r.message?.split('\n')[0]).sort()).toEqual([
      'AssertionError: expected 1 to be 3 // Object.is equality',
      'AssertionError: expected 2 to be 3 // Object.is equality',
    ]);
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
      expect(result.relations?.suite.data).toEqual([{ title: 'compass.test.ts' }, { title: 'Compass' }]);
      expectOwnStepsAndAttachments(state, result, name);
    }
  });
});

describe('Vitest in a dry run', () => {
  it('writes the requests it would have sent, and uploads nothing', async () => {
    const before = emulator().state().requests.length;
    const dir = writeProject(join(TMP, 'dry-run'), SUITE);
    const vitest = await runVitest(dir, [], { QASE_MODE: 'dry-run' });

    const sent = dryRunResults(dir);
    expect(titlesOf(sent), vitest.output).toEqual(EXPECTED);
    expect(one(sent, 'north').steps?.[1]?.steps?.[0]?.data.action).toBe('north: inner');
    expect(emulator().state().requests.length).toBe(before);
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
    const runId = await createRun(emulator(), 'Sharded vitest run');
    const dir = writeProject(join(TMP, 'shards'), SHARDED);
    const env = testopsEnv(emulator(), { QASE_TESTOPS_RUN_ID: String(runId) });
    const runs = await Promise.all([1, 2].map((shard) => runVitest(dir, [`--shard=${shard}/2`], env)));

    const state = emulator().state();
    const output = runs.map((r) => r.output).join('\n');
    expect((state.results[runId] ?? []).map((r) => (r.body as unknown as ResultBody).title).sort(), output).toEqual(ALL);
    expect(state.runs.find((r) => r.id === runId)).toMatchObject({ status: 'active', completions: 0 });
    // Both shards took part: results arrived in at least two requests.
    expect(state.requests.filter((r) => r.path === `/v2/DEMO/run/${runId}/results` && r.status === 202).length).toBeGreaterThanOrEqual(2);
  });

  it('sends the blob reports of both shards once, as one run, from --merge-reports', async () => {
    const dir = writeProject(join(TMP, 'merge'), SHARDED);
    // Shards write blobs only (the command line's reporter replaces the config's), as they would on CI machines.
    for (const shard of [1, 2]) await runVitest(dir, [`--shard=${shard}/2`, '--reporter=blob'], {});
    expect(readdirSync(join(dir, '.vitest-reports')).sort()).toEqual(['blob-1-2.json', 'blob-2-2.json']);
    const mergedAtMs = Date.now();
    const merged = await runVitest(dir, ['--merge-reports'], testopsEnv(emulator(), { QASE_TESTOPS_RUN_TITLE: 'merged vitest run' }));

    const state = emulator().state();
    const results = resultsOf(state, 'merged vitest run');
    expect(results.map((r) => r.title).sort(), merged.output).toEqual(ALL);
    expect(state.runs.find((r) => r.title === 'merged vitest run')?.status).toBe('complete');
    // What the tests said travelled in the blobs: each attempt of b1 keeps its own step.
    expect(results.filter((r) => r.title === 'b1').map((r) => [r.execution.status, r.steps?.[0]?.data.action]).sort()).toEqual([
      ['invalid', 'try 0'],
      ['passed', 'try 1'],
    ]);
    // The run starts with the shards, not with the merge, so the results keep the times they ran at.
    expect(Math.max(...results.map((r) => r.execution.start_time * 1000))).toBeLessThan(mergedAtMs);
  });
});

describe('Vitest against an API that refuses large requests and drops answers', () => {
  const faulty = emulatorFor(startFaultyEmulator);

  it('still delivers every result exactly once', async () => {
    const { files, titles } = sixtyTests((name, title) => [`${name}.test.ts`, `import { test } from 'vitest';\nfor (let i = 0; i < 20; i++) test(${title}, () => {});\n`]);
    const dir = writeProject(join(TMP, 'faults'), { ...files, 'vitest.config.mts': CONFIG });
    const vitest = await runVitest(dir, [], testopsEnv(faulty(), { QASE_TESTOPS_RUN_TITLE: 'vitest e2e faults' }));
    expectDeliveredOnce(faulty(), 'vitest e2e faults', titles, vitest, dir);
  });
});
