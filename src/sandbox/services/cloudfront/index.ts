/**
 * CloudFront (`cloudfront`, REST-XML 2020-05-31): ListDistributions over the account's seeded
 * distributions (./resources.ts), as DistributionSummary elements with every member the model
 * requires, so the SDKs and both AWS CLIs read them whole.
 *
 * Pages are CloudFront's own: `Marker` is the id of the last distribution of the page before, the
 * reply lists the ones after it, and NextMarker is the last id of this page. CloudFront publishes
 * no rate for ListDistributions: 10 per second with a burst of 10 is assumed. CloudFront is global:
 * whatever region a request is signed for, it reads the account's one set of distributions.
 */
import { AwsError, type ErrorDialect } from '../../core/errors.js';
import type { Handler, RateLimit, ServiceDefinition } from '../../core/service.js';
import { integer, string, structure } from '../../core/shapes.js';
import { xmlList } from '../../core/xml.js';
import {
  CLOUDFRONT_HOME,
  type CacheBehavior,
  type Distribution,
  type Origin,
  type OriginGroup,
  cloudFrontResources,
} from './resources.js';

const RATE: RateLimit = { perSecond: 10, burst: 10 };
const DEFAULT_PAGE = 100;
// CloudFront documents no largest page; assumed.
const LARGEST_PAGE = 1000;
// The id of AWS's managed cache policy "Managed-CachingOptimized".
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';

const invalidArgument = (message: string): AwsError => new AwsError('InvalidArgument', message, 400);

const dialect: ErrorDialect = {
  validation: invalidArgument,
  serialization: invalidArgument,
  throttling: () => new AwsError('Throttling', 'Rate exceeded', 400),
  accessDenied: (message) => new AwsError('AccessDenied', message, 403),
  internalFailure: () => new AwsError('InternalFailure', 'An internal error occurred.', 500),
  serviceUnavailable: () => new AwsError('ServiceUnavailable', 'Service is unavailable, please retry.', 503),
};

/** CloudFront's `{Quantity, Items}` lists: Items is left out when there are none, as CloudFront does. */
function quantityList(member: string, items: readonly unknown[]): Record<string, unknown> {
  return { Quantity: items.length, Items: items.length === 0 ? undefined : xmlList(member, items) };
}

const METHODS = quantityList('Method', ['HEAD', 'GET']);

function behaviorXml(targetOriginId: string): Record<string, unknown> {
  return {
    TargetOriginId: targetOriginId,
    TrustedSigners: { Enabled: false, Quantity: 0 },
    TrustedKeyGroups: { Enabled: false, Quantity: 0 },
    ViewerProtocolPolicy: 'redirect-to-https',
    AllowedMethods: { ...METHODS, CachedMethods: METHODS },
    SmoothStreaming: false,
    Compress: true,
    LambdaFunctionAssociations: { Quantity: 0 },
    FunctionAssociations: { Quantity: 0 },
    FieldLevelEncryptionId: '',
    CachePolicyId: CACHING_OPTIMIZED,
  };
}

function cacheBehaviorXml(behavior: CacheBehavior): Record<string, unknown> {
  return { PathPattern: behavior.pathPattern, ...behaviorXml(behavior.targetOriginId) };
}

function originXml(origin: Origin): Record<string, unknown> {
  return {
    Id: origin.id,
    DomainName: origin.domainName,
    OriginPath: '',
    CustomHeaders: { Quantity: 0 },
    S3OriginConfig: origin.kind === 's3' ? { OriginAccessIdentity: '' } : undefined,
    CustomOriginConfig:
      origin.kind === 'custom'
        ? {
            HTTPPort: 80,
            HTTPSPort: 443,
            OriginProtocolPolicy: 'https-only',
            OriginSslProtocols: quantityList('SslProtocol', ['TLSv1.2']),
            OriginReadTimeout: 30,
            OriginKeepaliveTimeout: 5,
          }
        : undefined,
    ConnectionAttempts: 3,
    ConnectionTimeout: 10,
    OriginShield: { Enabled: false },
    OriginAccessControlId: '',
  };
}

