import type { ResultBody } from '../api-types';

/** What one results request may carry. */
export interface BatchLimits {
  /** Results per request. */
  readonly maxResults: number;
  /** Summed length of `execution.error_context` over the request's results. */
  readonly maxErrorContextChars: number;
}

/**
 * The v2 bulk endpoint's limits: above either, it answers 413 and stores nothing. It counts `error_context` in
 * characters; we count UTF-16 code units, which is never fewer than code points, so we stay on the safe side.
 */
export const API_LIMITS: BatchLimits = Object.freeze({ maxResults: 200, maxErrorContextChars: 4_194_304 });

export function errorContextChars(result: ResultBody): number {
  return result.execution.error_context?.length ?? 0;
}

/**
 * Groups results into requests, in order, filling each as far as the limits allow. A batch always holds at
 * least one result: one whose `error_context` alone exceeds the budget goes alone, and the 413 it may earn is
 * handled by truncation.
 */
export function toBatches(results: readonly ResultBody[], limits: BatchLimits): ResultBody[][] {
  const batches: ResultBody[][] = [];
  let batch: ResultBody[] = [];
  let batchChars = 0;
  for (const result of results) {
    const chars = errorContextChars(result);
    const full = batch.length >= limits.maxResults || batchChars + chars > limits.maxErrorContextChars;
    if (full && batch.length > 0) {
      batches.push(batch);
      batch = [];
      batchChars = 0;
    }
    batch.push(result);
    batchChars += chars;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
