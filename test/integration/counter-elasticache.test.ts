/**
 * The ElastiCache usage counter against the sandbox, through an AwsSession (the management
 * account's keys, members through OrganizationAccountAccessRole) and pages of 2: every value
 * equal to what the seeded clusters hold, nodes per Region equal to the usage CloudWatch reports,
 * exactly the DescribeCacheClusters pages needed, and an access denial that propagates.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsSession } from '../../src/aws/session.js';
import type { Target } from '../../src/domain/target.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import type { ElastiCacheResources } from '../../src/sandbox/services/elasticache/resources.js';
import { ELASTICACHE_QUOTAS, elastiCache } from '../../src/services/elasticache.js';
import type { UsageCount } from '../../src/services/service.js';
import { counterSession, minimalQuota, targetQuotas } from '../helpers/counting.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const Q = ELASTICACHE_QUOTAS;

let sandbox: Sandbox;
let session: AwsSession;

beforeAll(async () => {
  // Unthrottled: pages of 2 at AWS's pace would only be slow.
  sandbox = await startSandbox({ pageSize: 2, throttle: 'off' });
  session = counterSession(sandbox);
});

afterEach(() => {
  sandbox.admin.configure({ denials: [] });
});

afterAll(async () => {
  session.close();
  await sandbox.close();
});

function targets(): Target[] {
  return sandbox.admin.accounts().flatMap((a) => REGIONS.map((region) => ({ accountId: a.id, region })));
}

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

const sorted = (counts: readonly UsageCount[]): UsageCount[] =>
  [...counts].sort((a, b) =>
    `${a.quotaCode}|${a.resource ?? ''}`.localeCompare(`${b.quotaCode}|${b.resource ?? ''}`),
  );

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

      const counted = await elastiCache.findUsage({ target, session, quotas });

      expect(sorted(counted)).toEqual(sorted(expectedCounts(resources)));
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
        session,
        quotas: [quota(Q.nodesPerMemcachedCluster)],
      });
      expect(counted.find((c) => c.resource === cluster.arn)?.value).toBe(cluster.nodes.length);
    }
  });

  it('counts 0 nodes where nothing runs, and makes no call when the target has none of its quotas', async () => {
    const target = { accountId: sandbox.admin.accounts()[2]?.id ?? '', region: 'ap-southeast-2' };
    expect(await elastiCache.findUsage({ target, session, quotas: Object.values(Q).map(quota) })).toEqual([
      { quotaCode: Q.nodesPerRegion, value: 0 },
    ]);
    const before = calls();
    expect(await elastiCache.findUsage({ target, session, quotas: [quota('L-3F15A733')] })).toEqual([]);
    expect(calls()).toBe(before);
  });

  it('lets an access denial on DescribeCacheClusters propagate', async () => {
    const target = targets()[1];
    if (!target) throw new Error('no target');
    sandbox.admin.configure({ denials: [{ operation: 'DescribeCacheClusters', account: target.accountId }] });
    await expect(
      elastiCache.findUsage({ target, session, quotas: Object.values(Q).map(quota) }),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('elasticache:DescribeCacheClusters') as string,
    });
  });
});
