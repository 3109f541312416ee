/**
 * The `headroom` CLI end to end, as a user runs it: `collect`, `quotas`, `targets` and `cache` in a
 * child process (from source), against one sandbox started here at AWS's rates. Every test has its
 * own temp directory as cwd, HEADROOM_HOME and (empty) AWS config files, so ~/.headroom and ~/.aws
 * are never read. Exit codes, stdout and stderr are checked exactly; what the sandbox holds
 * (`admin.quotaTable`) is the oracle for what `quotas` shows, and the store file for what was kept.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountInfo,
  DEFAULT_REGIONS,
  type QuotaTableRow,
  type Sandbox,
  startSandbox,
} from '../../src/sandbox/index.js';
import type { Store } from '../../src/storage/port.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import {
  AWS_CLI_V1,
  awsCliJson,
  headroomCommandAnywhere,
  headroomEnv,
  keysOf,
  type ProcessResult,
  runProgram,
  TSCONFIG_PATH,
} from '../helpers/aws-cli.js';
import { clientSettings } from '../helpers/sandbox.js';
import { COUNTERS } from '../../src/services/index.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
/** Few services keep each run to a second or so at AWS's rates; iam has the global quotas. */
const SERVICES = ['ec2', 'iam', 'lambda', 'monitoring'];
const MEMBER_ROLE = 'OrganizationAccountAccessRole';
/** Every quota a usage counter counts (`service/code`). */
const COUNTED = new Set(COUNTERS.flatMap((c) => c.quotas.map((q) => `${c.serviceCode}/${q.quotaCode}`)));

let sandbox: Sandbox;
let management: AccountInfo;
let member: AccountInfo;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: 2, regions: REGIONS, throttle: 'aws' });
  const accounts = sandbox.admin.accounts();
  const found = {
    management: accounts.find((a) => a.management),
    member: accounts.find((a) => !a.management),
  };
  if (!found.management || !found.member) throw new Error('the sandbox has no management or member account');
  management = found.management;
  member = found.member;
});

const workspaces: string[] = [];

afterEach(async () => {
  sandbox.admin.configure({ denials: [], outages: [] });
  for (const dir of workspaces.splice(0)) await rm(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await sandbox.close();
});

// ---- a test's directory, config and environment ---------------------------------------------

interface Workspace {
  /** The CLI's cwd: `./headroom.yaml` is looked up here. */
  readonly dir: string;
  /** HEADROOM_HOME. */
  readonly home: string;
  readonly awsConfigFile: string;
  readonly awsCredentialsFile: string;
}

async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'headroom-cli-'));
  workspaces.push(dir);
  const home = join(dir, 'home');
  await mkdir(home);
  const ws = {
    dir,
    home,
    awsConfigFile: join(dir, 'aws-config'),
    awsCredentialsFile: join(dir, 'aws-credentials'),
  };
  await writeFile(ws.awsConfigFile, '');
  await writeFile(ws.awsCredentialsFile, '');
  return ws;
}

/** headroom.yaml for the sandbox: the management account as is, the member through its role. */
function configText(options: { endpoint?: string; aws?: readonly string[]; regions?: string } = {}): string {
  return [
    'aws:',
    `  endpoint: ${options.endpoint ?? sandbox.url}`,
    ...(options.aws ?? []).map((line) => `  ${line}`),
    'accounts:',
    `  - id: '${management.id}'`,
    `    name: ${management.name}`,
    `  - id: '${member.id}'`,
    `    name: ${member.name}`,
    `    roleArn: arn:aws:iam::${member.id}:role/${MEMBER_ROLE}`,
    `regions: ${options.regions ?? `[${REGIONS.join(', ')}]`}`,
    'services:',
    `  include: [${SERVICES.join(', ')}]`,
    '',
  ].join('\n');
}

async function writeConfig(ws: Workspace, text = configText(), name = 'headroom.yaml'): Promise<string> {
  const path = join(ws.dir, name);
  await writeFile(path, text);
  return path;
}

/** `line:column` (1-based) of `skip` characters into the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, skip = 0): string {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`${needle} is not in the config`);
  return `${line + 1}:${(lines[line] ?? '').indexOf(needle) + skip + 1}`;
}

interface RunOptions {
  /** Extra environment (HEADROOM_LOG_LEVEL…). */
  readonly env?: Record<string, string>;
  /** Base credentials of the management account in AWS_ACCESS_KEY_ID/…; default true. */
  readonly credentials?: boolean;
}

/**
 * The child's environment: the test process's without any AWS_* or HEADROOM_* variable, then
 * HEADROOM_HOME, the workspace's empty AWS files, and what the case adds.
 */
function cliEnv(ws: Workspace, options: RunOptions = {}): NodeJS.ProcessEnv {
  return {
    ...headroomEnv(),
    HEADROOM_HOME: ws.home,
    AWS_CONFIG_FILE: ws.awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: ws.awsCredentialsFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TSX_TSCONFIG_PATH: TSCONFIG_PATH,
    ...(options.credentials === false ? {} : keysOf(management)),
    ...options.env,
  };
}

function headroom(ws: Workspace, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const command = headroomCommandAnywhere(args);
  return runProgram(command.file, command.args, { env: cliEnv(ws, options), cwd: ws.dir, timeoutMs: 60_000 });
}

/** The lines of an output that ends in a newline (none for empty output). */
function linesOf(text: string): string[] {
  if (text === '') return [];
  expect(text.endsWith('\n'), `output does not end in a newline: ${JSON.stringify(text.slice(-80))}`).toBe(
    true,
  );
  return text.slice(0, -1).split('\n');
}

/** What a result was, for failure messages. */
function shown(result: ProcessResult): string {
  return `exit ${String(result.code)}\n--- stdout\n${result.stdout.slice(0, 2000)}\n--- stderr\n${result.stderr}`;
}

// ---- what the CLI prints --------------------------------------------------------------------

interface Summary {
  targets: number;
  read: number;
  cached: number;
  partial: number;
  failed: number;
  quotas: number;
  usageValues: number;
  calls: number;
  throttled: number;
  retried: number;
  sandbox: boolean;
}

