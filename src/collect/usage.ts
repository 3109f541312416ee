/**
 * Usage of every quota that has a usage metric, from one of two sources:
 *
 * - CloudWatch: GetMetricData with up to 500 queries per call (quotas sharing a metric share a
 *   query), 1-minute data over the window. Usage is the window's peak: the Maximum of
 *   ResourceCount, or for CallCount the highest per-minute Sum scaled to the quota's period
 *   (a per-second rate quota compares with Sum/60).
 * - The quota utilization report (Service Quotas, where the account offers it): one report
 *   lists utilization for every quota; usage = utilization × applied value.
 *
 * `chooseUsageSource` picks, per target, whichever costs fewer calls.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  GetQuotaUtilizationReportCommand,
  type QuotaUtilizationInfo,
  type ServiceQuotasClient,
  StartQuotaUtilizationReportCommand,
} from '@aws-sdk/client-service-quotas';
import {
  type CollectError,
  periodSeconds,
  type Quota,
  quotaKey,
  type UsageMetric,
  type UsageSample,
  type UsageSnapshot,
  type UsageSource,
} from '../domain/quota.js';
import type { Target } from '../domain/target.js';
import { describeFailure, errorMessage, errorName } from '../aws/errors.js';
import { withRetry } from './retry.js';

/** The IAM actions reading usage calls: CloudWatch, and the utilization report where an account offers it. */
export const USAGE_IAM_ACTIONS = [
  'cloudwatch:GetMetricData',
  'servicequotas:StartQuotaUtilizationReport',
  'servicequotas:GetQuotaUtilizationReport',
] as const;

/** GetMetricData's limit on queries per call. */
export const QUERIES_PER_CALL = 500;
/** GetQuotaUtilizationReport's largest page. */
export const REPORT_PAGE_SIZE = 1000;

export interface UsageWindow {
  readonly start: Date;
  readonly end: Date;
  readonly periodSeconds: number;
}

/** The window ending at the last whole period before `now`. */
export function usageWindow(now: Date, windowMs: number, period: number): UsageWindow {
  const step = period * 1000;
  const end = Math.floor(now.getTime() / step) * step;
  return { start: new Date(end - windowMs), end: new Date(end), periodSeconds: period };
}

export function withUsageMetric(quotas: readonly Quota[]): Quota[] {
  return quotas.filter((q) => q.usageMetric !== null);
}

