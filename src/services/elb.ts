/**
 * Elastic Load Balancing usage, counted from both APIs (v2 for Application and Network Load
 * Balancers, the 2012-06-01 API for Classic ones):
 *
 * - v2 DescribeLoadBalancers (every page): ALBs and NLBs per Region; Gateway Load Balancers are
 *   listed too and counted under neither.
 * - v2 DescribeTargetGroups (every page, all at once): target groups per Region, and per ALB from
 *   each group's LoadBalancerArns, so no call per load balancer.
 * - v2 DescribeListeners, once per ALB or NLB (the API has no other way): listeners per load
 *   balancer. Made only for the kinds whose listener quota the target has.
 * - classic DescribeLoadBalancers (every page): CLBs per Region, and per CLB its listeners and
 *   registered instances, which come inline.
 *
 * A call is made only when a quota the target has needs it. Pages are the largest AWS allows (400).
 */
import {
  paginateDescribeLoadBalancers as paginateClassicLoadBalancers,
  type LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CountContext, UsageCount, UsageCounter } from './service.js';

/** The largest PageSize ELB's describe calls take. */
const PAGE_SIZE = 400;

export const ELB_QUOTAS = {
  applicationLoadBalancers: 'L-53DA6B97',
  networkLoadBalancers: 'L-69A177A2',
  classicLoadBalancers: 'L-E9E9831D',
  targetGroups: 'L-B22855CB',
  listenersPerApplicationLoadBalancer: 'L-B6DF7632',
  listenersPerNetworkLoadBalancer: 'L-57A373D6',
  listenersPerClassicLoadBalancer: 'L-1A491844',
  targetGroupsPerApplicationLoadBalancer: 'L-822D1B1B',
  instancesPerClassicLoadBalancer: 'L-CE3125E5',
} as const;

const Q = ELB_QUOTAS;

async function describeLoadBalancers(client: ElasticLoadBalancingV2Client): Promise<LoadBalancer[]> {
  const out: LoadBalancer[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client }, { PageSize: PAGE_SIZE })) {
    out.push(...(page.LoadBalancers ?? []));
  }
  return out;
}

async function describeTargetGroups(client: ElasticLoadBalancingV2Client): Promise<TargetGroup[]> {
  const out: TargetGroup[] = [];
  for await (const page of paginateDescribeTargetGroups({ client }, { PageSize: PAGE_SIZE })) {
    out.push(...(page.TargetGroups ?? []));
  }
  return out;
}

async function countListeners(
  client: ElasticLoadBalancingV2Client,
  loadBalancerArn: string,
): Promise<number> {
  let count = 0;
  for await (const page of paginateDescribeListeners(
    { client },
    { LoadBalancerArn: loadBalancerArn, PageSize: PAGE_SIZE },
  )) {
    count += page.Listeners?.length ?? 0;
  }
  return count;
}