const SUMMARY =
  /^collected (\d+) targets \((\d+) read, (\d+) from cache, (\d+) partial, (\d+) failed\): ([\d,]+) quotas, ([\d,]+) usage values; ([\d,]+) AWS calls \((\d+) throttled, (\d+) retried\) in \d+\.\d s( \[sandbox\])?$/;

function parseSummary(line: string | undefined): Summary {
  const match = SUMMARY.exec(line ?? '');
  if (!match) throw new Error(`not the summary line of collect: ${JSON.stringify(line)}`);
  const n = (index: number) => Number((match[index] ?? '').replaceAll(',', ''));
  return {
    targets: n(1),
    read: n(2),
    cached: n(3),
    partial: n(4),
    failed: n(5),
    quotas: n(6),
    usageValues: n(7),
    calls: n(8),
    throttled: n(9),
    retried: n(10),
    sandbox: match[11] !== undefined,
  };
}

/** A stderr line written by the logger (`12:03:04 WARN  message key=value`), not by the command. */
const LOG_LINE = /^\d\d:\d\d:\d\d (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) /;

interface QuotaJson {
  accountId: string;
  accountName: string | null;
  region: string;
  serviceCode: string;
  serviceName: string;
  quotaCode: string;
  quotaName: string;
  limit: number | null;
  limitSource: 'applied' | 'default';
  defaultValue: number | null;
  unit: string;
  adjustable: boolean;
  global: boolean;
  usage: number | null;
  usageSource: string | null;
  usageResource: string | null;
  utilization: number | null;
  limitsAt: string;
  usageAt: string | null;
}

interface TargetJson {
  accountId: string;
  accountName: string | null;
  region: string;
  quotaCount: number;
  limitsAt: string | null;
  limitsComplete: boolean | null;
  sampleCount: number;
  usageAt: string | null;
  usageSource: string | null;
}

function parseJson(result: ProcessResult): unknown {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`stdout is not JSON:\n${shown(result)}`);
  }
}

const quotaRowsOf = (result: ProcessResult) => parseJson(result) as QuotaJson[];
const targetRowsOf = (result: ProcessResult) => parseJson(result) as TargetJson[];

/** Written for a pipe, not a terminal: no carriage return, no escape code. */
function expectPlain(text: string): void {
  expect({ cr: text.includes('\r'), esc: text.includes('\x1b') }).toEqual({ cr: false, esc: false });
}

/** RFC 4180 records (every record ends in '\n', as headroom writes them). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c !== '"') field += c;
      else if (text.charAt(i + 1) === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  expect({ field, record, quoted }, 'the CSV ends inside a record').toEqual({
    field: '',
    record: [],
    quoted: false,
  });
  return records;
}

/** A JSON value as headroom's CSV writes it: empty for null, text guarded against formulas. */
function csvValue(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  throw new Error(`unexpected value in a quota row: ${JSON.stringify(value)}`);
}

// ---- what the sandbox holds -----------------------------------------------------------------

interface TargetInfo {
  readonly accountId: string;
  readonly accountName: string;
  readonly region: string;
  readonly key: string;
}

/** The four targets, in the order headroom lists them (account id, then region). */
function allTargets(): TargetInfo[] {
  return [management, member]
    .flatMap((a) =>
      REGIONS.map((region) => ({
        accountId: a.id,
        accountName: a.name,
        region,
        key: `${a.id}:${region}`,
      })),
    )
    .sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region));
}

function targetOf(accountId: string, region: string): TargetInfo {
  const found = allTargets().find((t) => t.accountId === accountId && t.region === region);
  if (!found) throw new Error(`no target ${accountId}:${region}`);
  return found;
}

/** The sandbox's rows of a target for the included services; global quotas only in us-east-1. */
function sandboxRows(target: TargetInfo): QuotaTableRow[] {
  return sandbox.admin
    .quotaTable(target.accountId, target.region)
    .filter((row) => SERVICES.includes(row.serviceCode) && (target.region === 'us-east-1' || !row.global));
}

const byQuota = (
  a: { serviceCode: string; quotaCode: string },
  b: { serviceCode: string; quotaCode: string },
) =>
  a.serviceCode < b.serviceCode ? -1 : a.serviceCode > b.serviceCode ? 1 : a.quotaCode < b.quotaCode ? -1 : 1;

/** What `quotas --format json` must show for a target's limits, from the sandbox's own state. */
function expectedLimits(target: TargetInfo, rows = sandboxRows(target)) {
  return rows
    .map((row) => {
      const applied = row.listed && row.appliedValue !== null;
      return {
        accountId: target.accountId,
        accountName: target.accountName,
        region: target.region,
        serviceCode: row.serviceCode,
        quotaCode: row.quotaCode,
        quotaName: row.quotaName,
        limit: applied ? row.appliedValue : row.defaultValue,
        limitSource: applied ? 'applied' : 'default',
        defaultValue: row.defaultValue,
        unit: row.unit,
        adjustable: row.adjustable,
        global: row.global,
      };
    })
    .sort(byQuota);
}

function actualLimits(rows: readonly QuotaJson[], target: TargetInfo) {
  return rows
    .filter((r) => r.accountId === target.accountId && r.region === target.region)
    .map((r) => ({
      accountId: r.accountId,
      accountName: r.accountName,
      region: r.region,
      serviceCode: r.serviceCode,
      quotaCode: r.quotaCode,
      quotaName: r.quotaName,
      limit: r.limit,
      limitSource: r.limitSource,
      defaultValue: r.defaultValue,
      unit: r.unit,
      adjustable: r.adjustable,
      global: r.global,
    }))
    .sort(byQuota);
}

function totalQuotas(): number {
  return allTargets().reduce((n, t) => n + sandboxRows(t).length, 0);
}

/** Sandbox requests headroom's own clients sent (every HTTP attempt), and the AssumeRole calls apart. */
function sandboxCalls(): { headroom: number; sts: number; throttled: number } {
  const sts = sandbox.admin.callTotal({ service: 'sts' });
  return {
    headroom: sandbox.admin.callTotal() - sts,
    sts,
    throttled: sandbox.admin.callTotal({ outcome: 'throttled' }),
  };
}

