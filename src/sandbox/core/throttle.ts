/**
 * Token buckets per (account, region, operation), on the wall clock: a bucket holds
 * `perSecond + burst` tokens and refills at `perSecond`, as AWS describes its API rate quotas.
 */
import type { RateLimit } from './service.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class Throttle {
  readonly #buckets = new Map<string, Bucket>();

  /** Takes a token if one is there; false means the request is throttled. */
  take(key: string, limit: RateLimit, nowMs: number): boolean {
    const capacity = limit.perSecond + limit.burst;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: nowMs };
      this.#buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, nowMs - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * limit.perSecond);
    bucket.updatedAt = Math.max(bucket.updatedAt, nowMs);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  reset(): void {
    this.#buckets.clear();
  }
}
