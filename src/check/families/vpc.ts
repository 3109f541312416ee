/**
 * VPC: VPCs, subnets, NAT and internet gateways, security groups and their rules.
 *
 * Three of these quotas apply per resource rather than per Region, so their uses carry a scope
 * (uses are summed per scope, and the busiest scope is checked):
 *
 * - "Subnets per VPC": `vpc <vpc_id>`. A subnet of a VPC created in this plan has no vpc_id yet;
 *   all such subnets share the scope `vpc (created in this plan)`, so the plan's new subnets in
 *   new VPCs are summed together, the conservative choice.
 * - "NAT gateways per Availability Zone": `az <zone>`. aws_nat_gateway has no Availability Zone
 *   of its own, so the zone is its subnet's (availability_zone, else availability_zone_id), read
 *   through the lookup of subnet_id. When the plan does not show the subnet, the scope is
 *   `subnet <subnet_id>` (NAT gateways in two subnets of one zone are then not summed), or
 *   `subnet (created in this plan)` for a subnet not created yet, and the why says so. A regional
 *   NAT gateway (availability_mode regional) is in no one zone, and the catalog has no quota for
 *   it, so it is reported as unknown.
 * - "Inbound or outbound rules per security group": the quota applies to each direction of each
 *   group on its own, so the scope is `security group <group>, <direction>`. The group is its id
 *   when the plan knows it, else its name, else `<name_prefix>*`, else `(created in this plan)`,
 *   which all unnamed new groups share. A security group's own inline rules use its own values;
 *   a rule resource uses its security_group_id, or, when that is not known yet, the values of the
 *   group it references (through the lookup), so the rules of a new group `web` share its scope.
 *   Within a scope the quota also counts IPv4 and IPv6 rules apart: a CIDR block is one rule of
 *   its IP version, and a rule that references a group, a prefix list or itself is one of each.
 *   So each use counts the larger of its IPv4 and IPv6 counts; summing those per scope can only
 *   overstate the larger of the two sums.
 */
import type { QuotaUse, ResourceUse } from '../types.js';
import {
  type Attributes,
  type DeclaredFamily,
  IN_THIS_PLAN,
  type QuotaRef,
  attributesOf,
  one,
  plural,
  use,
} from './family.js';

const vpc = (quotaCode: `L-${string}`, name: string): QuotaRef => ({ serviceCode: 'vpc', quotaCode, name });

const VPCS = vpc('L-F678F1CE', 'VPCs per Region');
const SUBNETS = vpc('L-407747CB', 'Subnets per VPC');
const NAT_GATEWAYS = vpc('L-FE5A380F', 'NAT gateways per Availability Zone');
const INTERNET_GATEWAYS = vpc('L-A4707A72', 'Internet gateways per Region');
const EGRESS_ONLY_GATEWAYS = vpc('L-45FE3B85', 'Egress-only internet gateways per Region');
const SECURITY_GROUPS = vpc('L-E79EC296', 'VPC security groups per Region');
const RULES = vpc('L-0EA8095F', 'Inbound or outbound rules per security group');

interface RuleCount {
  readonly ipv4: number;
  readonly ipv6: number;
  readonly unknown: readonly string[];
}

/**
 * One rule's sources: the CIDR blocks of each IP version, and the lists of references (groups,
 * prefix lists) plus `moreRefs` (self), which count once for each version. A list unknown as a
 * whole cannot be counted; one whose elements are unknown still has its length.
 */
function countSources(
  a: Attributes,
  lists: { readonly ipv4: string; readonly ipv6: string; readonly refs: readonly string[] },
  moreRefs: number,
): RuleCount {
  const length = (path: string): number => a.list(path)?.length ?? 0;
  const refs = lists.refs.reduce((sum, path) => sum + length(path), moreRefs);
  return {
    ipv4: length(lists.ipv4) + refs,
    ipv6: length(lists.ipv6) + refs,
    unknown: [lists.ipv4, lists.ipv6, ...lists.refs].filter((path) => a.unknown(path)),
  };
}

