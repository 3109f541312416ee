/**
 * What headroom knows about a quota in a target: its limit (where it came from), AWS's default,
 * and its usage. Types are literal unions (no enums); functions here are pure.
 */
import type { Target } from './target.js';

export type PeriodUnit = 'MICROSECOND' | 'MILLISECOND' | 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK';
export type AppliedLevel = 'ACCOUNT' | 'RESOURCE' | 'ALL';
export type UsageStatistic = 'Sum' | 'Maximum';

/** The CloudWatch metric AWS names for a quota's usage (Service Quotas' MetricInfo). */
export interface UsageMetric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: UsageStatistic;
}

export interface QuotaPeriod {
  readonly value: number;
  readonly unit: PeriodUnit;
}

export interface QuotaContext {
  readonly scope: string;
  readonly scopeType: string | null;
  readonly contextId: string | null;
}

/** Why AWS could not give a value (Service Quotas' ErrorReason). */
export interface QuotaErrorReason {
  readonly code: string;
  readonly message: string;
}

/**
 * Where a limit value came from: `applied` from ListServiceQuotas (the account's value), `default`
 * from ListAWSDefaultServiceQuotas because AWS showed no applied value.
 */
export type LimitSource = 'applied' | 'default';

/** One quota of one target, ListServiceQuotas and ListAWSDefaultServiceQuotas merged by quota code. */
export interface Quota {
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly quotaArn: string | null;
  /** The limit in force: the applied value, or the default where AWS shows none; null if neither. */
  readonly value: number | null;
  readonly source: LimitSource;
  readonly defaultValue: number | null;
  readonly unit: string;
  readonly adjustable: boolean;
  readonly global: boolean;
  readonly usageMetric: UsageMetric | null;
  readonly period: QuotaPeriod | null;
  readonly appliedAtLevel: AppliedLevel | null;
  readonly context: QuotaContext | null;
  readonly errorReason: QuotaErrorReason | null;
}

/** What names a quota wherever it is shown: the same in every target. */
export type QuotaIdentity = Pick<
  Quota,
  'serviceCode' | 'serviceName' | 'quotaCode' | 'quotaName' | 'unit' | 'global'
>;

/** Just the identity of a quota (or of anything carrying one). */
export function identityOf(q: QuotaIdentity): QuotaIdentity {
  return {
    serviceCode: q.serviceCode,
    serviceName: q.serviceName,
    quotaCode: q.quotaCode,
    quotaName: q.quotaName,
    unit: q.unit,
    global: q.global,
  };
}

/** A failure recorded on a snapshot instead of stopping the sweep. */
export interface CollectError {
  /** `target` when nothing could be read, `service` for one service, `usage` for the usage read. */
  readonly scope: 'target' | 'service' | 'usage';
  readonly serviceCode: string | null;
  /** AWS's error name (AccessDeniedException…) or headroom's code. */
  readonly code: string;
  /** One line: what failed, where. */
  readonly message: string;
  /** What to do about it, when headroom knows. */
  readonly hint?: string | undefined;
}

/**
 * How one collector did on one run (node_exporter's per-collector success and duration):
 * `limits` (Service Quotas), `usage` (CloudWatch or the utilization report), a usage counter by
 * its service code (`ec2`, `elasticloadbalancing`…), or `inventory` (account discovery,
 * fleet-wide).
 */
export interface CollectorOutcome {
  readonly collector: string;
  readonly success: boolean;
  readonly durationMs: number;
  /** When it finished. */
  readonly at: Date;
  /** The first failure, when it failed. */
  readonly error?: CollectError | undefined;
}

/** Every quota of a target at one moment, with what could not be read. */
export interface LimitSnapshot {
  readonly target: Target;
  readonly collectedAt: Date;
  /** True when every service was read; false when any error is recorded. */
  readonly complete: boolean;
  readonly quotas: readonly Quota[];
  readonly errors: readonly CollectError[];
}

/**
 * `cloudwatch`: GetMetricData on each quota's usage metric; `utilization-report`: Service Quotas'
 * quota utilization report (usage = utilization × applied value).
 */
export type UsageSource = 'cloudwatch' | 'utilization-report';

/**
 * Where one sample came from: the snapshot's source, or `counter` when a usage counter
 * (src/services/) counted the resources itself because AWS gives no usage metric for the quota,
 * or gave no value, or the quota applies per resource.
 */
export type SampleSource = UsageSource | 'counter';

/** The usage of one quota over a window: its peak, normalised to the quota's period for rates. */
export interface UsageSample {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly value: number;
  /** The time of the peak value, when the source gives one. */
  readonly observedAt: Date | null;
  /**
   * The resource the usage is of, for quotas that apply per resource (listeners per load balancer:
   * the load balancer's ARN or name); absent for the quota as a whole.
   */
  readonly resource?: string | undefined;
  /** Absent: the snapshot's source. */
  readonly source?: SampleSource | undefined;
}

/** Every usage sample of a target read in one go, with the source chosen and what failed. */
export interface UsageSnapshot {
  readonly target: Target;
  readonly collectedAt: Date;
  readonly source: UsageSource;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly complete: boolean;
  readonly samples: readonly UsageSample[];
  readonly errors: readonly CollectError[];
}

/** Service Quotas' ServiceCode and QuotaCode patterns (the API's field constraints). */
export const SERVICE_CODE_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,63}$/;
export const QUOTA_CODE_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,128}$/;

/** `SERVICE/CODE` (as `quotaKey` writes it) read back, or null when it is not one. */
export function splitQuotaKey(text: string): { serviceCode: string; quotaCode: string } | null {
  const [serviceCode = '', quotaCode = '', ...rest] = text.split('/');
  if (rest.length > 0 || !SERVICE_CODE_PATTERN.test(serviceCode) || !QUOTA_CODE_PATTERN.test(quotaCode)) {
    return null;
  }
  return { serviceCode, quotaCode };
}

export function quotaKey(quota: { serviceCode: string; quotaCode: string }): string {
  return `${quota.serviceCode}/${quota.quotaCode}`;
}

/** Usage as a fraction of the limit (0–1, may exceed 1); null when either side is unknown or the limit is 0. */
export function utilization(value: number | null | undefined, limit: number | null): number | null {
  if (value === null || value === undefined || limit === null || limit <= 0) return null;
  return value / limit;
}

const SECONDS: Record<PeriodUnit, number> = {
  MICROSECOND: 1e-6,
  MILLISECOND: 1e-3,
  SECOND: 1,
  MINUTE: 60,
  HOUR: 3600,
  DAY: 86_400,
  WEEK: 604_800,
};

export function periodSeconds(period: QuotaPeriod): number {
  return period.value * SECONDS[period.unit];
}

/**
 * One row per quota, in order: a quota with resource-level rows (several of one quota code) is
 * stood for by its first, the account-level one.
 */
export function firstOfEachQuota<Q extends { serviceCode: string; quotaCode: string }>(
  quotas: readonly Q[],
): Q[] {
  const seen = new Set<string>();
  return quotas.filter((q) => {
    const key = quotaKey(q);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Per quota key, the sample that stands for the quota: its own value, else its busiest resource's. */
export function usageByQuota(samples: readonly UsageSample[]): Map<string, UsageSample> {
  const chosen = new Map<string, UsageSample>();
  for (const sample of samples) {
    const key = quotaKey(sample);
    const held = chosen.get(key);
    if (
      !held ||
      (held.resource !== undefined && (sample.resource === undefined || sample.value > held.value))
    ) {
      chosen.set(key, sample);
    }
  }
  return chosen;
}
