import { describe, expect, it } from 'vitest';
import type { ResultBody, StepBody } from '../../src/api-types';
import { truncateResult } from '../../src/upload/truncate';

const MARKER = /\n… \[truncated by qase-reporters: ([\d,]+) characters removed\]$/;

interface Texts { errorContext?: string; stacktrace?: string; message?: string; steps?: StepBody[] }

function result(texts: Texts): ResultBody {
  return {
    id: '7f1c2a9e-0000-4000-8000-000000000001',
    title: 'checkout works',
    execution: { status: 'failed', duration: 1234, error_context: texts.errorContext, stacktrace: texts.stacktrace },
    message: texts.message,
    steps: texts.steps,
    params: { browser: 'chromium' },
    attachments: ['hash-1'],
    relations: { suite: { data: [{ title: 'shop' }] } },
  };
}

function step(comment: string, steps?: StepBody[]): StepBody {
  return { data: { action: 'click pay' }, execution: { status: 'failed', comment }, steps };
}

/** Every text field truncation may touch, in a stable order. */
function texts(r: ResultBody): string[] {
  const comments = (steps: StepBody[] | undefined): string[] =>
    (steps ?? []).flatMap((s) => [s.execution.comment ?? '', ...comments(s.steps)]);
  return [r.execution.error_context ?? '', r.execution.stacktrace ?? '', r.message ?? '', ...comments(r.steps)];
}

const totalChars = (r: ResultBody): number => texts(r).reduce((sum, text) => sum + text.length, 0);

/** Checks that a cut field is the original's beginning plus a marker that counts what is missing. */
function expectHonestCut(cutText: string, original: string): void {
  const match = MARKER.exec(cutText);
  expect(match, 'marker').not.toBeNull();
  const kept = cutText.slice(0, match!.index);
  expect(original.startsWith(kept)).toBe(true);
  expect(Number(match![1]!.replaceAll(',', ''))).toBe(original.length - kept.length);
}