async function withStore<T>(path: string, read: (store: Store) => Promise<T>): Promise<T> {
  expect(existsSync(path), `${path} exists`).toBe(true);
  const store = await openSqliteStore(path);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

// ---- the cases ------------------------------------------------------------------------------

describe('headroom collect', () => {
  it('reads 4 targets once, then serves them from the cache until --refresh; stderr is plain text', async () => {
    const ws = await workspace();
    // --config with a file outside the cwd: the flag, not ./headroom.yaml, is what is read.
    await mkdir(join(ws.dir, 'conf'));
    const config = await writeConfig(ws, configText(), join('conf', 'collect.yaml'));
    const quotas = totalQuotas();

    const before = sandboxCalls();
    const first = await headroom(ws, ['--config', config, 'collect']);
    const after = sandboxCalls();
    expect(first.code, shown(first)).toBe(0);
    expect(first.stdout).toBe('');
    expectPlain(first.stderr);
    const [line, ...rest] = linesOf(first.stderr);
    expect(rest, shown(first)).toEqual([]);
    const summary = parseSummary(line);
    expect(summary).toEqual({
      targets: 4,
      read: 4,
      cached: 0,
      partial: 0,
      failed: 0,
      quotas,
      usageValues: summary.usageValues,
      calls: summary.calls,
      throttled: after.throttled - before.throttled,
      retried: summary.retried,
      sandbox: false,
    });
    expect(summary.usageValues).toBeGreaterThan(0);
    // Every HTTP attempt the CLI counted reached the sandbox, and nothing else did but AssumeRole.
    expect(after.headroom - before.headroom).toBe(summary.calls + summary.retried);
    expect(after.sts - before.sts).toBeGreaterThanOrEqual(1);
    const stored = await withStore(join(ws.home, 'headroom.sqlite'), (s) =>
      Promise.all(allTargets().map((t) => s.latestUsageSnapshot(t))),
    );
    expect(stored.reduce((n, u) => n + (u?.samples.length ?? 0), 0)).toBe(summary.usageValues);

    const cachedBefore = sandbox.admin.callTotal();
    const second = await headroom(ws, ['--config', config, 'collect']);
    expect(second.code, shown(second)).toBe(0);
    expect(second.stdout).toBe('');
    expectPlain(second.stderr);
    expect(linesOf(second.stderr)).toHaveLength(1);
    expect(parseSummary(linesOf(second.stderr)[0])).toEqual({
      ...summary,
      read: 0,
      cached: 4,
      calls: 0,
      throttled: 0,
      retried: 0,
    });
    expect(sandbox.admin.callTotal()).toBe(cachedBefore);

    const refreshBefore = sandboxCalls();
    const third = await headroom(ws, ['--config', config, 'collect', '--refresh']);
    const refreshAfter = sandboxCalls();
    expect(third.code, shown(third)).toBe(0);
    expect(third.stdout).toBe('');
    expectPlain(third.stderr);
    expect(linesOf(third.stderr)).toHaveLength(1);
    const refreshed = parseSummary(linesOf(third.stderr)[0]);
    expect(refreshed).toEqual({
      ...summary,
      calls: refreshed.calls,
      throttled: refreshAfter.throttled - refreshBefore.throttled,
      retried: refreshed.retried,
    });
    expect(refreshed.calls).toBeGreaterThan(0);
    expect(refreshAfter.headroom - refreshBefore.headroom).toBe(refreshed.calls + refreshed.retried);
  });
});

describe('headroom collect --backfill', () => {
  it('reads the hourly peaks back from CloudWatch before the oldest reading, as the AWS CLI sees them, once', async () => {
    const ws = await workspace();
    await writeConfig(ws);
    const target = `${management.name}:us-east-1`;
    const first = await headroom(ws, ['collect', '--target', target, '--backfill', '3d']);
    expect(first.code, shown(first)).toBe(0);
    expect(first.stderr).toMatch(
      /^backfilled 3 days: [\d,]+ hourly readings of \d+ quotas in 1 target from CloudWatch; \d+ rate quotas left out/m,
    );
    const stored = join(ws.home, 'headroom.sqlite');
    const where = { accountId: management.id, region: 'us-east-1' };
    const vcpu = { serviceCode: 'ec2', quotaCode: 'L-1216C47A' };
    const history = await withStore(stored, (store) => store.usageHistory(where, vcpu));
    // Every hour from three days ago up to the collection's reading, then that reading.
    const [collected] = history.slice(-1);
    const filled = history.slice(0, -1);
    const HOUR = 3_600_000;
    const startHour = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR;
    expect(filled[0]?.at.getTime()).toBeGreaterThanOrEqual(startHour - HOUR);
    expect(filled[0]?.at.getTime()).toBeLessThanOrEqual(startHour);
    // It stops at the hour of the target's oldest reading (of any quota, the peak of the last
    // hour): at most an hour before this quota's.
    const gap = Math.floor((collected?.at.getTime() ?? 0) / HOUR) * HOUR - (filled.at(-1)?.at.getTime() ?? 0);
    expect([HOUR, 2 * HOUR]).toContain(gap);
    expect(filled.length).toBeGreaterThanOrEqual(70);
    expect(filled.length).toBeLessThanOrEqual(73);
    for (const [i, point] of filled.entries()) {
      expect(point.at.getTime() % 3_600_000).toBe(0);
      if (i > 0) expect(point.at.getTime() - (filled[i - 1]?.at.getTime() ?? 0)).toBe(3_600_000);
    }
    expect((filled.at(-1)?.at.getTime() ?? 0) < (collected?.at.getTime() ?? 0)).toBe(true);

    // The oracle: the AWS CLI asks the sandbox's CloudWatch for the quota's metric, hourly maxima.
    const credentials = { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey };
    const options = { endpoint: sandbox.url, credentials, region: 'us-east-1' };
    const { Quota: quota } = await awsCliJson<{
      Quota: {
        UsageMetric: {
          MetricNamespace: string;
          MetricName: string;
          MetricDimensions: Record<string, string>;
        };
      };
    }>(
      AWS_CLI_V1,
      ['service-quotas', 'get-service-quota', '--service-code', 'ec2', '--quota-code', 'L-1216C47A'],
      options,
    );
    const metric = quota.UsageMetric;
    const queries = [
      {
        Id: 'm1',
        MetricStat: {
          Metric: {
            Namespace: metric.MetricNamespace,
            MetricName: metric.MetricName,
            Dimensions: Object.entries(metric.MetricDimensions).map(([Name, Value]) => ({ Name, Value })),
          },
          Period: 3600,
          Stat: 'Maximum',
        },
      },
    ];
    const start = filled[0]?.at ?? new Date();
    const end = new Date((filled.at(-1)?.at.getTime() ?? 0) + 3_600_000);
    const cli = await awsCliJson<{
      MetricDataResults: { Timestamps: (string | number)[]; Values: number[] }[];
    }>(
      AWS_CLI_V1,
      [
        'cloudwatch',
        'get-metric-data',
        '--metric-data-queries',
        JSON.stringify(queries),
        '--start-time',
        start.toISOString(),
        '--end-time',
        end.toISOString(),
        '--scan-by',
        'TimestampAscending',
      ],
      options,
    );
    const [series] = cli.MetricDataResults;
    // The v1 CLI prints epoch seconds, v2 ISO strings.
    const seen = (series?.Timestamps ?? []).map((t, i) => ({
      at: typeof t === 'number' ? t * 1000 : Date.parse(t),
      value: series?.Values[i],
    }));
    expect(filled.map((p) => ({ at: p.at.getTime(), value: p.value }))).toEqual(seen);

    // Again: the stretch is stored already, so nothing is added.
    const again = await headroom(ws, ['collect', '--target', target, '--backfill', '3d']);
    expect(again.code, shown(again)).toBe(0);
    expect(again.stderr).toMatch(
      /^backfilled 3 days: 0 hourly readings of 0 quotas in 1 target from CloudWatch \(1 had nothing to fill\)/m,
    );
    const after = await withStore(stored, (store) => store.usageHistory(where, vcpu));
    expect(after).toHaveLength(history.length);

    // Three days of history: a forecast straight away.
    const forecast = await headroom(ws, [
      'forecast',
      '--target',
      target,
      '--quota',
      'ec2/L-1216C47A',
      '--format',
      'json',
    ]);
    expect(forecast.code, shown(forecast)).toBe(0);
    const [row] = JSON.parse(forecast.stdout) as { forecast: { status: string; points: number } }[];
    expect(row?.forecast.status).toBe('ok');
  }, 120_000);

  it('refuses a stretch it cannot read: one line, exit 2, nothing read', async () => {
    const ws = await workspace();
    await writeConfig(ws);
    for (const value of ['2h', '100d', 'soon']) {
      const result = await headroom(ws, ['collect', '--backfill', value]);
      expect(result.code, value).toBe(2);
      expect(linesOf(result.stderr), value).toHaveLength(1);
      expect(result.stderr).toContain(
        `'--backfill <days>' argument '${value}' is invalid. expected whole days from 1d to 90d`,
      );
    }
    expect(existsSync(join(ws.home, 'headroom.sqlite'))).toBe(false);
  });
});

describe('headroom quotas', () => {
  it('shows every quota as the sandbox holds it, as JSON and CSV, and filters and sorts as documented', async () => {
    const ws = await workspace();
    await writeConfig(ws);
    const collected = await headroom(ws, ['collect']);
    expect(collected.code, shown(collected)).toBe(0);

    // Read through the cache: no AWS call.
    const callsBefore = sandbox.admin.callTotal();
    const json = await headroom(ws, ['quotas', '--format', 'json']);
    expect(json.code, shown(json)).toBe(0);
    expect(json.stderr).toBe('');
    const rows = quotaRowsOf(json);
    expect(rows).toHaveLength(totalQuotas());

    for (const target of allTargets()) {
      expect(actualLimits(rows, target), target.key).toEqual(expectedLimits(target));
    }
    // The comparison covered applied values, defaults where none is applied, and global quotas,
    // which appear in us-east-1 only.
    expect(rows.some((r) => r.limitSource === 'applied' && r.limit !== r.defaultValue)).toBe(true);
    expect(rows.some((r) => r.limitSource === 'default')).toBe(true);
    expect(rows.filter((r) => r.global).map((r) => r.region)).toContain('us-east-1');
    expect(rows.filter((r) => r.global && r.region !== 'us-east-1')).toEqual([]);

    // Usage: only for quotas with a usage metric, and utilization is usage over the limit.
    const withUsage = rows.filter((r) => r.usage !== null);
    expect(withUsage.length).toBeGreaterThan(0);
    const held = new Map(
      allTargets().flatMap((t) =>
        sandboxRows(t).map((q) => [`${t.key}|${q.serviceCode}|${q.quotaCode}`, q] as const),
      ),
    );
    for (const row of rows) {
      const quota = held.get(`${row.accountId}:${row.region}|${row.serviceCode}|${row.quotaCode}`);
      if (row.usage === null) {
        expect({ utilization: row.utilization, usageSource: row.usageSource, usageAt: row.usageAt }).toEqual({
          utilization: null,
          usageSource: null,
          usageAt: null,
        });
      } else if (row.usageSource === 'counter') {
        // Counted by a usage counter: a quota with no usage metric, or one CloudWatch had no value for.
        expect(COUNTED.has(`${row.serviceCode}/${row.quotaCode}`), `${row.quotaCode} is counted`).toBe(true);
        expect(row.usageAt).toEqual(expect.any(String));
      } else {
        expect(quota?.hasUsageMetric, `${row.quotaCode} has usage but no usage metric`).toBe(true);
        expect(row.usageSource).toBe('cloudwatch');
        expect(row.usageAt).toEqual(expect.any(String));
        expect(row.utilization).toBe(row.limit !== null && row.limit > 0 ? row.usage / row.limit : null);
      }
    }
    // Default sort (utilization): highest first, quotas without usage last.
    const utilizations = rows.map((r) => r.utilization ?? -1);
    expect(utilizations).toEqual([...utilizations].sort((a, b) => b - a));

    // CSV: a header, then one record per JSON row, same order, same values.
    const csv = await headroom(ws, ['quotas', '--format', 'csv']);
    expect(csv.code, shown(csv)).toBe(0);
    expect(csv.stderr).toBe('');
    expect(linesOf(csv.stdout)).toHaveLength(rows.length + 1);
    const [header, ...records] = parseCsv(csv.stdout);
    const columns = [
      'accountId',
      'accountName',
      'region',
      'serviceCode',
      'serviceName',
      'quotaCode',
      'quotaName',
      'limit',
      'limitSource',
      'defaultValue',
      'unit',
      'adjustable',
      'global',
      'usage',
      'usageSource',
      'usageResource',
      'utilization',
      'limitsAt',
      'usageAt',
    ] as const;
    expect(header).toEqual([...columns]);
    expect(records).toEqual(rows.map((row) => columns.map((column) => csvValue(row[column]))));

    // Filters, each checked against the unfiltered rows.
    const filtered = await headroom(ws, [
      'quotas',
      '--format',
      'json',
      '--service',
      'ec2',
      '--adjustable',
      '--changed',
      '--above',
      '0',
      '--sort',
      'utilization',
    ]);
    expect(filtered.code, shown(filtered)).toBe(0);
    expect(filtered.stderr).toBe('');
    const chosen = quotaRowsOf(filtered);
    const passes = {
      service: (r: QuotaJson) => r.serviceCode === 'ec2',
      adjustable: (r: QuotaJson) => r.adjustable,
      changed: (r: QuotaJson) => r.limitSource === 'applied' && r.limit !== r.defaultValue,
      above: (r: QuotaJson) => r.utilization !== null && r.utilization >= 0,
    };
    const expected = rows.filter((r) => Object.values(passes).every((pass) => pass(r)));
    expect(expected.length).toBeGreaterThan(0);
    expect([...chosen].sort(byQuotaAndTarget)).toEqual([...expected].sort(byQuotaAndTarget));
    // Each filter removes rows the others would keep, so each of them was tested; all the changed
    // quotas with usage are adjustable here, so --adjustable is checked on its own below.
    for (const [name, pass] of Object.entries(passes).filter(([name]) => name !== 'adjustable')) {
      const others = Object.entries(passes).filter(([other]) => other !== name);
      expect(
        rows.some((r) => !pass(r) && others.every(([, p]) => p(r))),
        `no row is left out by --${name} alone`,
      ).toBe(true);
    }
    const sorted = chosen.map((r) => r.utilization ?? -1);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));

    // --adjustable alone, sorted by name.
    const adjustable = await headroom(ws, ['quotas', '--format', 'json', '--adjustable', '--sort', 'name']);
    expect(adjustable.code, shown(adjustable)).toBe(0);
    const adjustableRows = quotaRowsOf(adjustable);
    expect(rows.some((r) => !r.adjustable)).toBe(true);
    expect([...adjustableRows].sort(byQuotaAndTarget)).toEqual(
      rows.filter(passes.adjustable).sort(byQuotaAndTarget),
    );
    const names = adjustableRows.map((r) => r.quotaName);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

    // --above 100 --sort limit: only quotas at or over their limit, largest limit first.
    const over = await headroom(ws, ['quotas', '--format', 'json', '--above', '100', '--sort', 'limit']);
    expect(over.code, shown(over)).toBe(0);
    const overRows = quotaRowsOf(over);
    const overExpected = rows.filter((r) => r.utilization !== null && r.utilization * 100 >= 100);
    expect(overExpected.length).toBeGreaterThan(0);
    expect([...overRows].sort(byQuotaAndTarget)).toEqual([...overExpected].sort(byQuotaAndTarget));
    const limits = overRows.map((r) => r.limit ?? -1);
    expect(limits).toEqual([...limits].sort((a, b) => b - a));

    expect(sandbox.admin.callTotal()).toBe(callsBefore);
  });
});

