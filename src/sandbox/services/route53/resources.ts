/**
 * Route 53's seeded resources: each account's hosted zones (public and private, with their record
 * counts and, for private zones, the VPCs associated with them) and health checks. Route 53 is
 * global: everything lives in the account's us-east-1 scope, and other regions hold nothing.
 *
 * Sizes follow the account's applied quotas: a handful of zones and health checks (low against
 * 500 and 200), and one zone per account whose record count is near, but under, its limit.
 */
import { identifier } from '../../core/random.js';
import { type ResourceModel, type ResourceScope, countBetween } from '../../world/resources.js';

export const ROUTE53_HOME = 'us-east-1';

export const HOSTED_ZONES = 'L-4EA4796A';
export const HEALTH_CHECKS = 'L-ACB674F3';
export const RECORDS_PER_ZONE = 'L-E209CC9F';
export const VPCS_PER_ZONE = 'L-84B40094';

export interface ZoneVpc {
  readonly region: string;
  readonly vpcId: string;
}

export interface HostedZone {
  /** The bare id (`Z…`); the API shows it as `/hostedzone/Z…`. */
  readonly id: string;
  /** Fully qualified, with the trailing dot: `production.example.com.`. */
  readonly name: string;
  readonly callerReference: string;
  readonly comment: string;
  readonly privateZone: boolean;
  readonly recordSetCount: number;
  /** Private zones: the VPCs associated with the zone (at least one); public zones: none. */
  readonly vpcs: readonly ZoneVpc[];
  /** Public zones: the four name servers of the zone's delegation set. */
  readonly nameServers: readonly string[];
}

export interface HealthCheck {
  readonly id: string;
  readonly callerReference: string;
  readonly type: 'HTTP' | 'HTTPS' | 'TCP';
  readonly fqdn: string;
  readonly port: number;
  /** HTTP and HTTPS checks only. */
  readonly resourcePath: string | undefined;
  readonly requestInterval: 10 | 30;
  readonly failureThreshold: number;
  readonly version: number;
}

export interface Route53Resources {
  /** Sorted by id, the order ListHostedZones pages through them. */
  readonly hostedZones: readonly HostedZone[];
  /** Sorted by id. */
  readonly healthChecks: readonly HealthCheck[];
}

const LABELS = ['api', 'www', 'shop', 'status', 'auth', 'docs', 'cdn', 'mail', 'billing', 'search'];
const VPC_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

/** A limit to size against: the seeded one, else AWS's default. */
function limitOf(scope: ResourceScope, quotaCode: string, fallback: number): number {
  const limit = scope.limit('route53', quotaCode);
  return limit > 0 ? limit : fallback;
}

function uuid(...parts: (string | number)[]): string {
  const hex = identifier(32, 'hex', ...parts);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function makeZones(scope: ResourceScope): HostedZone[] {
  const { account, seed } = scope;
  const count = Math.min(
    countBetween(scope, 3, 8, 'route53', 'zones'),
    limitOf(scope, HOSTED_ZONES, 500) - 1,
  );
  const recordLimit = limitOf(scope, RECORDS_PER_ZONE, 10_000);
  const vpcLimit = limitOf(scope, VPCS_PER_ZONE, 300);
  const zones: HostedZone[] = [];
  for (let i = 0; i < count; i++) {
    // The account's apex zone is public and the busiest; the second is always private, so every
    // account has one of each; the rest are private one time in three.
    const privateZone = i === 1 || (i > 1 && scope.unit('route53', 'zone-private', i) < 1 / 3);
    const label = LABELS[i % LABELS.length] ?? 'zone';
    const name =
      i === 0
        ? `${account.name}.example.com.`
        : privateZone
          ? `${label}${i}.${account.name}.internal.`
          : `${label}${i}.${account.name}.example.com.`;
    const recordSetCount =
      i === 0
        ? Math.min(recordLimit - 1, Math.floor(recordLimit * (0.85 + 0.1 * scope.unit('route53', 'busiest'))))
        : countBetween(scope, 2, 400, 'route53', 'records', String(i));
    const vpcCount = privateZone
      ? Math.min(vpcLimit, countBetween(scope, 1, 4, 'route53', 'vpcs', String(i)))
      : 0;
    const vpcs = Array.from({ length: vpcCount }, (_, v) => ({
      region: VPC_REGIONS[v % VPC_REGIONS.length] ?? ROUTE53_HOME,
      vpcId: `vpc-${identifier(17, 'hex', seed, account.id, 'route53', 'vpc', i, v)}`,
    }));
    const nsGroup = countBetween(scope, 1, 2047, 'route53', 'ns', String(i));
    const nameServers = privateZone
      ? []
      : [
          `ns-${nsGroup}.awsdns-${String(nsGroup % 64).padStart(2, '0')}.org`,
          `ns-${(nsGroup + 512) % 2048}.awsdns-${String((nsGroup + 1) % 64).padStart(2, '0')}.co.uk`,
          `ns-${(nsGroup + 1024) % 2048}.awsdns-${String((nsGroup + 2) % 64).padStart(2, '0')}.com`,
          `ns-${(nsGroup + 1536) % 2048}.awsdns-${String((nsGroup + 3) % 64).padStart(2, '0')}.net`,
        ];
    zones.push({
      id: `Z${identifier(20, 'upper', seed, account.id, 'route53', 'zone', i)}`,
      name,
      callerReference: uuid(seed, account.id, 'route53', 'zone-ref', i),
      comment: privateZone ? `Private zone for ${account.name}` : `Public zone for ${account.name}`,
      privateZone,
      recordSetCount,
      vpcs,
      nameServers,
    });
  }
  return zones.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function makeHealthChecks(scope: ResourceScope): HealthCheck[] {
  const { account, seed } = scope;
  const count = Math.min(
    countBetween(scope, 0, 6, 'route53', 'health-checks'),
    limitOf(scope, HEALTH_CHECKS, 200) - 1,
  );
  const checks: HealthCheck[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3 === 0 ? 'HTTPS' : i % 3 === 1 ? 'HTTP' : 'TCP';
    const label = LABELS[i % LABELS.length] ?? 'check';
    checks.push({
      id: uuid(seed, account.id, 'route53', 'health-check', i),
      callerReference: uuid(seed, account.id, 'route53', 'health-check-ref', i),
      type: kind,
      fqdn: `${label}.${account.name}.example.com`,
      port: kind === 'HTTPS' ? 443 : kind === 'HTTP' ? 80 : 5432,
      resourcePath: kind === 'TCP' ? undefined : '/health',
      requestInterval: i % 2 === 0 ? 30 : 10,
      failureThreshold: 3,
      version: countBetween(scope, 1, 5, 'route53', 'health-check-version', String(i)),
    });
  }
  return checks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const route53Resources: ResourceModel<Route53Resources> = {
  name: 'route53',
  generate(scope) {
    if (scope.region !== ROUTE53_HOME) return { hostedZones: [], healthChecks: [] };
    return { hostedZones: makeZones(scope), healthChecks: makeHealthChecks(scope) };
  },
  usage(resources, scope) {
    if (scope.region !== ROUTE53_HOME) return new Map();
    return new Map([
      [`route53/${HOSTED_ZONES}`, resources.hostedZones.length],
      [`route53/${HEALTH_CHECKS}`, resources.healthChecks.length],
    ]);
  },
};
