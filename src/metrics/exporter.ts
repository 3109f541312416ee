/**
 * The Prometheus exporter: a prom-client registry of its own (never the global one) whose
 * collectors read the store on each scrape and never call AWS. One scrape reads the store once
 * (every target's latest snapshots, the collectors' health, the API call totals) and every family
 * is built from that read.
 *
 * Families: quota limit, default, usage and usage ratio per target and quota (global quotas once
 * per account, from its global home target), collector success, duration and last success per
 * target and collector (node_exporter style), and AWS API calls and throttles per service and
 * operation.
 *
 * The collection-health and API families are prom-client gauges and counters with `collect()`.
 * The four quota families (all but a few of the series: 200,000 for a large organisation) are
 * written as exposition text here: measured by bench/metrics.ts, prom-client needs ~1.1 s beyond
 * the store read to set and serialise 200,000 labelled series (it escapes every label value of
 * every series), over DESIGN's one-second budget; written here, a quota's label set is escaped
 * once and shared by its four families.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { globalHomes } from '../collect/sweep.js';
import { type Quota, quotaKey, utilization } from '../domain/quota.js';
import { targetKey } from '../domain/target.js';
import type { ApiCallTotal, CollectorHealth, LatestSnapshots, Store } from '../storage/port.js';

/** The labels of every quota series; `resource` only on per-resource series. */
export const QUOTA_LABELS = [
  'account_id',
  'account_name',
  'region',
  'service',
  'quota_code',
  'quota_name',
  'adjustable',
  'resource',
] as const;

export const COLLECTOR_LABELS = ['account_id', 'region', 'collector'] as const;
type CollectorLabel = (typeof COLLECTOR_LABELS)[number];

export const API_LABELS = ['service', 'operation'] as const;
type ApiLabel = (typeof API_LABELS)[number];

/** One series: its labels and value. */
interface Sample<L extends string> {
  readonly labels: Partial<Record<L, string>>;
  readonly value: number;
}

/** One quota series: its label set as exposition text (`a="x",b="y"`) and its value. */
export interface QuotaSeries {
  readonly labels: string;
  readonly value: number;
}

/** Every family's series, built from one read of the store. */
export interface ScrapeFamilies {
  readonly limit: QuotaSeries[];
  readonly default: QuotaSeries[];
  readonly usage: QuotaSeries[];
  readonly ratio: QuotaSeries[];
  readonly collectorSuccess: Sample<CollectorLabel>[];
  readonly collectorDuration: Sample<CollectorLabel>[];
  readonly lastSuccess: Sample<CollectorLabel>[];
  readonly apiCalls: Sample<ApiLabel>[];
  readonly apiThrottles: Sample<ApiLabel>[];
}

/** What one scrape reads from the store. */
export interface ScrapeInput {
  readonly snapshots: readonly LatestSnapshots[];
  readonly health: readonly CollectorHealth[];
  readonly apiCalls: readonly ApiCallTotal[];
}

