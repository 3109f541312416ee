/**
 * AWS's API rate quotas for the operations headroom calls, per account and region: a sustained
 * rate and a burst on top (a bucket of `perSecond + burst`). headroom paces itself to these so
 * that a sweep is throttled rarely, and the SDK's retry budget is kept for real faults.
 *
 * Sources: Service Quotas user guide, "Service Quotas values" (List* 10/s + 10, Get* 5/s + 5,
 * RequestServiceQuotaIncrease 3/s + 3); CloudWatch quotas (GetMetricData 50/s, L-5E141212,
 * adjustable); EC2 API throttling (non-mutating actions: a bucket of 100 refilled at 20 per
 * second); Route 53 API quotas (5 requests per second per account). STS, Organizations, Elastic
 * Load Balancing, ElastiCache, EKS, CloudFront and SageMaker publish no rate for the calls headroom
 * makes: the values below are assumed, low enough to be safe.
 */
export interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

const rate = (perSecond: number, burst: number): Rate => ({ perSecond, burst });

/** Keyed by SigV4 signing name, then operation. */
export const AWS_RATES: Readonly<Record<string, Readonly<Record<string, Rate>>>> = {
  servicequotas: {
    ListServices: rate(10, 10),
    ListServiceQuotas: rate(10, 10),
    ListAWSDefaultServiceQuotas: rate(10, 10),
    GetServiceQuota: rate(5, 5),
    GetAWSDefaultServiceQuota: rate(5, 5),
    GetRequestedServiceQuotaChange: rate(5, 5),
    ListRequestedServiceQuotaChangeHistory: rate(5, 5),
    ListRequestedServiceQuotaChangeHistoryByQuota: rate(5, 5),
    RequestServiceQuotaIncrease: rate(3, 3),
    StartQuotaUtilizationReport: rate(5, 5),
    GetQuotaUtilizationReport: rate(5, 5),
  },
  monitoring: {
    GetMetricData: rate(50, 0),
  },
  // Assumed: Support publishes no API rate.
  support: {
    CreateCase: rate(5, 5),
    DescribeCases: rate(5, 5),
  },
  // Assumed: STS documents no per-operation rate.
  sts: {
    AssumeRole: rate(100, 0),
    GetCallerIdentity: rate(100, 0),
  },
  // Assumed.
  organizations: { ListAccounts: rate(10, 10), DescribeOrganization: rate(10, 10) },
  ec2: Object.fromEntries(
    [
      'DescribeRegions',
      'DescribeInstances',
      'DescribeInstanceTypes',
      'DescribeAddresses',
      'DescribeVolumes',
      'DescribeSnapshots',
    ].map((operation) => [operation, rate(20, 80)]),
  ),
  // SageMaker publishes none; ListTrainingJobs is reported held to 2 per second (deepracer-on-aws#87).
  sagemaker: {
    ListTrainingJobs: rate(2, 0),
  },
  route53: {
    ListHostedZones: rate(5, 0),
    ListHealthChecks: rate(5, 0),
    ListResourceRecordSets: rate(5, 0),
    GetHostedZoneCount: rate(5, 0),
  },
};

/** Every other operation of these services (all assumed): 10 per second with a burst of 10. */
export const SERVICE_RATES: Readonly<Record<string, Rate>> = {
  elasticloadbalancing: rate(10, 10),
  elb: rate(10, 10),
  elasticache: rate(10, 10),
  eks: rate(10, 10),
  cloudfront: rate(10, 10),
  sagemaker: rate(10, 10),
  organizations: rate(10, 10),
  ec2: rate(20, 80),
  route53: rate(5, 0),
};

/**
 * Services whose rate is one budget for every operation of an account (Route 53: 5 requests per
 * second per account, whatever the call), paced with one bucket rather than one per operation.
 */
export const SHARED_RATE_SERVICES: ReadonlySet<string> = new Set(['route53']);

/** Operations with no known rate fall back to Service Quotas' Get* rate: slow but never wrong. */
export const FALLBACK_RATE: Rate = rate(5, 5);

/**
 * headroom paces a little under AWS's rate: AWS's bucket starts when the first request arrives,
 * ours when it leaves, and connection set-up delays the first arrivals more than later ones, so
 * pacing at exactly the rate gets throttled now and then.
 */
export const PACING_MARGIN = 0.95;

/** The rate headroom paces an operation at: AWS's, with the margin, the burst one smaller. */
export function pacedRate(service: string, operation: string): Rate {
  const aws = AWS_RATES[service]?.[operation] ?? SERVICE_RATES[service] ?? FALLBACK_RATE;
  return { perSecond: aws.perSecond * PACING_MARGIN, burst: Math.max(0, aws.burst - 1) };
}
