/**
 * Seeded EKS resources of an account and region: clusters, each with managed node groups and
 * Fargate profiles. Sized against the target's applied quotas: most counts are low, and in about
 * half the targets one node group runs near its node limit or one cluster holds nearly as many
 * Fargate profiles as it may, always under the limit.
 */
import { type ResourceModel, type ResourceScope, countBetween } from '../../world/resources.js';

export const CLUSTERS = 'L-1194D53C';
export const NODEGROUPS_PER_CLUSTER = 'L-6D54EA21';
export const NODES_PER_NODEGROUP = 'L-BD136A63';
export const FARGATE_PROFILES_PER_CLUSTER = 'L-33415657';

export type NodegroupStatus = 'ACTIVE' | 'CREATING' | 'UPDATING' | 'DEGRADED';

export interface EksNodegroup {
  readonly name: string;
  readonly arn: string;
  readonly status: NodegroupStatus;
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  readonly createdAt: Date;
}

export interface EksCluster {
  readonly name: string;
  readonly arn: string;
  readonly version: string;
  readonly createdAt: Date;
  /** In ListNodegroups order. */
  readonly nodegroups: readonly EksNodegroup[];
  /** Fargate profile names, in ListFargateProfiles order. */
  readonly fargateProfiles: readonly string[];
}

export interface EksResources {
  /** In ListClusters order. */
  readonly clusters: readonly EksCluster[];
}

const VERSIONS = ['1.29', '1.30', '1.31'] as const;
const INSTANCE_TYPES = [
  'm5.large',
  'm5.xlarge',
  'm6i.large',
  'c6i.xlarge',
  'r6i.large',
  't3.medium',
] as const;
const CLUSTER_NAMES = ['platform', 'payments', 'search', 'batch', 'ml', 'web', 'data', 'edge'] as const;
const NODEGROUP_NAMES = ['system', 'general', 'memory', 'compute', 'spot', 'gpu', 'arm', 'ingress'] as const;
/** 2024-01-01T00:00:00Z: resources were created in the year after. */
const EPOCH = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

function pick<T>(items: readonly T[], u: number): T {
  const item = items[Math.floor(u * items.length)] ?? items[0];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** An id of `length` lowercase hex digits (node group ARNs end in a UUID-like suffix). */
function hexId(scope: ResourceScope, length: number, ...parts: string[]): string {
  let out = '';
  for (let i = 0; out.length < length; i++) {
    out += Math.floor(scope.unit(...parts, 'hex', i) * 0x10000)
      .toString(16)
      .padStart(4, '0');
  }
  return out.slice(0, length);
}

function uuid(scope: ResourceScope, ...parts: string[]): string {
  const h = hexId(scope, 32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** At most `wanted`, and below the limit: never at or over a quota. */
function under(limit: number, wanted: number): number {
  return Math.max(0, Math.min(wanted, limit - 1));
}

function generate(scope: ResourceScope): EksResources {
  if (!scope.active) return { clusters: [] };
  const { account, region } = scope;
  const clusterLimit = scope.limit('eks', CLUSTERS);
  const nodegroupLimit = scope.limit('eks', NODEGROUPS_PER_CLUSTER);
  const nodeLimit = scope.limit('eks', NODES_PER_NODEGROUP);
  const fargateLimit = scope.limit('eks', FARGATE_PROFILES_PER_CLUSTER);
  const clusterCount = under(clusterLimit, countBetween(scope, 0, 5, 'eks', 'clusters'));
  // Which cluster (if any) is near a per-cluster or per-node-group limit.
  const nearNodes = scope.unit('eks', 'near-nodes') < 0.5 ? 0 : -1;
  const nearFargate = scope.unit('eks', 'near-fargate') < 0.5 ? clusterCount - 1 : -1;

  const clusters: EksCluster[] = [];
  for (let c = 0; c < clusterCount; c++) {
    const base = pick(CLUSTER_NAMES, scope.unit('eks', 'cluster-name', c));
    const name = `${base}-${region.replace(/-/g, '')}-${c + 1}`;
    const clusterCreated = EPOCH + Math.floor(scope.unit('eks', name, 'created') * 365) * DAY_MS;
    const nodegroupCount = under(nodegroupLimit, countBetween(scope, 0, 5, 'eks', name, 'nodegroups'));
    const nodegroups: EksNodegroup[] = [];
    for (let n = 0; n < nodegroupCount; n++) {
      const ngName = `${pick(NODEGROUP_NAMES, scope.unit('eks', name, 'ng-name', n))}-${n + 1}`;
      const near = c === nearNodes && n === 0;
      // Near: 85–95 % of the node limit; otherwise a few nodes (some groups scaled to zero).
      const desiredSize = near
        ? under(nodeLimit, Math.ceil(nodeLimit * (0.85 + 0.1 * scope.unit('eks', name, ngName, 'near'))))
        : under(nodeLimit, countBetween(scope, 0, 12, 'eks', name, ngName, 'desired'));
      const minSize = Math.min(desiredSize, countBetween(scope, 0, 2, 'eks', name, ngName, 'min'));
      const maxSize = Math.max(
        1,
        Math.min(nodeLimit, desiredSize + countBetween(scope, 0, 10, 'eks', name, ngName, 'max')),
      );
      const statusRoll = scope.unit('eks', name, ngName, 'status');
      const spot = scope.unit('eks', name, ngName, 'spot') < 0.25;
      nodegroups.push({
        name: ngName,
        arn: `arn:aws:eks:${region}:${account.id}:nodegroup/${name}/${ngName}/${uuid(scope, 'eks', name, ngName)}`,
        status:
          statusRoll < 0.8
            ? 'ACTIVE'
            : statusRoll < 0.9
              ? 'UPDATING'
              : statusRoll < 0.95
                ? 'CREATING'
                : 'DEGRADED',
        capacityType: spot ? 'SPOT' : 'ON_DEMAND',
        instanceTypes: spot
          ? [pick(INSTANCE_TYPES, scope.unit('eks', name, ngName, 'type')), 'm5a.large']
          : [pick(INSTANCE_TYPES, scope.unit('eks', name, ngName, 'type'))],
        minSize,
        maxSize,
        desiredSize,
        createdAt: new Date(
          clusterCreated + Math.floor(scope.unit('eks', name, ngName, 'created') * 90) * DAY_MS,
        ),
      });
    }
    const fargateCount =
      c === nearFargate
        ? under(fargateLimit, fargateLimit - 1 - countBetween(scope, 0, 1, 'eks', name, 'fargate-near'))
        : under(fargateLimit, countBetween(scope, 0, 3, 'eks', name, 'fargate'));
    const fargateProfiles = Array.from({ length: fargateCount }, (_, i) => `fp-${name}-${i + 1}`);
    clusters.push({
      name,
      arn: `arn:aws:eks:${region}:${account.id}:cluster/${name}`,
      version: pick(VERSIONS, scope.unit('eks', name, 'version')),
      createdAt: new Date(clusterCreated),
      nodegroups,
      fargateProfiles,
    });
  }
  return { clusters };
}

export const eksResources: ResourceModel<EksResources> = {
  name: 'eks',
  generate,
  // Clusters (L-1194D53C) is the one EKS quota here with a usage metric (the others are per
  // resource); 0 too, so CloudWatch shows no seeded series where no cluster runs.
  usage: (resources) => new Map([[`eks/${CLUSTERS}`, resources.clusters.length]]),
};
