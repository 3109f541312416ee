/**
 * Builds the sandbox's quota catalog from the real default-quota catalog
 * (`data/aws-default-quotas.json`, provenance in `data/aws-default-quotas.SOURCES.md`).
 *
 * The real catalog has only 3 verified usage metrics and units on about a tenth of its entries.
 * The sandbox needs usage metrics on a realistic share of quotas, so this adds them by rules that
 * follow how AWS names things, and lists every field it added in `_synthetic` on the entry:
 *
 * - API-rate quotas named after an operation ("Rate of DescribeX requests", "X Transactions per
 *   Second", "X requests per second") get an `AWS/Usage` `CallCount` metric (`Type=API`,
 *   `Resource=<operation>`, statistic Sum). Every rate quota gets the Period its name states
 *   (one second for "per second" and "rate"), as AWS gives rate quotas a Period.
 * - Account- or Region-wide resource counts ("Internet gateways per Region", "Number of …") get a
 *   `ResourceCount` metric (`Type=Resource`, statistic Maximum). Per-resource quotas ("… per VPC")
 *   get none: AWS has no account-level metric for them (those are usage counters' work).
 * - EC2 instance-family quotas get the vCPU metric with the family's `Class`, the shape of the two
 *   real EC2 entries.
 * - Quotas of the global services (IAM, CloudFront, Route 53, Organizations, WAF Classic, Shield)
 *   are marked GlobalQuota; units "None" are filled where the catalog is silent.
 *
 * Pure: the same input always gives the same output; `scripts/build-sandbox-catalog.ts` writes it
 * and a test checks the committed file is current.
 */

/** What every entry of both catalogs has, and the sandbox never changes. */
interface QuotaIdentity {
  ServiceCode: string;
  ServiceName: string;
  QuotaCode: string;
  QuotaName: string;
  Value: number;
  Adjustable: boolean;
}

export interface RawQuota extends QuotaIdentity {
  Unit?: string;
  GlobalQuota?: boolean;
  UsageMetric?: UsageMetric;
  _valueEuWest2_2022?: number;
  _source?: string;
}

export interface UsageMetric {
  MetricNamespace: string;
  MetricName: string;
  MetricDimensions: Record<string, string>;
  MetricStatisticRecommendation: 'Sum' | 'Maximum';
}

export interface QuotaPeriod {
  PeriodValue: number;
  PeriodUnit: 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';
}

export interface SandboxQuota extends QuotaIdentity {
  Unit: string;
  GlobalQuota: boolean;
  UsageMetric?: UsageMetric;
  Period?: QuotaPeriod;
  /** Defaults that differ by region, e.g. `{ "eu-west-2": 300 }` from the 2022 eu-west-2 dump. */
  RegionalValues?: Record<string, number>;
  /** Names of the fields above that the sandbox invented; absent when every field is real. */
  _synthetic?: string[];
}

export interface SandboxCatalogFile {
  _about: string;
  quotas: SandboxQuota[];
}

const GLOBAL_SERVICES = new Set(['iam', 'cloudfront', 'route53', 'organizations', 'waf', 'shield']);

/** The `Service` dimension AWS/Usage uses for a service code, where it differs from a cleaned name. */
const USAGE_SERVICE_NAMES: Record<string, string> = {
  ec2: 'EC2',
  ebs: 'EBS',
  vpc: 'VPC',
  lambda: 'Lambda',
  elasticloadbalancing: 'Elastic Load Balancing',
  cloudformation: 'CloudFormation',
  dynamodb: 'DynamoDB',
  sns: 'SNS',
  sqs: 'SQS',
  kms: 'KMS',
  monitoring: 'CloudWatch',
  logs: 'Logs',
  acm: 'Certificate Manager',
  iam: 'IAM',
  ecs: 'ECS',
  eks: 'EKS',
  fargate: 'Fargate',
  elasticache: 'ElastiCache',
  rds: 'RDS',
  route53: 'Route 53',
  cloudfront: 'CloudFront',
  sagemaker: 'SageMaker',
  apigateway: 'API Gateway',
  s3: 'S3',
  ssm: 'SSM',
  states: 'States',
  events: 'Events',
  kinesis: 'Kinesis',
};

