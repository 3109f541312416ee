/**
 * A second line of retries above the SDK's: when a page is still throttled or failing after the
 * SDK's own attempts (or the SDK's retry budget ran dry), wait and ask again for the same page,
 * so a burst of faults costs time, not quotas.
 */
import { isRetryable } from '../aws/errors.js';

export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly tries?: number;
  readonly baseMs?: number;
  readonly maxMs?: number;
}

export async function withRetry<T>(run: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const tries = options.tries ?? 4;
  const baseMs = options.baseMs ?? 500;
  const maxMs = options.maxMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= tries || !isRetryable(error)) throw error;
      // Full jitter, as the SDK does.
      const delay = Math.floor(Math.random() * Math.min(maxMs, baseMs * 2 ** (attempt - 1)));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
