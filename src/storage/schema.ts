/**
 * The store's tables as Kysely sees them, shared by every adapter: an adapter's migrations create
 * exactly these columns. Types are portable on purpose: times are epoch milliseconds (integers),
 * flags are 0/1 integers, structured values (errors, usage metrics, service lists) are JSON text.
 *
 * Layout for volume (a sweep is ~4,000 quotas × 400 targets): what AWS says about a quota that is
 * the same in every target (names, unit, adjustable, global, usage metric, period) lives once in
 * `quota_definitions`; a snapshot row carries only what differs per target.
 */
import type { Generated } from 'kysely';
import type { AppliedLevel, LimitSource, PeriodUnit, SampleSource, UsageSource } from '../domain/quota.js';
import type { ApprovalStatus } from '../domain/approval.js';
import type { AuditKind } from '../domain/audit.js';
import type { NotificationStatus } from '../domain/engine.js';
import type { RequestKind, RequestStatus } from '../domain/request.js';
import type { Band } from '../domain/rule.js';

/** Milliseconds since the Unix epoch (`Date.getTime()`). */
export type EpochMs = number;

/** A boolean as an integer: 1 is true. */
export type Flag = 0 | 1;

export interface TargetsTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  account_name: string | null;
  /** Null while the target is known only from its snapshots (never passed to `upsertTargets`). */
  first_seen: EpochMs | null;
  last_seen: EpochMs | null;
}

/**
 * A quota's static metadata. Keyed by (service_code, quota_code, fingerprint): the fingerprint is
 * the canonical JSON of every other column, so targets that agree share one row, and a target
 * where AWS says something different (a renamed quota, another unit) gets its own row instead of
 * rewriting what older snapshots said. Rows are never changed or deleted: adapters cache them.
 */
export interface QuotaDefinitionsTable {
  id: Generated<number>;
  service_code: string;
  quota_code: string;
  fingerprint: string;
  service_name: string;
  quota_name: string;
  unit: string;
  adjustable: Flag;
  global: Flag;
  /** JSON `UsageMetric`, dimension keys sorted. */
  usage_metric: string | null;
  period_value: number | null;
  period_unit: PeriodUnit | null;
}

/**
 * One quota of one snapshot: the per-target half of a `Quota`. The same shape serves limit
 * snapshots (`limit_quotas`) and region defaults (`default_quotas`).
 */
export interface SnapshotQuotasTable {
  snapshot_id: number;
  /** The quota's position in the snapshot as saved: keeps rows with the same quota code apart. */
  seq: number;
  definition_id: number;
  value: number | null;
  source: LimitSource;
  default_value: number | null;
  /**
   * The quota's ARN; `*` when it is the usual `arn:aws:servicequotas:REGION:ACCOUNT:SERVICE/QUOTA`
   * of the snapshot's target (about 60 bytes saved per row), null when AWS gave none.
   */
  quota_arn: string | null;
  applied_at_level: AppliedLevel | null;
  /** Null when the quota has no context; then the other two context columns are null too. */
  context_scope: string | null;
  context_scope_type: string | null;
  context_id: string | null;
  /** Null when the quota has no error reason; then `error_message` is null too. */
  error_code: string | null;
  error_message: string | null;
}

export interface LimitSnapshotsTable {
  id: Generated<number>;
  target_id: number;
  collected_at: EpochMs;
  complete: Flag;
  /** The number of `limit_quotas` rows, so listing the cache never counts them. */
  quota_count: number;
  /** JSON `CollectError[]`. */
  errors: string;
}

export interface DefaultsSnapshotsTable {
  id: Generated<number>;
  region: string;
  collected_at: EpochMs;
  complete: Flag;
  quota_count: number;
  /** JSON `{ serviceCode, serviceName }[]`. */
  services: string;
  /** JSON `string[]`: service codes whose defaults were not read (left out by the filter). */
  unread: string;
  /** JSON `CollectError[]`: services whose defaults could not be read. */
  failed_services: string;
}

export interface UsageSnapshotsTable {
  id: Generated<number>;
  target_id: number;
  collected_at: EpochMs;
  source: UsageSource;
  window_start: EpochMs;
  window_end: EpochMs;
  complete: Flag;
  sample_count: number;
  /** JSON `CollectError[]`. */
  errors: string;
}

/**
 * Usage samples are history: they outlive their snapshot's header (`clearCache()` removes
 * headers only), so each row carries its own target and collection time.
 */
export interface UsageSamplesTable {
  /** The `usage_snapshots` id the sample was saved with; that row may since have been removed. */
  snapshot_id: number;
  seq: number;
  target_id: number;
  service_code: string;
  quota_code: string;
  collected_at: EpochMs;
  value: number;
  observed_at: EpochMs | null;
  /** The resource of a per-resource sample; null for the quota as a whole. */
  resource: string | null;
  /** `counter` for a counted sample; null when it came from the snapshot's source. */
  source: SampleSource | null;
}

