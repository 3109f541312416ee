import { describe, expect, it } from 'vitest';
import type { Quota } from '../domain/quota.js';
import { chooseUsageSource, distinctMetrics, usageCosts, usageWindow } from './usage.js';

function watched(i: number, shared = false): Quota {
  return {
    serviceCode: 'ec2',
    serviceName: 'EC2',
    quotaCode: `L-${String(i).padStart(8, '0')}`,
    quotaName: `q${i}`,
    quotaArn: null,
    value: 10,
    source: 'applied',
    defaultValue: 10,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: {
      namespace: 'AWS/Usage',
      name: 'ResourceCount',
      dimensions: { Service: 'EC2', Type: 'Resource', Resource: shared ? 'vCPU' : `r${i}`, Class: 'None' },
      statistic: 'Maximum',
    },
    period: null,
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
  };
}

describe('usageWindow', () => {
  it('ends at the last whole period and spans the window', () => {
    const w = usageWindow(new Date('2026-11-22T10:17:42.500Z'), 3_600_000, 60);
    expect(w.end.toISOString()).toBe('2026-11-22T10:17:00.000Z');
    expect(w.start.toISOString()).toBe('2026-11-22T09:17:00.000Z');
    expect(w.periodSeconds).toBe(60);
  });
});

describe('distinctMetrics', () => {
  it('shares one query between quotas that watch the same metric, whatever the dimension order', () => {
    const a = watched(1, true);
    const b = {
      ...watched(2, true),
      usageMetric: {
        namespace: 'AWS/Usage',
        name: 'ResourceCount',
        statistic: 'Maximum' as const,
        dimensions: { Class: 'None', Resource: 'vCPU', Type: 'Resource', Service: 'EC2' },
      },
    };
    const c = watched(3);
    const distinct = distinctMetrics([a, b, c]);
    expect(distinct.size).toBe(2);
    expect([...distinct.values()].map((d) => d.quotas.length).sort()).toEqual([1, 2]);
  });
});

describe('choosing the usage source', () => {
  it.each([
    [1, { cloudwatch: 1, 'utilization-report': 2 }],
    [500, { cloudwatch: 1, 'utilization-report': 2 }],
    [1342, { cloudwatch: 3, 'utilization-report': 3 }],
    [2600, { cloudwatch: 6, 'utilization-report': 4 }],
  ])('%i quotas cost %o', (n, costs) => {
    expect(usageCosts(n, n)).toEqual(costs);
  });

  it.each([
    [400, true, 'auto', 'cloudwatch'],
    [1342, true, 'auto', 'cloudwatch'], // a tie goes to CloudWatch: exact values with timestamps
    [2600, true, 'auto', 'utilization-report'],
    [2600, false, 'auto', 'cloudwatch'],
    [10, true, 'utilization-report', 'utilization-report'],
  ] as const)('%i quotas, report available %s, preferred %s → %s', (n, available, preferred, expected) => {
    const quotas = Array.from({ length: n }, (_, i) => watched(i));
    expect(chooseUsageSource(quotas, { reportAvailable: available, preferred }).source).toBe(expected);
  });
});
