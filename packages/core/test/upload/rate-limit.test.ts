import { describe, expect, it } from 'vitest';
import {
  createRateWindow,
  recordRateLimited,
  recordSend,
  waitBeforeSendMs,
  type RateWindow,
} from '../../src/upload/rate-limit';

/** Sends `count` requests as soon as the window allows, starting at `startMs`; returns the send times. */
function sendAsSoonAsAllowed(w: RateWindow, count: number, startMs = 0, gapsMs: readonly number[] = [0]) {
  let window = w;
  let nowMs = startMs;
  const sentAtMs: number[] = [];
  for (let i = 0; i < count; i++) {
    nowMs += gapsMs[i % gapsMs.length]!;
    nowMs += waitBeforeSendMs(window, nowMs);
    expect(waitBeforeSendMs(window, nowMs)).toBe(0);
    window = recordSend(window, nowMs);
    sentAtMs.push(nowMs);
  }
  return { window, sentAtMs };
}

/** The most sends that fall in any span of `windowMs`; the busiest span starts at some send. */
function busiestWindow(sentAtMs: readonly number[], windowMs: number): number {
  return Math.max(...sentAtMs.map((start) => sentAtMs.filter((t) => t >= start && t < start + windowMs).length));
}

describe('rate window', () => {
  it('starts empty, unpaused, with a one-minute window', () => {
    expect(createRateWindow(200)).toEqual({ limit: 200, windowMs: 60_000, sentAtMs: [], pausedUntilMs: 0 });
    expect(waitBeforeSendMs(createRateWindow(200), 0)).toBe(0);
  });

  it('sends at once while under the limit', () => {
    const { sentAtMs } = sendAsSoonAsAllowed(createRateWindow(3), 3, 1_000);
    expect(sentAtMs).toEqual([1_000, 1_000, 1_000]);
  });

  it.each([
    { nowMs: 30, waitMs: 59_970 },
    { nowMs: 59_999, waitMs: 1 },
    { nowMs: 60_000, waitMs: 0 },
    { nowMs: 100_000, waitMs: 0 },
  ])('with 3 of 3 sent at 0, 10 and 20 ms, waits $waitMs ms at $nowMs ms', ({ nowMs, waitMs }) => {
    const w = [0, 10, 20].reduce(recordSend, createRateWindow(3));
    expect(waitBeforeSendMs(w, nowMs)).toBe(waitMs);
  });

  it('never sends more than 200 in any minute', () => {
    const { sentAtMs } = sendAsSoonAsAllowed(createRateWindow(200), 1_000);
    expect(busiestWindow(sentAtMs, 60_000)).toBe(200);
    // No slower than the limit either: 1,000 sends take four full minutes after the first 200.
    expect(sentAtMs.at(-1)).toBe(240_000);
  });

  it.each([
    { name: 'steady 250 ms apart', gapsMs: [250] },
    { name: 'in bursts', gapsMs: [0, 0, 0, 0, 0, 0, 0, 0, 0, 7_000] },
    { name: 'irregularly', gapsMs: [1, 13, 0, 997, 59_999, 2, 0, 333] },
  ])('never sends more than 200 in any minute when requests come $name', ({ gapsMs }) => {
    const { sentAtMs } = sendAsSoonAsAllowed(createRateWindow(200), 1_000, 0, gapsMs);
    expect(busiestWindow(sentAtMs, 60_000)).toBeLessThanOrEqual(200);
  });

  it('forgets sends that have left the window', () => {
    const w = [0, 30_000, 70_000].reduce(recordSend, createRateWindow(200));
    expect(w.sentAtMs).toEqual([30_000, 70_000]);
  });

  it('does not change the window it is given', () => {
    const w = createRateWindow(2);
    recordSend(w, 5);
    recordRateLimited(w, 5, 1_000);
    expect(w).toEqual(createRateWindow(2));
  });
});

describe('after a 429', () => {
  it.each([
    { nowMs: 1_000, waitMs: 30_000 },
    { nowMs: 20_000, waitMs: 11_000 },
    { nowMs: 31_000, waitMs: 0 },
  ])('pauses every request after a 429: at $nowMs ms the next waits $waitMs ms', ({ nowMs, waitMs }) => {
    const w = recordRateLimited(createRateWindow(200), 1_000, 30_000);
    expect(waitBeforeSendMs(w, nowMs)).toBe(waitMs);
  });

  it.each([
    { limit: 200, lowered: 150 },
    { limit: 150, lowered: 112 },
    { limit: 4, lowered: 3 },
    { limit: 2, lowered: 1 },
    { limit: 1, lowered: 1 },
  ])('lowers a limit of $limit to $lowered', ({ limit, lowered }) => {
    expect(recordRateLimited(createRateWindow(limit), 0, 1_000).limit).toBe(lowered);
  });

  it('lowers the limit once for the 429s of requests that were in flight together', () => {
    let w = recordRateLimited(createRateWindow(200), 1_000, 60_000);
    w = recordRateLimited(w, 1_050, 60_000);
    w = recordRateLimited(w, 1_100, 59_000);
    expect(w.limit).toBe(150);
    expect(w.pausedUntilMs).toBe(61_050);
  });

  it('lowers the limit again for a 429 after the pause ended', () => {
    let w = recordRateLimited(createRateWindow(200), 0, 60_000);
    w = recordRateLimited(w, 60_000, 60_000);
    expect(w.limit).toBe(112);
    expect(w.pausedUntilMs).toBe(120_000);
  });

  it('applies the lowered limit to the sends already in the window', () => {
    let { window: w } = sendAsSoonAsAllowed(createRateWindow(200), 200);
    w = recordRateLimited(w, 0, 0);
    // 200 sent at 0 ms, now 150 allowed: the next fits when all 200 have left the window.
    expect(waitBeforeSendMs(w, 1_000)).toBe(59_000);
  });

  it('keeps the pause and the window apart: waits for whichever ends later', () => {
    // Sent at 0, 1, 2 and 3 ms; the limit drops to 3, so the send at 1 ms must leave the window first.
    const full = [0, 1, 2, 3].reduce(recordSend, createRateWindow(4));
    expect(waitBeforeSendMs(recordRateLimited(full, 10, 1_000), 10)).toBe(59_991);
    const roomy = [0].reduce(recordSend, createRateWindow(4));
    expect(waitBeforeSendMs(recordRateLimited(roomy, 10, 90_000), 10)).toBe(90_000);
  });
});
