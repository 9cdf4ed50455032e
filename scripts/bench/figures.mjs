// What the bench concludes from its runs, as pure functions: medians, the fewest requests a run can make, each
// figure against its target, and the table. No clock, no files: scripts/bench.mjs measures and writes.

/** Results per request and attachments per request, the API's limits. */
const RESULTS_PER_REQUEST = 200;
const ATTACHMENTS_PER_REQUEST = 20;

/** The targets of issue 15, on a 2-core machine. */
export const TARGETS = {
  /** Wall time over the run without a reporter, by suite size (smaller suites: larger share of fixed costs). */
  overhead: (tests) => (tests >= 2_000 ? 1.05 : 1.10),
  /** What the import adds to a no-op module's import in the same file: Vitest's own import of a no-op takes ~3 ms. */
  importMsPerFile: 2,
  /**
   * What the reporter adds to the time from the last test's end to the process's exit: one request's round trip at
   * this latency, plus this. The framework's own exit (Jest's ~0.2 s) is there without a reporter too.
   */
  tailMarginMs: 200,
  latencyMs: 100,
  rssMb: 20,
};

export function median(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The fewest requests for a run: its results and attachments in full batches, plus creating and completing it. */
export function minimumRequests({ results, attachments }) {
  return Math.ceil(results / RESULTS_PER_REQUEST) + Math.ceil(attachments / ATTACHMENTS_PER_REQUEST) + 2;
}

/**
 * What a variant costs over the run without a reporter, round by round: `runs[i]` and `bare[i]` ran in the same
 * round, one right after the other, so a busy moment of the machine falls on both and mostly cancels out; the
 * figure is the median of the rounds' answers.
 */
export function overRounds(runs, bare, compare) {
  return median(runs.map((run, i) => (bare[i] === undefined ? undefined : compare(run, bare[i]))));
}

/**
 * The rows of one framework from its runs: `runs[size][variant]` lists the measured runs of that size and
 * `tail[variant]` the runs at `TARGETS.latencyMs`, each in round order; `expected(size)` is the results and
 * attachments a run must store. Each row: figure, target, ours, official (a text, or undefined when there is no
 * official reporter to run), and whether ours meets the target.
 */
export function frameworkRows({ name, runs, tail, expected, officialSendsRequests }) {
  const rows = [];
  const sizes = Object.keys(runs).map(Number).sort((a, b) => b - a);
  for (const size of sizes) {
    const { none, ours, official } = runs[size];
    const ratio = (list) => list && overRounds(list, none, (run, bare) => run.wallMs / bare.wallMs);
    const target = TARGETS.overhead(size);
    rows.push({
      figure: `${name}: wall time ÷ no reporter's (${seconds(median(none.map((r) => r.wallMs)))}), ${count(size)} tests`,
      target: `≤ ${target.toFixed(2)}×`,
      ours: `${ratio(ours).toFixed(3)}×`,
      official: official && `${ratio(official).toFixed(3)}×`,
      pass: ratio(ours) <= target,
    });
  }
  const largest = sizes[0];
  const { none, ours, official } = runs[largest];
  const importMs = (list) => median(list.map((r) => r.importMsPerFile));
  const addedImportMs = (list) => overRounds(list, none, (run, bare) => run.importMsPerFile - bare.importMsPerFile);
  const addedImport = (list) => `${signed(milliseconds(addedImportMs(list)))} (${milliseconds(importMs(list))})`;
  rows.push({
    figure: `${name}: helper import per test file, over a no-op import's ${milliseconds(importMs(none))}`,
    target: `< ${TARGETS.importMsPerFile} ms`,
    ours: addedImport(ours),
    official: official && addedImport(official),
    pass: addedImportMs(ours) < TARGETS.importMsPerFile,
  });
  const tailTargetMs = TARGETS.latencyMs + TARGETS.tailMarginMs;
  const tailMs = (list) => median(list.map((r) => r.tailMs));
  const addedTailMs = (list) => overRounds(list, tail.none, (run, bare) => run.tailMs - bare.tailMs);
  const addedTail = (list) => `${signed(seconds(addedTailMs(list)))} (${seconds(tailMs(list))})`;
  rows.push({
    figure: `${name}: tail at ${TARGETS.latencyMs} ms latency, over no reporter's ${seconds(tailMs(tail.none))}, ${count(largest)} tests`,
    target: `≤ ${seconds(tailTargetMs)}`,
    ours: addedTail(tail.ours),
    official: tail.official && addedTail(tail.official),
    pass: addedTailMs(tail.ours) <= tailTargetMs,
  });
  // At every size, so the table shows whether what the reporter adds stays flat as the suite grows.
  for (const size of sizes) {
    const { none, ours, official } = runs[size];
    const addedRss = (list) => overRounds(list, none, (run, bare) => run.peakRssMb - bare.peakRssMb);
    rows.push({
      figure: `${name}: peak RSS over no reporter's (${megabytes(median(none.map((r) => r.peakRssMb)))}), ${count(size)} tests`,
      target: `≤ ${TARGETS.rssMb} MB`,
      ours: signed(megabytes(addedRss(ours))),
      official: official && signed(megabytes(addedRss(official))),
      pass: addedRss(ours) <= TARGETS.rssMb,
    });
  }
  for (const size of sizes) {
    const { ours, official } = runs[size];
    const minimum = minimumRequests(expected(size));
    const most = (list) => Math.max(...list.map((r) => r.requests));
    rows.push({
      figure: `${name}: requests, ${count(size)} tests`,
      target: `${minimum} (the minimum)`,
      ours: String(most(ours)),
      official: official && (officialSendsRequests ? String(most(official)) : 'none (report mode)'),
      pass: most(ours) <= minimum,
    });
  }
  for (const size of sizes) {
    const { ours, official } = runs[size];
    const { results, attachments } = expected(size);
    const once = (r) => r.stored === results && r.storedDistinct === results && r.attachments === attachments;
    const stored = (list) => `${list.every(once) ? 'yes' : 'no'}: ` +
      list.map((r) => `${r.storedDistinct} distinct of ${r.stored}, ${r.attachments} attachments`).join('; ');
    rows.push({
      figure: `${name}: results stored once, ${count(size)} tests (every run)`,
      target: `${count(results)} results once each, ${count(attachments)} attachments`,
      ours: stored(ours),
      official: official && `${stored(official)}${officialSendsRequests ? '' : ' (report mode: written to files)'}`,
      pass: ours.every(once),
    });
  }
  return rows;
}

/** The rows of core alone: `results` sent as fast as the client may, against `ratePerMinute`. */
export function coreRows({ results, ratePerMinute, requests, stored, storedDistinct, ownWallMs, peakRssMb, heapPeakMb, heapEndMb }) {
  const minimum = minimumRequests({ results, attachments: 0 });
  const atLimitMs = (requests / ratePerMinute) * 60_000;
  return [
    {
      figure: `core alone: requests for ${count(results)} results`,
      target: `${minimum} (the minimum)`,
      ours: String(requests),
      pass: requests <= minimum,
    },
    {
      figure: `core alone: time at ${ratePerMinute} requests/min (requests ÷ rate; own work unthrottled: ${seconds(ownWallMs)})`,
      target: `≤ ${minutes((minimum / ratePerMinute) * 60_000)}`,
      ours: minutes(Math.max(atLimitMs, ownWallMs)),
      pass: requests <= minimum && ownWallMs <= atLimitMs,
    },
    {
      figure: `core alone: results stored once (peak RSS ${megabytes(peakRssMb)}; heap peak ${megabytes(heapPeakMb)}, ${megabytes(heapEndMb)} after GC)`,
      target: `${count(results)} results, once each`,
      ours: `${storedDistinct} distinct of ${stored}`,
      pass: stored === results && storedDistinct === results,
    },
  ];
}

/** A Markdown table of `rows`: figure, target, ours, official, whether ours passes. */
export function renderTable(rows) {
  const lines = ['| figure | target | ours | official | ours meets target |', '|---|---|---|---|---|'];
  for (const row of rows) {
    lines.push(`| ${row.figure} | ${row.target} | ${row.ours} | ${row.official ?? '—'} | ${row.pass ? 'yes' : '**no**'} |`);
  }
  return lines.join('\n');
}

function count(n) {
  return n.toLocaleString('en-US');
}

function seconds(ms) {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(2)} s`;
}

function milliseconds(ms) {
  return ms === undefined ? '?' : `${ms.toFixed(2)} ms`;
}

function minutes(ms) {
  return `${(ms / 60_000).toFixed(2)} min`;
}

function megabytes(mb) {
  return `${mb.toFixed(1)} MB`;
}

/** A difference as written in the table: `+1.2 MB`, or `−3.4 MB` when the reporter's run was the smaller. */
function signed(text) {
  return text.startsWith('-') ? `−${text.slice(1)}` : `+${text}`;
}
