/**
 * Increase requests and their audit trail: `quota_requests` and `request_events` of
 * src/storage/schema.ts. Forward-only, like 0001.
 */
import { sql, type Kysely, type Migration } from 'kysely';

const REQUEST_KINDS = sql`('increase', 'support-case')`;
/**
 * REQUEST_STATUSES of src/domain/request.ts as this migration knows them, written out so the
 * migration never changes once shipped. A new status needs a new migration (SQLite cannot alter
 * a check constraint); the store contract saves every status, so a missing one fails the tests.
 */
const REQUEST_STATUSES = sql`('PENDING', 'CASE_OPENED', 'APPROVED', 'DENIED', 'CASE_CLOSED', 'NOT_APPROVED', 'INVALID_REQUEST', 'OPENED', 'RESOLVED', 'QUEUED', 'CANCELLED')`;

export const requests: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('quota_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('service_code', 'text', (c) => c.notNull())
      .addColumn('quota_code', 'text', (c) => c.notNull())
      .addColumn('quota_name', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('global', 'integer', (c) => c.notNull())
      .addColumn('from_value', 'real')
      .addColumn('desired_value', 'real', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('aws_request_id', 'text')
      .addColumn('case_id', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('caller_arn', 'text')
      .addColumn('plan_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('checked_at', 'integer')
      .addCheckConstraint('quota_requests_kind', sql`kind in ${REQUEST_KINDS}`)
      .addCheckConstraint('quota_requests_status', sql`status in ${REQUEST_STATUSES}`)
      .addCheckConstraint('quota_requests_global', sql`global in (0, 1)`)
      .execute();
    // AWS's id names one request (requests are looked up by it); queued requests have none yet.
    await db.schema
      .createIndex('quota_requests_by_aws_id')
      .on('quota_requests')
      .column('aws_request_id')
      .unique()
      .where('aws_request_id', 'is not', null)
      .execute();
    await db.schema.createIndex('quota_requests_by_status').on('quota_requests').column('status').execute();
    await db.schema.createIndex('quota_requests_by_plan').on('quota_requests').column('plan_id').execute();
    await db.schema
      .createIndex('quota_requests_by_target')
      .on('quota_requests')
      .columns(['account_id', 'region'])
      .execute();

    // AUTOINCREMENT: ids order a request's events, so they must never go back.
    await db.schema
      .createTable('request_events')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('request_id', 'text', (c) => c.notNull().references('quota_requests.id').onDelete('cascade'))
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message', 'text')
      .addCheckConstraint('request_events_status', sql`status in ${REQUEST_STATUSES}`)
      .execute();
    await db.schema
      .createIndex('request_events_by_request')
      .on('request_events')
      .columns(['request_id', 'id'])
      .execute();
  },
};
