/**
 * The load balancers of an account and region, as both ELB APIs describe them: Application,
 * Network and (now and then) Gateway Load Balancers with their listeners and target groups (v2),
 * and Classic Load Balancers with their listeners and registered instances (2012-06-01).
 *
 * Most counts sit low; in about one account and region in five the Classic Load Balancers run
 * close to (never at) their Region quota, the one ELB quota seeded near its limit.
 */
import { identifier } from '../../core/random.js';
import { countBetween, type ResourceModel, type ResourceScope } from '../../world/resources.js';

export type LoadBalancerType = 'application' | 'network' | 'gateway';

export interface LoadBalancerV2 {
  readonly arn: string;
  readonly name: string;
  readonly type: LoadBalancerType;
  readonly scheme: 'internet-facing' | 'internal';
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly vpcId: string;
  readonly createdTime: Date;
  readonly availabilityZones: readonly { zoneName: string; subnetId: string }[];
  readonly securityGroups: readonly string[];
}

export interface ListenerV2 {
  readonly arn: string;
  readonly loadBalancerArn: string;
  /** Gateway Load Balancer listeners have neither port nor protocol. */
  readonly port: number | undefined;
  readonly protocol: string | undefined;
  readonly targetGroupArn: string;
}

export interface TargetGroupV2 {
  readonly arn: string;
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
  readonly vpcId: string;
  readonly targetType: 'instance' | 'ip';
  /** The load balancers whose listeners route to it (none for an unused target group). */
  readonly loadBalancerArns: readonly string[];
}

export interface ClassicListener {
  readonly protocol: 'HTTP' | 'HTTPS' | 'TCP';
  readonly loadBalancerPort: number;
  readonly instanceProtocol: 'HTTP' | 'HTTPS' | 'TCP';
  readonly instancePort: number;
}

export interface ClassicLoadBalancer {
  readonly name: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneNameId: string;
  readonly scheme: 'internet-facing' | 'internal';
  readonly vpcId: string;
  readonly createdTime: Date;
  readonly availabilityZones: readonly string[];
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly listeners: readonly ClassicListener[];
  readonly instances: readonly string[];
}

export interface ElbResources {
  /** Application, Network and Gateway Load Balancers, in creation order. */
  readonly loadBalancers: readonly LoadBalancerV2[];
  readonly listeners: readonly ListenerV2[];
  readonly targetGroups: readonly TargetGroupV2[];
  readonly classicLoadBalancers: readonly ClassicLoadBalancer[];
}

/** The Region-level ELB quotas with a usage metric, by the resources each counts. */
export const ELB_REGION_QUOTAS = {
  applicationLoadBalancers: 'L-53DA6B97',
  networkLoadBalancers: 'L-69A177A2',
  classicLoadBalancers: 'L-E9E9831D',
  targetGroups: 'L-B22855CB',
} as const;

// The Route 53 hosted zone ids of ELB's DNS names in the sandbox's default regions (AWS's
// published ones); any other region gets a made-up id of the same form.
const ZONE_IDS: Readonly<Record<string, { alb: string; nlb: string }>> = {
  'us-east-1': { alb: 'Z35SXDOTRQ7X7K', nlb: 'Z26RNL4JYFTOTI' },
  'us-west-2': { alb: 'Z1H1FL5HABSF5', nlb: 'Z18D5FSROUN65G' },
  'eu-west-1': { alb: 'Z32O12XQLNTSW2', nlb: 'Z2IFOLAFXWLO4F' },
};

const HTTP_PORTS = [80, 443, 8080, 8443];
const TCP_PORTS = [22, 443, 5432, 6379, 9000];

