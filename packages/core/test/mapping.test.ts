import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';
import { toResultBody } from '../src/mapping';
import type { Attachment, Step, TestResult } from '../src/model';

const T0 = 1_732_623_290_123; // ms; 1732623290.123 s

function config(options: unknown = {}) {
  return resolveConfig(options, {}, undefined);
}

function result(overrides: Partial<TestResult> = {}): TestResult {
  return {
    id: '6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f',
    title: 'Login works',
    suitePath: [],
    caseIds: [],
    projects: {},
    status: 'passed',
    startTimeMs: T0,
    endTimeMs: T0 + 1500,
    durationMs: 1500,
    steps: [],
    attachments: [],
    params: {},
    paramGroups: [],
    fields: {},
    tags: [],
    retry: 0,
    flaky: false,
    ...overrides,
  };
}

function step(overrides: Partial<Step> = {}): Step {
  return { title: 'Open page', status: 'passed', startTimeMs: T0, endTimeMs: T0 + 200, attachments: [], steps: [], ...overrides };
}

const byName = (attachment: Attachment) => `ref:${attachment.name}`;

function map(r: TestResult, options: unknown = {}, notBeforeMs?: number) {
  return toResultBody(r, { config: config(options), attachmentRef: byName, notBeforeMs });
}

describe('toResultBody', () => {
  it('maps every field of a full result', () => {
    const screenshot: Attachment = { name: 'shot.png', contentType: 'image/png', path: '/tmp/shot.png' };
    const body = map(
      result({
        title: 'Checkout',
        suitePath: ['cart.spec.ts', 'Cart'],
        signature: 'given-signature',
        caseIds: [12, 13],
        status: 'failed',
        error: { message: 'expected 2, got 3', stack: 'Error: expected 2\n    at cart.spec.ts:4:5', context: '# Page snapshot' },
        steps: [
          step({
            title: 'Add item',
            status: 'failed',
            expectedResult: 'one item',
            data: 'sku=42',
            comment: 'failed here',
            attachments: [{ name: 'step.txt', contentType: 'text/plain', content: 'x' }],
            steps: [step({ title: 'Click add', startTimeMs: T0 + 10, endTimeMs: T0 + 60 })],
          }),
        ],
        attachments: [screenshot],
        params: { browser: 'chromium' },
        paramGroups: [['browser']],
        fields: { severity: 'critical' },
        message: 'Known to be slow',
        thread: 'worker-2',
        retry: 1,
      }),
      { rootSuite: 'E2E', testops: { defect: true } },
    );
    expect(body).toEqual({
      id: '6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f',
      title: 'Checkout',
      signature: 'given-signature',
      testops_ids: [12, 13],
      execution: {
        status: 'failed',
        start_time: 1732623290.123,
        end_time: 1732623291.623,
        duration: 1500,
        stacktrace: 'Error: expected 2\n    at cart.spec.ts:4:5',
        error_context: '# Page snapshot',
        thread: 'worker-2',
      },
      message: 'Known to be slow\n\nexpected 2, got 3',
      relations: { suite: { data: [{ title: 'E2E' }, { title: 'cart.spec.ts' }, { title: 'Cart' }] } },
      fields: { severity: 'critical' },
      params: { browser: 'chromium' },
      param_groups: [['browser']],
      attachments: ['ref:shot.png'],
      steps: [
        {
          data: { action: 'Add item', expected_result: 'one item', input_data: 'sku=42' },
          execution: {
            status: 'failed',
            start_time: 1732623290.123,
            end_time: 1732623290.323,
            duration: 200,
            comment: 'failed here',
            attachments: ['ref:step.txt'],
          },
          steps: [
            {
              data: { action: 'Click add' },
              execution: { status: 'passed', start_time: 1732623290.133, end_time: 1732623290.183, duration: 50 },
            },
          ],
        },
      ],
      defect: true,
    });
  });

  it('sends a minimal result with only what it has', () => {
    expect(map(result())).toEqual({
      id: '6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f',
      title: 'Login works',
      signature: 'login_works',
      execution: { status: 'passed', start_time: 1732623290.123, end_time: 1732623291.623, duration: 1500 },
      defect: false,
    });
  });

  it('passes the result id through unchanged, so a resend carries the same idempotency key', () => {
    const r = result({ id: 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d' });
    expect([map(r)?.id, map(r)?.id]).toEqual([r.id, r.id]);
  });

  it('does not share arrays or objects with the result', () => {
    const r = result({ caseIds: [1], params: { a: 'b' }, paramGroups: [['a']], fields: { layer: 'e2e' } });
    const body = map(r);
    expect(body?.testops_ids).not.toBe(r.caseIds);
    expect(body?.params).not.toBe(r.params);
    expect(body?.param_groups?.[0]).not.toBe(r.paramGroups[0]);
    expect(body?.fields).not.toBe(r.fields);
  });
});

describe('status mapping, then status filter', () => {
  it.each([
    { status: 'passed', mapping: {}, filter: [], expected: 'passed' },
    { status: 'invalid', mapping: { invalid: 'failed' }, filter: [], expected: 'failed' },
    { status: 'skipped', mapping: { skipped: 'passed' }, filter: [], expected: 'passed' },
    { status: 'failed', mapping: { invalid: 'failed' }, filter: [], expected: 'failed' },
    { status: 'blocked', mapping: { blocked: 'needs_review' }, filter: [], expected: 'needs_review' },
    { status: 'skipped', mapping: {}, filter: ['skipped'], expected: undefined },
    { status: 'passed', mapping: {}, filter: ['skipped'], expected: 'passed' },
    { status: 'invalid', mapping: { invalid: 'skipped' }, filter: ['skipped'], expected: undefined },
    { status: 'skipped', mapping: { skipped: 'passed' }, filter: ['skipped'], expected: 'passed' },
  ] as const)('$status with $mapping, filter $filter → $expected', ({ status, mapping, filter, expected }) => {
    const body = map(result({ status }), { statusMapping: mapping, testops: { statusFilter: filter } });
    expect(body?.execution.status).toBe(expected);
  });
});

describe('times', () => {
  it.each([
    { case: 'seconds with the milliseconds as the fraction', start: T0, end: T0 + 2001, duration: 2001, expected: [1732623290.123, 1732623292.124, 2001] },
    { case: 'sub-millisecond times are rounded', start: T0 + 0.4, end: T0 + 10.6, duration: 10.2, expected: [1732623290.123, 1732623290.134, 10] },
    { case: 'a negative duration becomes 0', start: T0, end: T0, duration: -3, expected: [1732623290.123, 1732623290.123, 0] },
  ])('$case', ({ start, end, duration, expected }) => {
    const { execution } = map(result({ startTimeMs: start, endTimeMs: end, durationMs: duration })) ?? {};
    expect([execution?.start_time, execution?.end_time, execution?.duration]).toEqual(expected);
  });

  it.each([
    { case: 'a result that started before the run starts with the run', notBefore: T0 + 500, expected: [1732623290.623, 1732623291.623] },
    { case: 'a result that ended before the run is clamped whole', notBefore: T0 + 5000, expected: [1732623295.123, 1732623295.123] },
    { case: 'a result inside the run is untouched', notBefore: T0 - 1, expected: [1732623290.123, 1732623291.623] },
  ])('$case', ({ notBefore, expected }) => {
    const body = map(result({ steps: [step({ startTimeMs: T0, endTimeMs: T0 + 800 })] }), {}, notBefore);
    expect([body?.execution.start_time, body?.execution.end_time]).toEqual(expected);
    expect(body?.execution.duration).toBe(1500);
    const stepExecution = body?.steps?.[0]?.execution;
    expect(stepExecution?.start_time).toBeGreaterThanOrEqual(notBefore / 1000);
    expect(stepExecution?.end_time).toBeGreaterThanOrEqual(stepExecution?.start_time ?? Infinity);
    expect(stepExecution?.duration).toBe(800);
  });
});

describe('suite path', () => {
  it.each([
    { suitePath: [], rootSuite: undefined, expected: undefined },
    { suitePath: ['a.spec.ts', 'Group'], rootSuite: undefined, expected: ['a.spec.ts', 'Group'] },
    { suitePath: [], rootSuite: 'Root', expected: ['Root'] },
    { suitePath: ['a.spec.ts'], rootSuite: 'Root', expected: ['Root', 'a.spec.ts'] },
    { suitePath: ['', 'a.spec.ts'], rootSuite: undefined, expected: ['a.spec.ts'] },
  ])('$suitePath with root suite $rootSuite', ({ suitePath, rootSuite, expected }) => {
    const body = map(result({ suitePath }), { rootSuite });
    expect(body?.relations?.suite.data.map((suite) => suite.title)).toEqual(expected);
  });
});

describe('steps', () => {
  it.each([
    { case: 'an untitled step gets the official name', step: step({ title: '' }), data: { action: 'Unnamed step' } },
    { case: 'expected result and input data', step: step({ expectedResult: 'ok', data: 'x=1' }), data: { action: 'Open page', expected_result: 'ok', input_data: 'x=1' } },
    { case: 'empty strings are kept', step: step({ expectedResult: '', data: '' }), data: { action: 'Open page', expected_result: '', input_data: '' } },
    {
      case: "the official title markers, read out of Playwright's step title",
      step: step({ title: 'Click QaseExpRes:: Clicked QaseData:: #login' }),
      data: { action: 'Click', expected_result: 'Clicked', input_data: '#login' },
    },
  ])('$case', ({ step: s, data }) => {
    expect(map(result({ steps: [s] }))?.steps?.[0]?.data).toEqual(data);
  });

  it.each(['passed', 'failed', 'blocked', 'skipped', 'in_progress'] as const)('keeps step status %s', (status) => {
    expect(map(result({ steps: [step({ status })] }))?.steps?.[0]?.execution.status).toBe(status);
  });

  it('nests steps to any depth', () => {
    const deep = step({ title: '1', steps: [step({ title: '2', steps: [step({ title: '3' })] })] });
    const body = map(result({ steps: [deep] }));
    expect(body?.steps?.[0]?.steps?.[0]?.steps?.[0]?.data.action).toBe('3');
    expect(body?.steps?.[0]?.steps?.[0]?.steps?.[0]?.steps).toBeUndefined();
  });
});

describe('case ids', () => {
  it.each([
    { caseIds: [], expected: undefined },
    { caseIds: [7], expected: [7] },
    { caseIds: [7, 9], expected: [7, 9] },
  ])('$caseIds → testops_ids $expected', ({ caseIds, expected }) => {
    expect(map(result({ caseIds }))?.testops_ids).toEqual(expected);
  });
});

describe('error and message', () => {
  it.each([
    { case: 'no error, no comment', r: {}, message: undefined, stacktrace: undefined, context: undefined },
    { case: 'a comment only', r: { message: 'note' }, message: 'note', stacktrace: undefined, context: undefined },
    { case: 'an error only', r: { error: { message: 'boom' } }, message: 'boom', stacktrace: undefined, context: undefined },
    {
      case: 'comment first, then the error message',
      r: { message: 'note', error: { message: 'boom', stack: 'Error: boom\n  at x' } },
      message: 'note\n\nboom',
      stacktrace: 'Error: boom\n  at x',
      context: undefined,
    },
    {
      case: 'error context',
      r: { error: { message: 'boom', context: '# Error details' } },
      message: 'boom',
      stacktrace: undefined,
      context: '# Error details',
    },
    { case: 'an empty error message adds nothing', r: { message: 'note', error: { message: '' } }, message: 'note', stacktrace: undefined, context: undefined },
  ])('$case', ({ r, message, stacktrace, context }) => {
    const body = map(result({ status: 'failed', ...r }));
    expect([body?.message, body?.execution.stacktrace, body?.execution.error_context]).toEqual([message, stacktrace, context]);
  });
});

describe('params, fields, thread, defect', () => {
  it.each<{ params: Record<string, string>; paramGroups: string[][]; expected: unknown[] }>([
    { params: {}, paramGroups: [], expected: [undefined, undefined] },
    { params: { browser: 'firefox', user: 'admin' }, paramGroups: [], expected: [{ browser: 'firefox', user: 'admin' }, undefined] },
    { params: { a: '1', b: '2' }, paramGroups: [['a', 'b']], expected: [{ a: '1', b: '2' }, [['a', 'b']]] },
  ])('params $params, groups $paramGroups', ({ params, paramGroups, expected }) => {
    const body = map(result({ params, paramGroups }));
    expect([body?.params, body?.param_groups]).toEqual(expected);
  });

  it.each<{ case: string; flaky: boolean; fields: Record<string, string>; tags: string[]; expected: unknown }>([
    { case: 'no fields', flaky: false, fields: {}, tags: [], expected: undefined },
    { case: 'fields as given', flaky: false, fields: { layer: 'e2e' }, tags: [], expected: { layer: 'e2e' } },
    { case: 'a flaky result is not marked: only the adapter asked to marks it', flaky: true, fields: {}, tags: [], expected: undefined },
    { case: 'tags as the tags field, once each', flaky: false, fields: {}, tags: ['smoke', 'api', 'smoke'], expected: { tags: 'smoke,api' } },
    { case: 'tags with a tags field of the test', flaky: false, fields: { tags: 'e2e, smoke' }, tags: ['smoke', 'api'], expected: { tags: 'e2e,smoke,api' } },
  ])('$case', ({ flaky, fields, tags, expected }) => {
    expect(map(result({ flaky, fields, tags }))?.fields).toEqual(expected);
  });

  it.each([
    { thread: undefined, expected: undefined },
    { thread: '', expected: undefined },
    { thread: '1234-0', expected: '1234-0' },
  ])('thread $thread', ({ thread, expected }) => {
    expect(map(result({ thread }))?.execution.thread).toBe(expected);
  });

  it.each([false, true])('defect %s comes from the config', (defect) => {
    expect(map(result(), { testops: { defect } })?.defect).toBe(defect);
  });
});

describe('attachments and logs', () => {
  function mapWith(r: TestResult, options: unknown) {
    const seen: Attachment[] = [];
    const body = toResultBody(r, {
      config: config(options),
      attachmentRef: (attachment) => {
        seen.push(attachment);
        return attachment.name === 'gone.png' ? undefined : `ref:${attachment.name}`;
      },
    });
    return { body, seen };
  }
  const file: Attachment = { name: 'a.png', contentType: 'image/png', path: '/tmp/a.png' };

  it.each([
    { case: 'logs off', options: { captureLogs: false }, logs: 'out', expected: ['ref:a.png'], seen: ['a.png'] },
    { case: 'logs on', options: { captureLogs: true }, logs: 'out', expected: ['ref:a.png', 'ref:log.txt'], seen: ['a.png', 'log.txt'] },
    { case: 'logs on, nothing printed', options: { captureLogs: true }, logs: '', expected: ['ref:a.png'], seen: ['a.png'] },
    { case: 'uploads off', options: { captureLogs: true, testops: { uploadAttachments: false } }, logs: 'out', expected: undefined, seen: [] },
  ])('$case', ({ options, logs, expected, seen }) => {
    const mapped = mapWith(result({ attachments: [file], logs }), options);
    expect(mapped.body?.attachments).toEqual(expected);
    expect(mapped.seen.map((attachment) => attachment.name)).toEqual(seen);
  });

  it('passes captured logs as a text/plain log.txt', () => {
    const { seen } = mapWith(result({ logs: 'line 1\nline 2\n' }), { captureLogs: true });
    expect(seen).toEqual([{ name: 'log.txt', contentType: 'text/plain', content: 'line 1\nline 2\n' }]);
  });

  it('leaves out an attachment the reference function refuses', () => {
    const gone: Attachment = { name: 'gone.png', contentType: 'image/png', path: '/tmp/gone.png' };
    expect(mapWith(result({ attachments: [gone, file] }), {}).body?.attachments).toEqual(['ref:a.png']);
  });

  it('drops step attachments when uploads are off', () => {
    const r = result({ steps: [step({ attachments: [file] })] });
    expect(mapWith(r, { testops: { uploadAttachments: false } }).body?.steps?.[0]?.execution.attachments).toBeUndefined();
  });
});

describe('a test without a title', () => {
  it.each([
    { case: 'an empty title is named after its suite path', r: { title: '', suitePath: ['cart.spec.ts', 'Cart'] }, title: 'Untitled test in cart.spec.ts > Cart' },
    { case: 'a title of blanks likewise', r: { title: ' \t ', suitePath: ['Cart'] }, title: 'Untitled test in Cart' },
    { case: 'blank suites are left out of the name', r: { title: '', suitePath: ['', 'Cart', ' '] }, title: 'Untitled test in Cart' },
    { case: 'no suite path at all', r: { title: '' }, title: 'Untitled test' },
    { case: 'a title with blanks around it is kept as it is', r: { title: ' Pays ' }, title: ' Pays ' },
  ])('$case', ({ r, title }) => {
    expect(map(result(r))?.title).toBe(title);
  });

  it('gets the same title and signature on every run', () => {
    const first = map(result({ id: 'a', title: '', suitePath: ['Cart'] }));
    const second = map(result({ id: 'b', title: '', suitePath: ['Cart'] }));
    expect([second?.title, second?.signature]).toEqual([first?.title, first?.signature]);
  });

  it.each([
    { case: 'no signature from the adapter', signature: undefined },
    { case: 'an empty one', signature: '' },
    { case: 'a blank one', signature: '  ' },
  ])('is sent with a signature from its suite path and new title: $case', ({ signature }) => {
    expect(map(result({ title: '', suitePath: ['Cart'], signature }))?.signature).toBe('cart::untitled_test_in_cart');
  });

  it('keeps the signature its adapter gave', () => {
    expect(map(result({ title: '', suitePath: ['Cart'], signature: 'cart.test.js::cart_' }))?.signature).toBe('cart.test.js::cart_');
  });

  it('leaves blank suites out of the relations, which the API would refuse', () => {
    expect(map(result({ suitePath: ['Cart', ' ', ''] }))?.relations).toEqual({ suite: { data: [{ title: 'Cart' }] } });
  });
});

describe('signature', () => {
  it.each([
    { case: 'title only', r: {}, expected: 'login_works' },
    { case: 'suite path and title', r: { suitePath: ['auth/login.spec.ts', 'Login Page'] }, expected: 'auth/login.spec.ts::login_page::login_works' },
    { case: 'case ids first, joined by -', r: { caseIds: [3, 5], suitePath: ['a.spec.ts'] }, expected: '3-5::a.spec.ts::login_works' },
    {
      case: 'params last, lower case',
      r: { params: { Browser: 'Chromium', user: 'Admin' } },
      expected: "login_works::{'browser':'chromium'}::{'user':'admin'}",
    },
    { case: 'tabs and :: split levels, blanks dropped', r: { suitePath: [' A\tB ', 'C::D', ''] }, expected: 'a::b::c::d::login_works' },
    { case: 'runs of spaces become one _', r: { title: 'Logs  in   fast' }, expected: 'logs_in_fast' },
    { case: 'a given signature is kept', r: { signature: 'Custom::Sig', caseIds: [1] }, expected: 'Custom::Sig' },
  ])('$case', ({ r, expected }) => {
    expect(map(result(r))?.signature).toBe(expected);
  });

  it('leaves the root suite out, so setting one does not change which case a result matches', () => {
    const r = result({ suitePath: ['a.spec.ts'] });
    expect(map(r, { rootSuite: 'Root' })?.signature).toBe(map(r)?.signature);
  });
});
