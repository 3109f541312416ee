import { describe, expect, it } from 'vitest';
import type { RateLimit } from './service.js';
import { Throttle } from './throttle.js';

const T0 = Date.UTC(2026, 0, 1);

/** How many of `attempts` takes at one instant succeed. */
function takeMany(
  throttle: Throttle,
  key: string,
  limit: RateLimit,
  nowMs: number,
  attempts: number,
): number {
  let taken = 0;
  for (let i = 0; i < attempts; i++) if (throttle.take(key, limit, nowMs)) taken++;
  return taken;
}

describe('Throttle', () => {
  it.each<[RateLimit, number]>([
    [{ perSecond: 5, burst: 10 }, 15],
    [{ perSecond: 10, burst: 0 }, 10],
    [{ perSecond: 1, burst: 1 }, 2],
    [{ perSecond: 0.5, burst: 1 }, 1],
  ])('a new bucket %o holds perSecond + burst, floored to whole requests: %d', (limit, capacity) => {
    const throttle = new Throttle();
    expect(takeMany(throttle, 'k', limit, T0, 100)).toBe(capacity);
    expect(throttle.take('k', limit, T0)).toBe(false);
  });

  it.each<[string, number, number]>([
    ['a tenth of a second', 100, 1],
    ['half a second', 500, 5],
    ['one second', 1000, 10],
    ['a second and a half', 1500, 15],
    ['two seconds, refilling past the capacity', 2000, 15],
    ['an hour', 3_600_000, 15],
  ])('refills an empty bucket at perSecond: after %s', (_label, elapsedMs, expected) => {
    const limit: RateLimit = { perSecond: 10, burst: 5 };
    const throttle = new Throttle();
    expect(takeMany(throttle, 'k', limit, T0, 15)).toBe(15);
    expect(takeMany(throttle, 'k', limit, T0 + elapsedMs, 100)).toBe(expected);
  });

  it('keeps the fraction of a token between calls', () => {
    const limit: RateLimit = { perSecond: 2, burst: 0 };
    const throttle = new Throttle();
    expect(takeMany(throttle, 'k', limit, T0, 2)).toBe(2);
    expect(throttle.take('k', limit, T0 + 250)).toBe(false);
    // 0.5 tokens at +250 ms, another 0.5 by +500 ms: one whole request.
    expect(throttle.take('k', limit, T0 + 500)).toBe(true);
    expect(throttle.take('k', limit, T0 + 500)).toBe(false);
  });

  it('sustains exactly perSecond over time once the burst is spent', () => {
    const limit: RateLimit = { perSecond: 4, burst: 6 };
    const throttle = new Throttle();
    let taken = 0;
    // 20 attempts every 100 ms for 10 s: the 10-token bucket plus 4 per second for 10 s.
    for (let step = 0; step <= 100; step++) taken += takeMany(throttle, 'k', limit, T0 + step * 100, 20);
    expect(taken).toBe(10 + 4 * 10);
  });

  it('adds no tokens for a time earlier than the last one', () => {
    const limit: RateLimit = { perSecond: 10, burst: 0 };
    const throttle = new Throttle();
    expect(takeMany(throttle, 'k', limit, T0 + 10_000, 10)).toBe(10);
    expect(throttle.take('k', limit, T0)).toBe(false);
  });

  it('keeps separate keys independent', () => {
    const limit: RateLimit = { perSecond: 1, burst: 2 };
    const throttle = new Throttle();
    const a = '111122223333|us-east-1|ListServiceQuotas';
    const b = '111122223333|us-west-2|ListServiceQuotas';
    expect(takeMany(throttle, a, limit, T0, 10)).toBe(3);
    expect(throttle.take(a, limit, T0)).toBe(false);
    expect(takeMany(throttle, b, limit, T0, 10)).toBe(3);
    expect(throttle.take(a, limit, T0 + 1000)).toBe(true);
    expect(throttle.take(b, limit, T0 + 500)).toBe(false);
  });

  it('gives every bucket back its full capacity on reset', () => {
    const limit: RateLimit = { perSecond: 2, burst: 1 };
    const throttle = new Throttle();
    expect(takeMany(throttle, 'k', limit, T0, 3)).toBe(3);
    expect(throttle.take('k', limit, T0)).toBe(false);
    throttle.reset();
    expect(takeMany(throttle, 'k', limit, T0, 10)).toBe(3);
  });
});