function byQuotaAndTarget(a: QuotaJson, b: QuotaJson): number {
  const key = (r: QuotaJson) => `${r.accountId}|${r.region}|${r.serviceCode}|${r.quotaCode}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

describe('headroom targets and cache', () => {
  it('lists the targets with what is cached; cache clear forgets it but keeps usage history unless --history', async () => {
    const ws = await workspace();
    await writeConfig(ws);
    const store = join(ws.home, 'headroom.sqlite');

    const before = await headroom(ws, ['targets', '--format', 'json']);
    expect(before.code, shown(before)).toBe(0);
    expect(before.stderr).toBe('');
    const nothing = allTargets().map((t) => ({
      accountId: t.accountId,
      accountName: t.accountName,
      region: t.region,
      quotaCount: 0,
      limitsAt: null,
      limitsComplete: null,
      sampleCount: 0,
      usageAt: null,
      usageSource: null,
    }));
    expect(targetRowsOf(before)).toEqual(nothing);

    const collected = await headroom(ws, ['collect']);
    expect(collected.code, shown(collected)).toBe(0);

    const cached = await withStore(store, (s) =>
      Promise.all(
        allTargets().map(async (t) => ({
          limits: await s.latestLimitSnapshot(t),
          usage: await s.latestUsageSnapshot(t),
        })),
      ),
    );
    const listed = allTargets().map((t, i) => {
      const { limits, usage } = cached[i] ?? {};
      if (!limits || !usage) throw new Error(`nothing stored for ${t.key}`);
      return {
        accountId: t.accountId,
        accountName: t.accountName,
        region: t.region,
        quotaCount: sandboxRows(t).length,
        limitsAt: limits.collectedAt.toISOString(),
        limitsComplete: true,
        sampleCount: usage.samples.length,
        usageAt: usage.collectedAt.toISOString(),
        usageSource: 'cloudwatch',
      };
    });
    expect(listed.every((t) => t.sampleCount > 0)).toBe(true);
    const targets = await headroom(ws, ['targets', '--format', 'json']);
    expect(targets.code, shown(targets)).toBe(0);
    expect(targets.stderr).toBe('');
    expect(targetRowsOf(targets)).toEqual(listed);

    // cache show: the same entries (it does not look up account names).
    const withoutName = ({ accountName: _, ...rest }: TargetJson) => rest;
    const show = await headroom(ws, ['cache', 'show', '--format', 'json']);
    expect(show.code, shown(show)).toBe(0);
    expect(show.stderr).toBe('');
    expect(targetRowsOf(show).map(withoutName)).toEqual(listed.map(withoutName));

    // A quota with usage, to follow its history.
    const tracked = allTargets()[0];
    const sample = cached[0]?.usage?.samples[0];
    if (!tracked || !sample) throw new Error('no usage sample to track');
    const quota = { serviceCode: sample.serviceCode, quotaCode: sample.quotaCode };
    const history = await withStore(store, (s) => s.usageHistory(tracked, quota));
    expect(history.map((p) => p.value)).toEqual([sample.value]);

    // 4 limit and 4 usage snapshots, and the defaults of 2 regions.
    const clear = await headroom(ws, ['cache', 'clear']);
    expect({ code: clear.code, stdout: clear.stdout, stderr: clear.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: 'cleared 10 cached snapshots\n',
    });
    const emptied = await headroom(ws, ['cache', 'show', '--format', 'json']);
    expect(emptied.code, shown(emptied)).toBe(0);
    expect(targetRowsOf(emptied).map(withoutName)).toEqual(nothing.map(withoutName));
    await withStore(store, async (s) => {
      for (const t of allTargets()) expect(await s.latestLimitSnapshot(t), t.key).toBeUndefined();
      expect(await s.usageHistory(tracked, quota)).toEqual(history);
    });

    const clearHistory = await headroom(ws, ['cache', 'clear', '--history']);
    expect({ code: clearHistory.code, stdout: clearHistory.stdout, stderr: clearHistory.stderr }).toEqual({
      code: 0,
      stdout: '',
      stderr: 'cleared 0 cached snapshots and the usage history\n',
    });
    await withStore(store, async (s) => {
      expect(await s.usageHistory(tracked, quota)).toEqual([]);
    });
  });
});

describe('zero configuration', () => {
  it('with no headroom.yaml and no AWS credentials, collects from the built-in sandbox into sandbox.sqlite', async () => {
    const ws = await workspace();
    const result = await headroom(ws, ['collect', '--service', 'iam'], { credentials: false });
    expect(result.code, shown(result)).toBe(0);
    expect(result.stdout).toBe('');
    const accounts = 3;
    const [banner, summaryLine, ...rest] = linesOf(result.stderr);
    expect(rest, shown(result)).toEqual([]);
    expect(banner).toMatch(
      new RegExp(
        `^headroom: no headroom\\.yaml and no AWS credentials found; using the built-in sandbox AWS at http://127\\.0\\.0\\.1:\\d+ ` +
          `\\(${accounts} accounts × ${DEFAULT_REGIONS.length} regions\\)\\. ` +
          `Write a headroom\\.yaml or set AWS credentials to use real AWS\\.$`,
      ),
    );
    const summary = parseSummary(summaryLine);
    const targets = accounts * DEFAULT_REGIONS.length;
    expect(summary).toEqual({
      targets,
      read: targets,
      cached: 0,
      partial: 0,
      failed: 0,
      quotas: summary.quotas,
      usageValues: summary.usageValues,
      calls: summary.calls,
      throttled: summary.throttled,
      retried: summary.retried,
      sandbox: true,
    });

    expect((await readdir(ws.home)).sort()).toEqual(['logs', 'sandbox-state.json', 'sandbox.sqlite']);
    const entries = await withStore(join(ws.home, 'sandbox.sqlite'), (s) => s.cacheEntries());
    expect(entries).toHaveLength(targets);
    // iam's quotas are global: kept once per account, under us-east-1.
    expect(entries.filter((e) => e.quotaCount > 0).map((e) => e.target.region)).toEqual(
      Array<string>(accounts).fill('us-east-1'),
    );
    expect(entries.reduce((n, e) => n + e.quotaCount, 0)).toBe(summary.quotas);
    expect(entries.reduce((n, e) => n + e.sampleCount, 0)).toBe(summary.usageValues);
    expect(summary.quotas).toBeGreaterThan(0);
  });
});

