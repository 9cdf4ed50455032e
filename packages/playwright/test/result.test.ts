import type { Suite, TestCase, TestResult as Attempt, TestStep } from '@playwright/test/reporter';
import { describe, expect, it } from 'vitest';
import { toStatus, toTestResult } from '../src/result';
import { METADATA_CONTENT_TYPE, REQUEST_STEPS_CONTENT_TYPE } from '../src/transport';
import type { MetadataMessage } from '../src/transport';

// Playwright's reporter objects are plain data plus a few methods; these literals carry what the translation reads.
type Attachment = Attempt['attachments'][number];

function suite(type: Suite['type'], title: string, parent?: Suite): Suite {
  return { type, title, parent } as Suite;
}

function testCase(overrides: Partial<TestCase> = {}): TestCase {
  const project = suite('project', 'chromium', suite('root', ''));
  const file = suite('file', 'auth\\login.spec.ts', project);
  return {
    title: 'logs in',
    parent: suite('describe', 'Login', suite('describe', '', file)),
    expectedStatus: 'passed',
    outcome: () => 'expected',
    tags: [],
    ...overrides,
  } as TestCase;
}

function attempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    status: 'passed',
    startTime: new Date(1_000_000),
    duration: 500,
    retry: 0,
    parallelIndex: 1,
    errors: [],
    steps: [],
    attachments: [],
    annotations: [],
    ...overrides,
  } as unknown as Attempt;
}

function step(title: string, overrides: Partial<TestStep> = {}): TestStep {
  return {
    title,
    category: 'test.step',
    startTime: new Date(1_000_100),
    duration: 10,
    steps: [],
    attachments: [],
    annotations: [],
    ...overrides,
  } as TestStep;
}

function metadata(message: MetadataMessage): Attachment {
  return { name: 'qase-metadata.json', contentType: METADATA_CONTENT_TYPE, body: Buffer.from(JSON.stringify(message)) };
}

describe('toStatus', () => {
  it.each([
    ['passed', 'passed', 'passed'],
    ['passed', 'failed', 'failed'],
    ['passed', 'timedOut', 'failed'],
    ['passed', 'interrupted', 'failed'],
    ['passed', 'skipped', 'skipped'],
    ['skipped', 'skipped', 'skipped'],
    // test.fail(): failing is what the test is expected to do.
    ['failed', 'failed', 'passed'],
    ['failed', 'passed', 'failed'],
    ['failed', 'timedOut', 'failed'],
  ] as const)('expected %s, actual %s → %s', (expected, actual, status) => {
    expect(toStatus(expected, { status: actual, errors: [] })).toBe(status);
  });

  it.each([
    { errors: [{ message: 'Error: \u001b[2mexpect(\u001b[22mreceived).toBe(expected)' }], status: 'passed', runner: 'failed', qase: 'failed' },
    { errors: [{ message: "TypeError: Cannot read properties of undefined (reading 'x')" }], status: 'passed', runner: 'failed', qase: 'invalid' },
    { errors: [{ message: 'page.goto: net::ERR_CONNECTION_REFUSED at http://127.0.0.1:9/' }], status: 'passed', runner: 'failed', qase: 'invalid' },
    { errors: [{ message: 'Test timeout of 30000ms exceeded.' }], status: 'passed', runner: 'timedOut', qase: 'failed' },
  ] as const)('a failure by its error: $errors.0.message → $qase', ({ errors, runner, qase }) => {
    expect(toStatus('passed', { status: runner, errors: [...errors] })).toBe(qase);
  });
});

