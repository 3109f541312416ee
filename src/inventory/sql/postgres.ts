/** PostgreSQL through pg: one client per query, bounded in time. */
import pg from 'pg';
import { scrubbed, SqlFailure, type SqlConnection, type SqlResult } from './driver.js';

export async function queryPostgres(connection: SqlConnection, sql: string): Promise<SqlResult> {
  const client = new pg.Client({
    host: connection.socket ?? connection.host,
    port: connection.port,
    user: connection.user,
    ...(connection.password === undefined ? {} : { password: connection.password }),
    database: connection.database,
    connectionTimeoutMillis: connection.timeoutMs,
    query_timeout: connection.timeoutMs,
    statement_timeout: connection.timeoutMs,
    ssl: connection.tls ? { rejectUnauthorized: true } : false,
    application_name: 'headroom',
  });
  // A dropped connection emits 'error' on the client; the query's own rejection reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new SqlFailure('connect', scrubbed(error, connection.password));
  }
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return { columns: result.fields.map((f) => f.name), rows: result.rows };
  } catch (error) {
    throw new SqlFailure('query', scrubbed(error, connection.password));
  } finally {
    await client.end().catch(() => undefined);
  }
}
