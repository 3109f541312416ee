/**
 * Kysely over one better-sqlite3 connection, tuned for the store: migrations in one transaction,
 * and prepared statements reused.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  type DialectAdapter,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import type { Database } from '../schema.js';

/** Statements kept prepared; the store issues a few dozen shapes (see `SqliteStore`'s batches). */
const STATEMENT_CACHE_SIZE = 128;

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, which would let a
 * failed migration leave half a schema behind. Saying yes makes pending migrations one transaction.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class StoreDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * The database as Kysely's SQLite driver sees it, with a least-recently-used cache of prepared
 * statements: the driver prepares every query anew, and preparing a 256-row insert costs about as
 * much as running it.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close(): void {
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        const oldest = statements.keys().next();
        if (statements.size >= STATEMENT_CACHE_SIZE && oldest.done !== true) statements.delete(oldest.value);
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/** Kysely with the store's schema over an open better-sqlite3 database; destroying it closes the database. */
export function createSqliteKysely(database: BetterSqlite3.Database): Kysely<Database> {
  return new Kysely<Database>({ dialect: new StoreDialect({ database: withStatementCache(database) }) });
}
