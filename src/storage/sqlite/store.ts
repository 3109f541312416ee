/**
 * The store in one SQLite file (or in memory), through better-sqlite3 and Kysely's query builder.
 * Every method is one transaction; every failure is a `StorageError` naming the file.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { HeadroomError, StorageError } from '../../domain/errors.js';
import type {
  AccountRegions,
  DiscoveredAccount,
  InventoryProblem,
  InventorySnapshot,
} from '../../domain/inventory.js';
import type {
  CollectError,
  CollectorOutcome,
  LimitSnapshot,
  Quota,
  UsageSample,
  UsageSnapshot,
} from '../../domain/quota.js';
import type { Approval, ApprovalFilter } from '../../domain/approval.js';
import {
  type AuditEntry,
  type AuditInput,
  canonicalJson,
  entryHash,
  GENESIS_HASH,
} from '../../domain/audit.js';
import type { Notification, NotificationStatus, QuotaState } from '../../domain/engine.js';
import type { QuotaRequestRecord, RequestEvent, RequestFilter } from '../../domain/request.js';
import { targetKey, type Target } from '../../domain/target.js';
import {
  compareQuotaCodes,
  decodeDefinition,
  decodeErrors,
  decodeQuota,
  definitionKey,
  definitionOf,
  encodeErrors,
  encodeQuota,
  fromEpoch,
  fromFlag,
  toEpoch,
  toFlag,
  type ArnOwner,
  type DefinitionRow,
  type StaticQuota,
} from '../codec.js';
import type {
  ApiCallStat,
  ApiCallTotal,
  AuditFilter,
  CacheEntry,
  CollectorHealth,
  DefaultsSnapshot,
  LatestSnapshots,
  Store,
  StoredTarget,
  UsagePoint,
} from '../port.js';
import type {
  CollectorHealthTable,
  Database,
  EpochMs,
  QuotaRequestsTable,
  SnapshotQuotasTable,
  TargetsTable,
} from '../schema.js';
import { createSqliteKysely } from './connection.js';
import {
  decodeApproval,
  decodeAuditEntry,
  decodeNotification,
  decodeQuotaState,
  encodeApproval,
  encodeNotification,
  encodeQuotaState,
} from './engine-rows.js';
import { hintFor, openError, reason } from './errors.js';
import { migrateToLatest } from './migrations/index.js';

/** Limit snapshots kept per target, and usage snapshot headers (their samples stay as history). */
const KEEP_LIMIT_SNAPSHOTS = 5;
const KEEP_USAGE_SNAPSHOTS = 5;
/** Defaults snapshots kept per region. */
const KEEP_DEFAULTS_SNAPSHOTS = 2;

/** SQLite's own default for SQLITE_MAX_VARIABLE_NUMBER before 3.32; used if the build does not say. */
const FALLBACK_MAX_PARAMETERS = 999;
/**
 * Rows per multi-row statement, at most. Past ~64 rows a bigger statement is no faster (measured:
 * 4,096 quota rows insert in ~4 ms at 64 to 1,024 rows a statement), and few shapes keep the
 * statement cache warm.
 */
const MAX_BATCH_ROWS = 256;

export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock before failing (SQLite `busy_timeout`). */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its directory if needed) and migrates the store at `path`; `:memory:`
 * gives a private in-memory store, gone on close.
 *
 * @example
 * const store = await openSqliteStore('data/headroom.db');
 * try {
 *   await store.saveLimitSnapshot(snapshot);
 * } finally {
 *   await store.close();
 * }
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const file = path === ':memory:' ? path : resolve(path);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError(`busyTimeoutMs must be a whole number of milliseconds, not ${busyTimeoutMs}`);
  }
  let database: SqliteDatabase.Database;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    database = new SqliteDatabase(file);
  } catch (error) {
    throw openError(file, error);
  }
  const db = createSqliteKysely(database);
  let maxParameters: number;
  try {
    // Pragmas have no query builder. WAL lets readers (the exporter) run while a sweep writes;
    // NORMAL sync is durable in WAL mode except for the last commits on power loss.
    await sql`pragma journal_mode = wal`.execute(db);
    await sql`pragma busy_timeout = ${sql.lit(busyTimeoutMs)}`.execute(db);
    await sql`pragma foreign_keys = on`.execute(db);
    await sql`pragma synchronous = normal`.execute(db);
    const compileOptions = await sql<{ compile_options: string }>`pragma compile_options`.execute(db);
    const limit = compileOptions.rows
      .map((row) => /^MAX_VARIABLE_NUMBER=(\d+)$/.exec(row.compile_options)?.[1])
      .find((value) => value !== undefined);
    maxParameters = limit === undefined ? FALLBACK_MAX_PARAMETERS : Number(limit);
  } catch (error) {
    await db.destroy();
    throw openError(file, error);
  }
  try {
    await migrateToLatest(db, file);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new SqliteStore(db, file, maxParameters);
}

type Db = Kysely<Database>;

/** The per-target columns of a snapshot's quota row, as `decodeQuota` reads them. */
const QUOTA_COLUMNS = [
  'definition_id',
  'value',
  'source',
  'default_value',
  'quota_arn',
  'applied_at_level',
  'context_scope',
  'context_scope_type',
  'context_id',
  'error_code',
  'error_message',
] as const;
type QuotaRow = Pick<SnapshotQuotasTable, (typeof QUOTA_COLUMNS)[number]>;

function decodeSample(row: {
  service_code: string;
  quota_code: string;
  value: number;
  observed_at: EpochMs | null;
  resource: string | null;
  source: UsageSample['source'] | null;
}): UsageSample {
  return {
    serviceCode: row.service_code,
    quotaCode: row.quota_code,
    value: row.value,
    observedAt: row.observed_at === null ? null : fromEpoch(row.observed_at),
    ...(row.resource === null ? {} : { resource: row.resource }),
    ...(row.source === null ? {} : { source: row.source }),
  };
}

function decodeHealth(row: CollectorHealthTable): CollectorHealth {
  return {
    accountId: row.account_id,
    region: row.region,
    collector: row.collector,
    success: fromFlag(row.success),
    durationMs: row.duration_ms,
    at: fromEpoch(row.at),
    lastSuccessAt: row.last_success_at === null ? null : fromEpoch(row.last_success_at),
    error: row.error === null ? null : (JSON.parse(row.error) as CollectError),
  };
}

/** Groups rows by a key, keeping their order within each group. */
function groupRows<K, R>(rows: readonly R[], key: (row: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group === undefined) groups.set(key(row), [row]);
    else group.push(row);
  }
  return groups;
}

