/**
 * The EC2 and EBS usage counters against the sandbox through an AwsSession, pages of 2: every
 * value equal to what the test computes from the seeded resources (instances as they run at the
 * held-still minute), the non-Standard vCPU families and snapshots equal to the usage CloudWatch
 * reports, exactly the pages needed; and the counters inside a sweep: counted samples fill what
 * CloudWatch has no value for, say so, and a failing counter is recorded without stopping the rest.
 */
import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/collect/sweep.js';
import type { Target } from '../../src/domain/target.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type Ec2Resources, INSTANCE_TYPES } from '../../src/sandbox/services/ec2/resources.js';
import { ebsCounter } from '../../src/services/ebs.js';
import { ec2Counter, instanceFamily, onDemandQuotaOf } from '../../src/services/ec2.js';
import type { UsageCount } from '../../src/services/service.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { counterSandbox, targetQuotas } from '../helpers/counting.js';
import { sandboxTargets } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const frozen = Date.now();

const counter = counterSandbox({ pageSize: 2, throttle: 'off', wallClock: () => frozen });
const sandbox = counter.sandbox;

const targets = (): Target[] => sandboxTargets(sandbox, REGIONS);

const seeded = (t: Target) => sandbox.admin.resources('ec2', t.accountId, t.region) as Ec2Resources;
const vcpus = (type: string) => INSTANCE_TYPES.find((t) => t.name === type)?.vcpus ?? Number.NaN;
const sorted = (counts: readonly UsageCount[]) =>
  [...counts].sort(
    (a, b) => a.quotaCode.localeCompare(b.quotaCode) || (a.resource ?? '').localeCompare(b.resource ?? ''),
  );

describe('family of an instance type', () => {
  it.each([
    ['m5.large', 'm', 'L-1216C47A'],
    ['t2.micro', 't', 'L-1216C47A'],
    ['z1d.large', 'z', 'L-1216C47A'],
    ['g4dn.xlarge', 'g', 'L-DB2E81BA'],
    ['vt1.3xlarge', 'vt', 'L-DB2E81BA'],
    ['inf2.xlarge', 'inf', 'L-1945791B'],
    ['trn1.2xlarge', 'trn', 'L-2C3B7624'],
    ['dl1.24xlarge', 'dl', 'L-6E869C2A'],
    ['hpc6a.48xlarge', 'hpc', 'L-F7808C92'],
    ['u-6tb1.metal', 'u', 'L-43DA4232'],
    ['x2idn.16xlarge', 'x', 'L-7295265B'],
    ['p4d.24xlarge', 'p', 'L-417A185B'],
    ['f1.2xlarge', 'f', 'L-74FC7D96'],
    ['mac1.metal', 'mac', undefined],
  ])('%s is family %s, quota %s', (type, family, quota) => {
    expect(instanceFamily(type)).toBe(family);
    expect(onDemandQuotaOf(type)).toBe(quota);
  });
});

describe('EC2 counter', () => {
  it('counts running On-Demand vCPUs by family and VPC Elastic IPs in every target, as seeded', async () => {
    for (const target of targets()) {
      const quotas = await targetQuotas(sandbox, target, 'ec2');
      const has = new Set(quotas.map((q) => q.quotaCode));
      const byQuota = new Map<string, number>();
      for (const i of sandbox.admin.instancesNow(target.accountId, target.region)) {
        if (i.state !== 'running' || i.spot) continue;
        const code = onDemandQuotaOf(i.instanceType) ?? 'none';
        byQuota.set(code, (byQuota.get(code) ?? 0) + vcpus(i.instanceType));
      }
      const expected = [
        ...ec2Counter.quotas
          .filter((q) => q.quotaCode !== 'L-0263D0A3' && has.has(q.quotaCode))
          .map((q) => ({ quotaCode: q.quotaCode, value: byQuota.get(q.quotaCode) ?? 0 })),
        ...(has.has('L-0263D0A3')
          ? [
              {
                quotaCode: 'L-0263D0A3',
                value: seeded(target).addresses.filter((a) => a.domain === 'vpc').length,
              },
            ]
          : []),
      ];
      const counted = await ec2Counter.findUsage({ target, session: counter.session, quotas });
      expect(sorted(counted), `${target.accountId}:${target.region}`).toEqual(sorted(expected));
      // The families other than Standard agree with CloudWatch (a flat series of what runs).
      for (const c of counted.filter((c) => c.quotaCode !== 'L-1216C47A' && c.quotaCode !== 'L-0263D0A3')) {
        const reported = sandbox.admin.resourceUsage(target.accountId, target.region, `ec2/${c.quotaCode}`);
        if (reported !== undefined) expect(c.value, c.quotaCode).toBe(reported);
      }
    }
  });

  it('reads every page of DescribeInstances and one DescribeInstanceTypes page per 2 types, and one DescribeAddresses', async () => {
    const target = { accountId: sandbox.admin.accounts()[0]?.id ?? '', region: 'us-east-1' };
    const quotas = await targetQuotas(sandbox, target, 'ec2');
    const running = sandbox.admin
      .instancesNow(target.accountId, target.region)
      .filter((i) => i.state === 'running');
    const types = new Set(running.filter((i) => !i.spot).map((i) => i.instanceType));
    sandbox.admin.resetCalls();
    await ec2Counter.findUsage({ target, session: counter.session, quotas });
    expect(sandbox.admin.callTotal({ operation: 'DescribeInstances' })).toBe(
      Math.max(1, Math.ceil(running.length / 2)),
    );
    expect(sandbox.admin.callTotal({ operation: 'DescribeInstanceTypes' })).toBe(Math.ceil(types.size / 2));
    expect(sandbox.admin.callTotal({ operation: 'DescribeAddresses' })).toBe(1);
  });

  it('lets an access denial through instead of counting 0', async () => {
    const target = { accountId: sandbox.admin.accounts()[0]?.id ?? '', region: 'us-east-1' };
    const quotas = await targetQuotas(sandbox, target, 'ec2');
    sandbox.admin.configure({ denials: [{ operation: 'DescribeAddresses' }] });
    try {
      await expect(ec2Counter.findUsage({ target, session: counter.session, quotas })).rejects.toMatchObject({
        name: 'UnauthorizedOperation',
      });
    } finally {
      sandbox.admin.configure({ denials: [] });
    }
  });
});

