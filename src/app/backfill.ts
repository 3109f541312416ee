/**
 * The job behind `headroom collect --backfill 14d`: each target's usage history read back from
 * CloudWatch (hourly peaks) into the store, before the oldest reading stored in that stretch, so
 * it never stores an hour twice and running it again adds nothing.
 */
import { type Backfill, readUsageBackfill } from '../collect/backfill.js';
import type { SweepTarget } from '../collect/sweep.js';
import type { CollectError } from '../domain/quota.js';
import type { Context } from './context.js';

export interface BackfillResult {
  readonly target: SweepTarget;
  /** Hours stored. */
  readonly hours: number;
  readonly quotas: number;
  readonly skipped: number;
  readonly errors: readonly CollectError[];
  /** Why nothing was read, when nothing was. */
  readonly note: string | null;
}

const HOUR = 3_600_000;

export async function backfillUsage(
  ctx: Context,
  request: { specs: readonly string[]; services: readonly string[]; days: number; now?: Date },
): Promise<BackfillResult[]> {
  const now = request.now ?? new Date();
  const start = new Date(Math.floor((now.getTime() - request.days * 24 * HOUR) / HOUR) * HOUR);
  const targets = request.specs.length > 0 ? await ctx.resolveTargets(request.specs) : await ctx.targets();
  const results: BackfillResult[] = [];
  for (const target of targets) {
    const empty = (note: string): BackfillResult => ({
      target,
      hours: 0,
      quotas: 0,
      skipped: 0,
      errors: [],
      note,
    });
    const limits = await ctx.store.latestLimitSnapshot(target.target);
    if (limits === undefined) {
      results.push(empty('no limits stored: nothing to backfill'));
      continue;
    }
    const quotas = limits.quotas.filter(
      (q) => request.services.length === 0 || request.services.includes(q.serviceCode),
    );
    // Only before the oldest reading already stored in the stretch.
    let end = now;
    for (const points of (await ctx.store.usageHistories(target.target, start)).values()) {
      const first = points[0];
      if (first !== undefined && first.at < end) end = first.at;
    }
    const found: Backfill = await readUsageBackfill(
      ctx.session.cloudWatch(target.target),
      target.target,
      quotas,
      { start, end },
      ctx.session.endpoint,
    );
    for (const snapshot of found.snapshots) await ctx.store.saveUsageSnapshot(snapshot);
    results.push({
      target,
      hours: found.snapshots.length,
      quotas: found.quotas,
      skipped: found.skipped,
      errors: found.errors,
      note: end.getTime() - start.getTime() < HOUR ? 'history is stored for the whole stretch already' : null,
    });
  }
  return results;
}
