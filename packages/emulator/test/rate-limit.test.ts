import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/rate-limit';

type Step = { atMs: number; key?: string; limit?: number; retryAfterMs: number | undefined };

describe('createRateLimiter (sliding window, 3 per 1000 ms)', () => {
  it.each<{ name: string; steps: Step[] }>([
    {
      name: 'accepts up to the limit, then says when the oldest request leaves the window',
      steps: [
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 100, retryAfterMs: undefined },
        { atMs: 200, retryAfterMs: undefined },
        { atMs: 250, retryAfterMs: 750 },
        { atMs: 999, retryAfterMs: 1 },
        { atMs: 1000, retryAfterMs: undefined },
        { atMs: 1001, retryAfterMs: 99 },
      ],
    },
    {
      name: 'refused requests take no slot',
      steps: [
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 10, retryAfterMs: 990 },
        { atMs: 20, retryAfterMs: 980 },
        { atMs: 1000, retryAfterMs: undefined },
        { atMs: 1000, retryAfterMs: undefined },
        { atMs: 1000, retryAfterMs: undefined },
        { atMs: 1000, retryAfterMs: 1000 },
      ],
    },
    {
      name: 'keys are counted apart',
      steps: [
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 0, key: 'other', retryAfterMs: undefined },
        { atMs: 0, retryAfterMs: 1000 },
      ],
    },
    {
      name: 'a lowered limit waits until enough requests leave the window',
      steps: [
        { atMs: 0, retryAfterMs: undefined },
        { atMs: 100, retryAfterMs: undefined },
        { atMs: 200, retryAfterMs: undefined },
        { atMs: 300, limit: 1, retryAfterMs: 900 },
        { atMs: 1200, limit: 1, retryAfterMs: undefined },
      ],
    },
  ])('$name', ({ steps }) => {
    const limiter = createRateLimiter();
    const answers = steps.map((step) => limiter.take(step.key ?? 'token', step.atMs, step.limit ?? 3, 1000)?.retryAfterMs);
    expect(answers).toEqual(steps.map((step) => step.retryAfterMs));
  });
});
