// The bench's conclusions from made-up runs: medians, the fewest requests, verdicts, the table. Nothing is timed.
import { describe, expect, it } from 'vitest';
import { coreRows, frameworkRows, median, minimumRequests, overRounds, renderTable } from '../../scripts/bench/figures.mjs';
import type { Run } from '../../scripts/bench/figures.mjs';

const run = (wallMs: number, extra: Partial<Run> = {}): Run => ({
  wallMs, tailMs: 250, importMsPerFile: 1, peakRssMb: 100, requests: 22, stored: 2000, storedDistinct: 2000, attachments: 200, ...extra,
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones, ignoring missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([undefined, 5])).toBe(5);
    expect(median([])).toBeUndefined();
  });
});

describe('overRounds', () => {
  it('compares each round with its own no-reporter run and takes the median; a round without one counts for nothing', () => {
    const bare = [run(10_000), run(14_000)];
    expect(overRounds([run(11_000), run(14_000), run(1)], bare, (a, b) => a.wallMs / b.wallMs)).toBe(1.05);
  });
});

describe('minimumRequests', () => {
  it('is full batches of 200 results and 20 attachments, plus creating and completing the run', () => {
    expect(minimumRequests({ results: 2000, attachments: 200 })).toBe(22);
    expect(minimumRequests({ results: 200, attachments: 20 })).toBe(4);
    expect(minimumRequests({ results: 100_000, attachments: 0 })).toBe(502);
  });
});

describe('frameworkRows', () => {
  const rows = frameworkRows({
    name: 'jest',
    runs: { 2000: { none: [run(10_000), run(11_000), run(9_000)], ours: [run(10_400), run(10_600), run(20_000)], official: [run(15_000)] } },
    tail: {
      none: [run(0, { tailMs: 200 }), run(0, { tailMs: 400 })],
      ours: [run(0, { tailMs: 350 }), run(0, { tailMs: 550 })],
      official: [run(0, { tailMs: 900 }), run(0, { tailMs: 1_100 })],
    },
    expected: (tests) => ({ results: tests, attachments: tests / 10 }),
    officialSendsRequests: true,
  });
  const row = (start: string) => rows.find((r) => r.figure.startsWith(start))!;

  it('judges what the import adds to a no-op import', () => {
    expect(row('jest: helper import')).toMatchObject({ target: '< 2 ms', ours: '+0.00 ms (1.00 ms)', pass: true });
  });

  it('judges the median over rounds of the wall time over that round\'s no-reporter run', () => {
    // Rounds: 10.4 ÷ 10, 10.6 ÷ 11, 20 ÷ 9. The ratio of the medians, 10.6 ÷ 10, would say 1.06×.
    expect(row('jest: wall time')).toMatchObject({ target: '≤ 1.05×', ours: '1.040×', official: '1.500×', pass: true });
  });

  it('judges peak RSS over the no-reporter run at every size, so the table shows whether it stays flat, with its sign', () => {
    const sized = frameworkRows({
      name: 'mocha',
      runs: {
        200: { none: [run(1, { peakRssMb: 80 })], ours: [run(1, { peakRssMb: 75 })] },
        2000: { none: [run(1, { peakRssMb: 90 })], ours: [run(1, { peakRssMb: 115 })] },
      },
      tail: { none: [run(0)], ours: [run(0)] },
      expected: (tests) => ({ results: tests, attachments: tests / 10 }),
      officialSendsRequests: false,
    });
    expect(sized.filter((r) => r.figure.includes('peak RSS')).map((r) => [r.figure, r.ours, r.pass])).toEqual([
      ["mocha: peak RSS over no reporter's (90.0 MB), 2,000 tests", '+25.0 MB', false],
      // Below the no-reporter run, as V8 collecting at another moment makes it: signed, not `+-5.0 MB`.
      ["mocha: peak RSS over no reporter's (80.0 MB), 200 tests", '−5.0 MB', true],
    ]);
  });

  it('judges what the reporter adds to the tail against one round trip plus 0.2 s, and requests against the minimum', () => {
    // Each round, 0.15 s more than that round's no-reporter run.
    expect(row('jest: tail')).toMatchObject({ target: '≤ 0.30 s', ours: '+0.15 s (0.45 s)', official: '+0.70 s (1.00 s)', pass: true });
    expect(row('jest: requests')).toMatchObject({ target: '22 (the minimum)', ours: '22', pass: true });
    expect(row('jest: results stored once')).toMatchObject({ pass: true });
  });
});

describe('coreRows', () => {
  it('takes requests ÷ rate as the time at the limit when the client is faster than the limit', () => {
    const rows = coreRows({ results: 100_000, ratePerMinute: 200, requests: 502, stored: 100_000, storedDistinct: 100_000, ownWallMs: 10_000, peakRssMb: 120, heapPeakMb: 40, heapEndMb: 7 });
    expect(rows.map((r) => [r.ours, r.pass])).toEqual([['502', true], ['2.51 min', true], ['100000 distinct of 100000', true]]);
  });
});

describe('renderTable', () => {
  it('is a Markdown table with a dash where no official reporter ran and a bold no where a target is missed', () => {
    const table = renderTable([{ figure: 'f', target: 't', ours: 'o', pass: false }]);
    expect(table.split('\n')).toEqual([
      '| figure | target | ours | official | ours meets target |',
      '|---|---|---|---|---|',
      '| f | t | o | — | **no** |',
    ]);
  });
});
