/**
 * Two targets' quotas side by side: lined up by (service code, quota code), never by name (names
 * differ between regions and change over time). Pure: the caller reads both sides (regional
 * quotas from the target, global ones from the account's home) and this says what differs.
 */
import { identityOf, type Quota, type QuotaIdentity, quotaKey } from './quota.js';

/**
 * `equal`: both sides hold the same value; `different`: both hold it with other values;
 * `only-source` / `only-destination`: one side does not have the quota (a service or quota not
 * offered there, or not read).
 */
export type CompareStatus = 'equal' | 'different' | 'only-source' | 'only-destination';

/** One quota as one side holds it. */
export interface CompareSide {
  readonly value: number | null;
  readonly defaultValue: number | null;
  readonly source: Quota['source'];
  readonly adjustable: boolean;
}

export interface CompareRow extends QuotaIdentity {
  readonly status: CompareStatus;
  readonly source: CompareSide | null;
  readonly destination: CompareSide | null;
  /** Destination below source (both known). */
  readonly destinationLower: boolean;
  /** The destination's quota can be raised (AWS's Adjustable). */
  readonly adjustable: boolean;
  /** Both sides at AWS's default. */
  readonly atDefault: boolean;
}

export interface CompareSummary {
  /** Quotas compared (after the service filter and default suppression). */
  readonly total: number;
  readonly equal: number;
  readonly different: number;
  readonly destinationLower: number;
  /** Of the destination-lower quotas, those the destination can raise. */
  readonly destinationLowerAdjustable: number;
  readonly destinationHigher: number;
  readonly onlyInSource: number;
  readonly onlyInDestination: number;
  /** Services with quotas on the source side and none on the destination side. */
  readonly servicesOnlyInSource: readonly string[];
  readonly servicesOnlyInDestination: readonly string[];
  /** Quotas hidden because both sides were at AWS's default (`suppressDefaults`). */
  readonly suppressedAtDefault: number;
}

export interface CompareOptions {
  /** Only these service codes; empty means every service. */
  readonly services: readonly string[];
  /** Leave out quotas at AWS's default on both sides. */
  readonly suppressDefaults: boolean;
}

export interface Comparison {
  readonly summary: CompareSummary;
  /** Every compared quota by service code then quota code. */
  readonly rows: readonly CompareRow[];
}

function side(quota: Quota): CompareSide {
  return {
    value: quota.value,
    defaultValue: quota.defaultValue,
    source: quota.source,
    adjustable: quota.adjustable,
  };
}

function atDefault(s: CompareSide | null): boolean {
  return s !== null && s.value !== null && s.value === s.defaultValue;
}

/**
 * One quota per (service, quota code): the account-level row where a snapshot also holds
 * resource-level ones.
 */
function byKey(quotas: readonly Quota[]): Map<string, Quota> {
  const map = new Map<string, Quota>();
  for (const q of quotas) {
    const key = quotaKey(q);
    const known = map.get(key);
    if (!known || (known.appliedAtLevel === 'RESOURCE' && q.appliedAtLevel !== 'RESOURCE')) map.set(key, q);
  }
  return map;
}

export function compareQuotas(
  source: readonly Quota[],
  destination: readonly Quota[],
  options: CompareOptions,
): Comparison {
  const wanted = (q: Quota) => options.services.length === 0 || options.services.includes(q.serviceCode);
  const src = byKey(source.filter(wanted));
  const dst = byKey(destination.filter(wanted));
  const keys = [...new Set([...src.keys(), ...dst.keys()])].sort();
  const rows: CompareRow[] = [];
  let suppressed = 0;
  for (const key of keys) {
    const s = src.get(key);
    const d = dst.get(key);
    const any = (d ?? s) as Quota;
    const sourceSide = s ? side(s) : null;
    const destinationSide = d ? side(d) : null;
    const bothAtDefault = atDefault(sourceSide) && atDefault(destinationSide);
    if (options.suppressDefaults && bothAtDefault) {
      suppressed++;
      continue;
    }
    const status: CompareStatus = !s
      ? 'only-destination'
      : !d
        ? 'only-source'
        : s.value === d.value
          ? 'equal'
          : 'different';
    const lower =
      s !== undefined && d !== undefined && s.value !== null && d.value !== null && d.value < s.value;
    rows.push({
      ...identityOf(any),
      status,
      source: sourceSide,
      destination: destinationSide,
      destinationLower: lower,
      adjustable: d?.adjustable ?? false,
      atDefault: bothAtDefault,
    });
  }
  return { summary: summarize(rows, src, dst, suppressed), rows };
}

function summarize(
  rows: readonly CompareRow[],
  src: ReadonlyMap<string, Quota>,
  dst: ReadonlyMap<string, Quota>,
  suppressedAtDefault: number,
): CompareSummary {
  const services = (map: ReadonlyMap<string, Quota>) => new Set([...map.values()].map((q) => q.serviceCode));
  const srcServices = services(src);
  const dstServices = services(dst);
  const count = (test: (row: CompareRow) => boolean) => rows.filter(test).length;
  return {
    total: rows.length,
    equal: count((r) => r.status === 'equal'),
    different: count((r) => r.status === 'different'),
    destinationLower: count((r) => r.destinationLower),
    destinationLowerAdjustable: count((r) => r.destinationLower && r.adjustable),
    destinationHigher: count(
      (r) =>
        r.status === 'different' &&
        !r.destinationLower &&
        r.source?.value !== null &&
        r.destination?.value !== null,
    ),
    onlyInSource: count((r) => r.status === 'only-source'),
    onlyInDestination: count((r) => r.status === 'only-destination'),
    servicesOnlyInSource: [...srcServices].filter((s) => !dstServices.has(s)).sort(),
    servicesOnlyInDestination: [...dstServices].filter((s) => !srcServices.has(s)).sort(),
    suppressedAtDefault,
  };
}
