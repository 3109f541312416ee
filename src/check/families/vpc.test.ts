import { describe, expect, it } from 'vitest';
import { type Values, valueAt } from './family.js';
import { vpcFamily } from './vpc.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

/** An inline rule block as the provider puts it in plan JSON: every field present. */
const rule = (overrides: Values): Values => ({
  cidr_blocks: [],
  description: '',
  from_port: 443,
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  protocol: 'tcp',
  security_groups: [],
  self: false,
  to_port: 443,
  ...overrides,
});

const lookupOf =
  (targets: Readonly<Record<string, Values>>) =>
  (path: string): Values | undefined =>
    targets[path];

describe('VPC resources per Region', () => {
  it.each([
    ['aws_vpc', 'L-F678F1CE', 'one VPC'],
    ['aws_internet_gateway', 'L-A4707A72', 'one internet gateway'],
    ['aws_egress_only_internet_gateway', 'L-45FE3B85', 'one egress-only internet gateway'],
  ])('%s uses one of vpc/%s, with no scope', (type, quotaCode, why) => {
    expect(vpcFamily.uses(type, { tags: null }, known)).toEqual({
      uses: [{ serviceCode: 'vpc', quotaCode, amount: 1, why }],
      unknown: [],
    });
  });
});

describe('aws_subnet', () => {
  it('counts one subnet in the scope of its VPC', () => {
    expect(vpcFamily.uses('aws_subnet', { vpc_id: 'vpc-0abc', cidr_block: '10.0.1.0/24' }, known)).toEqual({
      uses: [
        {
          serviceCode: 'vpc',
          quotaCode: 'L-407747CB',
          amount: 1,
          why: 'one subnet, in VPC vpc-0abc (the quota is per VPC)',
          scope: 'vpc vpc-0abc',
        },
      ],
      unknown: [],
    });
  });

  it('puts the subnets of every VPC created in this plan in one scope', () => {
    const [use] = vpcFamily.uses(
      'aws_subnet',
      { cidr_block: '10.0.1.0/24' },
      unknownIn({ vpc_id: true }),
    ).uses;
    expect(use).toEqual({
      serviceCode: 'vpc',
      quotaCode: 'L-407747CB',
      amount: 1,
      why: 'one subnet, in a VPC created in this plan (the quota is per VPC; the subnets of all VPCs created in this plan are summed together)',
      scope: 'vpc (created in this plan)',
    });
  });
});

describe('aws_nat_gateway', () => {
  const NAT = { serviceCode: 'vpc', quotaCode: 'L-FE5A380F', amount: 1 };

  it("takes the Availability Zone from the NAT gateway's subnet", () => {
    const lookup = lookupOf({ subnet_id: { availability_zone: 'eu-west-1a', vpc_id: 'vpc-0abc' } });
    expect(vpcFamily.uses('aws_nat_gateway', { subnet_id: 'subnet-0abc' }, known, lookup)).toEqual({
      uses: [
        {
          ...NAT,
          why: "one NAT gateway, in eu-west-1a, its subnet's Availability Zone (the quota is per Availability Zone)",
          scope: 'az eu-west-1a',
        },
      ],
      unknown: [],
    });
  });

  it('takes the zone id when the subnet gives only that, and a zone of its own first', () => {
    const lookup = lookupOf({ subnet_id: { availability_zone_id: 'euw1-az2' } });
    expect(vpcFamily.uses('aws_nat_gateway', {}, unknownIn({ subnet_id: true }), lookup).uses[0]?.scope).toBe(
      'az euw1-az2',
    );
    expect(
      vpcFamily.uses('aws_nat_gateway', { availability_zone: 'eu-west-1b', subnet_id: 'subnet-0abc' }, known)
        .uses[0],
    ).toEqual({
      ...NAT,
      why: 'one NAT gateway, in eu-west-1b (the quota is per Availability Zone)',
      scope: 'az eu-west-1b',
    });
  });

  it('falls back to the subnet as the scope when the plan does not show its zone', () => {
    expect(vpcFamily.uses('aws_nat_gateway', { subnet_id: 'subnet-0abc' }, known).uses).toEqual([
      {
        ...NAT,
        why: "one NAT gateway, in subnet subnet-0abc (the quota is per Availability Zone, but the plan does not show the subnet's zone, so it is counted per subnet)",
        scope: 'subnet subnet-0abc',
      },
    ]);
    expect(vpcFamily.uses('aws_nat_gateway', {}, unknownIn({ subnet_id: true })).uses).toEqual([
      {
        ...NAT,
        why: "one NAT gateway, in a subnet created in this plan (the quota is per Availability Zone, but the plan does not show the subnet's zone, so the NAT gateways in all such subnets are summed together)",
        scope: 'subnet (created in this plan)',
      },
    ]);
  });

  it('reports a regional NAT gateway, which no quota of the catalog counts', () => {
    expect(
      vpcFamily.uses('aws_nat_gateway', { availability_mode: 'regional', vpc_id: 'vpc-0abc' }, known),
    ).toEqual({
      uses: [],
      unknown: ['availability_mode (regional: headroom knows no quota code for regional NAT gateways)'],
    });
  });
});

