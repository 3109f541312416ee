/**
 * The sandbox clock: wall time plus an offset that tests move forward. Business state (increase
 * requests, usage series, reports) lives on this clock; request signing is checked against the
 * wall clock, because clients sign with theirs and a moved clock must not make every signature stale.
 */
export class SandboxClock {
  #offsetMs = 0;
  readonly #wallNow: () => number;

  constructor(wallNow: () => number = Date.now) {
    this.#wallNow = wallNow;
  }

  /** Milliseconds since the epoch on the sandbox clock. */
  now(): number {
    return this.#wallNow() + this.#offsetMs;
  }

  /** Wall-clock milliseconds, for signature and credential checks. */
  wall(): number {
    return this.#wallNow();
  }

  /** How far the sandbox clock runs ahead of the wall clock. */
  offsetMs(): number {
    return this.#offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`clock can only move forward by a finite number of milliseconds, got ${ms}`);
    }
    this.#offsetMs += ms;
  }

  /** Sets how far the clock runs ahead of the wall clock, as a saved state recorded it. */
  setOffset(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `the clock's offset must be a finite number of milliseconds of at least 0, got ${ms}`,
      );
    }
    this.#offsetMs = ms;
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}
