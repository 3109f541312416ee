/**
 * The JSON API of `headroom serve` over real HTTP: serve runs in this process (the CLI's own
 * function, with its scheduler and listener) against the sandbox with a real headroom.yaml and a
 * real SQLite store; the sandbox's tables and its requests are the oracle. Covers every route,
 * the bad inputs each refuses (with the field named and the right status), cross-site and
 * DNS-rebinding refusals, authentication by token, basic and sign-in, and that no answer ever
 * carries a credential.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, compareDocument } from '../../src/app/compare.js';
import { type Context, openContext } from '../../src/app/context.js';
import { quotaRows } from '../../src/app/quotas.js';
import { targetKey } from '../../src/domain/target.js';
import type {
  ApplyResponse,
  ClearResponse,
  CompareResponse,
  FleetResponse,
  HistoryResponse,
  PlanResponse,
  RefreshResponse,
  RequestResponse,
  RequestsResponse,
  Session,
  TargetQuotasResponse,
  TargetsResponse,
} from '../../src/server/api/schemas.js';
import { type AccountInfo, type QuotaTableRow, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { approvableQuotas, sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';
import { type RunningServe, startServe } from '../helpers/serve.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const SERVICES = ['ec2', 'iam', 'lambda'];
/** PENDING → CASE_OPENED after 10 minutes, decided 50 minutes later (the sandbox's defaults). */
const DECIDED_AFTER_S = 60 * 60;
const HOUR_MS = 3_600_000;

let sandbox: Sandbox;
let dir: string;
let ctx: Context;
let server: RunningServe;
let production: AccountInfo;
let staging: AccountInfo;
let management: AccountInfo;
/** Every answer's text, checked for credentials at the end. */
const answers: string[] = [];

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = unknown>(url: string, path: string, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, { redirect: 'manual', ...init });
  const text = await response.text();
  answers.push(text);
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, body: body as T, headers: response.headers };
}

const get = <T>(path: string, init: RequestInit = {}) => call<T>(server.url, path, init);

async function csrf(): Promise<string> {
  return (await get<Session>('/api/v1/session')).body.csrfToken;
}

async function post<T>(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  return get<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': await csrf(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The value headroom shows for a quota: the applied value, or the default where AWS lists none. */
function valueOf(row: QuotaTableRow): number {
  return row.listed && row.appliedValue !== null ? row.appliedValue : row.defaultValue;
}

function errorOf(answer: Answer<unknown>): { code: string; message: string; field?: string; hint?: string } {
  return (answer.body as { error: { code: string; message: string; field?: string; hint?: string } }).error;
}

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: 3, regions: REGIONS, throttle: 'off' });
  ({ management, production, staging } = sandboxAccounts(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'headroom-serve-api-'));
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, {
      regions: REGIONS,
      services: SERVICES,
      extra: ['aliases:', `  prod-dr: ${production.name}:eu-west-1`],
    }),
  );
  await mkdir(join(dir, 'home'));
  process.env.AWS_ACCESS_KEY_ID = management.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = management.secretAccessKey;
  ctx = await openContext({
    configPath: join(dir, 'headroom.yaml'),
    env: { HEADROOM_HOME: join(dir, 'home') },
    cwd: dir,
    stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  server = await startServe(ctx);
}, 120_000);

