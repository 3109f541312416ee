import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../domain/errors.js';
import type { LimitSnapshot, Quota } from '../../domain/quota.js';
import type { Target } from '../../domain/target.js';
import { runStoreContract } from '../contract.js';
import type { Database } from '../schema.js';
import { createSqliteKysely } from './connection.js';
import { openSqliteStore, type SqliteStore } from './index.js';
import { migrateToLatest, sqliteMigrations } from './migrations/index.js';

let contractDir: string | undefined;
let files = 0;
afterAll(() => {
  if (contractDir !== undefined) rmSync(contractDir, { recursive: true, force: true });
});

runStoreContract('sqlite :memory:', () => openSqliteStore(':memory:'));
runStoreContract('sqlite file', () => {
  contractDir ??= mkdtempSync(join(tmpdir(), 'headroom-store-contract-'));
  files += 1;
  return openSqliteStore(join(contractDir, `store-${files}.db`));
});

const TARGET: Target = { accountId: '123456789012', region: 'us-east-1' };
const T0 = Date.parse('2026-11-20T06:00:00.000Z');

function quota(i: number, overrides: Partial<Quota> = {}): Quota {
  const quotaCode = `L-${(0x20000000 + i).toString(16).toUpperCase()}`;
  return {
    serviceCode: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    quotaCode,
    quotaName: `EC2 quota ${i}`,
    quotaArn: `arn:aws:servicequotas:${TARGET.region}:${TARGET.accountId}:ec2/${quotaCode}`,
    value: 10 + i,
    source: 'applied',
    defaultValue: 10,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
    ...overrides,
  };
}

function snapshot(target: Target, minute: number, count: number): LimitSnapshot {
  return {
    target,
    collectedAt: new Date(T0 + minute * 60_000),
    complete: true,
    quotas: Array.from({ length: count }, (_, i) => quota(i)),
    errors: [],
  };
}

/** A second connection to the file, through the store's schema, to look at what was written. */
function inspect(file: string): Kysely<Database> {
  return createSqliteKysely(new SqliteDatabase(file));
}