describe('truncateResult', () => {
  it('cuts an error_context that is too large, with the marker visible and the budget met', () => {
    const original = 'AssertionError: expected 1 to be 2\n' + 'x'.repeat(5_000_000);
    const cut = truncateResult(result({ errorContext: original }), 4_194_304);
    expect(totalChars(cut)).toBeLessThanOrEqual(4_194_304);
    expect(totalChars(cut)).toBeGreaterThan(4_194_304 - 100);
    expect(cut.execution.error_context).toMatch(/^AssertionError: expected 1 to be 2\n/);
    expectHonestCut(cut.execution.error_context!, original);
  });

  it('writes the removed count with thousands separators', () => {
    const cut = truncateResult(result({ errorContext: 'x'.repeat(1_234_667) }), 1_100);
    expect(cut.execution.error_context).toMatch(/: 1,23\d,\d{3} characters removed\]$/);
  });

  it('leaves id, title, status and every other field untouched', () => {
    const input = result({ errorContext: 'e'.repeat(10_000), stacktrace: 's'.repeat(10_000), message: 'boom' });
    const cut = truncateResult(input, 1_000);
    const { error_context: _e, stacktrace: _s, ...execution } = cut.execution;
    expect({ ...cut, execution, message: undefined }).toEqual({
      ...input,
      execution: { status: 'failed', duration: 1234 },
      message: undefined,
    });
    expect(cut.id).toBe('7f1c2a9e-0000-4000-8000-000000000001');
    expect(cut.title).toBe('checkout works');
  });

  it('returns a copy and leaves the result it is given as it was', () => {
    const input = result({ errorContext: 'e'.repeat(10_000), steps: [step('c'.repeat(10_000))] });
    const before = structuredClone(input);
    const cut = truncateResult(input, 1_000);
    expect(input).toEqual(before);
    expect(cut).not.toBe(input);
    expect(cut.steps).not.toBe(input.steps);
  });

  it('returns an equal copy when the result already fits', () => {
    const input = result({ errorContext: 'e'.repeat(100), stacktrace: 's'.repeat(100), steps: [step('ok')] });
    const copy = truncateResult(input, 202);
    expect(copy).toEqual(input);
    expect(copy).not.toBe(input);
  });

  it.each([
    {
      name: 'cuts only the largest field when that is enough',
      input: { errorContext: 'e'.repeat(3_000_000), stacktrace: 's'.repeat(5_000), message: 'm'.repeat(200) },
      budget: 1_000_000,
      untouched: [1, 2],
    },
    {
      name: 'cuts the two largest fields to the same length and keeps the small one',
      input: { errorContext: 'e'.repeat(3_000_000), stacktrace: 's'.repeat(3_000_000), message: 'm'.repeat(200) },
      budget: 4_000_000,
      untouched: [2],
    },
    {
      name: 'cuts stack, error_context and message when all three are large',
      input: { errorContext: 'e'.repeat(50_000), stacktrace: 's'.repeat(40_000), message: 'm'.repeat(30_000) },
      budget: 30_000,
      untouched: [],
    },
  ])('$name', ({ input, budget, untouched }) => {
    const before = result(input);
    const cut = truncateResult(before, budget);
    expect(totalChars(cut)).toBeLessThanOrEqual(budget);
    const [originals, cuts] = [texts(before), texts(cut)];
    originals.forEach((original, i) => {
      if (untouched.includes(i)) expect(cuts[i]).toBe(original);
      else expectHonestCut(cuts[i]!, original);
    });
  });

  it('gives the fields it cuts the same length, so none is emptied while another stays long', () => {
    const input = result({ errorContext: 'e'.repeat(3_000_000), stacktrace: 's'.repeat(3_000_000) });
    const cut = truncateResult(input, 4_000_000);
    const [errorContext, stacktrace] = texts(cut);
    expect(Math.abs(errorContext!.length - stacktrace!.length)).toBeLessThanOrEqual(1);
  });

  it('cuts the comments of nested steps', () => {
    const steps = Array.from({ length: 100 }, (_, i) => step('c'.repeat(20_000), [step(`inner ${i} `.repeat(2_000))]));
    const input = result({ errorContext: 'short', steps });
    const cut = truncateResult(input, 1_000_000);
    expect(totalChars(cut)).toBeLessThanOrEqual(1_000_000);
    expect(cut.execution.error_context).toBe('short');
    expectHonestCut(cut.steps![0]!.execution.comment!, input.steps![0]!.execution.comment!);
    expectHonestCut(cut.steps![99]!.steps![0]!.execution.comment!, input.steps![99]!.steps![0]!.execution.comment!);
    expect(cut.steps![0]!.data).toEqual({ action: 'click pay' });
  });

  it.each([0, 1, 57, 100, 1_000, 9_999, 50_000])('meets a budget of %i characters, or takes only the marker', (budget) => {
    const cut = truncateResult(result({ errorContext: 'e'.repeat(60_000) }), budget);
    const markerLength = MARKER.exec(cut.execution.error_context!)![0].length;
    expect(totalChars(cut)).toBeLessThanOrEqual(Math.max(budget, markerLength));
  });

  it('reduces every field to its marker when the budget is below what the markers take, and keeps short fields', () => {
    const input = result({ errorContext: 'e'.repeat(10_000), stacktrace: 's'.repeat(10_000), message: 'short' });
    const cut = truncateResult(input, 10);
    expect(cut.execution.error_context).toBe('\n… [truncated by qase-reporters: 10,000 characters removed]');
    expect(cut.execution.stacktrace).toBe('\n… [truncated by qase-reporters: 10,000 characters removed]');
    expect(cut.message).toBe('short');
  });

  it('never cuts between the two halves of an emoji', () => {
    const emoji = '😀'.repeat(10_000);
    for (const budget of [1_000, 1_001, 1_002, 1_003]) {
      const text = truncateResult(result({ errorContext: emoji }), budget).execution.error_context!;
      expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
      expectHonestCut(text, emoji);
    }
  });
});
