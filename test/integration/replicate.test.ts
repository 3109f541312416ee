/**
 * Compare, replicate, apply and requests against the sandbox, through the same functions the CLI
 * and the HTTP API call (src/app), with a real headroom.yaml, the real SDK clients and a real
 * SQLite store. The sandbox's own state (`admin.quotaTable`, `admin.requests`) is the oracle.
 *
 * Two sandboxes: one with caps on open requests high enough that a whole plan is filed at once,
 * and one with AWS's caps (2 open requests per region) for queueing and resuming.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestServiceQuotaIncreaseCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, fleet, replicate } from '../../src/app/compare.js';
import { type Context, openContext } from '../../src/app/context.js';
import { applyPlanFile, showRequest } from '../../src/app/requests.js';
import { type CompareSummary } from '../../src/domain/compare.js';
import type { Plan } from '../../src/domain/plan.js';
import type { QuotaRequestRecord } from '../../src/domain/request.js';
import { refreshRequests, watchRequests } from '../../src/requests/track.js';
import { type AccountInfo, type QuotaTableRow, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const SERVICES = ['ec2', 'iam', 'lambda'];
/** PENDING → CASE_OPENED after 10 minutes, decided 50 minutes later (the sandbox's defaults). */
const DECIDED_AFTER_S = 60 * 60;

interface World {
  sandbox: Sandbox;
  dir: string;
  ctx: Context;
  management: AccountInfo;
  production: AccountInfo;
  staging: AccountInfo;
}