describe('EBS counter', () => {
  it('counts TiB and IOPS per volume type, snapshots, and archived snapshots per volume, as seeded', async () => {
    const storage: Record<string, string> = {
      gp2: 'L-D18FCD1D',
      gp3: 'L-7A658B76',
      io1: 'L-FD252861',
      io2: 'L-09BD8365',
      st1: 'L-82ACEF56',
      sc1: 'L-17AF77E8',
      standard: 'L-9CF3C2EB',
    };
    const iops: Record<string, string> = { io1: 'L-B3A130E6', io2: 'L-8D977E7E' };
    for (const target of targets()) {
      const quotas = await targetQuotas(sandbox, target, 'ebs');
      const has = new Set(quotas.map((q) => q.quotaCode));
      const resources = seeded(target);
      const expected: UsageCount[] = [];
      for (const [type, code] of Object.entries(storage)) {
        const gib = resources.volumes.filter((v) => v.volumeType === type).reduce((n, v) => n + v.sizeGiB, 0);
        if (has.has(code)) expected.push({ quotaCode: code, value: gib / 1024 });
      }
      for (const [type, code] of Object.entries(iops)) {
        const total = resources.volumes
          .filter((v) => v.volumeType === type)
          .reduce((n, v) => n + (v.iops ?? 0), 0);
        if (has.has(code)) expected.push({ quotaCode: code, value: total });
      }
      if (has.has('L-309BACF6'))
        expected.push({ quotaCode: 'L-309BACF6', value: resources.snapshots.length });
      const archived = new Map<string, number>();
      for (const s of resources.snapshots.filter((s) => s.storageTier === 'archive')) {
        archived.set(s.volumeId, (archived.get(s.volumeId) ?? 0) + 1);
      }
      if (has.has('L-E20676C1')) {
        for (const [volumeId, value] of archived)
          expected.push({ quotaCode: 'L-E20676C1', value, resource: volumeId });
      }
      const counted = await ebsCounter.findUsage({ target, session: counter.session, quotas });
      expect(sorted(counted), `${target.accountId}:${target.region}`).toEqual(sorted(expected));
      const snapshots = counted.find((c) => c.quotaCode === 'L-309BACF6');
      if (snapshots) {
        expect(snapshots.value).toBe(
          sandbox.admin.resourceUsage(target.accountId, target.region, 'ebs/L-309BACF6'),
        );
      }
    }
  });
});

describe('counters in a sweep', () => {
  it('fill what CloudWatch has no value for, say so, keep per-resource values, and fail alone', async () => {
    const store = await openSqliteStore(':memory:');
    const target = { accountId: sandbox.admin.accounts()[0]?.id ?? '', region: 'us-east-1' };
    const options = {
      targets: [{ target, accountName: null }],
      filter: { include: ['ec2', 'ebs'], exclude: [] },
      limitsTtlMs: 0,
      usageTtlMs: 0,
      refresh: true,
      usage: { source: 'cloudwatch' as const, windowMs: 3_600_000, periodSeconds: 60 },
      logger: silentLogger(),
    };
    try {
      const result = await sweep(counter.session, store, options);
      const collectors = result.targets[0]?.collectors.map((c) => [c.collector, c.success]);
      expect(collectors).toEqual(
        expect.arrayContaining([
          ['limits', true],
          ['usage', true],
          ['ec2', true],
          ['ebs', true],
        ]),
      );
      const usage = await store.latestUsageSnapshot(target);
      const samples = usage?.samples ?? [];
      // CloudWatch gave the Standard vCPUs: one sample, from CloudWatch.
      const standard = samples.filter((s) => s.quotaCode === 'L-1216C47A');
      expect(standard.map((s) => s.source)).toEqual([undefined]);
      // Elastic IPs have no usage metric: counted, and saying so.
      const eips = samples.filter((s) => s.quotaCode === 'L-0263D0A3');
      expect(eips).toEqual([
        expect.objectContaining({ source: 'counter', value: seeded(target).addresses.length }),
      ]);
      expect(
        samples.filter((s) => s.quotaCode === 'L-D18FCD1D' || s.quotaCode === 'L-7A658B76'),
      ).toHaveLength(2);

      sandbox.admin.configure({ denials: [{ operation: 'DescribeVolumes' }] });
      const failed = await sweep(counter.session, store, options);
      const outcome = failed.targets[0];
      expect(outcome?.collectors.find((c) => c.collector === 'ebs')).toMatchObject({
        success: false,
        error: { scope: 'service', serviceCode: 'ebs', code: 'UnauthorizedOperation' },
      });
      expect(outcome?.collectors.find((c) => c.collector === 'ec2')?.success).toBe(true);
      expect(outcome?.complete).toBe(false);
      const after = await store.latestUsageSnapshot(target);
      expect(after?.complete).toBe(false);
      expect(after?.samples.some((s) => s.quotaCode === 'L-0263D0A3')).toBe(true);
      expect(after?.samples.some((s) => s.quotaCode === 'L-7A658B76')).toBe(false);
    } finally {
      sandbox.admin.configure({ denials: [] });
      await store.close();
    }
  });
});
