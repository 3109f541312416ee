/**
 * Elastic Load Balancing, both APIs under the one signing name `elasticloadbalancing` (the form's
 * Version tells them apart): v2 (2015-12-01) DescribeLoadBalancers, DescribeListeners and
 * DescribeTargetGroups; classic (2012-06-01) DescribeLoadBalancers. They serve the seeded load
 * balancers (./resources.ts) in pages of PageSize (1-400, default 400) with an opaque Marker.
 *
 * ELB publishes no API rate: 10 requests per second with a burst of 10 per operation is assumed,
 * the same figure headroom paces itself to.
 */
import { AwsError, queryDialect, rateExceeded } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, RequestContext, ServiceDefinition } from '../../core/service.js';
import { integer, list, string, structure } from '../../core/shapes.js';
import {
  type ClassicLoadBalancer,
  type ElbResources,
  elbResources,
  type ListenerV2,
  type LoadBalancerV2,
  type TargetGroupV2,
} from './resources.js';

const RATE = { perSecond: 10, burst: 10 };
const DEFAULT_PAGE_SIZE = 400;

const elbDialect = queryDialect({
  throttling: rateExceeded,
  internalFailure: () =>
    new AwsError('InternalFailure', 'An internal error occurred.', 500, { messageKey: 'Message' }),
});

const notFound = (code: string, message: string): AwsError =>
  new AwsError(code, message, 400, { messageKey: 'Message' });

const loadBalancerNotFound = (message = 'One or more load balancers not found'): AwsError =>
  notFound('LoadBalancerNotFound', message);

const ARN = /^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:/;

function resourcesOf(ctx: RequestContext): ElbResources {
  return ctx.world.resources.of(elbResources, ctx.account, ctx.region);
}

/** One page of `items`, with the Marker that continues it (bound to the call's filters). */
function page<T>(
  ctx: RequestContext,
  input: Record<string, unknown>,
  items: readonly T[],
  filters: string,
): { items: T[]; nextMarker: string | undefined } {
  const result = paginate(items, {
    tokens: ctx.pageTokens,
    scope: `${ctx.operation}|${ctx.account.id}|${ctx.region}|${filters}`,
    nextToken: input.Marker as string | undefined,
    maxResults: input.PageSize as number | undefined,
    defaultSize: DEFAULT_PAGE_SIZE,
    cap: ctx.pageSize,
    invalidToken: () => elbDialect.validation('Invalid value for parameter Marker'),
  });
  return { items: result.items, nextMarker: result.nextToken };
}

function checkArns(arns: readonly string[], kind: string): void {
  for (const arn of arns) {
    if (!ARN.test(arn)) throw elbDialect.validation(`'${arn}' is not a valid ${kind} ARN`);
  }
}

// --- v2 ---------------------------------------------------------------------------------------

function loadBalancerXml(lb: LoadBalancerV2): Record<string, unknown> {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.canonicalHostedZoneId,
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.availabilityZones.map((z) => ({
      ZoneName: z.zoneName,
      SubnetId: z.subnetId,
      LoadBalancerAddresses: [],
    })),
    SecurityGroups: lb.type === 'application' ? lb.securityGroups : undefined,
    IpAddressType: 'ipv4',
  };
}

function listenerXml(listener: ListenerV2): Record<string, unknown> {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    DefaultActions: [{ Type: 'forward', TargetGroupArn: listener.targetGroupArn }],
  };
}

function targetGroupXml(tg: TargetGroupV2): Record<string, unknown> {
  const http = tg.protocol === 'HTTP' || tg.protocol === 'HTTPS';
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: http ? tg.protocol : 'TCP',
    HealthCheckPort: tg.protocol === 'GENEVE' ? '80' : 'traffic-port',
    HealthCheckEnabled: true,
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: http ? 5 : 10,
    HealthyThresholdCount: 5,
    UnhealthyThresholdCount: 2,
    HealthCheckPath: http ? '/' : undefined,
    Matcher: http ? { HttpCode: '200' } : undefined,
    LoadBalancerArns: tg.loadBalancerArns,
    TargetType: tg.targetType,
    IpAddressType: 'ipv4',
  };
}

