/**
 * Domain values to rows and back, the same for every adapter (see schema.ts). Pure: no driver.
 */
import type { CollectError, Quota, UsageMetric } from '../domain/quota.js';
import type { EpochMs, Flag, QuotaDefinitionsTable, SnapshotQuotasTable } from './schema.js';

export function toEpoch(date: Date, field: string): EpochMs {
  const ms = date.getTime();
  // An invalid Date would be stored as NULL (SQLite turns NaN into NULL): refuse it here instead.
  if (!Number.isFinite(ms)) throw new RangeError(`${field} is not a valid date`);
  return ms;
}

export function fromEpoch(ms: EpochMs): Date {
  return new Date(ms);
}

export function toFlag(value: boolean): Flag {
  return value ? 1 : 0;
}

export function fromFlag(value: number): boolean {
  return value === 1;
}

export function encodeErrors(errors: readonly CollectError[]): string {
  return JSON.stringify(
    errors.map(({ scope, serviceCode, code, message }) => ({ scope, serviceCode, code, message })),
  );
}

export function decodeErrors(json: string): CollectError[] {
  return JSON.parse(json) as CollectError[];
}

/** A quota's static half as a `quota_definitions` row (without its id). */
export type DefinitionRow = Omit<QuotaDefinitionsTable, 'id'>;

function canonicalMetric(metric: UsageMetric): UsageMetric {
  const dimensions = Object.fromEntries(
    Object.entries(metric.dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return { namespace: metric.namespace, name: metric.name, dimensions, statistic: metric.statistic };
}

export function definitionOf(quota: Quota): DefinitionRow {
  const usageMetric = quota.usageMetric === null ? null : JSON.stringify(canonicalMetric(quota.usageMetric));
  const row: DefinitionRow = {
    service_code: quota.serviceCode,
    quota_code: quota.quotaCode,
    fingerprint: '',
    service_name: quota.serviceName,
    quota_name: quota.quotaName,
    unit: quota.unit,
    adjustable: toFlag(quota.adjustable),
    global: toFlag(quota.global),
    usage_metric: usageMetric,
    period_value: quota.period?.value ?? null,
    period_unit: quota.period?.unit ?? null,
  };
  // Every column, in the literal's fixed order, so no field can be left out of the key.
  row.fingerprint = JSON.stringify(row);
  return row;
}

/**
 * The key a definition is cached under. The fingerprint holds the codes too, so it alone is
 * unique wherever the table's (service_code, quota_code, fingerprint) constraint is.
 */
export function definitionKey(row: { fingerprint: string }): string {
  return row.fingerprint;
}

/** Whose quota a row is: a target, or a region's defaults (account ''). Decides the usual ARN. */
export interface ArnOwner {
  readonly accountId: string;
  readonly region: string;
}

const USUAL_ARN = '*';

function usualArn(owner: ArnOwner, quota: { serviceCode: string; quotaCode: string }): string {
  return `arn:aws:servicequotas:${owner.region}:${owner.accountId}:${quota.serviceCode}/${quota.quotaCode}`;
}

export function encodeQuota(
  quota: Quota,
  at: { snapshotId: number; seq: number; definitionId: number; owner: ArnOwner },
): SnapshotQuotasTable {
  return {
    snapshot_id: at.snapshotId,
    seq: at.seq,
    definition_id: at.definitionId,
    value: quota.value,
    source: quota.source,
    default_value: quota.defaultValue,
    quota_arn: quota.quotaArn === usualArn(at.owner, quota) ? USUAL_ARN : quota.quotaArn,
    applied_at_level: quota.appliedAtLevel,
    context_scope: quota.context?.scope ?? null,
    context_scope_type: quota.context?.scopeType ?? null,
    context_id: quota.context?.contextId ?? null,
    error_code: quota.errorReason?.code ?? null,
    error_message: quota.errorReason?.message ?? null,
  };
}

/** A quota's static half as `Quota` fields: decoded once per definition and shared, frozen. */
export type StaticQuota = Pick<
  Quota,
  | 'serviceCode'
  | 'serviceName'
  | 'quotaCode'
  | 'quotaName'
  | 'unit'
  | 'adjustable'
  | 'global'
  | 'usageMetric'
  | 'period'
>;

export function decodeDefinition(row: DefinitionRow): StaticQuota {
  let usageMetric: UsageMetric | null = null;
  if (row.usage_metric !== null) {
    const metric = JSON.parse(row.usage_metric) as UsageMetric;
    usageMetric = Object.freeze({ ...metric, dimensions: Object.freeze({ ...metric.dimensions }) });
  }
  return Object.freeze({
    serviceCode: row.service_code,
    serviceName: row.service_name,
    quotaCode: row.quota_code,
    quotaName: row.quota_name,
    unit: row.unit,
    adjustable: fromFlag(row.adjustable),
    global: fromFlag(row.global),
    usageMetric,
    period:
      row.period_value === null || row.period_unit === null
        ? null
        : Object.freeze({ value: row.period_value, unit: row.period_unit }),
  });
}

/** The per-snapshot columns of a quota, as adapters select them. */
export type QuotaRow = Omit<SnapshotQuotasTable, 'snapshot_id' | 'seq' | 'definition_id'>;

export function decodeQuota(row: QuotaRow, definition: StaticQuota, owner: ArnOwner): Quota {
  // A plain literal, no object spread: V8 builds a spread-then-extended literal in dictionary
  // mode, which made decoding a 4,000-quota snapshot take ~70 ms instead of ~1 ms.
  const { serviceCode, quotaCode } = definition;
  return {
    serviceCode,
    serviceName: definition.serviceName,
    quotaCode,
    quotaName: definition.quotaName,
    quotaArn: row.quota_arn === USUAL_ARN ? usualArn(owner, definition) : row.quota_arn,
    value: row.value,
    source: row.source,
    defaultValue: row.default_value,
    unit: definition.unit,
    adjustable: definition.adjustable,
    global: definition.global,
    usageMetric: definition.usageMetric,
    period: definition.period,
    appliedAtLevel: row.applied_at_level,
    context:
      row.context_scope === null
        ? null
        : { scope: row.context_scope, scopeType: row.context_scope_type, contextId: row.context_id },
    errorReason: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
  };
}

/** Service code, then quota code, in code-unit order (SQLite's BINARY collation for ASCII codes). */
export function compareQuotaCodes(
  a: { serviceCode: string; quotaCode: string },
  b: { serviceCode: string; quotaCode: string },
): number {
  if (a.serviceCode !== b.serviceCode) return a.serviceCode < b.serviceCode ? -1 : 1;
  if (a.quotaCode !== b.quotaCode) return a.quotaCode < b.quotaCode ? -1 : 1;
  return 0;
}
