/**
 * What the SQL drivers share: the connection settings, the result, and `SqlFailure`, whose text
 * never holds the password.
 */

export type SqlEngine = 'mysql' | 'mariadb' | 'postgres';

export interface SqlConnection {
  readonly engine: SqlEngine;
  /** TCP host (ignored with `socket`). */
  readonly host: string;
  readonly port: number;
  /** A unix socket (MySQL: the socket file; PostgreSQL: its directory). */
  readonly socket: string | undefined;
  readonly database: string;
  readonly user: string;
  /** Read from the environment variable the config names; never stored or logged. */
  readonly password: string | undefined;
  readonly tls: boolean;
  /** Bound on connecting and on the query, each. */
  readonly timeoutMs: number;
}

/** Rows as plain objects keyed by column name, and the column names in the query's order. */
export interface SqlResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, unknown>[];
}

/** A query that could not run: where it failed (`connect` or `query`) and why, password removed. */
export class SqlFailure extends Error {
  readonly stage: 'connect' | 'query';
  constructor(stage: 'connect' | 'query', message: string) {
    super(message);
    this.name = 'SqlFailure';
    this.stage = stage;
  }
}

export const DEFAULT_PORTS: Readonly<Record<SqlEngine, number>> = {
  mysql: 3306,
  mariadb: 3306,
  postgres: 5432,
};

/** The error's own words on one line, with the password (if any) masked out. */
export function scrubbed(error: unknown, password: string | undefined): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
  const code = (error as { code?: unknown } | null)?.code;
  const withCode = typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
  return password === undefined || password === '' ? withCode : withCode.split(password).join('***');
}