async function world(options: { perRegion?: number }): Promise<World> {
  const sandbox = await startSandbox({
    accounts: 3,
    regions: REGIONS,
    throttle: 'aws',
    ...(options.perRegion === undefined ? {} : { requestCaps: { perRegion: options.perRegion } }),
  });
  const { management, production, staging } = sandboxAccounts(sandbox);
  const dir = await mkdtemp(join(tmpdir(), 'headroom-replicate-'));
  const config = sandboxConfig(sandbox, {
    regions: REGIONS,
    services: SERVICES,
    extra: [
      ...(options.perRegion === undefined ? [] : ['requests:', `  maxOpenPerRegion: ${options.perRegion}`]),
      'aliases:',
      `  prod-dr: ${production.name}:eu-west-1`,
    ],
  });
  await writeFile(join(dir, 'headroom.yaml'), config);
  await mkdir(join(dir, 'home'));
  // The base credentials are the management account's (the SDK's default chain reads them).
  process.env.AWS_ACCESS_KEY_ID = management.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = management.secretAccessKey;
  const ctx = await openContext({
    configPath: join(dir, 'headroom.yaml'),
    env: { HEADROOM_HOME: join(dir, 'home') },
    cwd: dir,
    stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  return { sandbox, dir, ctx, management, production, staging };
}

async function close(w: World | undefined): Promise<void> {
  if (!w) return;
  await w.ctx.close();
  await w.sandbox.close();
  await rm(w.dir, { recursive: true, force: true });
}

/** The value headroom shows for a quota: the applied value, or the default where AWS lists none. */
function valueOf(row: QuotaTableRow): number {
  return row.listed && row.appliedValue !== null ? row.appliedValue : row.defaultValue;
}

/**
 * What a comparison of two targets in different accounts must say, from the sandbox's tables:
 * regional quotas from each target, global ones from each account's us-east-1.
 */
function expectedSides(
  sandbox: Sandbox,
  src: { accountId: string; region: string },
  dst: { accountId: string; region: string },
): { src: Map<string, QuotaTableRow>; dst: Map<string, QuotaTableRow> } {
  const side = (t: { accountId: string; region: string }) => {
    const regional = sandbox.admin.quotaTable(t.accountId, t.region).filter((r) => !r.global);
    const globals = sandbox.admin.quotaTable(t.accountId, 'us-east-1').filter((r) => r.global);
    return new Map(
      [...regional, ...globals]
        .filter((r) => SERVICES.includes(r.serviceCode))
        .map((r) => [`${r.serviceCode}/${r.quotaCode}`, r]),
    );
  };
  return { src: side(src), dst: side(dst) };
}

function expectedSummary(
  src: Map<string, QuotaTableRow>,
  dst: Map<string, QuotaTableRow>,
): Partial<CompareSummary> {
  let equal = 0;
  let different = 0;
  let lower = 0;
  let lowerAdjustable = 0;
  for (const [key, s] of src) {
    const d = dst.get(key);
    if (!d) continue;
    if (valueOf(s) === valueOf(d)) equal++;
    else different++;
    if (valueOf(d) < valueOf(s)) {
      lower++;
      if (d.adjustable) lowerAdjustable++;
    }
  }
  return {
    total: new Set([...src.keys(), ...dst.keys()]).size,
    equal,
    different,
    destinationLower: lower,
    destinationLowerAdjustable: lowerAdjustable,
    onlyInSource: [...src.keys()].filter((k) => !dst.has(k)).length,
    onlyInDestination: [...dst.keys()].filter((k) => !src.has(k)).length,
  };
}

async function writePlan(w: World, plan: Plan, name: string): Promise<string> {
  const file = join(w.dir, name);
  await writeFile(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}

const APPLY = { supportCases: false, requestedBy: 'alice@test' } as const;

describe('compare, replicate, apply and track, with room for every request', () => {
  let w: World;
  let plan: Plan;
  let planFile: string;
  /** Quotas whose requests AWS denied. */
  let denied: string[] = [];

  beforeAll(async () => {
    w = await world({ perRegion: 100 });
  });
  afterAll(async () => {
    await close(w);
  });

  it('compares two accounts quota by quota code, as the sandbox holds them', async () => {
    const src = { accountId: w.production.id, region: 'us-east-1' };
    const dst = { accountId: w.staging.id, region: 'us-east-1' };
    const result = await compare(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: `${w.staging.id}:us-east-1`,
      services: [],
      suppressDefaults: false,
      refresh: false,
    });
    const expected = expectedSides(w.sandbox, src, dst);
    expect(result.sameAccount).toBe(false);
    expect(result.warnings).toEqual([]);
    expect(result.comparison.summary).toMatchObject(expectedSummary(expected.src, expected.dst));
    expect(result.comparison.summary.destinationLower).toBeGreaterThan(0);
    // Every row's values are the sandbox's.
    for (const row of result.comparison.rows) {
      const key = `${row.serviceCode}/${row.quotaCode}`;
      const s = expected.src.get(key);
      const d = expected.dst.get(key);
      expect(row.source?.value ?? null, key).toBe(s ? valueOf(s) : null);
      expect(row.destination?.value ?? null, key).toBe(d ? valueOf(d) : null);
    }
    // Global quotas once each, not once per region.
    const globals = result.comparison.rows.filter((r) => r.global);
    expect(globals.length).toBe([...expected.src.values()].filter((r) => r.global).length);
    expect(globals.length).toBeGreaterThan(0);
  });

  it('leaves global quotas out between two regions of one account, and hides quotas at default', async () => {
    const all = await compare(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: 'prod-dr',
      services: ['ec2'],
      suppressDefaults: false,
      refresh: false,
    });
    expect(all.sameAccount).toBe(true);
    expect(all.comparison.rows.some((r) => r.global)).toBe(false);
    expect(all.comparison.rows.every((r) => r.serviceCode === 'ec2')).toBe(true);
    const atDefault = all.comparison.rows.filter((r) => r.atDefault).length;
    expect(atDefault).toBeGreaterThan(0);
    const suppressed = await compare(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: 'prod-dr',
      services: ['ec2'],
      suppressDefaults: true,
      refresh: false,
    });
    expect(suppressed.comparison.summary.suppressedAtDefault).toBe(atDefault);
    expect(suppressed.comparison.summary.total).toBe(all.comparison.summary.total - atDefault);
    expect(suppressed.comparison.rows.some((r) => r.atDefault)).toBe(false);
  });

  it('plans one increase per adjustable quota where the destination is lower, and nothing else', async () => {
    const made = await replicate(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: `${w.staging.name}:us-east-1`,
      services: [],
      refresh: false,
      createdBy: 'alice@test',
      reason: 'parity for the migration',
    });
    plan = made.plan;
    const lower = made.result.comparison.rows.filter((r) => r.destinationLower);
    expect(plan.items.map((i) => `${i.serviceCode}/${i.quotaCode}`)).toEqual(
      lower.map((r) => `${r.serviceCode}/${r.quotaCode}`),
    );
    for (const item of plan.items) {
      expect(item.desiredValue).toBeGreaterThan(item.destinationValue);
      expect(item.region).toBe('us-east-1');
    }
    expect(plan.items.filter((i) => i.action === 'request-increase').length).toBe(
      made.result.comparison.summary.destinationLowerAdjustable,
    );
    expect(plan.reason).toBe('parity for the migration');
    expect(plan.source.limitsAt).toBe(made.result.source.limitsAt.toISOString());
    planFile = await writePlan(w, plan, 'plan.json');
  });

  it('files nothing on a dry run', async () => {
    const { result } = await applyPlanFile(w.ctx, planFile, { ...APPLY, confirm: false });
    expect(result.dryRun).toBe(true);
    expect(new Set(result.items.map((i) => i.outcome))).toEqual(new Set(['would-file']));
    expect(w.sandbox.admin.requests()).toEqual([]);
    expect(await w.ctx.store.listRequests()).toEqual([]);
  });

  it('refuses a stale item, files exactly the rest, and records who, which plan and why', async () => {
    // Someone raises one planned quota by hand, to less than the plan asks, and AWS approves it.
    const [moved] = plan.items.filter((i) => i.action === 'request-increase');
    if (!moved) throw new Error('the plan has no increase');
    const staging = new ServiceQuotasClient({
      region: 'us-east-1',
      endpoint: w.sandbox.url,
      credentials: { accessKeyId: w.staging.accessKeyId, secretAccessKey: w.staging.secretAccessKey },
    });
    const byHand = moved.destinationValue + 1;
    await staging.send(
      new RequestServiceQuotaIncreaseCommand({
        ServiceCode: moved.serviceCode,
        QuotaCode: moved.quotaCode,
        DesiredValue: byHand,
      }),
    );
    w.sandbox.admin.advanceClock(DECIDED_AFTER_S);
    staging.destroy();

    const { result } = await applyPlanFile(w.ctx, planFile, { ...APPLY, confirm: true });
    const stale = result.items.filter((i) => i.outcome === 'stale');
    expect(stale.map((i) => i.item.quotaCode)).toEqual([moved.quotaCode]);
    expect(stale[0]?.currentValue).toBe(byHand);
    expect(stale[0]?.message).toContain(`is now ${byHand}`);

    const planned = plan.items.filter((i) => i.action === 'request-increase' && i !== moved);
    const filed = w.sandbox.admin
      .requests()
      .filter((r) => r.accountId === w.staging.id && r.status === 'PENDING');
    expect(filed.map((r) => `${r.serviceCode}/${r.quotaCode}=${r.desiredValue}`).sort()).toEqual(
      planned.map((i) => `${i.serviceCode}/${i.quotaCode}=${i.desiredValue}`).sort(),
    );
    expect(result.items.filter((i) => i.outcome === 'filed').length).toBe(planned.length);

    const recorded = await w.ctx.store.listRequests({ planId: plan.id });
    expect(recorded.length).toBe(planned.length);
    for (const r of recorded) {
      expect(r.requestedBy).toBe('alice@test');
      expect(r.reason).toBe('parity for the migration');
      expect(r.status).toBe('PENDING');
      expect(r.callerArn).toContain(w.staging.id);
      expect(filed.map((f) => f.id)).toContain(r.awsRequestId);
    }
  });

  it('files nothing on a second apply', async () => {
    const before = w.sandbox.admin.requests().length;
    const { result } = await applyPlanFile(w.ctx, planFile, { ...APPLY, confirm: true });
    expect(w.sandbox.admin.requests().length).toBe(before);
    expect(result.items.filter((i) => i.outcome === 'filed')).toEqual([]);
    expect(result.items.filter((i) => i.outcome === 'already-filed').length).toBe(
      plan.items.filter((i) => i.action === 'request-increase').length - 1,
    );
  });

  it('follows the requests PENDING → CASE_OPENED → APPROVED on the sandbox clock', async () => {
    const open = await w.ctx.store.listRequests({ planId: plan.id });
    const seen: string[] = [];
    const watched = await watchRequests(w.ctx, {
      intervalMs: 1,
      timeoutMs: 60_000,
      // Each pause moves the sandbox's clock on ten minutes instead of waiting.
      sleep: () => {
        w.sandbox.admin.advanceClock(600);
        return Promise.resolve();
      },
      onChange: (change) => seen.push(`${change.record.id}:${change.from}→${change.to}`),
    });
    expect(watched.settled).toBe(true);
    // The sandbox's rule: more than ten times the current value is denied, after its case.
    const verdict = (r: QuotaRequestRecord) =>
      r.desiredValue > 10 * Math.max(r.fromValue ?? 0, 1) ? 'DENIED' : 'APPROVED';
    expect(watched.requests.map((r) => `${r.id}:${r.status}`).sort()).toEqual(
      open.map((r) => `${r.id}:${verdict(r)}`).sort(),
    );
    expect(open.some((r) => verdict(r) === 'APPROVED')).toBe(true);
    for (const r of open) {
      expect(seen).toContain(`${r.id}:PENDING→CASE_OPENED`);
      expect(seen).toContain(`${r.id}:CASE_OPENED→${verdict(r)}`);
    }
    denied = open.filter((r) => verdict(r) === 'DENIED').map((r) => `${r.serviceCode}/${r.quotaCode}`);
    const first = open.find((r) => verdict(r) === 'APPROVED');
    if (!first) throw new Error('nothing was approved');
    const shown = await showRequest(w.ctx, first.awsRequestId ?? '', { refresh: true });
    expect(shown.events.map((e) => e.status)).toEqual(['PENDING', 'CASE_OPENED', 'APPROVED']);
    expect(shown.request.caseId).not.toBeNull();
    // Nothing is open: a refresh reads nothing.
    expect((await refreshRequests(w.ctx)).checked).toEqual([]);
  });

  it('leaves the destination matching the source', async () => {
    const after = await compare(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: `${w.staging.name}:us-east-1`,
      services: [],
      suppressDefaults: false,
      refresh: true,
    });
    const stillLower = after.comparison.rows
      .filter((r) => r.destinationLower && r.adjustable)
      .map((r) => `${r.serviceCode}/${r.quotaCode}`);
    // Only the quota raised by hand (the stale item) and those AWS denied are still below the source.
    const stale = plan.items.find((i) => i.action === 'request-increase');
    expect(stillLower.sort()).toEqual(
      [...(stale ? [`${stale.serviceCode}/${stale.quotaCode}`] : []), ...denied].sort(),
    );
  });

  it('reports a denial, names the IAM action, and records nothing', async () => {
    const dr = await replicate(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: 'prod-dr',
      services: ['lambda', 'ec2'],
      refresh: false,
      createdBy: 'bob@test',
    });
    expect(dr.plan.items.length).toBeGreaterThan(0);
    const file = await writePlan(w, dr.plan, 'dr.json');
    w.sandbox.admin.configure({ denials: [{ operation: 'RequestServiceQuotaIncrease' }] });
    try {
      const before = w.sandbox.admin.requests().length;
      const { result } = await applyPlanFile(w.ctx, file, { ...APPLY, confirm: true });
      const increases = result.items.filter((i) => i.item.action === 'request-increase');
      expect(increases.map((i) => i.outcome)).toEqual(increases.map(() => 'denied'));
      expect(increases[0]?.message).toContain('servicequotas:RequestServiceQuotaIncrease');
      expect(w.sandbox.admin.requests().length).toBe(before);
      expect(await w.ctx.store.listRequests({ planId: dr.plan.id })).toEqual([]);
    } finally {
      w.sandbox.admin.configure({ denials: [] });
    }
  });

  it('opens a Support case for a quota the API cannot raise, once', async () => {
    const row = w.sandbox.admin
      .quotaTable(w.staging.id, 'us-east-1')
      .find((r) => SERVICES.includes(r.serviceCode) && !r.adjustable && !r.global && r.listed);
    if (!row) throw new Error('no non-adjustable quota is listed');
    const made = await replicate(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: `${w.staging.name}:us-east-1`,
      services: [row.serviceCode],
      refresh: false,
      createdBy: 'carol@test',
    });
    // A reviewer adds the quota by hand: plans are files meant to be edited.
    const edited: Plan = {
      ...made.plan,
      items: [
        {
          serviceCode: row.serviceCode,
          serviceName: row.serviceCode,
          quotaCode: row.quotaCode,
          quotaName: row.quotaName,
          unit: row.unit,
          global: false,
          region: 'us-east-1',
          action: 'support-case',
          sourceValue: valueOf(row) * 2,
          destinationValue: valueOf(row),
          desiredValue: valueOf(row) * 2,
        },
      ],
    };
    const file = await writePlan(w, edited, 'case.json');
    const without = await applyPlanFile(w.ctx, file, { ...APPLY, confirm: true });
    expect(without.result.items.map((i) => i.outcome)).toEqual(['needs-case']);
    const casesBefore = w.sandbox.admin.supportCases().length;
    const withCases = await applyPlanFile(w.ctx, file, { ...APPLY, supportCases: true, confirm: true });
    expect(withCases.result.items.map((i) => i.outcome)).toEqual(['case-opened']);
    const cases = w.sandbox.admin.supportCases();
    expect(cases.length).toBe(casesBefore + 1);
    expect(cases.at(-1)?.subject).toContain(row.quotaCode);
    const again = await applyPlanFile(w.ctx, file, { ...APPLY, supportCases: true, confirm: true });
    expect(again.result.items.map((i) => i.outcome)).toEqual(['already-filed']);
    expect(w.sandbox.admin.supportCases().length).toBe(casesBefore + 1);
  });

  it('shows one quota across the fleet with its outliers', async () => {
    const result = await fleet(w.ctx, { quota: 'ec2/L-1216C47A', targets: [], refresh: false });
    expect(result.rows.length).toBe(6);
    for (const row of result.rows) {
      const table = w.sandbox.admin.quotaTable(row.accountId, row.region);
      const expected = table.find((r) => r.quotaCode === 'L-1216C47A' && r.serviceCode === 'ec2');
      expect(row.value).toBe(expected ? valueOf(expected) : null);
    }
    const [summary] = result.summaries;
    const values = result.rows.map((r) => r.value ?? 0);
    expect(summary?.outliers.length).toBe(values.filter((v) => v < (summary?.commonValue ?? 0)).length);
    // A global quota: one row per account.
    const iam = await fleet(w.ctx, { quota: 'iam/L-6E65F664', targets: [], refresh: false });
    expect(iam.rows.map((r) => r.accountId).sort()).toEqual(
      [w.management.id, w.production.id, w.staging.id].sort(),
    );
  });
});

