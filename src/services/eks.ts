/**
 * Amazon EKS usage, counted from ListClusters, then per cluster ListNodegroups with one
 * DescribeNodegroup per node group, and ListFargateProfiles (every page, 100 per page):
 *
 * - clusters in the Region (ListClusters without `include`: EKS clusters only; registered
 *   clusters have their own quota);
 * - managed node groups per cluster and Fargate profiles per cluster, per cluster (by ARN; every
 *   node group and profile that exists counts, whatever its status);
 * - nodes per managed node group, per node group (by ARN): its `scalingConfig.desiredSize`, the
 *   nodes EKS keeps the group at now. `maxSize` is what the quota caps when a group is created or
 *   updated, so it can never be over; counting it would show configuration, not use. EKS
 *   reports no current node count of its own (that is the Auto Scaling group's, another API);
 *   desiredSize is what the group is at or converging to.
 *
 * Only the calls the target's known quotas need are made: no DescribeNodegroup without the
 * nodes quota, no ListFargateProfiles without the Fargate one.
 */
import {
  DescribeNodegroupCommand,
  type EKSClient,
  paginateListClusters,
  paginateListFargateProfiles,
  paginateListNodegroups,
} from '@aws-sdk/client-eks';
import type { Target } from '../domain/target.js';
import type { CountContext, UsageCount, UsageCounter } from './service.js';

/** The largest maxResults the EKS List calls take. */
const PAGE_SIZE = 100;

export const EKS_QUOTAS = {
  clusters: 'L-1194D53C',
  nodegroupsPerCluster: 'L-6D54EA21',
  nodesPerNodegroup: 'L-BD136A63',
  fargateProfilesPerCluster: 'L-33415657',
} as const;

const Q = EKS_QUOTAS;

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`, the isolated ones). */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
}

/** A cluster's ARN, as EKS forms it: ListClusters gives names only, and no call is spent on more. */
export function clusterArn(target: Target, name: string): string {
  return `arn:${partitionOf(target.region)}:eks:${target.region}:${target.accountId}:cluster/${name}`;
}

async function nodegroupNames(client: EKSClient, clusterName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListNodegroups({ client }, { clusterName, maxResults: PAGE_SIZE })) {
    names.push(...(page.nodegroups ?? []));
  }
  return names;
}

async function fargateProfileCount(client: EKSClient, clusterName: string): Promise<number> {
  let count = 0;
  for await (const page of paginateListFargateProfiles({ client }, { clusterName, maxResults: PAGE_SIZE })) {
    count += page.fargateProfileNames?.length ?? 0;
  }
  return count;
}

/** What one cluster uses of the per-cluster and per-node-group quotas the target has. */
async function countCluster(
  client: EKSClient,
  target: Target,
  has: ReadonlySet<string>,
  clusterName: string,
): Promise<UsageCount[]> {
  const arn = clusterArn(target, clusterName);
  const out: UsageCount[] = [];
  if (has.has(Q.nodegroupsPerCluster) || has.has(Q.nodesPerNodegroup)) {
    const names = await nodegroupNames(client, clusterName);
    if (has.has(Q.nodegroupsPerCluster)) {
      out.push({ quotaCode: Q.nodegroupsPerCluster, value: names.length, resource: arn });
    }
    if (has.has(Q.nodesPerNodegroup)) {
      const groups = await Promise.all(
        names.map((nodegroupName) =>
          client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })),
        ),
      );
      groups.forEach(({ nodegroup }, i) => {
        out.push({
          quotaCode: Q.nodesPerNodegroup,
          value: nodegroup?.scalingConfig?.desiredSize ?? 0,
          resource: nodegroup?.nodegroupArn ?? `${arn}/${names[i] ?? ''}`,
        });
      });
    }
  }
  if (has.has(Q.fargateProfilesPerCluster)) {
    out.push({
      quotaCode: Q.fargateProfilesPerCluster,
      value: await fargateProfileCount(client, clusterName),
      resource: arn,
    });
  }
  return out;
}

async function findUsage(ctx: CountContext): Promise<UsageCount[]> {
  const has = new Set(ctx.quotas.map((q) => q.quotaCode));
  if (!Object.values(Q).some((code) => has.has(code))) return [];
  const client = ctx.session.eks(ctx.target);
  const clusters: string[] = [];
  for await (const page of paginateListClusters({ client }, { maxResults: PAGE_SIZE })) {
    clusters.push(...(page.clusters ?? []));
  }
  const out: UsageCount[] = [];
  if (has.has(Q.clusters)) out.push({ quotaCode: Q.clusters, value: clusters.length });
  const perCluster = await Promise.all(clusters.map((name) => countCluster(client, ctx.target, has, name)));
  return out.concat(...perCluster);
}

export const eks: UsageCounter = {
  serviceCode: 'eks',
  global: false,
  quotas: [
    { quotaCode: Q.clusters, counts: 'EKS clusters (not registered clusters)' },
    { quotaCode: Q.nodegroupsPerCluster, counts: 'managed node groups of each cluster', perResource: true },
    {
      quotaCode: Q.nodesPerNodegroup,
      counts: 'nodes of each managed node group (its desired size)',
      perResource: true,
    },
    { quotaCode: Q.fargateProfilesPerCluster, counts: 'Fargate profiles of each cluster', perResource: true },
  ],
  iamActions: ['eks:ListClusters', 'eks:ListNodegroups', 'eks:DescribeNodegroup', 'eks:ListFargateProfiles'],
  findUsage,
};
