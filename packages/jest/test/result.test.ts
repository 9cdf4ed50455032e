import type { TestCaseResult, TestResult as FileResult } from '@jest/reporters';
import type { TestMetadata } from '@qase-reporters/core';
import { describe, expect, it } from 'vitest';
import { toError, toTestResults } from '../src/result';
import { keyOf } from '../src/transport';

type JestTest = FileResult['testResults'][number];

const T0 = 1_795_900_000_000;
const ROOT = '/repo';

function jestTest(overrides: Partial<JestTest> = {}): JestTest {
  const ancestorTitles = overrides.ancestorTitles ?? ['Cart'];
  const title = overrides.title ?? 'adds an item';
  return {
    ancestorTitles,
    title,
    fullName: [...ancestorTitles, title].join(' '),
    status: 'passed',
    duration: 12,
    startAt: T0,
    failureDetails: [],
    failureMessages: [],
    numPassingAsserts: 1,
    invocations: 1,
    retryReasons: [],
    ...overrides,
  };
}

function attempt(overrides: Partial<TestCaseResult> & { invocations: number }): TestCaseResult {
  const { startAt: _startAt, ...test } = jestTest({ status: 'failed', failureMessages: [`Error: attempt ${overrides.invocations}\n    at x.test.js:1:1`] });
  return { ...test, startedAt: T0 - 1000 * overrides.invocations, duration: 5, ...overrides };
}

function translate(tests: JestTest[], context: { attempts?: TestCaseResult[]; metadata?: Map<string, TestMetadata> } = {}) {
  return toTestResults(
    { testFilePath: `${ROOT}/src/cart.test.js`, testResults: tests },
    { cwd: ROOT, attempts: context.attempts ?? [], metadata: context.metadata ?? new Map() },
  );
}

