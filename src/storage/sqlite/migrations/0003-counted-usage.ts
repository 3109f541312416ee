/**
 * Usage counted by headroom's own usage counters: a sample may be of one resource (listeners
 * per load balancer) and may say where it came from (`counter`). Forward-only, like 0001.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const countedUsage: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('usage_samples').addColumn('resource', 'text').execute();
    await db.schema
      .alterTable('usage_samples')
      .addColumn('source', 'text', (c) =>
        c.check(sql`source in ('cloudwatch', 'utilization-report', 'counter')`),
      )
      .execute();
  },
};
