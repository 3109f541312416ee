/**
 * The exporter and the HTTP app over a store filled by a real sweep of the sandbox (fixed seed,
 * usage anchor and clock): the golden `/metrics` (UPDATE_GOLDEN=1 rewrites test/golden/metrics.txt),
 * `promtool check metrics` on it, scrapes that never call AWS, `/healthz` in each state, the
 * error boundary, and one smoke test on the real listener.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsSession } from '../../src/aws/session.js';
import { sweep } from '../../src/collect/sweep.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createMetrics } from '../../src/metrics/exporter.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { createApp } from '../../src/server/app.js';
import { listen } from '../../src/server/listen.js';
import type { SweepStatus } from '../../src/server/routes/health.js';
import type { Store } from '../../src/storage/port.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { counterSession } from '../helpers/counting.js';

const GOLDEN = new URL('../golden/metrics.txt', import.meta.url);
const START = Date.parse('2026-11-20T06:00:00.000Z');
const REGIONS = ['us-east-1', 'eu-west-1'];
// A global-only service (iam), per-region ones with usage metrics (lambda, sns), kept small.
const SERVICES = ['iam', 'lambda', 'sns'];

let sandbox: Sandbox;
let session: AwsSession;
let store: Store;

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: 'off', regions: REGIONS, startTime: START });
  const accounts = sandbox.admin.accounts();
  session = counterSession(sandbox);
  store = await openSqliteStore(':memory:');
  const result = await sweep(session, store, {
    targets: accounts.flatMap((a) =>
      REGIONS.map((region) => ({ target: { accountId: a.id, region }, accountName: a.name })),
    ),
    filter: { include: SERVICES, exclude: [] },
    limitsTtlMs: 86_400_000,
    usageTtlMs: 3_600_000,
    refresh: false,
    usage: { source: 'cloudwatch', windowMs: 3_600_000, periodSeconds: 60 },
    logger: silentLogger(),
    now: () => new Date(START),
  });
  // As the scheduler records them (durations fixed: they are wall time, and vary).
  for (const target of result.targets) {
    await store.saveCollectorOutcomes(
      target.target,
      target.collectors.map((c) => ({ ...c, durationMs: 250 })),
    );
  }
  await store.saveCollectorOutcomes(null, [
    { collector: 'inventory', success: true, durationMs: 40, at: new Date(START - 60_000) },
  ]);
  // One failing collector: success 0, and no last success.
  await store.saveCollectorOutcomes({ accountId: accounts[1]?.id ?? '', region: 'eu-west-1' }, [
    {
      collector: 'elasticloadbalancing',
      success: false,
      durationMs: 12,
      at: new Date(START),
      error: {
        scope: 'service',
        serviceCode: 'elasticloadbalancing',
        code: 'AccessDenied',
        message: 'denied',
      },
    },
  ]);
});

afterAll(async () => {
  session.close();
  await store.close();
  await sandbox.close();
});

function status(overrides: Partial<SweepStatus> = {}): () => SweepStatus {
  return () => ({ lastSweep: new Date(START), sweeping: false, stopped: false, ...overrides });
}

function app(overrides: Partial<SweepStatus> = {}, on: Store = store) {
  return createApp({ metrics: createMetrics(on), store: on, status: status(overrides) });
}

describe('/metrics', () => {
  it('renders the seeded scenario exactly as the golden file (UPDATE_GOLDEN=1 rewrites it)', async () => {
    const response = await app().request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('holds what the store holds: usage over limit, global quotas once per account', async () => {
    const text = await (await app().request('/metrics')).text();
    const snapshots = await store.latestSnapshots();
    const home = snapshots.find((s) => s.target.region === 'us-east-1');
    const usage = home?.usage?.samples.find((s) => s.serviceCode === 'lambda');
    const quota = home?.limits?.quotas.find((q) => q.quotaCode === usage?.quotaCode);
    if (!home || !usage || !quota?.value) throw new Error('the sweep read no lambda usage');
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('headroom_quota_usage_ratio{') &&
          l.includes(`account_id="${home.target.accountId}"`) &&
          l.includes('region="us-east-1"') &&
          l.includes(`quota_code="${quota.quotaCode}"`),
      );
    expect(Number(line?.split(' ').at(-1))).toBeCloseTo(usage.value / quota.value, 12);
    // IAM's quotas are global: listed in us-east-1 only, once per account.
    const iam = text
      .split('\n')
      .filter((l) => l.startsWith('headroom_quota_limit{') && l.includes('service="iam"'));
    expect(iam.length).toBeGreaterThan(0);
    expect(iam.every((l) => l.includes('region="us-east-1"'))).toBe(true);
  });

  it('passes promtool check metrics', (context) => {
    if (!existsSync('/usr/bin/promtool')) {
      console.warn('skipped: /usr/bin/promtool is not installed (Debian package prometheus)');
      context.skip();
    }
    const text = readFileSync(GOLDEN, 'utf8');
    const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, problems: `${check.stdout}${check.stderr}`.trim() }).toEqual({
      status: 0,
      problems: '',
    });
  });

  it('never calls AWS on a scrape', async () => {
    const before = sandbox.admin.callTotal();
    expect(before).toBeGreaterThan(0);
    const served = app();
    for (let i = 0; i < 5; i++) expect((await served.request('/metrics')).status).toBe(200);
    expect(sandbox.admin.callTotal()).toBe(before);
  });
});

describe('/healthz', () => {
  it('is ok (200) after a sweep, with the targets and the failing collectors', async () => {
    const response = await app().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'degraded',
      lastSweep: new Date(START).toISOString(),
      targets: 6,
      failing: 1,
    });
  });

  it('is starting (200) during the first sweep, and unavailable (503) stopped before any', async () => {
    const starting = await app({ lastSweep: null, sweeping: true }).request('/healthz');
    expect(starting.status).toBe(200);
    expect(await starting.json()).toMatchObject({ status: 'starting', lastSweep: null });
    const stopped = await app({ lastSweep: null, stopped: true }).request('/healthz');
    expect(stopped.status).toBe(503);
    expect(await stopped.json()).toMatchObject({ status: 'unavailable' });
  });

  it('answers 503 with the store error when the store cannot be read, through the one boundary', async () => {
    const closed = await openSqliteStore(':memory:');
    await closed.close();
    const served = app({}, closed);
    const health = await served.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      error: {
        code: 'HR_STORE_CLOSED',
        message: expect.stringContaining('closed') as string,
        hint: expect.any(String) as string,
      },
    });
    const metrics = await served.request('/metrics');
    expect(metrics.status).toBe(503);
    expect(((await metrics.json()) as { error: { code: string } }).error.code).toBe('HR_STORE_CLOSED');
  });

  it('hides anything that is not a HeadroomError behind a bare 500', async () => {
    const broken: Store = Object.assign(Object.create(store) as Store, {
      listTargets: () => Promise.reject(new Error('secret internals')),
      collectorHealth: () => store.collectorHealth(),
    });
    const response = await app({}, broken).request('/healthz');
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('{"error":{"code":"HR_INTERNAL","message":"internal error"}}');
  });

  it('answers an unknown route with 404 and a code', async () => {
    const response = await app().request('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'HR_HTTP_NOT_FOUND' } });
  });
});

describe('the real listener', () => {
  it('serves /metrics and /healthz on 127.0.0.1', async () => {
    const listener = await listen(app(), { host: '127.0.0.1', port: 0 });
    try {
      expect(listener.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const metrics = await fetch(`${listener.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toBe(readFileSync(GOLDEN, 'utf8'));
      expect((await fetch(`${listener.url}/healthz`)).status).toBe(200);
    } finally {
      await listener.close();
    }
  });

  it('says which port is taken', async () => {
    const first = await listen(app(), { host: '127.0.0.1', port: 0 });
    try {
      await expect(listen(app(), { host: '127.0.0.1', port: first.port })).rejects.toMatchObject({
        code: 'HR_SERVE_PORT_IN_USE',
      });
    } finally {
      await first.close();
    }
  });
});
