/**
 * The exporter's benchmark: a store filled with a seeded scenario of about 200,000 series (100
 * accounts × 2 regions, 350 quotas each, usage for 150 of them), then `/metrics` rendered from
 * it, side by side in interleaved rounds with two baselines:
 *
 *  - the plain store read a scrape starts with (the floor: a scrape cannot be faster than
 *    reading what it shows);
 *  - the same quota series through prom-client Gauges (`set` per series, then the registry's
 *    serialiser): the way the exporter would take with prom-client alone, and why the quota
 *    families are written as text (src/metrics/exporter.ts).
 *
 * DESIGN's target: 200,000 series in under one second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gauge, Registry } from 'prom-client';
import {
  type LimitSnapshot,
  type Quota,
  quotaKey,
  type UsageSnapshot,
  utilization,
} from '../src/domain/quota.js';
import type { Target } from '../src/domain/target.js';
import { createMetrics, QUOTA_LABELS } from '../src/metrics/exporter.js';
import type { Store } from '../src/storage/port.js';
import { openSqliteStore } from '../src/storage/sqlite/index.js';

export interface MetricsBenchOptions {
  readonly accounts: number;
  readonly regions: readonly string[];
  readonly quotasPerTarget: number;
  readonly usagePerTarget: number;
  readonly rounds: number;
}

export const DEFAULT_METRICS_BENCH: MetricsBenchOptions = {
  accounts: 100,
  regions: ['us-east-1', 'eu-west-1'],
  quotasPerTarget: 350,
  usagePerTarget: 150,
  rounds: 7,
};

/** A small seeded generator (mulberry32): the same scenario on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['ec2', 'lambda', 'vpc', 'ebs', 'elasticloadbalancing', 'rds', 'sagemaker'];

function quotaOf(i: number, target: Target, random: () => number): Quota {
  const serviceCode = SERVICES[i % SERVICES.length] ?? 'ec2';
  const quotaCode = `L-${(0x10000000 + i * 7919).toString(16).toUpperCase()}`;
  const defaultValue = Math.round(5 + random() * 5000);
  const raised = random() < 0.2;
  return {
    serviceCode,
    serviceName: `Amazon ${serviceCode.toUpperCase()}`,
    quotaCode,
    quotaName: `${serviceCode} quota number ${i} for running resources of a kind`,
    quotaArn: `arn:aws:servicequotas:${target.region}:${target.accountId}:${serviceCode}/${quotaCode}`,
    value: raised ? defaultValue * 4 : defaultValue,
    source: raised ? 'applied' : 'default',
    defaultValue,
    unit: 'None',
    adjustable: random() < 0.8,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
  };
}

export async function fillMetricsScenario(store: Store, options: MetricsBenchOptions): Promise<number> {
  const random = seeded(20261120);
  const at = new Date(Date.UTC(2026, 10, 20, 6));
  let targets = 0;
  for (let a = 0; a < options.accounts; a++) {
    const accountId = String(100000000000 + a * 7);
    for (const region of options.regions) {
      const target = { accountId, region };
      const quotas = Array.from({ length: options.quotasPerTarget }, (_, i) => quotaOf(i, target, random));
      const limits: LimitSnapshot = { target, collectedAt: at, complete: true, quotas, errors: [] };
      const usage: UsageSnapshot = {
        target,
        collectedAt: at,
        source: 'cloudwatch',
        windowStart: new Date(at.getTime() - 3_600_000),
        windowEnd: at,
        complete: true,
        samples: quotas.slice(0, options.usagePerTarget).map((q) => ({
          serviceCode: q.serviceCode,
          quotaCode: q.quotaCode,
          value: Math.round((q.value ?? 0) * random()),
          observedAt: at,
        })),
        errors: [],
      };
      await store.upsertTargets([{ target, accountName: `account-${a}`, seenAt: at }]);
      await store.saveLimitSnapshot(limits);
      await store.saveUsageSnapshot(usage);
      await store.saveCollectorOutcomes(target, [
        { collector: 'limits', success: true, durationMs: 900, at },
        { collector: 'usage', success: random() < 0.95, durationMs: 300, at },
      ]);
      targets += 1;
    }
  }
  return targets;
}

/** The quota families through prom-client alone: a Gauge per family, `set` per series. */
async function promClientScrape(store: Store): Promise<string> {
  const registry = new Registry();
  const family = (name: string) =>
    new Gauge({ name, help: name, labelNames: QUOTA_LABELS, registers: [registry] });
  const limit = family('headroom_quota_limit');
  const fallback = family('headroom_quota_default');
  const usage = family('headroom_quota_usage');
  const ratio = family('headroom_quota_usage_ratio');
  for (const entry of await store.latestSnapshots()) {
    const quotas = new Map<string, { quota: Quota; labels: Record<string, string> }>();
    for (const quota of entry.limits?.quotas ?? []) {
      const labels = {
        account_id: entry.target.accountId,
        account_name: entry.accountName ?? '',
        region: entry.target.region,
        service: quota.serviceCode,
        quota_code: quota.quotaCode,
        quota_name: quota.quotaName,
        adjustable: String(quota.adjustable),
      };
      quotas.set(quotaKey(quota), { quota, labels });
      if (quota.value !== null) limit.set(labels, quota.value);
      if (quota.defaultValue !== null) fallback.set(labels, quota.defaultValue);
    }
    for (const sample of entry.usage?.samples ?? []) {
      const known = quotas.get(quotaKey(sample));
      if (known === undefined) continue;
      usage.set(known.labels, sample.value);
      const r = utilization(sample.value, known.quota.value);
      if (r !== null) ratio.set(known.labels, r);
    }
  }
  return registry.metrics();
}

/** The median of a round's timings. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function benchMetrics(
  options: MetricsBenchOptions = DEFAULT_METRICS_BENCH,
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-metrics-'));
  const store = await openSqliteStore(join(dir, 'store.sqlite'));
  try {
    const fillStart = performance.now();
    const targets = await fillMetricsScenario(store, options);
    const fillMs = performance.now() - fillStart;
    const metrics = createMetrics(store);
    const text = await metrics.render();
    const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    // Interleaved rounds, medians: the plain store read (the floor), then the whole scrape.
    const readMs: number[] = [];
    const scrapeMs: number[] = [];
    const promClientMs: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      let start = performance.now();
      await Promise.all([store.latestSnapshots(), store.collectorHealth(), store.apiCallTotals()]);
      readMs.push(performance.now() - start);
      start = performance.now();
      await metrics.render();
      scrapeMs.push(performance.now() - start);
      start = performance.now();
      await promClientScrape(store);
      promClientMs.push(performance.now() - start);
    }
    return {
      scenario: { ...options, targets },
      series,
      expositionBytes: Buffer.byteLength(text),
      fillMs,
      storeReadMedianMs: median(readMs),
      scrapeMedianMs: median(scrapeMs),
      promClientOnlyMedianMs: median(promClientMs),
      scrapeOverStoreRead: median(scrapeMs) / median(readMs),
      promClientOnlyOverScrape: median(promClientMs) / median(scrapeMs),
      scrapeMsPer100kSeries: (median(scrapeMs) / series) * 100_000,
      targetMs: 1000,
      withinTarget: median(scrapeMs) < 1000,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