describe('toTestResult', () => {
  it('takes title, suite path, times, retry and thread from the test and the attempt', () => {
    const result = toTestResult(testCase(), attempt({ retry: 2 }), { markAsFlaky: false });
    expect(result).toMatchObject({
      title: 'logs in',
      suitePath: ['chromium', 'auth/login.spec.ts', 'Login'],
      status: 'passed',
      startTimeMs: 1_000_000,
      durationMs: 500,
      endTimeMs: 1_000_500,
      retry: 2,
      thread: '1',
      params: {},
      flaky: false,
    });
  });

  it('sends the project as the browser parameter only when asked to, and then not as a suite level', () => {
    expect(toTestResult(testCase(), attempt(), { markAsFlaky: false })?.params).toEqual({});
    expect(toTestResult(testCase(), attempt(), { markAsFlaky: false, browserParameter: 'Browser' })).toMatchObject({
      params: { Browser: 'chromium' },
      suitePath: ['auth/login.spec.ts', 'Login'],
      signature: "auth/login.spec.ts::login::logs_in::{'browser':'chromium'}",
    });
  });

  it("sends Playwright's tags without their @, with qase.tags", () => {
    const result = toTestResult(testCase({ tags: ['@smoke', '@api'] }), attempt({ attachments: [metadata({ tags: ['smoke', 'e2e'] })] }), { markAsFlaky: false });
    expect(result?.tags).toEqual(['smoke', 'api', 'e2e']);
  });

  it('adds the network profiler steps after the test steps, and does not attach them', () => {
    const request = { title: 'GET http://127.0.0.1/cart', status: 'passed', startTimeMs: 1, endTimeMs: 2, attachments: [], steps: [] };
    const result = toTestResult(testCase(), attempt({
      steps: [step('open')],
      attachments: [{ name: 'qase-requests.json', contentType: REQUEST_STEPS_CONTENT_TYPE, body: Buffer.from(JSON.stringify([request])) }],
    }), { markAsFlaky: false });
    expect(result?.steps.map((s) => s.title)).toEqual(['open', 'GET http://127.0.0.1/cart']);
    expect(result?.attachments).toEqual([]);
  });

  it('links case ids from the title, QaseID annotations and qase.id(), each once', () => {
    const result = toTestResult(
      testCase({ title: 'logs in (Qase ID: 1,2)' }),
      attempt({
        annotations: [{ type: 'QaseID', description: '2, 3' }, { type: 'qaseid', description: '4' }, { type: 'issue', description: '9' }],
        attachments: [metadata({ caseIds: [4, 5] })],
      }),
      { markAsFlaky: false },
    );
    expect(result).toMatchObject({ title: 'logs in', caseIds: [1, 2, 3, 4, 5] });
  });

  it('links case ids per project from title markers, QaseProjects annotations and qase.projects(), each once', () => {
    const warnings: string[] = [];
    const result = toTestResult(
      testCase({ title: 'logs in (Qase PROJ1: 1) (Qase ID: 7)' }),
      attempt({
        annotations: [
          { type: 'QaseProjects', description: '{"PROJ1":[1,2],"PROJ2":["3",0]}' },
          { type: 'qaseprojects', description: 'not json' },
        ],
        attachments: [metadata({ projects: { PROJ3: [4] } }), metadata({ projects: { PROJ2: [3, 5] } })],
      }),
      { markAsFlaky: false, warn: (message) => warnings.push(message) },
    );
    expect(result).toMatchObject({ title: 'logs in', caseIds: [7], projects: { PROJ1: [1, 2], PROJ2: [3, 5], PROJ3: [4] } });
    expect(warnings).toEqual(['the QaseProjects annotation "not json" is not a mapping like {"PROJ1":[1,2]} and was ignored.']);
  });

  it('signs a test that names cases per project without case ids, as the official reporter does', () => {
    const mapped = toTestResult(testCase({ title: 'logs in' }), attempt({ attachments: [metadata({ caseIds: [7], projects: { PROJ1: [1] } })] }), { markAsFlaky: false });
    const plain = toTestResult(testCase({ title: 'logs in' }), attempt(), { markAsFlaky: false });
    expect(mapped?.signature).toBe(plain?.signature);
  });

  it('folds qase.* calls in order: the last title wins, records and lists add up', () => {
    const result = toTestResult(
      testCase(),
      attempt({
        attachments: [
          metadata({ title: 'First', fields: { severity: 'major' }, params: { user: 'a' } }),
          metadata({ title: 'Second', fields: { priority: 'high' }, groupParams: { browser: 'x' } }),
          metadata({ suite: 'Auth\tLogin', comment: 'note' }),
        ],
      }),
      { markAsFlaky: false },
    );
    expect(result).toMatchObject({
      title: 'Second',
      suitePath: ['Auth', 'Login'],
      fields: { severity: 'major', priority: 'high' },
      params: { user: 'a', browser: 'x' },
      paramGroups: [['browser']],
      message: 'note',
      attachments: [],
    });
  });

  it('drops the attempt of a test that called qase.ignore()', () => {
    expect(toTestResult(testCase(), attempt({ attachments: [metadata({ ignore: true })] }), { markAsFlaky: false })).toBeUndefined();
  });

  it('marks only the passing attempt of a flaky test as flaky, and sends is_flaky only with markAsFlaky', () => {
    const flaky = testCase({ outcome: () => 'flaky' });
    expect(toTestResult(flaky, attempt({ status: 'failed', retry: 0 }), { markAsFlaky: true })).toMatchObject({ flaky: false, fields: {} });
    expect(toTestResult(flaky, attempt({ status: 'passed', retry: 1 }), { markAsFlaky: false })).toMatchObject({ flaky: true, fields: {} });
    expect(toTestResult(flaky, attempt({ status: 'passed', retry: 1 }), { markAsFlaky: true })?.fields).toEqual({ is_flaky: 'true' });
  });

  it('joins the errors of a failed attempt without terminal colours', () => {
    const result = toTestResult(
      testCase(),
      attempt({
        status: 'failed',
        errors: [
          { message: '\u001b[31mExpected: 2\u001b[39m', stack: 'Error: Expected: 2\n    at a.spec.ts:3:1' },
          { value: 'thrown string' },
        ],
      }),
      { markAsFlaky: false },
    );
    expect(result?.error).toEqual({ message: 'Expected: 2\n\nthrown string', stack: 'Error: Expected: 2\n    at a.spec.ts:3:1', context: undefined });
  });

  it('sends no error for an expected failure', () => {
    const result = toTestResult(testCase({ expectedStatus: 'failed' }), attempt({ status: 'failed', errors: [{ message: 'boom' }] }), {
      markAsFlaky: false,
    });
    expect(result).toMatchObject({ status: 'passed', error: undefined });
  });

  it('reports test.step steps and hooks nested, and leaves out fixtures, expects, attach steps and empty hook containers', () => {
    const note: Attachment = { name: 'note', contentType: 'text/plain', body: Buffer.from('n') };
    const result = toTestResult(
      testCase(),
      attempt({
        status: 'timedOut',
        attachments: [note],
        steps: [
          step('Before Hooks', {
            category: 'hook',
            startTime: new Date(1_000_000),
            steps: [
              step('fixture: page', { category: 'fixture', steps: [step('log in', { startTime: new Date(1_000_010), duration: 5 })] }),
              step('beforeEach hook', { category: 'hook', startTime: new Date(1_000_005), duration: 1 }),
            ],
          }),
          step('After Hooks', { category: 'hook', steps: [step('fixture: page', { category: 'fixture' })] }),
          step('open', {
            annotations: [{ type: 'QaseExpectedResult', description: 'page open' }, { type: 'QaseData', description: 'url=/' }],
            steps: [
              step('expect.toBe', { category: 'expect' }),
              step('Attach "note"', { category: 'test.attach', attachments: [note] }),
              step('inner', { error: { message: 'x' } }),
            ],
          }),
          step('later', { annotations: [{ type: 'skip' }] }),
          step('hung', { duration: -1 }),
        ],
      }),
      { markAsFlaky: false },
    );
    expect(result?.attachments).toEqual([]);
    expect(result?.steps).toEqual([
      {
        title: 'Before Hooks',
        status: 'passed',
        startTimeMs: 1_000_000,
        endTimeMs: 1_000_010,
        attachments: [],
        steps: [
          { title: 'log in', status: 'passed', startTimeMs: 1_000_010, endTimeMs: 1_000_015, attachments: [], steps: [] },
          { title: 'beforeEach hook', status: 'passed', startTimeMs: 1_000_005, endTimeMs: 1_000_006, attachments: [], steps: [] },
        ],
      },
      {
        title: 'open',
        status: 'passed',
        startTimeMs: 1_000_100,
        endTimeMs: 1_000_110,
        expectedResult: 'page open',
        data: 'url=/',
        attachments: [{ name: 'note', contentType: 'text/plain', content: note.body }],
        steps: [{ title: 'inner', status: 'failed', startTimeMs: 1_000_100, endTimeMs: 1_000_110, attachments: [], steps: [] }],
      },
      { title: 'later', status: 'skipped', startTimeMs: 1_000_100, endTimeMs: 1_000_110, attachments: [], steps: [] },
      // Still running when the test timed out: it ends with the attempt.
      { title: 'hung', status: 'failed', startTimeMs: 1_000_100, endTimeMs: 1_000_500, attachments: [], steps: [] },
    ]);
  });

  it('before Playwright 1.51, takes what qase.steps said from their messages, matched by title and order', () => {
    // Playwright 1.40: no annotations on attempts or steps, no attachments on steps.
    const bare = (title: string, steps: TestStep[] = []): TestStep => ({ title, category: 'test.step', startTime: new Date(1_000_100), duration: 10, steps }) as unknown as TestStep;
    const file: Attachment = { name: 'made.txt', contentType: 'text/plain', body: Buffer.from('m') };
    const stray: Attachment = { name: 'stray.txt', contentType: 'text/plain', body: Buffer.from('s') };
    const test = testCase({ annotations: [{ type: 'QaseID', description: '7' }] });
    const result = toTestResult(test, {
      ...attempt({
        attachments: [
          metadata({ step: { title: 'check', occurrence: 1, expectedResult: 'second done', data: 'd2' } }),
          file,
          metadata({ step: { title: 'check', occurrence: 1, attachments: [1] } }),
          stray,
        ],
        steps: [bare('check', [bare('inner')]), bare('check')],
      }),
      annotations: undefined,
    } as unknown as Attempt, { markAsFlaky: false });
    expect(result?.caseIds).toEqual([7]);
    expect(result?.steps?.map((s) => [s.title, s.expectedResult, s.data, s.attachments.map((a) => a.name), s.steps.length])).toEqual([
      ['check', undefined, undefined, [], 1],
      ['check', 'second done', 'd2', ['made.txt'], 0],
    ]);
    expect(result?.attachments.map((a) => a.name)).toEqual(['stray.txt']);
  });

  it('uploads Playwright attachments under a name with an extension, and never the metadata', () => {
    const result = toTestResult(
      testCase(),
      attempt({
        attachments: [
          { name: 'screenshot', contentType: 'image/png', path: '/out/test-failed-1.png' },
          { name: 'report.json', contentType: 'application/json', path: '/out/report-1a2b.json' },
          { name: 'body', contentType: 'text/plain', body: Buffer.from('hi') },
          metadata({ title: 'x' }),
        ],
      }),
      { markAsFlaky: false },
    );
    expect(result?.attachments).toEqual([
      { name: 'screenshot.png', contentType: 'image/png', path: '/out/test-failed-1.png' },
      { name: 'report.json', contentType: 'application/json', path: '/out/report-1a2b.json' },
      { name: 'body', contentType: 'text/plain', content: Buffer.from('hi') },
    ]);
  });

  it('carries the logs it is given', () => {
    expect(toTestResult(testCase(), attempt(), { markAsFlaky: false, logs: 'out\nerr\n' })?.logs).toBe('out\nerr\n');
  });
});

