/**
 * ElastiCache: every cache node against "Nodes per Region". A cluster has num_cache_nodes; a
 * cluster that joins a replication group is one replica node (its num_cache_nodes is computed).
 * A replication group has num_cache_clusters nodes with cluster mode off, or num_node_groups
 * shards of a primary and replicas_per_node_group replicas each with it on. The provider's
 * older spellings (number_cache_clusters, the cluster_mode block) are read as well. The quota is
 * per Region, so its uses have no scope; the per-cluster node quotas ("Nodes per cluster
 * (Memcached)", "Nodes per cluster per instance type (Redis cluster mode enabled)") are not counted.
 */
import type { ResourceUse } from '../types.js';
import { type Attributes, type DeclaredFamily, type QuotaRef, attributesOf, plural, use } from './family.js';

const NODES: QuotaRef = { serviceCode: 'elasticache', quotaCode: 'L-DFE45DF3', name: 'Nodes per Region' };

function nodes(amount: number, why: string): ResourceUse {
  return { uses: [use(NODES, amount, why)], unknown: [] };
}

function clusterUses(a: Attributes): ResourceUse {
  const count = a.number('num_cache_nodes');
  if (count !== undefined) return nodes(count, `num_cache_nodes ${count}`);
  if (a.string('replication_group_id') !== undefined || a.unknown('replication_group_id')) {
    return nodes(1, 'one replica node, in its replication group');
  }
  return { uses: [], unknown: ['num_cache_nodes'] };
}

function replicationGroupUses(a: Attributes): ResourceUse {
  const clusters = a.number('num_cache_clusters') ?? a.number('number_cache_clusters');
  if (clusters !== undefined) return nodes(clusters, `num_cache_clusters ${clusters}`);

  const shards = a.number('num_node_groups') ?? a.number('cluster_mode.0.num_node_groups');
  if (shards === undefined) return { uses: [], unknown: ['num_cache_clusters', 'num_node_groups'] };
  const replicas = a.number('replicas_per_node_group') ?? a.number('cluster_mode.0.replicas_per_node_group');
  if (replicas === undefined) return { uses: [], unknown: ['replicas_per_node_group'] };
  const total = shards * (replicas + 1);
  return nodes(
    total,
    `num_node_groups ${shards} × (replicas_per_node_group ${replicas} + 1 primary) = ${plural(total, 'node')}`,
  );
}

export const elasticacheFamily: DeclaredFamily = {
  name: 'elasticache',
  types: ['aws_elasticache_cluster', 'aws_elasticache_replication_group'],
  quotas: [NODES],
  uses(type, values, unknownOf): ResourceUse {
    const a = attributesOf(values, unknownOf);
    return type === 'aws_elasticache_cluster' ? clusterUses(a) : replicationGroupUses(a);
  },
};
