/**
 * EKS: each cluster counts against "Clusters"; each managed node group against "Managed node
 * groups per cluster", and its nodes against the vCPU quotas at their worst case,
 * scaling_config.max_size nodes.
 *
 * "Managed node groups per cluster" applies to each cluster, so its use has the scope
 * `cluster <cluster_name>`. cluster_name is usually known at plan time (a cluster's name is set in
 * the configuration); when it is not, the name is read from the cluster cluster_name references
 * (through the lookup), else the scope is `cluster (created in this plan)`, which every such
 * node group shares: summed together, the conservative choice.
 *
 * EKS turns instance_types into the node group's Auto Scaling overrides, so any listed type can
 * fill max_size: each vCPU quota is judged by the listed type that uses the most of it. With no
 * instance_types the type is the launch template's, else EKS's default t3.medium. instance_types
 * and capacity_type are computed by the provider when the configuration leaves them out, so a
 * plan shows them unknown then; their unknown is read as "not set" (t3.medium, ON_DEMAND).
 */
import { VCPU_QUOTAS } from '../instance-types.js';
import type { ResourceUse } from '../types.js';
import {
  type Attributes,
  type DeclaredFamily,
  IN_THIS_PLAN,
  type QuotaRef,
  attributesOf,
  one,
  use,
} from './family.js';
import { type Fleet, type InstanceSpec, fleetUses, specOfLaunchTemplate } from './ec2-vcpus.js';

const CLUSTERS: QuotaRef = { serviceCode: 'eks', quotaCode: 'L-1194D53C', name: 'Clusters' };
const NODE_GROUPS_PER_CLUSTER: QuotaRef = {
  serviceCode: 'eks',
  quotaCode: 'L-6D54EA21',
  name: 'Managed node groups per cluster',
};

const DEFAULT_INSTANCE_TYPE = 't3.medium';

/** The node group's instance types, or why they cannot be told. */
function instanceTypesOf(a: Attributes): { types: InstanceSpec[]; from: string } | { unknown: string } {
  const listed = (a.list('instance_types') ?? []).filter(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  if ((a.list('instance_types')?.length ?? 0) > listed.length) return { unknown: 'instance_types' };
  if (listed.length > 0) {
    return { types: listed.map((instanceType) => ({ instanceType, market: 'on-demand' })), from: '' };
  }
  if (a.block('launch_template') !== undefined) {
    const template = a.lookup('launch_template.0.id') ?? a.lookup('launch_template.0.name');
    if (template === undefined)
      return { unknown: 'launch_template (the plan does not show the launch template)' };
    const spec = specOfLaunchTemplate(template);
    // A template without an instance type leaves it to EKS's default, as no template does.
    if (typeof spec !== 'string') return { types: [spec], from: ', from the launch template' };
  }
  return {
    types: [{ instanceType: DEFAULT_INSTANCE_TYPE, market: 'on-demand' }],
    from: `, EKS's default instance type`,
  };
}

/** The node group's cluster, by name, for the per-cluster quota. */
function clusterOf(a: Attributes): string | undefined {
  const name = a.string('cluster_name');
  if (name !== undefined) return name;
  const cluster = a.lookup('cluster_name');
  return cluster === undefined ? undefined : attributesOf(cluster, () => false).string('name');
}

function nodeGroupUses(a: Attributes): ResourceUse {
  const cluster = clusterOf(a);
  const group =
    cluster === undefined
      ? use(
          NODE_GROUPS_PER_CLUSTER,
          1,
          'one managed node group, in a cluster created in this plan (the quota is per cluster; ' +
            'the node groups of all such clusters are summed together)',
          `cluster ${IN_THIS_PLAN}`,
        )
      : use(
          NODE_GROUPS_PER_CLUSTER,
          1,
          `one managed node group, in cluster ${cluster} (the quota is per cluster)`,
          `cluster ${cluster}`,
        );
  const max = a.number('scaling_config.0.max_size');
  if (max === undefined) return { uses: [group], unknown: ['scaling_config.0.max_size'] };
  const capacityType = a.string('capacity_type') ?? 'ON_DEMAND';
  if (capacityType !== 'ON_DEMAND' && capacityType !== 'SPOT') {
    return { uses: [group], unknown: [`capacity_type (${capacityType} is not On-Demand or Spot)`] };
  }
  const types = instanceTypesOf(a);
  if ('unknown' in types) return { uses: [group], unknown: [types.unknown] };
  const fleet: Fleet = {
    max,
    onDemand: capacityType === 'ON_DEMAND' ? max : 0,
    split: `scaling_config.max_size ${max}`,
    // The launch template's cpu_options still apply; its market options do not (capacity_type does).
    types: types.types.map((spec) => ({ spec, weight: 1 })),
    typesPath: 'instance_types',
    from: types.from,
  };
  const vcpus = fleetUses(fleet);
  return { uses: [group, ...vcpus.uses], unknown: vcpus.unknown };
}

export const eksFamily: DeclaredFamily = {
  name: 'eks',
  types: ['aws_eks_cluster', 'aws_eks_node_group'],
  quotas: [CLUSTERS, NODE_GROUPS_PER_CLUSTER, ...VCPU_QUOTAS],
  uses(type, values, unknownOf, lookup): ResourceUse {
    if (type === 'aws_eks_cluster') return one(CLUSTERS, 'one EKS cluster');
    return nodeGroupUses(attributesOf(values, unknownOf, lookup));
  },
};