afterAll(async () => {
  await server.stop();
  await ctx.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the API on loopback without authentication', () => {
  it('says who is calling and gives a CSRF token', async () => {
    const { status, body, headers } = await get<Session>('/api/v1/session');
    expect(status).toBe(200);
    expect(body).toMatchObject({ mode: 'aws', auth: 'none', version: expect.any(String) as string });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lists every configured target with what is cached for it', async () => {
    const { body } = await get<TargetsResponse>('/api/v1/targets');
    const entries = await ctx.store.cacheEntries();
    expect(body.targets.map((t) => t.key).sort()).toEqual(
      sandbox.admin
        .accounts()
        .flatMap((a) => REGIONS.map((r) => `${a.id}:${r}`))
        .sort(),
    );
    for (const target of body.targets) {
      const entry = entries.find((e) => targetKey(e.target) === target.key);
      expect(target.quotas, target.key).toBe(entry?.quotaCount);
      expect(target.quotas, target.key).toBeGreaterThan(0);
      expect(target.limitsAt, target.key).toBe(entry?.limitsAt?.toISOString());
    }
  });

  it('shows the fleet worst headroom first, counting the quotas above the threshold', async () => {
    const { status, body } = await get<FleetResponse>('/api/v1/fleet?threshold=50');
    expect(status).toBe(200);
    expect(body.threshold).toBe(50);
    const all = await quotaRows(ctx, await ctx.targets(), {
      services: [],
      adjustable: false,
      changed: false,
      abovePercent: undefined,
      sort: 'utilization',
    });
    for (const target of body.targets) {
      const rows = all.rows.filter((r) => targetKey(r) === target.key);
      const withUsage = rows.filter((r) => r.utilization !== null);
      expect(target.quotas, target.key).toBe(rows.length);
      expect(target.withUsage, target.key).toBe(withUsage.length);
      expect(target.above, target.key).toBe(withUsage.filter((r) => (r.utilization ?? 0) * 100 >= 50).length);
      expect(target.worst?.utilization ?? null, target.key).toBe(
        withUsage.length === 0 ? null : Math.max(...withUsage.map((r) => r.utilization ?? 0)),
      );
    }
    const worst = body.targets.map((t) => t.worst?.utilization ?? -1);
    expect(worst).toEqual([...worst].sort((a, b) => b - a));
    expect(body.quotasTotal).toBe(body.targets.reduce((n, t) => n + t.above, 0));
    expect(body.quotas.every((q) => (q.utilization ?? 0) >= 0.5)).toBe(true);
    expect(body.choices.regions).toEqual([...REGIONS].sort());
    expect(body.choices.services).toEqual([...SERVICES].sort());
  });

  it('filters the fleet by account, region, service and search', async () => {
    const { body } = await get<FleetResponse>(
      `/api/v1/fleet?threshold=0&account=${production.name}&region=us-east-1&service=ec2&q=on-demand`,
    );
    expect(body.targets.map((t) => t.key)).toEqual([`${production.id}:us-east-1`]);
    expect(body.quotas.length).toBeGreaterThan(0);
    for (const q of body.quotas) {
      expect(q.serviceCode).toBe('ec2');
      expect(`${q.quotaName} ${q.quotaCode}`.toLowerCase()).toContain('on-demand');
    }
  });

  it("gives a target's quotas with the sandbox's values, filtered", async () => {
    const key = `${production.id}:us-east-1`;
    const { body, headers } = await get<TargetQuotasResponse>(
      `/api/v1/targets/${production.name}:us-east-1/quotas`,
      { headers: { 'accept-encoding': 'gzip' } },
    );
    expect(headers.get('content-encoding')).toBe('gzip');
    expect(body.target.key).toBe(key);
    const table = new Map(
      sandbox.admin
        .quotaTable(production.id, 'us-east-1')
        .filter((r) => SERVICES.includes(r.serviceCode))
        .map((r) => [`${r.serviceCode}/${r.quotaCode}`, r]),
    );
    const accountLevel = body.quotas.filter(
      (q, i, all) => all.findIndex((o) => o.quotaCode === q.quotaCode) === i,
    );
    expect(accountLevel.length).toBe(table.size);
    for (const q of accountLevel) {
      const row = table.get(`${q.serviceCode}/${q.quotaCode}`);
      expect(row, q.quotaCode).toBeDefined();
      if (row) expect(q.limit, q.quotaCode).toBe(valueOf(row));
    }
    const ec2 = await get<TargetQuotasResponse>(`/api/v1/targets/${key}/quotas?service=ec2&adjustable=true`);
    expect(ec2.body.quotas.length).toBeGreaterThan(0);
    expect(ec2.body.quotas.every((q) => q.serviceCode === 'ec2' && q.adjustable)).toBe(true);
    const searched = await get<TargetQuotasResponse>(`/api/v1/targets/${key}/quotas?q=L-1216C47A`);
    expect(searched.body.quotas.map((q) => q.quotaCode)).toEqual(['L-1216C47A']);
  });

  it("gives a quota's stored usage history with its limit", async () => {
    const key = `${production.id}:us-east-1`;
    const { body } = await get<HistoryResponse>(
      `/api/v1/targets/${key}/quotas/ec2/L-1216C47A/history?since=30d`,
    );
    const stored = await ctx.store.usageHistory(
      { accountId: production.id, region: 'us-east-1' },
      { serviceCode: 'ec2', quotaCode: 'L-1216C47A' },
      new Date(Date.now() - 30 * 86_400_000),
    );
    expect(stored.length).toBeGreaterThan(0);
    expect(body.points).toEqual(stored.map((p) => ({ at: p.at.toISOString(), value: p.value })));
    expect(body.limit).toBe(
      valueOf(
        sandbox.admin
          .quotaTable(production.id, 'us-east-1')
          .find((r) => r.quotaCode === 'L-1216C47A') as QuotaTableRow,
      ),
    );
  });

  it("forecasts a quota's usage with `forecast=`, or says why it cannot", async () => {
    const target = { accountId: production.id, region: 'us-east-1' };
    const key = `${production.id}:us-east-1`;
    // One collection is all the history there is: too little, said so, the current value kept.
    const thin = await get<HistoryResponse>(
      `/api/v1/targets/${key}/quotas/ec2/L-1216C47A/history?forecast=7d`,
    );
    expect(thin.status).toBe(200);
    expect(thin.body.forecast).toMatchObject({ status: 'insufficient' });
    expect(thin.body.forecast?.status === 'insufficient' && thin.body.forecast.reason).toMatch(/history/);
    const none = await get<HistoryResponse>(`/api/v1/targets/${key}/quotas/ec2/L-1216C47A/history`);
    expect(none.body.forecast).toBeNull();

    // Ten days of Elastic IPs rising from none to half the limit (one an hour, up to 12 hours
    // ago) in the store the API reads: the trend is found, and the limit crossed when it says.
    const limit = (await ctx.store.latestLimitSnapshot(target))?.quotas.find(
      (q) => q.quotaCode === 'L-0263D0A3',
    )?.value;
    if (limit == null) throw new Error('no Elastic IP limit stored');
    const now = Date.now();
    const perDay = limit / 20;
    for (let h = 240; h >= 12; h--) {
      const at = new Date(now - h * HOUR_MS);
      await ctx.store.saveUsageSnapshot({
        target,
        collectedAt: at,
        source: 'cloudwatch',
        windowStart: new Date(at.getTime() - HOUR_MS),
        windowEnd: at,
        complete: true,
        samples: [
          {
            serviceCode: 'ec2',
            quotaCode: 'L-0263D0A3',
            value: limit / 2 - (perDay * h) / 24,
            observedAt: at,
          },
        ],
        errors: [],
      });
    }
    const { status, body } = await get<HistoryResponse>(
      `/api/v1/targets/${key}/quotas/ec2/L-0263D0A3/history?since=1d&forecast=14d`,
    );
    expect(status).toBe(200);
    // since=1d shows one day; the forecast is fitted on the stored 28 days all the same.
    expect(body.points.length).toBeLessThanOrEqual(13);
    const forecast = body.forecast;
    if (forecast?.status !== 'ok') throw new Error(`no forecast: ${JSON.stringify(forecast)}`);
    expect(forecast.trendPerDay / perDay).toBeCloseTo(1, 2);
    expect(forecast.path.length).toBeGreaterThanOrEqual(14 * 24);
    expect(Date.parse(forecast.horizon) - now).toBeGreaterThanOrEqual(14 * 86_400_000 - 60_000);
    // Half the limit now, a twentieth more each day: the limit is reached in ten days (the
    // interval is all but nil on a straight line).
    expect(forecast.utilization?.mean).toBeGreaterThan(100);
    const days = (Date.parse(forecast.exhaustion ?? '') - now) / 86_400_000;
    expect(days).toBeGreaterThan(9.5);
    expect(days).toBeLessThanOrEqual(10.05);
  });

  it('compares two targets exactly as `headroom compare --format json` does', async () => {
    const { status, body } = await get<CompareResponse>(
      `/api/v1/compare?source=${production.name}:us-east-1&destination=${staging.id}:us-east-1&suppressDefaults=true`,
    );
    expect(status).toBe(200);
    const direct = await compare(ctx, {
      source: `${production.id}:us-east-1`,
      destination: `${staging.id}:us-east-1`,
      services: [],
      suppressDefaults: true,
      refresh: false,
    });
    expect(body).toEqual(JSON.parse(JSON.stringify(compareDocument(direct, { onlyDiff: false }))));
    expect(body.summary.destinationLower).toBeGreaterThan(0);
    expect(body.summary.suppressedAtDefault).toBeGreaterThan(0);
  });

  describe('plans, requests and their statuses', () => {
    let chosen: string[] = [];
    let plan: PlanResponse['plan'];

    it('plans the chosen quotas only, with a preview that files nothing', async () => {
      const { body: comparison } = await get<CompareResponse>(
        `/api/v1/compare?source=${production.id}:us-east-1&destination=${staging.id}:us-east-1&service=ec2`,
      );
      chosen = approvableQuotas(comparison.rows, 2);
      expect(chosen).toHaveLength(2);
      const before = sandbox.admin.requests().length;
      const { status, body } = await post<PlanResponse>('/api/v1/plans', {
        source: `${production.id}:us-east-1`,
        destination: `${staging.name}:us-east-1`,
        quotas: chosen,
        reason: 'parity, ticket OPS-7',
      });
      expect(status).toBe(200);
      expect(body.plan.items.map((i) => `${i.serviceCode}/${i.quotaCode}`)).toEqual(chosen);
      expect(body.plan.reason).toBe('parity, ticket OPS-7');
      expect(body.preview.dryRun).toBe(true);
      expect(body.preview.items.map((i) => i.outcome)).toEqual(['would-file', 'would-file']);
      expect(sandbox.admin.requests()).toHaveLength(before);
      plan = body.plan;
    });

    it('files exactly the two requests, and never twice', async () => {
      const before = sandbox.admin.requests().length;
      const { status, body } = await post<ApplyResponse>('/api/v1/plans/apply', { plan });
      expect(status).toBe(200);
      expect(body.result.items.map((i) => i.outcome)).toEqual(['filed', 'filed']);
      const filed = sandbox.admin.requests().slice(before);
      expect(filed.map((r) => `${r.serviceCode}/${r.quotaCode}`).sort()).toEqual([...chosen].sort());
      expect(filed.every((r) => r.accountId === staging.id && r.region === 'us-east-1')).toBe(true);
      const again = await post<ApplyResponse>('/api/v1/plans/apply', { plan });
      expect(again.body.result.items.map((i) => i.outcome)).toEqual(['already-filed', 'already-filed']);
      expect(sandbox.admin.requests()).toHaveLength(before + 2);
    });

    it('lists them PENDING, then APPROVED once the sandbox has decided, with their trail', async () => {
      const pending = await get<RequestsResponse>(`/api/v1/requests?plan=${plan.id}`);
      expect(pending.body.requests.map((r) => r.status)).toEqual(['PENDING', 'PENDING']);
      expect(pending.body.requests.every((r) => r.requestedBy.endsWith('(dashboard)'))).toBe(true);
      sandbox.admin.advanceClock(DECIDED_AFTER_S);
      const decided = await get<RequestsResponse>(`/api/v1/requests?plan=${plan.id}`);
      expect(decided.body.refreshed).toBe(true);
      expect(decided.body.requests.map((r) => r.status)).toEqual(['APPROVED', 'APPROVED']);
      const id = decided.body.requests[0]?.id ?? '';
      const one = await get<RequestResponse>(`/api/v1/requests/${id}`);
      expect(one.body.request.id).toBe(id);
      // The trail holds what headroom saw: filed PENDING, then APPROVED (the case between was not read).
      expect(one.body.events.map((e) => e.status)).toEqual(['PENDING', 'APPROVED']);
      const onlyApproved = await get<RequestsResponse>('/api/v1/requests?status=APPROVED&refresh=false');
      expect(onlyApproved.body.refreshed).toBe(false);
      expect(onlyApproved.body.requests.map((r) => r.id).sort()).toEqual(
        decided.body.requests.map((r) => r.id).sort(),
      );
    });
  });

  describe('the cache', () => {
    it('reads one target again, and says 409 while it is being read', async () => {
      const key = `${management.id}:eu-west-1`;
      const before = (await get<TargetsResponse>('/api/v1/targets')).body.targets.find((t) => t.key === key);
      const [first, second] = await Promise.all([
        post<RefreshResponse>('/api/v1/cache/refresh', { target: key }),
        post<RefreshResponse>('/api/v1/cache/refresh', { target: key }),
      ]);
      const statuses = [first.status, second.status].sort();
      expect(statuses).toEqual([200, 409]);
      const done = first.status === 200 ? first : second;
      const busy = first.status === 409 ? first : second;
      expect(errorOf(busy)).toMatchObject({ code: 'HR_API_BUSY', field: 'target' });
      expect(done.body.errors).toEqual([]);
      // The account's global quotas stay under its us-east-1 target, not this one.
      expect(done.body.target.quotas).toBe(before?.quotas);
      expect(Date.parse(done.body.target.limitsAt ?? '')).toBeGreaterThan(Date.parse(before?.limitsAt ?? ''));
    });

    it("forgets one target's cached snapshots", async () => {
      const key = `${management.id}:eu-west-1`;
      const { status, body } = await post<ClearResponse>('/api/v1/cache/clear', { target: key });
      expect(status).toBe(200);
      expect(body.removed).toBeGreaterThan(0);
      const after = (await get<TargetsResponse>('/api/v1/targets')).body.targets.find((t) => t.key === key);
      expect(after).toMatchObject({ quotas: 0, limitsAt: null, usageAt: null });
    });
  });

  describe('bad input: a JSON error naming the field, with the right status', () => {
    it.each([
      [
        '/api/v1/fleet?threshold=abc',
        400,
        'HR_API_INVALID',
        'threshold',
        "threshold must be a number from 0 to 1000 (got 'abc')",
      ],
      ['/api/v1/fleet?threshold=2000', 400, 'HR_API_INVALID', 'threshold', "(got '2000')"],
      [
        '/api/v1/targets/nowhere:us-east-1/quotas',
        404,
        'HR_API_TARGET_UNKNOWN',
        'target',
        "target 'nowhere:us-east-1' is not a configured target",
      ],
      [
        '/api/v1/targets/123456789012:us-east-1/quotas',
        404,
        'HR_API_TARGET_UNKNOWN',
        'target',
        'is not a configured target',
      ],
      ['/api/v1/targets/not%20a%20target/quotas', 400, 'HR_API_INVALID', 'target', 'must be ACCOUNT:REGION'],
      ['/api/v1/targets/prod-dr/quotas?above=lots', 400, 'HR_API_INVALID', 'above', "(got 'lots')"],
      [
        '/api/v1/targets/prod-dr/quotas?adjustable=yes',
        400,
        'HR_API_INVALID',
        'adjustable',
        "adjustable must be true or false (got 'yes')",
      ],
      [
        '/api/v1/targets/prod-dr/quotas/ec2/L-NOPE/history',
        404,
        'HR_API_QUOTA_UNKNOWN',
        'code',
        'is not a quota of',
      ],
      [
        '/api/v1/targets/prod-dr/quotas/ec2/L-1216C47A/history?forecast=soon',
        400,
        'HR_API_INVALID',
        'forecast',
        'must be a duration',
      ],
      [
        '/api/v1/targets/prod-dr/quotas/ec2/L-1216C47A/history?forecast=120d',
        400,
        'HR_API_INVALID',
        'forecast',
        'from 1h to 90d',
      ],
      [
        '/api/v1/targets/prod-dr/quotas/ec2/L-1216C47A/history?since=forever',
        400,
        'HR_API_INVALID',
        'since',
        'must be a duration',
      ],
      ['/api/v1/compare?source=prod-dr', 400, 'HR_API_INVALID', 'destination', 'destination is required'],
      [
        '/api/v1/compare?source=prod-dr&destination=prod-dr',
        400,
        'HR_COMPARE_SAME_TARGET',
        'destination',
        'destination is the source',
      ],
      [
        '/api/v1/compare?source=prod-dr&destination=nowhere:eu-west-1',
        404,
        'HR_API_TARGET_UNKNOWN',
        'destination',
        '',
      ],
      [
        '/api/v1/requests?status=LOST',
        400,
        'HR_API_INVALID',
        'status',
        'must be statuses separated by commas',
      ],
      [
        '/api/v1/requests/hr-000000000000',
        404,
        'HR_REQUEST_NOT_FOUND',
        'id',
        'no request hr-000000000000 is recorded',
      ],
      ['/api/v1/nothing-here', 404, 'HR_HTTP_NOT_FOUND', undefined, 'no route GET /api/v1/nothing-here'],
    ])('GET %s → %i %s', async (path, status, code, field, message) => {
      const answer = await get(path);
      expect(answer.status).toBe(status);
      expect(errorOf(answer)).toMatchObject({ code, ...(field === undefined ? {} : { field }) });
      expect(errorOf(answer).message).toContain(message);
    });

    it.each([
      [
        '/api/v1/plans',
        { source: 'prod-dr', destination: 'staging:eu-west-1', quotas: [] },
        400,
        'HR_API_INVALID',
        'quotas',
        'must name at least one quota',
      ],
      [
        '/api/v1/plans',
        { source: 'prod-dr', destination: 'staging:eu-west-1', quotas: ['ec2'] },
        400,
        'HR_API_INVALID',
        'quotas[0]',
        'must be SERVICE/CODE',
      ],
      [
        '/api/v1/plans',
        { source: 'prod-dr', quotas: ['ec2/L-1216C47A'] },
        400,
        'HR_API_INVALID',
        'destination',
        'destination is required',
      ],
      [
        '/api/v1/plans/apply',
        { plan: { kind: 'headroom/replicate-plan' } },
        400,
        'HR_API_INVALID',
        'plan.version',
        '',
      ],
      ['/api/v1/cache/refresh', { target: 42 }, 400, 'HR_API_INVALID', 'target', '(got 42)'],
      ['/api/v1/cache/refresh', { target: 'nowhere:us-east-1' }, 404, 'HR_API_TARGET_UNKNOWN', 'target', ''],
      ['/api/v1/cache/clear', { history: 'yes' }, 400, 'HR_API_INVALID', 'history', "(got 'yes')"],
      ['/api/v1/cache/clear', '{"target":', 400, 'HR_API_INVALID', 'body', 'body is not JSON'],
    ])('POST %s %j → %i %s', async (path, body, status, code, field, message) => {
      const answer = await post(path, body);
      expect(answer.status).toBe(status);
      expect(errorOf(answer)).toMatchObject({ code, field });
      expect(errorOf(answer).message).toContain(message);
    });

    it('refuses a plan whose items were edited into nonsense, naming the field', async () => {
      const { body } = await post<PlanResponse>('/api/v1/plans', {
        source: `${production.id}:us-east-1`,
        destination: `${staging.id}:eu-west-1`,
        quotas: ['ec2/L-1945791B'],
      });
      const edited = { ...body.plan, items: body.plan.items.map((i) => ({ ...i, desiredValue: -1 })) };
      const answer = await post('/api/v1/plans/apply', { plan: edited });
      expect(answer.status).toBe(400);
      expect(errorOf(answer)).toMatchObject({ code: 'HR_PLAN_INVALID', field: 'plan.items[0].desiredValue' });
    });

    it('refuses a quota that has nothing to raise, naming its place in the list', async () => {
      const value = (account: string) =>
        valueOf(
          sandbox.admin
            .quotaTable(account, 'us-east-1')
            .find((r) => r.quotaCode === 'L-1945791B') as QuotaTableRow,
        );
      expect(value(production.id)).toBeGreaterThan(value(staging.id));
      const answer = await post('/api/v1/plans', {
        // Production holds 32 of these, staging 0: nothing to raise in production.
        source: `${staging.id}:us-east-1`,
        destination: `${production.id}:us-east-1`,
        quotas: ['ec2/L-1945791B'],
      });
      expect(answer.status).toBe(400);
      expect(errorOf(answer)).toMatchObject({ code: 'HR_API_NOT_IN_PLAN', field: 'quotas[0]' });
    });

    it('refuses a POST without the CSRF token, with a wrong one, or from another site', async () => {
      const before = sandbox.admin.requests().length;
      const body = JSON.stringify({ history: false });
      const missing = await get('/api/v1/cache/clear', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(missing.status).toBe(403);
      expect(errorOf(missing)).toMatchObject({ code: 'HR_API_CSRF', field: 'x-csrf-token' });
      const wrong = await get('/api/v1/cache/clear', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': 'forged' },
        body,
      });
      expect(wrong.status).toBe(403);
      expect(errorOf(wrong)).toMatchObject({ code: 'HR_API_CSRF', field: 'x-csrf-token' });
      const crossSite = await post(
        '/api/v1/cache/clear',
        { history: false },
        { origin: 'https://evil.example' },
      );
      expect(crossSite.status).toBe(403);
      expect(errorOf(crossSite)).toMatchObject({ code: 'HR_API_CSRF', field: 'origin' });
      const fetchSite = await post(
        '/api/v1/cache/clear',
        { history: false },
        { 'sec-fetch-site': 'cross-site' },
      );
      expect(fetchSite.status).toBe(403);
      // Nothing was cleared: every target still has its quotas but the one cleared above.
      const targets = (await get<TargetsResponse>('/api/v1/targets')).body.targets;
      expect(targets.filter((t) => t.quotas > 0)).toHaveLength(targets.length - 1);
      expect(sandbox.admin.requests()).toHaveLength(before);
    });

    it('refuses a request naming another host (DNS rebinding)', async () => {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        // fetch will not send a Host of our choosing; node:http will.
        void import('node:http').then(({ request }) => {
          const url = new URL(`${server.url}/api/v1/session`);
          const req = request(
            {
              host: url.hostname,
              port: url.port,
              path: url.pathname,
              headers: { host: 'rebound.example:80' },
            },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString()));
              res.on('end', () => {
                resolve({ status: res.statusCode ?? 0, body: text });
              });
            },
          );
          req.on('error', reject);
          req.end();
        });
      });
      expect(status).toBe(403);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'HR_API_HOST', field: 'host' } });
    });
  });

  it('never answers with a credential', () => {
    expect(answers.length).toBeGreaterThan(50);
    const secrets = sandbox.admin.accounts().flatMap((a) => [a.accessKeyId, a.secretAccessKey]);
    for (const text of answers) {
      for (const secret of secrets) expect(text.includes(secret), secret.slice(0, 4)).toBe(false);
      expect(text).not.toMatch(/AKIA[A-Z0-9]{16}|"(?:secretAccessKey|sessionToken|password)"/);
    }
  });

  it('describes itself in OpenAPI 3.1, every route with its error answers', async () => {
    const { status, body } = await get<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>('/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    // docs/openapi.json is this document (npx tsx scripts/build-docs.ts writes it).
    expect(body).toEqual(
      JSON.parse(await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8')),
    );
    expect(Object.keys(body.paths).sort()).toEqual(
      [
        '/session',
        '/targets',
        '/fleet',
        '/targets/{target}/quotas',
        '/targets/{target}/quotas/{service}/{code}/history',
        '/compare',
        '/plans',
        '/plans/apply',
        '/requests',
        '/requests/{id}',
        '/cache/refresh',
        '/cache/clear',
        '/approvals',
        '/approvals/{id}',
        '/approvals/{id}/approve',
        '/approvals/{id}/deny',
        '/audit',
        '/audit/verify',
        '/events',
      ].sort(),
    );
    // The event body is documented as JSON Schema (every type), though the handler checks it.
    const eventBody = (
      body.paths['/events'] as unknown as {
        post: { requestBody: { content: { 'application/json': { schema: { oneOf: unknown[] } } } } };
      }
    ).post.requestBody.content['application/json'].schema;
    expect(eventBody.oneOf).toHaveLength(5);
    for (const [path, methods] of Object.entries(body.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('200');
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('401');
        if (method === 'post') expect(Object.keys(operation.responses), `${method} ${path}`).toContain('403');
      }
    }
  });
});

