import { describe, expect, it } from 'vitest';
import {
  chooseRule,
  compareSpecificity,
  describeHours,
  fitRule,
  globPattern,
  inBusinessHours,
  localTime,
  type QuotaSubject,
  type Rule,
  type RuleMatch,
} from './rule.js';

const subject: QuotaSubject = {
  accountId: '111111111111',
  accountName: 'prod-eu',
  region: 'eu-west-1',
  serviceCode: 'ec2',
  quotaCode: 'L-1216C47A',
  quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
};

function rule(name: string, index: number, match: Partial<RuleMatch>): Rule {
  return {
    name,
    index,
    file: 'headroom.yaml',
    match: { accounts: [], regions: [], services: [], quotas: [], ...match },
    own: [],
    level: 'alert_only',
    thresholds: { warning: 80, critical: 90, emergency: 95 },
    multiplier: 2,
    buffer: 25,
    maxValue: null,
    approvalRequired: false,
    costThreshold: null,
    businessHours: null,
    cooldownMs: 0,
    notify: [],
    mute: false,
  };
}

describe('globPattern', () => {
  it.each([
    ['ec2', 'ec2', true],
    ['ec*', 'ec2', true],
    ['e?2', 'ec2', true],
    ['e?2', 'ecc2', false],
    ['*', '', true],
    ['L-1216C47A', 'L-1216C47AX', false],
    ['a.b', 'axb', false],
    ['(x)', '(x)', true],
  ])('%s matches %s: %s', (glob, value, expected) => {
    expect(globPattern(glob).test(value)).toBe(expected);
  });

  it('folds case only when asked', () => {
    expect(globPattern('running on-demand*', true).test(subject.quotaName)).toBe(true);
    expect(globPattern('running on-demand*').test(subject.quotaName)).toBe(false);
  });
});

describe('fitRule', () => {
  it('matches an account by id or by name, a quota by code or by name', () => {
    expect(fitRule(rule('a', 0, { accounts: ['prod-*'] }), subject)).toMatchObject({ matches: true });
    expect(fitRule(rule('a', 0, { accounts: ['111111111111'] }), subject)).toMatchObject({
      matches: true,
      specificity: { account: 2 },
    });
    expect(fitRule(rule('a', 0, { quotas: ['Running On-Demand Standard*'] }), subject)).toMatchObject({
      specificity: { quota: 1 },
    });
    expect(
      fitRule(
        rule('a', 0, { quotas: ['running on-demand standard (a, c, d, h, i, m, r, t, z) instances'] }),
        subject,
      ),
    ).toMatchObject({ specificity: { quota: 2 } });
  });

  it('says which part did not match', () => {
    expect(fitRule(rule('a', 0, { services: ['ec2'], regions: ['us-*'] }), subject)).toEqual({
      matches: false,
      part: 'regions',
      wanted: ['us-*'],
    });
  });
});

describe('chooseRule', () => {
  it('prefers the quota, then the service, account and region; exact over glob over nothing', () => {
    const rules = [
      rule('everything', 0, {}),
      rule('region', 1, { regions: ['eu-west-1'] }),
      rule('account-glob', 2, { accounts: ['prod-*'] }),
      rule('service', 3, { services: ['ec2'] }),
      rule('quota-glob', 4, { quotas: ['L-1216*'] }),
      rule('quota-exact-other-account', 5, { quotas: ['L-1216C47A'], accounts: ['222222222222'] }),
      rule('quota-exact', 6, { quotas: ['L-1216C47A'] }),
    ];
    const order: string[] = [];
    let left = [...rules];
    for (;;) {
      const chosen = chooseRule(left, subject).rule;
      if (chosen === null) break;
      order.push(chosen.name);
      left = left.filter((r) => r !== chosen);
    }
    expect(order).toEqual(['quota-exact', 'quota-glob', 'service', 'account-glob', 'region', 'everything']);
  });

  it('of two equally specific rules, the first written wins', () => {
    const choice = chooseRule(
      [
        rule('first', 0, { services: ['ec2'] }),
        rule('second', 1, { services: ['ec*2'] }),
        rule('third', 2, { services: ['ec2'] }),
      ],
      subject,
    );
    expect(choice.rule?.name).toBe('first');
  });

  it('is null when nothing matches', () => {
    expect(chooseRule([rule('vpc', 0, { services: ['vpc'] })], subject).rule).toBeNull();
  });

  it('orders specificities', () => {
    expect(
      compareSpecificity(
        { quota: 2, service: 0, account: 0, region: 0 },
        { quota: 1, service: 2, account: 2, region: 2 },
      ),
    ).toBeLessThan(0);
    expect(
      compareSpecificity(
        { quota: 0, service: 0, account: 1, region: 0 },
        { quota: 0, service: 0, account: 1, region: 0 },
      ),
    ).toBe(0);
  });
});

describe('business hours', () => {
  const london = {
    days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
    startMinute: 9 * 60,
    endMinute: 17 * 60,
    timeZone: 'Europe/London',
  };

  it.each([
    ['2026-12-02T08:59:00Z', false], // Wednesday, 08:59 in London (GMT)
    ['2026-12-02T09:00:00Z', true],
    ['2026-12-02T16:59:00Z', true],
    ['2026-12-02T17:00:00Z', false], // the end is exclusive
    ['2026-12-05T12:00:00Z', false], // Saturday
    ['2026-07-01T08:30:00Z', true], // 09:30 in London in summer (BST)
    ['2026-07-01T16:30:00Z', false], // 17:30 BST
  ])('at %s: %s', (at, expected) => {
    expect(inBusinessHours({ ...london, days: [...london.days] }, new Date(at))).toBe(expected);
  });

  it('a day is local: Friday evening in New York is Saturday in UTC', () => {
    expect(localTime(new Date('2026-12-05T01:00:00Z'), 'America/New_York')).toEqual({
      day: 'fri',
      minute: 20 * 60,
    });
  });

  it('reads back as written', () => {
    expect(describeHours({ ...london, days: [...london.days] })).toBe('mon-fri 09:00-17:00 Europe/London');
    expect(describeHours({ ...london, days: ['mon', 'wed', 'sat', 'sun'] })).toBe(
      'mon,wed,sat,sun 09:00-17:00 Europe/London',
    );
  });

  it('none means always', () => {
    expect(inBusinessHours(null, new Date('2026-12-05T03:00:00Z'))).toBe(true);
  });
});
