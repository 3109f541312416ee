/**
 * CloudFront's seeded resources: each account's web distributions with their alternate domain
 * names, origins, origin groups and cache behaviors. CloudFront is global: everything lives in the
 * account's us-east-1 scope, and other regions hold nothing.
 *
 * Sizes follow the account's applied quotas: a few distributions (low against 200), few names,
 * origins and groups per distribution, and one distribution per account (the first made) whose
 * cache behaviors (the default one included) are near, but under, their limit.
 */
import { identifier } from '../../core/random.js';
import { type ResourceModel, type ResourceScope, countBetween } from '../../world/resources.js';

export const CLOUDFRONT_HOME = 'us-east-1';

export const DISTRIBUTIONS = 'L-24B04930';
export const CNAMES_PER_DISTRIBUTION = 'L-AAD4943E';
export const CACHE_BEHAVIORS_PER_DISTRIBUTION = 'L-F432D044';
export const ORIGINS_PER_DISTRIBUTION = 'L-B4048FB4';
export const ORIGIN_GROUPS_PER_DISTRIBUTION = 'L-1B2BD627';

export interface Origin {
  readonly id: string;
  readonly domainName: string;
  /** An S3 bucket (S3OriginConfig) or a custom HTTP origin (CustomOriginConfig). */
  readonly kind: 's3' | 'custom';
}

export interface OriginGroup {
  readonly id: string;
  /** The two origins of the group, primary first. */
  readonly members: readonly [string, string];
}

export interface CacheBehavior {
  readonly pathPattern: string;
  readonly targetOriginId: string;
}

export interface Distribution {
  readonly id: string;
  readonly arn: string;
  readonly domainName: string;
  readonly lastModified: Date;
  readonly comment: string;
  readonly enabled: boolean;
  readonly priceClass: 'PriceClass_100' | 'PriceClass_200' | 'PriceClass_All';
  readonly aliases: readonly string[];
  /** The ACM certificate the aliases are served with. */
  readonly certificateId: string;
  readonly origins: readonly Origin[];
  readonly originGroups: readonly OriginGroup[];
  /** The cache behaviors besides the default one. */
  readonly cacheBehaviors: readonly CacheBehavior[];
}

export interface CloudFrontResources {
  /** Sorted by id, the order ListDistributions pages through them. */
  readonly distributions: readonly Distribution[];
}

const SITES = ['www', 'shop', 'media', 'docs', 'app', 'assets', 'downloads', 'blog'];
const PATHS = ['/api/*', '/static/*', '/images/*', '/video/*', '/downloads/*', '/assets/*', '/docs/*'];
// 2023-01-01T00:00:00Z: distributions were last changed some time in the two years after.
const EPOCH = Date.UTC(2023, 0, 1);
const TWO_YEARS_MS = 2 * 365 * 86_400_000;

function uuid(...parts: (string | number)[]): string {
  const hex = identifier(32, 'hex', ...parts);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A limit to size against: the seeded one, else AWS's default. */
function limitOf(scope: ResourceScope, quotaCode: string, fallback: number): number {
  const limit = scope.limit('cloudfront', quotaCode);
  return limit > 0 ? limit : fallback;
}

function makeDistribution(scope: ResourceScope, index: number): Distribution {
  const { account, seed } = scope;
  const part = (name: string): string => `${name}-${String(index)}`;
  const id = `E${identifier(13, 'upper', seed, account.id, 'cloudfront', 'distribution', index)}`;
  const site = SITES[index % SITES.length] ?? 'site';
  const host = `${site}${index === 0 ? '' : String(index)}.${account.name}.example.com`;

  const originCount = Math.min(
    countBetween(scope, 1, 4, 'cloudfront', part('origins')),
    limitOf(scope, ORIGINS_PER_DISTRIBUTION, 25),
  );
  const origins: Origin[] = Array.from({ length: originCount }, (_, o) =>
    o % 2 === 0
      ? {
          id: `s3-${site}-${String(o)}`,
          domainName: `${account.name}-${site}-${String(o)}.s3.amazonaws.com`,
          kind: 's3',
        }
      : { id: `app-${site}-${String(o)}`, domainName: `origin${String(o)}.${host}`, kind: 'custom' },
  );

  // A group fails over between two origins; each pair of origins makes at most one group.
  const groupCount = Math.min(
    countBetween(scope, 0, Math.floor(originCount / 2), 'cloudfront', part('groups')),
    limitOf(scope, ORIGIN_GROUPS_PER_DISTRIBUTION, 10),
  );
  const originGroups: OriginGroup[] = Array.from({ length: groupCount }, (_, g) => ({
    id: `group-${site}-${String(g)}`,
    members: [origins[2 * g]?.id ?? '', origins[2 * g + 1]?.id ?? ''],
  }));

  // The first distribution's cache behaviors (with the default one) are near their limit.
  const behaviorLimit = limitOf(scope, CACHE_BEHAVIORS_PER_DISTRIBUTION, 25);
  const behaviorCount =
    index === 0
      ? Math.min(
          behaviorLimit - 2,
          Math.floor(behaviorLimit * (0.8 + 0.1 * scope.unit('cloudfront', 'busiest'))) - 1,
        )
      : countBetween(scope, 0, 5, 'cloudfront', part('behaviors'));
  const cacheBehaviors: CacheBehavior[] = Array.from({ length: Math.max(0, behaviorCount) }, (_, b) => ({
    pathPattern: `/v${String(Math.floor(b / PATHS.length))}${PATHS[b % PATHS.length] ?? '/*'}`,
    targetOriginId: origins[b % origins.length]?.id ?? '',
  }));

  const aliasCount = Math.min(
    countBetween(scope, 0, 4, 'cloudfront', part('aliases')),
    limitOf(scope, CNAMES_PER_DISTRIBUTION, 100),
  );
  const aliases = Array.from({ length: aliasCount }, (_, a) => (a === 0 ? host : `alt${String(a)}.${host}`));

  const priceClasses = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;
  return {
    id,
    arn: `arn:aws:cloudfront::${account.id}:distribution/${id}`,
    domainName: `d${identifier(13, 'lower', seed, account.id, 'cloudfront', 'domain', index)}.cloudfront.net`,
    lastModified: new Date(EPOCH + Math.floor(scope.unit('cloudfront', part('modified')) * TWO_YEARS_MS)),
    comment: `${site} for ${account.name}`,
    enabled: scope.unit('cloudfront', part('enabled')) < 0.9,
    priceClass: priceClasses[index % priceClasses.length] ?? 'PriceClass_All',
    aliases,
    certificateId: uuid(seed, account.id, 'cloudfront', 'certificate', index),
    origins,
    originGroups,
    cacheBehaviors,
  };
}

export const cloudFrontResources: ResourceModel<CloudFrontResources> = {
  name: 'cloudfront',
  generate(scope) {
    if (scope.region !== CLOUDFRONT_HOME) return { distributions: [] };
    const count = Math.min(
      countBetween(scope, 1, 5, 'cloudfront', 'distributions'),
      limitOf(scope, DISTRIBUTIONS, 200) - 1,
    );
    const distributions = Array.from({ length: count }, (_, i) => makeDistribution(scope, i));
    return { distributions: distributions.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
  },
  usage(resources, scope) {
    if (scope.region !== CLOUDFRONT_HOME) return new Map();
    return new Map([[`cloudfront/${DISTRIBUTIONS}`, resources.distributions.length]]);
  },
};
