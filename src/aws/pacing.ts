/**
 * Client-side pacing: a token bucket per (account, region, service, operation) at AWS's rates,
 * and one cap on requests in flight across all of them. Waiters are served in arrival order.
 */
import type { Rate } from './rates.js';

type Clock = () => number;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A bucket holding `perSecond + burst` tokens, refilled at `perSecond`. `take()` resolves when a
 * token is available; callers queue behind each other, so a bucket never over-grants.
 */
export class TokenBucket {
  readonly #rate: Rate;
  readonly #now: Clock;
  #tokens: number;
  #updatedAt: number;
  #tail: Promise<void> = Promise.resolve();

  constructor(rate: Rate, now: Clock = () => performance.now()) {
    this.#rate = rate;
    this.#now = now;
    this.#tokens = rate.perSecond + rate.burst;
    this.#updatedAt = now();
  }

  get capacity(): number {
    return this.#rate.perSecond + this.#rate.burst;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.#rate.perSecond);
    this.#updatedAt = now;
  }

  /** Waits for a token and takes it. */
  take(): Promise<void> {
    const turn = this.#tail.then(async () => {
      this.#refill();
      while (this.#tokens < 1) {
        await sleep(Math.ceil(((1 - this.#tokens) / this.#rate.perSecond) * 1000));
        this.#refill();
      }
      this.#tokens -= 1;
    });
    this.#tail = turn;
    return turn;
  }

  /**
   * AWS said we were too fast (another client shares the account's rate): empty the bucket so
   * the next request waits a full interval.
   */
  drain(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
  }
}

/** Buckets by key, created on first use. */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #now: Clock | undefined;

  constructor(now?: Clock) {
    this.#now = now;
  }

  bucket(key: string, rate: Rate): TokenBucket {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate, this.#now);
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

/** At most `limit` holders at once; the rest wait in arrival order. */
export class Semaphore {
  readonly #limit: number;
  #held = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit ${limit}`);
    this.#limit = limit;
  }

  get held(): number {
    return this.#held;
  }

  async acquire(): Promise<() => void> {
    if (this.#held < this.#limit) {
      this.#held++;
    } else {
      // The releasing holder hands its slot straight to us; `held` stays the same.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#held--;
    };
  }
}