function generate(scope: ResourceScope): ElbResources {
  if (!scope.active) return { loadBalancers: [], listeners: [], targetGroups: [], classicLoadBalancers: [] };
  const { account, region } = scope;
  const id = (
    length: number,
    alphabet: Parameters<typeof identifier>[1],
    ...parts: (string | number)[]
  ): string => identifier(length, alphabet, scope.seed, account.id, region, 'elb', ...parts);
  const vpcId = `vpc-${id(17, 'hex', 'vpc')}`;
  const zones = ['a', 'b', 'c'].map((letter) => ({
    zoneName: `${region}${letter}`,
    subnetId: `subnet-${id(17, 'hex', 'subnet', letter)}`,
  }));
  const zoneIds = ZONE_IDS[region] ?? {
    alb: `Z${id(13, 'hex', 'zone-alb')}`,
    nlb: `Z${id(13, 'hex', 'zone-nlb')}`,
  };
  const arnPrefix = `arn:aws:elasticloadbalancing:${region}:${account.id}`;
  // Everything was created in the year before the sandbox's accounts joined (a fixed epoch).
  const createdAt = (...parts: (string | number)[]): Date =>
    new Date(Date.UTC(2024, 0, 1) + Math.floor(scope.unit('elb', 'created', ...parts) * 365 * 86_400) * 1000);

  const loadBalancers: LoadBalancerV2[] = [];
  const listeners: ListenerV2[] = [];
  const targetGroups: TargetGroupV2[] = [];

  const targetGroup = (
    name: string,
    protocol: string,
    port: number,
    loadBalancerArns: readonly string[],
  ): TargetGroupV2 => {
    const made: TargetGroupV2 = {
      arn: `${arnPrefix}:targetgroup/${name}/${id(16, 'hex', 'tg', name)}`,
      name,
      protocol,
      port,
      vpcId,
      targetType: scope.unit('elb', 'tg-type', name) < 0.7 ? 'instance' : 'ip',
      loadBalancerArns,
    };
    targetGroups.push(made);
    return made;
  };

  const kinds: [LoadBalancerType, string, number][] = [
    ['application', 'app', countBetween(scope, 0, 5, 'elb', 'albs')],
    ['network', 'net', countBetween(scope, 0, 3, 'elb', 'nlbs')],
    ['gateway', 'gwy', scope.unit('elb', 'gwlbs') < 0.25 ? 1 : 0],
  ];
  for (const [type, short, count] of kinds) {
    for (let i = 0; i < count; i++) {
      const name = `${account.name}-${short}-${String(i + 1).padStart(2, '0')}`;
      const suffix = id(16, 'hex', 'lb', name);
      const arn = `${arnPrefix}:loadbalancer/${short}/${name}/${suffix}`;
      const scheme = scope.unit('elb', 'scheme', name) < 0.6 ? 'internet-facing' : 'internal';
      loadBalancers.push({
        arn,
        name,
        type,
        scheme,
        dnsName:
          `${scheme === 'internal' && type === 'application' ? 'internal-' : ''}${name}-${id(10, 'hex', 'dns', name)}.` +
          (type === 'application' ? `${region}.elb.amazonaws.com` : `elb.${region}.amazonaws.com`),
        canonicalHostedZoneId: type === 'network' ? zoneIds.nlb : zoneIds.alb,
        vpcId,
        createdTime: createdAt(name),
        availabilityZones: zones.slice(0, type === 'gateway' ? 1 : 2 + (i % 2)),
        securityGroups: type === 'application' ? [`sg-${id(17, 'hex', 'sg', name)}`] : [],
      });
      if (type === 'gateway') {
        const tg = targetGroup(`${name}-geneve`, 'GENEVE', 6081, [arn]);
        listeners.push({
          arn: `${arnPrefix}:listener/${short}/${name}/${suffix}/${id(16, 'hex', 'listener', name, 1)}`,
          loadBalancerArn: arn,
          port: undefined,
          protocol: undefined,
          targetGroupArn: tg.arn,
        });
        continue;
      }
      // An ALB's listeners route to its own target groups (some shared by several listeners);
      // an NLB's each forward to one of their own.
      const listenerCount = countBetween(scope, 1, type === 'application' ? 4 : 3, 'elb', 'listeners', name);
      const groups =
        type === 'application'
          ? Array.from({ length: countBetween(scope, 1, 4, 'elb', 'tgs', name) }, (_, g) =>
              targetGroup(`${name}-tg${String(g + 1)}`, 'HTTP', 8080 + g, [arn]),
            )
          : [];
      for (let l = 0; l < listenerCount; l++) {
        const ports = type === 'application' ? HTTP_PORTS : TCP_PORTS;
        const port = ports[l % ports.length] ?? 80;
        const tg =
          type === 'application'
            ? (groups[l % groups.length] ?? targetGroup(`${name}-tg`, 'HTTP', 8080, [arn]))
            : targetGroup(`${name}-tcp${String(port)}`, 'TCP', port, [arn]);
        listeners.push({
          arn: `${arnPrefix}:listener/${short}/${name}/${suffix}/${id(16, 'hex', 'listener', name, l)}`,
          loadBalancerArn: arn,
          port,
          protocol: type === 'application' ? (port % 1000 === 443 ? 'HTTPS' : 'HTTP') : 'TCP',
          targetGroupArn: tg.arn,
        });
      }
    }
  }
  // Target groups no load balancer uses yet.
  const unused = countBetween(scope, 0, 3, 'elb', 'unused-tgs');
  for (let i = 0; i < unused; i++) targetGroup(`${account.name}-spare-${String(i + 1)}`, 'HTTP', 80, []);

  const classicLimit = scope.limit('elasticloadbalancing', ELB_REGION_QUOTAS.classicLoadBalancers);
  const nearLimit = scope.unit('elb', 'classic-near-limit') < 0.2 && classicLimit > 1;
  const classicCount = nearLimit
    ? Math.max(
        1,
        Math.min(classicLimit - 1, Math.floor(classicLimit * (0.8 + 0.15 * scope.unit('elb', 'near')))),
      )
    : countBetween(scope, 0, 4, 'elb', 'clbs');
  const classicLoadBalancers: ClassicLoadBalancer[] = [];
  for (let i = 0; i < classicCount; i++) {
    const name = `${account.name}-classic-${String(i + 1).padStart(2, '0')}`;
    const scheme = scope.unit('elb', 'scheme', name) < 0.7 ? 'internet-facing' : 'internal';
    const listenerCount = countBetween(scope, 1, 3, 'elb', 'classic-listeners', name);
    const classicListeners: ClassicListener[] = [];
    for (let l = 0; l < listenerCount; l++) {
      const protocol = (['HTTP', 'HTTPS', 'TCP'] as const)[l] ?? 'TCP';
      classicListeners.push({
        protocol,
        loadBalancerPort: protocol === 'HTTPS' ? 443 : protocol === 'HTTP' ? 80 : 2000 + l,
        instanceProtocol: protocol === 'HTTPS' ? 'HTTP' : protocol,
        instancePort: protocol === 'TCP' ? 2000 + l : 8080,
      });
    }
    const instanceCount = countBetween(scope, 0, 6, 'elb', 'instances', name);
    classicLoadBalancers.push({
      name,
      dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${id(10, 'digits', 'clb', name)}.${region}.elb.amazonaws.com`,
      canonicalHostedZoneNameId: zoneIds.alb,
      scheme,
      vpcId,
      createdTime: createdAt(name),
      availabilityZones: zones.slice(0, 2).map((z) => z.zoneName),
      subnets: zones.slice(0, 2).map((z) => z.subnetId),
      securityGroups: [`sg-${id(17, 'hex', 'sg', name)}`],
      listeners: classicListeners,
      instances: Array.from({ length: instanceCount }, (_, n) => `i-${id(17, 'hex', 'instance', name, n)}`),
    });
  }
  return { loadBalancers, listeners, targetGroups, classicLoadBalancers };
}

export const elbResources: ResourceModel<ElbResources> = {
  name: 'elb',
  generate,
  usage: (resources) =>
    new Map([
      [
        `elasticloadbalancing/${ELB_REGION_QUOTAS.applicationLoadBalancers}`,
        resources.loadBalancers.filter((lb) => lb.type === 'application').length,
      ],
      [
        `elasticloadbalancing/${ELB_REGION_QUOTAS.networkLoadBalancers}`,
        resources.loadBalancers.filter((lb) => lb.type === 'network').length,
      ],
      [
        `elasticloadbalancing/${ELB_REGION_QUOTAS.classicLoadBalancers}`,
        resources.classicLoadBalancers.length,
      ],
      [`elasticloadbalancing/${ELB_REGION_QUOTAS.targetGroups}`, resources.targetGroups.length],
    ]),
};
