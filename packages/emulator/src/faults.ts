/** Which requests a queued failure applies to; both parts must match when given. */
export interface RequestMatch {
  /** `POST`, `GET`, … (case-insensitive). */
  method?: string;
  /** The exact path without the query (`/v2/DEMO/run/1/results`), or a pattern tested against it. */
  path?: string | RegExp;
}

export interface FailRule {
  /** How many matching requests still fail. */
  count: number;
  status: number;
  headers?: Record<string, string>;
  match?: RequestMatch;
}

/** The next `count` matching requests are done (a run created, results stored), then left unanswered. */
export interface DropRule {
  count: number;
  match?: RequestMatch;
}

export interface Faults {
  /** A share of requests answered with one of `statuses` (picked by the seeded PRNG), nothing stored. */
  errorRate: { probability: number; statuses: number[] };
  /** Added before every answer. */
  latencyMs: number;
  /** A share of results and attachment requests that are stored, then the socket is destroyed unanswered. */
  dropAfterCommit: number;
  /** Attachment uploads answer 507. */
  storageFull: boolean;
  /** Failures queued for the next matching requests, checked in order, before anything else. */
  failNext: FailRule[];
  /** Answers to drop after the request is done, queued for the next matching requests that succeed. */
  dropNext: DropRule[];
}

export const defaultFaults: Faults = {
  errorRate: { probability: 0, statuses: [500, 502, 503] },
  latencyMs: 0,
  dropAfterCommit: 0,
  storageFull: false,
  failNext: [],
  dropNext: [],
};

/** Replaces the faults given; queued failures are copied, since using one counts it down. */
export function updateFaults(faults: Faults, update: Partial<Faults>): Faults {
  const next = { ...faults, ...update };
  return { ...next, failNext: next.failNext.map((rule) => ({ ...rule })), dropNext: next.dropNext.map((rule) => ({ ...rule })) };
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Consumes one use of the first rule that matches; rules used up are removed. */
export function takeFailure<Rule extends { count: number; match?: RequestMatch }>(rules: Rule[], method: string, path: string): Rule | undefined {
  const index = rules.findIndex((rule) => rule.count > 0 && matches(rule.match, method, path));
  if (index < 0) return undefined;
  const rule = rules[index];
  rule.count -= 1;
  if (rule.count <= 0) rules.splice(index, 1);
  return rule;
}

function matches(match: RequestMatch | undefined, method: string, path: string): boolean {
  if (match === undefined) return true;
  if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

// The PRNG is drawn only while a fault is switched on: the same seed, faults and requests replay
// the same decisions, and an emulator without probabilistic faults never consumes the sequence.
export function pickServerError(errorRate: Faults['errorRate'], random: () => number): number | undefined {
  if (errorRate.probability <= 0 || errorRate.statuses.length === 0) return undefined;
  if (random() >= errorRate.probability) return undefined;
  return errorRate.statuses[Math.floor(random() * errorRate.statuses.length)];
}

export function shouldDrop(probability: number, random: () => number): boolean {
  return probability > 0 && random() < probability;
}
