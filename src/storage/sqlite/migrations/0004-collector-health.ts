/**
 * Collection health for the exporter: the latest outcome of each collector on each target, and
 * when it last succeeded (`collector_health` of src/storage/schema.ts). Forward-only, like 0001.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const collectorHealth: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One row per (target, collector), replaced on each run: a fleet-wide collector (the
    // inventory) has an empty account id and region.
    await db.schema
      .createTable('collector_health')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('region', 'text', (c) => c.notNull())
      .addColumn('collector', 'text', (c) => c.notNull())
      .addColumn('success', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'real', (c) => c.notNull())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('last_success_at', 'integer')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('collector_health_pk', ['account_id', 'region', 'collector'])
      .addCheckConstraint('collector_health_success', sql`success in (0, 1)`)
      .modifyEnd(sql`without rowid`)
      .execute();
  },
};
