/**
 * The fleet at a glance, for the dashboard's first page: every configured target with how close
 * its quotas are to their limits, worst headroom first, and the quotas above a threshold across
 * the fleet. Read from the store in one pass; never calls AWS (the scheduler keeps it fresh).
 */
import type { SweepTarget } from '../collect/sweep.js';
import { compareTargets, targetKey } from '../domain/target.js';
import type { Context } from './context.js';
import { type QuotaRow, rowsOfSnapshots } from './quotas.js';

export interface OverviewQuery {
  /** Percent of the limit at which a quota counts as above. */
  readonly thresholdPercent: number;
  /** An account id or name. */
  readonly account?: string | undefined;
  readonly region?: string | undefined;
  readonly service?: string | undefined;
  /** Part of a quota's name or code, case-insensitive. */
  readonly search?: string | undefined;
  /** At most this many quotas above the threshold are listed (all are counted). */
  readonly maxQuotas: number;
}

export interface OverviewTarget {
  readonly target: SweepTarget;
  /** Quotas matching the filters. */
  readonly quotas: number;
  readonly withUsage: number;
  readonly above: number;
  /** The matching quota with the highest utilization; null when none has usage. */
  readonly worst: QuotaRow | null;
  readonly limitsAt: Date | null;
  readonly usageAt: Date | null;
}

export interface Overview {
  /** Worst headroom first (highest utilization), then most quotas above; targets with nothing stored last. */
  readonly targets: readonly OverviewTarget[];
  /** Quotas at or above the threshold, highest utilization first (at most `maxQuotas`). */
  readonly quotas: readonly QuotaRow[];
  /** How many quotas are at or above the threshold in all. */
  readonly quotasTotal: number;
  readonly choices: {
    readonly accounts: readonly { id: string; name: string | null }[];
    readonly regions: readonly string[];
    readonly services: readonly string[];
  };
}

function byUtilization(a: QuotaRow, b: QuotaRow): number {
  return (
    (b.utilization ?? -1) - (a.utilization ?? -1) ||
    compareTargets(a, b) ||
    a.serviceCode.localeCompare(b.serviceCode) ||
    a.quotaCode.localeCompare(b.quotaCode)
  );
}

export async function fleetOverview(ctx: Context, query: OverviewQuery): Promise<Overview> {
  const configured = await ctx.targets();
  const stored = new Map((await ctx.store.latestSnapshots()).map((s) => [targetKey(s.target), s]));
  const accountWanted = (t: SweepTarget) =>
    query.account === undefined ||
    query.account === '' ||
    t.target.accountId === query.account ||
    t.accountName === query.account;

  const services = new Set<string>();
  const targets: OverviewTarget[] = [];
  const above: QuotaRow[] = [];
  for (const target of configured) {
    const snapshots = stored.get(targetKey(target.target));
    for (const q of snapshots?.limits?.quotas ?? []) services.add(q.serviceCode);
    if (!accountWanted(target)) continue;
    if (query.region !== undefined && query.region !== '' && target.target.region !== query.region) continue;
    const limits = snapshots?.limits;
    const rows = limits
      ? rowsOfSnapshots(target, limits, snapshots.usage, {
          services: query.service === undefined || query.service === '' ? [] : [query.service],
          adjustable: false,
          changed: false,
          abovePercent: undefined,
          search: query.search,
        })
      : [];
    let worst: QuotaRow | null = null;
    let withUsage = 0;
    let count = 0;
    for (const row of rows) {
      if (row.utilization === null) continue;
      withUsage++;
      if (worst === null || byUtilization(row, worst) < 0) worst = row;
      if (row.utilization * 100 >= query.thresholdPercent) {
        count++;
        above.push(row);
      }
    }
    targets.push({
      target,
      quotas: rows.length,
      withUsage,
      above: count,
      worst,
      limitsAt: limits?.collectedAt ?? null,
      usageAt: snapshots?.usage?.collectedAt ?? null,
    });
  }
  targets.sort(
    (a, b) =>
      Number(a.limitsAt === null) - Number(b.limitsAt === null) ||
      (b.worst?.utilization ?? -1) - (a.worst?.utilization ?? -1) ||
      b.above - a.above ||
      compareTargets(a.target.target, b.target.target),
  );
  above.sort(byUtilization);

  const accounts = new Map<string, string | null>();
  for (const t of configured) accounts.set(t.target.accountId, t.accountName);
  return {
    targets,
    quotas: above.slice(0, query.maxQuotas),
    quotasTotal: above.length,
    choices: {
      accounts: [...accounts].map(([id, name]) => ({ id, name })).sort((a, b) => a.id.localeCompare(b.id)),
      regions: [...new Set(configured.map((t) => t.target.region))].sort(),
      services: [...services].sort(),
    },
  };
}
