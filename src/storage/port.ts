/**
 * The store: everything headroom remembers between runs. One interface, one adapter per database
 * (`sqlite/` now, `postgres/` later); the rest of headroom sees only this file. Every write is one
 * transaction: a snapshot is stored whole or not at all.
 */
import type { AccountRegions, InventorySnapshot } from '../domain/inventory.js';
import type {
  CollectError,
  CollectorOutcome,
  LimitSnapshot,
  Quota,
  UsageSample,
  UsageSnapshot,
} from '../domain/quota.js';
import type { Approval, ApprovalFilter } from '../domain/approval.js';
import type { AuditEntry, AuditInput, AuditKind } from '../domain/audit.js';
import type { Notification, NotificationStatus, QuotaState } from '../domain/engine.js';
import type { QuotaRequestRecord, RequestEvent, RequestFilter } from '../domain/request.js';
import type { Target } from '../domain/target.js';

/** A target as the store lists it, with the account's display name when one is known. */
export interface StoredTarget extends Target {
  readonly accountName: string | null;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
}

/** AWS's default quotas of one region (the same for every account there), with the service list. */
export interface DefaultsSnapshot {
  readonly region: string;
  readonly collectedAt: Date;
  /** Every service ListServices gave. */
  readonly services: readonly { serviceCode: string; serviceName: string }[];
  /** Services left out by the service filter: their defaults were not read. */
  readonly unread: readonly string[];
  /** Every default quota, as `Quota` with `source: 'default'` and `value` = `defaultValue`. */
  readonly quotas: readonly Quota[];
  /** True when every service's defaults were read. */
  readonly complete: boolean;
  /** The services whose defaults could not be read, with why. */
  readonly failedServices: readonly CollectError[];
}

/** AWS API calls made by one run, per target and operation. */
export interface ApiCallStat {
  readonly at: Date;
  /** The run that made the calls (a collect run id). */
  readonly runId: string;
  readonly accountId: string;
  readonly region: string;
  readonly service: string;
  readonly operation: string;
  /** Logical calls (SDK commands sent). */
  readonly calls: number;
  /** HTTP attempts, retries included. */
  readonly attempts: number;
  readonly throttled: number;
  readonly failed: number;
  readonly durationMs: number;
}

/** The age of what is cached for one target. */
export interface CacheEntry {
  readonly target: Target;
  readonly limitsAt: Date | null;
  readonly limitsComplete: boolean | null;
  readonly quotaCount: number;
  readonly usageAt: Date | null;
  readonly usageSource: string | null;
  readonly sampleCount: number;
}

/** The latest run of one collector on one target, and when it last succeeded. */
export interface CollectorHealth {
  /** Empty for a fleet-wide collector (the inventory), as is `region`. */
  readonly accountId: string;
  readonly region: string;
  readonly collector: string;
  readonly success: boolean;
  readonly durationMs: number;
  readonly at: Date;
  /** Null until it first succeeds. */
  readonly lastSuccessAt: Date | null;
  /** The failure of the latest run; null when it succeeded. */
  readonly error: CollectError | null;
}

/** One target's newest limit and usage snapshots, as `latestSnapshots` gives them. */
export interface LatestSnapshots {
  readonly target: Target;
  readonly accountName: string | null;
  readonly limits: LimitSnapshot | undefined;
  readonly usage: UsageSnapshot | undefined;
}

/** AWS API calls per service and operation, summed over every recorded row. */
export interface ApiCallTotal {
  readonly service: string;
  readonly operation: string;
  readonly calls: number;
  readonly throttled: number;
}

export interface UsagePoint {
  readonly at: Date;
  readonly value: number;
}

/**
 * What every adapter guarantees (pinned by `contract.ts`, which each adapter runs):
 * - each method is one transaction: a failed save leaves nothing behind and the previous
 *   snapshot in place; failures are `StorageError`s naming the store (`HR_STORE_READ`,
 *   `HR_STORE_WRITE`), and any use after `close()` rejects with `HR_STORE_CLOSED`;
 * - "newest" means the latest `collectedAt`; of two with the same time, the one saved last;
 * - quotas and samples come back by service code, then quota code (code-unit order); rows of one
 *   quota code (account and resource level) keep the order they were saved in;
 * - a target is listed once upserted; saving a snapshot does not list it (cacheEntries does).
 */
export interface Store {
  /**
   * Records targets: inserts them, or refreshes lastSeen and the name (a null name keeps the one
   * known); firstSeen stays the first sighting.
   */
  upsertTargets(
    targets: readonly { target: Target; accountName: string | null; seenAt: Date }[],
  ): Promise<void>;
  /** Upserted targets, by account id, then region. */
  listTargets(): Promise<StoredTarget[]>;

  /** Saves a snapshot whole, keeping the 5 newest of its target. */
  saveLimitSnapshot(snapshot: LimitSnapshot): Promise<void>;
  /** The newest limit snapshot of a target, or undefined. */
  latestLimitSnapshot(target: Target): Promise<LimitSnapshot | undefined>;

  /**
   * Saves a snapshot whole, keeping the 5 newest of its target; the samples of older ones stay
   * as history.
   */
  saveUsageSnapshot(snapshot: UsageSnapshot): Promise<void>;
  latestUsageSnapshot(target: Target): Promise<UsageSnapshot | undefined>;
  /**
   * Usage samples of one quota of one target, oldest first, for forecasting: each at its
   * `observedAt`, or its snapshot's `collectedAt` when it has none; `since` is inclusive. With a
   * `resource`, the samples of that resource; without, the samples of the quota as a whole.
   */
  usageHistory(
    target: Target,
    quota: { serviceCode: string; quotaCode: string; resource?: string | undefined },
    since?: Date,
  ): Promise<UsagePoint[]>;

