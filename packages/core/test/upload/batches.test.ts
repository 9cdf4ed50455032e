import { describe, expect, it } from 'vitest';
import type { ResultBody } from '../../src/api-types';
import { API_LIMITS, errorContextChars, toBatches } from '../../src/upload/batches';

function result(id: number, errorContextLength = 0): ResultBody {
  return {
    id: `r${id}`,
    title: `test ${id}`,
    execution: { status: 'failed', error_context: errorContextLength ? 'x'.repeat(errorContextLength) : null },
  };
}

function results(count: number, errorContextLength = 0): ResultBody[] {
  return Array.from({ length: count }, (_, i) => result(i, errorContextLength));
}

describe('toBatches', () => {
  it('knows the API limits: 200 results and 4,194,304 error_context characters per request', () => {
    expect(API_LIMITS).toEqual({ maxResults: 200, maxErrorContextChars: 4_194_304 });
  });

  it.each([
    { results: 0, maxResults: 200, sizes: [] },
    { results: 1, maxResults: 200, sizes: [1] },
    { results: 200, maxResults: 200, sizes: [200] },
    { results: 201, maxResults: 200, sizes: [200, 1] },
    { results: 2_000, maxResults: 200, sizes: Array(10).fill(200) },
    { results: 7, maxResults: 3, sizes: [3, 3, 1] },
    { results: 3, maxResults: 1, sizes: [1, 1, 1] },
  ])('puts $results results in batches of $sizes at most $maxResults each', ({ results: count, maxResults, sizes }) => {
    const batches = toBatches(results(count), { ...API_LIMITS, maxResults });
    expect(batches.map((batch) => batch.length)).toEqual(sizes);
  });

  it('keeps the order of the results across batches', () => {
    const input = results(450);
    expect(toBatches(input, API_LIMITS).flat()).toEqual(input);
  });

  it.each([
    { name: 'fills a batch up to the error_context budget exactly', lengths: [40, 60, 1], sizes: [2, 1] },
    { name: 'starts a new batch when the next error_context would pass the budget', lengths: [40, 61, 30], sizes: [1, 2] },
    { name: 'counts a result without error_context as zero', lengths: [100, 0, 0], sizes: [3] },
    {
      name: 'sends a result whose error_context alone exceeds the budget in a batch of its own',
      lengths: [10, 150, 10],
      sizes: [1, 1, 1],
    },
    { name: 'sends two oversized results in separate batches', lengths: [150, 150], sizes: [1, 1] },
  ])('$name', ({ lengths, sizes }) => {
    const input = lengths.map((length, i) => result(i, length));
    const batches = toBatches(input, { maxResults: 200, maxErrorContextChars: 100 });
    expect(batches.map((batch) => batch.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(input);
  });

  it('keeps every batch of many large results within the error_context budget', () => {
    const input = results(100, 1_000_000);
    const batches = toBatches(input, API_LIMITS);
    expect(batches.map((batch) => batch.length)).toEqual(Array(25).fill(4));
    for (const batch of batches) {
      const chars = batch.reduce((sum, r) => sum + errorContextChars(r), 0);
      expect(chars).toBeLessThanOrEqual(API_LIMITS.maxErrorContextChars);
    }
  });

  it('does not change the results it is given', () => {
    const input = results(5);
    const before = structuredClone(input);
    toBatches(input, { ...API_LIMITS, maxResults: 2 });
    expect(input).toEqual(before);
  });
});

describe('errorContextChars', () => {
  it.each([
    { errorContext: undefined, chars: 0 },
    { errorContext: null, chars: 0 },
    { errorContext: '', chars: 0 },
    { errorContext: 'expected 1 to be 2', chars: 18 },
  ])('counts $chars characters for error_context $errorContext', ({ errorContext, chars }) => {
    const r: ResultBody = { id: 'a', title: 't', execution: { status: 'failed', error_context: errorContext } };
    expect(errorContextChars(r)).toBe(chars);
  });
});
