// The recorder on a real Mocha runner in this process: suites built with Mocha's own API, no files, no network.
import assert from 'node:assert';
import Mocha from 'mocha';
import type { Suite } from 'mocha';
import type { TestResult } from '@qase-reporters/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { qase } from '../src/qase';
import { recordResults } from '../src/recorder';

const FILE = '/repo/test/cart.spec.js';

interface RunOptions {
  grep?: RegExp;
  failHookAffectedTests?: boolean;
}

async function run(build: (root: Suite) => void, options: RunOptions = {}): Promise<TestResult[]> {
  const results: TestResult[] = [];
  class Recording {
    constructor(runner: Mocha.Runner) {
      recordResults(runner, { cwd: '/repo', captureLogs: false, grep: options.grep, add: (result) => results.push(result) });
    }
  }
  const mocha = new Mocha({ reporter: Recording as unknown as Mocha.ReporterConstructor, grep: options.grep, ...{ failHookAffectedTests: options.failHookAffectedTests } });
  build(mocha.suite);
  await new Promise((done) => mocha.run(done));
  return results;
}

const suite = (parent: Suite, title: string): Suite => Mocha.Suite.create(parent, title);

/** A test of FILE; without a body it is pending, as `it('…')` is. */
function test(parent: Suite, title: string, body?: Mocha.Func): Mocha.Test {
  const created = new Mocha.Test(title, body);
  created.file = FILE;
  parent.addTest(created);
  return created;
}

/** An assertion that fails (`failed`); a plain Error thrown is a broken test (`invalid`), as the official reporter sends it. */
const fail = (message: string) => () => {
  assert.fail(message);
};

/** [describe path > title, status, error message] per result, in the order they were recorded. */
const summary = (results: TestResult[]) =>
  results.map((r) => [[...r.suitePath, r.title].join(' > '), r.status, r.error?.message]);

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every way a hook can fail, in suites of their own. */
function brokenHooks(root: Suite): void {
  const before = suite(root, 'before all');
  before.beforeAll(fail('db down'));
  test(before, 'a1', () => undefined);
  test(before, 'a2');
  test(suite(before, 'nested'), 'a3', () => undefined);

  const each = suite(root, 'before each');
  each.beforeEach(function (this: Mocha.Context) {
    if (this.currentTest?.title === 'b2') throw new Error('each down');
  });
  test(each, 'b1', () => undefined);
  test(each, 'b2', () => undefined);
  test(each, 'b3', () => undefined);

  const after = suite(root, 'after each');
  after.afterEach(function (this: Mocha.Context) {
    if (this.currentTest?.title === 'c1') throw new Error('cleanup failed');
  });
  test(after, 'c1', () => undefined);
  test(after, 'c2', () => undefined);

  const afterAll = suite(root, 'after all');
  afterAll.afterAll(fail('too late'));
  test(afterAll, 'd1', () => undefined);
}

describe('recordResults', () => {
  it('sends one result per test with its status, suite path and error', async () => {
    const results = await run((root) => {
      const cart = suite(root, 'Cart');
      test(cart, 'adds (Qase ID: 12)', () => undefined);
      test(cart, 'totals', fail('wrong total'));
      test(cart, 'pays');
      test(suite(cart, 'empty'), 'skips itself', function (this: Mocha.Context) {
        this.skip();
      });
    });
    expect(summary(results)).toEqual([
      ['Cart > adds', 'passed', undefined],
      ['Cart > totals', 'failed', 'wrong total'],
      ['Cart > pays', 'skipped', undefined],
      ['Cart > empty > skips itself', 'skipped', undefined],
    ]);
    expect(results[0]).toMatchObject({ caseIds: [12], suitePath: ['Cart'], signature: '12::test::cart.spec.js::cart::adds_(qase_id:_12)' });
  });

  it('fails the test a failed hook ran for, skips those it kept from running with its error; an "after all" hook fails none', async () => {
    const results = await run(brokenHooks);
    expect(summary(results)).toEqual([
      ['before all > a1', 'skipped', '"before all" hook for "a1" failed: db down'],
      ['before all > a2', 'skipped', undefined],
      ['before all > nested > a3', 'skipped', '"before all" hook for "a1" failed: db down'],
      ['before each > b1', 'passed', undefined],
      ['before each > b2', 'invalid', '"before each" hook for "b2" failed: each down'],
      ['before each > b3', 'skipped', '"before each" hook for "b2" failed: each down'],
      ['after each > c1', 'invalid', '"after each" hook for "c1" failed: cleanup failed'],
      ['after each > c2', 'skipped', '"after each" hook for "c1" failed: cleanup failed'],
      ['after all > d1', 'passed', undefined],
    ]);
  });

  it('sends each test once when Mocha itself fails the tests of a failed hook (--fail-hook-affected-tests)', async () => {
    const results = await run(brokenHooks, { failHookAffectedTests: true });
    const titles = results.map((r) => r.title);
    expect(titles).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'c1', 'c2', 'd1']);
    // Mocha fails those of failed before hooks; the test an afterEach kept from running is still ours, skipped.
    expect(results.filter((r) => r.status === 'failed' || r.status === 'invalid').map((r) => r.title)).toEqual(['a1', 'a2', 'a3', 'b2', 'b3', 'c1']);
  });

  it('leaves out the tests --grep leaves out, also after a hook failure', async () => {
    const results = await run(brokenHooks, { grep: /a1|a3|b\d/ });
    expect(results.map((r) => r.title)).toEqual(['a1', 'a3', 'b1', 'b2', 'b3']);
  });

  it('sends every attempt of a retried test with what it recorded, the pass after failures flaky', async () => {
    let attempts = 0;
    const results = await run((root) => {
      test(root, 'third time lucky', () => {
        attempts += 1;
        qase.step(`attempt ${attempts}`, () => undefined);
        if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
      }).retries(2);
      test(root, 'never', fail('broken for good')).retries(1);
    });
    expect(results.map((r) => [r.title, r.status, r.retry, r.flaky, r.steps.map((s) => s.title), r.error?.message])).toEqual([
      ['third time lucky', 'invalid', 0, false, ['attempt 1'], 'attempt 1 failed'],
      ['third time lucky', 'invalid', 1, false, ['attempt 2'], 'attempt 2 failed'],
      ['third time lucky', 'passed', 2, true, ['attempt 3'], undefined],
      ['never', 'failed', 0, false, [], 'broken for good'],
      ['never', 'failed', 1, false, [], 'broken for good'],
    ]);
  });

  it('gives the test what its beforeEach and afterEach hooks record, and nothing from "all" hooks', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const results = await run((root) => {
      const cart = suite(root, 'Cart');
      cart.beforeAll(() => {
        qase.comment('from before all');
      });
      cart.beforeEach(function (this: Mocha.Context) {
        qase.parameters({ test: String(this.currentTest?.title) });
      });
      cart.afterEach(function (this: Mocha.Context) {
        if (this.currentTest?.state === 'failed') qase.attach({ name: 'failure.txt', content: `${this.currentTest.title} failed` });
      });
      test(cart, 'one', () => undefined);
      test(cart, 'two', fail('two broke'));
      test(cart, 'ignored', () => {
        qase.ignore();
      });
    });
    expect(results.map((r) => [r.title, r.params, r.attachments.map((a) => a.content), r.message])).toEqual([
      ['one', { test: 'one' }, [], undefined],
      ['two', { test: 'two' }, ['two failed'], undefined],
    ]);
    expect(write.mock.calls.some(([text]) => String(text).includes('qase.comment() was called outside a running test'))).toBe(true);
  });
});
