import { describe, expect, it } from 'vitest';
import { eksFamily } from './eks.js';
import { type Values, valueAt } from './family.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;

const nodeGroup = (overrides: Values = {}): Values => ({
  cluster_name: 'main',
  node_group_name: 'general',
  instance_types: ['m6i.large'],
  capacity_type: 'ON_DEMAND',
  scaling_config: [{ desired_size: 2, max_size: 4, min_size: 1 }],
  launch_template: [],
  ...overrides,
});

const NODE_GROUP_USE = {
  serviceCode: 'eks',
  quotaCode: 'L-6D54EA21',
  amount: 1,
  why: 'one managed node group, in cluster main (the quota is per cluster)',
  scope: 'cluster main',
};

describe('aws_eks_cluster', () => {
  it('counts one cluster', () => {
    expect(eksFamily.uses('aws_eks_cluster', { name: 'main' }, () => false).uses).toEqual([
      { serviceCode: 'eks', quotaCode: 'L-1194D53C', amount: 1, why: 'one EKS cluster' },
    ]);
  });
});

describe('aws_eks_node_group', () => {
  it('counts the group and scaling_config.max_size × the vCPUs of its instance type', () => {
    expect(eksFamily.uses('aws_eks_node_group', nodeGroup(), () => false)).toEqual({
      uses: [
        NODE_GROUP_USE,
        {
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          amount: 8,
          why: 'scaling_config.max_size 4: 4 × m6i.large (2 vCPUs) = 8 vCPUs On-Demand',
        },
      ],
      unknown: [],
    });
  });

  it('takes t3.medium and On-Demand when instance_types and capacity_type are left to EKS', () => {
    const { instance_types: _, capacity_type: __, ...rest } = nodeGroup();
    const unknownOf = unknownIn({ instance_types: true, capacity_type: true, arn: true });
    expect(eksFamily.uses('aws_eks_node_group', rest, unknownOf).uses[1]).toEqual({
      serviceCode: 'ec2',
      quotaCode: 'L-1216C47A',
      amount: 8,
      why: "scaling_config.max_size 4: 4 × t3.medium (2 vCPUs) = 8 vCPUs On-Demand, EKS's default instance type",
    });
  });

  it('counts Spot node groups against the Spot quotas, by the type that uses the most', () => {
    const values = nodeGroup({
      capacity_type: 'SPOT',
      instance_types: ['m5.large', 'm5.xlarge', 'c5.xlarge'],
    });
    expect(eksFamily.uses('aws_eks_node_group', values, () => false).uses[1]).toMatchObject({
      quotaCode: 'L-34B43A08',
      amount: 16,
    });
  });

  it("reads the launch template's instance type when instance_types is not set", () => {
    const values = nodeGroup({ instance_types: [], launch_template: [{ version: '1' }] });
    const unknownOf = unknownIn({ launch_template: [{ id: true, name: true }] });
    const lookup = (path: string) =>
      path === 'launch_template.0.id' ? { instance_type: 'g5.2xlarge', cpu_options: [] } : undefined;
    expect(eksFamily.uses('aws_eks_node_group', values, unknownOf, lookup).uses[1]).toMatchObject({
      quotaCode: 'L-DB2E81BA',
      amount: 32,
    });
    expect(eksFamily.uses('aws_eks_node_group', values, unknownOf).unknown).toEqual([
      'launch_template (the plan does not show the launch template)',
    ]);
  });

  it('reports an instance type it does not know, once', () => {
    const values = nodeGroup({ capacity_type: 'SPOT', instance_types: ['xx.huge', 'm5.large'] });
    expect(eksFamily.uses('aws_eks_node_group', values, () => false)).toEqual({
      uses: [
        NODE_GROUP_USE,
        {
          serviceCode: 'ec2',
          quotaCode: 'L-34B43A08',
          amount: 8,
          why: 'scaling_config.max_size 4: 4 × m5.large (2 vCPUs) = 8 vCPUs Spot, the most of the 2 instance types',
        },
      ],
      unknown: ['instance_types (xx.huge is not an instance type headroom knows)'],
    });
  });

  it("takes the cluster's name from the cluster it references when cluster_name is unknown", () => {
    const { cluster_name: _, ...values } = nodeGroup();
    const unknownOf = unknownIn({ cluster_name: true });
    const lookup = (path: string) => (path === 'cluster_name' ? { name: 'platform' } : undefined);
    expect(eksFamily.uses('aws_eks_node_group', values, unknownOf, lookup).uses[0]).toEqual({
      ...NODE_GROUP_USE,
      why: 'one managed node group, in cluster platform (the quota is per cluster)',
      scope: 'cluster platform',
    });
    expect(eksFamily.uses('aws_eks_node_group', values, unknownOf).uses[0]).toEqual({
      ...NODE_GROUP_USE,
      why: 'one managed node group, in a cluster created in this plan (the quota is per cluster; the node groups of all such clusters are summed together)',
      scope: 'cluster (created in this plan)',
    });
  });

  it('gives the nodes no scope: the vCPU quotas are per Region', () => {
    expect(eksFamily.uses('aws_eks_node_group', nodeGroup(), () => false).uses[1]).not.toHaveProperty(
      'scope',
    );
  });

  it('reports an unknown max_size', () => {
    const values = nodeGroup({ scaling_config: [{ desired_size: 2, min_size: 1 }] });
    expect(
      eksFamily.uses('aws_eks_node_group', values, unknownIn({ scaling_config: [{ max_size: true }] })),
    ).toEqual({ uses: [NODE_GROUP_USE], unknown: ['scaling_config.0.max_size'] });
  });
});
