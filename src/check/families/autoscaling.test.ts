import { describe, expect, it } from 'vitest';
import { autoscalingFamily } from './autoscaling.js';
import { type Values, valueAt } from './family.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;

/** An ASG create whose launch template is created in the same plan: its id is unknown. */
const group = (overrides: Values = {}): Values => ({
  name: 'web',
  max_size: 10,
  min_size: 2,
  health_check_grace_period: 300,
  launch_template: [{ version: '$Latest' }],
  ...overrides,
});
const templateUnknown = unknownIn({
  arn: true,
  id: true,
  desired_capacity: true,
  launch_template: [{ id: true, name: true }],
  mixed_instances_policy: true,
});
const template: Values = {
  name_prefix: 'web-',
  image_id: 'ami-0123456789abcdef0',
  instance_type: 'm5.large',
  cpu_options: [],
  instance_market_options: [],
};
const lookupOf =
  (targets: Record<string, Values>) =>
  (path: string): Values | undefined =>
    targets[path];

const GROUP_USE = {
  serviceCode: 'autoscaling',
  quotaCode: 'L-CDE20ADC',
  amount: 1,
  why: 'one Auto Scaling group',
};

describe('aws_autoscaling_group', () => {
  it('counts max_size × the vCPUs of the launch template it points at', () => {
    const lookup = lookupOf({ 'launch_template.0.id': template });
    expect(autoscalingFamily.uses('aws_autoscaling_group', group(), templateUnknown, lookup)).toEqual({
      uses: [
        GROUP_USE,
        {
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          amount: 20,
          why: 'max_size 10: 10 × m5.large (2 vCPUs) = 20 vCPUs On-Demand, from the launch template',
        },
      ],
      unknown: [],
    });
  });

  it("applies the template's cpu_options and Spot market", () => {
    const spot = {
      ...template,
      instance_type: 'c5.4xlarge',
      cpu_options: [{ core_count: 4, threads_per_core: 1 }],
      instance_market_options: [{ market_type: 'spot', spot_options: [] }],
    };
    const lookup = lookupOf({ 'launch_template.0.name': spot });
    const { uses } = autoscalingFamily.uses('aws_autoscaling_group', group(), templateUnknown, lookup);
    expect(uses[1]).toMatchObject({ quotaCode: 'L-34B43A08', amount: 40 });
  });

  it('reports launch_template when the lookup cannot find the template', () => {
    expect(autoscalingFamily.uses('aws_autoscaling_group', group(), templateUnknown)).toEqual({
      uses: [GROUP_USE],
      unknown: ['launch_template (the plan does not show the launch template)'],
    });
    expect(
      autoscalingFamily.uses(
        'aws_autoscaling_group',
        group({ launch_template: [] }),
        unknownIn({ launch_template: true }),
      ).unknown,
    ).toEqual(['launch_template (the plan does not show the launch template)']);
  });

  it('reports an unknown max_size, and counts no vCPUs for max_size 0', () => {
    const { max_size: _, ...rest } = group();
    expect(
      autoscalingFamily.uses('aws_autoscaling_group', rest, unknownIn({ max_size: true })).unknown,
    ).toEqual(['max_size']);
    expect(autoscalingFamily.uses('aws_autoscaling_group', group({ max_size: 0 }), templateUnknown)).toEqual({
      uses: [GROUP_USE],
      unknown: [],
    });
  });

  it('reads a launch configuration, Spot when it sets a spot_price', () => {
    const values = group({ launch_template: [], launch_configuration: 'web-lc' });
    const lookup = lookupOf({ launch_configuration: { instance_type: 't3.large', spot_price: '0.03' } });
    const { uses } = autoscalingFamily.uses('aws_autoscaling_group', values, () => false, lookup);
    expect(uses[1]).toEqual({
      serviceCode: 'ec2',
      quotaCode: 'L-34B43A08',
      amount: 20,
      why: 'max_size 10: 10 × t3.large (2 vCPUs) = 20 vCPUs Spot, from the launch configuration',
    });
    expect(autoscalingFamily.uses('aws_autoscaling_group', values, () => false).unknown).toEqual([
      'launch_configuration (the plan does not show the launch configuration)',
    ]);
  });

  it('follows a launch configuration created in the same plan, not the computed launch_template', () => {
    const values = group({ launch_template: [] });
    const unknownOf = unknownIn({
      launch_configuration: true,
      launch_template: true,
      mixed_instances_policy: true,
    });
    const lookup = lookupOf({ launch_configuration: { instance_type: 'm5.xlarge' } });
    expect(autoscalingFamily.uses('aws_autoscaling_group', values, unknownOf, lookup).uses[1]).toMatchObject({
      quotaCode: 'L-1216C47A',
      amount: 40,
    });
  });

  describe('with a mixed instances policy', () => {
    const mixed = (distribution: Values[], overrides: Values[]): Values =>
      group({
        launch_template: [],
        mixed_instances_policy: [
          {
            instances_distribution: distribution,
            launch_template: [
              {
                launch_template_specification: [{ version: '$Latest' }],
                override: overrides,
              },
            ],
          },
        ],
      });
    const unknownOf = unknownIn({
      launch_template: true,
      mixed_instances_policy: [
        { launch_template: [{ launch_template_specification: [{ launch_template_id: true }] }] },
      ],
    });

    it('takes, for each quota, the override that uses the most of it', () => {
      const values = mixed(
        [{ on_demand_base_capacity: 0, on_demand_percentage_above_base_capacity: 100 }],
        [
          { instance_type: 'm5.large', weighted_capacity: '1' },
          { instance_type: 'm5.xlarge', weighted_capacity: '1' },
          { instance_type: 'g4dn.xlarge', weighted_capacity: '1' },
        ],
      );
      expect(autoscalingFamily.uses('aws_autoscaling_group', values, unknownOf).uses).toEqual([
        GROUP_USE,
        {
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          amount: 40,
          why: 'max_size 10: 10 × m5.xlarge (4 vCPUs) = 40 vCPUs On-Demand, the most of the 3 instance types, from the overrides',
        },
        {
          serviceCode: 'ec2',
          quotaCode: 'L-DB2E81BA',
          amount: 40,
          why: 'max_size 10: 10 × g4dn.xlarge (4 vCPUs) = 40 vCPUs On-Demand, the most of the 3 instance types, from the overrides',
        },
      ]);
    });

    it('splits On-Demand and Spot by the distribution, and divides by weights', () => {
      const values = mixed(
        [{ on_demand_base_capacity: 2, on_demand_percentage_above_base_capacity: 25 }],
        [
          { instance_type: 'c5.large', weighted_capacity: '1' },
          { instance_type: 'c5.2xlarge', weighted_capacity: '4' },
        ],
      );
      // On-Demand: 2 + ceil(8 × 25%) = 4 units; Spot: 6 units.
      const amounts = autoscalingFamily
        .uses('aws_autoscaling_group', values, unknownOf)
        .uses.map((u) => [u.quotaCode, u.amount]);
      // c5.large: 4 × 2 = 8 (c5.2xlarge: 1 × 8 = 8, not more); Spot c5.2xlarge: ceil(6/4) = 2 × 8 = 16.
      expect(amounts).toEqual([
        ['L-CDE20ADC', 1],
        ['L-1216C47A', 8],
        ['L-34B43A08', 16],
      ]);
    });

    it("takes AWS's defaults when the distribution is left unknown, and the template without overrides", () => {
      const values = mixed([], []);
      const lookup = lookupOf({
        'mixed_instances_policy.0.launch_template.0.launch_template_specification.0.launch_template_id':
          template,
      });
      expect(
        autoscalingFamily.uses('aws_autoscaling_group', values, unknownOf, lookup).uses[1],
      ).toMatchObject({
        quotaCode: 'L-1216C47A',
        amount: 20,
      });
      expect(autoscalingFamily.uses('aws_autoscaling_group', values, unknownOf).unknown).toEqual([
        'mixed_instances_policy.0.launch_template (the plan does not show the launch template)',
      ]);
    });

    it('reports overrides chosen by instance_requirements', () => {
      const values = mixed([], [{ instance_requirements: [{ vcpu_count: [{ min: 2 }] }] }]);
      expect(autoscalingFamily.uses('aws_autoscaling_group', values, unknownOf).unknown).toEqual([
        'mixed_instances_policy.0.launch_template.0.override.0 (instance_requirements picks instance types at launch)',
      ]);
    });
  });
});

describe('launch templates and configurations', () => {
  it('counts a launch configuration, and nothing for a launch template', () => {
    expect(
      autoscalingFamily.uses('aws_launch_configuration', { instance_type: 'm5.large' }, () => false),
    ).toEqual({
      uses: [
        {
          serviceCode: 'autoscaling',
          quotaCode: 'L-6B80B8FA',
          amount: 1,
          why: 'one launch configuration',
        },
      ],
      unknown: [],
    });
    expect(autoscalingFamily.uses('aws_launch_template', template, () => false)).toEqual({
      uses: [],
      unknown: [],
    });
  });
});