// What the official reporter sends for the same test, worked out from qase-tms/qase-javascript:
// qase-playwright/src/result-builder.ts (`build`: suites from QaseSuite annotations, else qase.suite, else
// `test.titlePath()` without empty levels and with `\` as `/`; relations leave out the levels equal to test.title;
// signature ids from annotations, else qase.id, else the title; `generateSignature(ids, suites, metadata.parameters)`),
// src/annotation-extractor.ts (`extractSuite`) and qase-javascript-commons/src/utils/signature.ts.
describe('parity with the official Playwright reporter', () => {
  const unnamedProject = (): TestCase => {
    const file = suite('file', 'auth\\login.spec.ts', suite('project', '', suite('root', '')));
    return testCase({ parent: suite('describe', 'Login', file) });
  };

  it.each<{ name: string; test: TestCase; attempt: Attempt; suitePath: string[]; signature: string }>([
    {
      name: 'a named project, file, describe blocks, ids in the title, parameters (not group parameters)',
      test: testCase({ title: 'logs in (Qase ID: 12)' }),
      attempt: attempt({ attachments: [metadata({ params: { Browser: 'Chrome' }, groupParams: { os: 'linux' } })] }),
      suitePath: ['chromium', 'auth/login.spec.ts', 'Login'],
      signature: "12::chromium::auth/login.spec.ts::login::logs_in_(qase_id:_12)::{'browser':'chrome'}",
    },
    {
      name: 'an unnamed project and no ids: no ids part',
      test: unnamedProject(),
      attempt: attempt(),
      suitePath: ['auth/login.spec.ts', 'Login'],
      signature: 'auth/login.spec.ts::login::logs_in',
    },
    {
      name: 'qase.suite, which replaces the whole path, title included',
      test: testCase(),
      attempt: attempt({ attachments: [metadata({ suite: 'Auth\tSign in' })] }),
      suitePath: ['Auth', 'Sign in'],
      signature: 'auth::sign_in',
    },
    {
      name: 'QaseSuite annotations, which win over qase.suite; ids from annotations win over the others',
      test: testCase({ title: 'logs in (Qase ID: 1)' }),
      attempt: attempt({
        annotations: [{ type: 'QaseSuite', description: 'API\tUsers' }, { type: 'QaseID', description: '5' }],
        attachments: [metadata({ suite: 'Ignored', caseIds: [3] })],
      }),
      suitePath: ['API', 'Users'],
      signature: '5::api::users',
    },
    {
      name: 'a describe block titled as the test, which the path leaves out',
      test: testCase({ parent: suite('describe', 'logs in', suite('file', 'a.spec.ts', suite('project', '', suite('root', '')))) }),
      attempt: attempt({ attachments: [metadata({ caseIds: [7] })] }),
      suitePath: ['a.spec.ts'],
      signature: '7::a.spec.ts::logs_in::logs_in',
    },
  ])('$name', ({ test, attempt: run, suitePath, signature }) => {
    expect(toTestResult(test, run, { markAsFlaky: false })).toMatchObject({ suitePath, signature });
  });
});
