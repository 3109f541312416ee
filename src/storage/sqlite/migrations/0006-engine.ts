/**
 * The policy engine's tables (`approvals`, `quota_states`, `audit_log`, `audit_head`,
 * `notifications` of src/storage/schema.ts). The audit log is append-only: triggers refuse any
 * update or delete, and `audit_head` records the last entry written, so entries cut from the end
 * are noticed too. Forward-only, like 0001.
 */
import { sql, type Kysely, type Migration } from 'kysely';

/** APPROVAL_STATUSES of src/domain/approval.ts, written out so the migration never changes. */
const APPROVAL_STATUSES = sql`('PENDING', 'APPROVED', 'EXECUTED', 'FAILED', 'DENIED', 'EXPIRED')`;
const BANDS = sql`('ok', 'warning', 'critical', 'emergency')`;
const NOTIFICATION_STATUSES = sql`('pending', 'delivered', 'failed')`;

export const engine: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('approvals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('service_code', 'text', (c) => c.notNull())
      .addColumn('quota_code', 'text', (c) => c.notNull())
      .addColumn('quota_name', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('global', 'integer', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('from_value', 'real', (c) => c.notNull())
      .addColumn('desired_value', 'real', (c) => c.notNull())
      .addColumn('estimated_cost', 'real')
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('proposed_by', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'integer')
      .addColumn('decision_reason', 'text')
      .addColumn('request_id', 'text')
      .addColumn('outcome', 'text')
      .addCheckConstraint('approvals_status', sql`status in ${APPROVAL_STATUSES}`)
      .addCheckConstraint('approvals_action', sql`action in ('increase', 'support-case')`)
      .addCheckConstraint('approvals_global', sql`global in (0, 1)`)
      .execute();
    await db.schema.createIndex('approvals_by_status').on('approvals').column('status').execute();

    await db.schema
      .createTable('quota_states')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('service_code', 'text', (c) => c.notNull())
      .addColumn('quota_code', 'text', (c) => c.notNull())
      .addColumn('band', 'text', (c) => c.notNull())
      .addColumn('last_alert_band', 'text')
      .addColumn('last_alert_at', 'integer')
      .addColumn('last_action_at', 'integer')
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('quota_states_pk', ['account_id', 'region', 'service_code', 'quota_code'])
      .addCheckConstraint('quota_states_band', sql`band in ${BANDS}`)
      .modifyEnd(sql`without rowid`)
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_by_at').on('audit_log').column('at').execute();
    // Append-only: the store never updates or deletes an entry, and the database refuses to.
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
    await db.schema
      .createTable('audit_head')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addCheckConstraint('audit_head_one_row', sql`id = 1`)
      .execute();

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('delivered_at', 'integer')
      .addCheckConstraint('notifications_status', sql`status in ${NOTIFICATION_STATUSES}`)
      .execute();
    await db.schema
      .createIndex('notifications_due')
      .on('notifications')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },
};
