/**
 * The ElastiCache usage counter against the sandbox, through an AwsSession (the management
 * account's keys, members through OrganizationAccountAccessRole) and pages of 2: every value
 * equal to what the seeded clusters hold, nodes per Region equal to the usage CloudWatch reports,
 * exactly the DescribeCacheClusters pages needed, and an access denial that propagates.
 */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/domain/target.js';
import type { ElastiCacheResources } from '../../src/sandbox/services/elasticache/resources.js';
import { ELASTICACHE_QUOTAS, elastiCache } from '../../src/services/elasticache.js';
import type { UsageCount } from '../../src/services/service.js';
import { counterSandbox, minimalQuota, sortedCounts, targetQuotas } from '../helpers/counting.js';
import { sandboxTargets } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const Q = ELASTICACHE_QUOTAS;

// Unthrottled: pages of 2 at AWS's pace would only be slow.
const counter = counterSandbox({ pageSize: 2, throttle: 'off' }, { denials: [] });
const sandbox = counter.sandbox;

const targets = (): Target[] => sandboxTargets(sandbox, REGIONS);

function seeded(target: Target): ElastiCacheResources {
  return sandbox.admin.resources('elasticache', target.accountId, target.region) as ElastiCacheResources;
}

const quota = (quotaCode: string) => minimalQuota('elasticache', quotaCode);

/** What the counter must find, computed from the seeded clusters. */
function expectedCounts(resources: ElastiCacheResources): UsageCount[] {
  const sharded = new Map<string, number>();
  for (const c of resources.clusters) {
    if (c.clusterMode && c.replicationGroupId !== undefined) {
      sharded.set(c.replicationGroupId, (sharded.get(c.replicationGroupId) ?? 0) + c.nodes.length);
    }
  }
  return [
    { quotaCode: Q.nodesPerRegion, value: resources.clusters.reduce((n, c) => n + c.nodes.length, 0) },
    ...resources.clusters
      .filter((c) => c.engine === 'memcached')
      .map((c) => ({ quotaCode: Q.nodesPerMemcachedCluster, value: c.nodes.length, resource: c.arn })),
    ...[...sharded].map(([group, value]) => ({
      quotaCode: Q.nodesPerShardedRedisClusterPerType,
      value,
      resource: group,
    })),
  ];
}

const calls = (): number =>
  sandbox.admin.callTotal({ operation: 'DescribeCacheClusters', outcome: 'success' });

describe('the ElastiCache counter', () => {
  it('counts every quota of every target as the seeded clusters say, in exactly the pages needed', async () => {
    let memcached = 0;
    let sharded = 0;
    for (const target of targets()) {
      const quotas = await targetQuotas(sandbox, target, 'elasticache');
      const codes = new Set(quotas.map((q) => q.quotaCode));
      for (const code of Object.values(Q)) expect(codes, code).toContain(code);
      const resources = seeded(target);
      const before = calls();

      const counted = await elastiCache.findUsage({ target, session: counter.session, quotas });

      expect(sortedCounts(counted)).toEqual(sortedCounts(expectedCounts(resources)));
      expect(counted.find((c) => c.quotaCode === Q.nodesPerRegion)?.value).toBe(
        sandbox.admin.resourceUsage(target.accountId, target.region, `elasticache/${Q.nodesPerRegion}`),
      );
      expect(calls() - before).toBe(Math.max(1, Math.ceil(resources.clusters.length / 2)));
      memcached += counted.filter((c) => c.quotaCode === Q.nodesPerMemcachedCluster).length;
      sharded += counted.filter((c) => c.quotaCode === Q.nodesPerShardedRedisClusterPerType).length;
    }
    // The seed has both kinds of per-resource values somewhere.
    expect(memcached).toBeGreaterThan(0);
    expect(sharded).toBeGreaterThan(0);
  });

  it('counts a Memcached cluster near its nodes-per-cluster quota below it', async () => {
    const near = targets().flatMap((t) => {
      const row = sandbox.admin
        .quotaTable(t.accountId, t.region)
        .find((r) => r.serviceCode === 'elasticache' && r.quotaCode === Q.nodesPerMemcachedCluster);
      const limit = row?.appliedValue ?? row?.defaultValue ?? 0;
      return seeded(t)
        .clusters.filter(
          (c) => c.engine === 'memcached' && c.nodes.length >= 0.8 * limit && c.nodes.length < limit,
        )
        .map((c) => ({ target: t, cluster: c }));
    });
    expect(near.length).toBeGreaterThan(0);
    for (const { target, cluster } of near) {
      const counted = await elastiCache.findUsage({
        target,
        session: counter.session,
        quotas: [quota(Q.nodesPerMemcachedCluster)],
      });
      expect(counted.find((c) => c.resource === cluster.arn)?.value).toBe(cluster.nodes.length);
    }
  });

  it('counts 0 nodes where nothing runs, and makes no call when the target has none of its quotas', async () => {
    const target = { accountId: sandbox.admin.accounts()[2]?.id ?? '', region: 'ap-southeast-2' };
    expect(
      await elastiCache.findUsage({ target, session: counter.session, quotas: Object.values(Q).map(quota) }),
    ).toEqual([{ quotaCode: Q.nodesPerRegion, value: 0 }]);
    const before = calls();
    expect(
      await elastiCache.findUsage({ target, session: counter.session, quotas: [quota('L-3F15A733')] }),
    ).toEqual([]);
    expect(calls()).toBe(before);
  });

  it('lets an access denial on DescribeCacheClusters propagate', async () => {
    const target = targets()[1];
    if (!target) throw new Error('no target');
    sandbox.admin.configure({ denials: [{ operation: 'DescribeCacheClusters', account: target.accountId }] });
    await expect(
      elastiCache.findUsage({ target, session: counter.session, quotas: Object.values(Q).map(quota) }),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('elasticache:DescribeCacheClusters') as string,
    });
  });
});