async function count(db: Kysely<Database>, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

describe('SqliteStore on a file', () => {
  let dir: string;
  let file: string;
  let store: SqliteStore | undefined;
  let raw: Kysely<Database> | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'headroom-store-'));
    file = join(dir, 'nested', 'dirs', 'headroom.db');
  });

  afterEach(async () => {
    await store?.close();
    await raw?.destroy();
    store = undefined;
    raw = undefined;
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing directories and a WAL-mode database', async () => {
    expect(existsSync(join(dir, 'nested'))).toBe(false);
    store = await openSqliteStore(file);
    expect(store.file).toBe(file);
    expect(existsSync(file)).toBe(true);
    raw = inspect(file);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(raw);
    expect(rows).toEqual([{ journal_mode: 'wal' }]);
  });

  it('migrates once: reopening keeps the data and changes no schema', async () => {
    store = await openSqliteStore(file);
    await store.saveLimitSnapshot(snapshot(TARGET, 0, 3));
    await store.close();
    raw = inspect(file);
    const schema = async (db: Kysely<Database>) =>
      (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
    const before = await schema(raw);
    expect(before).toEqual(
      expect.arrayContaining([
        'kysely_migration',
        'limit_quotas',
        'quota_definitions',
        'targets',
        'usage_samples',
      ]),
    );

    store = await openSqliteStore(file);
    expect((await store.latestLimitSnapshot(TARGET))?.quotas).toHaveLength(3);
    expect(await schema(raw)).toEqual(before);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
      raw,
    );
    expect(rows.map((row) => row.name)).toEqual(Object.keys(sqliteMigrations));
  });

  it('refuses a store a newer headroom migrated, naming the file (HR_STORE_MIGRATION)', async () => {
    store = await openSqliteStore(file);
    await store.close();
    store = undefined;
    raw = inspect(file);
    await sql`insert into kysely_migration (name, timestamp) values (${'9999-from-the-future'}, ${new Date().toISOString()})`.execute(
      raw,
    );
    const opening = openSqliteStore(file);
    await expect(opening).rejects.toBeInstanceOf(StorageError);
    await expect(opening).rejects.toMatchObject({
      code: 'HR_STORE_MIGRATION',
      message: expect.stringContaining(file) as unknown,
      hint: expect.stringContaining('upgrade headroom') as unknown,
    });
  });

  it('keeps the 5 newest limit snapshots and deletes the older ones’ rows with them', async () => {
    store = await openSqliteStore(file);
    for (const minute of [30, 10, 70, 0, 50, 20, 60])
      await store.saveLimitSnapshot(snapshot(TARGET, minute, 6));
    raw = inspect(file);
    const kept = await raw
      .selectFrom('limit_snapshots')
      .select('collected_at')
      .orderBy('collected_at')
      .execute();
    expect(kept.map((row) => (row.collected_at - T0) / 60_000)).toEqual([20, 30, 50, 60, 70]);
    // Foreign keys are on: the pruned snapshots' quota rows went with them.
    expect(await count(raw, 'limit_quotas')).toBe(5 * 6);
  });

  it('stores a quota’s static metadata once for every target that agrees, and usual ARNs as *', async () => {
    store = await openSqliteStore(file);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      const target = { ...TARGET, region };
      const quotas = Array.from({ length: 50 }, (_, i) =>
        quota(i, {
          quotaArn: `arn:aws:servicequotas:${region}:${TARGET.accountId}:ec2/${quota(i).quotaCode}`,
        }),
      );
      await store.saveLimitSnapshot({ ...snapshot(target, 0, 0), quotas });
    }
    raw = inspect(file);
    expect(await count(raw, 'quota_definitions')).toBe(50);
    expect(await count(raw, 'limit_quotas')).toBe(150);
    const usual = await raw
      .selectFrom('limit_quotas')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('quota_arn', '=', '*')
      .executeTakeFirstOrThrow();
    expect(usual.n).toBe(150);

    await store.saveLimitSnapshot({
      ...snapshot(TARGET, 5, 50),
      quotas: [quota(0, { quotaName: 'Renamed' })],
    });
    expect(await count(raw, 'quota_definitions')).toBe(51);
  });

  it('rolls back a snapshot whose write fails part-way, new definitions included', async () => {
    store = await openSqliteStore(file);
    await store.saveLimitSnapshot(snapshot(TARGET, 0, 6));
    raw = inspect(file);
    // A failure on the 3,001st row: earlier statements of the same snapshot have run by then.
    await sql`create trigger fail_mid_snapshot before insert on limit_quotas when new.seq = 3000
      begin select raise(abort, 'disk gremlin'); end`.execute(raw);
    const bigger: LimitSnapshot = {
      ...snapshot(TARGET, 60, 0),
      quotas: Array.from({ length: 4000 }, (_, i) => quota(i, { quotaName: `EC2 quota ${i}, renamed` })),
    };

    const saving = store.saveLimitSnapshot(bigger);
    await expect(saving).rejects.toMatchObject({
      code: 'HR_STORE_WRITE',
      message: expect.stringMatching(
        new RegExp(
          `^cannot save the limit snapshot of 123456789012:us-east-1 in the store ${file}: disk gremlin$`,
        ),
      ) as unknown,
    });
    expect(await count(raw, 'limit_snapshots')).toBe(1);
    expect(await count(raw, 'limit_quotas')).toBe(6);
    expect(await count(raw, 'quota_definitions')).toBe(6);
    expect((await store.latestLimitSnapshot(TARGET))?.collectedAt).toStrictEqual(new Date(T0));

    // Nothing of the failed attempt lingers in the store's caches either.
    await sql`drop trigger fail_mid_snapshot`.execute(raw);
    await store.saveLimitSnapshot(bigger);
    expect(await count(raw, 'quota_definitions')).toBe(4006);
    expect((await store.latestLimitSnapshot(TARGET))?.quotas[3999]?.quotaName).toBe(
      'EC2 quota 3999, renamed',
    );
  });

  it('waits busy_timeout for another process’s write lock, then fails with a hint', async () => {
    store = await openSqliteStore(file, { busyTimeoutMs: 200 });
    const other = new SqliteDatabase(file);
    try {
      other.exec('begin immediate');
      const started = performance.now();
      const saving = store.saveLimitSnapshot(snapshot(TARGET, 0, 3));
      await expect(saving).rejects.toMatchObject({
        code: 'HR_STORE_WRITE',
        hint: expect.stringContaining('another process is writing') as unknown,
      });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(150);
      expect(waited).toBeLessThan(3_000);
      other.exec('rollback');
      await store.saveLimitSnapshot(snapshot(TARGET, 0, 3));
    } finally {
      other.close();
    }
  });

  it('reports a failed read with the file it read (HR_STORE_READ)', async () => {
    store = await openSqliteStore(file);
    await store.saveUsageSnapshot({
      target: TARGET,
      collectedAt: new Date(T0),
      source: 'cloudwatch',
      windowStart: new Date(T0 - 3_600_000),
      windowEnd: new Date(T0),
      complete: true,
      samples: [{ serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 3, observedAt: null }],
      errors: [],
    });
    raw = inspect(file);
    await sql`drop table usage_samples`.execute(raw);
    const reading = store.usageHistory(TARGET, { serviceCode: 'ec2', quotaCode: 'L-1216C47A' });
    await expect(reading).rejects.toMatchObject({
      code: 'HR_STORE_READ',
      message: expect.stringContaining(`in the store ${file}: no such table`) as unknown,
    });
  });

  const root = process.getuid?.() === 0;
  it.each<[string, (dir: string) => string]>([
    [
      'its directory is a file',
      (dir) => {
        writeFileSync(join(dir, 'occupied'), 'not a directory');
        return join(dir, 'occupied', 'headroom.db');
      },
    ],
    [
      'it is a directory',
      (dir) => {
        mkdirSync(join(dir, 'headroom.db'));
        return join(dir, 'headroom.db');
      },
    ],
    [
      'it is not a database',
      (dir) => {
        writeFileSync(join(dir, 'headroom.db'), 'targets:\n  - 123456789012:us-east-1\n'.repeat(200));
        return join(dir, 'headroom.db');
      },
    ],
  ])('refuses a path where %s, naming it on one line with a hint (HR_STORE_OPEN)', async (_, prepare) => {
    const path = prepare(dir);
    const opening = openSqliteStore(path);
    await expect(opening).rejects.toBeInstanceOf(StorageError);
    const error = (await opening.catch((e: unknown) => e)) as StorageError;
    expect(error.code).toBe('HR_STORE_OPEN');
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('\n');
    expect(error.hint).toMatch(/choose another store path/);
  });

  it.skipIf(root)(
    'refuses a path in a read-only directory (skipped as root: root ignores permissions)',
    async () => {
      const readOnly = join(dir, 'read-only');
      mkdirSync(readOnly);
      chmodSync(readOnly, 0o555);
      try {
        await expect(openSqliteStore(join(readOnly, 'headroom.db'))).rejects.toMatchObject({
          code: 'HR_STORE_OPEN',
        });
      } finally {
        chmodSync(readOnly, 0o755);
      }
    },
  );
});

