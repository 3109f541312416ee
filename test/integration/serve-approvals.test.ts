/**
 * Approvals, events and the audit trail over the JSON API of `headroom serve`, over real HTTP: serve runs
 * in this process (the CLI's own function) against the sandbox with a real headroom.yaml and a
 * real SQLite store. The sandbox's requests are the oracle for what approving files; the store's
 * audit chain, checked by the API's own verify, for what was recorded.
 *
 * The approvals are written straight into serve's store (`saveApproval`), with values read from
 * the sandbox through compare: the engine that proposes them is tested in src/engine/ and its own
 * integration tests; here only what a person does with them over HTTP is.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, openContext } from '../../src/app/context.js';
import type { Approval } from '../../src/domain/approval.js';
import { targetKey } from '../../src/domain/target.js';
import { newApprovalId } from '../../src/engine/approvals.js';
import type {
  ApprovalJson,
  ApprovalResponse,
  ApprovalsResponse,
  ApproveResponse,
  AuditResponse,
  AuditVerifyResponse,
  CompareResponse,
  EventResultJson,
  Session,
} from '../../src/server/api/schemas.js';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { approvableQuotas, sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';
import { type RunningServe, startServe } from '../helpers/serve.js';

const REGIONS = ['us-east-1'];
const SERVICES = ['ec2'];
const HOUR_MS = 3_600_000;

let sandbox: Sandbox;
let dir: string;
let ctx: Context;
let server: RunningServe;
let production: AccountInfo;
let staging: AccountInfo;
let management: AccountInfo;
/** Quotas the sandbox approves when raised from staging's value to production's. */
let candidates: CompareResponse['rows'] = [];

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T = unknown>(url: string, path: string, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(`${url}${path}`, { redirect: 'manual', ...init });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: (json ? JSON.parse(text) : text) as T };
}

const get = <T>(path: string, init: RequestInit = {}) => call<T>(server.url, path, init);

async function post<T>(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const { csrfToken } = (await get<Session>('/api/v1/session')).body;
  return get<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, ...headers },
    body: JSON.stringify(body),
  });
}

function errorOf(answer: Answer<unknown>): { code: string; message: string; field?: string; hint?: string } {
  return (answer.body as { error: { code: string; message: string; field?: string; hint?: string } }).error;
}

/**
 * A pending approval as the engine would record one: raise the `index`th candidate quota in
 * staging from its current value (what a request is checked against) to production's.
 */
async function propose(
  context: Context,
  index: number,
  overrides: Partial<Approval> = {},
): Promise<Approval> {
  const row = candidates[index];
  if (row?.source?.value == null || row.destination?.value == null) throw new Error(`no candidate ${index}`);
  const now = new Date();
  const added = row.source.value - row.destination.value;
  const approval: Approval = {
    id: newApprovalId(),
    status: 'PENDING',
    target: { accountId: staging.id, region: 'us-east-1' },
    serviceCode: row.serviceCode,
    quotaCode: row.quotaCode,
    quotaName: row.quotaName,
    unit: row.unit,
    global: row.global,
    action: 'increase',
    fromValue: row.destination.value,
    desiredValue: row.source.value,
    estimatedCost: Math.round(added * 36.8 * 100) / 100,
    rule: 'ec2-capacity',
    proposedBy: 'engine (ci@runner)',
    reason: `usage reached 85% of ${row.destination.value}; the rule raises it to ${row.source.value}`,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 24 * HOUR_MS),
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    requestId: null,
    outcome: null,
    ...overrides,
  };
  await context.store.saveApproval(approval);
  return approval;
}

/** An approval as the API shows it. */
function asJson(a: Approval): ApprovalJson {
  const { target, createdAt, expiresAt, decidedAt, ...rest } = a;
  return {
    ...rest,
    target: targetKey(target),
    accountId: target.accountId,
    region: target.region,
    createdAt: createdAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    decidedAt: decidedAt?.toISOString() ?? null,
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: 3, regions: REGIONS, throttle: 'off' });
  ({ management, production, staging } = sandboxAccounts(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'headroom-serve-approvals-'));
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, { regions: REGIONS, services: SERVICES }),
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
  const { body } = await get<CompareResponse>(
    `/api/v1/compare?source=${production.id}:us-east-1&destination=${staging.id}:us-east-1&service=ec2`,
  );
  const chosen = approvableQuotas(body.rows, 6);
  candidates = body.rows.filter((r) => chosen.includes(`${r.serviceCode}/${r.quotaCode}`));
  expect(candidates).toHaveLength(6);
}, 120_000);

