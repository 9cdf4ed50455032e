// The per-test API in a real Vitest worker: this file's own tests call it and read what it left in their task.meta.
import { resolve } from 'node:path';
import { withCaseIds } from '@qase-reporters/core';
import { describe, expect, it, test } from 'vitest';
import type { RunnerTask, RunnerTestCase, TestContext } from 'vitest';
import { qase, runningTest, withQase } from '../src/qase';
import { readAttempts } from '../src/transport';

const said = (task: RunnerTestCase) => readAttempts(task.meta as Record<string, unknown>);

describe('qase(id, title)', () => {
  it.each([
    { ids: 12, expected: withCaseIds(12, 'Login works') },
    { ids: [12, 13], expected: withCaseIds([12, 13], 'Login works') },
    { ids: ['14'], expected: withCaseIds([14], 'Login works') },
    { ids: [0, 'x'], expected: 'Login works' },
  ])('spells $ids as core does', ({ ids, expected }) => {
    expect(qase(ids, 'Login works')).toBe(expected);
  });
});

describe('calls inside a test', () => {
  it('record on the running test, last title and comment winning, ids and fields adding up', ({ task }) => {
    qase.title('first').title('Coupon is applied').fields({ severity: 'major' }).fields({ layer: 'unit', retries: 2 });
    qase.id(16).id([17]).suite('Checkout\tPayments').parameters({ currency: 'EUR' }).groupParameters({ card: 'visa' });
    qase.comment('one').comment('fixed price').attach({ paths: 'fixture.png' }).attach({ name: 'note.md', content: '# hi' });
    qase.attach({ name: 'raw', content: Buffer.from([1, 2]), type: 'application/x-raw' }).projects({ PROJ2: [5] }).projects({ PROJ2: [6] });
    expect(said(task)).toEqual([{
      title: 'Coupon is applied',
      fields: { severity: 'major', layer: 'unit', retries: '2' },
      caseIds: [16, 17],
      suite: 'Checkout\tPayments',
      params: { currency: 'EUR' },
      groupParams: { card: 'visa' },
      comment: 'fixed price',
      projects: { PROJ2: [5, 6] },
      attachments: [
        { name: 'fixture.png', contentType: 'image/png', path: resolve('fixture.png') },
        { name: 'note.md', contentType: 'text/plain', content: Buffer.from('# hi') },
        { name: 'raw', contentType: 'application/x-raw', content: Buffer.from([1, 2]) },
      ],
      steps: [],
    }]);
  });

  it('nest steps, which keep their status, times, data and attachments, and return what their body returns', async ({ task }) => {
    const value = await qase.step('outer', async () => {
      qase.attach({ name: 'in-outer.txt', content: 'o' });
      await expect(qase.step('fails', () => Promise.reject(new Error('no')), 'rejected')).rejects.toThrow('no');
      return qase.step('inner', () => 42, 'the answer', 'input');
    });
    expect(value).toBe(42);
    const [attempt] = said(task);
    const [outer] = attempt?.steps ?? [];
    expect(outer).toMatchObject({ title: 'outer', status: 'passed', attachments: [{ name: 'in-outer.txt', content: Buffer.from('o') }] });
    expect(outer?.steps.map((s) => [s.title, s.status, s.expectedResult, s.data])).toEqual([
      ['fails', 'failed', 'rejected', undefined],
      ['inner', 'passed', 'the answer', 'input'],
    ]);
    expect(outer!.endTimeMs).toBeGreaterThanOrEqual(outer!.startTimeMs);
    expect(attempt?.attachments).toEqual([]);
  });

  let attempts = 0;
  it('record each attempt of a retried test apart', { retry: 1 }, ({ task }) => {
    attempts += 1;
    qase.comment(`attempt ${attempts}`);
    if (attempts === 1) throw new Error('fails once, so the test is retried');
    expect(said(task).map((a) => a?.comment)).toEqual(['attempt 1', 'attempt 2']);
  });
});

describe.concurrent('concurrent tests in withQase', () => {
  const names = ['north', 'east', 'south'];
  let started = 0;
  let release: () => void;
  const allStarted = new Promise<void>((done) => (release = done));

  for (const name of names) {
    it(name, withQase(async ({ qase: bound, task }) => {
      expect(Object.getPrototypeOf(bound)).toBe(qase);
      await qase.step(`${name}: wait for the others`, async () => {
        started += 1;
        if (started === names.length) release();
        await allStarted;
      });
      // A helper calling the imported qase still reaches this test.
      qase.comment(name);
      expect(said(task)[0]).toMatchObject({ comment: name, steps: [{ title: `${name}: wait for the others` }] });
    }));
  }
});

describe.concurrent('concurrent test.for rows', () => {
  it.for(['left', 'right'])('%s', (side, context) => withQase(async ({ qase: bound, task }) => {
    await new Promise((done) => setImmediate(done));
    bound.parameters({ side });
    expect(said(task)[0]?.params).toEqual({ side });
  })(context));
});

describe('withQase around test.each, which passes rows instead of the context', () => {
  const body = withQase(async ({ qase: bound }) => {
    bound.comment('still reaches the test');
    const current = (globalThis as { __vitest_worker__?: { current?: RunnerTestCase } }).__vitest_worker__?.current;
    expect(said(current!)[0]?.comment).toBe('still reaches the test');
  });
  it.each([{ size: 2 }, 3])('falls back to the running test', body as unknown as (row: unknown) => Promise<void>);
});

const withCart = test.extend<{ cart: string[] }>({ cart: async ({ task: _task }, use) => use(['apple']) });

describe('withQase', () => {
  withCart('passes test.extend fixtures through', withQase<TestContext & { cart: string[] }>(async ({ cart, qase: bound }) => {
    expect(cart).toEqual(['apple']);
    expect(Object.getPrototypeOf(bound)).toBe(qase);
  }));
});

describe('runningTest', () => {
  const test = (name: string, state?: 'run' | 'pass', concurrent = false) =>
    ({ type: 'test', name, concurrent, result: state && { state } }) as unknown as RunnerTestCase;
  /** A file's tasks, linked to it; the first is returned, as Vitest's current task. */
  const file = (...tasks: RunnerTestCase[]): RunnerTask => {
    const node = { type: 'suite', name: 'a.test.ts', tasks };
    for (const task of [node, ...tasks]) Object.assign(task, { file: node });
    return tasks[0]!;
  };

  it.each<{ name: string; current: () => RunnerTask | undefined; expected: string | undefined }>([
    { name: 'the current test when tests run one at a time', current: () => test('a', 'run'), expected: 'a' },
    {
      name: 'the only running test, when the current one is concurrent',
      current: () => file(test('a', 'pass', true), test('b', 'run', true)),
      expected: 'b',
    },
    { name: 'the concurrent current test in its afterEach, when no other runs', current: () => file(test('a', 'pass', true)), expected: 'a' },
    { name: 'none while several concurrent tests run', current: () => file(test('a', 'run', true), test('b', 'run', true)), expected: undefined },
    { name: 'none between tests (a beforeAll or afterAll)', current: () => file(test('a', 'pass')).file, expected: undefined },
    { name: 'none outside Vitest', current: () => undefined, expected: undefined },
  ])('finds $name', ({ current, expected }) => {
    expect(runningTest('title', undefined, { current: current() })?.name).toBe(expected);
  });
});
