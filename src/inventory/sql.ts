/**
 * The `sql` source: a CMDB in MySQL, MariaDB or PostgreSQL, asked with the configured query.
 * The password only ever comes from the environment variable the config names; every failure
 * names the source and the host, never the password. See sql-rows.ts for what a row may hold.
 */
import { parseRows, RowsUnusableError } from './sql-rows.js';
import { DEFAULT_PORTS, runQuery, SqlFailure, type SqlConnection } from './sql/index.js';
import { type Fetched, type SourceContext, SourceFailure, type SqlSourceConfig } from './source.js';

const ENGINE_NAMES = { mysql: 'MySQL', mariadb: 'MariaDB', postgres: 'PostgreSQL' } as const;

/** Where the CMDB is, as messages name it: `db.internal:3306/cmdb` or the socket. */
export function cmdbAddress(source: SqlSourceConfig): string {
  const at =
    source.socket ?? `${source.host ?? '127.0.0.1'}:${String(source.port ?? DEFAULT_PORTS[source.engine])}`;
  return `${at}/${source.database}`;
}

export async function fetchSql(source: SqlSourceConfig, ctx: SourceContext): Promise<Fetched> {
  let password: string | undefined;
  if (source.passwordEnv !== undefined) {
    password = ctx.env[source.passwordEnv];
    if (password === undefined || password === '') {
      throw new SourceFailure(
        'HR_INVENTORY_SOURCE',
        `the environment variable ${source.passwordEnv} (the CMDB's password, passwordEnv) is not set`,
        `set ${source.passwordEnv}, or remove passwordEnv if the database needs no password`,
      );
    }
  }
  const connection: SqlConnection = {
    engine: source.engine,
    host: source.host ?? '127.0.0.1',
    port: source.port ?? DEFAULT_PORTS[source.engine],
    socket: source.socket,
    database: source.database,
    user: source.user,
    password,
    tls: source.tls,
    timeoutMs: source.timeout,
  };
  const where = `the ${ENGINE_NAMES[source.engine]} CMDB at ${cmdbAddress(source)}`;
  let result;
  try {
    result = await runQuery(connection, source.query);
  } catch (error) {
    if (!(error instanceof SqlFailure)) throw error;
    throw error.stage === 'connect'
      ? new SourceFailure(
          'HR_INVENTORY_SOURCE',
          `cannot connect to ${where} as ${source.user}: ${error.message}`,
          'check that the database is up and reachable, and the user and password',
        )
      : new SourceFailure(
          'HR_INVENTORY_SOURCE',
          `the query failed on ${where}: ${error.message}`,
          "correct the source's query (it must be one SELECT)",
        );
  }
  try {
    return { ...parseRows(source.name, result, source.columns), complete: true };
  } catch (error) {
    if (error instanceof RowsUnusableError) {
      throw new SourceFailure('HR_INVENTORY_SOURCE', `${where}: ${error.message}`, error.hint);
    }
    throw error;
  }
}