/** One inline rule block of aws_security_group (`ingress.0`). */
function inlineRule(a: Attributes, path: string): RuleCount {
  const lists = {
    ipv4: `${path}.cidr_blocks`,
    ipv6: `${path}.ipv6_cidr_blocks`,
    refs: [`${path}.security_groups`, `${path}.prefix_list_ids`],
  };
  return countSources(a, lists, a.boolean(`${path}.self`) === true ? 1 : 0);
}

/**
 * aws_security_group_rule. source_security_group_id conflicts with cidr_blocks and self, and
 * the provider computes it when unset, so an unknown one counts only when nothing else is set.
 */
function standaloneRule(a: Attributes): RuleCount {
  const lists = { ipv4: 'cidr_blocks', ipv6: 'ipv6_cidr_blocks', refs: ['prefix_list_ids'] };
  const self = a.boolean('self') === true;
  const nothingElse = !self && [lists.ipv4, lists.ipv6, ...lists.refs].every((p) => !a.list(p)?.length);
  const group =
    a.string('source_security_group_id') !== undefined ||
    (a.unknown('source_security_group_id') && nothingElse);
  return countSources(a, lists, (self ? 1 : 0) + (group ? 1 : 0));
}

/**
 * A security group as the rules quota's scope names it: its id, else its name (a group created in
 * this plan), else its name_prefix, else `(created in this plan)`.
 */
function groupOf(g: Attributes): string {
  const prefix = g.string('name_prefix');
  return g.string('id') ?? g.string('name') ?? (prefix === undefined ? IN_THIS_PLAN : `${prefix}*`);
}

/** The group a rule resource adds to: security_group_id, else the group it references. */
function ruleGroupOf(a: Attributes): string {
  const id = a.string('security_group_id');
  if (id !== undefined) return id;
  const group = a.lookup('security_group_id');
  return group === undefined ? IN_THIS_PLAN : groupOf(attributesOf(group, () => false));
}

function rulesUse(direction: string, count: RuleCount, how: string, group: string): QuotaUse {
  const amount = Math.max(count.ipv4, count.ipv6);
  return use(
    RULES,
    amount,
    `${direction}: ${plural(amount, 'rule')} ${how} security group ${group} (IPv4 ${count.ipv4}, ` +
      `IPv6 ${count.ipv6}; the quota counts each direction and IP version of a group apart)`,
    `security group ${group}, ${direction}`,
  );
}

/**
 * A security group and its inline rules. ingress and egress are computed when the configuration
 * leaves them out (rules managed as their own resources), so unknown there reads as none; the
 * provider also removes AWS's default allow-all egress rule from the groups it creates.
 */
function securityGroupUses(a: Attributes): ResourceUse {
  const uses = [use(SECURITY_GROUPS, 1, 'one security group')];
  const group = groupOf(a);
  const unknown: string[] = [];
  for (const direction of ['ingress', 'egress']) {
    const blocks = a.list(direction) ?? [];
    const counts = blocks.map((_, i) => inlineRule(a, `${direction}.${i}`));
    const missing = counts.flatMap((c) => c.unknown);
    if (missing.length > 0) {
      unknown.push(...missing);
      continue;
    }
    const total: RuleCount = {
      ipv4: counts.reduce((s, c) => s + c.ipv4, 0),
      ipv6: counts.reduce((s, c) => s + c.ipv6, 0),
      unknown: [],
    };
    if (total.ipv4 + total.ipv6 > 0) uses.push(rulesUse(direction, total, 'inline in', group));
  }
  return { uses, unknown };
}

function ruleResourceUses(type: string, a: Attributes): ResourceUse {
  if (type === 'aws_security_group_rule') {
    if (a.string('type') === undefined) return { uses: [], unknown: ['type'] };
    const count = standaloneRule(a);
    if (count.unknown.length > 0) return { uses: [], unknown: [...count.unknown] };
    return {
      uses: [rulesUse(a.string('type') ?? '', count, 'added to', ruleGroupOf(a))],
      unknown: [],
    };
  }
  // aws_vpc_security_group_{ingress,egress}_rule: exactly one CIDR, prefix list or group each.
  const direction = type === 'aws_vpc_security_group_ingress_rule' ? 'ingress' : 'egress';
  const ipv6Only = a.string('cidr_ipv6') !== undefined;
  const ipv4Only = a.string('cidr_ipv4') !== undefined;
  const count = { ipv4: ipv6Only ? 0 : 1, ipv6: ipv4Only ? 0 : 1, unknown: [] };
  return { uses: [rulesUse(direction, count, 'added to', ruleGroupOf(a))], unknown: [] };
}