/** Definitions a transaction found or added: merged into the cache only once it commits. */
interface ResolvedDefinitions {
  readonly ids: number[];
  readonly learned: Map<string, number>;
  readonly seenUpTo: number;
}

function newestPerKey<K, R extends { id: number; collected_at: EpochMs }>(
  rows: readonly R[],
  key: (row: R) => K,
): Map<K, R> {
  const newest = new Map<K, R>();
  for (const row of rows) {
    const current = newest.get(key(row));
    if (
      current === undefined ||
      row.collected_at > current.collected_at ||
      (row.collected_at === current.collected_at && row.id > current.id)
    ) {
      newest.set(key(row), row);
    }
  }
  return newest;
}

/** A request as its `quota_requests` row (portable, like codec.ts: only this adapter uses it yet). */
function encodeRequest(record: QuotaRequestRecord): QuotaRequestsTable {
  return {
    id: record.id,
    kind: record.kind,
    account_id: record.target.accountId,
    region: record.target.region,
    service_code: record.serviceCode,
    quota_code: record.quotaCode,
    quota_name: record.quotaName,
    unit: record.unit,
    global: toFlag(record.global),
    from_value: record.fromValue,
    desired_value: record.desiredValue,
    status: record.status,
    aws_request_id: record.awsRequestId,
    case_id: record.caseId,
    requested_by: record.requestedBy,
    caller_arn: record.callerArn,
    plan_id: record.planId,
    reason: record.reason,
    message: record.message,
    created_at: toEpoch(record.createdAt, 'createdAt'),
    updated_at: toEpoch(record.updatedAt, 'updatedAt'),
    checked_at: record.checkedAt === null ? null : toEpoch(record.checkedAt, 'checkedAt'),
  };
}

function decodeRequest(row: QuotaRequestsTable): QuotaRequestRecord {
  return {
    id: row.id,
    kind: row.kind,
    target: { accountId: row.account_id, region: row.region },
    serviceCode: row.service_code,
    quotaCode: row.quota_code,
    quotaName: row.quota_name,
    unit: row.unit,
    global: fromFlag(row.global),
    fromValue: row.from_value,
    desiredValue: row.desired_value,
    status: row.status,
    awsRequestId: row.aws_request_id,
    caseId: row.case_id,
    requestedBy: row.requested_by,
    callerArn: row.caller_arn,
    planId: row.plan_id,
    reason: row.reason,
    message: row.message,
    createdAt: fromEpoch(row.created_at),
    updatedAt: fromEpoch(row.updated_at),
    checkedAt: row.checked_at === null ? null : fromEpoch(row.checked_at),
  };
}

/**
 * The SQLite adapter of `Store`. Open it with `openSqliteStore`; the constructor does no I/O.
 */
