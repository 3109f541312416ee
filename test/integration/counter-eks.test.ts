/**
 * The EKS usage counter against the sandbox, through an AwsSession (the management account's
 * keys, members through OrganizationAccountAccessRole) and pages of 2: every value equal to what
 * the seeded clusters hold (clusters per Region also equal to the usage CloudWatch reports),
 * exactly the list and describe calls the pages need, and access denials that propagate.
 */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/domain/target.js';
import type { EksResources } from '../../src/sandbox/services/eks/resources.js';
import { EKS_QUOTAS, clusterArn, eks } from '../../src/services/eks.js';
import type { UsageCount } from '../../src/services/service.js';
import { counterSandbox, minimalQuota, sortedCounts, targetQuotas } from '../helpers/counting.js';
import { sandboxTargets, successCallsOf, successCallsSince } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const Q = EKS_QUOTAS;
const OPERATIONS = ['ListClusters', 'ListNodegroups', 'DescribeNodegroup', 'ListFargateProfiles'] as const;

// Unthrottled: pages of 2 at AWS's pace would only be slow.
const counter = counterSandbox({ pageSize: 2, throttle: 'off' }, { denials: [] });
const sandbox = counter.sandbox;

const targets = (): Target[] => sandboxTargets(sandbox, REGIONS);

function seeded(target: Target): EksResources {
  return sandbox.admin.resources('eks', target.accountId, target.region) as EksResources;
}

const quota = (quotaCode: string) => minimalQuota('eks', quotaCode);

/** What the counter must find, computed from the seeded clusters. */
function expectedCounts(resources: EksResources): UsageCount[] {
  return [
    { quotaCode: Q.clusters, value: resources.clusters.length },
    ...resources.clusters.flatMap((c) => [
      { quotaCode: Q.nodegroupsPerCluster, value: c.nodegroups.length, resource: c.arn },
      { quotaCode: Q.fargateProfilesPerCluster, value: c.fargateProfiles.length, resource: c.arn },
      ...c.nodegroups.map((n) => ({ quotaCode: Q.nodesPerNodegroup, value: n.desiredSize, resource: n.arn })),
    ]),
  ];
}

/** Successful calls by operation so far. */
const calls = (): Record<string, number> => successCallsOf(sandbox, OPERATIONS);
const since = (before: Record<string, number>) => successCallsSince(sandbox, OPERATIONS, before);

const pages = (items: number): number => Math.max(1, Math.ceil(items / 2));