describe("AWS's caps on open requests: queued, then resumed", () => {
  let w: World;
  beforeAll(async () => {
    w = await world({});
  });
  afterAll(async () => {
    await close(w);
  });

  it('files two per region, queues the rest, and files them as room opens', async () => {
    const made = await replicate(w.ctx, {
      source: `${w.production.name}:us-east-1`,
      destination: `${w.staging.name}:us-east-1`,
      services: ['ec2'],
      refresh: false,
      createdBy: 'alice@test',
    });
    const increases = made.plan.items.filter((i) => i.action === 'request-increase');
    expect(increases.length).toBeGreaterThan(4);
    const file = await writePlan(w, made.plan, 'plan.json');

    const dry = await applyPlanFile(w.ctx, file, { ...APPLY, confirm: false });
    expect(dry.result.items.map((i) => i.outcome)).toEqual(
      increases.map((_, n) => (n < 2 ? 'would-file' : 'would-queue')),
    );

    const first = await applyPlanFile(w.ctx, file, { ...APPLY, confirm: true });
    expect(first.result.items.map((i) => i.outcome)).toEqual(
      increases.map((_, n) => (n < 2 ? 'filed' : 'queued')),
    );
    expect(w.sandbox.admin.requests().length).toBe(2);
    expect((await w.ctx.store.listRequests({ statuses: ['QUEUED'] })).length).toBe(increases.length - 2);

    // While two are open, another run files nothing.
    const held = await applyPlanFile(w.ctx, file, { ...APPLY, confirm: true });
    expect(held.result.items.filter((i) => i.outcome === 'filed')).toEqual([]);
    expect(w.sandbox.admin.requests().length).toBe(2);

    // Once AWS decides, the next run files the next two: the queued records move on, same ids.
    let rounds = 0;
    while ((await w.ctx.store.listRequests({ statuses: ['QUEUED'] })).length > 0) {
      expect(rounds++).toBeLessThan(increases.length);
      w.sandbox.admin.advanceClock(DECIDED_AFTER_S);
      const queuedBefore = await w.ctx.store.listRequests({ statuses: ['QUEUED'] });
      const next = await applyPlanFile(w.ctx, file, { ...APPLY, confirm: true });
      const filed = next.result.items.filter((i) => i.outcome === 'filed');
      expect(filed.length).toBe(Math.min(2, queuedBefore.length));
      for (const f of filed) expect(queuedBefore.map((q) => q.id)).toContain(f.requestId);
    }
    expect(w.sandbox.admin.requests().length).toBe(increases.length);
    const recorded = await w.ctx.store.listRequests({ planId: made.plan.id });
    expect(recorded.length).toBe(increases.length);
    // A resumed request's trail shows it queued first.
    const resumed = recorded.find((r) => r.id === first.result.items[2]?.requestId);
    if (!resumed) throw new Error('the third item was not recorded');
    expect((await w.ctx.store.requestEvents(resumed.id)).map((e) => e.status).slice(0, 2)).toEqual([
      'QUEUED',
      'PENDING',
    ]);
  });
});
