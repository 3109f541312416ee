/**
 * The ElastiCache clusters of an account and region, as DescribeCacheClusters lists them: one
 * entry per Memcached cluster (its nodes inside it), one per standalone Redis node, and one per
 * node of a Redis replication group, named as AWS names them: `<group>-001` in a group with
 * cluster mode disabled, `<group>-<shard:4>-<node:3>` with cluster mode enabled.
 *
 * Counts are low; in about one account and region in five a Memcached cluster runs close to
 * (never at) its nodes-per-cluster quota.
 */
import { identifier } from '../../core/random.js';
import { countBetween, type ResourceModel, type ResourceScope } from '../../world/resources.js';

export interface CacheNode {
  readonly id: string;
  readonly createdTime: Date;
  readonly address: string;
  readonly port: number;
  readonly availabilityZone: string;
}

export interface CacheCluster {
  readonly id: string;
  readonly arn: string;
  readonly engine: 'memcached' | 'redis';
  readonly engineVersion: string;
  readonly nodeType: string;
  readonly createdTime: Date;
  readonly preferredAvailabilityZone: string;
  readonly parameterGroup: string;
  readonly subnetGroup: string;
  readonly securityGroupId: string;
  /** Memcached only: the cluster's configuration endpoint. */
  readonly configurationEndpoint: { address: string; port: number } | undefined;
  readonly replicationGroupId: string | undefined;
  /** Whether its replication group runs with cluster mode enabled (sharded). */
  readonly clusterMode: boolean;
  readonly nodes: readonly CacheNode[];
}

export interface ElastiCacheResources {
  readonly clusters: readonly CacheCluster[];
}

export const NODES_PER_REGION = 'L-DFE45DF3';
export const NODES_PER_MEMCACHED_CLUSTER = 'L-8C334AD1';

const NODE_TYPES = ['cache.t3.micro', 'cache.t4g.small', 'cache.m6g.large', 'cache.r6g.large'];

function generate(scope: ResourceScope): ElastiCacheResources {
  if (!scope.active) return { clusters: [] };
  const { account, region } = scope;
  const id = (length: number, ...parts: (string | number)[]): string =>
    identifier(length, 'lower', scope.seed, account.id, region, 'elasticache', ...parts);
  const domain = `${id(6, 'domain')}.${region.replace(/^(\w\w)-(\w)\w*-(\d)$/, '$1$2$3')}.cache.amazonaws.com`;
  const zones = ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
  const createdAt = (...parts: (string | number)[]): Date =>
    new Date(
      Date.UTC(2024, 0, 1) + Math.floor(scope.unit('elasticache', 'created', ...parts) * 365 * 86_400) * 1000,
    );
  const nodeType = (...parts: (string | number)[]): string =>
    NODE_TYPES[Math.floor(scope.unit('elasticache', 'type', ...parts) * NODE_TYPES.length)] ??
    'cache.t3.micro';
  const clusters: CacheCluster[] = [];

  const cluster = (
    clusterId: string,
    engine: 'memcached' | 'redis',
    type: string,
    nodeCount: number,
    group?: { id: string; clusterMode: boolean },
  ): void => {
    const port = engine === 'memcached' ? 11211 : 6379;
    const created = createdAt(group?.id ?? clusterId);
    const az = zones[clusters.length % zones.length] ?? `${region}a`;
    clusters.push({
      id: clusterId,
      arn: `arn:aws:elasticache:${region}:${account.id}:cluster:${clusterId}`,
      engine,
      engineVersion: engine === 'memcached' ? '1.6.22' : '7.1.0',
      nodeType: type,
      createdTime: created,
      preferredAvailabilityZone: nodeCount > 1 ? 'Multiple' : az,
      parameterGroup:
        engine === 'memcached'
          ? 'default.memcached1.6'
          : group?.clusterMode
            ? 'default.redis7.cluster.on'
            : 'default.redis7',
      subnetGroup: `${account.name}-cache`,
      securityGroupId: `sg-${identifier(17, 'hex', scope.seed, account.id, region, 'elasticache-sg')}`,
      configurationEndpoint:
        engine === 'memcached'
          ? { address: `${clusterId}.${domain.replace('.', '.cfg.')}`, port }
          : undefined,
      replicationGroupId: group?.id,
      clusterMode: group?.clusterMode ?? false,
      nodes: Array.from({ length: nodeCount }, (_, n) => {
        const nodeId = String(n + 1).padStart(4, '0');
        return {
          id: nodeId,
          createdTime: created,
          address: `${clusterId}.${domain.replace('.', `.${nodeId}.`)}`,
          port,
          availabilityZone: zones[n % zones.length] ?? az,
        };
      }),
    });
  };

  // Memcached clusters, one of them perhaps near its nodes-per-cluster quota.
  const memcachedLimit = scope.limit('elasticache', NODES_PER_MEMCACHED_CLUSTER);
  const nearLimit = memcachedLimit > 1 && scope.unit('elasticache', 'memcached-near-limit') < 0.2;
  const memcached = countBetween(scope, nearLimit ? 1 : 0, 2, 'elasticache', 'memcached');
  for (let i = 0; i < memcached; i++) {
    const name = `${account.name}-mc-${String(i + 1)}`;
    const nodes =
      nearLimit && i === 0
        ? Math.min(
            memcachedLimit - 1,
            Math.floor(memcachedLimit * (0.8 + 0.15 * scope.unit('elasticache', 'near'))),
          )
        : countBetween(scope, 1, 6, 'elasticache', 'memcached-nodes', name);
    cluster(name, 'memcached', nodeType(name), nodes);
  }
  // Standalone Redis nodes.
  const standalone = countBetween(scope, 0, 2, 'elasticache', 'redis-standalone');
  for (let i = 0; i < standalone; i++) {
    const name = `${account.name}-redis-${String(i + 1)}`;
    cluster(name, 'redis', nodeType(name), 1);
  }
  // Replication groups with cluster mode disabled: a primary and up to two replicas.
  const groups = countBetween(scope, 0, 2, 'elasticache', 'redis-groups');
  for (let g = 0; g < groups; g++) {
    const groupId = `${account.name}-rg-${String(g + 1)}`;
    const type = nodeType(groupId);
    const members = countBetween(scope, 1, 3, 'elasticache', 'group-members', groupId);
    for (let m = 0; m < members; m++) {
      cluster(`${groupId}-${String(m + 1).padStart(3, '0')}`, 'redis', type, 1, {
        id: groupId,
        clusterMode: false,
      });
    }
  }
  // At most one replication group with cluster mode enabled: shards of a primary and replicas.
  if (scope.unit('elasticache', 'sharded') < 0.5) {
    const groupId = `${account.name}-shards`;
    const type = nodeType(groupId);
    const shards = countBetween(scope, 1, 3, 'elasticache', 'shards');
    const perShard = countBetween(scope, 1, 3, 'elasticache', 'shard-nodes');
    for (let s = 0; s < shards; s++) {
      for (let n = 0; n < perShard; n++) {
        cluster(
          `${groupId}-${String(s + 1).padStart(4, '0')}-${String(n + 1).padStart(3, '0')}`,
          'redis',
          type,
          1,
          { id: groupId, clusterMode: true },
        );
      }
    }
  }
  return { clusters };
}

export const elastiCacheResources: ResourceModel<ElastiCacheResources> = {
  name: 'elasticache',
  generate,
  usage: (resources) =>
    new Map([
      [`elasticache/${NODES_PER_REGION}`, resources.clusters.reduce((sum, c) => sum + c.nodes.length, 0)],
    ]),
};
