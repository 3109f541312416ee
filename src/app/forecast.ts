/**
 * The job behind `headroom forecast`: each stored quota's usage forecast from its history, with
 * the time to exhaustion, for the chosen targets, services or one quota.
 */
import type { SweepTarget } from '../collect/sweep.js';
import { InputError, UsageError } from '../domain/errors.js';
import { firstOfEachQuota, quotaKey, splitQuotaKey } from '../domain/quota.js';
import { targetKey } from '../domain/target.js';
import { FORECAST_HISTORY_MS, type Forecast, forecastUsage } from '../forecast/forecast.js';
import type { Context } from './context.js';

export interface ForecastRow {
  readonly target: SweepTarget;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly unit: string;
  readonly limit: number | null;
  readonly forecast: Forecast;
}

export interface ForecastRequest {
  readonly specs: readonly string[];
  readonly services: readonly string[];
  /** SERVICE/CODE: one quota. */
  readonly quota?: string | undefined;
  readonly horizonMs: number;
  readonly now?: Date;
}

/** Every quota with usage history in the targets (forecast or why not), soonest exhaustion first. */
export async function forecastQuotas(ctx: Context, request: ForecastRequest): Promise<ForecastRow[]> {
  let quota: { serviceCode: string; quotaCode: string } | undefined;
  if (request.quota !== undefined) {
    const found = splitQuotaKey(request.quota);
    if (found === null) {
      throw new UsageError(`--quota '${request.quota}' is not SERVICE/QUOTA_CODE`, {
        hint: 'write it as ec2/L-1216C47A (see `headroom quotas` for codes)',
      });
    }
    quota = found;
  }
  const targets = request.specs.length > 0 ? await ctx.resolveTargets(request.specs) : await ctx.targets();
  const now = request.now ?? new Date();
  const rows: ForecastRow[] = [];
  for (const target of targets) {
    const limits = await ctx.store.latestLimitSnapshot(target.target);
    if (limits === undefined) continue;
    const histories = await ctx.store.usageHistories(
      target.target,
      new Date(now.getTime() - FORECAST_HISTORY_MS),
    );
    for (const q of firstOfEachQuota(limits.quotas)) {
      const key = quotaKey(q);
      if (quota && (q.serviceCode !== quota.serviceCode || q.quotaCode !== quota.quotaCode)) continue;
      if (request.services.length > 0 && !request.services.includes(q.serviceCode)) continue;
      const history = histories.get(key) ?? [];
      if (history.length === 0 && !quota) continue;
      rows.push({
        target,
        serviceCode: q.serviceCode,
        quotaCode: q.quotaCode,
        quotaName: q.quotaName,
        unit: q.unit,
        limit: q.value,
        forecast: forecastUsage(history, { horizonMs: request.horizonMs, limit: q.value, now }),
      });
    }
  }
  if (quota && rows.every((r) => r.forecast.status === 'insufficient' && r.forecast.points === 0)) {
    const where = targets.map((t) => targetKey(t.target)).join(', ');
    throw new InputError(
      'HR_FORECAST_NO_HISTORY',
      `no usage history is stored for ${request.quota ?? ''} in ${rows.length === 0 ? 'any target with its limits stored' : where}`,
      {
        hint: 'collect its usage over at least 12 hours first (`headroom serve` does hourly); `headroom quotas` shows which quotas have usage',
      },
    );
  }
  const exhaustion = (r: ForecastRow) =>
    r.forecast.status === 'ok' && r.forecast.exhaustion !== null ? r.forecast.exhaustion.getTime() : Infinity;
  const upper = (r: ForecastRow) => (r.forecast.status === 'ok' ? (r.forecast.utilization?.upper ?? -1) : -2);
  return rows.sort((a, b) => exhaustion(a) - exhaustion(b) || upper(b) - upper(a));
}