describe('aws_security_group', () => {
  it('counts the group, and its inline rules per direction by the larger IP version', () => {
    const values = {
      id: 'sg-0abc',
      name: 'web',
      ingress: [
        rule({ cidr_blocks: ['10.0.0.0/16', '10.1.0.0/16'], ipv6_cidr_blocks: ['::/0'] }),
        rule({ from_port: 22, to_port: 22, security_groups: ['sg-0123'], self: true }),
      ],
      egress: [rule({ from_port: 0, to_port: 0, protocol: '-1', cidr_blocks: ['0.0.0.0/0'] })],
    };
    expect(vpcFamily.uses('aws_security_group', values, known)).toEqual({
      uses: [
        { serviceCode: 'vpc', quotaCode: 'L-E79EC296', amount: 1, why: 'one security group' },
        {
          serviceCode: 'vpc',
          quotaCode: 'L-0EA8095F',
          amount: 4,
          why: 'ingress: 4 rules inline in security group sg-0abc (IPv4 4, IPv6 3; the quota counts each direction and IP version of a group apart)',
          scope: 'security group sg-0abc, ingress',
        },
        {
          serviceCode: 'vpc',
          quotaCode: 'L-0EA8095F',
          amount: 1,
          why: 'egress: 1 rule inline in security group sg-0abc (IPv4 1, IPv6 0; the quota counts each direction and IP version of a group apart)',
          scope: 'security group sg-0abc, egress',
        },
      ],
      unknown: [],
    });
  });

  it('names a group created in this plan by its name, else its name_prefix, else one shared scope', () => {
    const ingress = [rule({ cidr_blocks: ['10.0.0.0/16'] })];
    const scopeOf = (values: Values) =>
      vpcFamily.uses('aws_security_group', { ingress, egress: [], ...values }, unknownIn({ id: true }))
        .uses[1]?.scope;
    expect(scopeOf({ name: 'web' })).toBe('security group web, ingress');
    expect(scopeOf({ name_prefix: 'web-' })).toBe('security group web-*, ingress');
    expect(scopeOf({})).toBe('security group (created in this plan), ingress');
    expect(
      vpcFamily.uses('aws_security_group', { name: 'web', ingress, egress: [] }, unknownIn({ id: true }))
        .uses[1]?.why,
    ).toBe(
      'ingress: 1 rule inline in security group web (IPv4 1, IPv6 0; the quota counts each direction and IP version of a group apart)',
    );
  });

  it('counts no rules when ingress and egress are left to their own resources (unknown in the plan)', () => {
    expect(
      vpcFamily.uses('aws_security_group', { name: 'web' }, unknownIn({ ingress: true, egress: true })),
    ).toEqual({
      uses: [{ serviceCode: 'vpc', quotaCode: 'L-E79EC296', amount: 1, why: 'one security group' }],
      unknown: [],
    });
  });

  it('counts a CIDR list whose values are unknown by its length, and reports one unknown as a whole', () => {
    const values = { ingress: [rule({ cidr_blocks: [null, null] })], egress: [rule({ cidr_blocks: [] })] };
    const lengthKnown = unknownIn({ ingress: [{ cidr_blocks: [true, true] }] });
    expect(vpcFamily.uses('aws_security_group', values, lengthKnown).uses[1]?.amount).toBe(2);
    const wholeUnknown = unknownIn({ egress: [{ cidr_blocks: true }] });
    expect(vpcFamily.uses('aws_security_group', values, wholeUnknown).unknown).toEqual([
      'egress.0.cidr_blocks',
    ]);
  });
});

