/**
 * The inventory end to end, with real parts: SQL CMDBs on a real MariaDB and a real PostgreSQL 15
 * started here (temp data directories, free loopback ports), AWS Organizations and STS on the
 * sandbox with pages of 2, the real SDK clients, a real SQLite store, and sweeps of what was
 * found. A database test is skipped, with the reason printed, only when its binaries are missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRegionsCommand, EC2Client, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsSession } from '../../src/aws/session.js';
import { type SweepResult, sweep } from '../../src/collect/sweep.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { problemText } from '../../src/domain/inventory.js';
import { type Target, targetKey } from '../../src/domain/target.js';
import { type Inventory, sourceKey, type StaticAccount, takeInventory } from '../../src/inventory/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { Store } from '../../src/storage/port.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import {
  envWithoutAws,
  headroomCommandAnywhere,
  type ProcessResult,
  runProgram,
  TSCONFIG_PATH,
} from '../helpers/aws-cli.js';
import {
  databaseForTests,
  freePort,
  type RunningDatabase,
  startMariadb,
  startPostgres,
} from '../helpers/databases.js';
import { clientSettings, sandboxAccounts } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
/** Two small services keep sweeps with pages of 2 quick: one global (iam), one regional (sns). */
const SERVICES = ['iam', 'sns'];
const ROLE = 'OrganizationAccountAccessRole';
const CMDB_PASSWORD = 'cmdb-S3cret-pw-9d41';

let sandbox: Sandbox;
let management: AccountInfo;
let production: AccountInfo;
let staging: AccountInfo;
const opened: { session: AwsSession; store: Store }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ pageSize: 2, throttle: 'off', regions: REGIONS });
  ({ management, production, staging } = sandboxAccounts(sandbox));
});

afterEach(async () => {
  sandbox.admin.configure({ denials: [] });
  for (const { session, store } of opened.splice(0)) {
    session.close();
    await store.close();
  }
});

afterAll(async () => {
  await sandbox.close();
});

const roleOf = (account: AccountInfo) => `arn:aws:iam::${account.id}:role/${ROLE}`;

/** A session whose base credentials are the management account's, and an empty store. */
async function open(statics: readonly StaticAccount[] = []) {
  const session = new AwsSession({
    retryMode: 'standard',
    maxAttempts: 2,
    maxConcurrency: 32,
    logger: silentLogger(),
    endpoint: sandbox.url,
    credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
    accounts: statics.map((a) => ({ accountId: a.id, roleArn: a.roleArn, profile: a.profile })),
    pace: false,
  });
  const store = await openSqliteStore(':memory:');
  opened.push({ session, store });
  return { session, store };
}

/** headroom.yaml's inventory and accounts, as the loader normalises them. */
function configOf(input: Record<string, unknown>): Config {
  return parseConfig({ regions: REGIONS, ...input });
}

/** headroom.yaml whose inventory is the one SQL source (beside any further top-level input). */
function sqlConfigOf(source: Record<string, unknown>, input: Record<string, unknown> = {}): Config {
  return configOf({ ...input, inventory: { sources: [{ type: 'sql', ...source }] } });
}

async function inventoryOf(
  config: Config,
  parts: { session: AwsSession; store: Store },
  options: { env?: NodeJS.ProcessEnv; refresh?: boolean; now?: Date } = {},
): Promise<Inventory> {
  return takeInventory({
    accounts: config.accounts,
    sources: config.inventory.sources,
    regions: config.regions,
    ttlMs: config.inventory.ttlMs,
    refresh: options.refresh ?? false,
    session: parts.session,
    store: parts.store,
    env: options.env ?? {},
    logger: silentLogger(),
    ...(options.now ? { now: options.now } : {}),
  });
}

