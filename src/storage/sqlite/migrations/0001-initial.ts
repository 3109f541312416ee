/**
 * The first schema: the tables of src/storage/schema.ts. Forward-only (no `down`): a store is
 * upgraded in place and never downgraded; a newer store refuses to open in an older headroom.
 */
import { sql, type Kysely, type Migration } from 'kysely';

const LIMIT_SOURCES = sql`('applied', 'default')`;
const APPLIED_LEVELS = sql`('ACCOUNT', 'RESOURCE', 'ALL')`;
const PERIOD_UNITS = sql`('MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK')`;
const USAGE_SOURCES = sql`('cloudwatch', 'utilization-report')`;

/** `limit_quotas` and `default_quotas`: narrow per-snapshot rows, clustered by snapshot. */
async function createSnapshotQuotas(db: Kysely<unknown>, table: string, snapshots: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('snapshot_id', 'integer', (c) => c.notNull().references(`${snapshots}.id`).onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('definition_id', 'integer', (c) => c.notNull().references('quota_definitions.id'))
    .addColumn('value', 'real')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('default_value', 'real')
    .addColumn('quota_arn', 'text')
    .addColumn('applied_at_level', 'text')
    .addColumn('context_scope', 'text')
    .addColumn('context_scope_type', 'text')
    .addColumn('context_id', 'text')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addPrimaryKeyConstraint(`${table}_pk`, ['snapshot_id', 'seq'])
    .addCheckConstraint(`${table}_source`, sql`source in ${LIMIT_SOURCES}`)
    .addCheckConstraint(`${table}_level`, sql`applied_at_level in ${APPLIED_LEVELS}`)
    // Rows are read and deleted a snapshot at a time: cluster them by (snapshot_id, seq).
    .modifyEnd(sql`without rowid`)
    .execute();
}

export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('targets')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('account_name', 'text')
      .addColumn('first_seen', 'integer')
      .addColumn('last_seen', 'integer')
      .addUniqueConstraint('targets_account_region', ['account_id', 'region'])
      .execute();

    // AUTOINCREMENT: ids are never reused, so a cached id always means the same definition.
    await db.schema
      .createTable('quota_definitions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('service_code', 'text', (c) => c.notNull())
      .addColumn('quota_code', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('service_name', 'text', (c) => c.notNull())
      .addColumn('quota_name', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('adjustable', 'integer', (c) => c.notNull())
      .addColumn('global', 'integer', (c) => c.notNull())
      .addColumn('usage_metric', 'text')
      .addColumn('period_value', 'real')
      .addColumn('period_unit', 'text')
      .addUniqueConstraint('quota_definitions_key', ['service_code', 'quota_code', 'fingerprint'])
      .addCheckConstraint('quota_definitions_flags', sql`adjustable in (0, 1) and global in (0, 1)`)
      .addCheckConstraint('quota_definitions_period_unit', sql`period_unit in ${PERIOD_UNITS}`)
      .execute();

    await db.schema
      .createTable('limit_snapshots')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id'))
      .addColumn('collected_at', 'integer', (c) => c.notNull())
      .addColumn('complete', 'integer', (c) => c.notNull())
      .addColumn('quota_count', 'integer', (c) => c.notNull())
      .addColumn('errors', 'text', (c) => c.notNull())
      .addCheckConstraint('limit_snapshots_complete', sql`complete in (0, 1)`)
      .execute();
    await db.schema
      .createIndex('limit_snapshots_by_target')
      .on('limit_snapshots')
      .columns(['target_id', 'collected_at'])
      .execute();
    await createSnapshotQuotas(db, 'limit_quotas', 'limit_snapshots');

    await db.schema
      .createTable('defaults_snapshots')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('collected_at', 'integer', (c) => c.notNull())
      .addColumn('complete', 'integer', (c) => c.notNull())
      .addColumn('quota_count', 'integer', (c) => c.notNull())
      .addColumn('services', 'text', (c) => c.notNull())
      .addColumn('unread', 'text', (c) => c.notNull())
      .addColumn('failed_services', 'text', (c) => c.notNull())
      .addCheckConstraint('defaults_snapshots_complete', sql`complete in (0, 1)`)
      .execute();
    await db.schema
      .createIndex('defaults_snapshots_by_region')
      .on('defaults_snapshots')
      .columns(['region', 'collected_at'])
      .execute();
    await createSnapshotQuotas(db, 'default_quotas', 'defaults_snapshots');

    // AUTOINCREMENT: samples keep their snapshot id after the header is gone; it must stay unique.
    await db.schema
      .createTable('usage_snapshots')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id'))
      .addColumn('collected_at', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('window_start', 'integer', (c) => c.notNull())
      .addColumn('window_end', 'integer', (c) => c.notNull())
      .addColumn('complete', 'integer', (c) => c.notNull())
      .addColumn('sample_count', 'integer', (c) => c.notNull())
      .addColumn('errors', 'text', (c) => c.notNull())
      .addCheckConstraint('usage_snapshots_source', sql`source in ${USAGE_SOURCES}`)
      .addCheckConstraint('usage_snapshots_complete', sql`complete in (0, 1)`)
      .execute();
    await db.schema
      .createIndex('usage_snapshots_by_target')
      .on('usage_snapshots')
      .columns(['target_id', 'collected_at'])
      .execute();

    await db.schema
      .createTable('usage_samples')
      .addColumn('snapshot_id', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('target_id', 'integer', (c) => c.notNull().references('targets.id'))
      .addColumn('service_code', 'text', (c) => c.notNull())
      .addColumn('quota_code', 'text', (c) => c.notNull())
      .addColumn('collected_at', 'integer', (c) => c.notNull())
      .addColumn('value', 'real', (c) => c.notNull())
      .addColumn('observed_at', 'integer')
      .addPrimaryKeyConstraint('usage_samples_pk', ['snapshot_id', 'seq'])
      .modifyEnd(sql`without rowid`)
      .execute();
    await db.schema
      .createIndex('usage_samples_by_quota')
      .on('usage_samples')
      .columns(['target_id', 'service_code', 'quota_code', 'collected_at'])
      .execute();

    await db.schema
      .createTable('api_calls')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('calls', 'integer', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('throttled', 'integer', (c) => c.notNull())
      .addColumn('failed', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'real', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_calls_by_run').on('api_calls').columns(['run_id', 'at']).execute();
    await db.schema.createIndex('api_calls_by_time').on('api_calls').column('at').execute();
  },
};
