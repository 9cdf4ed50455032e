import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestMetadata } from '../src/metadata';
import { createQaseApi, createWarnOnce, mergeMetadata } from '../src/qase-api';
import type { AttachOptions, QaseApi } from '../src/qase-api';

interface Qase extends QaseApi<Qase, AttachOptions & { type?: string }> {
  step(title: string): string;
}

/** The API over a recorder that keeps every call and warning, as an adapter's transport would receive them. */
function api() {
  const calls: [string, TestMetadata][] = [];
  const warnings: string[] = [];
  const qase = createQaseApi<Qase, AttachOptions & { type?: string }>(
    { record: (method, meta) => calls.push([method, meta]), warn: (message) => warnings.push(message) },
    { step: (title) => `step ${title}` },
  );
  return { qase, calls, warnings };
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

  it("keeps the adapter's own members", () => {
    expect(api().qase.title('x').step('open')).toBe('step open');
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
    { name: 'case ids, attachments and steps add up', earlier: { caseIds: [1], attachments: [{ name: 'a', contentType: 'text/plain', content: 'a' }] }, next: { caseIds: [2] }, merged: { caseIds: [1, 2], attachments: [{ name: 'a', contentType: 'text/plain', content: 'a' }], steps: [] } },
    { name: 'ignore sticks', earlier: { ignore: true }, next: { title: 'x' }, merged: { ignore: true } },
  ])('$name', ({ earlier, next, merged }) => {
    expect(mergeMetadata(earlier, next)).toMatchObject(merged);
  });
});
