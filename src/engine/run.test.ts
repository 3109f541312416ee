/**
 * A pass that decides on the forecast: a real SQLite store (in memory) holding three weeks of a
 * quota's hourly usage growing towards its limit, while its current value is still below warning.
 * With the default 7-day horizon the forecast crosses critical and the decision says so; with
 * `forecastHorizon: 0s` the same quota is ok. The rule only alerts, so nothing reaches AWS (the
 * session points at a port nothing listens on, and a call would fail the test).
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsSession } from '../aws/session.js';
import { parseConfig } from '../config/load.js';
import type { LimitSnapshot, Quota } from '../domain/quota.js';
import type { Target } from '../domain/target.js';
import { openSqliteStore, type SqliteStore } from '../storage/sqlite/index.js';
import { aQuota, aUsageSnapshot } from '../../test/helpers/quotas.js';
import { runEngine } from './run.js';

const HOUR = 3_600_000;
const TARGET: Target = { accountId: '123456789012', region: 'eu-west-1' };
const NOW = new Date(Date.UTC(2026, 11, 3, 12));
const LIMIT = 1000;

const quota: Quota = aQuota({
  quotaCode: 'L-1216C47A',
  quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
  value: LIMIT,
  defaultValue: 5,
});

let store: SqliteStore;

/** 21 days of hourly usage rising 1.5 an hour to 750 (75%) now: 95% within about 5.5 days. */
async function fill(): Promise<void> {
  const limits: LimitSnapshot = {
    target: TARGET,
    collectedAt: NOW,
    complete: true,
    quotas: [quota],
    errors: [],
  };
  await store.saveLimitSnapshot(limits);
  for (let h = 21 * 24; h >= 0; h--) {
    const at = new Date(NOW.getTime() - h * HOUR);
    await store.saveUsageSnapshot(
      aUsageSnapshot(TARGET, at, [
        { serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 750 - 1.5 * h, observedAt: at },
      ]),
    );
  }
}

function deps(extra: Record<string, unknown> = {}) {
  const config = parseConfig({
    aws: { endpoint: 'http://127.0.0.1:9' },
    accounts: [{ id: TARGET.accountId, regions: [TARGET.region] }],
    engine: { defaults: { level: 'alert_only' }, ...extra },
  });
  const logger = pino({ level: 'silent' });
  const session = new AwsSession({
    retryMode: 'standard',
    maxAttempts: 1,
    maxConcurrency: 4,
    logger,
    endpoint: 'http://127.0.0.1:9',
  });
  return { store, session, logger, config };
}

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  await fill();
});

afterEach(async () => {
  await store.close();
});

describe('the engine on a forecast', () => {
  it('decides on the forecast when it is larger, and says so', async () => {
    const report = await runEngine(deps(), {
      dryRun: true,
      targets: [{ target: TARGET, accountName: null }],
      operator: 'test',
      now: NOW,
    });
    const [e] = report.evaluations;
    expect(e?.decision).toMatchObject({
      basis: 'forecast',
      band: 'emergency',
      alert: 'emergency',
      kind: 'alert',
    });
    // In 7 days the line is at 750 + 1.5 × 168 = 1002: just past the limit.
    expect(e?.decision.utilization).toBeGreaterThan(99);
    expect(e?.decision.utilization).toBeLessThan(102);
    expect(e?.decision.reason).toMatch(/^forecast utilization/);
    expect(e?.forecast).toMatch(/^trend\+weekly over 21 days/);
  });

  it('decides on the current value with forecastHorizon 0s', async () => {
    const report = await runEngine(deps({ forecastHorizon: '0s' }), {
      dryRun: true,
      targets: [{ target: TARGET, accountName: null }],
      operator: 'test',
      now: NOW,
    });
    expect(report.evaluations).toEqual([]);
    expect(report.evaluated).toBe(1);
  });
});