/** A subnet, in its VPC's scope. */
function subnetUses(a: Attributes): ResourceUse {
  const vpcId = a.string('vpc_id');
  if (vpcId !== undefined) {
    return one(SUBNETS, `one subnet, in VPC ${vpcId} (the quota is per VPC)`, `vpc ${vpcId}`);
  }
  return one(
    SUBNETS,
    'one subnet, in a VPC created in this plan (the quota is per VPC; the subnets of all VPCs ' +
      'created in this plan are summed together)',
    `vpc ${IN_THIS_PLAN}`,
  );
}

/** A NAT gateway, in its Availability Zone's scope (its subnet's), or its subnet's when unknown. */
function natGatewayUses(a: Attributes): ResourceUse {
  const mode = a.string('availability_mode');
  if (mode === 'regional') {
    return {
      uses: [],
      unknown: ['availability_mode (regional: headroom knows no quota code for regional NAT gateways)'],
    };
  }
  const perZone = 'the quota is per Availability Zone';
  const own = a.string('availability_zone');
  if (own !== undefined) return one(NAT_GATEWAYS, `one NAT gateway, in ${own} (${perZone})`, `az ${own}`);
  const subnet = a.lookup('subnet_id');
  if (subnet !== undefined) {
    const s = attributesOf(subnet, () => false);
    const zone = s.string('availability_zone') ?? s.string('availability_zone_id');
    if (zone !== undefined) {
      return one(
        NAT_GATEWAYS,
        `one NAT gateway, in ${zone}, its subnet's Availability Zone (${perZone})`,
        `az ${zone}`,
      );
    }
  }
  const subnetId = a.string('subnet_id');
  if (subnetId !== undefined) {
    return one(
      NAT_GATEWAYS,
      `one NAT gateway, in subnet ${subnetId} (${perZone}, but the plan does not show the ` +
        `subnet's zone, so it is counted per subnet)`,
      `subnet ${subnetId}`,
    );
  }
  return one(
    NAT_GATEWAYS,
    `one NAT gateway, in a subnet created in this plan (${perZone}, but the plan does not show ` +
      `the subnet's zone, so the NAT gateways in all such subnets are summed together)`,
    `subnet ${IN_THIS_PLAN}`,
  );
}

export const vpcFamily: DeclaredFamily = {
  name: 'vpc',
  types: [
    'aws_vpc',
    'aws_subnet',
    'aws_nat_gateway',
    'aws_internet_gateway',
    'aws_egress_only_internet_gateway',
    'aws_security_group',
    'aws_security_group_rule',
    'aws_vpc_security_group_ingress_rule',
    'aws_vpc_security_group_egress_rule',
  ],
  quotas: [VPCS, SUBNETS, NAT_GATEWAYS, INTERNET_GATEWAYS, EGRESS_ONLY_GATEWAYS, SECURITY_GROUPS, RULES],
  uses(type, values, unknownOf, lookup): ResourceUse {
    const a = attributesOf(values, unknownOf, lookup);
    switch (type) {
      case 'aws_vpc':
        return one(VPCS, 'one VPC');
      case 'aws_subnet':
        return subnetUses(a);
      case 'aws_nat_gateway':
        return natGatewayUses(a);
      case 'aws_internet_gateway':
        return one(INTERNET_GATEWAYS, 'one internet gateway');
      case 'aws_egress_only_internet_gateway':
        return one(EGRESS_ONLY_GATEWAYS, 'one egress-only internet gateway');
      case 'aws_security_group':
        return securityGroupUses(a);
      default:
        return ruleResourceUses(type, a);
    }
  },
};
