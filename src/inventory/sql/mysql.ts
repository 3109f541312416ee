/** MySQL and MariaDB through mysql2: one connection per query, bounded in time. */
import { createConnection, type Connection, type FieldPacket } from 'mysql2/promise';
import { scrubbed, SqlFailure, type SqlConnection, type SqlResult } from './driver.js';

export async function queryMysql(connection: SqlConnection, sql: string): Promise<SqlResult> {
  let client: Connection;
  try {
    client = await createConnection({
      ...(connection.socket === undefined
        ? { host: connection.host, port: connection.port }
        : { socketPath: connection.socket }),
      user: connection.user,
      ...(connection.password === undefined ? {} : { password: connection.password }),
      database: connection.database,
      connectTimeout: connection.timeoutMs,
      ...(connection.tls ? { ssl: { rejectUnauthorized: true } } : {}),
      // Dates and big numbers as text: the CMDB's ids must not lose digits.
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      multipleStatements: false,
    });
  } catch (error) {
    throw new SqlFailure('connect', scrubbed(error, connection.password));
  }
  // A failed connection or query may emit 'error' after the promise settled; it is handled here.
  client.on('error', () => undefined);
  try {
    const [rows, fields] = await client.query({ sql, timeout: connection.timeoutMs, rowsAsArray: false });
    if (!Array.isArray(rows)) throw new Error('the query returned no rows (is it a SELECT?)');
    return {
      columns: (fields as FieldPacket[] | undefined)?.map((f) => f.name) ?? [],
      rows: rows as Record<string, unknown>[],
    };
  } catch (error) {
    throw new SqlFailure('query', scrubbed(error, connection.password));
  } finally {
    await client.end().catch(() => {
      client.destroy();
    });
  }
}