describe('dependent services (engine.dependencies)', () => {
  const OTHER: Target = { accountId: '123456789012', region: 'us-west-2' };

  function other(serviceCode: string, quotaCode: string, value: number): Quota {
    return {
      ...quota,
      serviceCode,
      serviceName: serviceCode,
      quotaCode,
      quotaName: `${serviceCode} ${quotaCode}`,
      value,
    };
  }

  /** One reading per quota in a target, now. */
  async function hold(target: Target, rows: readonly [Quota, number][]): Promise<void> {
    await store.saveLimitSnapshot({
      target,
      collectedAt: NOW,
      complete: true,
      quotas: rows.map(([q]) => q),
      errors: [],
    });
    await store.saveUsageSnapshot({
      target,
      collectedAt: NOW,
      source: 'cloudwatch',
      windowStart: new Date(NOW.getTime() - HOUR),
      windowEnd: NOW,
      complete: true,
      samples: rows.map(([q, value]) => ({
        serviceCode: q.serviceCode,
        quotaCode: q.quotaCode,
        value,
        observedAt: NOW,
      })),
      errors: [],
    });
  }

  function dependencyDeps(extra: Record<string, unknown> = {}) {
    const config = parseConfig({
      aws: { endpoint: 'http://127.0.0.1:9' },
      accounts: [{ id: TARGET.accountId, regions: [TARGET.region, OTHER.region] }],
      engine: {
        defaults: { level: 'auto_request' },
        forecastHorizon: '0s',
        spikes: { enabled: false },
        ...extra,
      },
      rules: [{ name: 'logs-watch', match: { services: ['logs'] }, level: 'monitor_only' }],
    });
    return { ...deps(), config };
  }

  const targets = [
    { target: TARGET, accountName: null },
    { target: OTHER, accountName: null },
  ];

  it('proposes raises for the dependents at or above the threshold, once, and only in the raised target', async () => {
    const ebsHot = other('ebs', 'L-D18FCD1D', 300); // 80%: proposed (ec2 → ebs)
    const ebsCold = other('ebs', 'L-7A658B76', 100); // 30%: below 70%
    const vpcOwn = other('vpc', 'L-F678F1CE', 10); // 92%: critical on its own, proposed by its own decision
    const elbBusy = other('elasticloadbalancing', 'L-53DA6B97', 50); // 75%, but an approval is pending
    const lambdaHot = other('lambda', 'L-B99A9384', 1000); // 85%, but ec2 does not depend on lambda
    await hold(TARGET, [
      [quota, 950], // 95%: the raise (a proposal under auto_request)
      [ebsHot, 240],
      [ebsCold, 30],
      [vpcOwn, 9.2],
      [elbBusy, 37.5],
      [lambdaHot, 850],
    ]);
    // The same ebs quota in another target is as hot, but nothing is raised there.
    await hold(OTHER, [[ebsHot, 255]]);
    await store.saveApproval({
      id: 'ap-000000000001',
      status: 'PENDING',
      target: TARGET,
      serviceCode: 'elasticloadbalancing',
      quotaCode: 'L-53DA6B97',
      quotaName: 'ALBs',
      unit: 'None',
      global: false,
      action: 'increase',
      fromValue: 50,
      desiredValue: 100,
      estimatedCost: null,
      rule: 'defaults',
      proposedBy: 'someone',
      reason: 'by hand',
      createdAt: NOW,
      expiresAt: new Date(NOW.getTime() + 24 * HOUR),
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      requestId: null,
      outcome: null,
    });

    const dry = await runEngine(dependencyDeps(), { dryRun: true, targets, operator: 'test', now: NOW });
    expect(dry.dependents.map((d) => [d.serviceCode, d.quotaCode, d.outcome, d.value, d.because])).toEqual([
      // max(300 × 2, 240 ÷ 0.75 = 320) = 600
      ['ebs', 'L-D18FCD1D', 'would-propose', 600, 'ec2/L-1216C47A'],
    ]);
    expect(await store.listApprovals({ statuses: ['PENDING'] })).toHaveLength(1);

    const report = await runEngine(dependencyDeps(), { dryRun: false, targets, operator: 'test', now: NOW });
    expect(report.dependents).toHaveLength(1);
    const [dependent] = report.dependents;
    expect(dependent).toMatchObject({ target: TARGET, outcome: 'proposed', utilization: 80 });
    expect(dependent?.reason).toContain('ec2/L-1216C47A is being raised');
    const pending = await store.listApprovals({ statuses: ['PENDING'] });
    const proposed = pending.find((a) => a.id === dependent?.approvalId);
    expect(proposed).toMatchObject({
      serviceCode: 'ebs',
      quotaCode: 'L-D18FCD1D',
      fromValue: 300,
      desiredValue: 600,
    });
    // The ec2 raise and vpc's own proposal, the dependent's, and the one there before.
    expect(pending.map((a) => `${a.serviceCode}/${a.quotaCode}`).sort()).toEqual([
      'ebs/L-D18FCD1D',
      'ec2/L-1216C47A',
      'elasticloadbalancing/L-53DA6B97',
      'vpc/L-F678F1CE',
    ]);
    const audit = await store.auditEntries({ kinds: ['approval'] });
    expect(audit.find((e) => e.subject === dependent?.approvalId)?.data.because).toBe('ec2/L-1216C47A');

    // The next pass finds everything pending: nothing proposed twice.
    const again = await runEngine(dependencyDeps(), { dryRun: false, targets, operator: 'test', now: NOW });
    expect(again.dependents).toEqual([]);
  });

  it('records, without proposing, a dependent whose rule only monitors; follows a map given in the config', async () => {
    const logsHot = other('logs', 'L-0001', 100);
    await hold(TARGET, [
      [quota, 950],
      [logsHot, 85],
    ]);
    // By default ec2 does not depend on logs; with the map it does, and logs' rule only monitors.
    const none = await runEngine(dependencyDeps(), { dryRun: true, targets, operator: 'test', now: NOW });
    expect(none.dependents).toEqual([]);
    const mapped = await runEngine(
      dependencyDeps({ dependencies: { ec2: ['logs'] }, dependencyThreshold: 85 }),
      { dryRun: false, targets, operator: 'test', now: NOW },
    );
    expect(mapped.dependents.map((d) => [d.quotaCode, d.outcome, d.approvalId])).toEqual([
      ['L-0001', 'recorded', null],
    ]);
    const pending = await store.listApprovals({ statuses: ['PENDING'] });
    expect(pending.some((a) => a.serviceCode === 'logs')).toBe(false);
  });

  it('proposes nothing for dependents when nothing is raised', async () => {
    const ebsHot = other('ebs', 'L-D18FCD1D', 300);
    await hold(TARGET, [
      [quota, 100],
      [ebsHot, 280],
    ]);
    const report = await runEngine(dependencyDeps({ defaults: { level: 'alert_only' } }), {
      dryRun: true,
      targets,
      operator: 'test',
      now: NOW,
    });
    expect(report.dependents).toEqual([]);
  });
});

