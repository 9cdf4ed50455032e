import { describe, expect, it } from 'vitest';
import type { ResultBody } from '../../src/api-types';
import { ApiError } from '../../src/errors';
import { DEFAULT_RETRY_POLICY } from '../../src/upload/backoff';
import { API_LIMITS } from '../../src/upload/batches';
import { decide } from '../../src/upload/decision';
import { createUploader, refusedByIndex } from '../../src/upload/uploader';

function results(n: number, errorContext?: string): ResultBody[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`,
    title: `test ${i}`,
    execution: { status: 'passed', ...(errorContext && { error_context: errorContext }) },
  }));
}

/** An error as the sender rejects with it: carrying its decision. */
const apiError = (status: number, fieldErrors: Record<string, string[]> = {}) => {
  const error = new ApiError(`POST /v2/DEMO/run/1/results → ${status}`, 'API_BAD_REQUEST', status, 'POST', '/v2/DEMO/run/1/results', undefined, fieldErrors);
  return error.withDecision(decide(error, DEFAULT_RETRY_POLICY.maxAttempts, 0, 0, DEFAULT_RETRY_POLICY));
};

/** A fake API: records each request's ids and answers with what `answer` says for it. */
function fakeApi(answer: (batch: readonly ResultBody[]) => ApiError | undefined) {
  const requests: string[][] = [];
  const stored: string[] = [];
  const refused: string[] = [];
  const truncated: string[] = [];
  const uploader = createUploader({
    limits: API_LIMITS,
    send: async (batch) => {
      requests.push(batch.map((r) => r.id));
      const error = answer(batch);
      if (error) throw error;
      stored.push(...batch.map((r) => r.id));
    },
    onRefused: (result) => refused.push(result.id),
    onTruncated: (result) => truncated.push(result.id),
  });
  const settled: string[] = [];
  const deliver = (list: ResultBody[]) => uploader.deliver(list, (ids) => settled.push(...ids));
  return { requests, stored, refused, truncated, settled, deliver };
}

describe('the uploader', () => {
  it('sends 2,000 results in 10 requests of 200', async () => {
    const api = fakeApi(() => undefined);
    await api.deliver(results(2000));
    expect(api.requests.map((r) => r.length)).toEqual(Array(10).fill(200));
    expect(new Set(api.stored).size).toBe(2000);
  });

  it('splits a batch in two when the API answers 413, and keeps the smaller size', async () => {
    const api = fakeApi((batch) => (batch.length > 25 ? apiError(413) : undefined));
    await api.deliver(results(400));
    expect(new Set(api.stored).size).toBe(400);
    expect(api.stored).toHaveLength(400);
    // 200 → 100 → 50 → 25 learned on the first batch; the second batch goes out at 25 straight away.
    const afterLearning = api.requests.slice(api.requests.findIndex((r) => r.includes('id-200')));
    expect(afterLearning.every((r) => r.length <= 25)).toBe(true);
  });

  it('truncates a single result that is still too large, and sends it', async () => {
    const api = fakeApi((batch) => ((batch[0].execution.error_context?.length ?? 0) > 300_000 ? apiError(413) : undefined));
    await api.deliver(results(1, 'x'.repeat(5_000_000)));
    expect(api.stored).toEqual(['id-0']);
    expect(api.truncated).toEqual(['id-0']);
  });

  it('delivers 198 of 200 when the API names two refused results by index', async () => {
    const api = fakeApi((batch) => {
      const bad = batch.flatMap((r, i) => (r.id === 'id-17' || r.id === 'id-150' ? [i] : []));
      return bad.length ? apiError(422, Object.fromEntries(bad.map((i) => [`results.${i}.execution.status`, ['invalid']]))) : undefined;
    });
    await api.deliver(results(200));
    expect(api.stored).toHaveLength(198);
    expect(api.refused.sort()).toEqual(['id-150', 'id-17']);
    expect(api.requests).toHaveLength(2);
    expect(api.settled).toHaveLength(200);
  });

  it('bisects when the API refuses without saying which result', async () => {
    const api = fakeApi((batch) => (batch.some((r) => r.id === 'id-33') ? apiError(422, { 'execution.status': ['invalid'] }) : undefined));
    await api.deliver(results(200));
    expect(api.stored).toHaveLength(199);
    expect(api.refused).toEqual(['id-33']);
  });

  it('stops and rejects on an error that no resend can fix', async () => {
    const api = fakeApi(() => apiError(401));
    await expect(api.deliver(results(10))).rejects.toMatchObject({ status: 401 });
    expect(api.settled).toEqual([]);
  });
});

describe('refusedByIndex', () => {
  it.each([
    [{ 'results.3.execution.status': ['bad'] }, 10, [[3, ['results.3.execution.status: bad']]]],
    [{ 'results.12': ['bad'] }, 10, []],
    [{ 'execution.status': ['bad'] }, 10, []],
  ])('reads %j', (errors, size, expected) => {
    expect([...refusedByIndex(errors, size)]).toEqual(expected);
  });
});
