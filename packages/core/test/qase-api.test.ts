import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestMetadata } from '../src/metadata';
import { createQaseApi, createWarnOnce, mergeMetadata } from '../src/qase-api';
import type { AttachOptions, QaseApi } from '../src/qase-api';

type Qase = QaseApi<Qase, AttachOptions & { type?: string }>;

/**
 * The API over a recorder that keeps every call and warning, as an adapter's transport would receive them, and runs
 * steps as a list of [title, expected, data] in the order they start.
 */
function api(runStep?: (title: string, body: () => unknown) => unknown) {
  const calls: [string, TestMetadata][] = [];
  const warnings: string[] = [];
  const steps: [string, string | undefined, string | undefined][] = [];
  const qase = createQaseApi<Qase, AttachOptions & { type?: string }>({
    record: (method, meta) => calls.push([method, meta]),
    warn: (message) => warnings.push(message),
    step: (title, body, expectedResult, data) => {
      steps.push([title, expectedResult, data]);
      return runStep ? runStep(title, body) : body();
    },
  });
  return { qase, calls, warnings, steps };
}

describe('createQaseApi', () => {
  it.each([
    { ids: 12, title: 'Login works (Qase ID: 12)', warned: [] },
    { ids: [12, '13'], title: 'Login works (Qase ID: 12,13)', warned: [] },
    {
      ids: ['x', -1],
      title: 'Login works',
      warned: [
        'qase() got case id "x", which is not a positive whole number; it was ignored.',
        'qase() got case id -1, which is not a positive whole number; it was ignored.',
      ],
    },
  ])('qase($ids, title) → $title', ({ ids, title, warned }) => {
    const { qase, calls, warnings } = api();
    expect(qase(ids, 'Login works')).toBe(title);
    expect(calls).toEqual([]);
    expect(warnings).toEqual(warned);
  });

  it.each<{ name: string; call: (qase: Qase) => unknown; recorded: [string, TestMetadata] }>([
    { name: 'id', call: (q) => q.id([3, 4]), recorded: ['id', { caseIds: [3, 4] }] },
    { name: 'one id', call: (q) => q.id(3), recorded: ['id', { caseIds: [3] }] },
    { name: 'one id as text, from JavaScript', call: (q) => q.id('12' as unknown as number), recorded: ['id', { caseIds: [12] }] },
    { name: 'title', call: (q) => q.title('Shown'), recorded: ['title', { title: 'Shown' }] },
    { name: 'fields, as strings', call: (q) => q.fields({ severity: 'major', order: 2 }), recorded: ['fields', { fields: { severity: 'major', order: '2' } }] },
    { name: 'suite', call: (q) => q.suite('Auth\tLogin'), recorded: ['suite', { suite: 'Auth\tLogin' }] },
    { name: 'parameters, as strings', call: (q) => q.parameters({ n: 1 }), recorded: ['parameters', { params: { n: '1' } }] },
    { name: 'groupParameters', call: (q) => q.groupParameters({ user: 'a' }), recorded: ['groupParameters', { groupParams: { user: 'a' } }] },
    { name: 'comment', call: (q) => q.comment('note'), recorded: ['comment', { comment: 'note' }] },
    { name: 'ignore', call: (q) => q.ignore(), recorded: ['ignore', { ignore: true }] },
    {
      name: 'attach of text, text/plain by default',
      call: (q) => q.attach({ name: 'a.txt', content: 'hi' }),
      recorded: ['attach', { attachments: [{ name: 'a.txt', contentType: 'text/plain', content: 'hi' }] }],
    },
    {
      name: 'attach of bytes, unnamed, octet-stream by default',
      call: (q) => q.attach({ content: Buffer.from([1]) }),
      recorded: ['attach', { attachments: [{ name: 'attachment', contentType: 'application/octet-stream', content: Buffer.from([1]) }] }],
    },
    {
      name: 'attach with the official spelling `type`',
      call: (q) => q.attach({ name: 'raw', content: 'x', type: 'application/x-raw' }),
      recorded: ['attach', { attachments: [{ name: 'raw', contentType: 'application/x-raw', content: 'x' }] }],
    },
    {
      name: 'attach of paths, typed by extension and resolved now',
      call: (q) => q.attach({ paths: ['shot.PNG', 'data.bin'], name: 'ignored' }),
      recorded: ['attach', {
        attachments: [
          { name: 'shot.PNG', contentType: 'image/png', path: resolve('shot.PNG') },
          { name: 'data.bin', contentType: 'application/octet-stream', path: resolve('data.bin') },
        ],
      }],
    },
    {
      name: 'attach of one path with its content type',
      call: (q) => q.attach({ paths: 'log', contentType: 'text/plain' }),
      recorded: ['attach', { attachments: [{ name: 'log', contentType: 'text/plain', path: resolve('log') }] }],
    },
  ])('records $name and chains', ({ call, recorded }) => {
    const { qase, calls } = api();
    expect(call(qase)).toBe(qase);
    expect(calls).toEqual([recorded]);
  });

  it('records the valid case ids of qase.id and warns about the others', () => {
    const { qase, calls, warnings } = api();
    qase.id([5, 0]);
    expect(calls).toEqual([['id', { caseIds: [5] }]]);
    expect(warnings).toEqual(['qase.id() got case id 0, which is not a positive whole number; it was ignored.']);
  });

  it.each<{ name: string; call: (qase: Qase) => unknown; recorded: [string, TestMetadata] }>([
    { name: 'tags, from each argument', call: (q) => q.tags('smoke', 'regression'), recorded: ['tags', { tags: ['smoke', 'regression'] }] },
    { name: 'mute, as the muted field', call: (q) => q.mute(), recorded: ['mute', { fields: { muted: 'true' } }] },
  ])('records $name', ({ call, recorded }) => {
    const { qase, calls } = api();
    expect(call(qase)).toBe(qase);
    expect(calls).toEqual([recorded]);
  });

  it.each<{ name: string; call: (qase: Qase) => unknown }>([
    { name: 'fields without an object', call: (q) => q.fields(null as unknown as Record<string, string>) },
    { name: 'a title of undefined', call: (q) => q.title(undefined as unknown as string) },
    { name: 'attach without options', call: (q) => q.attach(undefined as unknown as AttachOptions) },
    { name: 'parameters of a number', call: (q) => q.parameters(5 as unknown as Record<string, string>) },
  ])('ignores $name with one warning, and never throws', ({ call }) => {
    const { qase, calls, warnings } = api();
    expect(call(qase)).toBe(qase);
    expect(calls).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^qase\.\w+\(\) could not use its arguments \(.+\); the call was ignored\.$/);
  });

  it('answers a call it does not know with a warning (printed once by warnOnce) and itself, so chains go on', () => {
    const { qase, warnings } = api();
    const future = qase as unknown as { severity(level: string): Qase };
    expect(future.severity('high').title('x')).toBe(qase);
    future.severity('low');
    expect([...new Set(warnings)]).toEqual([expect.stringMatching(/^qase\.severity\(\) is not part of this reporter's API \(known: id, title, .*\); the call was ignored\.$/)]);
  });

  it('is not a promise, nor a printable oddity: then, toJSON and asymmetricMatch stay undefined', () => {
    const { qase } = api();
    const probe = qase as unknown as Record<string, unknown>;
    expect([probe.then, probe.toJSON, probe.asymmetricMatch, probe.nodeType, probe.$$typeof, probe._private]).toEqual(Array(6).fill(undefined));
  });

  it('returns the official step title with markers when the step has no body', () => {
    const { qase, steps } = api();
    expect(qase.step('Click', 'Clicked', 'button')).toBe('Click QaseExpRes:: Clicked QaseData:: button');
    expect(qase.step('Click', undefined, 'button')).toBe('Click QaseExpRes: QaseData:: button');
    expect(qase.step('Click')).toBe('Click QaseExpRes: QaseData:');
    expect(steps).toEqual([]);
  });

  it('runs a step body with a step object whose step and attach nest, as `this` and as its argument', async () => {
    const { qase, steps, calls } = api();
    const value = await qase.step('outer', async function (this: unknown, s) {
      expect(this).toBe(s);
      await s.step('inner', () => undefined, 'done');
      s.attach({ name: 'a.txt', content: 'x' });
      return 7;
    }, 'expected', 'data');
    expect(value).toBe(7);
    expect(steps).toEqual([['outer', 'expected', 'data'], ['inner', 'done', undefined]]);
    expect(calls).toEqual([['attach', { attachments: [{ name: 'a.txt', contentType: 'text/plain', content: 'x' }] }]]);
  });

  it("lets the step body's error through: it is the test's", () => {
    const { qase, warnings } = api();
    expect(() => qase.step('fails', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(warnings).toEqual([]);
  });

  it('runs the body alone, with one warning, when the step runner fails before it', async () => {
    const { qase, warnings } = api(() => {
      throw new Error('no test');
    });
    expect(await qase.step('alone', () => 3)).toBe(3);
    expect(warnings).toEqual(['qase.step() could not record the step "alone" (no test); its body ran without it.']);
  });

  it.each<{ name: string; call: (qase: Qase) => unknown; returned: string }>([
    { name: 'qase.projects(mapping, title)', call: (q) => q.projects({ PROJ1: [1, 2], PROJ2: [3] }, 'Login'), returned: 'Login (Qase PROJ1: 1,2) (Qase PROJ2: 3)' },
    { name: 'qase.projectsTitle(title, mapping)', call: (q) => q.projectsTitle('Login', { PROJ1: [1], PROJ2: ['2'] }), returned: 'Login (Qase PROJ1: 1) (Qase PROJ2: 2)' },
    { name: 'a project without ids has no marker: a title cannot name it', call: (q) => q.projects({ PROJ1: [], PROJ2: [3] }, 'Login'), returned: 'Login (Qase PROJ2: 3)' },
    { name: 'no ids at all: the title as written', call: (q) => q.projectsTitle('Login', {}), returned: 'Login' },
  ])('$name returns the title with the official markers', ({ call, returned }) => {
    const { qase, calls, warnings } = api();
    expect(call(qase)).toBe(returned);
    expect(calls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('qase.projects(mapping) marks the running test and chains', () => {
    const { qase, calls, warnings } = api();
    expect(qase.projects({ PROJ1: [1, 2, 2], PROJ2: [3], PROJ3: [] })).toBe(qase);
    expect(calls).toEqual([['projects', { projects: { PROJ1: [1, 2], PROJ2: [3], PROJ3: [] } }]]);
    expect(warnings).toEqual([]);
  });

  it.each<{ name: string; call: (qase: Qase) => unknown; returned: unknown; recorded: [string, TestMetadata][]; warned: string[] }>([
    {
      name: 'a bad id is left out',
      call: (q) => q.projects({ PROJ1: [0, 1] }, 'Login'),
      returned: 'Login (Qase PROJ1: 1)',
      recorded: [],
      warned: ['qase.projects() got case id 0, which is not a positive whole number; it was ignored.'],
    },
    {
      name: 'a code that no title marker can carry is left out',
      call: (q) => q.projects({ 'PROJ 1': [1], PROJ2: [2] }),
      returned: 'self',
      recorded: [['projects', { projects: { PROJ2: [2] } }]],
      warned: ['qase.projects() got project code "PROJ 1"; a Qase project code has only letters, digits and _, so its ids were ignored.'],
    },
    {
      name: 'no mapping: the title as written',
      call: (q) => q.projects(null as never, 'Login'),
      returned: 'Login',
      recorded: [],
      warned: ['qase.projects() could not use its arguments (expected a mapping like { PROJ1: [1, 2] }, got null); the call was ignored.'],
    },
    {
      name: 'a list instead of a mapping, in a test',
      call: (q) => q.projects([1, 2] as never),
      returned: 'self',
      recorded: [],
      warned: ['qase.projects() could not use its arguments (expected a mapping like { PROJ1: [1, 2] }, got [1,2]); the call was ignored.'],
    },
    {
      name: 'projectsTitle without a mapping',
      call: (q) => q.projectsTitle('Login', undefined as never),
      returned: 'Login',
      recorded: [],
      warned: ['qase.projectsTitle() could not use its arguments (expected a mapping like { PROJ1: [1, 2] }, got undefined); the call was ignored.'],
    },
  ])('never throws on bad arguments: $name', ({ call, returned, recorded, warned }) => {
    const { qase, calls, warnings } = api();
    const result = call(qase);
    expect(result === qase ? 'self' : result).toBe(returned);
    expect(calls).toEqual(recorded);
    expect(warnings).toEqual(warned);
  });
});

describe('createWarnOnce', () => {
  it('prints each distinct message once, marked as ours', () => {
    const lines: string[] = [];
    const warn = createWarnOnce((line) => lines.push(line));
    for (const message of ['a', 'b', 'a']) warn(message);
    expect(lines).toEqual(['qase: a', 'qase: b']);
  });
});

describe('mergeMetadata', () => {
  it.each<{ name: string; earlier: TestMetadata; next: TestMetadata; merged: Partial<TestMetadata> }>([
    { name: 'the last title, suite and comment win', earlier: { title: 'a', suite: 'x', comment: 'c1' }, next: { title: 'b', comment: 'c2' }, merged: { title: 'b', suite: 'x', comment: 'c2' } },
    { name: 'records add up, the later value wins a key', earlier: { fields: { a: '1', b: '1' }, params: { p: '1' } }, next: { fields: { b: '2' }, groupParams: { g: '1' } }, merged: { fields: { a: '1', b: '2' }, params: { p: '1' }, groupParams: { g: '1' } } },
    { name: 'tags add up', earlier: { tags: ['a'] }, next: { tags: ['b'] }, merged: { tags: ['a', 'b'] } },
    { name: 'case ids, attachments and steps add up', earlier: { caseIds: [1], attachments: [{ name: 'a', contentType: 'text/plain', content: 'a' }] }, next: { caseIds: [2] }, merged: { caseIds: [1, 2], attachments: [{ name: 'a', contentType: 'text/plain', content: 'a' }] } },
    { name: 'case ids per project add up, each once', earlier: { projects: { P1: [1], P2: [2] } }, next: { projects: { P1: [1, 3] } }, merged: { projects: { P1: [1, 3], P2: [2] } } },
    { name: 'ignore sticks', earlier: { ignore: true }, next: { title: 'x' }, merged: { ignore: true, title: 'x' } },
    { name: 'what neither says stays unsaid', earlier: { title: 'a' }, next: { steps: [] }, merged: { title: 'a', steps: [] } },
  ])('$name', ({ earlier, next, merged }) => {
    expect(mergeMetadata(earlier, next)).toEqual(merged);
  });
});
