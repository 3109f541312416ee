import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { familyOf } from './families/index.js';
import { planNeeds } from './needs.js';
import { parsePlan } from './plan.js';

const MIXED = parsePlan(
  readFileSync(new URL('../../test/fixtures/plans/mixed.json', import.meta.url), 'utf8'),
  'mixed.json',
);

describe('planNeeds on a hand-written plan (mixed.json)', () => {
  const needs = planNeeds(MIXED.changes, familyOf);

  it('adds creates, subtracts deletes, nets replacements and updates: exact deltas', () => {
    expect(needs.deltas.map((d) => [`${d.serviceCode}/${d.quotaCode}`, d.amount])).toEqual([
      // web[0], web[1]: 2 × m5.xlarge (4) = +8; old t3.large −2; db r5.large → r5.2xlarge (2 → 8) +6;
      // resized m5.large → m5.xlarge (2 → 4) +2.
      ['ec2/L-1216C47A', 14],
      // module.net's two Elastic IPs (for_each "a" and "b").
      ['ec2/L-0263D0A3', 2],
    ]);
    const vcpus = needs.deltas[0];
    expect(vcpus?.contributions.map((c) => [c.address, c.action, c.amount])).toEqual([
      ['aws_instance.web[0]', 'create', 4],
      ['aws_instance.web[1]', 'create', 4],
      ['aws_instance.old', 'delete', -2],
      ['aws_instance.db', 'replace', 8],
      ['aws_instance.db', 'replace', -2],
      ['aws_instance.resized', 'update', 4],
      ['aws_instance.resized', 'update', -2],
    ]);
  });

  it('lists what it cannot count: an unknown type, a value known only after apply', () => {
    expect(needs.unknownTypes).toEqual([{ type: 'aws_iam_role', addresses: ['aws_iam_role.app'] }]);
    expect(needs.undecided).toEqual([{ address: 'aws_instance.gpu', attributes: ['instance_type'] }]);
    // The no-op and the data source are not counted; the other eight are.
    expect(needs.counted).toBe(8);
  });
});

describe('planNeeds on a plan with nested modules (modules.json)', () => {
  const plan = parsePlan(
    readFileSync(new URL('../../test/fixtures/plans/modules.json', import.meta.url), 'utf8'),
    'modules.json',
  );
  const needs = planNeeds(plan.changes, familyOf, plan.expressions);
  const amounts = Object.fromEntries(needs.deltas.map((d) => [`${d.serviceCode}/${d.quotaCode}`, d.amount]));

  it('follows a reference to a launch template created in the same plan, inside a module', () => {
    expect(plan.region).toBe('eu-west-1');
    // max_size 6 × c6i.2xlarge (8 vCPUs), the type read from module.app.aws_launch_template.web,
    // whose id is known only after apply: found through the configuration's references.
    expect(amounts['ec2/L-1216C47A']).toBe(48);
    expect(amounts['autoscaling/L-CDE20ADC']).toBe(1);
  });

  it('counts a security group, its rules per direction, volumes in a for_each module, and an update net', () => {
    expect(amounts['vpc/L-E79EC296']).toBe(1);
    // Ingress: 443 from one CIDR and 80 from two = 3 rules; egress 1. The quota is per group and
    // direction, so the busiest is 3.
    expect(amounts['vpc/L-0EA8095F']).toBe(3);
    // Two 512 GiB gp3 volumes (count = 2 in module.data["orders"]): 1 TiB.
    expect(amounts['ebs/L-7A658B76']).toBe(1);
    // Reserved concurrency 50 → 200: +150.
    expect(amounts['lambda/L-B99A9384']).toBe(150);
    expect(needs.unknownTypes).toEqual([]);
    expect(needs.undecided).toEqual([]);
    expect(needs.counted).toBe(6);
  });
});
