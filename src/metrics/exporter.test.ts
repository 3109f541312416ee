import { describe, expect, it } from 'vitest';
import type { Quota, UsageSample } from '../domain/quota.js';
import type { Target } from '../domain/target.js';
import type { LatestSnapshots } from '../storage/port.js';
import { buildFamilies, escapeLabelValue, formatValue, renderQuotaFamilies } from './exporter.js';

const AT = new Date('2026-11-20T06:00:00.000Z');

function quota(code: string, overrides: Partial<Quota> = {}): Quota {
  return {
    serviceCode: 'ec2',
    serviceName: 'Amazon EC2',
    quotaCode: code,
    quotaName: `quota ${code}`,
    quotaArn: null,
    value: 100,
    source: 'applied',
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

function entry(target: Target, quotas: Quota[], samples: UsageSample[] = []): LatestSnapshots {
  return {
    target,
    accountName: 'prod',
    limits: { target, collectedAt: AT, complete: true, quotas, errors: [] },
    usage: {
      target,
      collectedAt: AT,
      source: 'cloudwatch',
      windowStart: AT,
      windowEnd: AT,
      complete: true,
      samples,
      errors: [],
    },
  };
}

const sample = (quotaCode: string, value: number, resource?: string): UsageSample => ({
  serviceCode: 'ec2',
  quotaCode,
  value,
  observedAt: null,
  ...(resource === undefined ? {} : { resource }),
});

function render(entries: LatestSnapshots[]): string[] {
  return renderQuotaFamilies(buildFamilies({ snapshots: entries, health: [], apiCalls: [] }))
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('the quota families', () => {
  const east = { accountId: '111111111111', region: 'us-east-1' };
  const west = { accountId: '111111111111', region: 'us-west-2' };

  it('lists a global quota once per account, from its home target', () => {
    const iam = quota('L-FE177D64', { serviceCode: 'iam', global: true });
    const lines = render([entry(west, [iam]), entry(east, [iam])]);
    expect(lines.filter((l) => l.startsWith('headroom_quota_limit{'))).toEqual([
      'headroom_quota_limit{account_id="111111111111",account_name="prod",region="us-east-1",service="iam",quota_code="L-FE177D64",quota_name="quota L-FE177D64",adjustable="true"} 100',
    ]);
  });

  it('gives a ratio only where the limit is known and above 0, and no usage for an unknown quota', () => {
    const lines = render([
      entry(
        east,
        [
          quota('L-A', { value: 200 }),
          quota('L-B', { value: 0 }),
          quota('L-C', { value: null, defaultValue: null }),
        ],
        [sample('L-A', 50), sample('L-B', 3), sample('L-C', 4), sample('L-UNKNOWN', 9)],
      ),
    ]);
    expect(
      lines.filter((l) => l.startsWith('headroom_quota_usage_ratio{')).map((l) => l.split(' ').at(-1)),
    ).toEqual(['0.25']);
    expect(lines.filter((l) => l.startsWith('headroom_quota_usage{'))).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('headroom_quota_limit{'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('headroom_quota_default{'))).toHaveLength(2);
  });

  it('gives per-resource usage its own series, against the resource limit when one is set', () => {
    const lines = render([
      entry(
        east,
        [
          quota('L-LISTENERS', { value: 50 }),
          quota('L-LISTENERS', {
            value: 100,
            appliedAtLevel: 'RESOURCE',
            context: {
              scope: 'RESOURCE',
              scopeType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
              contextId: 'lb-b',
            },
          }),
        ],
        [sample('L-LISTENERS', 10, 'lb-a'), sample('L-LISTENERS', 10, 'lb-b')],
      ),
    ]);
    const ratios = lines.filter((l) => l.startsWith('headroom_quota_usage_ratio{'));
    expect(ratios.map((l) => [/resource="([^"]+)"/.exec(l)?.[1], l.split(' ').at(-1)])).toEqual([
      ['lb-a', '0.2'],
      ['lb-b', '0.1'],
    ]);
    expect(
      lines.filter((l) => l.startsWith('headroom_quota_limit{') && l.includes('resource="lb-b"')),
    ).toHaveLength(1);
  });

  it('escapes label values and writes special values as the text format does', () => {
    expect(escapeLabelValue('a "b" \\ c\nd')).toBe('a \\"b\\" \\\\ c\\nd');
    expect([formatValue(Infinity), formatValue(-Infinity), formatValue(NaN), formatValue(0.5)]).toEqual([
      '+Inf',
      '-Inf',
      'NaN',
      '0.5',
    ]);
  });
});