describe('SQLite migrations', () => {
  it('run in one transaction: a failing migration leaves no schema behind', async () => {
    const db = createSqliteKysely(new SqliteDatabase(':memory:'));
    try {
      const broken = {
        ...sqliteMigrations,
        '9999-broken': {
          async up(migrating: Kysely<unknown>): Promise<void> {
            await migrating.schema.createTable('half_done').addColumn('id', 'integer').execute();
            throw new Error('migration bug');
          },
        },
      };
      await expect(migrateToLatest(db, ':memory:', broken)).rejects.toMatchObject({
        code: 'HR_STORE_MIGRATION',
        message: 'cannot migrate the store :memory:: migration bug',
      });
      const tables = (await db.introspection.getTables()).map((table) => table.name);
      expect(tables).not.toContain('half_done');
      expect(tables).not.toContain('targets');
      await migrateToLatest(db, ':memory:');
      expect((await db.introspection.getTables()).map((table) => table.name)).toContain('targets');
    } finally {
      await db.destroy();
    }
  });
});

describe('driver boundary', () => {
  it('keeps better-sqlite3 inside src/storage/sqlite/, and the port and contract off any adapter', () => {
    const src = new URL('../../', import.meta.url).pathname;
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const all = sources(src);
    expect(all.length).toBeGreaterThan(10);
    const importers = all
      .filter((path) => /from ['"]better-sqlite3['"]/.test(readFileSync(path, 'utf8')))
      .map((path) => relative(src, path));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((path) => !path.startsWith('storage/sqlite/'))).toEqual([]);
    for (const shared of ['port.ts', 'contract.ts', 'schema.ts', 'codec.ts']) {
      expect(readFileSync(join(src, 'storage', shared), 'utf8'), shared).not.toMatch(/from ['"]\.\/sqlite\//);
    }
  });
});