describe('security group rules as their own resources', () => {
  it('counts an aws_security_group_rule by its CIDR blocks', () => {
    const values = {
      type: 'ingress',
      cidr_blocks: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      from_port: 443,
      to_port: 443,
      protocol: 'tcp',
      security_group_id: 'sg-0123',
      self: false,
    };
    expect(
      vpcFamily.uses('aws_security_group_rule', values, unknownIn({ source_security_group_id: true })),
    ).toEqual({
      uses: [
        {
          serviceCode: 'vpc',
          quotaCode: 'L-0EA8095F',
          amount: 3,
          why: 'ingress: 3 rules added to security group sg-0123 (IPv4 3, IPv6 0; the quota counts each direction and IP version of a group apart)',
          scope: 'security group sg-0123, ingress',
        },
      ],
      unknown: [],
    });
  });

  it('counts a rule from another group as one, even when that group is created in the same plan', () => {
    const values = { type: 'egress', from_port: 0, to_port: 0, protocol: '-1', self: false };
    const unknownOf = unknownIn({ source_security_group_id: true, security_group_id: true });
    expect(vpcFamily.uses('aws_security_group_rule', values, unknownOf).uses[0]).toMatchObject({
      amount: 1,
      scope: 'security group (created in this plan), egress',
    });
    expect(
      vpcFamily.uses('aws_security_group_rule', { from_port: 0 }, unknownIn({ type: true })).unknown,
    ).toEqual(['type']);
  });

  it("puts a rule of a group created in this plan in that group's scope, by the group's name", () => {
    const values = { type: 'ingress', cidr_blocks: ['10.0.0.0/8'], self: false };
    const unknownOf = unknownIn({ security_group_id: true });
    const lookup = lookupOf({ security_group_id: { name: 'web', vpc_id: 'vpc-0abc' } });
    expect(vpcFamily.uses('aws_security_group_rule', values, unknownOf, lookup).uses[0]).toMatchObject({
      amount: 1,
      why: 'ingress: 1 rule added to security group web (IPv4 1, IPv6 0; the quota counts each direction and IP version of a group apart)',
      scope: 'security group web, ingress',
    });
    const group = { name: 'web', ingress: [rule({ cidr_blocks: ['10.1.0.0/16'] })], egress: [] };
    expect(vpcFamily.uses('aws_security_group', group, unknownIn({ id: true })).uses[1]?.scope).toBe(
      'security group web, ingress',
    );
  });

  it.each([
    [
      'aws_vpc_security_group_ingress_rule',
      { cidr_ipv4: '10.0.0.0/16', ip_protocol: 'tcp', security_group_id: 'sg-0123' },
      'ingress',
      'security group sg-0123, ingress',
    ],
    [
      'aws_vpc_security_group_egress_rule',
      { cidr_ipv6: '::/0', ip_protocol: '-1' },
      'egress',
      'security group (created in this plan), egress',
    ],
  ])('counts %s as one rule', (type, values, direction, scope) => {
    const unknownOf = 'security_group_id' in values ? known : unknownIn({ security_group_id: true });
    const [use] = vpcFamily.uses(type, values, unknownOf).uses;
    expect(use).toMatchObject({ quotaCode: 'L-0EA8095F', amount: 1, scope });
    expect(use?.why.startsWith(`${direction}: 1 rule`)).toBe(true);
  });
});
