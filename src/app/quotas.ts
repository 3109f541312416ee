/**
 * The jobs behind `headroom collect`, `headroom quotas`, `headroom targets` and `headroom cache`,
 * as functions of a Context, so the CLI and (later) the HTTP API call the same code.
 */
import { type SweepResult, type SweepTarget, type TargetResult, sweep } from '../collect/sweep.js';
import {
  type LimitSnapshot,
  quotaKey,
  type UsageSnapshot,
  usageByQuota,
  utilization,
} from '../domain/quota.js';
import { compareTargets, type Target, targetKey } from '../domain/target.js';
import type { CacheEntry } from '../storage/port.js';
import type { Context } from './context.js';

export interface CollectRequest {
  /** `--target` values; empty means every configured target. */
  readonly targets: readonly string[];
  /** `--service` values; empty means the config's include/exclude. */
  readonly services: readonly string[];
  readonly refresh: boolean;
  readonly onStart?: (targets: readonly SweepTarget[]) => void;
  readonly onTarget?: (result: TargetResult) => void;
}

export async function chooseTargets(ctx: Context, specs: readonly string[]): Promise<SweepTarget[]> {
  return specs.length > 0 ? ctx.resolveTargets(specs) : ctx.targets();
}

/** Collects limits and usage for the chosen targets, through the cache. */
export async function collect(ctx: Context, request: CollectRequest): Promise<SweepResult> {
  const targets = await chooseTargets(ctx, request.targets);
  request.onStart?.(targets);
  return sweepTargets(ctx, targets, request);
}

/** Sweeps the given targets through the cache, with the config's settings. */
export async function sweepTargets(
  ctx: Context,
  targets: readonly SweepTarget[],
  request: {
    readonly services?: readonly string[];
    readonly refresh: boolean;
    readonly onTarget?: (result: TargetResult) => void;
    /** Cache TTLs other than the config's (`headroom serve`'s jobs). */
    readonly limitsTtlMs?: number;
    readonly usageTtlMs?: number;
    /** Targets beside these that each account's global home is chosen among (see SweepOptions). */
    readonly homesAmong?: readonly SweepTarget[];
  },
): Promise<SweepResult> {
  const { config } = ctx;
  const services = request.services ?? [];
  return sweep(ctx.session, ctx.store, {
    targets,
    filter:
      services.length > 0
        ? { include: services, exclude: [] }
        : { include: config.services.include, exclude: config.services.exclude },
    limitsTtlMs: request.limitsTtlMs ?? config.cache.limitsTtlMs,
    usageTtlMs: request.usageTtlMs ?? config.cache.usageTtlMs,
    refresh: request.refresh,
    ...(request.homesAmong ? { homesAmong: request.homesAmong.map((t) => t.target) } : {}),
    usage: {
      source: config.usage.source,
      windowMs: config.usage.windowMs,
      periodSeconds: config.usage.periodSeconds,
    },
    logger: ctx.logger,
    ...(request.onTarget ? { onTarget: request.onTarget } : {}),
  });
}

/** One quota of one target, as `headroom quotas` shows it. */
export interface QuotaRow {
  readonly accountId: string;
  readonly accountName: string | null;
  readonly region: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  /** The limit in force, and where it came from. */
  readonly limit: number | null;
  readonly limitSource: 'applied' | 'default';
  readonly defaultValue: number | null;
  readonly unit: string;
  readonly adjustable: boolean;
  readonly global: boolean;
  /** For a quota that applies per resource: the busiest resource's usage. */
  readonly usage: number | null;
  /** `cloudwatch`, `utilization-report`, or `counter` (counted by headroom's usage counters). */
  readonly usageSource: string | null;
  /** The busiest resource, for a quota that applies per resource; null otherwise. */
  readonly usageResource: string | null;
  /** Usage over limit, 0–1 (above 1 when over the limit). */
  readonly utilization: number | null;
  readonly limitsAt: Date;
  readonly usageAt: Date | null;
}

export type QuotaSort = 'utilization' | 'service' | 'name' | 'limit';

export interface QuotaQuery {
  readonly services: readonly string[];
  /** Only quotas that can be raised. */
  readonly adjustable: boolean;
  /** Only quotas whose limit differs from AWS's default. */
  readonly changed: boolean;
  /** Only quotas at or above this utilization, in percent. */
  readonly abovePercent: number | undefined;
  /** Only quotas whose name or code holds this text, case-insensitive. */
  readonly search?: string | undefined;
  readonly sort: QuotaSort;
}

export const QUOTA_SORTS: readonly QuotaSort[] = ['utilization', 'service', 'name', 'limit'];

