/**
 * The SQL CMDB behind one small interface: connect, run one query, close. One file per driver
 * (`mysql.ts` for MySQL and MariaDB, `postgres.ts`); only these files import a database driver.
 */
import type { SqlConnection, SqlResult } from './driver.js';
import { queryMysql } from './mysql.js';
import { queryPostgres } from './postgres.js';

export { DEFAULT_PORTS, SqlFailure, type SqlConnection, type SqlEngine, type SqlResult } from './driver.js';

/** Runs `sql` once on a fresh connection, closed before returning; failures are `SqlFailure`s. */
export function runQuery(connection: SqlConnection, sql: string): Promise<SqlResult> {
  return connection.engine === 'postgres' ? queryPostgres(connection, sql) : queryMysql(connection, sql);
}
