/**
 * Halves a batch the API refused as too large (413), or bisects one it refused as invalid (400/422). The first
 * half gets the odd result, so results keep their order. Undefined for a single result: it cannot be split.
 */
export function splitBatch<T>(batch: readonly T[]): [T[], T[]] | undefined {
  if (batch.length < 2) return undefined;
  const middle = Math.ceil(batch.length / 2);
  return [batch.slice(0, middle), batch.slice(middle)];
}

/**
 * The batch size to use for the rest of the run after a 413 on `rejectedBatchSize` results: at most half of
 * it (rounded up), never more than `current`, never below 1. Sending the next batches at the size that just
 * failed would only earn another 413 each.
 */
export function learnedMaxResults(current: number, rejectedBatchSize: number): number {
  return Math.max(1, Math.min(current, Math.ceil(rejectedBatchSize / 2)));
}
