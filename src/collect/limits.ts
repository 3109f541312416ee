/**
 * Limits from Service Quotas, with as few calls as pagination allows:
 *
 * - per region, once for every account there: ListServices and, per service,
 *   ListAWSDefaultServiceQuotas (AWS's defaults do not depend on the account);
 * - per target: ListServiceQuotas per service, 100 per page, merged with the defaults by quota
 *   code. ListServiceQuotas leaves out quotas with no applied value, so a quota seen only in the
 *   defaults keeps its default value.
 * - Global quotas are recorded once per account, in its home target; elsewhere, services whose
 *   quotas are all global are not called at all.
 *
 * Never one GetServiceQuota per quota. A service that fails is recorded with its error and the
 * rest go on.
 */
import {
  type MetricInfo,
  ListAWSDefaultServiceQuotasCommand,
  ListServiceQuotasCommand,
  ListServicesCommand,
  type ServiceQuota,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { groupBy } from '../domain/collections.js';
import type { CollectError, LimitSnapshot, Quota, UsageMetric } from '../domain/quota.js';
import type { Target } from '../domain/target.js';
import type { DefaultsSnapshot } from '../storage/port.js';
import { describeFailure } from '../aws/errors.js';
import { LANES_PER_TARGET, lanes } from './lanes.js';
import { withRetry } from './retry.js';

/** The IAM actions reading limits calls. */
export const LIMITS_IAM_ACTIONS = [
  'servicequotas:ListServices',
  'servicequotas:ListServiceQuotas',
  'servicequotas:ListAWSDefaultServiceQuotas',
] as const;

/** Service Quotas' largest page. */
export const PAGE_SIZE = 100;

export interface ServiceFilter {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export function serviceSelected(serviceCode: string, filter: ServiceFilter): boolean {
  if (filter.include.length > 0 && !filter.include.includes(serviceCode)) return false;
  return !filter.exclude.includes(serviceCode);
}

interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/** Every page of a NextToken listing, each page retried on throttling and faults. */
async function readAll<T>(fetchPage: (token: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await withRetry(() => fetchPage(token));
    items.push(...page.items);
    token = page.nextToken;
  } while (token !== undefined);
  return items;
}

/** Every quota of a service: its applied values (ListServiceQuotas) or AWS's defaults. */
function listQuotas(
  client: ServiceQuotasClient,
  serviceCode: string,
  which: Quota['source'],
): Promise<ServiceQuota[]> {
  return readAll(async (token) => {
    const input = { ServiceCode: serviceCode, MaxResults: PAGE_SIZE, NextToken: token };
    const out = await client.send(
      which === 'applied'
        ? new ListServiceQuotasCommand(input)
        : new ListAWSDefaultServiceQuotasCommand(input),
    );
    return { items: out.Quotas ?? [], nextToken: out.NextToken };
  });
}

const PERIOD_UNITS = new Set<string>([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'WEEK',
]);
const LEVELS = new Set<string>(['ACCOUNT', 'RESOURCE', 'ALL']);

/**
 * One copy of each name, unit and metric across every target: a sweep holds thousands of
 * quotas per target for hundreds of targets at once, and JSON parsing gives every repeat its own
 * string. Shared copies keep the heap (and the garbage collector's work) several times smaller.
 */
const interned = new Map<string, string>();
function intern(text: string | undefined): string {
  if (text === undefined) return '';
  const known = interned.get(text);
  if (known !== undefined) return known;
  interned.set(text, text);
  return text;
}

const metrics = new Map<string, UsageMetric>();
function sharedMetric(metric: MetricInfo | undefined): UsageMetric | null {
  if (metric?.MetricName === undefined || metric.MetricNamespace === undefined) return null;
  const dimensions = Object.entries(metric.MetricDimensions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const statistic = metric.MetricStatisticRecommendation === 'Sum' ? 'Sum' : 'Maximum';
  const key = JSON.stringify([metric.MetricNamespace, metric.MetricName, dimensions, statistic]);
  let shared = metrics.get(key);
  if (!shared) {
    shared = Object.freeze({
      namespace: intern(metric.MetricNamespace),
      name: intern(metric.MetricName),
      dimensions: Object.freeze(Object.fromEntries(dimensions.map(([k, v]) => [intern(k), intern(v)]))),
      statistic,
    });
    metrics.set(key, shared);
  }
  return shared;
}

/** A Service Quotas ServiceQuota as headroom's Quota; `value` is the listed Value, if any. */
export function toQuota(q: ServiceQuota, source: Quota['source']): Quota {
  const period = q.Period;
  return {
    serviceCode: intern(q.ServiceCode),
    serviceName: intern(q.ServiceName),
    quotaCode: intern(q.QuotaCode),
    quotaName: intern(q.QuotaName),
    quotaArn: q.QuotaArn ?? null,
    value: q.Value ?? null,
    source,
    defaultValue: source === 'default' ? (q.Value ?? null) : null,
    unit: intern(q.Unit ?? 'None'),
    adjustable: q.Adjustable ?? false,
    global: q.GlobalQuota ?? false,
    usageMetric: sharedMetric(q.UsageMetric),
    period:
      period?.PeriodValue !== undefined &&
      period.PeriodUnit !== undefined &&
      PERIOD_UNITS.has(period.PeriodUnit)
        ? { value: period.PeriodValue, unit: period.PeriodUnit }
        : null,
    appliedAtLevel:
      q.QuotaAppliedAtLevel !== undefined && LEVELS.has(q.QuotaAppliedAtLevel) ? q.QuotaAppliedAtLevel : null,
    context: q.QuotaContext
      ? {
          scope: q.QuotaContext.ContextScope ?? '',
          scopeType: q.QuotaContext.ContextScopeType ?? null,
          contextId: q.QuotaContext.ContextId ?? null,
        }
      : null,
    errorReason: q.ErrorReason
      ? { code: q.ErrorReason.ErrorCode ?? '', message: q.ErrorReason.ErrorMessage ?? '' }
      : null,
  };
}

function serviceError(
  serviceCode: string | null,
  error: unknown,
  action: string,
  where: string,
  endpoint: string | undefined,
): CollectError {
  return {
    scope: serviceCode === null ? 'target' : 'service',
    serviceCode,
    ...describeFailure(error, {
      action: `servicequotas:${action}${serviceCode === null ? '' : ` (${serviceCode})`}`,
      where,
      endpoint,
    }),
  };
}

/**
 * AWS's defaults of one region, read once for every account there, service by service. Targets
 * do not wait for the whole region: each service's defaults are a promise of their own, so a
 * target's ListServiceQuotas calls run alongside the defaults, in the same order, at the same rate.
 */
export interface RegionDefaults {
  readonly region: string;
  /** Every service ListServices gives. */
  readonly services: Promise<readonly { serviceCode: string; serviceName: string }[]>;
  /** Services the filter leaves out (their defaults are not read). */
  readonly unread: Promise<readonly string[]>;
  /** The default quotas of one service; rejects when they could not be read. */
  defaultsOf(serviceCode: string): Promise<readonly Quota[]>;
  /** The whole region, once every service is settled. */
  readonly snapshot: Promise<DefaultsSnapshot>;
}

/** Region defaults from a stored snapshot. */
export function storedRegionDefaults(stored: DefaultsSnapshot): RegionDefaults {
  const by = groupByService(stored.quotas);
  const failed = new Map(stored.failedServices.map((e) => [e.serviceCode ?? '', e]));
  return {
    region: stored.region,
    services: Promise.resolve(stored.services),
    unread: Promise.resolve(stored.unread),
    defaultsOf: (code) => {
      const error = failed.get(code);
      return error ? Promise.reject(new RecordedFailure(error)) : Promise.resolve(by.get(code) ?? []);
    },
    snapshot: Promise.resolve(stored),
  };
}

/**
 * A failure already recorded as a CollectError, raised so a caller can stop on it and record it
 * as it is: a service's defaults that a stored snapshot says failed, or a target where no
 * service answered.
 */
export class RecordedFailure extends Error {
  readonly failure: CollectError;

  constructor(failure: CollectError) {
    super(failure.message);
    this.name = failure.code;
    this.failure = failure;
  }
}

function groupByService(quotas: readonly Quota[]): Map<string, Quota[]> {
  return groupBy(quotas, (q) => q.serviceCode);
}

/** Starts reading a region's services and defaults; rejects (`services`) only if ListServices fails. */
export function readRegionDefaults(
  client: ServiceQuotasClient,
  region: string,
  filter: ServiceFilter,
  options: { now?: () => Date; endpoint?: string | undefined } = {},
): RegionDefaults {
  const now = options.now ?? (() => new Date());
  const lane = lanes(LANES_PER_TARGET);
  const services = readAll(async (token) => {
    const out = await client.send(new ListServicesCommand({ MaxResults: PAGE_SIZE, NextToken: token }));
    return {
      items: (out.Services ?? []).map((s) => ({
        serviceCode: s.ServiceCode ?? '',
        serviceName: s.ServiceName ?? '',
      })),
      nextToken: out.NextToken,
    };
  });
  const perService = services.then(
    (list) =>
      new Map(
        list
          .filter((s) => serviceSelected(s.serviceCode, filter))
          .map(({ serviceCode }) => [
            serviceCode,
            lane(() => listQuotas(client, serviceCode, 'default')).then((listed) =>
              listed.map((q) => toQuota(q, 'default')),
            ),
          ]),
      ),
  );
  // Every promise here is consumed later (defaultsOf, the snapshot); none may count as unhandled meanwhile.
  perService.then(
    (reads) => {
      for (const read of reads.values()) read.catch(() => undefined);
    },
    () => undefined,
  );
  const unread = services.then((list) =>
    list.filter((s) => !serviceSelected(s.serviceCode, filter)).map((s) => s.serviceCode),
  );
  unread.catch(() => undefined);
  const snapshot = (async (): Promise<DefaultsSnapshot> => {
    const list = await services;
    const reads = await perService;
    const quotas: Quota[] = [];
    const failed: CollectError[] = [];
    for (const [serviceCode, read] of reads) {
      try {
        quotas.push(...(await read));
      } catch (error) {
        failed.push(
          serviceError(serviceCode, error, 'ListAWSDefaultServiceQuotas', region, options.endpoint),
        );
      }
    }
    return {
      region,
      collectedAt: now(),
      services: list,
      unread: await unread,
      quotas: sortQuotas(quotas),
      complete: failed.length === 0,
      failedServices: failed,
    };
  })();
  // Failures are read through `defaultsOf` and the snapshot; never left unhandled here.
  snapshot.catch(() => undefined);
  return {
    region,
    services,
    unread,
    defaultsOf: async (code) => {
      const read = (await perService).get(code);
      return read ?? [];
    },
    snapshot,
  };
}

function sortQuotas(quotas: Quota[]): Quota[] {
  return quotas.sort(
    (a, b) => a.serviceCode.localeCompare(b.serviceCode) || a.quotaCode.localeCompare(b.quotaCode),
  );
}

/**
 * Merges a service's applied quotas with its defaults: applied values win; a quota only in the
 * defaults keeps its default value; a listed quota with no Value (an ErrorReason) falls back to
 * the default and keeps the reason.
 */
export function mergeQuotas(defaults: readonly Quota[], applied: readonly Quota[]): Quota[] {
  const byCode = new Map(defaults.map((d) => [d.quotaCode, d]));
  const merged = new Map<string, Quota>();
  for (const d of defaults) merged.set(d.quotaCode, d);
  for (const a of applied) {
    const d = byCode.get(a.quotaCode);
    const defaultValue = d?.defaultValue ?? null;
    merged.set(a.quotaCode, {
      ...a,
      // Some fields are on one listing only in older models; take whichever side has them.
      usageMetric: a.usageMetric ?? d?.usageMetric ?? null,
      period: a.period ?? d?.period ?? null,
      value: a.value ?? defaultValue,
      source: a.value === null ? 'default' : 'applied',
      defaultValue,
    });
  }
  return [...merged.values()];
}

/**
 * Whether a target calls ListServiceQuotas for a service, given its defaults: not when the service
 * has no quotas at all, nor, outside the account's home target, when all its quotas are global.
 */
export function needsRead(defaults: readonly Quota[], globalHome: boolean): boolean {
  if (defaults.length === 0) return false;
  return globalHome || defaults.some((q) => !q.global);
}

/** Every quota of one target. `globalHome`: this target records the account's global quotas. */
export async function readTargetLimits(
  client: ServiceQuotasClient,
  target: Target,
  defaults: RegionDefaults,
  options: { globalHome: boolean; filter: ServiceFilter; now?: () => Date; endpoint?: string | undefined },
): Promise<LimitSnapshot> {
  const now = options.now ?? (() => new Date());
  const where = `${target.accountId}:${target.region}`;
  const unread = new Set(await defaults.unread);
  const wanted = (await defaults.services)
    .map((s) => s.serviceCode)
    .filter((code) => !unread.has(code) && serviceSelected(code, options.filter));
  const quotas: Quota[] = [];
  const errors: CollectError[] = [];
  let attempted = 0;
  const lane = lanes(LANES_PER_TARGET);
  await Promise.all(
    wanted.map((serviceCode) =>
      lane(async () => {
        let known: readonly Quota[] | undefined;
        try {
          known = await defaults.defaultsOf(serviceCode);
        } catch (error) {
          // Without defaults we cannot tell what the service holds: ask, and say the defaults are missing.
          const failure =
            error instanceof RecordedFailure
              ? error.failure
              : serviceError(
                  serviceCode,
                  error,
                  'ListAWSDefaultServiceQuotas',
                  target.region,
                  options.endpoint,
                );
          errors.push({ ...failure, message: `defaults unavailable: ${failure.message}` });
        }
        if (known && !needsRead(known, options.globalHome)) return;
        attempted++;
        try {
          const applied = await listQuotas(client, serviceCode, 'applied');
          const merged = mergeQuotas(
            known ?? [],
            applied.map((q) => toQuota(q, 'applied')),
          );
          quotas.push(...merged.filter((q) => options.globalHome || !q.global));
        } catch (error) {
          errors.push(serviceError(serviceCode, error, 'ListServiceQuotas', where, options.endpoint));
        }
      }),
    ),
  );
  const failedServices = new Set(errors.map((e) => e.serviceCode));
  if (quotas.length === 0 && attempted > 0 && failedServices.size >= attempted) {
    // Nothing at all could be read: the target is down, not partial.
    throw new RecordedFailure(
      errors[0] ??
        serviceError(null, new Error('no service answered'), 'ListServiceQuotas', where, options.endpoint),
    );
  }
  return {
    target,
    collectedAt: now(),
    complete: errors.length === 0,
    quotas: sortQuotas(quotas),
    errors: errors.sort((a, b) => (a.serviceCode ?? '').localeCompare(b.serviceCode ?? '')),
  };
}
