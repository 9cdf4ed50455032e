import { resolve } from 'node:path';
import type { Step, TestMetadata } from '@qase-reporters/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, qase } from '../src/qase';

let stop: (() => void) | undefined;

/** Starts a listener with a running test; returns what the test records. */
function running(): TestMetadata[] {
  const calls: TestMetadata[] = [];
  stop = listen({ current: () => calls });
  return calls;
}

/** Starts a listener between tests. */
function betweenTests(): void {
  stop = listen({ current: () => undefined });
}

afterEach(() => {
  stop?.();
  stop = undefined;
  vi.restoreAllMocks();
});

const stepsOf = (calls: TestMetadata[]): Step[] => calls.flatMap((call) => call.steps ?? []);
const shape = (steps: Step[]): unknown[] => steps.map((s) => [s.title, s.status, s.attachments.map((a) => a.name), shape(s.steps)]);

describe('qase()', () => {
  it.each([
    { ids: 12, title: 'Login works (Qase ID: 12)' },
    { ids: [12, '13'], title: 'Login works (Qase ID: 12,13)' },
    { ids: ['x', -1], title: 'Login works' },
  ])('qase($ids, …) → $title', ({ ids, title }) => {
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(qase(ids, 'Login works')).toBe(title);
  });
});

describe('the per-test API in a running test', () => {
  it.each<{ name: string; call: () => unknown; recorded: TestMetadata }>([
    { name: 'id', call: () => qase.id([3, 4]), recorded: { caseIds: [3, 4] } },
    { name: 'title', call: () => qase.title('Shown'), recorded: { title: 'Shown' } },
    { name: 'fields, as strings', call: () => qase.fields({ severity: 'major', order: 2 }), recorded: { fields: { severity: 'major', order: '2' } } },
    { name: 'suite', call: () => qase.suite('Auth\tLogin'), recorded: { suite: 'Auth\tLogin' } },
    { name: 'parameters, as strings', call: () => qase.parameters({ n: 1 }), recorded: { params: { n: '1' } } },
    { name: 'groupParameters', call: () => qase.groupParameters({ user: 'a' }), recorded: { groupParams: { user: 'a' } } },
    { name: 'comment', call: () => qase.comment('note'), recorded: { comment: 'note' } },
    { name: 'ignore', call: () => qase.ignore(), recorded: { ignore: true } },
    {
      name: 'attach content, text by default',
      call: () => qase.attach({ name: 'a.txt', content: 'hi' }),
      recorded: { attachments: [{ name: 'a.txt', contentType: 'text/plain', content: 'hi' }] },
    },
    {
      name: 'attach paths, typed by extension and resolved now',
      call: () => qase.attach({ paths: ['shot.PNG', 'data.bin'] }),
      recorded: {
        attachments: [
          { name: 'shot.PNG', contentType: 'image/png', path: resolve('shot.PNG') },
          { name: 'data.bin', contentType: 'application/octet-stream', path: resolve('data.bin') },
        ],
      },
    },
  ])('records $name and chains', ({ call, recorded }) => {
    const calls = running();
    expect(call()).toBe(qase);
    expect(calls).toEqual([recorded]);
  });

  it('runs a synchronous step in place, nests the steps inside it and returns its value', () => {
    const calls = running();
    const value = qase.step('outer', () => {
      qase.step('inner', () => qase.attach({ name: 'in-step.txt', content: 'x' }), 'it works', 'input');
      return 42;
    });
    expect(value).toBe(42);
    expect(shape(stepsOf(calls))).toEqual([['outer', 'passed', [], [['inner', 'passed', ['in-step.txt'], []]]]]);
    expect(stepsOf(calls)[0]?.steps[0]).toMatchObject({ expectedResult: 'it works', data: 'input' });
  });

  it('marks a step whose body throws failed and lets the error through', () => {
    const calls = running();
    expect(() => qase.step('breaks', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(shape(stepsOf(calls))).toEqual([['breaks', 'failed', [], []]]);
  });

  it('nests async steps by the async context they run in, also side by side', async () => {
    const calls = running();
    const tick = () => new Promise((done) => setImmediate(done));
    const result = await qase.step('parent', async () => {
      await Promise.all(['a', 'b'].map((name) => qase.step(name, async () => {
        await tick();
        qase.attach({ name: `${name}.txt`, content: name });
        await qase.step(`${name} inner`, async () => tick());
      })));
      return 'done';
    });
    expect(result).toBe('done');
    expect(shape(stepsOf(calls))).toEqual([
      ['parent', 'passed', [], [['a', 'passed', ['a.txt'], [['a inner', 'passed', [], []]]], ['b', 'passed', ['b.txt'], [['b inner', 'passed', [], []]]]]],
    ]);
  });

  it('marks an async step that rejects failed', async () => {
    const calls = running();
    await expect(qase.step('rejects', async () => {
      throw new Error('later');
    })).rejects.toThrow('later');
    expect(shape(stepsOf(calls))).toEqual([['rejects', 'failed', [], []]]);
  });

  it('sends a step the test did not await as still in progress', () => {
    const calls = running();
    void qase.step('not awaited', () => new Promise(() => undefined));
    expect(stepsOf(calls)[0]?.status).toBe('in_progress');
  });
});

describe('the per-test API outside a running test', () => {
  it('records nothing and says so once, while the reporter listens', () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    betweenTests();
    expect(qase.title('x').comment('y').title('z')).toBe(qase);
    expect(qase.step('still runs', () => 'value')).toBe('value');
    const lines = write.mock.calls.map(([text]) => String(text));
    expect(lines.filter((line) => line.includes('qase.title() was called outside a running test'))).toHaveLength(1);
  });

  it('does nothing, silently, when no reporter listens', () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(qase.title('x').attach({ content: 'y' })).toBe(qase);
    expect(qase.step('still runs', () => 'value')).toBe('value');
    expect(write).not.toHaveBeenCalled();
  });
});
