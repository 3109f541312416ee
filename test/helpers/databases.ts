/**
 * Real database servers for tests, each on a temp directory, a free 127.0.0.1 port and a unix
 * socket: MariaDB (or MySQL) from `mariadbd`/`mysqld`, PostgreSQL 15 from its Debian binaries.
 * Each is started with bounded waits and stopped (SIGTERM, then SIGKILL) by `stop()`. When the
 * binaries are missing, `start*` returns the reason to skip instead.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, chownSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { type TestContext, afterAll, beforeAll } from 'vitest';

const execFileAsync = promisify(execFile);

export interface RunningDatabase {
  readonly host: string;
  readonly port: number;
  /** MariaDB: the socket file; PostgreSQL: the socket directory. */
  readonly socket: string;
  /** Runs statements as the server's superuser, over the socket (in `database`, if given). */
  admin(statements: readonly string[], database?: string): Promise<void>;
  stop(): Promise<void>;
}

export type Started = { database: RunningDatabase } | { skip: string };

/** A database server for the tests of one `describe`: `orSkip(ctx)` gives it, or skips the test. */
export interface TestDatabase {
  orSkip(ctx: TestContext): RunningDatabase;
}

/**
 * For the `describe` that calls this: the server `start` gives, prepared by `setup`, before its
 * tests and stopped after them. When the binaries are missing the reason is printed once, and each
 * test that asks for the server is skipped with it.
 */
export function databaseForTests(
  label: string,
  start: () => Promise<Started>,
  setup: (database: RunningDatabase) => Promise<void>,
): TestDatabase {
  let database: RunningDatabase | undefined;
  let skip: string | undefined;
  beforeAll(async () => {
    const started = await start();
    if ('skip' in started) {
      skip = started.skip;
      console.warn(`skipping the ${label} tests: ${skip}`);
      return;
    }
    database = started.database;
    await setup(database);
  }, 90_000);
  afterAll(async () => {
    await database?.stop();
  }, 30_000);
  return {
    orSkip(ctx) {
      if (!database) return ctx.skip(skip);
      return database;
    },
  };
}

function executable(candidates: readonly string[]): string | undefined {
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** A free TCP port on 127.0.0.1 (free now; the server takes it a moment later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Retries `probe` every 100 ms until it resolves, the process exits, or `timeoutMs` passes. */
async function waitUntil(
  probe: () => Promise<void>,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}): ${log()}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`the server did not start in ${timeoutMs} ms: ${String(error)}\n${log()}`, {
          cause: error,
        });
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

function spawnLogged(file: string, args: readonly string[], options: { uid?: number; gid?: number } = {}) {
  const child = spawn(file, [...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, log: () => output };
}

/**
 * A server just spawned, once it answers `admin` (up to 30 s): as a RunningDatabase whose `stop()`
 * ends the process and removes its directory, as a failure to start does too.
 */
async function whenAnswering(server: {
  child: ChildProcess;
  log: () => string;
  dir: string;
  port: number;
  socket: string;
  admin: RunningDatabase['admin'];
}): Promise<Started> {
  const { child, dir } = server;
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(() => server.admin(['SELECT 1']), child, server.log, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    database: { host: '127.0.0.1', port: server.port, socket: server.socket, admin: server.admin, stop },
  };
}

/** MariaDB (or MySQL) on a fresh data directory; root has no password over the socket. */
export async function startMariadb(): Promise<Started> {
  const server = executable([
    '/usr/sbin/mariadbd',
    '/usr/sbin/mysqld',
    '/usr/bin/mariadbd',
    '/usr/bin/mysqld',
  ]);
  const install = executable(['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db']);
  if (server === undefined || install === undefined) {
    return { skip: 'no MariaDB binaries (mariadbd and mariadb-install-db; Debian package mariadb-server)' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'headroom-mariadb-'));
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const user = userInfo().username;
  await execFileAsync(
    install,
    [
      '--no-defaults',
      `--datadir=${datadir}`,
      '--auth-root-authentication-method=normal',
      `--user=${user}`,
      '--skip-test-db',
    ],
    { timeout: 60_000 },
  );
  const port = await freePort();
  const { child, log } = spawnLogged(server, [
    '--no-defaults',
    `--datadir=${datadir}`,
    `--socket=${socket}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--user=${user}`,
    '--skip-name-resolve',
    '--innodb-buffer-pool-size=16M',
    `--pid-file=${join(dir, 'mysqld.pid')}`,
  ]);
  const admin = async (statements: readonly string[], database?: string) => {
    const connection = await mysql.createConnection({
      socketPath: socket,
      user: 'root',
      connectTimeout: 5000,
      ...(database === undefined ? {} : { database }),
    });
    try {
      for (const statement of statements) await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  return whenAnswering({ child, log, dir, port, socket, admin });
}

/** uid and gid of a system user from /etc/passwd, or undefined. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid === undefined || gid === undefined ? undefined : { uid: Number(uid), gid: Number(gid) };
}

/** PostgreSQL 15 on a fresh cluster (trust auth on the socket); as root, run as the postgres user. */
export async function startPostgres(): Promise<Started> {
  const bin = '/usr/lib/postgresql/15/bin';
  const initdb = executable([join(bin, 'initdb')]);
  const postgres = executable([join(bin, 'postgres')]);
  if (initdb === undefined || postgres === undefined) {
    return { skip: `no PostgreSQL 15 binaries in ${bin} (Debian package postgresql-15)` };
  }
  // PostgreSQL refuses to run as root.
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  if (process.getuid?.() === 0 && owner === undefined) {
    return { skip: 'running as root and there is no postgres user to run PostgreSQL as' };
  }
  const dir = await mkdtemp(join(tmpdir(), 'headroom-postgres-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const datadir = join(dir, 'data');
  await execFileAsync(
    initdb,
    // Trust on the socket (the admin), passwords over TCP (what headroom uses).
    [
      '-D',
      datadir,
      '-U',
      'postgres',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--no-sync',
    ],
    { timeout: 60_000, ...(owner ?? {}) },
  );
  const port = await freePort();
  const { child, log } = spawnLogged(
    postgres,
    ['-D', datadir, '-k', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    owner ?? {},
  );
  const admin = async (statements: readonly string[], database = 'postgres') => {
    const client = new pg.Client({
      host: dir,
      port,
      user: 'postgres',
      database,
      connectionTimeoutMillis: 5000,
    });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return whenAnswering({ child, log, dir, port, socket: dir, admin });
}