describe('the EKS counter', () => {
  it('counts every quota of every target as the seeded clusters say, in exactly the calls needed', async () => {
    let perResource = 0;
    for (const target of targets()) {
      const quotas = await targetQuotas(sandbox, target, 'eks');
      const codes = new Set(quotas.map((q) => q.quotaCode));
      for (const code of Object.values(Q)) expect(codes, code).toContain(code);
      const resources = seeded(target);
      const before = calls();

      const counted = await eks.findUsage({ target, session: counter.session, quotas });

      expect(sortedCounts(counted)).toEqual(sortedCounts(expectedCounts(resources)));
      expect(counted.find((c) => c.quotaCode === Q.clusters)?.value).toBe(
        sandbox.admin.resourceUsage(target.accountId, target.region, `eks/${Q.clusters}`),
      );
      const { clusters } = resources;
      expect(since(before)).toEqual({
        ListClusters: pages(clusters.length),
        ListNodegroups: clusters.reduce((n, c) => n + pages(c.nodegroups.length), 0),
        DescribeNodegroup: clusters.reduce((n, c) => n + c.nodegroups.length, 0),
        ListFargateProfiles: clusters.reduce((n, c) => n + pages(c.fargateProfiles.length), 0),
      });
      perResource += counted.filter((c) => c.resource !== undefined).length;
    }
    expect(perResource).toBeGreaterThan(20);
  });

  it('counts node groups near their node limit and clusters near their Fargate limit below the limit', async () => {
    let near = 0;
    for (const target of targets()) {
      const limits = new Map(
        sandbox.admin
          .quotaTable(target.accountId, target.region)
          .filter((r) => r.serviceCode === 'eks')
          .map((r) => [r.quotaCode, r.appliedValue ?? r.defaultValue]),
      );
      const nodeLimit = limits.get(Q.nodesPerNodegroup) ?? 0;
      const fargateLimit = limits.get(Q.fargateProfilesPerCluster) ?? 0;
      const resources = seeded(target);
      const nearGroups = resources.clusters.flatMap((c) =>
        c.nodegroups.filter((n) => n.desiredSize >= 0.8 * nodeLimit && n.desiredSize < nodeLimit),
      );
      const nearClusters = resources.clusters.filter(
        (c) => c.fargateProfiles.length >= 0.8 * fargateLimit && c.fargateProfiles.length < fargateLimit,
      );
      if (nearGroups.length + nearClusters.length === 0) continue;
      const counted = await eks.findUsage({
        target,
        session: counter.session,
        quotas: [quota(Q.nodesPerNodegroup), quota(Q.fargateProfilesPerCluster)],
      });
      for (const n of nearGroups)
        expect(counted.find((c) => c.resource === n.arn)?.value).toBe(n.desiredSize);
      for (const c of nearClusters) {
        expect(
          counted.find((u) => u.quotaCode === Q.fargateProfilesPerCluster && u.resource === c.arn)?.value,
        ).toBe(c.fargateProfiles.length);
      }
      near += nearGroups.length + nearClusters.length;
    }
    expect(near).toBeGreaterThan(0);
  });

  it('makes only the calls the target’s quotas need', async () => {
    const target = targets().find((t) => seeded(t).clusters.some((c) => c.nodegroups.length > 0));
    if (!target) throw new Error('no target with node groups');
    const { clusters } = seeded(target);
    const before = calls();
    const counted = await eks.findUsage({
      target,
      session: counter.session,
      quotas: [quota(Q.nodegroupsPerCluster)],
    });
    expect(counted.map((c) => c.quotaCode)).toEqual(clusters.map(() => Q.nodegroupsPerCluster));
    expect(since(before)).toEqual({
      ListClusters: pages(clusters.length),
      ListNodegroups: clusters.reduce((n, c) => n + pages(c.nodegroups.length), 0),
      DescribeNodegroup: 0,
      ListFargateProfiles: 0,
    });
  });

  it('counts 0 clusters where nothing runs, and makes no call when the target has none of its quotas', async () => {
    const target = { accountId: sandbox.admin.accounts()[2]?.id ?? '', region: 'ap-southeast-2' };
    expect(
      await eks.findUsage({ target, session: counter.session, quotas: Object.values(Q).map(quota) }),
    ).toEqual([{ quotaCode: Q.clusters, value: 0 }]);
    const before = calls();
    expect(await eks.findUsage({ target, session: counter.session, quotas: [quota('L-11427A54')] })).toEqual(
      [],
    );
    expect(since(before)).toEqual({
      ListClusters: 0,
      ListNodegroups: 0,
      DescribeNodegroup: 0,
      ListFargateProfiles: 0,
    });
  });

  it.each(OPERATIONS)('lets an access denial on %s propagate', async (operation) => {
    const target = targets().find((t) =>
      seeded(t).clusters.some((c) => c.nodegroups.length > 0 && c.fargateProfiles.length > 0),
    );
    if (!target) throw new Error('no target with node groups and Fargate profiles');
    sandbox.admin.configure({ denials: [{ operation, account: target.accountId }] });
    await expect(
      eks.findUsage({ target, session: counter.session, quotas: Object.values(Q).map(quota) }),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`eks:${operation}`) as unknown,
    });
  });

  it('names clusters by the ARN EKS gives them, in every partition', () => {
    expect(clusterArn({ accountId: '123456789012', region: 'eu-west-1' }, 'web')).toBe(
      'arn:aws:eks:eu-west-1:123456789012:cluster/web',
    );
    expect(clusterArn({ accountId: '123456789012', region: 'cn-north-1' }, 'web')).toBe(
      'arn:aws-cn:eks:cn-north-1:123456789012:cluster/web',
    );
    expect(clusterArn({ accountId: '123456789012', region: 'us-gov-west-1' }, 'web')).toBe(
      'arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/web',
    );
  });
});
