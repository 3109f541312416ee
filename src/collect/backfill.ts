/**
 * Usage history from CloudWatch, for a target headroom has only just started watching: the
 * hourly peaks (Maximum over each hour) of the quotas' usage series, as one usage snapshot per
 * hour, so forecasts, spike baselines and `engine simulate` have history from the first day.
 *
 * Only series read with the Maximum statistic are backfilled (resource counts, concurrency): an
 * hour's maximum is the peak a collection would have read. Rate quotas (Sum of calls) are left
 * out: an hourly sum does not give the busiest minute, and minute data would cost 60 times the
 * datapoints.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CollectError, Quota, UsageSample, UsageSnapshot } from '../domain/quota.js';
import type { Target } from '../domain/target.js';
import { distinctMetrics, readMetricSeries, sortSamples } from './usage.js';

const HOUR = 3_600_000;

export interface BackfillWindow {
  /** The first hour to read (rounded down to the hour). */
  readonly start: Date;
  /** The end (exclusive; rounded down to the hour). */
  readonly end: Date;
}

export interface Backfill {
  /** One snapshot per hour with a reading, oldest first; each collected at its hour. */
  readonly snapshots: UsageSnapshot[];
  /** Quotas with hourly readings. */
  readonly quotas: number;
  /** Rate quotas left out (their series are sums). */
  readonly skipped: number;
  readonly errors: CollectError[];
}

/** The quotas whose hourly peaks a backfill can read. */
export function backfillable(quotas: readonly Quota[]): Quota[] {
  return quotas.filter((q) => q.usageMetric?.statistic === 'Maximum');
}

export async function readUsageBackfill(
  client: CloudWatchClient,
  target: Target,
  quotas: readonly Quota[],
  window: BackfillWindow,
  endpoint: string | undefined,
): Promise<Backfill> {
  const start = Math.floor(window.start.getTime() / HOUR) * HOUR;
  const end = Math.floor(window.end.getTime() / HOUR) * HOUR;
  const chosen = backfillable(quotas);
  const skipped = quotas.filter((q) => q.usageMetric !== null).length - chosen.length;
  if (end <= start || chosen.length === 0) return { snapshots: [], quotas: 0, skipped, errors: [] };
  const metrics = [...distinctMetrics(chosen).values()];
  const { series, errors } = await readMetricSeries(
    client,
    target,
    metrics.map((m) => m.metric),
    { start: new Date(start), end: new Date(end), periodSeconds: HOUR / 1000 },
    endpoint,
  );
  const byHour = new Map<number, UsageSample[]>();
  const read = new Set<string>();
  metrics.forEach(({ quotas: watching }, i) => {
    const data = series[i];
    if (data === undefined || data.status === 'Forbidden' || data.status === 'InternalError') return;
    data.timestamps.forEach((at, j) => {
      const value = data.values[j];
      const hour = Math.floor(at.getTime() / HOUR) * HOUR;
      if (value === undefined || hour < start || hour >= end) return;
      const samples = byHour.get(hour) ?? [];
      for (const quota of watching) {
        samples.push({
          serviceCode: quota.serviceCode,
          quotaCode: quota.quotaCode,
          value,
          observedAt: new Date(hour),
        });
        read.add(`${quota.serviceCode}/${quota.quotaCode}`);
      }
      byHour.set(hour, samples);
    });
  });
  const snapshots = [...byHour.entries()]
    .sort(([a], [b]) => a - b)
    .map(([hour, samples]): UsageSnapshot => ({
      target,
      collectedAt: new Date(hour),
      source: 'cloudwatch',
      windowStart: new Date(hour),
      windowEnd: new Date(hour + HOUR),
      complete: errors.length === 0,
      samples: sortSamples(samples),
      errors: [],
    }));
  return { snapshots, quotas: read.size, skipped, errors };
}
