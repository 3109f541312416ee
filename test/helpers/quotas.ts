/**
 * A quota as the collector stores one, for tests that write stores or feed the engine by hand:
 * an adjustable, regional, account-level EC2 quota with no usage metric unless told otherwise.
 */
import type { Quota, UsageSample, UsageSnapshot } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';

export function aQuota(fields: Partial<Quota> & Pick<Quota, 'quotaCode'>): Quota {
  const value = fields.value ?? 100;
  return {
    serviceCode: 'ec2',
    serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
    quotaName: `quota ${fields.quotaCode}`,
    quotaArn: null,
    value,
    source: 'applied',
    defaultValue: value,
    unit: 'None',
    adjustable: true,
    global: false,
    usageMetric: null,
    period: null,
    appliedAtLevel: 'ACCOUNT',
    context: null,
    errorReason: null,
    ...fields,
  };
}

/** A complete CloudWatch usage snapshot collected at `at` (its window the hour before) holding `samples`. */
export function aUsageSnapshot(target: Target, at: Date, samples: readonly UsageSample[]): UsageSnapshot {
  return {
    target,
    collectedAt: at,
    source: 'cloudwatch',
    windowStart: new Date(at.getTime() - 3_600_000),
    windowEnd: at,
    complete: true,
    samples: [...samples],
    errors: [],
  };
}
