import { describe, expect, it } from 'vitest';
import { attributesOf, use, valueAt } from './family.js';

const values = {
  instance_type: 'm5.large',
  count: 3,
  empty: '',
  enabled: true,
  cpu_options: [{ core_count: 2 }],
  tags: { Name: 'web' },
  none: [],
};

describe('valueAt', () => {
  it('walks objects and lists by dotted path', () => {
    expect(valueAt(values, 'cpu_options.0.core_count')).toBe(2);
    expect(valueAt(values, 'tags.Name')).toBe('web');
    expect(valueAt(values, 'cpu_options.1.core_count')).toBeUndefined();
    expect(valueAt(values, 'instance_type.length')).toBeUndefined();
  });
});

describe('attributesOf', () => {
  it('reads each kind of value, and undefined for another kind', () => {
    const a = attributesOf(values, () => false);
    expect(a.string('instance_type')).toBe('m5.large');
    expect(a.string('empty')).toBeUndefined();
    expect(a.string('count')).toBeUndefined();
    expect(a.number('count')).toBe(3);
    expect(a.boolean('enabled')).toBe(true);
    expect(a.block('cpu_options')).toEqual({ core_count: 2 });
    expect(a.block('none')).toBeUndefined();
    expect(a.list('none')).toEqual([]);
    expect(a.lookup('launch_template.0.id')).toBeUndefined();
  });

  it('treats a path under an unknown block as unknown, whatever unknownOf says of it', () => {
    const a = attributesOf(values, (path) => path === 'cpu_options');
    expect(a.unknown('cpu_options.0.core_count')).toBe(true);
    expect(a.number('cpu_options.0.core_count')).toBeUndefined();
    expect(a.block('cpu_options')).toBeUndefined();
    expect(a.unknown('instance_type')).toBe(false);
  });

  it('asks the lookup for what an attribute points at', () => {
    const a = attributesOf(
      values,
      () => false,
      (path) => (path === 'launch_template.0.id' ? { x: 1 } : undefined),
    );
    expect(a.lookup('launch_template.0.id')).toEqual({ x: 1 });
  });
});

describe('use', () => {
  const quota = { serviceCode: 'vpc', quotaCode: 'L-407747CB', name: 'Subnets per VPC' } as const;

  it('gives a scope only when one is given', () => {
    expect(use(quota, 1, 'one subnet')).toEqual({
      serviceCode: 'vpc',
      quotaCode: 'L-407747CB',
      amount: 1,
      why: 'one subnet',
    });
    expect(use(quota, 1, 'one subnet')).not.toHaveProperty('scope');
    expect(use(quota, 1, 'one subnet', 'vpc vpc-0abc').scope).toBe('vpc vpc-0abc');
  });
});