const NEEDS_ESCAPE = /[\\"\n]/;

/** A label value as the text format writes it: backslash, double quote and newline escaped. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A sample value as the text format writes it. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** A target's labels, written once for all its series. */
function targetLabels(entry: LatestSnapshots): string {
  return (
    `account_id="${escapeLabelValue(entry.target.accountId)}",` +
    `account_name="${escapeLabelValue(entry.accountName ?? '')}",` +
    `region="${escapeLabelValue(entry.target.region)}"`
  );
}

function quotaLabels(target: string, quota: Quota): string {
  return (
    `${target},service="${escapeLabelValue(quota.serviceCode)}",` +
    `quota_code="${escapeLabelValue(quota.quotaCode)}",` +
    `quota_name="${escapeLabelValue(quota.quotaName)}",` +
    `adjustable="${quota.adjustable ? 'true' : 'false'}"`
  );
}

function withResource(labels: string, resource: string | undefined): string {
  return resource === undefined ? labels : `${labels},resource="${escapeLabelValue(resource)}"`;
}

/** The resource a quota's value applies to: its context id when it is set for one resource. */
function resourceOf(quota: Quota): string | undefined {
  return quota.context?.contextId ?? undefined;
}

/**
 * The series of every family, pure: quota series per target (by account, region, service, quota
 * code), a quota's usage and ratio only where the limit snapshot knows the quota, global quotas
 * only in their account's home target, ratios only where the limit is known and above 0.
 */
export function buildFamilies(input: ScrapeInput): ScrapeFamilies {
  const families: ScrapeFamilies = {
    limit: [],
    default: [],
    usage: [],
    ratio: [],
    collectorSuccess: [],
    collectorDuration: [],
    lastSuccess: [],
    apiCalls: [],
    apiThrottles: [],
  };
  const homes = globalHomes(input.snapshots.filter((e) => e.limits !== undefined).map((e) => e.target));
  for (const entry of input.snapshots) {
    if (entry.limits === undefined) continue;
    const home = homes.has(targetKey(entry.target));
    const target = targetLabels(entry);
    // The quota as a whole by key (with its labels), and the ones set for one resource.
    const whole = new Map<string, { quota: Quota; labels: string }>();
    const perResource = new Map<string, Quota>();
    for (const quota of entry.limits.quotas) {
      if (quota.global && !home) continue;
      const resource = resourceOf(quota);
      const key = quotaKey(quota);
      const seriesKey = resource === undefined ? key : `${key}\n${resource}`;
      if (whole.has(seriesKey) || perResource.has(seriesKey)) continue;
      const quotaText = quotaLabels(target, quota);
      if (resource === undefined) whole.set(seriesKey, { quota, labels: quotaText });
      else perResource.set(seriesKey, quota);
      const labels = withResource(quotaText, resource);
      if (quota.value !== null) families.limit.push({ labels, value: quota.value });
      if (quota.defaultValue !== null) families.default.push({ labels, value: quota.defaultValue });
    }
    const seen = new Set<string>();
    for (const sample of entry.usage?.samples ?? []) {
      const key = quotaKey(sample);
      const known = whole.get(key);
      if (known === undefined) continue;
      const seriesKey = sample.resource === undefined ? key : `${key}\n${sample.resource}`;
      if (seen.has(seriesKey)) continue;
      seen.add(seriesKey);
      const limit = (sample.resource === undefined ? undefined : perResource.get(seriesKey)) ?? known.quota;
      const labels = withResource(known.labels, sample.resource);
      families.usage.push({ labels, value: sample.value });
      const ratio = utilization(sample.value, limit.value);
      if (ratio !== null) families.ratio.push({ labels, value: ratio });
    }
  }
  for (const health of input.health) {
    const labels = { account_id: health.accountId, region: health.region, collector: health.collector };
    families.collectorSuccess.push({ labels, value: health.success ? 1 : 0 });
    families.collectorDuration.push({ labels, value: health.durationMs / 1000 });
    if (health.lastSuccessAt !== null) {
      families.lastSuccess.push({ labels, value: health.lastSuccessAt.getTime() / 1000 });
    }
  }
  for (const total of input.apiCalls) {
    const labels = { service: total.service, operation: total.operation };
    families.apiCalls.push({ labels, value: total.calls });
    families.apiThrottles.push({ labels, value: total.throttled });
  }
  return families;
}

/** The quota families in exposition order, with their HELP text. */
const QUOTA_FAMILIES: readonly {
  name: string;
  help: string;
  pick: (f: ScrapeFamilies) => readonly QuotaSeries[];
}[] = [
  {
    name: 'headroom_quota_limit',
    help: 'The quota limit in force (the applied value, else AWS default).',
    pick: (f) => f.limit,
  },
  { name: 'headroom_quota_default', help: "AWS's default value of the quota.", pick: (f) => f.default },
  {
    name: 'headroom_quota_usage',
    help: 'The quota usage: the peak over the usage window.',
    pick: (f) => f.usage,
  },
  {
    name: 'headroom_quota_usage_ratio',
    help: 'Usage over limit, 0-1 (above 1 when over); absent when the limit is unknown or 0.',
    pick: (f) => f.ratio,
  },
];

/** The quota families as exposition text, one family after another (prom-client's layout). */
export function renderQuotaFamilies(families: ScrapeFamilies): string {
  const parts: string[] = [];
  for (const { name, help, pick } of QUOTA_FAMILIES) {
    const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
    for (const series of pick(families)) lines.push(`${name}{${series.labels}} ${formatValue(series.value)}`);
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n');
}

export interface MetricsExporter {
  /** The registry (headroom's own) of the collection-health and API families. */
  readonly registry: Registry;
  /** The exposition's content type (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** Reads the store once and renders every family. */
  render(): Promise<string>;
}

/**
 * An exporter whose families read `store` on each scrape.
 *
 * @example
 * const metrics = createMetrics(store);
 * response.end(await metrics.render());
 */
export function createMetrics(store: Store): MetricsExporter {
  const registry = new Registry();
  const read = async (): Promise<ScrapeFamilies> => {
    const [snapshots, health, apiCalls] = await Promise.all([
      store.latestSnapshots(),
      store.collectorHealth(),
      store.apiCallTotals(),
    ]);
    return buildFamilies({ snapshots, health, apiCalls });
  };
  // One read serves every family of a scrape (prom-client collects its families at once), and
  // scrapes that overlap share it.
  let current: Promise<ScrapeFamilies> | undefined;
  let readers = 0;
  const families = (): Promise<ScrapeFamilies> => current ?? read();

  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    pick: (f: ScrapeFamilies) => readonly Sample<L>[],
  ): void => {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const samples = pick(await families());
        this.reset();
        for (const { labels, value } of samples) this.set(labels, value);
      },
    });
  };
  const counter = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    pick: (f: ScrapeFamilies) => readonly Sample<L>[],
  ): void => {
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const samples = pick(await families());
        this.reset();
        for (const { labels, value } of samples) this.inc(labels, value);
      },
    });
  };

  gauge(
    'headroom_collector_success',
    "1 if the collector's latest run on the target succeeded, else 0.",
    COLLECTOR_LABELS,
    (f) => f.collectorSuccess,
  );
  gauge(
    'headroom_collector_duration_seconds',
    "How long the collector's latest run on the target took.",
    COLLECTOR_LABELS,
    (f) => f.collectorDuration,
  );
  gauge(
    'headroom_last_success_timestamp_seconds',
    'When the collector last succeeded on the target (Unix time).',
    COLLECTOR_LABELS,
    (f) => f.lastSuccess,
  );
  counter(
    'headroom_aws_api_calls_total',
    'AWS API calls headroom made (SDK commands sent).',
    API_LABELS,
    (f) => f.apiCalls,
  );
  counter(
    'headroom_aws_api_throttles_total',
    'AWS API attempts that were throttled.',
    API_LABELS,
    (f) => f.apiThrottles,
  );

  return {
    registry,
    contentType: registry.contentType,
    async render(): Promise<string> {
      readers += 1;
      current ??= read();
      try {
        const [quotas, rest] = await Promise.all([current.then(renderQuotaFamilies), registry.metrics()]);
        return `${quotas}\n\n${rest}`;
      } finally {
        readers -= 1;
        if (readers === 0) current = undefined;
      }
    },
  };
}
