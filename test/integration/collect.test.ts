/**
 * The collector over real HTTP against the sandbox, with the real SDK clients, pages of 2 (every
 * NextToken path runs) and a real SQLite store: merge semantics, global quotas, usage equal to
 * what CloudWatch serves, throttling and faults with nothing lost, one target down, access denied
 * on one service, the cache and --refresh, and the utilization report as the other usage source.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsSession } from '../../src/aws/session.js';
import { type SweepOptions, type SweepResult, sweep } from '../../src/collect/sweep.js';
import { periodSeconds, type Quota } from '../../src/domain/quota.js';
import { type Target, targetKey } from '../../src/domain/target.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { Store } from '../../src/storage/port.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { clientSettings } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
// A few services keep pages of 2 quick: a big one (ec2), global-only ones (iam, cloudfront),
// and ones with usage metrics of both kinds.
const SERVICES = ['ec2', 'iam', 'cloudfront', 'lambda', 'sns', 'monitoring'];

let sandbox: Sandbox;
const opened: { session: AwsSession; store: Store }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ pageSize: 2, throttle: 'off', accounts: 3, regions: REGIONS });
});

afterEach(async () => {
  sandbox.admin.configure({ throttle: 'off', faultRate: 0, denials: [], outages: [] });
  for (const { session, store } of opened.splice(0)) {
    session.close();
    await store.close();
  }
});

afterAll(async () => {
  await sandbox.close();
});

function accounts() {
  return sandbox.admin.accounts();
}

function targets(): { target: Target; accountName: string | null }[] {
  return accounts().flatMap((a) =>
    REGIONS.map((region) => ({ target: { accountId: a.id, region }, accountName: a.name })),
  );
}

async function open(options: { pace?: boolean; maxAttempts?: number } = {}) {
  const management = accounts().find((a) => a.management);
  if (!management) throw new Error('no management account');
  const session = new AwsSession({
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? 3,
    maxConcurrency: 64,
    logger: silentLogger(),
    endpoint: sandbox.url,
    credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
    accounts: accounts()
      .filter((a) => !a.management)
      .map((a) => ({ accountId: a.id, roleArn: `arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole` })),
    // The sandbox does not throttle here (tests below turn it on); pages of 2 at AWS's pace would be slow.
    pace: options.pace ?? false,
  });
  const store = await openSqliteStore(':memory:');
  opened.push({ session, store });
  return { session, store };
}

function options(overrides: Partial<SweepOptions> = {}): SweepOptions {
  return {
    targets: targets(),
    filter: { include: SERVICES, exclude: [] },
    limitsTtlMs: 24 * 3_600_000,
    usageTtlMs: 3_600_000,
    refresh: false,
    usage: { source: 'cloudwatch', windowMs: 3_600_000, periodSeconds: 60 },
    logger: silentLogger(),
    ...overrides,
  };
}

function resultOf(result: SweepResult, target: Target) {
  const found = result.targets.find((t) => targetKey(t.target) === targetKey(target));
  if (!found) throw new Error(`no result for ${targetKey(target)}`);
  return found;
}

let cloudWatch: CloudWatchClient | undefined;

/** A quota's usage metric at 1 minute over [from, to), one query per call: the plainest way to ask. */
async function cloudWatchValues(quota: Quota, from: Date, to: Date): Promise<number[]> {
  const metric = quota.usageMetric;
  if (!metric) throw new Error(`${quota.quotaCode} has no usage metric`);
  cloudWatch ??= new CloudWatchClient(clientSettings(sandbox));
  const out = await cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: to,
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: {
              Namespace: metric.namespace,
              MetricName: metric.name,
              Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: metric.statistic,
          },
        },
      ],
    }),
  );
  return out.MetricDataResults?.[0]?.Values ?? [];
}

/** What the collector must have stored for a target, from the sandbox's own state (not the wire). */
function expectedQuotas(target: Target, globalHome: boolean) {
  return sandbox.admin
    .quotaTable(target.accountId, target.region)
    .filter((row) => SERVICES.includes(row.serviceCode) && (globalHome || !row.global))
    .map((row) => ({
      serviceCode: row.serviceCode,
      quotaCode: row.quotaCode,
      value: row.listed && row.appliedValue !== null ? row.appliedValue : row.defaultValue,
      source: row.listed && row.appliedValue !== null ? 'applied' : 'default',
      defaultValue: row.defaultValue,
      global: row.global,
      adjustable: row.adjustable,
      errorReason: row.errorReason,
    }))
    .sort((a, b) => a.serviceCode.localeCompare(b.serviceCode) || a.quotaCode.localeCompare(b.quotaCode));
}

