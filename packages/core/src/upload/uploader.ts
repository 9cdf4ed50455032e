import type { ResultBody } from '../api-types';
import { ApiError } from '../errors';
import { toBatches, type BatchLimits } from './batches';
import { learnedMaxResults, splitBatch } from './split';
import { truncateResult } from './truncate';

// Qase keeps at most this much of a long text field anyway, so a result cut to it loses nothing Qase would show.
const TRUNCATED_TEXT_CHARS = 262_144;

export interface UploaderOptions {
  /** One request with these results; rejects with an ApiError carrying the sender's decision once resending cannot help. */
  send(batch: readonly ResultBody[]): Promise<void>;
  limits: BatchLimits;
  /** A result the API will never take, with the API's reason; called once per result. */
  onRefused(result: ResultBody, reason: string): void;
  /** A result sent with its longest texts cut, after the API found it too large on its own. */
  onTruncated(result: ResultBody): void;
}

export interface Uploader {
  /**
   * Sends these results in as few requests as the limits allow. `onSettled` receives the ids that need no further
   * sending (confirmed, or refused for good) as they settle. Rejects with the ApiError that stops all sending
   * (the token, project or run is wrong, or the API stayed unavailable through every retry).
   */
  deliver(results: readonly ResultBody[], onSettled: (ids: string[]) => void): Promise<void>;
}

export function createUploader(options: UploaderOptions): Uploader {
  let maxResults = options.limits.maxResults;

  async function sendBatch(batch: ResultBody[], onSettled: (ids: string[]) => void): Promise<void> {
    try {
      await options.send(batch);
      onSettled(batch.map((r) => r.id));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.decision?.action === 'split') return tooLarge(batch, error, onSettled);
      if (error.decision?.action === 'set-aside') return refusedSome(batch, error, onSettled);
      throw error;
    }
  }

  // 413 is not retried: the same bytes would be rejected again. Halve and resend, and keep the smaller size; the
  // refused batch goes out again at that size too, so each half does not have to earn its own 413.
  async function tooLarge(batch: ResultBody[], error: ApiError, onSettled: (ids: string[]) => void): Promise<void> {
    if (batch.length > 1) {
      maxResults = learnedMaxResults(maxResults, batch.length);
      return sendAll(batch, onSettled);
    }
    const [result] = batch;
    const cut = truncateResult(result, TRUNCATED_TEXT_CHARS);
    if (JSON.stringify(cut) === JSON.stringify(result)) {
      options.onRefused(result, `too large for the API even on its own (${error.message})`);
      onSettled([result.id]);
      return;
    }
    options.onTruncated(result);
    await sendBatch([cut], onSettled);
  }

  // The API names refused results by index (`results.3.execution.status`): send the rest without them. When it
  // does not say which, halve until each refused result stands alone.
  async function refusedSome(batch: ResultBody[], error: ApiError, onSettled: (ids: string[]) => void): Promise<void> {
    const named = refusedByIndex(error.fieldErrors, batch.length);
    if (named.size > 0) {
      for (const [index, reasons] of named) options.onRefused(batch[index], reasons.join(' '));
      onSettled([...named.keys()].map((i) => batch[i].id));
      const rest = batch.filter((_, i) => !named.has(i));
      if (rest.length > 0) await sendBatch(rest, onSettled);
      return;
    }
    const halves = splitBatch(batch);
    if (!halves) {
      options.onRefused(batch[0], Object.values(error.fieldErrors).flat().join(' ') || error.message);
      onSettled([batch[0].id]);
      return;
    }
    for (const half of halves) await sendBatch(half, onSettled);
  }

  async function sendAll(results: readonly ResultBody[], onSettled: (ids: string[]) => void): Promise<void> {
    // Batch one request at a time: a 413 on this one changes the size of the next.
    for (let rest = results; rest.length > 0; ) {
      const [batch] = toBatches(rest, { ...options.limits, maxResults });
      rest = rest.slice(batch.length);
      await sendBatch(batch, onSettled);
    }
  }

  return { deliver: sendAll };
}

/** `results.3.execution.status` → index 3 with its messages; paths that name no result are left out. */
export function refusedByIndex(fieldErrors: Readonly<Record<string, readonly string[]>>, size: number): Map<number, string[]> {
  const refused = new Map<number, string[]>();
  for (const [field, messages] of Object.entries(fieldErrors)) {
    const match = /^results\.(\d+)(?:\.|$)/.exec(field);
    const index = match ? Number(match[1]) : NaN;
    if (!(index >= 0 && index < size)) continue;
    refused.set(index, [...(refused.get(index) ?? []), ...messages.map((m) => `${field}: ${m}`)]);
  }
  return refused;
}