function metricKey(metric: UsageMetric): string {
  const dims = Object.entries(metric.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${metric.namespace}|${metric.name}|${dims}|${metric.statistic}`;
}

/** Distinct metric queries for the quotas (several quotas may watch one metric). */
export function distinctMetrics(
  quotas: readonly Quota[],
): Map<string, { metric: UsageMetric; quotas: Quota[] }> {
  const distinct = new Map<string, { metric: UsageMetric; quotas: Quota[] }>();
  for (const quota of quotas) {
    if (!quota.usageMetric) continue;
    const key = metricKey(quota.usageMetric);
    const entry = distinct.get(key) ?? { metric: quota.usageMetric, quotas: [] };
    entry.quotas.push(quota);
    distinct.set(key, entry);
  }
  return distinct;
}

/** Calls each source would cost for a target (the report: start, one poll, pages). */
export function usageCosts(distinctQueries: number, reportRows: number): Record<UsageSource, number> {
  return {
    cloudwatch: Math.ceil(distinctQueries / QUERIES_PER_CALL),
    'utilization-report': 2 + Math.max(0, Math.ceil(reportRows / REPORT_PAGE_SIZE) - 1),
  };
}

/**
 * The cheaper source for a target; CloudWatch on a tie (exact values with their timestamps), and
 * always where the account does not offer the report.
 */
export function chooseUsageSource(
  quotas: readonly Quota[],
  options: { reportAvailable: boolean; preferred: 'auto' | UsageSource },
): { source: UsageSource; costs: Record<UsageSource, number> } {
  const costs = usageCosts(distinctMetrics(quotas).size, withUsageMetric(quotas).length);
  if (options.preferred !== 'auto') return { source: options.preferred, costs };
  const source =
    options.reportAvailable && costs['utilization-report'] < costs.cloudwatch
      ? 'utilization-report'
      : 'cloudwatch';
  return { source, costs };
}

/** The window's peak of one series, normalised to the quota's period for Sum (rate) metrics. */
function peakOf(
  quota: Quota,
  window: UsageWindow,
  timestamps: readonly Date[],
  values: readonly number[],
): UsageSample | undefined {
  let best = -Infinity;
  let at: Date | null = null;
  values.forEach((v, i) => {
    if (v > best) {
      best = v;
      at = timestamps[i] ?? null;
    }
  });
  if (best === -Infinity) return undefined;
  const scale =
    quota.usageMetric?.statistic === 'Sum' && quota.period
      ? periodSeconds(quota.period) / window.periodSeconds
      : 1;
  return { serviceCode: quota.serviceCode, quotaCode: quota.quotaCode, value: best * scale, observedAt: at };
}

/** One metric's datapoints over a window, as GetMetricData gave them. */
export interface MetricSeries {
  readonly timestamps: Date[];
  readonly values: number[];
  status: string | undefined;
}

/**
 * Every series of the metrics over the window: GetMetricData with 500 queries a call, every page.
 * A call that fails is one error for its chunk of metrics, whose series are then missing.
 */
export async function readMetricSeries(
  client: CloudWatchClient,
  target: Target,
  metrics: readonly UsageMetric[],
  window: UsageWindow,
  endpoint: string | undefined,
): Promise<{ series: (MetricSeries | undefined)[]; errors: CollectError[] }> {
  const series: (MetricSeries | undefined)[] = metrics.map(() => undefined);
  const errors: CollectError[] = [];
  for (let offset = 0; offset < metrics.length; offset += QUERIES_PER_CALL) {
    const chunk = metrics.slice(offset, offset + QUERIES_PER_CALL);
    const queries: MetricDataQuery[] = chunk.map((metric, i) => ({
      Id: `q${offset + i}`,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: metric.namespace,
          MetricName: metric.name,
          Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: window.periodSeconds,
        Stat: metric.statistic,
      },
    }));
    const found = new Map<number, MetricSeries>();
    try {
      let token: string | undefined;
      do {
        const out = await withRetry(() =>
          client.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries,
              StartTime: window.start,
              EndTime: window.end,
              ScanBy: 'TimestampDescending',
              NextToken: token,
            }),
          ),
        );
        for (const result of out.MetricDataResults ?? []) {
          const index = Number((result.Id ?? '').slice(1));
          const entry = found.get(index) ?? { timestamps: [], values: [], status: undefined };
          entry.timestamps.push(...(result.Timestamps ?? []));
          entry.values.push(...(result.Values ?? []));
          entry.status = result.StatusCode;
          found.set(index, entry);
        }
        token = out.NextToken;
      } while (token !== undefined);
    } catch (error) {
      errors.push({
        scope: 'usage',
        serviceCode: null,
        ...describeFailure(error, {
          action: 'cloudwatch:GetMetricData',
          where: `${target.accountId}:${target.region}`,
          endpoint,
        }),
      });
      continue;
    }
    for (const [index, entry] of found) series[index] = entry;
  }
  return { series, errors };
}

/** Usage from CloudWatch: GetMetricData, 500 queries per call, every page. */
export async function readUsageFromCloudWatch(
  client: CloudWatchClient,
  target: Target,
  quotas: readonly Quota[],
  window: UsageWindow,
  options: { now?: () => Date; endpoint?: string | undefined } = {},
): Promise<UsageSnapshot> {
  const now = options.now ?? (() => new Date());
  const metrics = [...distinctMetrics(quotas).values()];
  const samples: UsageSample[] = [];
  const { series, errors } = await readMetricSeries(
    client,
    target,
    metrics.map((m) => m.metric),
    window,
    options.endpoint,
  );
  metrics.forEach(({ quotas: watching }, i) => {
    const data = series[i];
    if (data?.status === 'Forbidden' || data?.status === 'InternalError') {
      for (const quota of watching) {
        errors.push({
          scope: 'usage',
          serviceCode: quota.serviceCode,
          code: data.status,
          message: `${quotaKey(quota)}: CloudWatch answered ${data.status}`,
        });
      }
      return;
    }
    for (const quota of watching) {
      const sample = data && peakOf(quota, window, data.timestamps, data.values);
      if (sample) samples.push(sample);
    }
  });
  return {
    target,
    collectedAt: now(),
    source: 'cloudwatch',
    windowStart: window.start,
    windowEnd: window.end,
    complete: errors.length === 0,
    samples: sortSamples(samples),
    errors,
  };
}

export function sortSamples(samples: UsageSample[]): UsageSample[] {
  return samples.sort(
    (a, b) => a.serviceCode.localeCompare(b.serviceCode) || a.quotaCode.localeCompare(b.quotaCode),
  );
}

/** The account does not offer the quota utilization report (IllegalArgumentException on start). */
export class ReportUnavailableError extends Error {
  override readonly name = 'ReportUnavailableError';
}

export interface ReportOptions {
  /** How long AWS usually takes to build a report: the first poll waits this long. */
  readonly firstPollMs?: number;
  readonly pollMs?: number;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Usage from the quota utilization report: start it, poll until it is ready, read every page.
 * The report's window is AWS's (the recent peak); usage = utilization × applied value.
 */
export async function readUsageFromReport(
  client: ServiceQuotasClient,
  target: Target,
  quotas: readonly Quota[],
  options: ReportOptions = {},
  now: () => Date = () => new Date(),
): Promise<UsageSnapshot> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const startedAt = now();
  let reportId: string;
  try {
    const started = await withRetry(() => client.send(new StartQuotaUtilizationReportCommand({})));
    reportId = started.ReportId ?? '';
  } catch (error) {
    if (errorName(error) === 'IllegalArgumentException')
      throw new ReportUnavailableError(errorMessage(error));
    throw error;
  }
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  await sleep(options.firstPollMs ?? 3_000);
  const rows: QuotaUtilizationInfo[] = [];
  let generatedAt: Date | undefined;
  let token: string | undefined;
  for (;;) {
    const out = await withRetry(() =>
      client.send(
        new GetQuotaUtilizationReportCommand({
          ReportId: reportId,
          MaxResults: REPORT_PAGE_SIZE,
          NextToken: token,
        }),
      ),
    );
    if (out.Status === 'FAILED') {
      throw new Error(
        `the quota utilization report failed: ${out.ErrorCode ?? ''} ${out.ErrorMessage ?? ''}`,
      );
    }
    if (out.Status !== 'COMPLETED') {
      if (Date.now() > deadline) throw new Error('the quota utilization report was not ready in time');
      await sleep(options.pollMs ?? 1_000);
      continue;
    }
    generatedAt ??= out.GeneratedAt;
    rows.push(...(out.Quotas ?? []));
    token = out.NextToken;
    if (token === undefined) break;
  }
  const known = new Map(quotas.map((q) => [quotaKey(q), q]));
  const samples: UsageSample[] = [];
  for (const row of rows) {
    const quota = known.get(`${row.ServiceCode ?? ''}/${row.QuotaCode ?? ''}`);
    if (!quota || row.Utilization === undefined) continue;
    const applied = row.AppliedValue ?? quota.value;
    if (applied === null) continue;
    samples.push({
      serviceCode: quota.serviceCode,
      quotaCode: quota.quotaCode,
      value: (row.Utilization / 100) * applied,
      observedAt: generatedAt ?? null,
    });
  }
  const end = generatedAt ?? startedAt;
  return {
    target,
    collectedAt: now(),
    source: 'utilization-report',
    windowStart: new Date(end.getTime() - 3_600_000),
    windowEnd: end,
    complete: true,
    samples: sortSamples(samples),
    errors: [],
  };
}