export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #file: string;
  readonly #maxParameters: number;
  #closed = false;
  readonly #inFlight = new Set<Promise<unknown>>();
  /**
   * Definitions are never changed or deleted, so both caches stay true for the life of the store,
   * even with other processes writing to the file.
   * `definitionKey` → id of every definition this store has seen committed.
   */
  readonly #definitions = new Map<string, number>();
  /** id → the definition decoded, for reads. */
  readonly #decoded = new Map<number, StaticQuota>();
  /** The highest definition id read so far: rows above it were added since (perhaps by another process). */
  #definitionsSeenUpTo = 0;

  constructor(db: Db, file: string, maxParameters: number) {
    this.#db = db;
    this.#file = file;
    this.#maxParameters = maxParameters;
  }

  /** The file this store lives in (`:memory:` for an in-memory store). */
  get file(): string {
    return this.#file;
  }

  async upsertTargets(
    targets: readonly { target: Target; accountName: string | null; seenAt: Date }[],
  ): Promise<void> {
    await this.#use('write', 'record targets', async (db) => {
      // One row per target (the last sighting wins, a known name is kept), so no insert conflicts
      // with itself.
      const rows = new Map<string, Omit<TargetsTable, 'id'>>();
      for (const { target, accountName, seenAt } of targets) {
        const key = targetKey(target);
        const seen = toEpoch(seenAt, `seenAt of ${key}`);
        const earlier = rows.get(key);
        rows.set(key, {
          account_id: target.accountId,
          region: target.region,
          account_name: accountName ?? earlier?.account_name ?? null,
          first_seen: Math.min(seen, earlier?.first_seen ?? seen),
          last_seen: seen,
        });
      }
      await db.transaction().execute(async (trx) => {
        await this.#insertInBatches([...rows.values()], (batch) =>
          trx
            .insertInto('targets')
            .values(batch)
            .onConflict((oc) =>
              oc.columns(['account_id', 'region']).doUpdateSet((eb) => ({
                account_name: eb.fn.coalesce('excluded.account_name', 'targets.account_name'),
                // Null while the target was known only from snapshots.
                first_seen: eb.fn.coalesce('targets.first_seen', 'excluded.first_seen'),
                last_seen: eb.ref('excluded.last_seen'),
              })),
            )
            .execute(),
        );
      });
    });
  }

  async listTargets(): Promise<StoredTarget[]> {
    return this.#use('read', 'list targets', async (db) => {
      const rows = await db
        .selectFrom('targets')
        .select(['account_id', 'region', 'account_name', 'first_seen', 'last_seen'])
        .where('first_seen', 'is not', null)
        .orderBy('account_id')
        .orderBy('region')
        .$narrowType<{ first_seen: EpochMs; last_seen: EpochMs }>()
        .execute();
      return rows.map((row) => ({
        accountId: row.account_id,
        region: row.region,
        accountName: row.account_name,
        firstSeen: fromEpoch(row.first_seen),
        lastSeen: fromEpoch(row.last_seen),
      }));
    });
  }

  async saveLimitSnapshot(snapshot: LimitSnapshot): Promise<void> {
    const target = snapshot.target;
    const resolved = await this.#use('write', `save the limit snapshot of ${targetKey(target)}`, (db) =>
      db.transaction().execute(async (trx) => {
        // The first statement writes, so the transaction holds the write lock from its start and
        // never has to upgrade a stale read snapshot (SQLITE_BUSY_SNAPSHOT).
        const targetId = await this.#targetId(trx, target);
        const definitions = await this.#resolveDefinitions(trx, snapshot.quotas.map(definitionOf));
        const { id } = await trx
          .insertInto('limit_snapshots')
          .values({
            target_id: targetId,
            collected_at: toEpoch(snapshot.collectedAt, 'collectedAt'),
            complete: toFlag(snapshot.complete),
            quota_count: snapshot.quotas.length,
            errors: encodeErrors(snapshot.errors),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await this.#insertQuotas(trx, 'limit_quotas', id, snapshot.quotas, definitions.ids, target);
        await trx
          .deleteFrom('limit_snapshots')
          .where('target_id', '=', targetId)
          .where('id', 'not in', (eb) =>
            eb
              .selectFrom('limit_snapshots')
              .select('id')
              .where('target_id', '=', targetId)
              .orderBy('collected_at', 'desc')
              .orderBy('id', 'desc')
              .limit(KEEP_LIMIT_SNAPSHOTS),
          )
          .execute();
        return definitions;
      }),
    );
    this.#learn(resolved);
  }

  async latestLimitSnapshot(target: Target): Promise<LimitSnapshot | undefined> {
    return this.#use('read', `read the limit snapshot of ${targetKey(target)}`, (db) =>
      db.transaction().execute(async (trx) => {
        const targetId = await this.#findTargetId(trx, target);
        if (targetId === undefined) return undefined;
        const header = await trx
          .selectFrom('limit_snapshots')
          .select(['id', 'collected_at', 'complete', 'errors'])
          .where('target_id', '=', targetId)
          .orderBy('collected_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (header === undefined) return undefined;
        return {
          target: { accountId: target.accountId, region: target.region },
          collectedAt: fromEpoch(header.collected_at),
          complete: fromFlag(header.complete),
          quotas: await this.#readQuotas(trx, 'limit_quotas', header.id, target),
          errors: decodeErrors(header.errors),
        };
      }),
    );
  }

  async saveUsageSnapshot(snapshot: UsageSnapshot): Promise<void> {
    const target = snapshot.target;
    await this.#use('write', `save the usage snapshot of ${targetKey(target)}`, (db) =>
      db.transaction().execute(async (trx) => {
        const targetId = await this.#targetId(trx, target);
        const collectedAt = toEpoch(snapshot.collectedAt, 'collectedAt');
        const { id } = await trx
          .insertInto('usage_snapshots')
          .values({
            target_id: targetId,
            collected_at: collectedAt,
            source: snapshot.source,
            window_start: toEpoch(snapshot.windowStart, 'windowStart'),
            window_end: toEpoch(snapshot.windowEnd, 'windowEnd'),
            complete: toFlag(snapshot.complete),
            sample_count: snapshot.samples.length,
            errors: encodeErrors(snapshot.errors),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const samples = snapshot.samples.map((sample, seq) => ({
          snapshot_id: id,
          seq,
          target_id: targetId,
          service_code: sample.serviceCode,
          quota_code: sample.quotaCode,
          collected_at: collectedAt,
          value: sample.value,
          observed_at: sample.observedAt === null ? null : toEpoch(sample.observedAt, 'observedAt'),
          resource: sample.resource ?? null,
          source: sample.source ?? null,
        }));
        await this.#insertInBatches(samples, (batch) =>
          trx.insertInto('usage_samples').values(batch).execute(),
        );
        // Old headers go; their samples stay as history.
        await trx
          .deleteFrom('usage_snapshots')
          .where('target_id', '=', targetId)
          .where('id', 'not in', (eb) =>
            eb
              .selectFrom('usage_snapshots')
              .select('id')
              .where('target_id', '=', targetId)
              .orderBy('collected_at', 'desc')
              .orderBy('id', 'desc')
              .limit(KEEP_USAGE_SNAPSHOTS),
          )
          .execute();
      }),
    );
  }

  async latestUsageSnapshot(target: Target): Promise<UsageSnapshot | undefined> {
    return this.#use('read', `read the usage snapshot of ${targetKey(target)}`, (db) =>
      db.transaction().execute(async (trx) => {
        const targetId = await this.#findTargetId(trx, target);
        if (targetId === undefined) return undefined;
        const header = await trx
          .selectFrom('usage_snapshots')
          .selectAll()
          .where('target_id', '=', targetId)
          .orderBy('collected_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (header === undefined) return undefined;
        const samples = await trx
          .selectFrom('usage_samples')
          .select(['service_code', 'quota_code', 'value', 'observed_at', 'resource', 'source'])
          .where('snapshot_id', '=', header.id)
          .orderBy('service_code')
          .orderBy('quota_code')
          .orderBy('seq')
          .execute();
        return {
          target: { accountId: target.accountId, region: target.region },
          collectedAt: fromEpoch(header.collected_at),
          source: header.source,
          windowStart: fromEpoch(header.window_start),
          windowEnd: fromEpoch(header.window_end),
          complete: fromFlag(header.complete),
          samples: samples.map(decodeSample),
          errors: decodeErrors(header.errors),
        };
      }),
    );
  }

  async usageHistory(
    target: Target,
    quota: { serviceCode: string; quotaCode: string; resource?: string | undefined },
    since?: Date,
  ): Promise<UsagePoint[]> {
    const what = `read the usage history of ${quota.serviceCode}/${quota.quotaCode} in ${targetKey(target)}`;
    const rows = await this.#historyRows(what, target, quota, quota.resource ?? null, since);
    return rows.map((row) => ({ at: fromEpoch(row.at), value: row.value }));
  }

  async usageHistories(target: Target, since?: Date): Promise<Map<string, UsagePoint[]>> {
    const what = `read the usage history of ${targetKey(target)}`;
    const histories = new Map<string, UsagePoint[]>();
    for (const row of await this.#historyRows(what, target, undefined, null, since)) {
      const key = `${row.service_code}/${row.quota_code}`;
      const list = histories.get(key) ?? [];
      list.push({ at: fromEpoch(row.at), value: row.value });
      histories.set(key, list);
    }
    return histories;
  }

  /**
   * Usage samples of a target (of one quota, or all), of one resource or of the quotas as a whole
   * (`resource` null), each at its observedAt or else collectedAt, oldest first; `since` inclusive.
   */
  async #historyRows(
    what: string,
    target: Target,
    quota: { serviceCode: string; quotaCode: string } | undefined,
    resource: string | null,
    since: Date | undefined,
  ): Promise<{ service_code: string; quota_code: string; value: number; at: EpochMs }[]> {
    return this.#use('read', what, (db) =>
      db.transaction().execute(async (trx) => {
        const targetId = await this.#findTargetId(trx, target);
        if (targetId === undefined) return [];
        return trx
          .selectFrom('usage_samples')
          .select((eb) => [
            'service_code',
            'quota_code',
            'value',
            eb.fn.coalesce('observed_at', 'collected_at').as('at'),
          ])
          .where('target_id', '=', targetId)
          .$if(quota !== undefined, (qb) =>
            qb
              .where('service_code', '=', quota?.serviceCode ?? '')
              .where('quota_code', '=', quota?.quotaCode ?? ''),
          )
          .where('resource', resource === null ? 'is' : '=', resource)
          .$if(since !== undefined, (qb) =>
            qb.where(
              (eb) => eb.fn.coalesce('observed_at', 'collected_at'),
              '>=',
              toEpoch(since ?? new Date(0), 'since'),
            ),
          )
          .orderBy('at')
          .orderBy('collected_at')
          .orderBy('seq')
          .execute();
      }),
    );
  }

  async saveDefaults(snapshot: DefaultsSnapshot): Promise<void> {
    const owner: ArnOwner = { accountId: '', region: snapshot.region };
    const resolved = await this.#use('write', `save the default quotas of ${snapshot.region}`, (db) =>
      db.transaction().execute(async (trx) => {
        const { id } = await trx
          .insertInto('defaults_snapshots')
          .values({
            region: snapshot.region,
            collected_at: toEpoch(snapshot.collectedAt, 'collectedAt'),
            complete: toFlag(snapshot.complete),
            quota_count: snapshot.quotas.length,
            services: JSON.stringify(
              snapshot.services.map(({ serviceCode, serviceName }) => ({ serviceCode, serviceName })),
            ),
            unread: JSON.stringify(snapshot.unread),
            failed_services: encodeErrors(snapshot.failedServices),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const definitions = await this.#resolveDefinitions(trx, snapshot.quotas.map(definitionOf));
        await this.#insertQuotas(trx, 'default_quotas', id, snapshot.quotas, definitions.ids, owner);
        await trx
          .deleteFrom('defaults_snapshots')
          .where('region', '=', snapshot.region)
          .where('id', 'not in', (eb) =>
            eb
              .selectFrom('defaults_snapshots')
              .select('id')
              .where('region', '=', snapshot.region)
              .orderBy('collected_at', 'desc')
              .orderBy('id', 'desc')
              .limit(KEEP_DEFAULTS_SNAPSHOTS),
          )
          .execute();
        return definitions;
      }),
    );
    this.#learn(resolved);
  }

  async latestDefaults(region: string): Promise<DefaultsSnapshot | undefined> {
    const owner: ArnOwner = { accountId: '', region };
    return this.#use('read', `read the default quotas of ${region}`, (db) =>
      db.transaction().execute(async (trx) => {
        const header = await trx
          .selectFrom('defaults_snapshots')
          .select(['id', 'collected_at', 'complete', 'services', 'unread', 'failed_services'])
          .where('region', '=', region)
          .orderBy('collected_at', 'desc')
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (header === undefined) return undefined;
        return {
          region,
          collectedAt: fromEpoch(header.collected_at),
          services: JSON.parse(header.services) as DefaultsSnapshot['services'],
          unread: JSON.parse(header.unread) as string[],
          quotas: await this.#readQuotas(trx, 'default_quotas', header.id, owner),
          complete: fromFlag(header.complete),
          failedServices: decodeErrors(header.failed_services),
        };
      }),
    );
  }

  async recordApiCalls(stats: readonly ApiCallStat[]): Promise<void> {
    await this.#use('write', 'record API calls', async (db) => {
      const rows = stats.map((stat) => ({
        at: toEpoch(stat.at, 'at'),
        run_id: stat.runId,
        account_id: stat.accountId,
        region: stat.region,
        service: stat.service,
        operation: stat.operation,
        calls: stat.calls,
        attempts: stat.attempts,
        throttled: stat.throttled,
        failed: stat.failed,
        duration_ms: stat.durationMs,
      }));
      await db.transaction().execute(async (trx) => {
        await this.#insertInBatches(rows, (batch) => trx.insertInto('api_calls').values(batch).execute());
      });
    });
  }

  async apiCallStats(filter: { runId?: string; since?: Date } = {}): Promise<ApiCallStat[]> {
    const { runId, since } = filter;
    return this.#use('read', 'read API call statistics', async (db) => {
      const rows = await db
        .selectFrom('api_calls')
        .selectAll()
        .$if(runId !== undefined, (qb) => qb.where('run_id', '=', runId ?? ''))
        .$if(since !== undefined, (qb) => qb.where('at', '>=', toEpoch(since ?? new Date(0), 'since')))
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        at: fromEpoch(row.at),
        runId: row.run_id,
        accountId: row.account_id,
        region: row.region,
        service: row.service,
        operation: row.operation,
        calls: row.calls,
        attempts: row.attempts,
        throttled: row.throttled,
        failed: row.failed,
        durationMs: row.duration_ms,
      }));
    });
  }

  async apiCallTotals(): Promise<ApiCallTotal[]> {
    return this.#use('read', 'sum the API call statistics', async (db) => {
      const rows = await db
        .selectFrom('api_calls')
        .select((eb) => [
          'service',
          'operation',
          eb.fn.sum<number>('calls').as('calls'),
          eb.fn.sum<number>('throttled').as('throttled'),
        ])
        .groupBy(['service', 'operation'])
        .orderBy('service')
        .orderBy('operation')
        .execute();
      return rows.map((row) => ({
        service: row.service,
        operation: row.operation,
        calls: row.calls,
        throttled: row.throttled,
      }));
    });
  }

  async latestSnapshots(): Promise<LatestSnapshots[]> {
    return this.#use('read', 'read the latest snapshots', (db) =>
      db.transaction().execute(async (trx) => {
        const targets = await trx
          .selectFrom('targets')
          .select(['id', 'account_id', 'region', 'account_name'])
          .orderBy('account_id')
          .orderBy('region')
          .execute();
        // Headers first (a few per target), then the rows of the newest ones only, in batches.
        const limits = newestPerKey(
          await trx
            .selectFrom('limit_snapshots')
            .select(['id', 'target_id', 'collected_at', 'complete', 'errors'])
            .execute(),
          (row) => row.target_id,
        );
        const usage = newestPerKey(
          await trx.selectFrom('usage_snapshots').selectAll().execute(),
          (row) => row.target_id,
        );
        const quotaRows: (QuotaRow & { snapshot_id: number })[] = [];
        for (const ids of this.#batches(
          [...limits.values()].map((row) => row.id),
          1,
        )) {
          const rows = await trx
            .selectFrom('limit_quotas')
            .select(['snapshot_id', ...QUOTA_COLUMNS])
            .where('snapshot_id', 'in', ids)
            .orderBy('snapshot_id')
            .orderBy('seq')
            .execute();
          // One by one: a batch may hold more rows than a call takes arguments (push(...rows)
          // overflowed the stack at 200 snapshots of 1,000 quotas).
          for (const row of rows) quotaRows.push(row);
        }
        await this.#loadDefinitions(trx, quotaRows);
        const quotasOf = groupRows(quotaRows, (row) => row.snapshot_id);
        const sampleRows = [];
        for (const ids of this.#batches(
          [...usage.values()].map((row) => row.id),
          1,
        )) {
          const rows = await trx
            .selectFrom('usage_samples')
            .select([
              'snapshot_id',
              'service_code',
              'quota_code',
              'value',
              'observed_at',
              'resource',
              'source',
            ])
            .where('snapshot_id', 'in', ids)
            .orderBy('snapshot_id')
            .orderBy('service_code')
            .orderBy('quota_code')
            .orderBy('seq')
            .execute();
          for (const row of rows) sampleRows.push(row);
        }
        const samplesOf = groupRows(sampleRows, (row) => row.snapshot_id);
        return targets
          .filter((row) => limits.has(row.id) || usage.has(row.id))
          .map((row): LatestSnapshots => {
            const target = { accountId: row.account_id, region: row.region };
            const limit = limits.get(row.id);
            const used = usage.get(row.id);
            return {
              target,
              accountName: row.account_name,
              limits:
                limit === undefined
                  ? undefined
                  : {
                      target,
                      collectedAt: fromEpoch(limit.collected_at),
                      complete: fromFlag(limit.complete),
                      quotas: (quotasOf.get(limit.id) ?? [])
                        .map((quota) => this.#decodeQuota(quota, target))
                        .sort(compareQuotaCodes),
                      errors: decodeErrors(limit.errors),
                    },
              usage:
                used === undefined
                  ? undefined
                  : {
                      target,
                      collectedAt: fromEpoch(used.collected_at),
                      source: used.source,
                      windowStart: fromEpoch(used.window_start),
                      windowEnd: fromEpoch(used.window_end),
                      complete: fromFlag(used.complete),
                      samples: (samplesOf.get(used.id) ?? []).map(decodeSample),
                      errors: decodeErrors(used.errors),
                    },
            };
          });
      }),
    );
  }

  async saveCollectorOutcomes(target: Target | null, runs: readonly CollectorOutcome[]): Promise<void> {
    const where = target === null ? 'the fleet' : targetKey(target);
    await this.#use('write', `record the collectors' outcomes of ${where}`, async (db) => {
      // The latest run per collector, should one list the same collector twice.
      const latest = new Map<string, CollectorHealthTable>();
      for (const run of runs) {
        const at = toEpoch(run.at, `at of ${run.collector}`);
        const earlier = latest.get(run.collector);
        if (earlier !== undefined && earlier.at > at) continue;
        latest.set(run.collector, {
          account_id: target?.accountId ?? '',
          region: target?.region ?? '',
          collector: run.collector,
          success: toFlag(run.success),
          duration_ms: run.durationMs,
          at,
          last_success_at: run.success ? at : (earlier?.last_success_at ?? null),
          error:
            run.success || run.error === undefined
              ? null
              : JSON.stringify({
                  scope: run.error.scope,
                  serviceCode: run.error.serviceCode,
                  code: run.error.code,
                  message: run.error.message,
                  ...(run.error.hint === undefined ? {} : { hint: run.error.hint }),
                }),
        });
      }
      await db.transaction().execute(async (trx) => {
        await this.#insertInBatches([...latest.values()], (batch) =>
          trx
            .insertInto('collector_health')
            .values(batch)
            .onConflict((oc) =>
              oc
                .columns(['account_id', 'region', 'collector'])
                .doUpdateSet((eb) => ({
                  success: eb.ref('excluded.success'),
                  duration_ms: eb.ref('excluded.duration_ms'),
                  at: eb.ref('excluded.at'),
                  error: eb.ref('excluded.error'),
                  last_success_at: eb.fn.coalesce(
                    'excluded.last_success_at',
                    'collector_health.last_success_at',
                  ),
                }))
                // An older run than the one stored changes nothing.
                .where('excluded.at', '>=', (eb) => eb.ref('collector_health.at')),
            )
            .execute(),
        );
      });
    });
  }

  async collectorHealth(): Promise<CollectorHealth[]> {
    return this.#use('read', "read the collectors' health", async (db) => {
      const rows = await db
        .selectFrom('collector_health')
        .selectAll()
        .orderBy('account_id')
        .orderBy('region')
        .orderBy('collector')
        .execute();
      return rows.map(decodeHealth);
    });
  }

  async cacheEntries(): Promise<CacheEntry[]> {
    return this.#use('read', 'list the cache', (db) =>
      db.transaction().execute(async (trx) => {
        const targets = await trx
          .selectFrom('targets')
          .select(['id', 'account_id', 'region', 'first_seen'])
          .orderBy('account_id')
          .orderBy('region')
          .execute();
        // Headers only (a few per target, counts kept on them): no snapshot rows are read.
        const limits = newestPerKey(
          await trx
            .selectFrom('limit_snapshots')
            .select(['id', 'target_id', 'collected_at', 'complete', 'quota_count'])
            .execute(),
          (row) => row.target_id,
        );
        const usage = newestPerKey(
          await trx
            .selectFrom('usage_snapshots')
            .select(['id', 'target_id', 'collected_at', 'source', 'sample_count'])
            .execute(),
          (row) => row.target_id,
        );
        return targets
          .filter((row) => row.first_seen !== null || limits.has(row.id) || usage.has(row.id))
          .map((row) => {
            const limit = limits.get(row.id);
            const used = usage.get(row.id);
            return {
              target: { accountId: row.account_id, region: row.region },
              limitsAt: limit === undefined ? null : fromEpoch(limit.collected_at),
              limitsComplete: limit === undefined ? null : fromFlag(limit.complete),
              quotaCount: limit?.quota_count ?? 0,
              usageAt: used === undefined ? null : fromEpoch(used.collected_at),
              usageSource: used?.source ?? null,
              sampleCount: used?.sample_count ?? 0,
            };
          });
      }),
    );
  }

  async clearCache(options: { target?: Target; history?: boolean } = {}): Promise<number> {
    const { target, history = false } = options;
    const what = target === undefined ? 'clear the cache' : `clear the cache of ${targetKey(target)}`;
    return this.#use('write', what, (db) =>
      db.transaction().execute(async (trx) => {
        // A subquery, not a lookup first: the transaction's first statement writes (see saveLimitSnapshot).
        const targetIds = trx
          .selectFrom('targets')
          .select('id')
          .where('account_id', '=', target?.accountId ?? '')
          .where('region', '=', target?.region ?? '');
        const all = target === undefined;
        const limits = await trx
          .deleteFrom('limit_snapshots')
          .$if(!all, (qb) => qb.where('target_id', 'in', targetIds))
          .executeTakeFirst();
        const usage = await trx
          .deleteFrom('usage_snapshots')
          .$if(!all, (qb) => qb.where('target_id', 'in', targetIds))
          .executeTakeFirst();
        let removed = Number(limits.numDeletedRows) + Number(usage.numDeletedRows);
        if (all) {
          const defaults = await trx.deleteFrom('defaults_snapshots').executeTakeFirst();
          removed += Number(defaults.numDeletedRows);
        }
        if (history) {
          await trx
            .deleteFrom('usage_samples')
            .$if(!all, (qb) => qb.where('target_id', 'in', targetIds))
            .execute();
        }
        return removed;
      }),
    );
  }

  async saveRequest(record: QuotaRequestRecord): Promise<void> {
    await this.#use('write', `save the request ${record.id}`, (db) =>
      db.transaction().execute(async (trx) => {
        const row = encodeRequest(record);
        // The stored status and message, read by a write that changes nothing: the transaction's
        // first statement writes (see saveLimitSnapshot), so no other process commits in between.
        const stored = await trx
          .updateTable('quota_requests')
          .set((eb) => ({ status: eb.ref('status') }))
          .where('id', '=', row.id)
          .returning(['status', 'message'])
          .executeTakeFirst();
        const { id: _id, ...columns } = row;
        await trx
          .insertInto('quota_requests')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(columns))
          .execute();
        // New (nothing stored: `stored?.status` is undefined), or its status or message changed.
        if (stored?.status !== row.status || stored.message !== row.message) {
          await trx
            .insertInto('request_events')
            .values({ request_id: row.id, at: row.updated_at, status: row.status, message: row.message })
            .execute();
        }
      }),
    );
  }

  async getRequest(id: string): Promise<QuotaRequestRecord | undefined> {
    return this.#use('read', `read the request ${id}`, async (db) => {
      const row = await this.#findRequest(db, id);
      return row === undefined ? undefined : decodeRequest(row);
    });
  }

  async listRequests(filter: RequestFilter = {}): Promise<QuotaRequestRecord[]> {
    const { statuses = [], target, planId, kind } = filter;
    return this.#use('read', 'list requests', async (db) => {
      const rows = await db
        .selectFrom('quota_requests')
        .selectAll()
        .$if(statuses.length > 0, (qb) => qb.where('status', 'in', statuses))
        .$if(target !== undefined, (qb) =>
          qb.where('account_id', '=', target?.accountId ?? '').where('region', '=', target?.region ?? ''),
        )
        .$if(planId !== undefined, (qb) => qb.where('plan_id', '=', planId ?? ''))
        .$if(kind !== undefined, (qb) => qb.where('kind', '=', kind ?? 'increase'))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(decodeRequest);
    });
  }

  async requestEvents(id: string): Promise<RequestEvent[]> {
    return this.#use('read', `read the events of the request ${id}`, (db) =>
      db.transaction().execute(async (trx) => {
        const request = await this.#findRequest(trx, id);
        if (request === undefined) return [];
        const rows = await trx
          .selectFrom('request_events')
          .select(['request_id', 'at', 'status', 'message'])
          .where('request_id', '=', request.id)
          .orderBy('id')
          .execute();
        return rows.map((row) => ({
          requestId: row.request_id,
          at: fromEpoch(row.at),
          status: row.status,
          message: row.message,
        }));
      }),
    );
  }

  async saveInventory(snapshot: InventorySnapshot): Promise<void> {
    // Field by field: whatever else an entry carries (an external id, a key by mistake) stays out.
    const accounts = snapshot.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      roleArn: a.roleArn,
      profile: a.profile,
      regions: a.regions,
    }));
    const problems = snapshot.problems.map((p) => ({
      code: p.code,
      source: p.source,
      message: p.message,
      ...(p.hint === undefined ? {} : { hint: p.hint }),
    }));
    const row = {
      source: snapshot.source,
      fetched_at: toEpoch(snapshot.fetchedAt, 'fetchedAt'),
      accounts: JSON.stringify(accounts),
      problems: JSON.stringify(problems),
    };
    await this.#use('write', `save the accounts of inventory source ${snapshot.source}`, async (db) => {
      await db
        .insertInto('inventory')
        .values(row)
        .onConflict((oc) => oc.column('source').doUpdateSet(row))
        .execute();
    });
  }

  async latestInventory(source: string): Promise<InventorySnapshot | undefined> {
    return this.#use('read', `read the accounts of inventory source ${source}`, async (db) => {
      const row = await db
        .selectFrom('inventory')
        .selectAll()
        .where('source', '=', source)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        source: row.source,
        fetchedAt: fromEpoch(row.fetched_at),
        accounts: JSON.parse(row.accounts) as DiscoveredAccount[],
        problems: JSON.parse(row.problems) as InventoryProblem[],
      };
    });
  }

  async saveAccountRegions(regions: AccountRegions): Promise<void> {
    const row = {
      account_id: regions.accountId,
      fetched_at: toEpoch(regions.fetchedAt, 'fetchedAt'),
      known: JSON.stringify(regions.known),
      enabled: JSON.stringify(regions.enabled),
      in_use: regions.inUse === null ? null : JSON.stringify(regions.inUse),
    };
    await this.#use('write', `save the regions of account ${regions.accountId}`, async (db) => {
      await db
        .insertInto('account_regions')
        .values(row)
        .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
        .execute();
    });
  }

  async accountRegions(accountId: string): Promise<AccountRegions | undefined> {
    return this.#use('read', `read the regions of account ${accountId}`, async (db) => {
      const row = await db
        .selectFrom('account_regions')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        accountId: row.account_id,
        fetchedAt: fromEpoch(row.fetched_at),
        known: JSON.parse(row.known) as string[],
        enabled: JSON.parse(row.enabled) as string[],
        inUse: row.in_use === null ? null : (JSON.parse(row.in_use) as string[]),
      };
    });
  }

  async saveApproval(approval: Approval): Promise<void> {
    await this.#use('write', `save the approval ${approval.id}`, async (db) => {
      const row = encodeApproval(approval);
      const { id: _id, ...columns } = row;
      await db
        .insertInto('approvals')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(columns))
        .execute();
    });
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    return this.#use('read', `read the approval ${id}`, async (db) => {
      const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : decodeApproval(row);
    });
  }

  async listApprovals(filter: ApprovalFilter = {}): Promise<Approval[]> {
    const { statuses = [], target, quota } = filter;
    return this.#use('read', 'list approvals', async (db) => {
      const rows = await db
        .selectFrom('approvals')
        .selectAll()
        .$if(statuses.length > 0, (qb) => qb.where('status', 'in', statuses))
        .$if(target !== undefined, (qb) =>
          qb.where('account_id', '=', target?.accountId ?? '').where('region', '=', target?.region ?? ''),
        )
        .$if(quota !== undefined, (qb) =>
          qb
            .where('service_code', '=', quota?.serviceCode ?? '')
            .where('quota_code', '=', quota?.quotaCode ?? ''),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(decodeApproval);
    });
  }

  async quotaStates(): Promise<QuotaState[]> {
    return this.#use('read', 'read the engine state', async (db) => {
      const rows = await db.selectFrom('quota_states').selectAll().execute();
      return rows.map(decodeQuotaState);
    });
  }

  async saveQuotaStates(states: readonly QuotaState[]): Promise<void> {
    if (states.length === 0) return;
    await this.#use('write', 'save the engine state', (db) =>
      db.transaction().execute(async (trx) => {
        for (const batch of this.#batches(states.map(encodeQuotaState), 9)) {
          await trx
            .insertInto('quota_states')
            .values(batch)
            .onConflict((oc) =>
              oc.columns(['account_id', 'region', 'service_code', 'quota_code']).doUpdateSet((eb) => ({
                band: eb.ref('excluded.band'),
                last_alert_band: eb.ref('excluded.last_alert_band'),
                last_alert_at: eb.ref('excluded.last_alert_at'),
                last_action_at: eb.ref('excluded.last_action_at'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      }),
    );
  }

  async appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    if (entries.length === 0) return [];
    return this.#use('write', 'append to the audit trail', (db) =>
      db.transaction().execute(async (trx) => {
        // The first statement writes, so no other process appends between reading the head and
        // writing after it (see saveLimitSnapshot).
        const head = await trx
          .insertInto('audit_head')
          .values({ id: 1, seq: 0, hash: GENESIS_HASH })
          .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ seq: eb.ref('audit_head.seq') })))
          .returning(['seq', 'hash'])
          .executeTakeFirstOrThrow();
        let { seq, hash } = head;
        const stored: AuditEntry[] = [];
        for (const entry of entries) {
          seq += 1;
          const next = entryHash(hash, seq, entry);
          stored.push({ ...entry, seq, prevHash: hash, hash: next });
          hash = next;
        }
        for (const batch of this.#batches(stored, 9)) {
          await trx
            .insertInto('audit_log')
            .values(
              batch.map((e) => ({
                seq: e.seq,
                at: toEpoch(e.at, 'at'),
                kind: e.kind,
                actor: e.actor,
                subject: e.subject,
                summary: e.summary,
                data: canonicalJson(e.data),
                prev_hash: e.prevHash,
                hash: e.hash,
              })),
            )
            .execute();
        }
        await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
        return stored;
      }),
    );
  }

  async auditEntries(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const { since, kinds = [], subject, limit } = filter;
    return this.#use('read', 'read the audit trail', async (db) => {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .$if(since !== undefined, (qb) => qb.where('at', '>=', since?.getTime() ?? 0))
        .$if(kinds.length > 0, (qb) => qb.where('kind', 'in', kinds))
        .$if(subject !== undefined, (qb) =>
          qb.where(sql<boolean>`substr(subject, 1, ${(subject ?? '').length}) = ${subject ?? ''}`),
        )
        .orderBy('seq', limit === undefined ? 'asc' : 'desc')
        .$if(limit !== undefined, (qb) => qb.limit(limit ?? 0))
        .execute();
      const entries = rows.map(decodeAuditEntry);
      return limit === undefined ? entries : entries.reverse();
    });
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    return this.#use('read', 'read the audit head', async (db) => {
      const row = await db
        .selectFrom('audit_head')
        .select(['seq', 'hash'])
        .where('id', '=', 1)
        .executeTakeFirst();
      return row === undefined || row.seq === 0 ? null : row;
    });
  }

  async enqueueNotifications(notifications: readonly Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    await this.#use('write', 'queue notifications', (db) =>
      db.transaction().execute(async (trx) => {
        for (const batch of this.#batches(notifications.map(encodeNotification), 9)) {
          await trx.insertInto('notifications').values(batch).execute();
        }
      }),
    );
  }

  async saveNotification(notification: Notification): Promise<void> {
    await this.#use('write', `save the notification ${notification.id}`, async (db) => {
      const row = encodeNotification(notification);
      const { id: _id, ...columns } = row;
      await db
        .insertInto('notifications')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet(columns))
        .execute();
    });
  }

  async dueNotifications(now: Date, limit = 100): Promise<Notification[]> {
    return this.#use('read', 'read due notifications', async (db) => {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now.getTime())
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(decodeNotification);
    });
  }

  async listNotifications(
    filter: { statuses?: readonly NotificationStatus[]; limit?: number } = {},
  ): Promise<Notification[]> {
    const { statuses = [], limit } = filter;
    return this.#use('read', 'list notifications', async (db) => {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .$if(statuses.length > 0, (qb) => qb.where('status', 'in', statuses))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .$if(limit !== undefined, (qb) => qb.limit(limit ?? 0))
        .execute();
      return rows.map(decodeNotification);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Work already under way finishes first; anything called from now on is refused.
    await Promise.allSettled(this.#inFlight);
    await this.#db.destroy();
  }

  /** Runs `work` unless the store is closed, turning any failure into a `StorageError` naming the file. */
  async #use<T>(kind: 'read' | 'write', what: string, work: (db: Db) => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new StorageError('HR_STORE_CLOSED', `cannot ${what}: the store ${this.#file} is closed`, {
        hint: 'this is a bug in headroom (the store was used after close()); please report it',
      });
    }
    // Started from a promise, so even a synchronous throw in `work` becomes a StorageError.
    const running = Promise.resolve().then(() => work(this.#db));
    this.#inFlight.add(running);
    try {
      return await running;
    } catch (error) {
      if (error instanceof HeadroomError) throw error;
      const code = kind === 'read' ? 'HR_STORE_READ' : 'HR_STORE_WRITE';
      throw new StorageError(code, `cannot ${what} in the store ${this.#file}: ${reason(error)}`, {
        hint: hintFor(error, this.#file),
        cause: error,
      });
    } finally {
      this.#inFlight.delete(running);
    }
  }

  /**
   * Splits `items` for multi-row statements binding `perItem` parameters each: full batches of
   * the largest power of two the bound-parameter limit allows (at most MAX_BATCH_ROWS), then the
   * rest in falling powers of two, so every statement has one of a few shapes (all cached).
   */
  #batches<T>(items: readonly T[], perItem: number): T[][] {
    let size = 1;
    while (size * 2 <= MAX_BATCH_ROWS && size * 2 * perItem <= this.#maxParameters) size *= 2;
    const batches: T[][] = [];
    for (let start = 0; start < items.length; start += size) {
      while (size > items.length - start) size /= 2;
      batches.push(items.slice(start, start + size));
    }
    return batches;
  }

  /** Inserts rows in multi-row statements, as few as the bound-parameter limit allows. */
  async #insertInBatches<R extends object>(
    rows: readonly R[],
    insert: (batch: R[]) => Promise<unknown>,
  ): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    for (const batch of this.#batches(rows, Object.keys(first).length)) await insert(batch);
  }

  async #insertQuotas(
    trx: Db,
    table: 'limit_quotas' | 'default_quotas',
    snapshotId: number,
    quotas: LimitSnapshot['quotas'],
    definitionIds: readonly number[],
    owner: ArnOwner,
  ): Promise<void> {
    const rows: SnapshotQuotasTable[] = quotas.map((quota, seq) =>
      encodeQuota(quota, { snapshotId, seq, definitionId: definitionIds[seq] ?? -1, owner }),
    );
    await this.#insertInBatches(rows, (batch) => trx.insertInto(table).values(batch).execute());
  }

  /** A snapshot's quotas in service-code, quota-code order (ties keep their saved order). */
  async #readQuotas(
    trx: Db,
    table: 'limit_quotas' | 'default_quotas',
    snapshotId: number,
    owner: ArnOwner,
  ): Promise<Quota[]> {
    const rows = await trx
      .selectFrom(table)
      .select(QUOTA_COLUMNS)
      .where('snapshot_id', '=', snapshotId)
      .orderBy('seq')
      .execute();
    await this.#loadDefinitions(trx, rows);
    return rows.map((row) => this.#decodeQuota(row, owner)).sort(compareQuotaCodes);
  }

  /**
   * Reads into the decoded-definition cache the definitions of `rows` not in it yet. The static
   * half of a quota comes from this cache, not a join: a 4,000-quota snapshot reads 11 narrow
   * columns per row and decodes each definition once per process.
   */
  async #loadDefinitions(trx: Db, rows: readonly { definition_id: number }[]): Promise<void> {
    const missing = [...new Set(rows.map((row) => row.definition_id))].filter((id) => !this.#decoded.has(id));
    for (const ids of this.#batches(missing, 1)) {
      const definitions = await trx
        .selectFrom('quota_definitions')
        .selectAll()
        .where('id', 'in', ids)
        .execute();
      for (const definition of definitions) {
        this.#decoded.set(definition.id, decodeDefinition(definition));
        this.#definitions.set(definitionKey(definition), definition.id);
      }
    }
  }

  #decodeQuota(row: QuotaRow, owner: ArnOwner): Quota {
    const definition = this.#decoded.get(row.definition_id);
    if (definition === undefined) throw new Error(`quota definition ${row.definition_id} is missing`);
    return decodeQuota(row, definition, owner);
  }

  /** The request with headroom's id `id`, or else the one with AWS's request id `id`. */
  async #findRequest(db: Db, id: string): Promise<QuotaRequestsTable | undefined> {
    const rows = await db
      .selectFrom('quota_requests')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', id), eb('aws_request_id', '=', id)]))
      .execute();
    return rows.find((row) => row.id === id) ?? rows[0];
  }

  async #findTargetId(db: Db, target: Target): Promise<number | undefined> {
    const row = await db
      .selectFrom('targets')
      .select('id')
      .where('account_id', '=', target.accountId)
      .where('region', '=', target.region)
      .executeTakeFirst();
    return row?.id;
  }

  /** The target's row id, adding a row (not listed by `listTargets`) for a target never upserted. */
  async #targetId(db: Db, target: Target): Promise<number> {
    await db
      .insertInto('targets')
      .values({
        account_id: target.accountId,
        region: target.region,
        account_name: null,
        first_seen: null,
        last_seen: null,
      })
      .onConflict((oc) => oc.columns(['account_id', 'region']).doNothing())
      .execute();
    const id = await this.#findTargetId(db, target);
    if (id === undefined) throw new Error(`target ${targetKey(target)} was not stored`);
    return id;
  }

  /**
   * The `quota_definitions` id of each quota, adding the definitions not stored yet. The ids
   * cached from earlier commits are used as they are: definitions are never changed or deleted.
   */
  async #resolveDefinitions(trx: Db, definitions: readonly DefinitionRow[]): Promise<ResolvedDefinitions> {
    const learned = new Map<string, number>();
    let seenUpTo = this.#definitionsSeenUpTo;
    const known = (key: string): number | undefined => this.#definitions.get(key) ?? learned.get(key);
    const keyed = definitions.map((definition) => ({ key: definitionKey(definition), definition }));
    const catchUp = async (): Promise<void> => {
      const rows = await trx
        .selectFrom('quota_definitions')
        .select(['id', 'fingerprint'])
        .where('id', '>', seenUpTo)
        .orderBy('id')
        .execute();
      for (const row of rows) {
        learned.set(definitionKey(row), row.id);
        seenUpTo = row.id;
      }
    };
    if (keyed.some(({ key }) => known(key) === undefined)) {
      await catchUp();
      const missing = new Map<string, DefinitionRow>();
      for (const { key, definition } of keyed) {
        if (known(key) === undefined) missing.set(key, definition);
      }
      if (missing.size > 0) {
        await this.#insertInBatches([...missing.values()], (batch) =>
          trx
            .insertInto('quota_definitions')
            .values(batch)
            .onConflict((oc) => oc.columns(['service_code', 'quota_code', 'fingerprint']).doNothing())
            .execute(),
        );
        await catchUp();
      }
    }
    const ids = keyed.map(({ key }) => {
      const id = known(key);
      if (id === undefined) throw new Error(`quota definition ${key} was not stored`);
      return id;
    });
    return { ids, learned, seenUpTo };
  }

  /** Keeps what a committed transaction learned about definitions. */
  #learn(resolved: ResolvedDefinitions): void {
    for (const [key, id] of resolved.learned) this.#definitions.set(key, id);
    this.#definitionsSeenUpTo = Math.max(this.#definitionsSeenUpTo, resolved.seenUpTo);
  }
}
