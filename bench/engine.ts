/**
 * The policy engine's benchmark: one pass over a store holding a fleet of 100 accounts × 2
 * regions (1,000 quotas a target, usage for 300 of them, uniform in [0, limit]: about 12,000
 * quotas above an 80% warning), side by side in interleaved rounds with `latestSnapshots()`, the
 * one store read a pass starts from. `headroom serve` runs this pass after every collection.
 *
 *  - a dry run (decide everything, write nothing);
 *  - the first real pass under `alert_only` (every quota above warning enters its band: a state,
 *    an evaluation and a decision entry each, all hash-chained, and the alerts to the outbox);
 *  - a steady pass after it (nothing changed: alerts are not repeated, nothing is written).
 *
 * No channel is configured and no rule acts, so nothing calls AWS (the endpoint listens nowhere).
 */
import { verifyAudit } from '../src/audit/verify.js';
import { engineDeps } from '../src/app/engine-deps.js';
import { runEngine } from '../src/engine/run.js';
import { DEFAULT_API_BENCH, openBenchContext } from './api.js';
import { fillMetricsScenario, median, type MetricsBenchOptions } from './metrics.js';

export async function benchEngine(
  options: MetricsBenchOptions = DEFAULT_API_BENCH,
): Promise<Record<string, unknown>> {
  const { ctx, close } = await openBenchContext('engine', options, [
    'engine:',
    '  defaults: {level: alert_only}',
  ]);
  try {
    await fillMetricsScenario(ctx.store, options);
    const targets = await ctx.targets();
    const deps = engineDeps(ctx);
    const pass = (dryRun: boolean) => runEngine(deps, { dryRun, targets, operator: 'bench' });
    const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
      const start = performance.now();
      const value = await work();
      return { ms: performance.now() - start, value };
    };

    const read: number[] = [];
    const dry: number[] = [];
    let decided = 0;
    let evaluated = 0;
    for (let round = 0; round < options.rounds; round++) {
      read.push((await timed(() => ctx.store.latestSnapshots())).ms);
      const run = await timed(() => pass(true));
      dry.push(run.ms);
      evaluated = run.value.evaluated;
      decided = run.value.counts.alert;
    }
    const first = await timed(() => pass(false));
    const steady: number[] = [];
    const steadyRead: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      steadyRead.push((await timed(() => ctx.store.latestSnapshots())).ms);
      steady.push((await timed(() => pass(false))).ms);
    }
    const verify = await timed(() => verifyAudit(ctx.store));
    const readMs = median([...read, ...steadyRead]);
    const round1 = (n: number) => Math.round(n * 10) / 10;
    return {
      scenario: {
        targets: targets.length,
        quotas: options.accounts * options.regions.length * options.quotasPerTarget,
        quotasWithUsage: evaluated,
        aboveWarning: decided,
        rounds: options.rounds,
      },
      storeReadMs: round1(readMs),
      dryRunMs: round1(median(dry)),
      dryRunVsRead: round1(median(dry) / readMs),
      firstPassMs: round1(first.ms),
      firstPassVsRead: round1(first.ms / readMs),
      firstPassWrote: { auditEntries: first.value.audited, alerts: first.value.counts.alert },
      steadyPassMs: round1(median(steady)),
      steadyPassVsRead: round1(median(steady) / readMs),
      auditVerify: { entries: verify.value.entries, ok: verify.value.ok, ms: round1(verify.ms) },
    };
  } finally {
    await close();
  }
}