function sweepOf(inventory: Inventory, parts: { session: AwsSession; store: Store }): Promise<SweepResult> {
  return sweep(parts.session, parts.store, {
    targets: inventory.targets,
    filter: { include: SERVICES, exclude: [] },
    limitsTtlMs: 24 * 3_600_000,
    usageTtlMs: 3_600_000,
    refresh: false,
    usage: { source: 'cloudwatch', windowMs: 3_600_000, periodSeconds: 60 },
    logger: silentLogger(),
  });
}

function keys(targets: readonly { target: Target }[]): string[] {
  return targets.map((t) => targetKey(t.target)).sort();
}

/**
 * Every target of the sweep read whole, each with the quotas of its own account: the ARN of every
 * applied quota names the account whose credentials read it.
 */
async function expectReadWhole(result: SweepResult, store: Store): Promise<void> {
  let applied = 0;
  for (const target of result.targets) {
    expect(target.complete, `${targetKey(target.target)}: ${JSON.stringify(target.errors)}`).toBe(true);
    const snapshot = await store.latestLimitSnapshot(target.target);
    expect(snapshot?.quotas.length ?? 0).toBeGreaterThan(0);
    for (const quota of snapshot?.quotas ?? []) {
      if (quota.source !== 'applied') continue;
      applied += 1;
      expect(quota.quotaArn).toContain(`:${target.target.accountId}:`);
    }
  }
  expect(applied).toBeGreaterThan(0);
}

