/**
 * ElastiCache usage, counted from DescribeCacheClusters (every page, 100 per page, no node detail:
 * NumCacheNodes is enough). It lists every Memcached cluster, standalone Redis node and member of
 * a Redis replication group, so one listing gives:
 *
 * - nodes per Region: the sum of NumCacheNodes;
 * - nodes per Memcached cluster, per cluster (by ARN);
 * - nodes per cluster per instance type (Redis cluster mode enabled), per replication group: its
 *   member clusters (one node each) of each node type, the largest of them. A group runs with
 *   cluster mode enabled when AWS names its members `<group>-<shard:4>-<node:3>` (with cluster
 *   mode disabled they are `<group>-<node:3>`), which DescribeCacheClusters shows without a
 *   DescribeReplicationGroups call.
 */
import { type CacheCluster, paginateDescribeCacheClusters } from '@aws-sdk/client-elasticache';
import type { CountContext, UsageCount, UsageCounter } from './service.js';

/** The largest MaxRecords DescribeCacheClusters takes. */
const PAGE_SIZE = 100;

export const ELASTICACHE_QUOTAS = {
  nodesPerRegion: 'L-DFE45DF3',
  nodesPerMemcachedCluster: 'L-8C334AD1',
  nodesPerShardedRedisClusterPerType: 'L-AF354865',
} as const;

const Q = ELASTICACHE_QUOTAS;

/** Whether a member cluster's id says its replication group shards (cluster mode enabled). */
function isShardMember(cluster: CacheCluster): boolean {
  const group = cluster.ReplicationGroupId;
  const id = cluster.CacheClusterId ?? '';
  return (
    group !== undefined && id.startsWith(`${group}-`) && /^\d{4}-\d{3}$/.test(id.slice(group.length + 1))
  );
}

async function findUsage(ctx: CountContext): Promise<UsageCount[]> {
  const has = new Set(ctx.quotas.map((q) => q.quotaCode));
  if (!Object.values(Q).some((code) => has.has(code))) return [];
  const client = ctx.session.elastiCache(ctx.target);
  const clusters: CacheCluster[] = [];
  for await (const page of paginateDescribeCacheClusters({ client }, { MaxRecords: PAGE_SIZE })) {
    clusters.push(...(page.CacheClusters ?? []));
  }

  const out: UsageCount[] = [];
  if (has.has(Q.nodesPerRegion)) {
    out.push({
      quotaCode: Q.nodesPerRegion,
      value: clusters.reduce((sum, c) => sum + (c.NumCacheNodes ?? 0), 0),
    });
  }
  if (has.has(Q.nodesPerMemcachedCluster)) {
    for (const cluster of clusters.filter((c) => c.Engine === 'memcached')) {
      out.push({
        quotaCode: Q.nodesPerMemcachedCluster,
        value: cluster.NumCacheNodes ?? 0,
        resource: cluster.ARN ?? cluster.CacheClusterId ?? '',
      });
    }
  }
  if (has.has(Q.nodesPerShardedRedisClusterPerType)) {
    // Nodes by replication group, then node type; each group's value is its largest type.
    const groups = new Map<string, Map<string, number>>();
    for (const cluster of clusters.filter(isShardMember)) {
      const group = cluster.ReplicationGroupId ?? '';
      const byType = groups.get(group) ?? new Map<string, number>();
      const type = cluster.CacheNodeType ?? '';
      byType.set(type, (byType.get(type) ?? 0) + (cluster.NumCacheNodes ?? 0));
      groups.set(group, byType);
    }
    for (const [group, byType] of groups) {
      out.push({
        quotaCode: Q.nodesPerShardedRedisClusterPerType,
        value: Math.max(...byType.values()),
        resource: group,
      });
    }
  }
  return out;
}

export const elastiCache: UsageCounter = {
  serviceCode: 'elasticache',
  global: false,
  quotas: [
    { quotaCode: Q.nodesPerRegion, counts: 'cache nodes of every engine' },
    { quotaCode: Q.nodesPerMemcachedCluster, counts: 'nodes of each Memcached cluster', perResource: true },
    {
      quotaCode: Q.nodesPerShardedRedisClusterPerType,
      counts: 'nodes of each node type in each Redis replication group with cluster mode enabled',
      perResource: true,
    },
  ],
  iamActions: ['elasticache:DescribeCacheClusters'],
  findUsage,
};
