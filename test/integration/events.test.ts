/**
 * Events end to end, as a user sends them: `headroom event send` (a child process, from source)
 * against one sandbox started here, with a real headroom.yaml. The sandbox's requests are the
 * oracle for what a failover or a scaling event filed; `headroom replicate` for what a failover
 * should file; the audit trail for what was accepted and rejected.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/domain/audit.js';
import type { Plan } from '../../src/domain/plan.js';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { headroomIn, type ProcessResult } from '../helpers/aws-cli.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';

interface EventResultJson {
  id: string;
  type: string;
  summary: string;
  planId: string | null;
  actions: { target: string; quota: string | null; outcome: string; requestId: string | null }[];
}

let sandbox: Sandbox;
let dir: string;
let management: AccountInfo;
let production: AccountInfo;
let staging: AccountInfo;

function headroom(args: readonly string[]): Promise<ProcessResult> {
  return headroomIn(dir, management, args, { env: { HEADROOM_USER: 'dr-drill' }, timeoutMs: 90_000 });
}

async function ok(args: readonly string[]): Promise<ProcessResult> {
  const result = await headroom(args);
  expect(result.code, `headroom ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

async function send(name: string, event: unknown): Promise<ProcessResult> {
  await writeFile(join(dir, name), JSON.stringify(event));
  return headroom(['event', 'send', name, '--format', 'json']);
}

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: 3, regions: ['us-east-1'], throttle: 'aws' });
  ({ management, production, staging } = sandboxAccounts(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'headroom-events-'));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'aws-config'), '');
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, {
      regions: ['us-east-1'],
      services: ['ec2'],
      extra: [
        'rules:',
        '  - name: compute',
        '    match: {services: [ec2]}',
        '    level: auto_approve',
        // The sandbox's small counts are what there is to spike here.
        'engine:',
        '  spikes: {minBaseline: 1}',
      ],
    }),
  );
  await ok(['collect']);
}, 120_000);

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a DR failover', () => {
  it('files exactly the replicate plan: the same quotas and values, under the same caps', async () => {
    const planned = JSON.parse(
      (
        await ok([
          'replicate',
          `${production.name}:us-east-1`,
          `${staging.name}:us-east-1`,
          '--service',
          'ec2',
        ])
      ).stdout,
    ) as Plan;
    expect(planned.items.length).toBeGreaterThan(0);
    const result = await send('failover.json', {
      version: '0',
      id: 'dr-drill-1',
      source: 'com.example.dr',
      'detail-type': 'DR Failover',
      detail: { primary: `${production.name}:us-east-1`, dr: `${staging.name}:us-east-1`, services: ['ec2'] },
    });
    expect(result.code, result.stderr).toBe(0);
    const [handled] = JSON.parse(result.stdout) as EventResultJson[];
    expect(handled?.actions.map((a) => a.quota)).toEqual(
      planned.items.map((i) => `${i.serviceCode}/${i.quotaCode}`),
    );
    const filed = sandbox.admin.requests().filter((r) => r.accountId === staging.id);
    const filedActions = handled?.actions.filter((a) => a.outcome === 'filed') ?? [];
    expect(filed).toHaveLength(filedActions.length);
    expect(filed.length).toBeGreaterThan(0);
    for (const request of filed) {
      const item = planned.items.find(
        (i) => i.serviceCode === request.serviceCode && i.quotaCode === request.quotaCode,
      );
      expect(request.desiredValue).toBe(item?.desiredValue);
    }
    // What AWS's caps hold back is queued, as apply queues it.
    expect(handled?.actions.every((a) => ['filed', 'queued'].includes(a.outcome))).toBe(true);
  });

  it('sent again, files nothing more', async () => {
    const before = sandbox.admin.requests().length;
    const again = await send('failover.json', {
      source: 'com.example.dr',
      'detail-type': 'DR Failover',
      detail: { primary: `${production.name}:us-east-1`, dr: `${staging.name}:us-east-1`, services: ['ec2'] },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(sandbox.admin.requests()).toHaveLength(before);
  });

  it('a failback restores nothing and lists what the failovers raised', async () => {
    const before = sandbox.admin.requests().length;
    const result = await send('failback.json', {
      source: 'com.example.dr',
      'detail-type': 'DR Failback',
      detail: { primary: `${production.name}:us-east-1`, dr: `${staging.name}:us-east-1` },
    });
    expect(result.code, result.stderr).toBe(0);
    const [handled] = JSON.parse(result.stdout) as EventResultJson[];
    expect(handled?.summary).toMatch(/nothing restored; \d+ raises from 2 failovers stay/);
    expect(handled?.actions.length).toBeGreaterThan(0);
    expect(handled?.actions.every((a) => a.outcome === 'kept')).toBe(true);
    expect(sandbox.admin.requests()).toHaveLength(before);
  });
});

describe('infrastructure scaling', () => {
  it('pre-raises the named quota by the factor, as its rule allows', async () => {
    const quotas = JSON.parse(
      (await ok(['quotas', '--target', `${management.name}:us-east-1`, '--adjustable', '--format', 'json']))
        .stdout,
    ) as { serviceCode: string; quotaCode: string; limit: number | null }[];
    const chosen = quotas.find((q) => q.limit !== null && q.limit >= 10 && q.limit <= 90);
    if (!chosen) throw new Error('no quota to scale');
    const key = `${chosen.serviceCode}/${chosen.quotaCode}`;
    const result = await send('scale.json', {
      source: 'com.example.deploy',
      'detail-type': 'Infrastructure Scaling',
      detail: { target: `${management.name}:us-east-1`, direction: 'up', factor: 2, quotas: [key] },
    });
    expect(result.code, result.stderr).toBe(0);
    const [handled] = JSON.parse(result.stdout) as EventResultJson[];
    expect(handled?.actions.map((a) => [a.quota, a.outcome])).toEqual([[key, 'filed']]);
    const filed = sandbox.admin
      .requests()
      .filter((r) => r.accountId === management.id && r.quotaCode === chosen.quotaCode);
    expect(filed.map((r) => r.desiredValue)).toEqual([(chosen.limit ?? 0) * 2]);
  });

  it('scaling down never lowers anything', async () => {
    const before = sandbox.admin.requests().length;
    const result = await send('down.json', {
      source: 'com.example.deploy',
      'detail-type': 'Infrastructure Scaling',
      detail: { target: `${management.name}:us-east-1`, direction: 'down', factor: 2, services: ['ec2'] },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('headroom never lowers a quota');
    expect(sandbox.admin.requests()).toHaveLength(before);
  });
});

describe('bad events: one line naming the field, exit 2, recorded as rejected', () => {
  it.each([
    [
      'an unknown type',
      { source: 'x', 'detail-type': 'Quota Party', detail: {} },
      /detail-type must be one of Quota Threshold Exceeded, /,
    ],
    [
      'a missing field',
      { source: 'x', 'detail-type': 'DR Failover', detail: { primary: 'prod:us-east-1' } },
      /detail\.dr is missing/,
    ],
    [
      'a factor of 1',
      {
        source: 'x',
        'detail-type': 'Infrastructure Scaling',
        detail: { target: 'prod:us-east-1', direction: 'up', factor: 1, services: ['ec2'] },
      },
      /detail\.factor must be above 1/,
    ],
    [
      'a field no event has',
      {
        source: 'x',
        'detail-type': 'DR Failback',
        detail: { primary: 'a:us-east-1', dr: 'b:us-east-1', force: true },
      },
      /detail\.force is not a field of this event/,
    ],
  ])('%s', async (_what, event, expected) => {
    const before = sandbox.admin.requests().length;
    const result = await send('bad.json', event);
    expect(result.code).toBe(2);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error HR_EVENT_INVALID: event ev-[0-9a-f]{12}: /);
    expect(errors[0]).toMatch(expected);
    expect(sandbox.admin.requests()).toHaveLength(before);
    const rejected = (
      JSON.parse((await ok(['audit', '--kind', 'event', '--format', 'json'])).stdout) as AuditEntry[]
    ).at(-1);
    expect(rejected?.data.status).toBe('rejected');
  });

  it('not JSON', async () => {
    await writeFile(join(dir, 'bad.txt'), 'detail-type: DR Failover');
    const result = await headroom(['event', 'send', 'bad.txt']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error HR_EVENT_INVALID: bad\.txt is not JSON \(/m);
    const rejected = (
      JSON.parse((await ok(['audit', '--kind', 'event', '--format', 'json'])).stdout) as AuditEntry[]
    ).at(-1);
    expect(rejected?.data).toMatchObject({
      status: 'rejected',
      field: 'body',
      input: 'detail-type: DR Failover',
    });
  });
});

describe('a usage spike', () => {
  it('is found by the engine pass in what the sandbox reported, as a high Quota Usage Spike event, once', async () => {
    const target = `${production.name}:us-east-1`;
    const rows = JSON.parse((await ok(['quotas', '--target', target, '--format', 'json'])).stdout) as {
      serviceCode: string;
      quotaCode: string;
      usage: number | null;
      usageSource: string | null;
      utilization: number | null;
      global: boolean;
    }[];
    // A quota CloudWatch reports, in use but low enough that five times its usage stays under
    // its limit (the sandbox caps a series there, as AWS would).
    const chosen = rows.find(
      (r) =>
        r.usageSource === 'cloudwatch' &&
        !r.global &&
        r.quotaCode !== 'L-1216C47A' &&
        (r.usage ?? 0) >= 2 &&
        (r.utilization ?? 1) < 0.15,
    );
    if (!chosen) throw new Error('no quota low enough to spike');
    const key = `${chosen.serviceCode}/${chosen.quotaCode}`;
    // Three more readings at the usual level: the baseline.
    for (let i = 0; i < 3; i++) await ok(['collect', '--refresh', '--target', target]);
    const quiet = JSON.parse((await ok(['engine', 'run', '--format', 'json'])).stdout) as {
      spikes: { spike: { event: { detail: { quota: string } } } }[];
    };
    expect(quiet.spikes.map((s) => s.spike.event.detail.quota)).not.toContain(key);

    // The sandbox's series runs five times higher from ten minutes ago, for twenty minutes.
    sandbox.admin.surge(production.id, 'us-east-1', key, { factor: 5, minutes: 20, startedMinutesAgo: 10 });
    await ok(['collect', '--refresh', '--target', target]);
    const spiked = (
      JSON.parse((await ok(['quotas', '--target', target, '--format', 'json'])).stdout) as typeof rows
    ).find((r) => `${r.serviceCode}/${r.quotaCode}` === key);

    interface SpikeRun {
      spikes: {
        spike: {
          spike: { ratio: number; severity: string };
          event: { id: string; source: string; 'detail-type': string; detail: Record<string, unknown> };
        };
        result: { id: string; summary: string } | null;
      }[];
    }
    const run = await ok(['engine', 'run', '--format', 'json']);
    const found = (JSON.parse(run.stdout) as SpikeRun).spikes.find((s) => s.spike.event.detail.quota === key);
    expect(found?.spike.event).toMatchObject({
      source: 'headroom.engine',
      'detail-type': 'Quota Usage Spike',
      detail: { target: `${production.id}:us-east-1`, quota: key, usage: spiked?.usage, severity: 'high' },
    });
    const baseline = found?.spike.event.detail.baseline as number;
    expect(spiked?.usage ?? 0).toBeGreaterThanOrEqual(3 * baseline);
    expect(found?.spike.spike.ratio).toBeCloseTo((spiked?.usage ?? 0) / Math.max(baseline, 1), 6);
    expect(found?.result?.id).toBe(found?.spike.event.id);
    const recorded = (
      JSON.parse((await ok(['audit', '--kind', 'event', '--format', 'json'])).stdout) as AuditEntry[]
    ).filter((e) => e.subject === found?.spike.event.id);
    expect(recorded.map((e) => e.data.status)).toEqual(['accepted']);

    // The next pass sees the same reading: the same spike, not a new event.
    const again = await ok(['engine', 'run']);
    expect(again.stdout).toContain(`event ${found?.spike.event.id ?? '?'} handled before`);
    const after = (
      JSON.parse((await ok(['audit', '--kind', 'event', '--format', 'json'])).stdout) as AuditEntry[]
    ).filter((e) => e.subject === found?.spike.event.id);
    expect(after).toHaveLength(1);
  }, 180_000);
});
