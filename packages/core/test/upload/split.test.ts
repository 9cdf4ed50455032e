import { describe, expect, it } from 'vitest';
import { learnedMaxResults, splitBatch } from '../../src/upload/split';

describe('splitBatch', () => {
  it('splits a batch in two when the API answers 413', () => {
    expect(splitBatch([1, 2, 3, 4])).toEqual([[1, 2], [3, 4]]);
  });

  it.each([
    { batch: [1, 2], halves: [[1], [2]] },
    { batch: [1, 2, 3], halves: [[1, 2], [3]] },
    { batch: [1, 2, 3, 4, 5], halves: [[1, 2, 3], [4, 5]] },
  ])('splits $batch into $halves, keeping the order', ({ batch, halves }) => {
    expect(splitBatch(batch)).toEqual(halves);
  });

  it.each([{ batch: [1] }, { batch: [] }])('cannot split $batch', ({ batch }) => {
    expect(splitBatch(batch)).toBeUndefined();
  });

  it('does not change the batch it splits', () => {
    const batch = Object.freeze([1, 2, 3]);
    splitBatch(batch);
    expect(batch).toEqual([1, 2, 3]);
  });

  it('isolates a refused result among 200 in at most 8 halvings, wherever it is', () => {
    const all = Array.from({ length: 200 }, (_, i) => i);
    for (const refused of all) {
      let batch = all;
      let halvings = 0;
      for (let halves = splitBatch(batch); halves; halves = splitBatch(batch)) {
        batch = halves[0].includes(refused) ? halves[0] : halves[1];
        halvings++;
      }
      expect(batch).toEqual([refused]);
      expect(halvings).toBeLessThanOrEqual(8);
    }
  });
});

describe('learnedMaxResults', () => {
  it.each([
    { current: 200, rejected: 200, learned: 100 },
    { current: 100, rejected: 100, learned: 50 },
    { current: 50, rejected: 50, learned: 25 },
    { current: 200, rejected: 25, learned: 13 },
    { current: 200, rejected: 3, learned: 2 },
    { current: 200, rejected: 2, learned: 1 },
    { current: 200, rejected: 1, learned: 1 },
    { current: 10, rejected: 200, learned: 10 },
    { current: 1, rejected: 1, learned: 1 },
  ])('after a 413 on $rejected results with $current allowed, allows $learned', ({ current, rejected, learned }) => {
    expect(learnedMaxResults(current, rejected)).toBe(learned);
  });

  it('reaches the size a server that accepts 25 per request takes after three 413s', () => {
    const accepted = 25;
    let maxResults = 200;
    let rejections = 0;
    while (maxResults > accepted) {
      maxResults = learnedMaxResults(maxResults, maxResults);
      rejections++;
    }
    expect({ maxResults, rejections }).toEqual({ maxResults: 25, rejections: 3 });
  });
});
