/**
 * The sandbox's quota catalog (`data/sandbox-quotas.json`), loaded once per process and indexed
 * for the lookups the handlers make: by service, by (service, quota code), and by usage metric
 * (what `SERVICE_QUOTA(m)` needs).
 */
import { readFileSync } from 'node:fs';
import type { QuotaPeriod, SandboxCatalogFile, SandboxQuota, UsageMetric } from '../data/enrich-catalog.js';

export type { QuotaPeriod, UsageMetric } from '../data/enrich-catalog.js';

export interface CatalogQuota {
  /** Position in the catalog: the index into every per-target array. */
  readonly index: number;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly defaultValue: number;
  readonly adjustable: boolean;
  readonly unit: string;
  readonly global: boolean;
  readonly usageMetric: UsageMetric | undefined;
  readonly period: QuotaPeriod | undefined;
  readonly regionalValues: Readonly<Record<string, number>>;
}

export interface CatalogService {
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly quotas: readonly CatalogQuota[];
}

/** Identity of a CloudWatch metric: namespace, name and the exact dimension set. */
export function metricIdentity(
  namespace: string,
  metricName: string,
  dimensions: Iterable<readonly [string, string]>,
): string {
  const dims = [...dimensions]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

/** Where AWS keeps global quotas (IAM, CloudFront, Route 53…). */
export const GLOBAL_HOME = 'us-east-1';

export class Catalog {
  readonly quotas: readonly CatalogQuota[];
  readonly services: readonly CatalogService[];
  readonly #services = new Map<string, CatalogService>();
  readonly #quotas = new Map<string, CatalogQuota>();
  readonly #byMetric = new Map<string, CatalogQuota>();

  constructor(file: SandboxCatalogFile) {
    this.quotas = file.quotas.map((q: SandboxQuota, index): CatalogQuota => ({
      index,
      serviceCode: q.ServiceCode,
      serviceName: q.ServiceName,
      quotaCode: q.QuotaCode,
      quotaName: q.QuotaName,
      defaultValue: q.Value,
      adjustable: q.Adjustable,
      unit: q.Unit,
      global: q.GlobalQuota,
      usageMetric: q.UsageMetric,
      period: q.Period,
      regionalValues: q.RegionalValues ?? {},
    }));
    const grouped = new Map<string, CatalogQuota[]>();
    for (const quota of this.quotas) {
      const list = grouped.get(quota.serviceCode) ?? [];
      list.push(quota);
      grouped.set(quota.serviceCode, list);
      this.#quotas.set(`${quota.serviceCode}/${quota.quotaCode}`, quota);
      if (quota.usageMetric) {
        const m = quota.usageMetric;
        this.#byMetric.set(
          metricIdentity(m.MetricNamespace, m.MetricName, Object.entries(m.MetricDimensions)),
          quota,
        );
      }
    }
    this.services = [...grouped.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([serviceCode, quotas]) => ({
        serviceCode,
        serviceName: quotas[0]?.serviceName ?? serviceCode,
        quotas,
      }));
    for (const service of this.services) this.#services.set(service.serviceCode, service);
  }

  service(serviceCode: string): CatalogService | undefined {
    return this.#services.get(serviceCode);
  }

  quota(serviceCode: string, quotaCode: string): CatalogQuota | undefined {
    return this.#quotas.get(`${serviceCode}/${quotaCode}`);
  }

  /** The quota whose usage metric is exactly this metric, as SERVICE_QUOTA() resolves it. */
  quotaForMetric(identity: string): CatalogQuota | undefined {
    return this.#byMetric.get(identity);
  }

  /** The region a quota is kept in: its own, or us-east-1 for a global quota. */
  homeRegion(quota: CatalogQuota, region: string): string {
    return quota.global ? GLOBAL_HOME : region;
  }

  /** The AWS default of a quota in a region (a few defaults differ by region; global ones are us-east-1's). */
  defaultIn(quota: CatalogQuota, region: string): number {
    return quota.regionalValues[this.homeRegion(quota, region)] ?? quota.defaultValue;
  }
}

let shared: Catalog | undefined;

/** The catalog shipped in `data/`, parsed on first use. */
export function loadCatalog(): Catalog {
  if (!shared) {
    const url = new URL('../../../data/sandbox-quotas.json', import.meta.url);
    shared = new Catalog(JSON.parse(readFileSync(url, 'utf8')) as SandboxCatalogFile);
  }
  return shared;
}