function byArn<T extends { arn: string }>(
  items: readonly T[],
  arns: readonly string[],
  missing: () => AwsError,
): T[] {
  const found = arns.map((arn) => items.find((item) => item.arn === arn));
  if (found.some((item) => item === undefined)) throw missing();
  return found.filter((item): item is T => item !== undefined);
}

const describeLoadBalancers: Handler = (ctx, input) => {
  const arns = (input.LoadBalancerArns ?? []) as string[];
  const names = (input.Names ?? []) as string[];
  if (arns.length > 0 && names.length > 0) {
    throw elbDialect.validation(
      'Load balancer names and load balancer ARNs cannot be specified at the same time',
    );
  }
  checkArns(arns, 'load balancer');
  const all = resourcesOf(ctx).loadBalancers;
  let selected: readonly LoadBalancerV2[] = all;
  if (arns.length > 0) selected = byArn(all, arns, () => loadBalancerNotFound());
  if (names.length > 0) {
    const missing = names.filter((name) => !all.some((lb) => lb.name === name));
    if (missing.length > 0) throw loadBalancerNotFound(`Load balancers '[${missing.join(', ')}]' not found`);
    selected = all.filter((lb) => names.includes(lb.name));
  }
  const { items, nextMarker } = page(ctx, input, selected, [...arns, '|', ...names].join(','));
  return { LoadBalancers: items.map(loadBalancerXml), NextMarker: nextMarker };
};

const describeListeners: Handler = (ctx, input) => {
  const lbArn = input.LoadBalancerArn as string | undefined;
  const listenerArns = (input.ListenerArns ?? []) as string[];
  if (lbArn === undefined && listenerArns.length === 0) {
    throw elbDialect.validation('You must specify either listener ARNs or a load balancer ARN');
  }
  if (lbArn !== undefined && listenerArns.length > 0) {
    throw elbDialect.validation('Listener ARNs and a load balancer ARN cannot be specified at the same time');
  }
  const resources = resourcesOf(ctx);
  let selected: readonly ListenerV2[];
  if (lbArn !== undefined) {
    checkArns([lbArn], 'load balancer');
    if (!resources.loadBalancers.some((lb) => lb.arn === lbArn)) throw loadBalancerNotFound();
    selected = resources.listeners.filter((l) => l.loadBalancerArn === lbArn);
  } else {
    checkArns(listenerArns, 'listener');
    selected = byArn(resources.listeners, listenerArns, () =>
      notFound('ListenerNotFound', 'One or more listeners not found'),
    );
  }
  const { items, nextMarker } = page(ctx, input, selected, [lbArn ?? '', ...listenerArns].join(','));
  return { Listeners: items.map(listenerXml), NextMarker: nextMarker };
};

const describeTargetGroups: Handler = (ctx, input) => {
  const lbArn = input.LoadBalancerArn as string | undefined;
  const arns = (input.TargetGroupArns ?? []) as string[];
  const names = (input.Names ?? []) as string[];
  const resources = resourcesOf(ctx);
  const tgNotFound = (): AwsError => notFound('TargetGroupNotFound', 'One or more target groups not found');
  let selected: readonly TargetGroupV2[] = resources.targetGroups;
  if (lbArn !== undefined) {
    checkArns([lbArn], 'load balancer');
    if (!resources.loadBalancers.some((lb) => lb.arn === lbArn)) throw loadBalancerNotFound();
    selected = selected.filter((tg) => tg.loadBalancerArns.includes(lbArn));
  }
  if (arns.length > 0) {
    checkArns(arns, 'target group');
    selected = byArn(selected, arns, tgNotFound);
  }
  if (names.length > 0) {
    if (names.some((name) => !selected.some((tg) => tg.name === name))) throw tgNotFound();
    selected = selected.filter((tg) => names.includes(tg.name));
  }
  const { items, nextMarker } = page(ctx, input, selected, [lbArn ?? '', ...arns, '|', ...names].join(','));
  return { TargetGroups: items.map(targetGroupXml), NextMarker: nextMarker };
};

