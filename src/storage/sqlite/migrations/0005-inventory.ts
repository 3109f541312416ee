/**
 * The inventory cache: what each account source found (`inventory`, the newest list per source)
 * and what EC2 said about each account's regions (`account_regions`). Only how accounts are
 * reached is kept (ids, names, role ARNs, profile names, regions), never credentials.
 * Forward-only, like 0001.
 */
import type { Kysely, Migration } from 'kysely';

export const inventory: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('inventory')
      .addColumn('source', 'text', (c) => c.primaryKey())
      .addColumn('fetched_at', 'integer', (c) => c.notNull())
      .addColumn('accounts', 'text', (c) => c.notNull())
      .addColumn('problems', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('account_regions')
      .addColumn('account_id', 'text', (c) => c.primaryKey())
      .addColumn('fetched_at', 'integer', (c) => c.notNull())
      .addColumn('known', 'text', (c) => c.notNull())
      .addColumn('enabled', 'text', (c) => c.notNull())
      .addColumn('in_use', 'text')
      .execute();
  },
};