describe('spikes in a pass', () => {
  it("judges the pass's own reading, even when an earlier collection's peak was observed later", async () => {
    const eips = aQuota({ quotaCode: 'L-0263D0A3', quotaName: 'EC2-VPC Elastic IPs', value: 100 });
    await store.saveLimitSnapshot({
      target: TARGET,
      collectedAt: NOW,
      complete: true,
      quotas: [quota, eips],
      errors: [],
    });
    // Four collections a few minutes apart; each stores the peak of its last hour, observed when
    // it was. The newest (a spike to 40) peaked 50 minutes ago; the one before peaked 2 minutes ago.
    const readings: [number, number, number][] = [
      // [collected, minutes before NOW; observed, minutes before NOW; value]
      [30, 40, 10],
      [20, 25, 11],
      [10, 2, 10],
      [0, 50, 40],
    ];
    for (const [collected, observed, value] of readings) {
      const at = new Date(NOW.getTime() - collected * 60_000);
      await store.saveUsageSnapshot(
        aUsageSnapshot(TARGET, at, [
          { serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 750, observedAt: at },
          {
            serviceCode: 'ec2',
            quotaCode: 'L-0263D0A3',
            value,
            observedAt: new Date(NOW.getTime() - observed * 60_000),
          },
        ]),
      );
    }
    const report = await runEngine(deps(), {
      dryRun: true,
      targets: [{ target: TARGET, accountName: null }],
      operator: 'test',
      now: NOW,
    });
    const found = report.spikes.filter((s) => s.event.detail.quota === 'ec2/L-0263D0A3');
    expect(found.map((s) => [s.spike.usage, s.spike.baseline, s.spike.severity])).toEqual([[40, 10, 'high']]);
  });
});