describe('toTestResults', () => {
  it.each([
    ['passed', 'passed'],
    ['failed', 'failed'],
    ['pending', 'skipped'],
    ['todo', 'skipped'],
    ['skipped', 'skipped'],
    ['disabled', 'skipped'],
    ['focused', 'passed'],
  ] as const)('maps Jest status %s to %s', (jestStatus, status) => {
    const matcher = { matcherResult: { message: 'expect(received).toBe(expected)' } };
    const [result] = translate([jestTest({ status: jestStatus, failureDetails: jestStatus === 'failed' ? [matcher] : [] })]);
    expect(result?.status).toBe(status);
  });

  it.each([
    { case: 'a matcher', details: [{ matcherResult: { message: 'expect(received).toBe(expected)' } }], messages: ['Error: expect(received)…'], status: 'failed' },
    { case: 'a TypeError', details: [new TypeError('x is not a function')], messages: ['TypeError: x is not a function\n    at a.js:1:1'], status: 'invalid' },
    { case: 'a plain Error', details: [new Error('boom')], messages: ['Error: boom\n    at a.js:1:1'], status: 'invalid' },
  ])('sends a failure by what failed, as the official reporter decides: $case → $status', ({ details, messages, status }) => {
    const [result] = translate([jestTest({ status: 'failed', failureDetails: details, failureMessages: messages })]);
    // The message: the matcher's, else the error's own first line.
    const message = status === 'failed' ? 'expect(received).toBe(expected)' : messages[0]?.split('\n')[0];
    expect(result).toMatchObject({ status, error: { message } });
  });

  it('takes title, case ids, suite path and times from the test', () => {
    const [result] = translate([jestTest({ ancestorTitles: ['Cart', 'empty'], title: 'adds an item (Qase ID: 12,13)', duration: 40 })]);
    expect(result).toMatchObject({
      title: 'adds an item',
      caseIds: [12, 13],
      suitePath: ['src', 'cart.test.js', 'Cart', 'empty'],
      startTimeMs: T0,
      durationMs: 40,
      endTimeMs: T0 + 40,
      retry: 0,
      flaky: false,
    });
  });

  it('takes case ids per project from the title and from qase.projects() in the test, signed without ids', () => {
    const title = 'adds an item (Qase PROJ1: 1,2) (Qase ID: 9)';
    const metadata = new Map([[keyOf({ fullName: `Cart ${title}`, occurrence: 0, attempt: 1 }), { projects: { PROJ2: [3] } }]]);
    const [mapped] = translate([jestTest({ title })], { metadata });
    expect(mapped).toMatchObject({ title: 'adds an item', caseIds: [9], projects: { PROJ1: [1, 2], PROJ2: [3] } });
    expect(mapped?.signature).toBe('src::cart.test.js::cart_adds_an_item_(qase_proj1:_1,2)_(qase_id:_9)');
  });

  it('makes a skipped test without a duration a result of zero length', () => {
    const [result] = translate([jestTest({ status: 'pending', duration: null })]);
    expect(result).toMatchObject({ status: 'skipped', durationMs: 0, startTimeMs: T0, endTimeMs: T0 });
  });

  it('sends every attempt of a retried test, and marks a pass after failures flaky', () => {
    const results = translate([jestTest({ status: 'passed', invocations: 3 })], {
      attempts: [attempt({ invocations: 1 }), attempt({ invocations: 2 })],
    });
    // A plain Error thrown is not an assertion: `invalid`, as the official reporter sends it.
    expect(results.map((r) => [r.status, r.retry, r.flaky, r.error?.message])).toEqual([
      ['invalid', 0, false, 'Error: attempt 1'],
      ['invalid', 1, false, 'Error: attempt 2'],
      ['passed', 2, true, undefined],
    ]);
    expect(results[0]).toMatchObject({ startTimeMs: T0 - 1000, durationMs: 5 });
  });

  it('does not mark a test that failed every attempt flaky', () => {
    const results = translate([jestTest({ status: 'failed', invocations: 2, failureMessages: ['Error: last'] })], {
      attempts: [attempt({ invocations: 1 }), attempt({ invocations: 2 })],
    });
    expect(results.map((r) => [r.status, r.retry, r.flaky, r.error?.message])).toEqual([
      ['invalid', 0, false, 'Error: attempt 1'],
      ['invalid', 1, false, 'Error: last'],
    ]);
  });

  it('does not mark a test flaky that passed every attempt (a whole describe block was retried)', () => {
    const results = translate([jestTest({ status: 'passed', invocations: 2 })], {
      attempts: [attempt({ invocations: 1, status: 'passed', failureMessages: [] })],
    });
    expect(results.map((r) => [r.status, r.retry, r.flaky])).toEqual([
      ['passed', 0, false],
      ['passed', 1, false],
    ]);
  });

  it('still sends an earlier attempt Jest reported no case result for, with its retry reason', () => {
    const results = translate([jestTest({ invocations: 2, retryReasons: ['Error: first try\n    at a.js:1:1'] })]);
    expect(results.map((r) => [r.status, r.retry, r.error?.message])).toEqual([
      ['invalid', 0, 'Error: first try'],
      ['passed', 1, undefined],
    ]);
  });

  it('gives each of two same-named tests its own attempts and metadata', () => {
    const metadata = new Map<string, TestMetadata>([
      [keyOf({ fullName: 'Cart twin', occurrence: 0, attempt: 1 }), { comment: 'first' }],
      [keyOf({ fullName: 'Cart twin', occurrence: 1, attempt: 2 }), { comment: 'second' }],
    ]);
    const results = translate(
      [jestTest({ title: 'twin', invocations: 1 }), jestTest({ title: 'twin', invocations: 2 })],
      { attempts: [attempt({ title: 'twin', fullName: 'Cart twin', invocations: 1 })], metadata },
    );
    expect(results.map((r) => [r.retry, r.message])).toEqual([
      [0, 'first'],
      [0, undefined],
      [1, 'second'],
    ]);
  });

  it('applies what each attempt said to that attempt only, and what any Jest said without an attempt to all', () => {
    const metadata = new Map<string, TestMetadata>([
      [keyOf({ fullName: 'Cart adds an item', occurrence: 0, attempt: 0 }), { title: 'Add to cart' }],
      [keyOf({ fullName: 'Cart adds an item', occurrence: 0, attempt: 1 }), { steps: [{ title: 'try 1', status: 'failed', startTimeMs: T0, endTimeMs: T0, attachments: [], steps: [] }] }],
      [keyOf({ fullName: 'Cart adds an item', occurrence: 0, attempt: 2 }), { params: { browser: 'firefox' } }],
    ]);
    const results = translate([jestTest({ invocations: 2 })], { attempts: [attempt({ invocations: 1 })], metadata });
    expect(results.map((r) => [r.title, r.steps.map((s) => s.title), r.params])).toEqual([
      ['Add to cart', ['try 1'], {}],
      ['Add to cart', [], { browser: 'firefox' }],
    ]);
  });

  it('leaves out every attempt of a test that called qase.ignore() in any of them', () => {
    const metadata = new Map<string, TestMetadata>([[keyOf({ fullName: 'Cart adds an item', occurrence: 0, attempt: 2 }), { ignore: true }]]);
    const results = translate([jestTest({ invocations: 2 }), jestTest({ title: 'kept' })], { attempts: [attempt({ invocations: 1 })], metadata });
    expect(results.map((r) => r.title)).toEqual(['kept']);
  });
});

