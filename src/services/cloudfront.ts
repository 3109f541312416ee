/**
 * CloudFront's usage counter (global: counted once per account, in us-east-1). Every page of
 * ListDistributions gives everything counted, with no call per distribution:
 *
 * - Web distributions (L-24B04930): the distributions listed.
 * - Per distribution, named by its ARN: alternate domain names (L-AAD4943E), cache behaviors
 *   (L-F432D044; the default cache behavior counts too, as the quota counts it), origins
 *   (L-B4048FB4) and origin groups (L-1B2BD627).
 */
import { type DistributionSummary, paginateListDistributions } from '@aws-sdk/client-cloudfront';
import type { UsageCount, UsageCounter } from './service.js';

export const WEB_DISTRIBUTIONS = 'L-24B04930';
export const CNAMES_PER_DISTRIBUTION = 'L-AAD4943E';
export const CACHE_BEHAVIORS_PER_DISTRIBUTION = 'L-F432D044';
export const ORIGINS_PER_DISTRIBUTION = 'L-B4048FB4';
export const ORIGIN_GROUPS_PER_DISTRIBUTION = 'L-1B2BD627';

/** CloudFront's default page (it documents no larger one). */
const PAGE_SIZE = 100;

/** The size of one of CloudFront's `{Quantity, Items}` lists. */
function sizeOf(list: { Quantity?: number; Items?: readonly unknown[] } | undefined): number {
  return list?.Quantity ?? list?.Items?.length ?? 0;
}

const PER_DISTRIBUTION: readonly [string, (d: DistributionSummary) => number][] = [
  [CNAMES_PER_DISTRIBUTION, (d) => sizeOf(d.Aliases)],
  [CACHE_BEHAVIORS_PER_DISTRIBUTION, (d) => 1 + sizeOf(d.CacheBehaviors)],
  [ORIGINS_PER_DISTRIBUTION, (d) => sizeOf(d.Origins)],
  [ORIGIN_GROUPS_PER_DISTRIBUTION, (d) => sizeOf(d.OriginGroups)],
];

export const cloudFront: UsageCounter = {
  serviceCode: 'cloudfront',
  global: true,
  quotas: [
    { quotaCode: WEB_DISTRIBUTIONS, counts: 'web distributions' },
    {
      quotaCode: CNAMES_PER_DISTRIBUTION,
      counts: 'alternate domain names (CNAMEs) of each distribution',
      perResource: true,
    },
    {
      quotaCode: CACHE_BEHAVIORS_PER_DISTRIBUTION,
      counts: 'cache behaviors of each distribution, the default one included',
      perResource: true,
    },
    { quotaCode: ORIGINS_PER_DISTRIBUTION, counts: 'origins of each distribution', perResource: true },
    {
      quotaCode: ORIGIN_GROUPS_PER_DISTRIBUTION,
      counts: 'origin groups of each distribution',
      perResource: true,
    },
  ],
  iamActions: ['cloudfront:ListDistributions'],

  async findUsage(ctx) {
    const has = new Set(ctx.quotas.map((q) => q.quotaCode));
    const perDistribution = PER_DISTRIBUTION.filter(([code]) => has.has(code));
    if (!has.has(WEB_DISTRIBUTIONS) && perDistribution.length === 0) return [];
    const client = ctx.session.cloudFront(ctx.target.accountId);
    const distributions: DistributionSummary[] = [];
    for await (const page of paginateListDistributions({ client, pageSize: PAGE_SIZE }, {})) {
      distributions.push(...(page.DistributionList?.Items ?? []));
    }
    const counts: UsageCount[] = [];
    if (has.has(WEB_DISTRIBUTIONS))
      counts.push({ quotaCode: WEB_DISTRIBUTIONS, value: distributions.length });
    for (const distribution of distributions) {
      const resource = distribution.ARN ?? distribution.Id ?? '';
      for (const [quotaCode, count] of perDistribution) {
        counts.push({ quotaCode, value: count(distribution), resource });
      }
    }
    return counts;
  },
};
