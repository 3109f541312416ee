import { describe, expect, it } from 'vitest';
import { elasticacheFamily } from './elasticache.js';
import { type Values, valueAt } from './family.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

const NODES = { serviceCode: 'elasticache', quotaCode: 'L-DFE45DF3' };

describe('aws_elasticache_cluster', () => {
  it('counts num_cache_nodes', () => {
    const values = {
      cluster_id: 'sessions',
      engine: 'memcached',
      node_type: 'cache.t4g.small',
      num_cache_nodes: 3,
    };
    expect(elasticacheFamily.uses('aws_elasticache_cluster', values, known)).toEqual({
      uses: [{ ...NODES, amount: 3, why: 'num_cache_nodes 3' }],
      unknown: [],
    });
  });

  it('counts a cluster joining a replication group as one node', () => {
    const values = { cluster_id: 'replica-1', replication_group_id: 'sessions' };
    expect(
      elasticacheFamily.uses('aws_elasticache_cluster', values, unknownIn({ num_cache_nodes: true })).uses,
    ).toEqual([{ ...NODES, amount: 1, why: 'one replica node, in its replication group' }]);
  });

  it('reports an unknown num_cache_nodes', () => {
    expect(
      elasticacheFamily.uses(
        'aws_elasticache_cluster',
        { cluster_id: 'x' },
        unknownIn({ num_cache_nodes: true }),
      ),
    ).toEqual({
      uses: [],
      unknown: ['num_cache_nodes'],
    });
  });
});

describe('aws_elasticache_replication_group', () => {
  it('counts num_cache_clusters with cluster mode off', () => {
    const values = { replication_group_id: 'sessions', num_cache_clusters: 3, num_node_groups: 1 };
    expect(elasticacheFamily.uses('aws_elasticache_replication_group', values, known).uses).toEqual([
      { ...NODES, amount: 3, why: 'num_cache_clusters 3' },
    ]);
  });

  it('counts shards × (replicas + 1) with cluster mode on', () => {
    const values = { replication_group_id: 'cache', num_node_groups: 3, replicas_per_node_group: 2 };
    expect(
      elasticacheFamily.uses(
        'aws_elasticache_replication_group',
        values,
        unknownIn({ num_cache_clusters: true }),
      ).uses,
    ).toEqual([
      { ...NODES, amount: 9, why: 'num_node_groups 3 × (replicas_per_node_group 2 + 1 primary) = 9 nodes' },
    ]);
  });

  it("reads the provider's older cluster_mode block", () => {
    const values = { cluster_mode: [{ num_node_groups: 2, replicas_per_node_group: 1 }] };
    expect(elasticacheFamily.uses('aws_elasticache_replication_group', values, known).uses[0]?.amount).toBe(
      4,
    );
  });

  it('reports what it cannot count', () => {
    const unknownOf = unknownIn({
      num_cache_clusters: true,
      num_node_groups: true,
      replicas_per_node_group: true,
    });
    expect(elasticacheFamily.uses('aws_elasticache_replication_group', {}, unknownOf).unknown).toEqual([
      'num_cache_clusters',
      'num_node_groups',
    ]);
    expect(
      elasticacheFamily.uses(
        'aws_elasticache_replication_group',
        { num_node_groups: 2 },
        unknownIn({ num_cache_clusters: true, replicas_per_node_group: true }),
      ).unknown,
    ).toEqual(['replicas_per_node_group']);
  });
});
