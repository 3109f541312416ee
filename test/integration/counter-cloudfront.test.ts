/**
 * The CloudFront usage counter through a real AwsSession (management credentials, member accounts
 * through OrganizationAccountAccessRole) against the sandbox with pages of 2: every value checked
 * against what the seeded distributions say, the pages it reads counted, and an access denial
 * reaching the caller.
 */
import { describe, expect, it } from 'vitest';
import type { Quota } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import type { CloudFrontResources } from '../../src/sandbox/services/cloudfront/resources.js';
import {
  CACHE_BEHAVIORS_PER_DISTRIBUTION,
  CNAMES_PER_DISTRIBUTION,
  ORIGIN_GROUPS_PER_DISTRIBUTION,
  ORIGINS_PER_DISTRIBUTION,
  WEB_DISTRIBUTIONS,
  cloudFront,
} from '../../src/services/cloudfront.js';
import { sandboxTargets, successCalls } from '../helpers/sandbox.js';
import { counterSandbox, sortedCounts, targetQuotas } from '../helpers/counting.js';

// The sandbox does not throttle here (its throttling has tests of its own).
const counter = counterSandbox({ pageSize: 2, throttle: 'off' }, { denials: [] });
const sandbox = counter.sandbox;

const targets = (): Target[] => sandboxTargets(sandbox, ['us-east-1']);

const quotasOf = (target: Target): Promise<Quota[]> => targetQuotas(sandbox, target, 'cloudfront');

function seeded(target: Target): CloudFrontResources {
  return sandbox.admin.resources('cloudfront', target.accountId, 'us-east-1') as CloudFrontResources;
}

const calls = (operation: string): number => successCalls(sandbox, operation);

const PER_DISTRIBUTION = [
  CNAMES_PER_DISTRIBUTION,
  CACHE_BEHAVIORS_PER_DISTRIBUTION,
  ORIGINS_PER_DISTRIBUTION,
  ORIGIN_GROUPS_PER_DISTRIBUTION,
];

describe('the CloudFront counter', () => {
  it('counts distributions, and names, cache behaviors, origins and origin groups per distribution', async () => {
    for (const target of targets()) {
      const quotas = await quotasOf(target);
      const codes = quotas.map((q) => q.quotaCode);
      for (const code of [WEB_DISTRIBUTIONS, ...PER_DISTRIBUTION]) expect(codes).toContain(code);
      const { distributions } = seeded(target);
      const before = calls('ListDistributions');

      const counted = await cloudFront.findUsage({ target, session: counter.session, quotas });

      expect(sortedCounts(counted)).toEqual(
        sortedCounts([
          { quotaCode: WEB_DISTRIBUTIONS, value: distributions.length },
          ...distributions.flatMap((d) => [
            { quotaCode: CNAMES_PER_DISTRIBUTION, value: d.aliases.length, resource: d.arn },
            // The default cache behavior counts toward the quota too.
            {
              quotaCode: CACHE_BEHAVIORS_PER_DISTRIBUTION,
              value: d.cacheBehaviors.length + 1,
              resource: d.arn,
            },
            { quotaCode: ORIGINS_PER_DISTRIBUTION, value: d.origins.length, resource: d.arn },
            { quotaCode: ORIGIN_GROUPS_PER_DISTRIBUTION, value: d.originGroups.length, resource: d.arn },
          ]),
        ]),
      );
      // The one quota with a usage metric: the same as CloudWatch reports.
      expect(counted.find((c) => c.quotaCode === WEB_DISTRIBUTIONS)?.value).toBe(
        sandbox.admin.resourceUsage(target.accountId, 'us-east-1', `cloudfront/${WEB_DISTRIBUTIONS}`),
      );
      // Every page once, and no call per distribution.
      expect(calls('ListDistributions') - before).toBe(Math.ceil(distributions.length / 2));
    }
  });

  it('counts only the quotas the target has, and calls nothing when it has none of them', async () => {
    const [target] = targets();
    if (!target) throw new Error('no target');
    const all = await quotasOf(target);
    const origins = await cloudFront.findUsage({
      target,
      session: counter.session,
      quotas: all.filter((q) => q.quotaCode === ORIGINS_PER_DISTRIBUTION),
    });
    expect(origins).toEqual(
      seeded(target).distributions.map((d) => ({
        quotaCode: ORIGINS_PER_DISTRIBUTION,
        value: d.origins.length,
        resource: d.arn,
      })),
    );
    const before = calls('ListDistributions');
    const unrelated = all.filter((q) => ![WEB_DISTRIBUTIONS, ...PER_DISTRIBUTION].includes(q.quotaCode));
    expect(unrelated.length).toBeGreaterThan(0);
    expect(await cloudFront.findUsage({ target, session: counter.session, quotas: unrelated })).toEqual([]);
    expect(calls('ListDistributions') - before).toBe(0);
  });

  it('lets an AccessDenied on ListDistributions reach the caller, never a 0', async () => {
    const target = targets()[1];
    if (!target) throw new Error('no member account');
    const quotas = await quotasOf(target);
    sandbox.admin.configure({ denials: [{ operation: 'ListDistributions' }] });
    await expect(cloudFront.findUsage({ target, session: counter.session, quotas })).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('cloudfront:ListDistributions') as unknown,
    });
  });

  it('declares exactly the IAM actions it calls', async () => {
    const target = targets()[2];
    if (!target) throw new Error('no member account');
    const quotas = await quotasOf(target);
    sandbox.admin.resetCalls();
    await cloudFront.findUsage({ target, session: counter.session, quotas });
    const called = sandbox.admin
      .calls()
      .filter((c) => c.service === 'cloudfront')
      .map((c) => `cloudfront:${c.operation}`);
    expect([...new Set(called)].sort()).toEqual([...cloudFront.iamActions].sort());
    expect(cloudFront.global).toBe(true);
  });
});
