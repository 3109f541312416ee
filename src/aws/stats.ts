/**
 * Counts of AWS calls per (account, region, service, operation): logical calls, HTTP attempts,
 * throttled attempts, failures and time spent. Kept in memory for a run, then stored.
 */
export interface CallCounts {
  readonly accountId: string;
  readonly region: string;
  readonly service: string;
  readonly operation: string;
  calls: number;
  attempts: number;
  throttled: number;
  failed: number;
  durationMs: number;
}

function keyOf(c: Pick<CallCounts, 'accountId' | 'region' | 'service' | 'operation'>): string {
  return `${c.accountId}|${c.region}|${c.service}|${c.operation}`;
}

export class CallStats {
  readonly #counts = new Map<string, CallCounts>();

  #entry(accountId: string, region: string, service: string, operation: string): CallCounts {
    const key = keyOf({ accountId, region, service, operation });
    let entry = this.#counts.get(key);
    if (!entry) {
      entry = {
        accountId,
        region,
        service,
        operation,
        calls: 0,
        attempts: 0,
        throttled: 0,
        failed: 0,
        durationMs: 0,
      };
      this.#counts.set(key, entry);
    }
    return entry;
  }

  attempt(accountId: string, region: string, service: string, operation: string, throttled: boolean): void {
    const entry = this.#entry(accountId, region, service, operation);
    entry.attempts++;
    if (throttled) entry.throttled++;
  }

  call(
    accountId: string,
    region: string,
    service: string,
    operation: string,
    outcome: { durationMs: number; failed: boolean },
  ): void {
    const entry = this.#entry(accountId, region, service, operation);
    entry.calls++;
    entry.durationMs += outcome.durationMs;
    if (outcome.failed) entry.failed++;
  }

  /** A copy of every counter, sorted by account, region, service, operation. */
  snapshot(): CallCounts[] {
    return [...this.#counts.values()]
      .map((c) => ({ ...c }))
      .sort(
        (a, b) =>
          a.accountId.localeCompare(b.accountId) ||
          a.region.localeCompare(b.region) ||
          a.service.localeCompare(b.service) ||
          a.operation.localeCompare(b.operation),
      );
  }

  /** The counts added since an earlier `snapshot()`: one run's calls in a session that made others. */
  since(earlier: readonly CallCounts[]): CallCounts[] {
    const before = new Map(earlier.map((c) => [keyOf(c), c]));
    return this.snapshot()
      .map((c) => {
        const b = before.get(keyOf(c));
        return b
          ? {
              ...c,
              calls: c.calls - b.calls,
              attempts: c.attempts - b.attempts,
              throttled: c.throttled - b.throttled,
              failed: c.failed - b.failed,
              durationMs: c.durationMs - b.durationMs,
            }
          : c;
      })
      .filter((c) => c.attempts > 0 || c.calls > 0);
  }
}