describe('the API with serve.auth: a token and basic authentication', () => {
  const TOKEN = 'serve-api-test-token-0123456789';
  const PASSWORD = 'correct horse';
  let authCtx: Context;
  let guarded: RunningServe;
  const at = (path: string, init: RequestInit = {}) => call(guarded.url, path, init);
  const basic = `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`;

  beforeAll(async () => {
    await writeFile(
      join(dir, 'auth.yaml'),
      sandboxConfig(sandbox, {
        regions: REGIONS,
        services: SERVICES,
        extra: ['serve:', '  auth:', '    username: ops', '    passwordEnv: TEST_SERVE_PASSWORD'],
      }),
    );
    authCtx = await openContext({
      configPath: join(dir, 'auth.yaml'),
      env: { HEADROOM_HOME: join(dir, 'home') },
      cwd: dir,
      stderr: { write: () => true } as unknown as NodeJS.WritableStream,
    });
    guarded = await startServe(authCtx, {
      env: { HEADROOM_SERVE_TOKEN: TOKEN, TEST_SERVE_PASSWORD: PASSWORD },
    });
  });
  afterAll(async () => {
    await guarded.stop();
    await authCtx.close();
  });

  it('says so when it starts', () => {
    expect(guarded.stderr()).toContain('; sign-in required');
  });

  it('refuses the API, /metrics and pages without credentials, naming the field, and keeps /healthz open', async () => {
    const api = await at('/api/v1/session');
    expect(api.status).toBe(401);
    expect(errorOf(api)).toMatchObject({ code: 'HR_API_UNAUTHENTICATED', field: 'authorization' });
    expect(api.headers.get('www-authenticate')).toBe(
      'Bearer realm="headroom", Basic realm="headroom", charset="UTF-8"',
    );
    expect((await at('/metrics')).status).toBe(401);
    expect((await at('/', { headers: { accept: 'text/html' } })).status).toBe(401);
    expect((await at('/healthz')).status).toBe(200);
  });

  it('lets a bearer token read /metrics and the API, and write without a CSRF token', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const metrics = await at('/metrics', { headers });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('headroom_quota_limit{');
    expect((await at('/api/v1/session', { headers })).body).toMatchObject({ auth: 'token', user: 'token' });
    // Past the CSRF check to the input check: the call was let in.
    const write = await at('/api/v1/plans', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(400);
    expect(errorOf(write)).toMatchObject({ code: 'HR_API_INVALID', field: 'source' });
  });

  it('lets the basic user in by name; its writes need the CSRF token', async () => {
    const session = await at('/api/v1/session', { headers: { authorization: basic } });
    expect(session.body).toMatchObject({ auth: 'basic', user: 'ops' });
    const write = await at('/api/v1/plans', {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(403);
    expect(errorOf(write)).toMatchObject({ code: 'HR_API_CSRF', field: 'x-csrf-token' });
  });

  it('signs a browser in with the token at /login, into a session cookie', async () => {
    const wrong = await at('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'guess', next: '/' }).toString(),
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TOKEN, next: '/requests' }).toString(),
    });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/requests');
    const cookie = (right.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^headroom_session=/);
    const session = await at('/api/v1/session', { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ auth: 'token' });
    expect(JSON.stringify(session.body)).not.toContain(TOKEN);
  });
});
