import { describe, expect, it } from 'vitest';
import type { Quota } from '../domain/quota.js';
import { mergeQuotas, needsRead, serviceSelected, toQuota } from './limits.js';

function quota(overrides: Partial<Quota>): Quota {
  return {
    serviceCode: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    quotaCode: 'L-1216C47A',
    quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    quotaArn: null,
    value: 5,
    source: 'default',
    defaultValue: 5,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
    ...overrides,
  };
}

describe('toQuota', () => {
  it('keeps every field AWS gives', () => {
    const q = toQuota(
      {
        ServiceCode: 'ec2',
        ServiceName: 'EC2',
        QuotaArn: 'arn:aws:servicequotas:us-east-1:123456789012:ec2/L-1216C47A',
        QuotaCode: 'L-1216C47A',
        QuotaName: 'Running On-Demand Standard instances',
        Value: 640,
        Unit: 'None',
        Adjustable: true,
        GlobalQuota: false,
        UsageMetric: {
          MetricNamespace: 'AWS/Usage',
          MetricName: 'ResourceCount',
          MetricDimensions: {
            Class: 'Standard/OnDemand',
            Resource: 'vCPU',
            Service: 'EC2',
            Type: 'Resource',
          },
          MetricStatisticRecommendation: 'Maximum',
        },
        Period: { PeriodValue: 1, PeriodUnit: 'SECOND' },
        QuotaAppliedAtLevel: 'ACCOUNT',
        QuotaContext: { ContextScope: 'ACCOUNT', ContextScopeType: 'x', ContextId: '*' },
        ErrorReason: { ErrorCode: 'DEPENDENCY_THROTTLING_ERROR', ErrorMessage: 'try later' },
      },
      'applied',
    );
    expect(q).toEqual({
      serviceCode: 'ec2',
      serviceName: 'EC2',
      quotaCode: 'L-1216C47A',
      quotaName: 'Running On-Demand Standard instances',
      quotaArn: 'arn:aws:servicequotas:us-east-1:123456789012:ec2/L-1216C47A',
      value: 640,
      source: 'applied',
      defaultValue: null,
      unit: 'None',
      adjustable: true,
      global: false,
      usageMetric: {
        namespace: 'AWS/Usage',
        name: 'ResourceCount',
        dimensions: { Class: 'Standard/OnDemand', Resource: 'vCPU', Service: 'EC2', Type: 'Resource' },
        statistic: 'Maximum',
      },
      period: { value: 1, unit: 'SECOND' },
      appliedAtLevel: 'ACCOUNT',
      context: { scope: 'ACCOUNT', scopeType: 'x', contextId: '*' },
      errorReason: { code: 'DEPENDENCY_THROTTLING_ERROR', message: 'try later' },
    });
  });

  it('fills absent booleans with the model defaults and absent values with null', () => {
    const q = toQuota({ ServiceCode: 'iam', QuotaCode: 'L-F4A5425F' }, 'default');
    expect(q).toMatchObject({
      value: null,
      defaultValue: null,
      adjustable: false,
      global: false,
      usageMetric: null,
    });
  });
});

describe('mergeQuotas', () => {
  const defaults = [
    quota({ quotaCode: 'L-A', value: 5, defaultValue: 5 }),
    quota({ quotaCode: 'L-B', value: 10, defaultValue: 10 }),
    quota({ quotaCode: 'L-C', value: 20, defaultValue: 20 }),
  ];

  it.each([
    ['applied value wins', 'L-A', { value: 640, source: 'applied', defaultValue: 5 }],
    ['only in the defaults keeps the default', 'L-B', { value: 10, source: 'default', defaultValue: 10 }],
    [
      'listed without Value falls back to the default',
      'L-C',
      { value: 20, source: 'default', defaultValue: 20 },
    ],
    ['only in the applied list has no default', 'L-D', { value: 7, source: 'applied', defaultValue: null }],
  ])('%s', (_, code, expected) => {
    const merged = mergeQuotas(defaults, [
      quota({ quotaCode: 'L-A', value: 640, source: 'applied', defaultValue: null }),
      quota({
        quotaCode: 'L-C',
        value: null,
        source: 'applied',
        defaultValue: null,
        errorReason: { code: 'DEPENDENCY_SERVICE_ERROR', message: 'x' },
      }),
      quota({ quotaCode: 'L-D', value: 7, source: 'applied', defaultValue: null }),
    ]);
    expect(merged).toHaveLength(4);
    expect(merged.find((q) => q.quotaCode === code)).toMatchObject(expected);
  });

  it('keeps the error reason of a quota listed without a value', () => {
    const merged = mergeQuotas(defaults, [
      quota({ quotaCode: 'L-C', value: null, source: 'applied', errorReason: { code: 'E', message: 'm' } }),
    ]);
    expect(merged.find((q) => q.quotaCode === 'L-C')?.errorReason).toEqual({ code: 'E', message: 'm' });
  });
});

describe('needsRead', () => {
  it.each([
    ['a service with regional quotas, home target', [quota({})], true, true],
    ['a service with regional quotas, other target', [quota({})], false, true],
    ['a global-only service, home target', [quota({ global: true })], true, true],
    ['a global-only service, other target', [quota({ global: true })], false, false],
    ['a mixed service, other target', [quota({ global: true }), quota({ quotaCode: 'L-2' })], false, true],
    ['a service with no quotas', [], true, false],
  ])('%s', (_, defaults, home, expected) => {
    expect(needsRead(defaults, home)).toBe(expected);
  });

  it('selects services by include and exclude', () => {
    expect(serviceSelected('ec2', { include: ['ec2'], exclude: ['ec2'] })).toBe(false);
    expect(serviceSelected('ec2', { include: ['ec2'], exclude: [] })).toBe(true);
    expect(serviceSelected('vpc', { include: ['ec2'], exclude: [] })).toBe(false);
    expect(serviceSelected('vpc', { include: [], exclude: [] })).toBe(true);
  });
});