/** The CMDB's table, the same rows in both databases: three good ones and three malformed. */
function cmdbRows(): (string | null)[][] {
  return [
    [management.id, 'management', null, 'us-east-1,eu-west-1', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    [production.id, 'production', roleOf(production), '["us-east-1"]', null],
    ['12345', 'broken-id', null, null, null],
    [staging.id, 'staging', roleOf(staging), null, null],
    ['111122223333', 'bad-role', 'arn:aws:iam::111122223333:user/bob', null, null],
    ['444455556666', 'bad-region', null, 'us-east-1, mars-1', null],
  ];
}

const CMDB_QUERY =
  'SELECT account_id, account_name, role, region_list, aws_secret_access_key FROM aws_accounts ORDER BY seq';
const CMDB_COLUMNS = { id: 'account_id', name: 'account_name', roleArn: 'role', regions: 'region_list' };
/** The CMDB source as headroom reads it over TCP (engine and port added by each test). */
const CMDB_SOURCE = {
  name: 'cmdb',
  database: 'cmdb',
  user: 'headroom',
  passwordEnv: 'CMDB_PASSWORD',
  query: CMDB_QUERY,
};

/** What both CMDB tests expect of the rows above. */
async function expectCmdbInventory(engine: 'mariadb' | 'postgres', database: RunningDatabase): Promise<void> {
  const config = sqlConfigOf({
    ...CMDB_SOURCE,
    engine,
    host: database.host,
    port: database.port,
    columns: CMDB_COLUMNS,
  });
  const parts = await open();
  const inventory = await inventoryOf(config, parts, { env: { CMDB_PASSWORD } });

  expect(inventory.accounts.map(({ regionList: _r, ...a }) => a)).toEqual([
    {
      id: management.id,
      name: 'management',
      roleArn: null,
      profile: null,
      externalId: null,
      regions: ['us-east-1', 'eu-west-1'],
      sources: ['cmdb'],
    },
    {
      id: production.id,
      name: 'production',
      roleArn: roleOf(production),
      profile: null,
      externalId: null,
      regions: ['us-east-1'],
      sources: ['cmdb'],
    },
    {
      id: staging.id,
      name: 'staging',
      roleArn: roleOf(staging),
      profile: null,
      externalId: null,
      regions: null,
      sources: ['cmdb'],
    },
  ]);
  expect(keys(inventory.targets)).toEqual(
    [
      `${management.id}:us-east-1`,
      `${management.id}:eu-west-1`,
      `${production.id}:us-east-1`,
      `${staging.id}:us-east-1`,
      `${staging.id}:eu-west-1`,
    ].sort(),
  );
  const lines = inventory.problems.map(problemText);
  expect(lines).toEqual([
    'warning inventory cmdb: the query returns aws_secret_access_key, which looks like credentials: ignored, never read or stored; select only the account id, name, role ARN and regions; headroom assumes the role instead',
    "warning inventory cmdb: row 3: column account_id '12345' is not a 12-digit account id; the row is skipped; correct the row in the CMDB (the other rows are used)",
    "warning inventory cmdb: row 5 (account 111122223333): column role 'arn:aws:iam::111122223333:user/bob' is not an IAM role ARN; the row is skipped; correct the row in the CMDB (the other rows are used)",
    "warning inventory cmdb: row 6 (account 444455556666): column region_list has 'mars-1', not a region name such as eu-west-1; the row is skipped; correct the row in the CMDB (the other rows are used)",
  ]);
  for (const line of lines) expect(line).not.toContain('\n');

  // What the store keeps: how accounts are reached, never a key or the password.
  const kept = await parts.store.latestInventory(sourceKey(config.inventory.sources[0] ?? never()));
  expect(kept?.accounts.map((a) => a.id)).toEqual([management.id, production.id, staging.id]);
  expect(JSON.stringify(kept)).not.toMatch(/wJalr|cmdb-S3cret/);

  // A sweep reads every account the CMDB lists, the members through their roles.
  const assumed = sandbox.admin.callTotal({ operation: 'AssumeRole', outcome: 'success' });
  await expectReadWhole(await sweepOf(inventory, parts), parts.store);
  expect(sandbox.admin.callTotal({ operation: 'AssumeRole', outcome: 'success' })).toBeGreaterThanOrEqual(
    assumed + 2,
  );
  expect((await parts.session.callerIdentityOf(staging.id)).arn).toContain(`:assumed-role/${ROLE}/`);
}

function never(): never {
  throw new Error('unreachable');
}

function createTable(types: { text: string }): string {
  return `CREATE TABLE aws_accounts (seq INTEGER PRIMARY KEY, account_id VARCHAR(20), account_name VARCHAR(64), role VARCHAR(255), region_list ${types.text}, aws_secret_access_key VARCHAR(64))`;
}

function insertRows(): string {
  const literal = (value: string | null) => (value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`);
  return `INSERT INTO aws_accounts VALUES ${cmdbRows()
    .map((row, index) => `(${String(index + 1)}, ${row.map(literal).join(', ')})`)
    .join(', ')}`;
}

describe('a MariaDB CMDB', () => {
  const cmdb = databaseForTests('MariaDB CMDB', startMariadb, async (database) => {
    await database.admin([
      'CREATE DATABASE cmdb',
      `CREATE USER 'headroom'@'%' IDENTIFIED BY '${CMDB_PASSWORD}'`,
      "GRANT SELECT ON cmdb.* TO 'headroom'@'%'",
    ]);
    await database.admin([createTable({ text: 'TEXT' }), insertRows()], 'cmdb');
  });

  it('lists its good rows as accounts, one problem per malformed row, and a sweep reads them', async (ctx) => {
    const database = cmdb.orSkip(ctx);
    await expectCmdbInventory('mariadb', database);
  });

  it('over its unix socket too', async (ctx) => {
    const database = cmdb.orSkip(ctx);
    const config = sqlConfigOf({
      engine: 'mysql',
      socket: database.socket,
      database: 'cmdb',
      user: 'root',
      query: 'SELECT account_id AS id, account_name AS name FROM aws_accounts WHERE seq IN (1, 2)',
    });
    const inventory = await inventoryOf(config, await open());
    expect(inventory.problems).toEqual([]);
    expect(inventory.accounts.map((a) => [a.id, a.name, a.sources])).toEqual([
      [management.id, 'management', ['sql']],
      [production.id, 'production', ['sql']],
    ]);
  });

  it('a wrong password is one line naming the source and host, never the password', async (ctx) => {
    const database = cmdb.orSkip(ctx);
    const config = sqlConfigOf({ ...CMDB_SOURCE, engine: 'mariadb', port: database.port });
    const inventory = await inventoryOf(config, await open(), { env: { CMDB_PASSWORD: 'wrong-pw-7c1e' } });
    expect(inventory.accounts).toEqual([]);
    const [line, ...more] = inventory.problems.map(problemText);
    expect(more).toEqual([]);
    expect(line).toMatch(
      new RegExp(
        `^warning inventory cmdb: cannot connect to the MariaDB CMDB at 127\\.0\\.0\\.1:${String(database.port)}/cmdb as headroom: .*Access denied.*; none of its accounts are read; `,
      ),
    );
    expect(line).not.toContain('wrong-pw-7c1e');
  });
});

describe('a PostgreSQL CMDB', () => {
  const cmdb = databaseForTests('PostgreSQL CMDB', startPostgres, async (database) => {
    await database.admin(['CREATE DATABASE cmdb', `CREATE ROLE headroom LOGIN PASSWORD '${CMDB_PASSWORD}'`]);
    await database.admin(
      [createTable({ text: 'TEXT' }), insertRows(), 'GRANT SELECT ON aws_accounts TO headroom'],
      'cmdb',
    );
  });

  it('lists its good rows as accounts, one problem per malformed row, and a sweep reads them', async (ctx) => {
    const database = cmdb.orSkip(ctx);
    await expectCmdbInventory('postgres', database);
  });

  it('reads regions from a JSON array column as the driver gives it', async (ctx) => {
    const database = cmdb.orSkip(ctx);
    const config = sqlConfigOf({
      engine: 'postgres',
      port: database.port,
      database: 'cmdb',
      user: 'headroom',
      passwordEnv: 'CMDB_PASSWORD',
      query: `SELECT account_id AS id, account_name AS name, '["eu-west-1"]'::jsonb AS regions FROM aws_accounts WHERE seq = 1`,
    });
    const inventory = await inventoryOf(config, await open(), { env: { CMDB_PASSWORD } });
    expect(inventory.problems).toEqual([]);
    expect(keys(inventory.targets)).toEqual([`${management.id}:eu-west-1`]);
  });
});

describe('an unreachable CMDB', () => {
  async function closedSource() {
    const port = await freePort();
    return sqlConfigOf(
      { ...CMDB_SOURCE, engine: 'mariadb', port, timeout: '5s' },
      { accounts: [{ id: management.id, name: 'management' }] },
    );
  }

  it('is one problem naming the source and host; the static accounts are still read', async () => {
    const config = await closedSource();
    const port = config.inventory.sources[0]?.type === 'sql' ? config.inventory.sources[0].port : never();
    const parts = await open(config.accounts);
    const inventory = await inventoryOf(config, parts, { env: { CMDB_PASSWORD } });
    expect(inventory.problems.map(problemText)).toEqual([
      `warning inventory cmdb: cannot connect to the MariaDB CMDB at 127.0.0.1:${String(port)}/cmdb as headroom: connect ECONNREFUSED 127.0.0.1:${String(port)}; none of its accounts are read; check that the database is up and reachable, and the user and password`,
    ]);
    expect(keys(inventory.targets)).toEqual(REGIONS.map((r) => `${management.id}:${r}`).sort());
    await expectReadWhole(await sweepOf(inventory, parts), parts.store);
  });

  it('falls back to the list it gave last time, with a warning', async () => {
    const config = await closedSource();
    const source = config.inventory.sources[0] ?? never();
    const parts = await open(config.accounts);
    const now = new Date();
    await parts.store.saveInventory({
      source: sourceKey(source),
      fetchedAt: new Date(now.getTime() - 30 * 3_600_000),
      accounts: [
        { id: production.id, name: 'production', roleArn: roleOf(production), profile: null, regions: null },
      ],
      problems: [],
    });
    const inventory = await inventoryOf(config, parts, { env: { CMDB_PASSWORD }, now });
    const [line, ...more] = inventory.problems.map(problemText);
    expect(more).toEqual([]);
    expect(line).toContain('warning inventory cmdb: cannot connect to the MariaDB CMDB at 127.0.0.1:');
    expect(line).toContain('; using the 1 accounts it gave 30h ago (cached); ');
    expect(keys(inventory.targets)).toEqual(
      [...REGIONS.map((r) => `${management.id}:${r}`), ...REGIONS.map((r) => `${production.id}:${r}`)].sort(),
    );
    await expectReadWhole(await sweepOf(inventory, parts), parts.store);
  });

  it('headroom collect warns in one line, collects the rest, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-inventory-cli-'));
    try {
      const port = await freePort();
      const configFile = join(dir, 'headroom.yaml');
      writeFileSync(
        configFile,
        [
          'aws:',
          `  endpoint: ${sandbox.url}`,
          'accounts:',
          `  - id: '${management.id}'`,
          '    name: management',
          `regions: [${REGIONS.join(', ')}]`,
          'services:',
          `  include: [${SERVICES.join(', ')}]`,
          'inventory:',
          '  sources:',
          '    - type: sql',
          '      name: cmdb',
          '      engine: mariadb',
          `      port: ${String(port)}`,
          '      database: cmdb',
          '      user: headroom',
          '      passwordEnv: CMDB_PASSWORD',
          '      query: SELECT account_id AS id, account_name AS name FROM aws_accounts',
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'aws-config'), '');
      const command = headroomCommandAnywhere(['collect']);
      const result: ProcessResult = await runProgram(command.file, command.args, {
        cwd: dir,
        timeoutMs: 60_000,
        env: {
          ...Object.fromEntries(Object.entries(envWithoutAws()).filter(([k]) => !k.startsWith('HEADROOM_'))),
          HEADROOM_HOME: join(dir, 'home'),
          AWS_CONFIG_FILE: join(dir, 'aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-config'),
          AWS_ACCESS_KEY_ID: management.accessKeyId,
          AWS_SECRET_ACCESS_KEY: management.secretAccessKey,
          AWS_EC2_METADATA_DISABLED: 'true',
          TSX_TSCONFIG_PATH: TSCONFIG_PATH,
          CMDB_PASSWORD,
        },
      });
      const shown = `exit ${String(result.code)}\n${result.stderr}`;
      expect(result.code, shown).toBe(1);
      const warnings = result.stderr.split('\n').filter((l) => l.startsWith('warning inventory'));
      expect(warnings, shown).toEqual([
        `warning inventory cmdb: cannot connect to the MariaDB CMDB at 127.0.0.1:${String(port)}/cmdb as headroom: connect ECONNREFUSED 127.0.0.1:${String(port)}; none of its accounts are read; check that the database is up and reachable, and the user and password`,
      ]);
      expect(result.stderr, shown).toContain(
        'collected 2 targets (2 read, 0 from cache, 0 partial, 0 failed)',
      );
      expect(result.stderr, shown).toContain(
        'error HR_COLLECT_INCOMPLETE: 0 of 2 targets were not read whole',
      );
      expect(result.stderr, shown).not.toContain(CMDB_PASSWORD);
      const store = await openSqliteStore(join(dir, 'home', 'headroom.sqlite'));
      try {
        for (const region of REGIONS) {
          expect(await store.latestLimitSnapshot({ accountId: management.id, region })).toBeDefined();
        }
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AWS Organizations', () => {
  it('lists every active account (pages of 2, the SUSPENDED one left out), members through the role', async () => {
    const config = configOf({ inventory: { sources: [{ type: 'organizations' }] } });
    const parts = await open();
    const listed = sandbox.admin.callTotal({ operation: 'ListAccounts' });
    const inventory = await inventoryOf(config, parts);
    // Three accounts and the suspended one, two a page.
    expect(sandbox.admin.callTotal({ operation: 'ListAccounts' }) - listed).toBe(2);
    expect(inventory.problems).toEqual([]);
    expect(inventory.accounts.map((a) => [a.id, a.name, a.roleArn, a.sources])).toEqual([
      [management.id, management.name, null, ['organizations']],
      [production.id, production.name, roleOf(production), ['organizations']],
      [staging.id, staging.name, roleOf(staging), ['organizations']],
    ]);
    const result = await sweepOf(inventory, parts);
    expect(keys(result.targets)).toEqual(
      [management, production, staging].flatMap((a) => REGIONS.map((r) => `${a.id}:${r}`)).sort(),
    );
    await expectReadWhole(result, parts.store);
    for (const member of [production, staging]) {
      expect((await parts.session.callerIdentityOf(member.id)).arn).toBe(
        `arn:aws:sts::${member.id}:assumed-role/${ROLE}/headroom`,
      );
    }
    // Cached: a second inventory asks Organizations nothing.
    const again = sandbox.admin.callTotal({ operation: 'ListAccounts' });
    const cached = await inventoryOf(config, parts);
    expect(cached.accounts.map((a) => a.id)).toEqual(inventory.accounts.map((a) => a.id));
    expect(sandbox.admin.callTotal({ operation: 'ListAccounts' })).toBe(again);
    await inventoryOf(config, parts, { refresh: true });
    expect(sandbox.admin.callTotal({ operation: 'ListAccounts' })).toBe(again + 2);
  });

  it('include and exclude choose accounts, and the static list wins over what is discovered', async () => {
    const config = configOf({
      accounts: [{ id: production.id, name: 'prod', regions: ['eu-west-1'], roleArn: roleOf(production) }],
      inventory: { sources: [{ type: 'organizations', exclude: [staging.id] }] },
    });
    const inventory = await inventoryOf(config, await open(config.accounts));
    expect(inventory.accounts.map((a) => [a.id, a.name, a.sources, a.regionList])).toEqual([
      [production.id, 'prod', ['static', 'organizations'], ['eu-west-1']],
      [management.id, management.name, ['organizations'], REGIONS],
    ]);
  });

  it('a role that cannot be assumed fails only that account, naming the role', async () => {
    sandbox.admin.configure({ denials: [{ operation: 'AssumeRole', resource: roleOf(staging) }] });
    const config = configOf({ inventory: { sources: [{ type: 'organizations' }] } });
    const parts = await open();
    const inventory = await inventoryOf(config, parts);
    expect(inventory.problems).toEqual([]);
    const result = await sweepOf(inventory, parts);
    for (const target of result.targets) {
      if (target.target.accountId === staging.id) {
        expect(target.limits).toBe('failed');
        const [error] = target.errors;
        expect(error?.message).toContain(roleOf(staging));
        expect(`${error?.message ?? ''}${error?.hint ?? ''}`).not.toContain('\n');
      } else {
        expect(target.complete, JSON.stringify(target.errors)).toBe(true);
      }
    }
    expect(result.targets.filter((t) => t.target.accountId !== staging.id)).toHaveLength(4);
  });

  it('ListAccounts denied is one problem naming organizations:ListAccounts; other sources are still read', async () => {
    sandbox.admin.configure({ denials: [{ operation: 'ListAccounts' }] });
    const config = configOf({
      accounts: [{ id: management.id, name: 'management' }],
      inventory: { sources: [{ type: 'organizations', name: 'org' }] },
    });
    const parts = await open();
    const inventory = await inventoryOf(config, parts);
    const [line, ...more] = inventory.problems.map(problemText);
    expect(more).toEqual([]);
    expect(line).toMatch(
      /^warning inventory org: AccessDeniedException on organizations:ListAccounts in account \d{12}: /,
    );
    expect(line).toContain('; none of its accounts are read; allow organizations:ListAccounts');
    expect(keys(inventory.targets)).toEqual(REGIONS.map((r) => `${management.id}:${r}`).sort());
    await expectReadWhole(await sweepOf(inventory, parts), parts.store);
  });
});

describe('regions', () => {
  const ec2 = (region: string) => new EC2Client(clientSettings(sandbox, { region }));

  it("a listed region that does not exist is one problem; the account's other regions are read", async () => {
    const config = configOf({
      accounts: [{ id: management.id, name: 'management', regions: ['us-east-1', 'us-foo-9'] }],
    });
    const parts = await open(config.accounts);
    const inventory = await inventoryOf(config, parts);
    expect(inventory.problems.map(problemText)).toEqual([
      `warning inventory regions: region us-foo-9 of account ${management.id} does not exist (EC2 DescribeRegions does not list it); the account's other regions are read; correct or remove it in regions`,
    ]);
    expect(keys(inventory.targets)).toEqual([`${management.id}:us-east-1`]);
    await expectReadWhole(await sweepOf(inventory, parts), parts.store);
  });

  it('regions AWS lists need no call to check', async () => {
    const config = configOf({ accounts: [{ id: management.id }] });
    const before = sandbox.admin.callTotal({ operation: 'DescribeRegions' });
    const inventory = await inventoryOf(config, await open(config.accounts));
    expect(keys(inventory.targets)).toEqual(REGIONS.map((r) => `${management.id}:${r}`).sort());
    expect(sandbox.admin.callTotal({ operation: 'DescribeRegions' })).toBe(before);
  });

  it('all is every enabled region of the account, cached with the inventory', async () => {
    const config = configOf({ regions: 'all', accounts: [{ id: management.id }] });
    const parts = await open(config.accounts);
    const before = sandbox.admin.callTotal({ operation: 'DescribeRegions' });
    const inventory = await inventoryOf(config, parts);
    const { Regions } = await ec2('us-east-1').send(new DescribeRegionsCommand({}));
    const enabled = (Regions ?? []).map((r) => r.RegionName ?? '').sort();
    expect(enabled.length).toBeGreaterThan(REGIONS.length);
    expect(inventory.accounts[0]?.regionList).toEqual(enabled);
    expect(inventory.problems).toEqual([]);
    expect(sandbox.admin.callTotal({ operation: 'DescribeRegions' })).toBe(before + 2);
    await inventoryOf(config, parts);
    expect(sandbox.admin.callTotal({ operation: 'DescribeRegions' })).toBe(before + 2);
  });

  it('in-use is the enabled regions with a running instance, one small page per region', async () => {
    const config = configOf({ regions: 'in-use', accounts: [{ id: management.id }] });
    const parts = await open(config.accounts);
    const { Regions } = await ec2('us-east-1').send(new DescribeRegionsCommand({}));
    const enabled = (Regions ?? []).map((r) => r.RegionName ?? '');
    const running: string[] = [];
    for (const region of enabled) {
      for await (const page of paginateDescribeInstances(
        { client: ec2(region) },
        { Filters: [{ Name: 'instance-state-name', Values: ['running'] }] },
      )) {
        if ((page.Reservations ?? []).some((r) => (r.Instances ?? []).length > 0)) {
          running.push(region);
          break;
        }
      }
    }
    expect(running.length).toBeGreaterThan(0);
    expect(running.length).toBeLessThan(enabled.length);
    const before = sandbox.admin.callTotal({ operation: 'DescribeInstances' });
    const inventory = await inventoryOf(config, parts);
    expect(inventory.problems).toEqual([]);
    expect(inventory.accounts[0]?.regionList).toEqual(running.sort());
    expect(sandbox.admin.callTotal({ operation: 'DescribeInstances' }) - before).toBe(enabled.length);
    // Cached: asked once per TTL.
    await inventoryOf(config, parts);
    expect(sandbox.admin.callTotal({ operation: 'DescribeInstances' }) - before).toBe(enabled.length);
  });
});