  /**
   * The usage history of every quota of one target in one read (the quotas as a whole, not their
   * resources), by `SERVICE/CODE`, each oldest first as `usageHistory` gives it.
   */
  usageHistories(target: Target, since?: Date): Promise<Map<string, UsagePoint[]>>;

  /** Saves a region's defaults whole, keeping the 2 newest of the region. */
  saveDefaults(snapshot: DefaultsSnapshot): Promise<void>;
  latestDefaults(region: string): Promise<DefaultsSnapshot | undefined>;

  /** Appends rows (they are kept until removed by hand). */
  recordApiCalls(stats: readonly ApiCallStat[]): Promise<void>;
  /** Recorded rows, oldest first; `since` is inclusive. */
  apiCallStats(filter?: { runId?: string; since?: Date }): Promise<ApiCallStat[]>;
  /** Calls and throttled attempts summed per (service, operation), by service then operation. */
  apiCallTotals(): Promise<ApiCallTotal[]>;

  /**
   * Every target's newest limit and usage snapshots in one read (the exporter's scrape): each
   * target that has either, by account id then region, snapshots as `latestLimitSnapshot` and
   * `latestUsageSnapshot` give them.
   */
  latestSnapshots(): Promise<LatestSnapshots[]>;

  /**
   * Records collectors' runs on a target (`null`: fleet-wide, such as the inventory), keeping
   * per (target, collector) the latest run and the time of the latest success. A run older than
   * the one stored is ignored.
   */
  saveCollectorOutcomes(target: Target | null, runs: readonly CollectorOutcome[]): Promise<void>;
  /** The latest run of every collector, by account id, region, then collector. */
  collectorHealth(): Promise<CollectorHealth[]>;

  /**
   * What is cached per target, by account id then region: every upserted target (with nulls and
   * zero counts when nothing is cached) and every target that has a snapshot.
   */
  cacheEntries(): Promise<CacheEntry[]>;
  /**
   * Forgets cached limit and usage snapshots (of one target, or all) and, when no target is
   * given, every region's defaults. Usage samples stay as history unless `history` is set.
   * Targets stay listed. Returns the number of snapshots removed.
   */
  clearCache(options?: { target?: Target; history?: boolean }): Promise<number>;

  /**
   * Inserts a request, or replaces the one with its id, in one transaction with its event: an
   * event is appended when the request is new or its status or message changed, so the trail
   * holds every change and nothing twice.
   */
  saveRequest(record: QuotaRequestRecord): Promise<void>;
  /** A request by headroom's id or AWS's request id, or undefined. */
  getRequest(id: string): Promise<QuotaRequestRecord | undefined>;
  /** Requests matching every given filter, newest first (createdAt, then id). */
  listRequests(filter?: RequestFilter): Promise<QuotaRequestRecord[]>;
  /** The changes of one request, oldest first. */
  requestEvents(id: string): Promise<RequestEvent[]>;

  /**
   * Keeps what an inventory source found, replacing what was kept for that source. Only ids,
   * names, role ARNs, profile names and regions are kept: any other field is dropped.
   */
  saveInventory(snapshot: InventorySnapshot): Promise<void>;
  /** What a source found last, or undefined. */
  latestInventory(source: string): Promise<InventorySnapshot | undefined>;
  /** Keeps what EC2 said of an account's regions, replacing what was kept for it. */
  saveAccountRegions(regions: AccountRegions): Promise<void>;
  accountRegions(accountId: string): Promise<AccountRegions | undefined>;

  /** Inserts an approval, or replaces the one with its id. */
  saveApproval(approval: Approval): Promise<void>;
  getApproval(id: string): Promise<Approval | undefined>;
  /** Approvals matching every given filter, newest first (createdAt, then id). */
  listApprovals(filter?: ApprovalFilter): Promise<Approval[]>;

  /** What the engine remembers of every quota it has evaluated. */
  quotaStates(): Promise<QuotaState[]>;
  /** Inserts or replaces states, by (target, service, quota code), in one transaction. */
  saveQuotaStates(states: readonly QuotaState[]): Promise<void>;

  /**
   * Appends entries to the audit trail in one transaction, each chained to the one before by
   * hash, and moves the recorded head; returns them as stored. Entries are never changed or
   * removed (the database refuses to).
   */
  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]>;
  /** Entries oldest first; `since` inclusive; `limit` keeps the newest that many. */
  auditEntries(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** The last entry written as recorded apart from the log (null before the first). */
  auditHead(): Promise<{ seq: number; hash: string } | null>;

  /** Adds alerts to the outbox. */
  enqueueNotifications(notifications: readonly Notification[]): Promise<void>;
  /** Replaces a notification (its status, attempts, error). */
  saveNotification(notification: Notification): Promise<void>;
  /** Pending notifications due at `now`, oldest first. */
  dueNotifications(now: Date, limit?: number): Promise<Notification[]>;
  /** Notifications, newest first. */
  listNotifications(filter?: {
    statuses?: readonly NotificationStatus[];
    limit?: number;
  }): Promise<Notification[]>;

  /** Lets work under way finish, then closes; closing twice is harmless. */
  close(): Promise<void>;
}

export interface AuditFilter {
  readonly since?: Date;
  readonly kinds?: readonly AuditKind[];
  /** Entries whose subject starts with this. */
  readonly subject?: string;
  readonly limit?: number;
}

/** Samples as stored history keeps them: a point per quota per usage snapshot. */
export type { UsageSample };