async function findUsage(ctx: CountContext): Promise<UsageCount[]> {
  const has = new Set(ctx.quotas.map((q) => q.quotaCode));
  const needsTargetGroups = has.has(Q.targetGroups) || has.has(Q.targetGroupsPerApplicationLoadBalancer);
  const needsLoadBalancers =
    has.has(Q.applicationLoadBalancers) ||
    has.has(Q.networkLoadBalancers) ||
    has.has(Q.listenersPerApplicationLoadBalancer) ||
    has.has(Q.listenersPerNetworkLoadBalancer) ||
    has.has(Q.targetGroupsPerApplicationLoadBalancer);
  const needsClassic =
    has.has(Q.classicLoadBalancers) ||
    has.has(Q.listenersPerClassicLoadBalancer) ||
    has.has(Q.instancesPerClassicLoadBalancer);

  const v2 = needsLoadBalancers || needsTargetGroups ? ctx.session.elbv2(ctx.target) : undefined;
  const [loadBalancers, targetGroups, classic] = await Promise.all([
    v2 && needsLoadBalancers ? describeLoadBalancers(v2) : [],
    v2 && needsTargetGroups ? describeTargetGroups(v2) : [],
    needsClassic ? describeClassicLoadBalancers(ctx) : [],
  ]);

  const out: UsageCount[] = [];
  const emit = (quotaCode: string, value: number, resource?: string): void => {
    if (has.has(quotaCode))
      out.push(resource === undefined ? { quotaCode, value } : { quotaCode, value, resource });
  };

  const albs = loadBalancers.filter((lb) => lb.Type === 'application');
  const nlbs = loadBalancers.filter((lb) => lb.Type === 'network');
  emit(Q.applicationLoadBalancers, albs.length);
  emit(Q.networkLoadBalancers, nlbs.length);

  emit(Q.targetGroups, targetGroups.length);
  if (has.has(Q.targetGroupsPerApplicationLoadBalancer)) {
    const perLoadBalancer = new Map<string, number>();
    for (const tg of targetGroups) {
      for (const arn of tg.LoadBalancerArns ?? [])
        perLoadBalancer.set(arn, (perLoadBalancer.get(arn) ?? 0) + 1);
    }
    for (const alb of albs) {
      const arn = alb.LoadBalancerArn ?? '';
      emit(Q.targetGroupsPerApplicationLoadBalancer, perLoadBalancer.get(arn) ?? 0, arn);
    }
  }

  const listenerCounts = [
    ...(has.has(Q.listenersPerApplicationLoadBalancer)
      ? albs.map((lb) => ({
          quotaCode: Q.listenersPerApplicationLoadBalancer,
          arn: lb.LoadBalancerArn ?? '',
        }))
      : []),
    ...(has.has(Q.listenersPerNetworkLoadBalancer)
      ? nlbs.map((lb) => ({ quotaCode: Q.listenersPerNetworkLoadBalancer, arn: lb.LoadBalancerArn ?? '' }))
      : []),
  ];
  if (v2 && listenerCounts.length > 0) {
    const counted = await Promise.all(listenerCounts.map(({ arn }) => countListeners(v2, arn)));
    listenerCounts.forEach(({ quotaCode, arn }, i) => {
      emit(quotaCode, counted[i] ?? 0, arn);
    });
  }

  // Classic Load Balancers have no ARN in the API; their name identifies them in the target.
  emit(Q.classicLoadBalancers, classic.length);
  for (const clb of classic) {
    const name = clb.LoadBalancerName ?? '';
    emit(Q.listenersPerClassicLoadBalancer, clb.ListenerDescriptions?.length ?? 0, name);
    emit(Q.instancesPerClassicLoadBalancer, clb.Instances?.length ?? 0, name);
  }
  return out;
}

async function describeClassicLoadBalancers(ctx: CountContext): Promise<LoadBalancerDescription[]> {
  const client = ctx.session.elb(ctx.target);
  const out: LoadBalancerDescription[] = [];
  for await (const page of paginateClassicLoadBalancers({ client }, { PageSize: PAGE_SIZE })) {
    out.push(...(page.LoadBalancerDescriptions ?? []));
  }
  return out;
}

export const elb: UsageCounter = {
  serviceCode: 'elasticloadbalancing',
  global: false,
  quotas: [
    { quotaCode: Q.applicationLoadBalancers, counts: 'Application Load Balancers' },
    { quotaCode: Q.networkLoadBalancers, counts: 'Network Load Balancers' },
    { quotaCode: Q.classicLoadBalancers, counts: 'Classic Load Balancers' },
    { quotaCode: Q.targetGroups, counts: 'target groups' },
    {
      quotaCode: Q.listenersPerApplicationLoadBalancer,
      counts: 'listeners of each Application Load Balancer',
      perResource: true,
    },
    {
      quotaCode: Q.listenersPerNetworkLoadBalancer,
      counts: 'listeners of each Network Load Balancer',
      perResource: true,
    },
    {
      quotaCode: Q.listenersPerClassicLoadBalancer,
      counts: 'listeners of each Classic Load Balancer',
      perResource: true,
    },
    {
      quotaCode: Q.targetGroupsPerApplicationLoadBalancer,
      counts: 'target groups each Application Load Balancer routes to',
      perResource: true,
    },
    {
      quotaCode: Q.instancesPerClassicLoadBalancer,
      counts: 'instances registered with each Classic Load Balancer',
      perResource: true,
    },
  ],
  iamActions: [
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeLoadBalancers',
    'elasticloadbalancing:DescribeTargetGroups',
  ],
  findUsage,
};
