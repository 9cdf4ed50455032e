import type { TestMetadata } from '@qase-reporters/core';
import { describe, expect, it } from 'vitest';
import { toError, toTestResult } from '../src/result';
import type { Attempt } from '../src/result';

const T0 = 1_795_900_000_000;
const CWD = '/repo';

function attempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    title: 'adds an item',
    file: '/repo/test/cart.spec.js',
    describes: ['Cart', 'empty'],
    retry: 0,
    startTimeMs: T0,
    durationMs: 12,
    outcome: 'pass',
    calls: [],
    ...overrides,
  };
}

describe('toTestResult', () => {
  it('takes the suite path from the describe blocks, and the times', () => {
    expect(toTestResult(attempt(), CWD)).toMatchObject({
      title: 'adds an item',
      suitePath: ['Cart', 'empty'],
      status: 'passed',
      startTimeMs: T0,
      durationMs: 12,
      endTimeMs: T0 + 12,
      retry: 0,
      flaky: false,
    });
    expect(toTestResult(attempt({ file: undefined, describes: [] }), CWD)?.suitePath).toEqual([]);
  });

  it('links the case ids written in the title and takes them out of it', () => {
    expect(toTestResult(attempt({ title: 'adds an item (Qase ID: 12,13)' }), CWD)).toMatchObject({ title: 'adds an item', caseIds: [12, 13] });
  });

  it.each([
    { outcome: 'pass', status: 'passed' },
    { outcome: 'fail', status: 'failed' },
    { outcome: 'retry', status: 'failed' },
    { outcome: 'pending', status: 'skipped' },
    { outcome: undefined, status: 'invalid' },
  ] as const)('maps Mocha\'s $outcome to $status', ({ outcome, status }) => {
    expect(toTestResult(attempt({ outcome }), CWD)?.status).toBe(status);
  });

  it('keeps the error of a failed attempt, and of a skipped one (the hook that kept it from running), only', () => {
    const error = { message: 'boom', stack: 'Error: boom\n    at x' };
    expect(toTestResult(attempt({ outcome: 'fail', error }), CWD)?.error).toEqual(error);
    expect(toTestResult(attempt({ outcome: 'pending', error }), CWD)?.error).toEqual(error);
    expect(toTestResult(attempt({ outcome: 'pass', error }), CWD)?.error).toBeUndefined();
  });

  it.each([
    { name: 'a first attempt that passed', outcome: 'pass', retry: 0, flaky: false },
    { name: 'a pass after failed attempts', outcome: 'pass', retry: 2, flaky: true },
    { name: 'a failed retry', outcome: 'fail', retry: 2, flaky: false },
  ] as const)('marks $name flaky: $flaky', ({ outcome, retry, flaky }) => {
    expect(toTestResult(attempt({ outcome, retry }), CWD)).toMatchObject({ retry, flaky });
  });

  it('applies the qase.* calls in order: later titles win, ids, fields and steps add up', () => {
    const step = { title: 's', status: 'passed' as const, startTimeMs: T0, endTimeMs: T0, attachments: [], steps: [] };
    const calls: TestMetadata[] = [
      { title: 'first' },
      { caseIds: [7], fields: { severity: 'major' } },
      { steps: [step] },
      { title: 'Second', fields: { layer: 'unit' }, comment: 'note' },
      { suite: 'Auth\tLogin', params: { browser: 'firefox' } },
    ];
    expect(toTestResult(attempt({ title: 'x (Qase ID: 3)', calls }), CWD)).toMatchObject({
      title: 'Second',
      caseIds: [3, 7],
      fields: { severity: 'major', layer: 'unit' },
      message: 'note',
      steps: [step],
      suitePath: ['Auth', 'Login'],
      params: { browser: 'firefox' },
    });
  });

  it('gives nothing for a test that called qase.ignore()', () => {
    expect(toTestResult(attempt({ calls: [{ title: 'x' }, { ignore: true }] }), CWD)).toBeUndefined();
  });

  it('passes the captured output on', () => {
    expect(toTestResult(attempt({ logs: 'hello\n' }), CWD)?.logs).toBe('hello\n');
  });
});

// What the official reporter sends for the same test, worked out from qase-tms/qase-javascript:
// qase-mocha/src/modules/resultBuilder.ts (`getSuites`: the describe blocks, or `qase.suite`; `getSignature`: the
// file relative to the working directory with its folders as levels, the describe blocks and the title as written,
// each through commons' normalizeSuitePart; the ids of qase.id, else those of the title) and
// qase-javascript-commons/src/utils/signature.ts (`generateSignature`: an empty ids list leaves an empty part).
describe('parity with the official Mocha reporter', () => {
  it.each<{ name: string; attempt: Partial<Attempt>; suitePath: string[]; signature: string }>([
    {
      name: 'a test with case ids in its title and parameters',
      attempt: { title: 'adds an item (Qase ID: 12)', calls: [{ params: { Browser: 'Chrome' } }] },
      suitePath: ['Cart', 'empty'],
      signature: "12::test::cart.spec.js::cart::empty::adds_an_item_(qase_id:_12)::{'browser':'chrome'}",
    },
    {
      name: 'a test linked by qase.id, which wins over the title',
      attempt: { title: 'adds (Qase ID: 12)', calls: [{ caseIds: [7, 8] }] },
      suitePath: ['Cart', 'empty'],
      signature: '7-8::test::cart.spec.js::cart::empty::adds_(qase_id:_12)',
    },
    {
      name: 'a test without ids or describe blocks: no suite, an empty ids part',
      attempt: { title: 'Adds  an item', describes: [] },
      suitePath: [],
      signature: 'test::cart.spec.js::adds__an_item',
    },
    {
      name: 'a test that moved itself with qase.suite, whose signature stays',
      attempt: { calls: [{ suite: 'Checkout\tPayments' }] },
      suitePath: ['Checkout', 'Payments'],
      signature: 'test::cart.spec.js::cart::empty::adds_an_item',
    },
  ])('$name', ({ attempt: overrides, suitePath, signature }) => {
    expect(toTestResult(attempt(overrides), CWD)).toMatchObject({ suitePath, signature });
  });
});

describe('toError', () => {
  it.each([
    { name: 'an Error', thrown: Object.assign(new Error('boom'), { stack: 'Error: boom\n    at x' }), expected: { name: 'Error', message: 'boom', stack: 'Error: boom\n    at x' } },
    { name: 'an error-like object without a stack', thrown: { message: 'plain' }, expected: { name: undefined, message: 'plain', stack: undefined } },
    { name: 'a thrown string', thrown: 'just text', expected: { message: 'just text' } },
    { name: 'undefined', thrown: undefined, expected: { message: 'undefined' } },
  ])('reads $name', ({ thrown, expected }) => {
    expect(toError(thrown)).toEqual(expected);
  });

  it('puts the prefix before the message', () => {
    expect(toError(new Error('db down'), '"before all" hook failed: ').message).toBe('"before all" hook failed: db down');
  });
});