function actualQuotas(quotas: readonly Quota[]) {
  return quotas.map((q) => ({
    serviceCode: q.serviceCode,
    quotaCode: q.quotaCode,
    value: q.value,
    source: q.source,
    defaultValue: q.defaultValue,
    global: q.global,
    adjustable: q.adjustable,
    errorReason: q.errorReason?.code ?? null,
  }));
}

describe('a sweep of 3 accounts × 2 regions, pages of 2', () => {
  it('stores every quota as the sandbox holds it: applied values, defaults where none is applied, globals once per account', async () => {
    const { session, store } = await open();
    const result = await sweep(session, store, options());
    expect(result.complete).toBe(true);
    for (const { target } of targets()) {
      const snapshot = await store.latestLimitSnapshot(target);
      expect(snapshot?.complete).toBe(true);
      const home = target.region === 'us-east-1';
      expect(actualQuotas(snapshot?.quotas ?? [])).toEqual(expectedQuotas(target, home));
    }
    // The merge cases all occur in this data, so the comparison above covered each.
    const table = sandbox.admin.quotaTable(accounts()[1]?.id ?? '', 'us-east-1');
    const selected = table.filter((r) => SERVICES.includes(r.serviceCode));
    expect(selected.some((r) => !r.listed)).toBe(true); // only in the defaults
    expect(
      selected.some((r) => r.listed && r.appliedValue !== null && r.appliedValue !== r.defaultValue),
    ).toBe(true);
    expect(selected.some((r) => r.global)).toBe(true);
  });

  it('reads defaults once per region and calls ListServiceQuotas no more than pagination requires', async () => {
    const { session, store } = await open();
    sandbox.admin.resetCalls();
    await sweep(session, store, options());
    const stats = session.stats.snapshot();
    const calls = (operation: string, target?: Target) =>
      stats
        .filter(
          (s) =>
            s.operation === operation &&
            (target === undefined || (s.accountId === target.accountId && s.region === target.region)),
        )
        .reduce((n, s) => n + s.calls, 0);
    const pages = (n: number) => Math.max(1, Math.ceil(n / 2));
    for (const { target } of targets()) {
      const home = target.region === 'us-east-1';
      const table = sandbox.admin.quotaTable(target.accountId, target.region);
      let minimum = 0;
      for (const service of SERVICES) {
        const rows = table.filter((r) => r.serviceCode === service);
        // Global-only services are read in the home target only.
        if (!home && rows.every((r) => r.global)) continue;
        minimum += pages(rows.filter((r) => r.listed).length);
      }
      expect(calls('ListServiceQuotas', target)).toBe(minimum);
    }
    // Defaults: one reading per region, whoever made it.
    const defaultPages = (region: string) =>
      SERVICES.reduce(
        (n, s) =>
          n +
          pages(
            sandbox.admin.quotaTable(accounts()[0]?.id ?? '', region).filter((r) => r.serviceCode === s)
              .length,
          ),
        0,
      );
    expect(calls('ListAWSDefaultServiceQuotas')).toBe(REGIONS.reduce((n, r) => n + defaultPages(r), 0));
    expect(calls('GetServiceQuota')).toBe(0);
    expect(calls('GetAWSDefaultServiceQuota')).toBe(0);
    // What the session counted is what the sandbox answered.
    expect(sandbox.admin.callTotal({ operation: 'ListServiceQuotas' })).toBe(calls('ListServiceQuotas'));
  });

  it('stores usage equal to what CloudWatch serves for each quota, peak of the window, rates per their period', async () => {
    const { session, store } = await open();
    await sweep(session, store, options());
    const management = accounts()[0];
    if (!management) throw new Error('no account');
    const target = { accountId: management.id, region: 'us-east-1' };
    const limits = await store.latestLimitSnapshot(target);
    const usage = await store.latestUsageSnapshot(target);
    expect(usage?.source).toBe('cloudwatch');
    expect(usage?.samples.length).toBeGreaterThan(10);
    const byCode = new Map((limits?.quotas ?? []).map((q) => [`${q.serviceCode}/${q.quotaCode}`, q]));
    let rates = 0;
    // One query per call, the plainest way to ask: the collector batches and shares queries.
    // Counted samples (usage counters, src/services/) are checked in counter tests.
    for (const sample of (usage?.samples ?? []).filter((s) => s.source !== 'counter')) {
      const quota = byCode.get(`${sample.serviceCode}/${sample.quotaCode}`);
      const metric = quota?.usageMetric;
      if (!quota || !metric || !usage) throw new Error(`no quota for ${sample.quotaCode}`);
      const values = await cloudWatchValues(quota, usage.windowStart, usage.windowEnd);
      let expected = Math.max(...values);
      if (metric.statistic === 'Sum' && quota.period) {
        expected = (expected * periodSeconds(quota.period)) / 60;
        rates++;
      }
      expect(sample.value, `${sample.serviceCode}/${sample.quotaCode}`).toBeCloseTo(expected, 9);
    }
    expect(rates).toBeGreaterThan(0);
    // The seeded over-limit quota is seen over its limit.
    const vcpu = (
      await store.latestUsageSnapshot({ accountId: accounts()[1]?.id ?? '', region: 'us-east-1' })
    )?.samples.find((s) => s.quotaCode === 'L-1216C47A');
    const vcpuLimit = (
      await store.latestLimitSnapshot({ accountId: accounts()[1]?.id ?? '', region: 'us-east-1' })
    )?.quotas.find((q) => q.quotaCode === 'L-1216C47A');
    expect(vcpu?.value).toBeGreaterThan(vcpuLimit?.value ?? Infinity);
  });

  it('loses nothing when AWS throttles and 10% of calls fail', async () => {
    const clean = await open();
    const expected = await sweep(clean.session, clean.store, options());
    expect(expected.complete).toBe(true);
    sandbox.admin.configure({ throttle: 'aws', faultRate: 0.1 });
    sandbox.admin.resetCalls();
    // No client pacing: the sandbox throttles for real, and faults land on any call.
    const faulty = await open({ maxAttempts: 3 });
    const result = await sweep(faulty.session, faulty.store, options());
    expect(sandbox.admin.callTotal({ outcome: 'fault' })).toBeGreaterThan(10);
    expect(sandbox.admin.callTotal({ outcome: 'throttled' })).toBeGreaterThan(0);
    expect(result.complete).toBe(true);
    for (const { target } of targets()) {
      const want = await clean.store.latestLimitSnapshot(target);
      const got = await faulty.store.latestLimitSnapshot(target);
      expect(got?.quotas).toEqual(want?.quotas);
      const wantUsage = await clean.store.latestUsageSnapshot(target);
      const gotUsage = await faulty.store.latestUsageSnapshot(target);
      expect(gotUsage?.samples.length).toBe(wantUsage?.samples.length);
    }
  }, 180_000);

  it('records one target down and completes the others', async () => {
    const down = { accountId: accounts()[2]?.id ?? '', region: 'eu-west-1' };
    sandbox.admin.configure({ outages: [{ account: down.accountId, region: down.region }] });
    const { session, store } = await open({ maxAttempts: 2 });
    const result = await sweep(session, store, options());
    expect(result.complete).toBe(false);
    const failed = resultOf(result, down);
    expect(failed.limits).toBe('failed');
    expect(failed.errors[0]?.message).toMatch(/ServiceUnavailable|failed/);
    expect(await store.latestLimitSnapshot(down)).toBeUndefined();
    for (const { target } of targets().filter((t) => targetKey(t.target) !== targetKey(down))) {
      expect(resultOf(result, target).complete).toBe(true);
      expect((await store.latestLimitSnapshot(target))?.complete).toBe(true);
    }
  }, 120_000);

  it('records access denied on one service with the action to allow, and keeps the other services', async () => {
    const account = accounts()[1]?.id ?? '';
    sandbox.admin.configure({
      denials: [{ account, operation: 'ListServiceQuotas', serviceCode: 'lambda' }],
    });
    const { session, store } = await open();
    const result = await sweep(session, store, options());
    const target = { accountId: account, region: 'us-east-1' };
    const partial = resultOf(result, target);
    expect(partial.complete).toBe(false);
    expect(partial.errors).toEqual([
      expect.objectContaining({ scope: 'service', serviceCode: 'lambda', code: 'AccessDeniedException' }),
    ]);
    expect(partial.errors[0]?.hint).toContain('servicequotas:ListServiceQuotas');
    const snapshot = await store.latestLimitSnapshot(target);
    expect(snapshot?.complete).toBe(false);
    expect(snapshot?.quotas.some((q) => q.serviceCode === 'lambda')).toBe(false);
    expect(snapshot?.quotas.some((q) => q.serviceCode === 'ec2')).toBe(true);
    // Other accounts are untouched.
    expect(resultOf(result, { accountId: accounts()[0]?.id ?? '', region: 'us-east-1' }).complete).toBe(true);
  });

  it('reaches accounts through named profiles: static keys, and a role_arn profile assumed from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-profiles-'));
    const saved = {
      config: process.env.AWS_CONFIG_FILE,
      credentials: process.env.AWS_SHARED_CREDENTIALS_FILE,
    };
    try {
      const [management, member] = accounts();
      if (!management || !member) throw new Error('two accounts needed');
      writeFileSync(
        join(dir, 'credentials'),
        `[base]\naws_access_key_id = ${management.accessKeyId}\naws_secret_access_key = ${management.secretAccessKey}\n`,
      );
      writeFileSync(
        join(dir, 'config'),
        `[profile member]\nrole_arn = arn:aws:iam::${member.id}:role/OrganizationAccountAccessRole\nsource_profile = base\n`,
      );
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      const session = new AwsSession({
        retryMode: 'standard',
        maxAttempts: 3,
        maxConcurrency: 32,
        logger: silentLogger(),
        endpoint: sandbox.url,
        profile: 'base',
        accounts: [{ accountId: member.id, profile: 'member' }],
        pace: false,
      });
      const store = await openSqliteStore(':memory:');
      opened.push({ session, store });
      const chosen = [management, member].map((a) => ({
        target: { accountId: a.id, region: 'us-east-1' },
        accountName: a.name,
      }));
      const result = await sweep(session, store, options({ targets: chosen }));
      expect(result.complete).toBe(true);
      // The member's quotas are the member's: read with the wrong credentials they would be the
      // management account's, which differ.
      const managementTarget = { accountId: management.id, region: 'us-east-1' };
      const memberTarget = { accountId: member.id, region: 'us-east-1' };
      expect(expectedQuotas(memberTarget, true)).not.toEqual(expectedQuotas(managementTarget, true));
      for (const { target } of chosen) {
        expect(actualQuotas((await store.latestLimitSnapshot(target))?.quotas ?? [])).toEqual(
          expectedQuotas(target, true),
        );
      }
      expect(sandbox.admin.callTotal({ operation: 'AssumeRole', outcome: 'success' })).toBeGreaterThan(0);
    } finally {
      process.env.AWS_CONFIG_FILE = saved.config;
      process.env.AWS_SHARED_CREDENTIALS_FILE = saved.credentials;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours the cache, and --refresh bypasses it', async () => {
    const { session, store } = await open();
    await sweep(session, store, options());
    sandbox.admin.resetCalls();
    const again = await sweep(session, store, options());
    expect(sandbox.admin.callTotal()).toBe(0);
    expect(again.targets.every((t) => t.limits === 'cached' && t.usage === 'cached')).toBe(true);
    const refreshed = await sweep(session, store, options({ refresh: true }));
    expect(refreshed.targets.every((t) => t.limits === 'fetched' && t.usage === 'fetched')).toBe(true);
    expect(sandbox.admin.callTotal({ operation: 'ListServiceQuotas' })).toBeGreaterThan(0);
    // Expired usage is fetched again while limits still come from the cache.
    sandbox.admin.resetCalls();
    const later = await sweep(session, store, options({ usageTtlMs: 0 }));
    expect(later.targets.every((t) => t.limits === 'cached' && t.usage === 'fetched')).toBe(true);
    expect(sandbox.admin.callTotal({ operation: 'ListServiceQuotas' })).toBe(0);
    expect(sandbox.admin.callTotal({ operation: 'GetMetricData' })).toBeGreaterThan(0);
  });

  it('is never throttled when pacing at AWS rates against AWS rates', async () => {
    sandbox.admin.configure({ throttle: 'aws' });
    sandbox.admin.resetCalls();
    const { session, store } = await open({ pace: true });
    const result = await sweep(
      session,
      store,
      options({ filter: { include: ['iam', 'lambda', 'monitoring'], exclude: [] } }),
    );
    expect(result.complete).toBe(true);
    expect(sandbox.admin.callTotal({ outcome: 'success' })).toBeGreaterThan(50);
    expect(sandbox.admin.callTotal({ outcome: 'throttled' })).toBe(0);
  });

  it('reads usage from the quota utilization report where asked, and from CloudWatch where the account lacks it', async () => {
    const { session, store } = await open();
    const result = await sweep(
      session,
      store,
      options({
        usage: {
          source: 'utilization-report',
          windowMs: 3_600_000,
          periodSeconds: 60,
          report: { firstPollMs: 3_100, pollMs: 500 },
        },
      }),
    );
    const sources = new Set(result.targets.map((t) => t.usageSource));
    // With seed 1, all three accounts offer the report (the next test meets one that does not).
    expect(sources).toEqual(new Set(['utilization-report']));
    const management = accounts()[0]?.id ?? '';
    const target = { accountId: management, region: 'us-east-1' };
    const report = await store.latestUsageSnapshot(target);
    expect(report?.source).toBe('utilization-report');
    const limits = await store.latestLimitSnapshot(target);
    const byCode = new Map((limits?.quotas ?? []).map((q) => [q.quotaCode, q]));
    const generatedAt = report?.windowEnd.getTime() ?? 0;
    // The report's hour ends when it was built, not on a minute: its peak lies between the peaks of
    // the whole minutes inside that hour and of the minutes around it.
    const peak = async (quota: Quota, from: number, to: number) => {
      const values = await cloudWatchValues(quota, new Date(from), new Date(to));
      const scale =
        quota.usageMetric?.statistic === 'Sum' && quota.period ? periodSeconds(quota.period) / 60 : 1;
      return values.length === 0 ? 0 : Math.max(...values) * scale;
    };
    const minute = 60_000;
    const start = Math.ceil((generatedAt - 3_600_000) / minute) * minute;
    const end = Math.floor(generatedAt / minute) * minute;
    let compared = 0;
    for (const sample of (report?.samples ?? []).filter((s) => s.source !== 'counter').slice(0, 60)) {
      const quota = byCode.get(sample.quotaCode);
      if (!quota) throw new Error(`no quota ${sample.quotaCode}`);
      // The report rounds utilization to 0.01%: allow that share of the limit.
      const rounding = (quota.value ?? 0) * 0.0001 + 1e-9;
      const inner = await peak(quota, start, end);
      const outer = await peak(quota, start - minute, end + minute);
      expect(sample.value, sample.quotaCode).toBeGreaterThanOrEqual(inner - rounding);
      expect(sample.value, sample.quotaCode).toBeLessThanOrEqual(outer + rounding);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  }, 60_000);

  it('falls back to CloudWatch, once per account, where the account does not offer the report', async () => {
    const wide = await startSandbox({ accounts: 8, regions: ['us-east-1', 'eu-west-1'], throttle: 'off' });
    try {
      const management = wide.admin.accounts().find((a) => a.management);
      if (!management) throw new Error('no management account');
      const session = new AwsSession({
        retryMode: 'standard',
        maxAttempts: 3,
        maxConcurrency: 32,
        logger: silentLogger(),
        endpoint: wide.url,
        credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
        accounts: wide.admin
          .accounts()
          .filter((a) => !a.management)
          .map((a) => ({
            accountId: a.id,
            roleArn: `arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole`,
          })),
        pace: false,
      });
      const store = await openSqliteStore(':memory:');
      opened.push({ session, store });
      const wideTargets = wide.admin.accounts().flatMap((a) => [
        { target: { accountId: a.id, region: 'us-east-1' }, accountName: a.name },
        { target: { accountId: a.id, region: 'eu-west-1' }, accountName: a.name },
      ]);
      const result = await sweep(
        session,
        store,
        options({
          targets: wideTargets,
          filter: { include: ['lambda', 'monitoring'], exclude: [] },
          usage: {
            source: 'utilization-report',
            windowMs: 3_600_000,
            periodSeconds: 60,
            report: { firstPollMs: 3_100, pollMs: 500 },
          },
        }),
      );
      expect(result.complete).toBe(true);
      const refused = new Set(
        result.targets.filter((t) => t.usageSource === 'cloudwatch').map((t) => t.target.accountId),
      );
      expect(refused.size).toBeGreaterThan(0);
      expect(result.targets.some((t) => t.usageSource === 'utilization-report')).toBe(true);
      // Both of a refusing account's targets fell back, and its refusal was asked at most once per target.
      for (const accountId of refused) {
        expect(
          result.targets.filter((t) => t.target.accountId === accountId).map((t) => t.usageSource),
        ).toEqual(['cloudwatch', 'cloudwatch']);
      }
      expect(
        wide.admin.callTotal({ operation: 'StartQuotaUtilizationReport', outcome: 'client_error' }),
      ).toBeLessThanOrEqual(refused.size * 2);
      expect(wide.admin.callTotal({ operation: 'GetMetricData' })).toBeGreaterThan(0);
    } finally {
      await wide.close();
    }
  }, 60_000);
});
