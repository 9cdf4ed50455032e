// Real `playwright test` runs (tests that need no browser) with our reporter, against the emulator. Assertions are
// on what the emulator stored, never on what Playwright printed; the output only explains a failure.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '@qase-reporters/emulator';
import type { Emulator, EmulatorState } from '@qase-reporters/emulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentOf, createRun, dryRunResults, frameworks, run, sha256, tempDir, testopsEnv, writeProject } from './harness';
import type { Files, Framework, ResultBody } from './harness';

const TMP = tempDir('playwright');
// The workspace's Playwright (the newest) and the oldest supported.
const [WORKSPACE, ...INSTALLED] = frameworks(TMP, [{ '@playwright/test': '1.40.1' }]);
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ seed: 7 });
});

afterEach(async () => {
  await emulator.close();
});

/** A Playwright project in a fresh folder (its own package.json keeps Playwright's output inside it). */
function project(name: string, files: Files, framework = WORKSPACE!): string {
  return writeProject(framework.projectDir(name), { 'package.json': JSON.stringify({ name: `pw-${name}`, private: true }), ...files });
}

/** A CommonJS config; the `extra` lines come after the defaults, so they can override them. */
function cjsConfig(extra = ''): string {
  return `module.exports = {
  testDir: 'tests',
  outputDir: 'test-results',
  workers: 2,
  ${extra}
  reporter: [['@qase-reporters/playwright']],
};
`;
}

/** Runs the Playwright CLI; resolves with its output whatever the exit code (failing tests exit 1 on purpose). */
async function playwright(cwd: string, args: string[], env: Record<string, string> = {}, framework = WORKSPACE!): Promise<string> {
  return (await run(framework.bin('playwright'), args, { cwd, env, hide: /^PLAYWRIGHT_/ })).output;
}

/** Whether `framework` is Playwright `major.minor` or newer; the workspace's is the newest. */
function atLeast(framework: Framework, major: number, minor: number): boolean {
  if (framework.version === 'workspace') return true;
  const [ownMajor = 0, ownMinor = 0] = framework.version.split('.').map(Number);
  return ownMajor > major || (ownMajor === major && ownMinor >= minor);
}

function onlyRun(state: EmulatorState): { id: number; status: string; completions: number; startTime: number; results: ResultBody[] } {
  expect(state.runs).toHaveLength(1);
  const [runState] = state.runs;
  return { ...runState, results: (state.results[runState.id] ?? []).map((r) => r.body as unknown as ResultBody) };
}

function byTitle(results: ResultBody[], title: string): ResultBody[] {
  return results.filter((r) => r.title === title);
}

/** The SHA-256 of the bytes the emulator received for each attachment hash in `hashes`. */
function contents(state: EmulatorState, hashes: readonly string[] = []): string[] {
  return hashes.map((hash) => contentOf(state, hash) ?? `missing ${hash}`);
}

function titles(results: ResultBody[]): string[] {
  return results.map((r) => r.title).sort();
}

