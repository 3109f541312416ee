import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type RawQuota,
  type SandboxCatalogFile,
  type SandboxQuota,
  type UsageMetric,
  enrichCatalog,
} from './enrich-catalog.js';

const readData = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../data/${name}`, import.meta.url), 'utf8'));

const raw = readData('aws-default-quotas.json') as RawQuota[];
const committed = readData('sandbox-quotas.json') as SandboxCatalogFile;
const generated = enrichCatalog(raw);
const quotas = generated.quotas;

/** Each generated entry beside the real entry it came from. */
const pairs = quotas.map((quota, i): [SandboxQuota, RawQuota] => {
  const source = raw[i];
  if (!source) throw new Error(`no raw entry ${i}`);
  return [quota, source];
});

const describeQuota = (q: { ServiceCode: string; QuotaCode: string; QuotaName: string }): string =>
  `${q.ServiceCode}/${q.QuotaCode} ${q.QuotaName}`;

const metricIdentity = (metric: UsageMetric): string =>
  [
    metric.MetricNamespace,
    metric.MetricName,
    ...Object.entries(metric.MetricDimensions)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`),
  ].join('|');

/** Fields the sandbox may add to an entry, each named in `_synthetic` when it does. */
const ADDABLE = ['Unit', 'GlobalQuota', 'UsageMetric', 'Period'] as const;

describe('enrichCatalog and data/sandbox-quotas.json', () => {
  it('has the committed catalog current (if not: npx tsx scripts/build-sandbox-catalog.ts)', () => {
    expect(
      committed,
      'data/sandbox-quotas.json is stale: run `npx tsx scripts/build-sandbox-catalog.ts`',
    ).toEqual(JSON.parse(JSON.stringify(generated)));
  });

  it('is pure: the same input gives the same output', () => {
    expect(enrichCatalog(raw)).toEqual(generated);
  });

  it('keeps every real entry, in order', () => {
    expect(raw.length).toBeGreaterThan(1000);
    expect(quotas.map((q) => `${q.ServiceCode}/${q.QuotaCode}`)).toEqual(
      raw.map((q) => `${q.ServiceCode}/${q.QuotaCode}`),
    );
  });

  it.each<[keyof RawQuota & keyof SandboxQuota]>([
    ['ServiceCode'],
    ['ServiceName'],
    ['QuotaCode'],
    ['QuotaName'],
    ['Value'],
    ['Adjustable'],
  ])('preserves %s of every entry', (field) => {
    const changed = pairs
      .filter(([quota, source]) => quota[field] !== source[field])
      .map(([q]) => describeQuota(q));
    expect(changed).toEqual([]);
  });

  it.each<[keyof RawQuota & keyof SandboxQuota]>([['UsageMetric'], ['Unit'], ['GlobalQuota']])(
    'leaves a real %s unchanged',
    (field) => {
      const withField = pairs.filter(([, source]) => source[field] !== undefined);
      expect(withField.length).toBeGreaterThan(0);
      const changed = withField
        .filter(([quota, source]) => JSON.stringify(quota[field]) !== JSON.stringify(source[field]))
        .map(([q]) => describeQuota(q));
      expect(changed).toEqual([]);
    },
  );

  it('carries the 2022 eu-west-2 value as RegionalValues, and nothing else there', () => {
    const wrong = pairs
      .filter(([quota, source]) =>
        source._valueEuWest2_2022 === undefined
          ? quota.RegionalValues !== undefined
          : quota.RegionalValues?.['eu-west-2'] !== source._valueEuWest2_2022,
      )
      .map(([q]) => describeQuota(q));
    expect(wrong).toEqual([]);
  });

  it('names exactly the fields it added in _synthetic', () => {
    const wrong = pairs
      .map(([quota, source]) => {
        const added = ADDABLE.filter((f) => quota[f] !== undefined && !(f in source));
        return { quota: describeQuota(quota), added, synthetic: quota._synthetic ?? [] };
      })
      .filter(({ added, synthetic }) => [...added].sort().join() !== [...synthetic].sort().join());
    expect(wrong).toEqual([]);
  });

  it('gives _synthetic only when something was added, without repeats', () => {
    const bad = quotas
      .filter((q) => q._synthetic !== undefined)
      .filter((q) => q._synthetic?.length === 0 || new Set(q._synthetic).size !== q._synthetic?.length)
      .map(describeQuota);
    expect(bad).toEqual([]);
  });

  it('does not mark the 3 real usage metrics synthetic', () => {
    const real = pairs.filter(([, source]) => source.UsageMetric !== undefined);
    expect(real).toHaveLength(3);
    for (const [quota, source] of real) {
      expect(quota.UsageMetric).toEqual(source.UsageMetric);
      expect(quota._synthetic ?? []).not.toContain('UsageMetric');
    }
  });

  it('gives between 20% and 40% of quotas a usage metric', () => {
    const share = quotas.filter((q) => q.UsageMetric !== undefined).length / quotas.length;
    expect(share).toBeGreaterThanOrEqual(0.2);
    expect(share).toBeLessThanOrEqual(0.4);
  });

  it('gives every usage metric to one quota only', () => {
    const owners = new Map<string, string[]>();
    for (const q of quotas) {
      if (!q.UsageMetric) continue;
      const key = metricIdentity(q.UsageMetric);
      owners.set(key, [...(owners.get(key) ?? []), describeQuota(q)]);
    }
    expect(owners.size).toBeGreaterThan(0);
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
  });

  it('gives every CallCount metric a Period', () => {
    const callCounts = quotas.filter((q) => q.UsageMetric?.MetricName === 'CallCount');
    expect(callCounts.length).toBeGreaterThan(0);
    expect(callCounts.filter((q) => q.Period === undefined).map(describeQuota)).toEqual([]);
  });

  it.each<[string, 'Sum' | 'Maximum']>([
    ['CallCount', 'Sum'],
    ['ResourceCount', 'Maximum'],
  ])('recommends the statistic AWS does for synthetic %s metrics (%s)', (metricName, statistic) => {
    const synthetic = quotas.filter(
      (q) => q._synthetic?.includes('UsageMetric') && q.UsageMetric?.MetricName === metricName,
    );
    expect(synthetic.length).toBeGreaterThan(0);
    expect(
      synthetic.filter((q) => q.UsageMetric?.MetricStatisticRecommendation !== statistic).map(describeQuota),
    ).toEqual([]);
  });

  /**
   * "X per VPC", "Targets per Target Group per Region": the quota is per resource, and AWS has
   * no account-level metric for it. Account, Region and organization scopes, and time periods,
   * are not resources.
   */
  it('gives no per-resource quota a synthetic ResourceCount metric', () => {
    const notResources =
      /^(region|account|aws account|organization|second|minute|hour|day|week|month|year)$/i;
    const perResource = quotas
      .filter((q) => q._synthetic?.includes('UsageMetric') && q.UsageMetric?.MetricName === 'ResourceCount')
      .filter((q) =>
        q.QuotaName.split(/ per /)
          .slice(1)
          .some((scope) => !notResources.test(scope.replace(/[,.;]+$/, '').trim())),
      )
      .map(describeQuota);
    expect(perResource).toEqual([]);
  });
});
