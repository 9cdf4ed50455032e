import { afterEach, describe, expect, it, vi } from 'vitest';
import { qase } from '../src/qase';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('qase()', () => {
  it.each([
    [12, 'Login works (Qase ID: 12)'],
    [[1, 2], 'Login works (Qase ID: 1,2)'],
    ['7', 'Login works (Qase ID: 7)'],
    [['3', 'x'], 'Login works (Qase ID: 3)'],
    ['abc', 'Login works'],
  ] as const)('qase(%j, title) → %s', (ids, title) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(qase(ids, 'Login works')).toBe(title);
  });
});

describe('outside a running test', () => {
  it('ignores a call with one warning line instead of throwing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(qase.title('x').fields({ a: 1 })).toBe(qase);
    qase.title('again');
    expect(await qase.step('runs anyway', () => 42)).toBe(42);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      'qase: qase.title() was called outside a running test and was ignored. Call it inside a test, a hook or a step.',
      'qase: qase.fields() was called outside a running test and was ignored. Call it inside a test, a hook or a step.',
      'qase: qase.step() was called outside a running test and ran without recording a step. Call it inside a test, a hook or a step.',
    ]);
  });
});