describe('@qase-reporters/playwright with npx playwright test', () => {
  it.each([WORKSPACE!, ...INSTALLED])('uploads every attempt once: statuses, ids, steps, attachments, metadata, retries ($version)', async (framework: Framework) => {
    // What older versions lack (see the README's version table): `test(title, details, body)` came in 1.42, step
    // attachments in 1.50; a file attached inside a plain test.step goes to the test before that.
    const declaresDetails = atLeast(framework, 1, 42);
    const stepAttachments = atLeast(framework, 1, 50);
    const dir = project('main', {
      'playwright.config.js': cjsConfig('retries: 1,'),
      'tests/fixture.png': PNG,
      'tests/checkout.spec.js': `
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { qase } = require('@qase-reporters/playwright');

test.describe('Checkout', () => {
  test(qase(1, 'one id by qase()'), async () => {});
  test(qase([2, 3], 'two ids by qase()'), async () => {});
  test('ids in the title (Qase ID: 4,5)', async () => {});
  ${declaresDetails
    ? "test('ids by annotation', { annotation: { type: 'QaseID', description: '6,7' } }, async () => {});"
    : "test('ids by annotation', async () => { test.info().annotations.push({ type: 'QaseID', description: '6,7' }); });"}
  test('ids by qase.id', async () => { qase.id([8, 9]); });
  test('fails', async () => {
    await test.step('bad step', async () => { expect(1).toBe(2); });
  });
  test('times out', async () => {
    test.setTimeout(300);
    await new Promise((resolve) => setTimeout(resolve, 5000));
  });
  test('skipped', async () => { test.skip(true, 'not today'); });
  test.fixme('fixme', async () => {});
  test('flaky', async () => { expect(test.info().retry).toBe(1); });
  test('steps', async () => {
    await qase.step('outer', async () => {
      await test.step('inner', async () => {
        await test.info().attach('inner.txt', { body: 'inner body', contentType: 'text/plain' });
      });
      qase.attach({ name: 'outer.json', content: '{"outer":1}', contentType: 'application/json' });
    }, 'outer done', 'outer data');
    await test.step('second', async () => {});
  });
  test('metadata', async () => {
    qase.title('Metadata title').fields({ severity: 'major' }).suite('Custom\\tSuite');
    qase.parameters({ user: 'admin' }).groupParameters({ browser: 'x', os: 'linux' }).comment('a comment');
    qase.attach({ paths: path.join(__dirname, 'fixture.png') });
    await test.info().attach('by-test-info', { body: 'test info body' });
  });
  test('ignored', async () => { qase.ignore(); });
});
`,
      // Playwright's own attachments: an API request context records a trace without a browser.
      'tests/traced.spec.js': `
const { test } = require('@playwright/test');
test.use({ trace: 'on' });
test('records a trace', async ({ request }) => { await request.get('data:,hello').catch(() => undefined); });
`,
    }, framework);
    const output = await playwright(dir, ['test'], testopsEnv(emulator), framework);
    const state = emulator.state();
    const runState = onlyRun(state);
    const { results } = runState;

    expect(titles(results), output).toEqual([
      'Metadata title', 'fails', 'fails', 'fixme', 'flaky', 'flaky', 'ids by annotation', 'ids by qase.id',
      'ids in the title', 'one id by qase()', 'records a trace', 'skipped', 'steps', 'times out', 'times out',
      'two ids by qase()',
    ]);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(runState.status).toBe('complete');

    const status = (title: string) => byTitle(results, title).map((r) => r.execution.status);
    expect(status('fails')).toEqual(['failed', 'failed']);
    expect(status('times out')).toEqual(['failed', 'failed']);
    expect(status('skipped')).toEqual(['skipped']);
    expect(status('fixme')).toEqual(['skipped']);
    expect(status('flaky')).toEqual(['failed', 'passed']);
    // The official reporter marks a retried pass `is_flaky` only with framework.markAsFlaky.
    expect(byTitle(results, 'flaky').map((r) => r.fields?.is_flaky)).toEqual([undefined, undefined]);
    expect(byTitle(results, 'times out')[0].message).toContain('Test timeout of 300ms exceeded.');
    const [failed] = byTitle(results, 'fails');
    expect(failed.message).toContain('Expected: 2');
    expect(failed.message).not.toContain('\u001b[');
    expect(failed.execution.stacktrace).toContain('checkout.spec.js');
    expect(failed.steps?.map((s) => [s.data.action, s.execution.status])).toEqual([['bad step', 'failed']]);

    const ids = (title: string) => byTitle(results, title)[0].testops_ids;
    expect(ids('one id by qase()')).toEqual([1]);
    expect(ids('two ids by qase()')).toEqual([2, 3]);
    expect(ids('ids in the title')).toEqual([4, 5]);
    expect(ids('ids by annotation')).toEqual([6, 7]);
    expect(ids('ids by qase.id')).toEqual([8, 9]);
    expect(byTitle(results, 'fails')[0].relations?.suite.data.map((s) => s.title)).toEqual(['checkout.spec.js', 'Checkout']);
    // The official reporter's signature: ids, title path (file, describe blocks, the title as written).
    expect(byTitle(results, 'one id by qase()')[0].signature).toBe('1::checkout.spec.js::checkout::one_id_by_qase()_(qase_id:_1)');

    const [steps] = byTitle(results, 'steps');
    expect(steps.steps).toMatchObject([
      {
        data: { action: 'outer', expected_result: 'outer done', input_data: 'outer data' },
        execution: { status: 'passed' },
        steps: [{ data: { action: 'inner' }, execution: { status: 'passed' } }],
      },
      { data: { action: 'second' }, execution: { status: 'passed' } },
    ]);
    const [outer] = steps.steps ?? [];
    expect(contents(state, outer.execution.attachments)).toEqual([sha256('{"outer":1}')]);
    if (stepAttachments) {
      expect(contents(state, outer.steps?.[0].execution.attachments)).toEqual([sha256('inner body')]);
      expect(steps.attachments).toBeUndefined();
    } else {
      // Sent with the test rather than lost.
      expect(contents(state, steps.attachments)).toEqual([sha256('inner body')]);
    }

    const [meta] = byTitle(results, 'Metadata title');
    expect(meta).toMatchObject({
      fields: { severity: 'major' },
      params: { user: 'admin', browser: 'x', os: 'linux' },
      param_groups: [['browser', 'os']],
      message: 'a comment',
      relations: { suite: { data: [{ title: 'Custom' }, { title: 'Suite' }] } },
    });
    expect(contents(state, meta.attachments).sort()).toEqual([sha256(PNG), sha256('test info body')].sort());
    expect(state.attachments.map((a) => a.mime)).not.toContain('application/vnd.qase.metadata+json');

    const [traced] = byTitle(results, 'records a trace');
    expect(traced.relations?.suite.data.map((s) => s.title)).toEqual(['traced.spec.js']);
    expect(traced.attachments?.map((hash) => state.attachments.find((a) => a.hash === hash)?.filename)).toEqual(['trace.zip']);
  });

  it('works from an ESM config; with two projects each test is a result per project, without a parameter by default', async () => {
    const dir = project('esm-projects', {
      'package.json': JSON.stringify({ name: 'pw-esm-projects', private: true, type: 'module' }),
      'playwright.config.mjs': `
import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  projects: [{ name: 'chromium' }, { name: 'firefox' }],
  reporter: [['@qase-reporters/playwright', { captureLogs: true }]],
});
`,
      'tests/both.spec.js': `
import { test } from '@playwright/test';
import { qase } from '@qase-reporters/playwright';
test(qase(21, 'runs in both'), async () => {
  console.log('printed in ' + test.info().project.name);
});
`,
    });
    const output = await playwright(dir, ['test'], testopsEnv(emulator));
    const state = emulator.state();
    const { results } = onlyRun(state);

    // As the official reporter: the project is a parameter only with framework.browser.addAsParameter.
    expect(results.map((r) => [r.title, r.testops_ids, r.params]).sort(), output).toEqual([
      ['runs in both', [21], undefined],
      ['runs in both', [21], undefined],
    ]);
    // As in the official reporter, a named project is the first level of the suite and of the signature.
    expect(results.map((r) => [r.relations?.suite.data.map((s) => s.title), r.signature]).sort()).toEqual([
      [['chromium', 'both.spec.js'], '21::chromium::both.spec.js::runs_in_both_(qase_id:_21)'],
      [['firefox', 'both.spec.js'], '21::firefox::both.spec.js::runs_in_both_(qase_id:_21)'],
    ]);
    const logs = results.map((r) => state.attachments.find((a) => a.hash === r.attachments?.[0])?.sha256);
    expect(logs.sort()).toEqual([sha256('printed in chromium\n'), sha256('printed in firefox\n')].sort());
  });

  it('sends two shards into one existing run, and neither completes it', async () => {
    const runId = await createRun(emulator, 'Sharded run');
    const dir = project('shards', {
      // Each shard has its own output folder, as on two CI machines: Playwright empties it when it starts.
      'playwright.config.js': cjsConfig("fullyParallel: true, outputDir: 'test-results/' + process.env.SHARD,"),
      'tests/a.spec.js': `const { test } = require('@playwright/test');\nfor (const n of [1, 2, 3, 4]) test('a' + n, async () => {});\n`,
      'tests/b.spec.js': `const { test } = require('@playwright/test');\nfor (const n of [1, 2, 3, 4]) test('b' + n, async () => {});\n`,
    });
    const env = testopsEnv(emulator, { QASE_TESTOPS_RUN_ID: String(runId) });
    const outputs = await Promise.all([1, 2].map((shard) => playwright(dir, ['test', `--shard=${shard}/2`], { ...env, SHARD: String(shard) })));
    const state = emulator.state();
    const runState = onlyRun(state);

    expect(titles(runState.results), outputs.join('\n')).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4']);
    expect(runState).toMatchObject({ id: runId, status: 'active', completions: 0 });
    // Both shards took part: results arrived in at least two requests.
    expect(state.requests.filter((r) => r.path === `/v2/DEMO/run/${runId}/results` && r.status === 202).length).toBeGreaterThanOrEqual(2);
  });

  it('uploads a sharded run once, as one run, from merge-reports', async () => {
    const dir = project('merge', {
      'playwright.config.js': cjsConfig('fullyParallel: true, retries: 1,'),
      'tests/fixture.png': PNG,
      'tests/a.spec.js': `
const path = require('node:path');
const { test, expect } = require('@playwright/test');
const { qase } = require('@qase-reporters/playwright');
test(qase(31, 'with a file'), async () => { qase.attach({ paths: path.join(__dirname, 'fixture.png') }); });
test('flaky', async () => { expect(test.info().retry).toBe(1); });
test('with a step', async () => { await qase.step('only step', async () => {}, 'done'); });
`,
      'tests/b.spec.js': `
const { test } = require('@playwright/test');
test('b1', async () => { test.info().annotations.push({ type: 'QaseID', description: '32' }); });
test('b2', async () => {});
test('b3', async () => { test.skip(); });
`,
    });
    const blobs = join(dir, 'all-blobs');
    // One after the other: they share the project folder, which each Playwright run cleans when it starts.
    for (const shard of [1, 2]) {
      await playwright(dir, ['test', `--shard=${shard}/2`, '--reporter=blob'], { PLAYWRIGHT_BLOB_OUTPUT_FILE: join(blobs, `shard-${shard}.zip`) });
    }
    expect(readdirSync(blobs).sort()).toEqual(['shard-1.zip', 'shard-2.zip']);
    const mergedAtMs = Date.now();
    const output = await playwright(dir, ['merge-reports', '--reporter=@qase-reporters/playwright', blobs], testopsEnv(emulator));
    const state = emulator.state();
    const runState = onlyRun(state);
    const { results } = runState;

    expect(titles(results), output).toEqual(['b1', 'b2', 'b3', 'flaky', 'flaky', 'with a file', 'with a step']);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
    expect(runState.status).toBe('complete');
    expect(byTitle(results, 'flaky').map((r) => r.execution.status)).toEqual(['failed', 'passed']);
    expect(byTitle(results, 'b3')[0].execution.status).toBe('skipped');
    expect(byTitle(results, 'b1')[0].testops_ids).toEqual([32]);
    expect(byTitle(results, 'with a step')[0].steps).toMatchObject([{ data: { action: 'only step', expected_result: 'done' } }]);
    const [withFile] = byTitle(results, 'with a file');
    expect(withFile.testops_ids).toEqual([31]);
    expect(contents(state, withFile.attachments)).toEqual([sha256(PNG)]);
    // The run starts with the shards, not with the merge, so the results keep the times they ran at.
    const starts = results.map((r) => r.execution.start_time * 1000);
    expect(Math.max(...starts)).toBeLessThan(mergedAtMs);
    expect(runState.startTime * 1000).toBeLessThanOrEqual(Math.min(...starts));
  });

  it('writes what it would send in a dry run', async () => {
    const dir = project('dry-run', {
      'playwright.config.js': cjsConfig(),
      'tests/dry.spec.js': `
const { test } = require('@playwright/test');
const { qase } = require('@qase-reporters/playwright');
test(qase(41, 'first'), async () => { qase.attach({ name: 'note.txt', content: 'dry note' }); });
test('second', async () => { await qase.step('a step', async () => {}); });
`,
    });
    await playwright(dir, ['test'], { QASE_MODE: 'dry-run' });
    const sent = dryRunResults(dir);

    expect(sent.map((r) => [r.title, r.testops_ids, r.steps?.map((s) => s.data.action)]).sort()).toEqual([
      ['first', [41], undefined],
      ['second', undefined, ['a step']],
    ]);
    const [note] = sent.find((r) => r.title === 'first')?.attachments ?? [];
    expect(note).toBeDefined();
  });

  it('delivers everything once through 413s and answers lost after the results were stored', async () => {
    emulator.maxResultsPerRequest(4);
    emulator.dropAfterCommit(0.3);
    const dir = project('faults', {
      'playwright.config.js': cjsConfig('fullyParallel: true,'),
      'tests/many.spec.js': `
const { test } = require('@playwright/test');
for (let n = 1; n <= 30; n++) test('test ' + String(n).padStart(2, '0'), async () => {});
`,
    });
    const output = await playwright(dir, ['test'], testopsEnv(emulator));
    const state = emulator.state();
    const runState = onlyRun(state);

    expect(titles(runState.results), output).toEqual(Array.from({ length: 30 }, (_, i) => `test ${String(i + 1).padStart(2, '0')}`));
    expect(runState.status).toBe('complete');
    // The faults did happen: some requests were too large, some stored results got no answer.
    expect(state.requests.some((r) => r.status === 413)).toBe(true);
    expect(state.requests.some((r) => r.dropped && r.results > 0)).toBe(true);
  });
});