function compareRows(sort: QuotaSort): (a: QuotaRow, b: QuotaRow) => number {
  const byTarget = (a: QuotaRow, b: QuotaRow) =>
    compareTargets(a, { accountId: b.accountId, region: b.region }) ||
    a.serviceCode.localeCompare(b.serviceCode) ||
    a.quotaCode.localeCompare(b.quotaCode);
  switch (sort) {
    case 'utilization':
      return (a, b) => (b.utilization ?? -1) - (a.utilization ?? -1) || byTarget(a, b);
    case 'limit':
      return (a, b) => (b.limit ?? -1) - (a.limit ?? -1) || byTarget(a, b);
    case 'name':
      return (a, b) => a.quotaName.localeCompare(b.quotaName) || byTarget(a, b);
    case 'service':
      return byTarget;
  }
}

/**
 * The quotas of one target's snapshots as rows, with usage, filtered by the query (unsorted).
 * A quota that applies per resource shows its busiest resource.
 */
export function rowsOfSnapshots(
  target: SweepTarget,
  limits: LimitSnapshot,
  usage: UsageSnapshot | undefined,
  query: Omit<QuotaQuery, 'sort'>,
): QuotaRow[] {
  const samples = usageByQuota(usage?.samples ?? []);
  const search = query.search?.trim().toLowerCase() ?? '';
  const rows: QuotaRow[] = [];
  for (const q of limits.quotas) {
    if (query.services.length > 0 && !query.services.includes(q.serviceCode)) continue;
    if (
      search !== '' &&
      !q.quotaName.toLowerCase().includes(search) &&
      !q.quotaCode.toLowerCase().includes(search)
    )
      continue;
    if (query.adjustable && !q.adjustable) continue;
    if (query.changed && (q.source !== 'applied' || q.value === q.defaultValue)) continue;
    const sample = samples.get(quotaKey(q));
    const ratio = utilization(sample?.value, q.value);
    if (query.abovePercent !== undefined && (ratio === null || ratio * 100 < query.abovePercent)) continue;
    rows.push({
      accountId: target.target.accountId,
      accountName: target.accountName,
      region: target.target.region,
      serviceCode: q.serviceCode,
      serviceName: q.serviceName,
      quotaCode: q.quotaCode,
      quotaName: q.quotaName,
      limit: q.value,
      limitSource: q.source,
      defaultValue: q.defaultValue,
      unit: q.unit,
      adjustable: q.adjustable,
      global: q.global,
      usage: sample?.value ?? null,
      usageSource: sample ? (sample.source ?? usage?.source ?? null) : null,
      usageResource: sample?.resource ?? null,
      utilization: ratio,
      limitsAt: limits.collectedAt,
      usageAt: sample ? (usage?.collectedAt ?? null) : null,
    });
  }
  return rows;
}

/** The stored quotas of the targets, with usage, filtered and sorted; targets with nothing stored listed apart. */
export async function quotaRows(
  ctx: Context,
  targets: readonly SweepTarget[],
  query: QuotaQuery,
): Promise<{ rows: QuotaRow[]; missing: Target[] }> {
  const rows: QuotaRow[] = [];
  const missing: Target[] = [];
  for (const target of targets) {
    const limits = await ctx.store.latestLimitSnapshot(target.target);
    if (!limits) {
      missing.push(target.target);
      continue;
    }
    const usage = await ctx.store.latestUsageSnapshot(target.target);
    rows.push(...rowsOfSnapshots(target, limits, usage, query));
  }
  return { rows: rows.sort(compareRows(query.sort)), missing };
}

/** Configured targets with what is cached for each. */
export async function targetsWithCache(
  ctx: Context,
): Promise<{ target: SweepTarget; cache: CacheEntry | undefined }[]> {
  const targets = await ctx.targets();
  const entries = new Map((await ctx.store.cacheEntries()).map((e) => [targetKey(e.target), e]));
  return targets
    .map((t) => ({ target: t, cache: entries.get(targetKey(t.target)) }))
    .sort((a, b) => compareTargets(a.target.target, b.target.target));
}

/**
 * Forgets cached limits and usage: of the given targets, or of every target (and every region's
 * defaults) when none are given. Usage history stays unless `history`. Returns the snapshots removed.
 */
export async function clearCache(
  ctx: Context,
  options: { targets?: readonly SweepTarget[] | undefined; history: boolean },
): Promise<number> {
  if (options.targets === undefined) return ctx.store.clearCache({ history: options.history });
  let removed = 0;
  for (const target of options.targets) {
    removed += await ctx.store.clearCache({ target: target.target, history: options.history });
  }
  return removed;
}
