import { describe, expect, it } from 'vitest';
import { compareQuotas } from './compare.js';
import type { Quota } from './quota.js';

function quota(code: string, value: number | null, overrides: Partial<Quota> = {}): Quota {
  return {
    serviceCode: 'ec2',
    serviceName: 'Amazon EC2',
    quotaCode: code,
    quotaName: `quota ${code}`,
    quotaArn: null,
    value,
    source: 'applied',
    defaultValue: 5,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: null,
    context: null,
    errorReason: null,
    ...overrides,
  };
}

describe('compareQuotas', () => {
  const source = [
    quota('L-A', 10),
    quota('L-B', 5),
    quota('L-C', 20, { adjustable: false }),
    quota('L-D', 5),
    quota('L-E', 7),
    quota('L-1', 3, { serviceCode: 'lambda' }),
  ];
  const destination = [
    quota('L-A', 4),
    quota('L-B', 5),
    quota('L-C', 8, { adjustable: false }),
    quota('L-D', 9),
    quota('L-F', 1),
  ];

  it('lines quotas up by service and quota code and counts each kind', () => {
    const { summary, rows } = compareQuotas(source, destination, { services: [], suppressDefaults: false });
    expect(rows.map((r) => `${r.serviceCode}/${r.quotaCode}:${r.status}`)).toEqual([
      'ec2/L-A:different',
      'ec2/L-B:equal',
      'ec2/L-C:different',
      'ec2/L-D:different',
      'ec2/L-E:only-source',
      'ec2/L-F:only-destination',
      'lambda/L-1:only-source',
    ]);
    expect(summary).toEqual({
      total: 7,
      equal: 1,
      different: 3,
      destinationLower: 2,
      destinationLowerAdjustable: 1,
      destinationHigher: 1,
      onlyInSource: 2,
      onlyInDestination: 1,
      servicesOnlyInSource: ['lambda'],
      servicesOnlyInDestination: [],
      suppressedAtDefault: 0,
    });
  });

  it('hides quotas at the default on both sides, and filters services', () => {
    const { summary, rows } = compareQuotas(source, destination, {
      services: ['ec2'],
      suppressDefaults: true,
    });
    expect(rows.map((r) => r.quotaCode)).toEqual(['L-A', 'L-C', 'L-D', 'L-E', 'L-F']);
    expect(summary.suppressedAtDefault).toBe(1);
    expect(summary.servicesOnlyInSource).toEqual([]);
  });

  it('prefers the account-level row over a resource-level one of the same code', () => {
    const { rows } = compareQuotas(
      [quota('L-A', 50, { appliedAtLevel: 'RESOURCE' }), quota('L-A', 10, { appliedAtLevel: 'ACCOUNT' })],
      [quota('L-A', 10)],
      { services: [], suppressDefaults: false },
    );
    expect(rows.map((r) => r.status)).toEqual(['equal']);
  });

  it('does not call a quota with no value lower', () => {
    const { rows } = compareQuotas([quota('L-A', 10)], [quota('L-A', null)], {
      services: [],
      suppressDefaults: false,
    });
    expect(rows[0]?.status).toBe('different');
    expect(rows[0]?.destinationLower).toBe(false);
  });
});