describe('bad input: one line naming the cause and the fix, and nothing half-written', () => {
  const configCases: {
    name: string;
    text: () => string;
    env?: Record<string, string>;
    stderr: (text: string) => string;
  }[] = [
    {
      name: 'a region that does not exist',
      text: () => configText({ regions: '[us-east-1, nowhere]' }),
      stderr: (text) =>
        `error HR_CONFIG_INVALID: headroom.yaml:${positionOf(text, 'nowhere')}: regions.1 must be an AWS region name ` +
        `such as eu-west-1 (got 'nowhere'); write it as eu-west-1\n`,
    },
    {
      name: 'aws.maxAttempts of 0',
      text: () => configText({ aws: ['maxAttempts: 0'] }),
      stderr: (text) =>
        `error HR_CONFIG_INVALID: headroom.yaml:${positionOf(text, 'maxAttempts: 0', 'maxAttempts: '.length)}: aws.maxAttempts must be a whole number ` +
        `from 1 to 20 (got 0); write maxAttempts: 5\n`,
    },
    {
      name: 'HEADROOM_MAX_ATTEMPTS that is not a number',
      text: () => configText(),
      env: { HEADROOM_MAX_ATTEMPTS: 'abc' },
      stderr: () =>
        `error HR_CONFIG_INVALID: HEADROOM_MAX_ATTEMPTS: aws.maxAttempts must be a whole number from 1 to 20 ` +
        `(got 'abc'); set HEADROOM_MAX_ATTEMPTS=5\n`,
    },
  ];

  it.each(configCases)('$name: exit 2, HR_CONFIG_INVALID with the path of the field', async (c) => {
    const ws = await workspace();
    const text = c.text();
    await writeConfig(ws, text);
    const calls = sandbox.admin.callTotal();
    const result = await headroom(ws, ['collect'], c.env ? { env: c.env } : {});
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: c.stderr(text),
    });
    expect(await readdir(ws.home)).toEqual([]);
    expect(sandbox.admin.callTotal()).toBe(calls);
  });

  it('an aws.profile in no AWS config file: exit 2, HR_AWS_PROFILE_UNKNOWN', async () => {
    const ws = await workspace();
    await writeConfig(ws, configText({ aws: ['profile: nosuch'] }));
    const result = await headroom(ws, ['collect']);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error HR_AWS_PROFILE_UNKNOWN: aws.profile: profile 'nosuch' is not in the AWS config or credentials file; " +
        'no profiles are defined; run `aws configure --profile nosuch` or remove the setting\n',
    });
    expect(existsSync(join(ws.home, 'headroom.sqlite'))).toBe(false);
  });

  it.each([
    {
      target: 'nonsense',
      stderr:
        "error HR_CLI_USAGE: --target 'nonsense' is not a target; write ACCOUNT:REGION, e.g. 123456789012:us-east-1 " +
        '(ACCOUNT may be an account name or alias from the config)\n',
    },
    {
      target: 'nobody:us-east-1',
      stderr: () =>
        "error HR_CLI_USAGE: --target 'nobody:us-east-1': no account, alias or AWS profile is named 'nobody'; " +
        `use a 12-digit account id, or one of: ${management.name}, ${member.name}\n`,
    },
    {
      // An account headroom has no way into: reading it with another account's credentials would
      // store that account's quotas under this id.
      target: '111111111111:us-east-1',
      stderr: () =>
        "error HR_CLI_USAGE: --target '111111111111:us-east-1': account 111111111111 is not configured; " +
        `add it under accounts: in headroom.yaml, or use one of: ${management.id}, ${member.id}\n`,
    },
  ])('collect --target $target: exit 2, HR_CLI_USAGE, nothing collected', async ({ target, stderr }) => {
    const ws = await workspace();
    await writeConfig(ws);
    const calls = sandbox.admin.callTotal();
    const result = await headroom(ws, ['collect', '--target', target]);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: '',
      stderr: typeof stderr === 'string' ? stderr : stderr(),
    });
    expect(sandbox.admin.callTotal()).toBe(calls);
    if (existsSync(join(ws.home, 'headroom.sqlite'))) {
      expect(await withStore(join(ws.home, 'headroom.sqlite'), (s) => s.cacheEntries())).toEqual([]);
    }
  });

  it('an endpoint nothing listens on: exit 1, HR_AWS_UNREACHABLE naming it, no snapshot stored', async () => {
    const ws = await workspace();
    const endpoint = 'http://127.0.0.1:9';
    await writeConfig(ws, configText({ endpoint, aws: ['maxAttempts: 1'] }));
    const calls = sandbox.admin.callTotal();
    const result = await headroom(ws, ['collect']);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stdout).toBe('');

    const lines = linesOf(result.stderr);
    const unreachable = (action: string) =>
      `cannot reach AWS at ${endpoint} for ${action} (ECONNREFUSED); ` +
      'check aws.endpoint in headroom.yaml or AWS_ENDPOINT_URL, and that the endpoint is up';
    // The command's own lines: a warning per target, the summary, then the one error.
    const own = lines.filter((l) => !LOG_LINE.test(l));
    expect(own.at(-1)).toBe(`error HR_AWS_UNREACHABLE: ${unreachable('servicequotas:ListServices')}`);
    expect(parseSummary(own.at(-2))).toEqual({
      targets: 4,
      read: 0,
      cached: 0,
      partial: 0,
      failed: 4,
      quotas: 0,
      usageValues: 0,
      calls: expect.any(Number) as number,
      throttled: 0,
      retried: 0,
      sandbox: false,
    });
    const warnings = own.slice(0, -2).sort();
    expect(warnings).toHaveLength(4);
    allTargets()
      .map((t) => t.key)
      .sort()
      .forEach((key, i) => {
        expect(warnings[i]).toMatch(
          new RegExp(
            `^warning ${key}: ${escape(unreachable('ACTION')).replace('ACTION', '[a-z]+:[A-Za-z]+')}$`,
          ),
        );
      });
    // Anything else is the logger's warning about the same failure.
    for (const line of lines.filter((l) => LOG_LINE.test(l))) {
      expect(line).toMatch(
        /^\d\d:\d\d:\d\d WARN {2}limits failed: .*ECONNREFUSED.* target=\d{12}:[a-z0-9-]+ error=ECONNREFUSED$/,
      );
    }

    expect(sandbox.admin.callTotal()).toBe(calls);
    await withStore(join(ws.home, 'headroom.sqlite'), async (s) => {
      for (const t of allTargets()) {
        expect(await s.latestLimitSnapshot(t), t.key).toBeUndefined();
        expect(await s.latestUsageSnapshot(t), t.key).toBeUndefined();
      }
      for (const region of REGIONS) expect(await s.latestDefaults(region), region).toBeUndefined();
    });
  });

  it('access denied on one service of one account: exit 1 after storing the rest, a warning naming the action', async () => {
    const ws = await workspace();
    await writeConfig(ws);
    sandbox.admin.configure({
      denials: [{ operation: 'ListServiceQuotas', serviceCode: 'lambda', account: member.id }],
    });
    const result = await headroom(ws, ['collect']);
    expect(result.code, shown(result)).toBe(1);
    expect(result.stdout).toBe('');

    const memberTargets = allTargets().filter((t) => t.accountId === member.id);
    const lambdaRows = memberTargets.reduce(
      (n, t) => n + sandboxRows(t).filter((r) => r.serviceCode === 'lambda').length,
      0,
    );
    expect(lambdaRows).toBeGreaterThan(0);
    const lines = linesOf(result.stderr);
    const own = lines.filter((l) => !LOG_LINE.test(l));
    expect(own.at(-1)).toBe(
      'error HR_COLLECT_INCOMPLETE: 2 of 4 targets were not read whole (2 problems, listed above); what was read is stored; ' +
        'fix the causes named above, then run `headroom collect --refresh` for those targets',
    );
    const summary = parseSummary(own.at(-2));
    expect(summary).toEqual({
      targets: 4,
      read: 4,
      cached: 0,
      partial: 2,
      failed: 0,
      quotas: totalQuotas() - lambdaRows,
      usageValues: summary.usageValues,
      calls: summary.calls,
      throttled: summary.throttled,
      retried: summary.retried,
      sandbox: false,
    });
    const warnings = own.slice(0, -2).sort();
    expect(warnings).toHaveLength(2);
    memberTargets.forEach((t, i) => {
      expect(warnings[i]).toMatch(
        new RegExp(
          `^warning ${t.key} lambda: AccessDeniedException on servicequotas:ListServiceQuotas \\(lambda\\) in ${t.key}: .+; ` +
            `allow servicequotas:ListServiceQuotas \\(lambda\\) for the identity headroom uses there \\(README, "IAM permissions"\\)$`,
        ),
      );
    });
    for (const line of lines.filter((l) => LOG_LINE.test(l))) {
      expect(line).toMatch(
        new RegExp(
          `^\\d\\d:\\d\\d:\\d\\d WARN {2}partial limits: some services could not be read target=${member.id}:[a-z0-9-]+ errors=1$`,
        ),
      );
    }

    // The other services of the member's targets are stored, in a snapshot marked partial.
    const store = join(ws.home, 'headroom.sqlite');
    const home = targetOf(member.id, 'us-east-1');
    await withStore(store, async (s) => {
      for (const t of allTargets()) {
        const snapshot = await s.latestLimitSnapshot(t);
        const denied = t.accountId === member.id;
        expect(snapshot?.complete, t.key).toBe(!denied);
        expect(
          snapshot?.errors.map((e) => [e.scope, e.serviceCode, e.code]),
          t.key,
        ).toEqual(denied ? [['service', 'lambda', 'AccessDeniedException']] : []);
        const codes = new Set(snapshot?.quotas.map((q) => q.serviceCode));
        expect([...codes].sort(), t.key).toEqual(
          denied
            ? SERVICES.filter((c) => c !== 'lambda' && (t.region === 'us-east-1' || c !== 'iam'))
            : SERVICES.filter((c) => t.region === 'us-east-1' || c !== 'iam'),
        );
      }
    });

    // quotas still shows what was read for that target (it tries again, is denied again, and says so).
    const quotas = await headroom(ws, ['quotas', '--format', 'json', '--target', home.key]);
    expect(quotas.code, shown(quotas)).toBe(0);
    const rows = quotaRowsOf(quotas);
    expect(rows.some((r) => r.serviceCode === 'ec2')).toBe(true);
    expect(actualLimits(rows, home)).toEqual(
      expectedLimits(
        home,
        sandboxRows(home).filter((r) => r.serviceCode !== 'lambda'),
      ),
    );
    expect(linesOf(quotas.stderr).filter((l) => !LOG_LINE.test(l))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning ${home.key} lambda: AccessDeniedException on servicequotas:ListServiceQuotas \\(lambda\\) in ${home.key}: .+; allow servicequotas:ListServiceQuotas`,
        ),
      ),
    ]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('secrets', () => {
  it('are never logged: debug logs name every call, without keys, tokens or signatures', async () => {
    // The shape of a session token, from the sandbox itself.
    const sts = new STSClient({ ...clientSettings(sandbox), maxAttempts: 5 });
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${member.id}:role/${MEMBER_ROLE}`,
        RoleSessionName: 'shape',
      }),
    );
    sts.destroy();
    const token = assumed.Credentials?.SessionToken ?? '';
    const tempKeyId = assumed.Credentials?.AccessKeyId ?? '';
    const tempSecret = assumed.Credentials?.SecretAccessKey ?? '';
    expect(tempKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(token).toMatch(/^[A-Za-z0-9+/=]{100,}$/);
    expect(tempSecret).toMatch(/^[A-Za-z0-9+/=]{40}$/);
    expect(management.secretAccessKey).toMatch(/^[A-Za-z0-9+/=]{40}$/);

    const ws = await workspace();
    await writeConfig(ws);
    const result = await headroom(ws, ['collect', '--refresh'], { env: { HEADROOM_LOG_LEVEL: 'debug' } });
    expect(result.code, shown(result)).toBe(0);
    expect(result.stdout).toBe('');

    const logDir = join(ws.home, 'logs');
    const files = await readdir(logDir);
    expect(files.length).toBeGreaterThan(0);
    const fileText = (await Promise.all(files.map((f) => readFile(join(logDir, f), 'utf8')))).join('');

    // First and foremost: no credential, in any form, in either place.
    for (const [where, text] of [
      ['stderr', result.stderr],
      ['the log file', fileText],
    ] as const) {
      for (const secret of [
        management.secretAccessKey,
        management.accessKeyId,
        member.secretAccessKey,
        member.accessKeyId,
        token,
        tempSecret,
      ]) {
        expect(text.includes(secret), `${where} holds a credential`).toBe(false);
      }
      expect(text, where).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
      expect(text, where).not.toMatch(/Signature=/i);
      expect(text, where).not.toMatch(/X-Amz-Security-Token/i);
      // Nothing shaped like a secret key (40 base64 characters) or a session token (longer).
      expect(text, where).not.toMatch(/[A-Za-z0-9+/=]{40,}/);
    }

    // Every call is logged at debug, on stderr as a line and in the file as JSON.
    const lines = linesOf(result.stderr);
    const summary = parseSummary(lines.at(-1));
    const logged = lines.slice(0, -1);
    const callLine =
      /^\d\d:\d\d:\d\d DEBUG aws call operation=(servicequotas|monitoring|ec2):[A-Za-z]+ target=(\d{12}:[a-z0-9-]+) durationMs=\d+ attempts=[1-9]\d* requestId=[0-9a-f-]{36}$/;
    const throttledLine = /^\d\d:\d\d:\d\d WARN {2}throttled: /;
    for (const line of logged)
      expect(line).toSatisfy((l: string) => callLine.test(l) || throttledLine.test(l));
    const callTargets = logged.flatMap((l) => callLine.exec(l)?.[2] ?? []);
    expect(callTargets).toHaveLength(summary.calls);
    expect(new Set(callTargets)).toEqual(new Set(allTargets().map((t) => t.key)));

    const entries = linesOf(fileText).map((l) => JSON.parse(l) as Record<string, unknown>);
    const calls = entries.filter((e) => e.msg === 'aws call');
    expect(calls).toHaveLength(summary.calls);
    for (const entry of calls) {
      expect(entry).toMatchObject({
        level: 20,
        operation: expect.stringMatching(/^(servicequotas|monitoring|ec2):[A-Za-z]+$/) as string,
        target: expect.stringMatching(/^\d{12}:[a-z0-9-]+$/) as string,
        durationMs: expect.any(Number) as number,
        attempts: expect.any(Number) as number,
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
      });
    }
    expect(new Set(calls.map((e) => e.target))).toEqual(new Set(allTargets().map((t) => t.key)));
  });
});