function originGroupXml(group: OriginGroup): Record<string, unknown> {
  return {
    Id: group.id,
    FailoverCriteria: { StatusCodes: quantityList('StatusCode', [500, 502, 503, 504]) },
    Members: quantityList(
      'OriginGroupMember',
      group.members.map((originId) => ({ OriginId: originId })),
    ),
  };
}

function summaryXml(distribution: Distribution, accountId: string): Record<string, unknown> {
  const named = distribution.aliases.length > 0;
  return {
    Id: distribution.id,
    ARN: distribution.arn,
    Status: 'Deployed',
    LastModifiedTime: distribution.lastModified,
    DomainName: distribution.domainName,
    Aliases: quantityList('CNAME', distribution.aliases),
    Origins: quantityList('Origin', distribution.origins.map(originXml)),
    OriginGroups: quantityList('OriginGroup', distribution.originGroups.map(originGroupXml)),
    DefaultCacheBehavior: behaviorXml(distribution.origins[0]?.id ?? ''),
    CacheBehaviors: quantityList('CacheBehavior', distribution.cacheBehaviors.map(cacheBehaviorXml)),
    CustomErrorResponses: { Quantity: 0 },
    Comment: distribution.comment,
    PriceClass: distribution.priceClass,
    Enabled: distribution.enabled,
    ViewerCertificate: named
      ? {
          ACMCertificateArn: `arn:aws:acm:us-east-1:${accountId}:certificate/${distribution.certificateId}`,
          SSLSupportMethod: 'sni-only',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          CertificateSource: 'acm',
        }
      : {
          CloudFrontDefaultCertificate: true,
          SSLSupportMethod: 'vip',
          MinimumProtocolVersion: 'TLSv1',
          CertificateSource: 'cloudfront',
        },
    Restrictions: { GeoRestriction: { RestrictionType: 'none', Quantity: 0 } },
    WebACLId: '',
    HttpVersion: 'http2',
    IsIPV6Enabled: true,
    Staging: false,
  };
}

const listDistributions: Handler = (ctx, input) => {
  const { distributions } = ctx.world.resources.of(cloudFrontResources, ctx.account, CLOUDFRONT_HOME);
  const marker = input.Marker as string | undefined;
  let start = 0;
  if (marker !== undefined && marker !== '') {
    const at = distributions.findIndex((d) => d.id === marker);
    // AWS does not document the answer to a marker that names no distribution; assumed.
    if (at < 0) throw invalidArgument(`The marker is not valid: ${marker}`);
    start = at + 1;
  }
  const size = Math.min(
    (input.MaxItems as number | undefined) ?? DEFAULT_PAGE,
    LARGEST_PAGE,
    ctx.pageSize ?? Number.POSITIVE_INFINITY,
  );
  const page = distributions.slice(start, start + size);
  const truncated = start + size < distributions.length;
  return {
    Marker: marker ?? '',
    NextMarker: truncated ? page[page.length - 1]?.id : undefined,
    MaxItems: size,
    IsTruncated: truncated,
    ...quantityList(
      'DistributionSummary',
      page.map((d) => summaryXml(d, ctx.account.id)),
    ),
  };
};

export const cloudFront: ServiceDefinition = {
  signingName: 'cloudfront',
  rest: { kind: 'xml', xmlNamespace: 'http://cloudfront.amazonaws.com/doc/2020-05-31/' },
  dialect,
  operations: {
    ListDistributions: {
      input: structure({ Marker: string(), MaxItems: integer({ min: 1 }) }),
      handler: listDistributions,
      rate: RATE,
      xmlRoot: 'DistributionList',
      http: {
        method: 'GET',
        path: '/2020-05-31/distribution',
        query: { Marker: 'Marker', MaxItems: 'MaxItems' },
      },
    },
  },
};