// What the official reporter sends for the same test, worked out from qase-tms/qase-javascript:
// qase-jest/src/reporter.ts (`getRelations`, `getSignature`, `getCurrentTestPath`: the path relative to
// process.cwd(), split at `/`; ids from the title only) and qase-javascript-commons/src/utils/signature.ts
// (`generateSignature`, which leaves the ids part out when there are none); test/e2e/official-signatures.test.ts
// runs the real one.
describe('parity with the official Jest reporter', () => {
  it.each<{ name: string; test: Partial<JestTest> & { ancestorTitles: string[]; title: string }; params: Record<string, string>; suitePath: string[]; signature: string }>([
    {
      name: 'a test with case ids and parameters',
      test: { ancestorTitles: ['Cart', 'empty'], title: 'adds an item (Qase ID: 12)' },
      params: { Browser: 'Chrome' },
      suitePath: ['src', 'cart.test.js', 'Cart', 'empty'],
      signature: "12::src::cart.test.js::cart_empty_adds_an_item_(qase_id:_12)::{'browser':'chrome'}",
    },
    {
      name: 'a test without case ids, whose signature starts with the empty ids part',
      test: { ancestorTitles: ['Cart'], title: 'adds  an item' },
      params: {},
      suitePath: ['src', 'cart.test.js', 'Cart'],
      signature: 'src::cart.test.js::cart_adds__an_item',
    },
  ])('$name', ({ test, params, suitePath, signature }) => {
    const metadata = new Map<string, TestMetadata>([[keyOf({ fullName: [...test.ancestorTitles, test.title].join(' '), occurrence: 0, attempt: 1 }), { params }]]);
    const [result] = translate([jestTest(test)], { metadata });
    expect(result).toMatchObject({ suitePath, signature });
  });

  it('keeps the signature when qase.suite and qase.title change the suite and title sent', () => {
    const metadata = new Map<string, TestMetadata>([[keyOf({ fullName: 'Cart adds an item', occurrence: 0, attempt: 1 }), { suite: 'Checkout\tPayments', title: 'Adds' }]]);
    const [result] = translate([jestTest()], { metadata });
    expect(result).toMatchObject({ title: 'Adds', suitePath: ['Checkout', 'Payments'], signature: 'src::cart.test.js::cart_adds_an_item' });
  });
});

describe('toError', () => {
  it.each([
    {
      name: 'splits a matcher failure into message and stack, without colors',
      messages: ['\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m).toBe(expected)\n\nExpected: 2\n    at Object.<anonymous> (a.test.js:3:13)'],
      message: 'expect(received).toBe(expected)\n\nExpected: 2',
      stack: 'expect(received).toBe(expected)\n\nExpected: 2\n    at Object.<anonymous> (a.test.js:3:13)',
    },
    { name: 'keeps a message without a stack', messages: ['thrown: "a string"'], message: 'thrown: "a string"', stack: 'thrown: "a string"' },
    { name: 'joins several failures', messages: ['Error: one', 'Error: two'], message: 'Error: one\n\nError: two', stack: 'Error: one\n\nError: two' },
    { name: 'says so when Jest kept no message', messages: [], message: 'The test failed without a message.', stack: undefined },
  ])('$name', ({ messages, message, stack }) => {
    expect(toError(messages)).toEqual({ message, stack });
  });
});
