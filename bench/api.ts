/**
 * The dashboard API's benchmark: a store holding a fleet of 100 accounts × 2 regions (1,000
 * quotas a target, usage for 300 of them: 200,000 quotas), read through `headroom serve`'s own
 * app in-process, side by side in interleaved rounds with the plain store reads each answer
 * starts from:
 *
 *  - `GET /api/v1/fleet` (every target worst headroom first, the quotas above 80%) against
 *    `latestSnapshots()`, the one read it makes;
 *  - `GET /api/v1/targets/{target}/quotas` (one target's quotas) against reading that target's
 *    two snapshots, plain and gzipped (what a browser gets).
 *
 * The Context is a real one (a headroom.yaml naming the 100 accounts, an endpoint nothing listens
 * on: no answer here calls AWS).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Context, openContext } from '../src/app/context.js';
import { createMetrics } from '../src/metrics/exporter.js';
import { createApp } from '../src/server/app.js';
import { createSecurity, NO_AUTH } from '../src/server/security.js';
import { fillMetricsScenario, median, type MetricsBenchOptions } from './metrics.js';

export const DEFAULT_API_BENCH: MetricsBenchOptions = {
  accounts: 100,
  regions: ['us-east-1', 'eu-west-1'],
  quotasPerTarget: 1000,
  usagePerTarget: 300,
  rounds: 7,
};

export async function benchApi(
  options: MetricsBenchOptions = DEFAULT_API_BENCH,
): Promise<Record<string, unknown>> {
  const { ctx, accountIds, close } = await openBenchContext('api', options);
  try {
    const fillStart = performance.now();
    const targets = await fillMetricsScenario(ctx.store, options);
    const fillMs = performance.now() - fillStart;
    const security = createSecurity({ auth: NO_AUTH, operator: 'bench' });
    const app = createApp({
      metrics: createMetrics(ctx.store),
      store: ctx.store,
      status: () => ({ lastSweep: new Date(), sweeping: false, stopped: false }),
      security,
      api: {
        ctx,
        security,
        version: 'bench',
        refreshTargets: () => Promise.resolve('busy' as const),
      },
    });
    const target = { accountId: accountIds[0] ?? '', region: options.regions[0] ?? 'us-east-1' };
    const quotasPath = `/api/v1/targets/${target.accountId}:${target.region}/quotas`;
    const body = async (path: string, headers: Record<string, string> = {}) => {
      const response = await app.request(path, { headers });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    const fleetBytes = (await body('/api/v1/fleet')).byteLength;
    const quotasBytes = (await body(quotasPath)).byteLength;
    const quotasGzipBytes = (await body(quotasPath, { 'accept-encoding': 'gzip' })).byteLength;

    const timings = { storeRead: [] as number[], fleet: [] as number[], targetRead: [] as number[] };
    const more = { quotas: [] as number[], quotasGzip: [] as number[] };
    for (let round = 0; round < options.rounds; round++) {
      let start = performance.now();
      await ctx.store.latestSnapshots();
      timings.storeRead.push(performance.now() - start);
      start = performance.now();
      await body('/api/v1/fleet');
      timings.fleet.push(performance.now() - start);
      start = performance.now();
      await Promise.all([ctx.store.latestLimitSnapshot(target), ctx.store.latestUsageSnapshot(target)]);
      timings.targetRead.push(performance.now() - start);
      start = performance.now();
      await body(quotasPath);
      more.quotas.push(performance.now() - start);
      start = performance.now();
      await body(quotasPath, { 'accept-encoding': 'gzip' });
      more.quotasGzip.push(performance.now() - start);
    }
    const fleetMs = median(timings.fleet);
    const storeReadMs = median(timings.storeRead);
    const targetReadMs = median(timings.targetRead);
    return {
      scenario: { ...options, targets, quotas: targets * options.quotasPerTarget },
      fillMs,
      fleet: {
        bytes: fleetBytes,
        storeReadMedianMs: storeReadMs,
        apiMedianMs: fleetMs,
        apiOverStoreRead: fleetMs / storeReadMs,
      },
      targetQuotas: {
        quotas: options.quotasPerTarget,
        bytes: quotasBytes,
        gzipBytes: quotasGzipBytes,
        storeReadMedianMs: targetReadMs,
        apiMedianMs: median(more.quotas),
        apiGzipMedianMs: median(more.quotasGzip),
        apiOverStoreRead: median(more.quotas) / targetReadMs,
        apiGzipOverStoreRead: median(more.quotasGzip) / targetReadMs,
      },
    };
  } finally {
    await close();
  }
}

/**
 * A real Context over a fresh store in a temp directory, for the fleet the options describe: a
 * headroom.yaml naming its accounts (plus `extra` lines) and an endpoint nothing listens on, so
 * no benchmark calls AWS. `close` closes it and removes the directory.
 */
export async function openBenchContext(
  name: string,
  options: MetricsBenchOptions,
  extra: readonly string[] = [],
): Promise<{ ctx: Context; accountIds: string[]; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `headroom-bench-${name}-`));
  const accountIds = Array.from({ length: options.accounts }, (_, a) => String(100000000000 + a * 7));
  writeFileSync(
    join(dir, 'headroom.yaml'),
    [
      `home: ${dir}`,
      'aws:',
      '  endpoint: http://127.0.0.1:9',
      'log:',
      '  level: warn',
      `regions: [${options.regions.join(', ')}]`,
      'accounts:',
      ...accountIds.flatMap((id, a) => [`  - id: '${id}'`, `    name: account-${a}`]),
      ...extra,
      '',
    ].join('\n'),
  );
  const ctx = await openContext({
    configPath: join(dir, 'headroom.yaml'),
    env: { AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH0', AWS_SECRET_ACCESS_KEY: 'bench' },
    stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  return {
    ctx,
    accountIds,
    close: async () => {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
