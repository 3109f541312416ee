/**
 * Counts every call by service, operation and outcome, so tests and benchmarks can say exactly
 * how many AWS calls a piece of headroom made and how many were throttled or failed.
 */

export type Outcome = 'success' | 'throttled' | 'fault' | 'client_error' | 'auth_error';

export interface CallCount {
  readonly service: string;
  readonly operation: string;
  readonly outcome: Outcome;
  /** The error code for anything but a success. */
  readonly code: string | undefined;
  readonly count: number;
}

export class Metering {
  readonly #counts = new Map<
    string,
    { service: string; operation: string; outcome: Outcome; code: string | undefined; count: number }
  >();

  record(service: string, operation: string, outcome: Outcome, code?: string): void {
    const key = `${service}\u0000${operation}\u0000${outcome}\u0000${code ?? ''}`;
    const entry = this.#counts.get(key);
    if (entry) entry.count++;
    else this.#counts.set(key, { service, operation, outcome, code, count: 1 });
  }

  snapshot(): CallCount[] {
    return [...this.#counts.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) =>
        a.service !== b.service
          ? a.service < b.service
            ? -1
            : 1
          : a.operation !== b.operation
            ? a.operation < b.operation
              ? -1
              : 1
            : a.outcome < b.outcome
              ? -1
              : a.outcome > b.outcome
                ? 1
                : 0,
      );
  }

  total(filter: Partial<Pick<CallCount, 'service' | 'operation' | 'outcome'>> = {}): number {
    let total = 0;
    for (const entry of this.#counts.values()) {
      if (filter.service !== undefined && entry.service !== filter.service) continue;
      if (filter.operation !== undefined && entry.operation !== filter.operation) continue;
      if (filter.outcome !== undefined && entry.outcome !== filter.outcome) continue;
      total += entry.count;
    }
    return total;
  }

  reset(): void {
    this.#counts.clear();
  }
}
