/**
 * The SQLite schema's migrations, listed explicitly (no file-system scan), so they run the same
 * from dist/ and from the TypeScript sources. Add a migration by appending it here; names sort in
 * the order they run.
 */
import { Migrator, type Kysely, type Migration } from 'kysely';
import { StorageError } from '../../../domain/errors.js';
import { reason } from '../errors.js';
import { initial } from './0001-initial.js';
import { requests } from './0002-requests.js';
import { countedUsage } from './0003-counted-usage.js';
import { collectorHealth } from './0004-collector-health.js';
import { inventory } from './0005-inventory.js';
import { engine } from './0006-engine.js';

export const sqliteMigrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-requests': requests,
  '0003-counted-usage': countedUsage,
  '0004-collector-health': collectorHealth,
  '0005-inventory': inventory,
  '0006-engine': engine,
};

/**
 * Brings the store up to the newest schema; a no-op when it is there already. Pending migrations
 * run in one transaction (see `store.ts`), so a failure leaves the schema as it was.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  file: string,
  migrations: Readonly<Record<string, Migration>> = sqliteMigrations,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw new StorageError('HR_STORE_MIGRATION', `cannot migrate the store ${file}: ${reason(error)}`, {
      hint:
        'if a newer headroom wrote this store, upgrade headroom; otherwise move the file aside ' +
        '(headroom then starts a new store) and report the message',
      cause: error,
    });
  }
}
