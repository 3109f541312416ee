import { describe, expect, it } from 'vitest';
import { RateLimiter, Semaphore, TokenBucket } from './pacing.js';

describe('TokenBucket', () => {
  it('grants the burst at once, then one token per interval (fake clock)', async () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 20, burst: 5 }, () => now);
    let granted = 0;
    const all = Promise.all(Array.from({ length: 35 }, () => bucket.take().then(() => granted++)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(granted).toBe(25); // perSecond + burst at once
    now = 250; // 5 more tokens at 20/s
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(granted).toBe(30);
    now = 500;
    await all;
    expect(granted).toBe(35);
  });

  it('never grants more than the rate allows over a window (fake clock)', async () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 10, burst: 0 }, () => now);
    for (let i = 0; i < 10; i++) await bucket.take();
    let granted = false;
    const pending = bucket.take().then(() => {
      granted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(granted).toBe(false);
    now = 100; // one interval later a token is back
    await pending;
    expect(granted).toBe(true);
  });

  it('drain() makes the next request wait a full interval', async () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 10, burst: 10 }, () => now);
    await bucket.take();
    bucket.drain();
    let granted = false;
    const pending = bucket.take().then(() => {
      granted = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(granted).toBe(false);
    now = 100;
    await pending;
    expect(granted).toBe(true);
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter();
    const a = limiter.bucket('1:us-east-1|servicequotas|ListServiceQuotas', { perSecond: 10, burst: 10 });
    expect(limiter.bucket('1:us-east-1|servicequotas|ListServiceQuotas', { perSecond: 1, burst: 0 })).toBe(a);
    expect(
      limiter.bucket('1:eu-west-1|servicequotas|ListServiceQuotas', { perSecond: 10, burst: 10 }),
    ).not.toBe(a);
  });
});

describe('Semaphore', () => {
  it('holds at most the limit and serves waiters in order', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        const release = await semaphore.acquire();
        peak = Math.max(peak, semaphore.held);
        order.push(i);
        await new Promise((resolve) => setTimeout(resolve, 5));
        release();
        release(); // a second release is harmless
      }),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(semaphore.held).toBe(0);
  });

  it('rejects a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
