/**
 * Runs the usage counters (src/services/) a target needs and merges what they count into its
 * usage snapshot. CloudWatch (or the utilization report) stays the source of a quota it gave a
 * value for; a counted value fills every other quota a counter counts, and per-resource values
 * are always counted. Each counter runs isolated: one failing is recorded with its error and
 * never stops the others (node_exporter's execute()); one meeting a fault or throttling after
 * the SDK's retries is run again, as a page of limits is asked again.
 */
import type { AwsSession } from '../aws/session.js';
import { describeFailure } from '../aws/errors.js';
import type { CollectError, CollectorOutcome, Quota, UsageSample } from '../domain/quota.js';
import { type Target, targetKey } from '../domain/target.js';
import { COUNTERS } from '../services/index.js';
import { counts, type UsageCounter } from '../services/service.js';
import { type ServiceFilter, serviceSelected } from './limits.js';
import { withRetry } from './retry.js';

export interface CounterRun {
  readonly counter: UsageCounter;
  readonly quotas: readonly Quota[];
}

/**
 * The counters to run in a target: those whose service the filter selects and that count a quota
 * the target has; global ones only in the account's global home (where its global quotas are).
 */
export function countersFor(
  quotas: readonly Quota[],
  options: { filter: ServiceFilter; globalHome: boolean },
): CounterRun[] {
  return COUNTERS.flatMap((counter) => {
    if (!serviceSelected(counter.serviceCode, options.filter)) return [];
    if (counter.global && !options.globalHome) return [];
    const counted = quotas.filter((q) => counts(counter, q));
    return counted.length === 0 ? [] : [{ counter, quotas: counted }];
  });
}

export interface CounterResult {
  readonly samples: readonly UsageSample[];
  /** The counter's outcome as a collector (its service code), with its failure. */
  readonly outcome: CollectorOutcome;
}

/** Runs counters side by side; a failure is recorded on its result, never thrown. */
export async function runCounters(
  session: AwsSession,
  target: Target,
  runs: readonly CounterRun[],
  now: () => Date,
): Promise<CounterResult[]> {
  return Promise.all(
    runs.map(async ({ counter, quotas }): Promise<CounterResult> => {
      const started = performance.now();
      const outcome = (error?: CollectError): CollectorOutcome => ({
        collector: counter.serviceCode,
        success: error === undefined,
        durationMs: performance.now() - started,
        at: now(),
        error,
      });
      try {
        // A counter's calls get the SDK's retries; above them, a counter still failing on a fault
        // or throttling counts again from the start (rare: it costs its calls again, not values).
        const counted = await withRetry(() => counter.findUsage({ target, session, quotas }));
        const at = now();
        const known = new Set(quotas.map((q) => q.quotaCode));
        const samples = counted
          .filter((c) => known.has(c.quotaCode) && Number.isFinite(c.value))
          .map((c): UsageSample => ({
            serviceCode: counter.serviceCode,
            quotaCode: c.quotaCode,
            value: c.value,
            observedAt: at,
            ...(c.resource === undefined ? {} : { resource: c.resource }),
            source: 'counter',
          }));
        return { samples, outcome: outcome() };
      } catch (error) {
        const failure: CollectError = {
          scope: 'service',
          serviceCode: counter.serviceCode,
          ...describeFailure(error, {
            action: counter.iamActions.join(', '),
            where: targetKey(target),
            endpoint: session.endpoint,
          }),
        };
        return { samples: [], outcome: outcome(failure) };
      }
    }),
  );
}

/**
 * The samples of a usage read with the counted ones merged in: a counted value of a whole quota
 * is dropped where the read already has one; per-resource values are always kept. Sorted as the
 * store gives them back (service code, quota code, then counted order).
 */
export function mergeCounted(read: readonly UsageSample[], counted: readonly UsageSample[]): UsageSample[] {
  const have = new Set(
    read.filter((s) => s.resource === undefined).map((s) => `${s.serviceCode}/${s.quotaCode}`),
  );
  const fills = counted.filter(
    (s) => s.resource !== undefined || !have.has(`${s.serviceCode}/${s.quotaCode}`),
  );
  return [...read, ...fills].sort(
    (a, b) => a.serviceCode.localeCompare(b.serviceCode) || a.quotaCode.localeCompare(b.quotaCode),
  );
}