describe('AWS profiles', () => {
  it("reads each profile's account, by name or glob; a profile that fails is one problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-profiles-'));
    const saved = {
      config: process.env.AWS_CONFIG_FILE,
      credentials: process.env.AWS_SHARED_CREDENTIALS_FILE,
    };
    try {
      writeFileSync(join(dir, 'config'), ['[profile mgmt]', 'region = us-east-1', ''].join('\n'));
      writeFileSync(
        join(dir, 'credentials'),
        [
          '[mgmt]',
          `aws_access_key_id = ${management.accessKeyId}`,
          `aws_secret_access_key = ${management.secretAccessKey}`,
          '[team-prod]',
          `aws_access_key_id = ${production.accessKeyId}`,
          `aws_secret_access_key = ${production.secretAccessKey}`,
          '[team-broken]',
          'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
          'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          '',
        ].join('\n'),
      );
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      const config = configOf({
        inventory: { sources: [{ type: 'profiles', profiles: ['mgmt', 'team-*', 'nobody'] }] },
      });
      const parts = await open();
      const inventory = await inventoryOf(config, parts);
      expect(inventory.accounts.map((a) => [a.id, a.name, a.profile, a.sources])).toEqual([
        [management.id, 'mgmt', 'mgmt', ['profiles']],
        [production.id, 'team-prod', 'team-prod', ['profiles']],
      ]);
      const lines = inventory.problems.map(problemText);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(
        'warning inventory profiles: profile nobody is not in the AWS config or credentials file; known profiles: mgmt, team-broken, team-prod',
      );
      expect(lines[1]).toMatch(
        /^warning inventory profiles: profile team-broken: the credentials for profile team-broken were refused/,
      );
      expect(lines.join('')).not.toContain('wJalr');
      // A failed profile may pass (an expired login): the list is not cached.
      expect(
        await parts.store.latestInventory(sourceKey(config.inventory.sources[0] ?? never())),
      ).toBeUndefined();
      await expectReadWhole(await sweepOf(inventory, parts), parts.store);
    } finally {
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('headroom accounts', () => {
  it('lists every account with its sources, how it is reached and its regions, never credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-accounts-cli-'));
    try {
      writeFileSync(
        join(dir, 'headroom.yaml'),
        [
          'aws:',
          `  endpoint: ${sandbox.url}`,
          'accounts:',
          `  - id: '${production.id}'`,
          '    name: prod',
          `    roleArn: ${roleOf(production)}`,
          '    regions: [eu-west-1, us-foo-9]',
          `regions: [${REGIONS.join(', ')}]`,
          'inventory:',
          '  sources:',
          '    - type: organizations',
          `      exclude: ['${staging.id}']`,
          '',
        ].join('\n'),
      );
      writeFileSync(join(dir, 'aws-config'), '');
      const command = headroomCommandAnywhere(['accounts', '--format', 'json']);
      const result = await runProgram(command.file, command.args, {
        cwd: dir,
        timeoutMs: 60_000,
        env: {
          ...Object.fromEntries(Object.entries(envWithoutAws()).filter(([k]) => !k.startsWith('HEADROOM_'))),
          HEADROOM_HOME: join(dir, 'home'),
          AWS_CONFIG_FILE: join(dir, 'aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-config'),
          AWS_ACCESS_KEY_ID: management.accessKeyId,
          AWS_SECRET_ACCESS_KEY: management.secretAccessKey,
          AWS_EC2_METADATA_DISABLED: 'true',
          TSX_TSCONFIG_PATH: TSCONFIG_PATH,
        },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr.split('\n').filter((l) => l.startsWith('warning'))).toEqual([
        `warning inventory regions: region us-foo-9 of account ${production.id} does not exist (EC2 DescribeRegions does not list it); the account's other regions are read; correct or remove it in regions`,
      ]);
      expect(JSON.parse(result.stdout)).toEqual([
        {
          id: production.id,
          name: 'prod',
          sources: ['static', 'organizations'],
          roleArn: roleOf(production),
          profile: null,
          regions: ['eu-west-1'],
          regionsSetting: ['eu-west-1', 'us-foo-9'],
        },
        {
          id: management.id,
          name: management.name,
          sources: ['organizations'],
          roleArn: null,
          profile: null,
          regions: REGIONS,
          regionsSetting: null,
        },
      ]);
      expect(result.stdout + result.stderr).not.toContain(management.secretAccessKey);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