export interface ApiCallsTable {
  id: Generated<number>;
  at: EpochMs;
  run_id: string;
  account_id: string;
  region: string;
  service: string;
  operation: string;
  calls: number;
  attempts: number;
  throttled: number;
  failed: number;
  duration_ms: number;
}

/**
 * Increase requests (and Support cases) headroom filed or queued: records, not cache, so
 * `clearCache()` never touches them. Keyed by headroom's id; AWS's request id is unique once known.
 */
export interface QuotaRequestsTable {
  /** headroom's id (`hr-` and 12 hex digits). */
  id: string;
  kind: RequestKind;
  account_id: string;
  region: string;
  service_code: string;
  quota_code: string;
  quota_name: string;
  unit: string;
  global: Flag;
  from_value: number | null;
  desired_value: number;
  status: RequestStatus;
  aws_request_id: string | null;
  case_id: string | null;
  requested_by: string;
  caller_arn: string | null;
  plan_id: string | null;
  reason: string;
  message: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
  checked_at: EpochMs | null;
}

/** A request's audit trail: one row per change of its status or message, removed with the request. */
export interface RequestEventsTable {
  /** Also the order of a request's events. */
  id: Generated<number>;
  request_id: string;
  at: EpochMs;
  status: RequestStatus;
  message: string | null;
}

/**
 * The latest outcome of one collector on one target (node_exporter's per-collector success and
 * duration), replaced on each run; `last_success_at` survives failures. A fleet-wide collector
 * (the inventory) has an empty `account_id` and `region`.
 */
export interface CollectorHealthTable {
  account_id: string;
  region: string;
  collector: string;
  success: Flag;
  duration_ms: number;
  at: EpochMs;
  last_success_at: EpochMs | null;
  /** JSON `CollectError` of a failed run; null on success. */
  error: string | null;
}

/** The newest account list of one inventory source (its cache key), replaced whole on each fetch. */
export interface InventoryTable {
  source: string;
  fetched_at: EpochMs;
  /** JSON `DiscoveredAccount[]`: ids, names, role ARNs, profile names, regions; never credentials. */
  accounts: string;
  /** JSON `InventoryProblem[]`. */
  problems: string;
}

/** What EC2 DescribeRegions (and DescribeInstances, for `in-use`) said of one account. */
export interface AccountRegionsTable {
  account_id: string;
  fetched_at: EpochMs;
  /** JSON `string[]`: every region AWS has. */
  known: string;
  /** JSON `string[]`: the account's enabled regions. */
  enabled: string;
  /** JSON `string[]`, or null when not looked for. */
  in_use: string | null;
}

/** A proposal of the engine waiting for (or decided by) a person. */
export interface ApprovalsTable {
  id: string;
  status: ApprovalStatus;
  account_id: string;
  region: string;
  service_code: string;
  quota_code: string;
  quota_name: string;
  unit: string;
  global: Flag;
  action: 'increase' | 'support-case';
  from_value: number;
  desired_value: number;
  estimated_cost: number | null;
  rule: string;
  proposed_by: string;
  reason: string;
  created_at: EpochMs;
  expires_at: EpochMs;
  decided_by: string | null;
  decided_at: EpochMs | null;
  decision_reason: string | null;
  request_id: string | null;
  outcome: string | null;
}

/** What the engine remembers of one quota of one target between passes. */
export interface QuotaStatesTable {
  account_id: string;
  region: string;
  service_code: string;
  quota_code: string;
  band: Band;
  last_alert_band: Band | null;
  last_alert_at: EpochMs | null;
  last_action_at: EpochMs | null;
  updated_at: EpochMs;
}

/** The audit trail, append-only (triggers refuse updates and deletes), each row chained by hash. */
export interface AuditLogTable {
  seq: number;
  at: EpochMs;
  kind: AuditKind;
  actor: string;
  subject: string;
  summary: string;
  /** JSON. */
  data: string;
  prev_hash: string;
  hash: string;
}

/** The last audit entry written (one row, id 1): deleting entries from the end shows against it. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** The alerts outbox. */
export interface NotificationsTable {
  id: string;
  channel: string;
  /** JSON `AlertMessage`. */
  message: string;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: EpochMs;
  last_error: string | null;
  created_at: EpochMs;
  delivered_at: EpochMs | null;
}

export interface Database {
  targets: TargetsTable;
  quota_definitions: QuotaDefinitionsTable;
  limit_snapshots: LimitSnapshotsTable;
  limit_quotas: SnapshotQuotasTable;
  defaults_snapshots: DefaultsSnapshotsTable;
  default_quotas: SnapshotQuotasTable;
  usage_snapshots: UsageSnapshotsTable;
  usage_samples: UsageSamplesTable;
  api_calls: ApiCallsTable;
  quota_requests: QuotaRequestsTable;
  request_events: RequestEventsTable;
  collector_health: CollectorHealthTable;
  inventory: InventoryTable;
  account_regions: AccountRegionsTable;
  approvals: ApprovalsTable;
  quota_states: QuotaStatesTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  notifications: NotificationsTable;
}
