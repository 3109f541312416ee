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
import type { LimitSnapshot, Quota, UsageSnapshot } from '../domain/quota.js';
import type { Target } from '../domain/target.js';
import { openSqliteStore, type SqliteStore } from '../storage/sqlite/index.js';
import { runEngine } from './run.js';

const HOUR = 3_600_000;
const TARGET: Target = { accountId: '123456789012', region: 'eu-west-1' };
const NOW = new Date(Date.UTC(2026, 11, 3, 12));
const LIMIT = 1000;

const quota: Quota = {
  serviceCode: 'ec2',
  serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
  quotaCode: 'L-1216C47A',
  quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
  quotaArn: null,
  value: LIMIT,
  source: 'applied',
  defaultValue: 5,
  unit: 'None',
  adjustable: true,
  global: false,
  usageMetric: null,
  period: null,
  appliedAtLevel: 'ACCOUNT',
  context: null,
  errorReason: null,
};

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
    const usage: UsageSnapshot = {
      target: TARGET,
      collectedAt: at,
      source: 'cloudwatch',
      windowStart: new Date(at.getTime() - HOUR),
      windowEnd: at,
      complete: true,
      samples: [{ serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 750 - 1.5 * h, observedAt: at }],
      errors: [],
    };
    await store.saveUsageSnapshot(usage);
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
