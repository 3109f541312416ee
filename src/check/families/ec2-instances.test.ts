import { describe, expect, it } from 'vitest';
import { ec2InstancesFamily } from './ec2-instances.js';
import { type Values, valueAt } from './family.js';

/** unknownOf from a plan's after_unknown tree. */
const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

/** An aws_instance create as plan JSON gives it: optional blocks computed, so unknown. */
const instance = (overrides: Values = {}): Values => ({
  ami: 'ami-0123456789abcdef0',
  instance_type: 'm5.2xlarge',
  credit_specification: [],
  launch_template: [],
  source_dest_check: true,
  tags: { Name: 'web' },
  ...overrides,
});
const computed = unknownIn({
  arn: true,
  id: true,
  cpu_options: true,
  instance_market_options: true,
  root_block_device: true,
});

describe('aws_instance', () => {
  it("counts the type's vCPUs against its family's On-Demand quota", () => {
    expect(ec2InstancesFamily.uses('aws_instance', instance(), computed)).toEqual({
      uses: [
        {
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          amount: 8,
          why: 'm5.2xlarge (8 vCPUs), On-Demand',
        },
      ],
      unknown: [],
    });
  });

  it.each([
    ['g5.xlarge', 'L-DB2E81BA', 4],
    ['p4d.24xlarge', 'L-417A185B', 96],
    ['hpc7g.16xlarge', 'L-F7808C92', 64],
    ['u-6tb1.112xlarge', 'L-43DA4232', 448],
  ])('counts %s against %s', (type, quotaCode, amount) => {
    const [use] = ec2InstancesFamily.uses('aws_instance', instance({ instance_type: type }), computed).uses;
    expect(use).toMatchObject({ quotaCode, amount });
  });

  it('counts cores × threads when cpu_options sets them', () => {
    const values = instance({ cpu_options: [{ amd_sev_snp: '', core_count: 2, threads_per_core: 1 }] });
    expect(ec2InstancesFamily.uses('aws_instance', values, known).uses).toEqual([
      {
        serviceCode: 'ec2',
        quotaCode: 'L-1216C47A',
        amount: 2,
        why: 'm5.2xlarge with 2 cores × 1 thread per core (2 vCPUs), On-Demand',
      },
    ]);
  });

  it('reads the deprecated cpu_core_count, and takes 2 threads per core when only cores are set', () => {
    const values = instance({ cpu_core_count: 3, cpu_options: [] });
    expect(ec2InstancesFamily.uses('aws_instance', values, known).uses[0]?.amount).toBe(6);
  });

  it('counts a Spot instance against the Spot quota', () => {
    const values = instance({
      instance_type: 'c5.large',
      instance_market_options: [{ market_type: 'spot', spot_options: [{ max_price: '0.05' }] }],
    });
    expect(ec2InstancesFamily.uses('aws_instance', values, known).uses).toEqual([
      {
        serviceCode: 'ec2',
        quotaCode: 'L-34B43A08',
        amount: 2,
        why: 'c5.large (2 vCPUs), Spot',
      },
    ]);
  });

  it('counts aws_spot_instance_request as Spot', () => {
    const values = instance({ instance_type: 'p5.48xlarge', spot_type: 'one-time' });
    expect(ec2InstancesFamily.uses('aws_spot_instance_request', values, computed).uses[0]).toMatchObject({
      quotaCode: 'L-C4BD4855',
      amount: 192,
    });
  });

  it('reports an unknown instance_type, and a market_type set but unknown', () => {
    const { instance_type: _, ...rest } = instance();
    expect(
      ec2InstancesFamily.uses('aws_instance', rest, unknownIn({ instance_type: true, cpu_options: true })),
    ).toEqual({ uses: [], unknown: ['instance_type'] });
    const spotMaybe = instance({ instance_market_options: [{ spot_options: [] }] });
    expect(
      ec2InstancesFamily.uses(
        'aws_instance',
        spotMaybe,
        unknownIn({ instance_market_options: [{ market_type: true }] }),
      ),
    ).toEqual({ uses: [], unknown: ['instance_market_options.0.market_type'] });
  });

  it('reports a type it does not know, and a Spot type that has no Spot quota', () => {
    expect(ec2InstancesFamily.uses('aws_instance', instance({ instance_type: 'xx.huge' }), computed)).toEqual(
      {
        uses: [],
        unknown: ['instance_type (xx.huge is not an instance type headroom knows)'],
      },
    );
    expect(
      ec2InstancesFamily.uses(
        'aws_spot_instance_request',
        instance({ instance_type: 'u-6tb1.112xlarge' }),
        known,
      ).unknown,
    ).toEqual(['instance_type (u-6tb1.112xlarge has no Spot vCPU quota headroom knows)']);
  });

  it('reads the instance type from its launch template, through the lookup', () => {
    const { instance_type: _, ...rest } = instance();
    const values = { ...rest, launch_template: [{ version: '$Latest' }] };
    const unknownOf = unknownIn({ instance_type: true, launch_template: [{ id: true, name: true }] });
    const template = { instance_type: 'r6i.large', cpu_options: [], instance_market_options: [] };
    const lookup = (path: string) => (path === 'launch_template.0.id' ? template : undefined);
    expect(ec2InstancesFamily.uses('aws_instance', values, unknownOf, lookup)).toEqual({
      uses: [
        {
          serviceCode: 'ec2',
          quotaCode: 'L-1216C47A',
          amount: 2,
          why: 'r6i.large (2 vCPUs), On-Demand, from its launch template',
        },
      ],
      unknown: [],
    });
    expect(ec2InstancesFamily.uses('aws_instance', values, unknownOf).unknown).toEqual([
      'launch_template (the plan does not show the launch template)',
    ]);
  });
});
