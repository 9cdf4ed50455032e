// Types of figures.mjs, for the unit tests of its pure functions (test/bench/figures.test.ts).

/** What one run of a suite measured (measure.mjs). */
export interface Run {
  wallMs: number;
  tailMs?: number;
  importMsPerFile?: number;
  peakRssMb: number;
  requests: number;
  stored: number;
  storedDistinct: number;
  attachments: number;
}

export interface Row {
  figure: string;
  target: string;
  ours: string;
  official?: string;
  pass: boolean;
}

export interface Variants<T> {
  none: T;
  ours: T;
  official?: T;
}

export const TARGETS: {
  overhead(tests: number): number;
  importMsPerFile: number;
  tailMarginMs: number;
  latencyMs: number;
  rssMb: number;
};

export function median(values: (number | undefined)[]): number | undefined;

export function overRounds(runs: Run[], bare: Run[], compare: (run: Run, bare: Run) => number): number | undefined;

export function minimumRequests(counts: { results: number; attachments: number }): number;

export function frameworkRows(input: {
  name: string;
  runs: Record<number, Variants<Run[]>>;
  tail: Variants<Run[]>;
  expected(tests: number): { results: number; attachments: number };
  officialSendsRequests: boolean;
}): Row[];

export function coreRows(input: {
  results: number;
  ratePerMinute: number;
  requests: number;
  stored: number;
  storedDistinct: number;
  ownWallMs: number;
  peakRssMb: number;
  heapPeakMb: number;
  heapEndMb: number;
}): Row[];

export function renderTable(rows: Row[]): string;