function usageServiceName(quota: RawQuota): string {
  const known = USAGE_SERVICE_NAMES[quota.ServiceCode];
  if (known) return known;
  return quota.ServiceName.replace(/\s*\(.*\)\s*/g, '')
    .replace(/^(Amazon|AWS)\s+/, '')
    .trim();
}

const OPERATION = /^[A-Z][a-z]+[A-Z][A-Za-z0-9]+$/;
const RATE_NAMES: readonly RegExp[] = [
  /^Rate of (\w+) requests$/,
  /^Rate of (\w+) API requests$/,
  /^(\w+) Transactions per Second$/,
  /^(\w+) requests per second$/,
  /^(\w+) (?:operation )?per account(?: steady)? rate$/,
  /^(\w+) rate quota$/,
  /^(\w+) API rate$/,
];

/** Rate quotas named after what they count rather than the operation. */
const OPERATION_BY_NAME: Record<string, string> = {
  'Messages Published per Second': 'Publish',
};

function rateOperation(name: string): string | undefined {
  const known = OPERATION_BY_NAME[name];
  if (known !== undefined) return known;
  for (const pattern of RATE_NAMES) {
    const operation = pattern.exec(name)?.[1];
    if (operation !== undefined && OPERATION.test(operation)) return operation;
  }
  return undefined;
}

const NOT_A_COUNT =
  /(size|length|character|bytes|duration|second|minute|hour|month|burst|rate|requests|throughput|bandwidth|storage|\bGiB\b|\bTiB\b|\bMiB\b|\bMB\b|\bGB\b|timeout|period|days|percent|IOPS)/i;

const ACCOUNT_WIDE = / per (Region|region|account|Account|AWS account)$/;

function isAccountWideCount(quota: RawQuota): boolean {
  const name = quota.QuotaName;
  if (quota.Value < 1 || NOT_A_COUNT.test(name)) return false;
  // "Targets per Target Group per Region" is per target group: per-resource quotas get no metric.
  const scope = name.replace(ACCOUNT_WIDE, '');
  if (scope.includes(' per ')) return false;
  if (scope !== name) return true;
  if (/^(Number of|Maximum number of) /.test(name)) return true;
  return /^[A-Z][a-z]/.test(name) && name.endsWith('s');
}

/** `Running On-Demand Standard (A, C, …) instances` → `Standard`; `G and VT` → `G`; `High Memory` → `HighMem`. */
function ec2Family(name: string): { family: string; market: 'OnDemand' | 'Spot' } | undefined {
  const onDemand = /^Running On-Demand (.+) instances$/.exec(name)?.[1];
  const spot = /^All (.+) Spot Instance Requests$/.exec(name)?.[1];
  const label = onDemand ?? spot;
  if (label === undefined) return undefined;
  const family = label.startsWith('Standard')
    ? 'Standard'
    : label === 'High Memory'
      ? 'HighMem'
      : (label.split(/[\s,]+/)[0] ?? label);
  return { family, market: onDemand !== undefined ? 'OnDemand' : 'Spot' };
}