const pageSize = integer({ min: 1, max: 400 });
const arnList = list(string(), { max: 20 });

export const elbv2: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  query: {
    apiVersion: '2015-12-01',
    xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  },
  dialect: elbDialect,
  operations: {
    DescribeLoadBalancers: {
      input: structure({ LoadBalancerArns: arnList, Names: arnList, Marker: string(), PageSize: pageSize }),
      handler: describeLoadBalancers,
      rate: RATE,
    },
    DescribeListeners: {
      input: structure({
        LoadBalancerArn: string(),
        ListenerArns: arnList,
        Marker: string(),
        PageSize: pageSize,
      }),
      handler: describeListeners,
      rate: RATE,
      resourceMember: 'LoadBalancerArn',
    },
    DescribeTargetGroups: {
      input: structure({
        LoadBalancerArn: string(),
        TargetGroupArns: list(string()),
        Names: list(string()),
        Marker: string(),
        PageSize: pageSize,
      }),
      handler: describeTargetGroups,
      rate: RATE,
    },
  },
};

// --- classic ----------------------------------------------------------------------------------

function classicXml(lb: ClassicLoadBalancer): Record<string, unknown> {
  return {
    LoadBalancerName: lb.name,
    DNSName: lb.dnsName,
    CanonicalHostedZoneName: lb.scheme === 'internal' ? undefined : lb.dnsName,
    CanonicalHostedZoneNameID: lb.canonicalHostedZoneNameId,
    ListenerDescriptions: lb.listeners.map((l) => ({
      Listener: {
        Protocol: l.protocol,
        LoadBalancerPort: l.loadBalancerPort,
        InstanceProtocol: l.instanceProtocol,
        InstancePort: l.instancePort,
      },
      PolicyNames: [],
    })),
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: lb.availabilityZones,
    Subnets: lb.subnets,
    VPCId: lb.vpcId,
    Instances: lb.instances.map((id) => ({ InstanceId: id })),
    HealthCheck: {
      Target: `HTTP:${String(lb.listeners[0]?.instancePort ?? 80)}/`,
      Interval: 30,
      Timeout: 5,
      UnhealthyThreshold: 2,
      HealthyThreshold: 10,
    },
    SourceSecurityGroup: { OwnerAlias: '', GroupName: lb.securityGroups[0] },
    SecurityGroups: lb.securityGroups,
    CreatedTime: lb.createdTime,
    Scheme: lb.scheme,
  };
}

const describeClassicLoadBalancers: Handler = (ctx, input) => {
  const names = (input.LoadBalancerNames ?? []) as string[];
  const all = resourcesOf(ctx).classicLoadBalancers;
  const missing = names.find((name) => !all.some((lb) => lb.name === name));
  if (missing !== undefined) {
    throw loadBalancerNotFound(`There is no ACTIVE Load Balancer named '${missing}'`);
  }
  const selected = names.length > 0 ? all.filter((lb) => names.includes(lb.name)) : all;
  const { items, nextMarker } = page(ctx, input, selected, names.join(','));
  return { LoadBalancerDescriptions: items.map(classicXml), NextMarker: nextMarker };
};

export const elbClassic: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  query: {
    apiVersion: '2012-06-01',
    xmlNamespace: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
  },
  dialect: elbDialect,
  operations: {
    DescribeLoadBalancers: {
      input: structure({
        LoadBalancerNames: list(string()),
        Marker: string(),
        PageSize: pageSize,
      }),
      handler: describeClassicLoadBalancers,
      rate: RATE,
    },
  },
};