afterAll(async () => {
  await server.stop();
  await ctx.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('approvals over the API, on loopback without authentication', () => {
  let approved: Approval;
  let denied: Approval;

  it('lists a pending approval with every field, filtered by status, account and region', async () => {
    approved = await propose(ctx, 0);
    const { status, body } = await get<ApprovalsResponse>('/api/v1/approvals');
    expect(status).toBe(200);
    expect(body.approvals.find((a) => a.id === approved.id)).toEqual(asJson(approved));

    const ids = async (query: string) =>
      (await get<ApprovalsResponse>(`/api/v1/approvals?${query}`)).body.approvals.map((a) => a.id);
    expect(await ids('status=PENDING,EXECUTED')).toContain(approved.id);
    expect(await ids('status=DENIED')).not.toContain(approved.id);
    expect(await ids(`account=${staging.name}&region=us-east-1`)).toContain(approved.id);
    expect(await ids(`account=${staging.id}`)).toContain(approved.id);
    expect(await ids(`account=${production.id}`)).not.toContain(approved.id);
    expect(await ids('region=eu-west-1')).not.toContain(approved.id);

    const one = await get<ApprovalResponse>(`/api/v1/approvals/${approved.id}`);
    expect(one.status).toBe(200);
    expect(one.body.approval).toEqual(asJson(approved));
  });

  it('refuses a status that is not one, naming the field', async () => {
    const answer = await get('/api/v1/approvals?status=PENDING,MAYBE');
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'HR_API_INVALID', field: 'status' });
  });

  it('refuses a POST without the CSRF token, deciding nothing', async () => {
    const answer = await get(`/api/v1/approvals/${approved.id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject({ code: 'HR_API_CSRF', field: 'x-csrf-token' });
    expect((await ctx.store.getApproval(approved.id))?.status).toBe('PENDING');
  });

  it('approves: exactly one request filed at the sandbox, and the approval EXECUTED with its id', async () => {
    const before = sandbox.admin.requests().length;
    const { user } = (await get<Session>('/api/v1/session')).body;
    const { status, body } = await post<ApproveResponse>(`/api/v1/approvals/${approved.id}/approve`, {
      reason: 'launch week, ticket OPS-12',
    });
    expect(status).toBe(200);
    expect(body.outcome).toMatchObject({
      status: 'filed',
      requestId: expect.stringMatching(/^hr-/) as string,
    });
    expect(body.approval).toMatchObject({
      id: approved.id,
      status: 'EXECUTED',
      decidedBy: `${user} (dashboard)`,
      decisionReason: 'launch week, ticket OPS-12',
      requestId: body.outcome.requestId,
    });
    expect(body.approval.outcome).toMatch(/^filed: /);

    const filed = sandbox.admin.requests().slice(before);
    expect(filed).toHaveLength(1);
    expect(filed[0]).toMatchObject({
      accountId: staging.id,
      region: 'us-east-1',
      serviceCode: approved.serviceCode,
      quotaCode: approved.quotaCode,
      desiredValue: approved.desiredValue,
    });
    const record = (await ctx.store.listRequests({})).find((r) => r.id === body.outcome.requestId);
    expect(record).toMatchObject({ awsRequestId: filed[0]?.id, requestedBy: `${user} (dashboard)` });
    expect((await get<ApprovalResponse>(`/api/v1/approvals/${approved.id}`)).body.approval.status).toBe(
      'EXECUTED',
    );
  });

  it('refuses to approve it again: 409 naming the id, and no second request', async () => {
    const before = sandbox.admin.requests().length;
    const again = await post(`/api/v1/approvals/${approved.id}/approve`, {});
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({ code: 'HR_APPROVAL_DECIDED', field: 'id' });
    expect(errorOf(again).message).toContain('EXECUTED');
    const deny = await post(`/api/v1/approvals/${approved.id}/deny`, { reason: 'too late' });
    expect(deny.status).toBe(409);
    expect(sandbox.admin.requests()).toHaveLength(before);
  });

  it('refuses a denial without a reason, naming reason, and leaves the approval pending', async () => {
    denied = await propose(ctx, 1);
    for (const body of [{}, { reason: '' }, { reason: '   ' }]) {
      const answer = await post(`/api/v1/approvals/${denied.id}/deny`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(answer), JSON.stringify(body)).toMatchObject({
        code: 'HR_API_INVALID',
        field: 'reason',
      });
    }
    const long = await post(`/api/v1/approvals/${denied.id}/deny`, { reason: 'x'.repeat(501) });
    expect(long.status).toBe(400);
    expect(errorOf(long)).toMatchObject({ field: 'reason' });
    expect((await ctx.store.getApproval(denied.id))?.status).toBe('PENDING');
  });

  it('denies with a reason: DENIED, recorded with who and why, and nothing filed', async () => {
    const before = sandbox.admin.requests().length;
    const { user } = (await get<Session>('/api/v1/session')).body;
    const { status, body } = await post<ApprovalResponse>(`/api/v1/approvals/${denied.id}/deny`, {
      reason: 'staging does not need it',
    });
    expect(status).toBe(200);
    expect(body.approval).toMatchObject({
      id: denied.id,
      status: 'DENIED',
      decidedBy: `${user} (dashboard)`,
      decisionReason: 'staging does not need it',
      requestId: null,
    });
    expect(sandbox.admin.requests()).toHaveLength(before);
    const listed = await get<ApprovalsResponse>('/api/v1/approvals?status=DENIED');
    expect(listed.body.approvals.map((a) => a.id)).toContain(denied.id);
  });

  it('marks an approval past its expiry EXPIRED, and refuses to approve it', async () => {
    const old = await propose(ctx, 2, {
      createdAt: new Date(Date.now() - 48 * HOUR_MS),
      expiresAt: new Date(Date.now() - HOUR_MS),
    });
    const one = await get<ApprovalResponse>(`/api/v1/approvals/${old.id}`);
    expect(one.body.approval).toMatchObject({ status: 'EXPIRED', decidedBy: 'engine' });
    const answer = await post(`/api/v1/approvals/${old.id}/approve`, {});
    expect(answer.status).toBe(409);
    expect(errorOf(answer).code).toBe('HR_APPROVAL_DECIDED');
  });

  it('answers 404 naming the id for an approval that does not exist, 400 for one that cannot', async () => {
    const unknown = 'ap-000000000000';
    for (const answer of [
      await get(`/api/v1/approvals/${unknown}`),
      await post(`/api/v1/approvals/${unknown}/approve`, {}),
      await post(`/api/v1/approvals/${unknown}/deny`, { reason: 'no such thing' }),
    ]) {
      expect(answer.status).toBe(404);
      expect(errorOf(answer)).toMatchObject({ code: 'HR_APPROVAL_NOT_FOUND', field: 'id' });
    }
    const bad = await get('/api/v1/approvals/ap_%3Cscript%3E');
    expect(bad.status).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: 'HR_API_INVALID', field: 'id' });
  });

  it('lists the audit entries of each decision, newest last, by kind and limit', async () => {
    const all = await get<AuditResponse>('/api/v1/audit?limit=5000');
    expect(all.status).toBe(200);
    const seqs = all.body.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(all.body.head).toEqual({ seq: seqs.at(-1), hash: all.body.entries.at(-1)?.hash });

    const about = (id: string) =>
      all.body.entries
        .filter((e) => e.subject === id || e.data.approval === id)
        .map((e) => [e.kind, e.data.status]);
    expect(about(approved.id)).toEqual([
      ['approval', 'APPROVED'],
      ['action', 'EXECUTED'],
    ]);
    expect(about(denied.id)).toEqual([['approval', 'DENIED']]);
    const denial = all.body.entries.find((e) => e.subject === denied.id);
    expect(denial?.actor).toMatch(/ \(dashboard\)$/);
    expect(denial?.summary).toContain('staging does not need it');

    const approvals = await get<AuditResponse>('/api/v1/audit?kind=approval');
    expect(approvals.body.entries.length).toBeGreaterThanOrEqual(3);
    expect(approvals.body.entries.every((e) => e.kind === 'approval')).toBe(true);
    const last = await get<AuditResponse>('/api/v1/audit?limit=1');
    expect(last.body.entries).toEqual([all.body.entries.at(-1)]);
    const future = await get<AuditResponse>(
      `/api/v1/audit?since=${new Date(Date.now() + HOUR_MS).toISOString()}`,
    );
    expect(future.body.entries).toEqual([]);
  });

  it('refuses an audit query it cannot answer, naming the field', async () => {
    for (const [query, field] of [
      ['limit=5001', 'limit'],
      ['limit=0', 'limit'],
      ['kind=approval,gossip', 'kind'],
      ['since=yesterday', 'since'],
    ] as const) {
      const answer = await get(`/api/v1/audit?${query}`);
      expect(answer.status, query).toBe(400);
      expect(errorOf(answer), query).toMatchObject({ code: 'HR_API_INVALID', field });
    }
  });

  it('verifies the chain: ok, every entry, up to the recorded head', async () => {
    const { status, body } = await get<AuditVerifyResponse>('/api/v1/audit/verify');
    expect(status).toBe(200);
    const head = (await get<AuditResponse>('/api/v1/audit?limit=1')).body.head;
    expect(body).toEqual({ ok: true, entries: head?.seq, head, break: null });
    expect(body.entries).toBeGreaterThanOrEqual(4);
  });
});

describe('events over the API: POST /api/v1/events', () => {
  const eventsOf = async () => (await get<AuditResponse>('/api/v1/audit?kind=event&limit=5000')).body.entries;

  it('handles a scaling event under the rules and records it accepted, with the caller', async () => {
    const row = candidates[5];
    const quota = `${row?.serviceCode ?? ''}/${row?.quotaCode ?? ''}`;
    const before = sandbox.admin.requests().length;
    const event = {
      version: '0',
      id: 'api-scaling-1',
      source: 'com.example.deploy',
      'detail-type': 'Infrastructure Scaling',
      detail: { target: `${staging.name}:us-east-1`, direction: 'up', factor: 2, quotas: [quota] },
    };
    const dry = await post<EventResultJson>('/api/v1/events?dryRun=true', event);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ id: 'api-scaling-1', type: 'Infrastructure Scaling', dryRun: true });
    expect((await eventsOf()).some((e) => e.subject === 'api-scaling-1')).toBe(false);

    const { status, body } = await post<EventResultJson>('/api/v1/events', event);
    expect(status).toBe(200);
    // No rule is configured: the built-in level, monitor_only, records the raise and files nothing.
    expect(body.actions).toEqual([
      expect.objectContaining({ quota, outcome: 'recorded', requestId: null, approvalId: null }),
    ]);
    expect(body.actions[0]?.message).toContain(`${row?.destination?.value ?? '?'} → `);
    expect(sandbox.admin.requests()).toHaveLength(before);
    const recorded = (await eventsOf()).filter((e) => e.subject === 'api-scaling-1');
    expect(recorded.map((e) => e.data.status)).toEqual(['accepted']);
    expect(recorded[0]?.actor).toMatch(/^event:.+ \(unauthenticated\)$/);
  });

  it('refuses a bad event with 400 naming the field, and records each as rejected', async () => {
    const scaling = (detail: Record<string, unknown>) => ({
      source: 'com.example.deploy',
      'detail-type': 'Infrastructure Scaling',
      detail: { target: `${staging.name}:us-east-1`, direction: 'up', factor: 2, ...detail },
    });
    const cases: [string, unknown, string, string][] = [
      ['not JSON', 'this is not json', 'body', 'HR_EVENT_INVALID'],
      [
        'an unknown type',
        { source: 's', 'detail-type': 'Quota Exploded', detail: {} },
        'detail-type',
        'HR_EVENT_INVALID',
      ],
      [
        'no source',
        { 'detail-type': 'DR Failback', detail: { primary: 'a:us-east-1', dr: 'b:us-east-1' } },
        'source',
        'HR_EVENT_INVALID',
      ],
      [
        'a factor of 1',
        scaling({ factor: 1, quotas: ['ec2/L-1216C47A'] }),
        'detail.factor',
        'HR_EVENT_INVALID',
      ],
      [
        'an unknown field',
        scaling({ quotas: ['ec2/L-1216C47A'], size: 3 }),
        'detail.size',
        'HR_EVENT_INVALID',
      ],
      ['no quotas or services', scaling({}), 'detail.quotas', 'HR_EVENT_INVALID'],
      [
        'an unknown target',
        {
          ...scaling({ quotas: ['ec2/L-1216C47A'] }),
          detail: { target: 'nosuch:us-east-1', direction: 'up', factor: 2, quotas: ['ec2/L-1216C47A'] },
        },
        'detail.target',
        'HR_EVENT_INVALID',
      ],
      [
        'a quota the target lacks',
        scaling({ quotas: ['ec2/L-00000000'] }),
        'detail.quotas',
        'HR_EVENT_INVALID',
      ],
      [
        'a failover onto itself',
        {
          source: 's',
          'detail-type': 'DR Failover',
          detail: { primary: `${staging.name}:us-east-1`, dr: `${staging.id}:us-east-1` },
        },
        'detail.dr',
        'HR_EVENT_INVALID',
      ],
    ];
    const before = await eventsOf();
    for (const [what, body, field, code] of cases) {
      const { csrfToken } = (await get<Session>('/api/v1/session')).body;
      const answer = await get('/api/v1/events', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(answer.status, what).toBe(400);
      expect(errorOf(answer), what).toMatchObject({ code, field });
      expect(errorOf(answer).message, what).toContain(field);
    }
    const added = (await eventsOf()).slice(before.length);
    expect(added.map((e) => [e.data.status, e.data.field])).toEqual(
      cases.map(([, , field]) => ['rejected', field]),
    );
    expect(added[0]?.data.input).toBe('this is not json');
  });

  it('refuses a dryRun that is not true or false, recording nothing', async () => {
    const before = (await eventsOf()).length;
    const answer = await post('/api/v1/events?dryRun=maybe', { source: 's' });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: 'HR_API_INVALID', field: 'dryRun' });
    expect(await eventsOf()).toHaveLength(before);
  });

  it('refuses an event without the CSRF token, recording nothing', async () => {
    const before = (await eventsOf()).length;
    const answer = await get('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 's' }),
    });
    expect(answer.status).toBe(403);
    expect(await eventsOf()).toHaveLength(before);
  });
});

describe('approvals with serve.auth: the approver is who signed in', () => {
  const TOKEN = 'serve-approvals-test-token-0123456789';
  const PASSWORD = 'correct horse';
  let authCtx: Context;
  let guarded: RunningServe;
  const basic = `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`;
  const at = <T>(path: string, init: RequestInit = {}) => call<T>(guarded.url, path, init);

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
  }, 120_000);
  afterAll(async () => {
    await guarded.stop();
    await authCtx.close();
  });

  it('records the basic user as the approver (the CSRF token still needed)', async () => {
    const approval = await propose(authCtx, 3);
    const path = `/api/v1/approvals/${approval.id}/approve`;
    const headers = { authorization: basic, 'content-type': 'application/json' };
    const refused = await at(path, { method: 'POST', headers, body: '{}' });
    expect(refused.status).toBe(403);
    const { csrfToken } = (await at<Session>('/api/v1/session', { headers: { authorization: basic } })).body;
    const before = sandbox.admin.requests().length;
    const { status, body } = await at<ApproveResponse>(path, {
      method: 'POST',
      headers: { ...headers, 'x-csrf-token': csrfToken },
      body: '{}',
    });
    expect(status).toBe(200);
    expect(body.approval).toMatchObject({ status: 'EXECUTED', decidedBy: 'ops', decisionReason: null });
    expect(sandbox.admin.requests()).toHaveLength(before + 1);
    const entries = (
      await at<AuditResponse>('/api/v1/audit?kind=approval', { headers: { authorization: basic } })
    ).body.entries;
    expect(entries.find((e) => e.subject === approval.id)?.actor).toBe('ops');
  });

  it("records a bearer token's caller as `token`, with no CSRF token needed", async () => {
    const approval = await propose(authCtx, 4);
    const { status, body } = await at<ApprovalResponse>(`/api/v1/approvals/${approval.id}/deny`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'covered by the reserved capacity' }),
    });
    expect(status).toBe(200);
    expect(body.approval).toMatchObject({ status: 'DENIED', decidedBy: 'token' });
  });

  it('refuses the approvals and the audit trail without credentials', async () => {
    expect((await at('/api/v1/approvals')).status).toBe(401);
    expect((await at('/api/v1/audit')).status).toBe(401);
    expect((await at('/api/v1/audit/verify')).status).toBe(401);
  });
});