function resourceSlug(name: string): string {
  const thing = name
    .replace(/^(Number of|Maximum number of)\s+/, '')
    .replace(/\s+per (Region|region|account|Account|AWS account)$/, '')
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .trim();
  return thing
    .split(/\s+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

function periodFromName(name: string): QuotaPeriod | undefined {
  if (/per second|Transactions per Second|\brate\b|^Rate of /i.test(name))
    return { PeriodValue: 1, PeriodUnit: 'SECOND' };
  if (/per minute/i.test(name)) return { PeriodValue: 1, PeriodUnit: 'MINUTE' };
  if (/per hour/i.test(name)) return { PeriodValue: 1, PeriodUnit: 'HOUR' };
  if (/per day/i.test(name)) return { PeriodValue: 1, PeriodUnit: 'DAY' };
  return undefined;
}

function metricKey(metric: UsageMetric): string {
  const dims = Object.entries(metric.MetricDimensions)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${metric.MetricNamespace}|${metric.MetricName}|${dims}`;
}

export function enrichCatalog(raw: readonly RawQuota[]): SandboxCatalogFile {
  const usedMetricKeys = new Set<string>();
  for (const quota of raw) if (quota.UsageMetric) usedMetricKeys.add(metricKey(quota.UsageMetric));

  const quotas = raw.map((quota): SandboxQuota => {
    const synthetic: string[] = [];
    const out: SandboxQuota = {
      ServiceCode: quota.ServiceCode,
      ServiceName: quota.ServiceName,
      QuotaCode: quota.QuotaCode,
      QuotaName: quota.QuotaName,
      Value: quota.Value,
      Adjustable: quota.Adjustable,
      Unit: quota.Unit ?? 'None',
      GlobalQuota: quota.GlobalQuota ?? GLOBAL_SERVICES.has(quota.ServiceCode),
    };
    if (quota.Unit === undefined) synthetic.push('Unit');
    if (quota.GlobalQuota === undefined) synthetic.push('GlobalQuota');
    if (quota._valueEuWest2_2022 !== undefined)
      out.RegionalValues = { 'eu-west-2': quota._valueEuWest2_2022 };

    let metric = quota.UsageMetric;
    let period: QuotaPeriod | undefined;
    if (metric === undefined) {
      const operation = rateOperation(quota.QuotaName);
      const family = ec2Family(quota.QuotaName);
      if (operation !== undefined) {
        metric = {
          MetricNamespace: 'AWS/Usage',
          MetricName: 'CallCount',
          MetricDimensions: {
            Class: 'None',
            Resource: operation,
            Service: usageServiceName(quota),
            Type: 'API',
          },
          MetricStatisticRecommendation: 'Sum',
        };
        period = { PeriodValue: 1, PeriodUnit: 'SECOND' };
      } else if (family !== undefined && quota.ServiceCode === 'ec2') {
        metric = {
          MetricNamespace: 'AWS/Usage',
          MetricName: 'ResourceCount',
          MetricDimensions: {
            Class: `${family.family}/${family.market}`,
            Resource: 'vCPU',
            Service: 'EC2',
            Type: 'Resource',
          },
          MetricStatisticRecommendation: 'Maximum',
        };
      } else if (isAccountWideCount(quota)) {
        metric = {
          MetricNamespace: 'AWS/Usage',
          MetricName: 'ResourceCount',
          MetricDimensions: {
            Class: 'None',
            Resource: resourceSlug(quota.QuotaName),
            Service: usageServiceName(quota),
            Type: 'Resource',
          },
          MetricStatisticRecommendation: 'Maximum',
        };
      }
      // One metric per quota: SERVICE_QUOTA(m) must find exactly one quota for a metric.
      if (metric !== undefined) {
        const key = metricKey(metric);
        if (usedMetricKeys.has(key)) metric = undefined;
        else {
          usedMetricKeys.add(key);
          synthetic.push('UsageMetric');
        }
      }
    }
    if (metric !== undefined) out.UsageMetric = metric;
    // Rate quotas carry their period whether or not they have a usage metric.
    period ??= periodFromName(quota.QuotaName);
    if (period !== undefined) {
      out.Period = period;
      synthetic.push('Period');
    }
    if (synthetic.length > 0) out._synthetic = synthetic;
    return out;
  });

  return {
    _about:
      'Generated by scripts/build-sandbox-catalog.ts from aws-default-quotas.json (see aws-default-quotas.SOURCES.md). ' +
      "Fields named in an entry's _synthetic were added for the sandbox and are not AWS data; RegionalValues come from the 2022 eu-west-2 dump.",
    quotas,
  };
}
