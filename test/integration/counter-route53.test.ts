/**
 * The Route 53 usage counter through a real AwsSession (management credentials, member accounts
 * through OrganizationAccountAccessRole) against the sandbox with pages of 2: every value checked
 * against what the seeded zones and health checks say, the calls it makes counted, and an access
 * denial on any of them reaching the caller.
 */
import { describe, expect, it } from 'vitest';
import type { Quota } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import type { Route53Resources } from '../../src/sandbox/services/route53/resources.js';
import {
  HEALTH_CHECKS,
  HOSTED_ZONES,
  RECORDS_PER_HOSTED_ZONE,
  VPCS_PER_PRIVATE_HOSTED_ZONE,
  route53,
} from '../../src/services/route53.js';
import { sandboxTargets, successCalls } from '../helpers/sandbox.js';
import { counterSandbox, sortedCounts, targetQuotas } from '../helpers/counting.js';

// The sandbox does not throttle here; pages of 2 at Route 53's 5 per second would be slow.
const counter = counterSandbox({ pageSize: 2, throttle: 'off' }, { denials: [] });
const sandbox = counter.sandbox;

const targets = (): Target[] => sandboxTargets(sandbox, ['us-east-1']);

const quotasOf = (target: Target): Promise<Quota[]> => targetQuotas(sandbox, target, 'route53');

function seeded(target: Target): Route53Resources {
  return sandbox.admin.resources('route53', target.accountId, 'us-east-1') as Route53Resources;
}

const calls = (operation: string): number => successCalls(sandbox, operation);

describe('the Route 53 counter', () => {
  it('counts zones, records per zone, health checks and VPCs per private zone in every account', async () => {
    for (const target of targets()) {
      const quotas = await quotasOf(target);
      const codes = quotas.map((q) => q.quotaCode);
      for (const code of [
        HOSTED_ZONES,
        RECORDS_PER_HOSTED_ZONE,
        HEALTH_CHECKS,
        VPCS_PER_PRIVATE_HOSTED_ZONE,
      ]) {
        expect(codes).toContain(code);
      }
      const { hostedZones, healthChecks } = seeded(target);
      const privateZones = hostedZones.filter((z) => z.privateZone);
      const before = {
        zones: calls('ListHostedZones'),
        checks: calls('ListHealthChecks'),
        gets: calls('GetHostedZone'),
      };

      const counted = await route53.findUsage({ target, session: counter.session, quotas });

      expect(sortedCounts(counted)).toEqual(
        sortedCounts([
          { quotaCode: HOSTED_ZONES, value: hostedZones.length },
          { quotaCode: HEALTH_CHECKS, value: healthChecks.length },
          ...hostedZones.map((z) => ({
            quotaCode: RECORDS_PER_HOSTED_ZONE,
            value: z.recordSetCount,
            resource: z.id,
          })),
          ...privateZones.map((z) => ({
            quotaCode: VPCS_PER_PRIVATE_HOSTED_ZONE,
            value: z.vpcs.length,
            resource: z.id,
          })),
        ]),
      );
      // The quotas with a usage metric: the same as CloudWatch reports.
      for (const code of [HOSTED_ZONES, HEALTH_CHECKS]) {
        expect(counted.find((c) => c.quotaCode === code)?.value).toBe(
          sandbox.admin.resourceUsage(target.accountId, 'us-east-1', `route53/${code}`),
        );
      }
      // Every page of each list once, and one GetHostedZone per private zone only.
      expect(calls('ListHostedZones') - before.zones).toBe(Math.ceil(hostedZones.length / 2));
      expect(calls('ListHealthChecks') - before.checks).toBe(Math.max(1, Math.ceil(healthChecks.length / 2)));
      expect(calls('GetHostedZone') - before.gets).toBe(privateZones.length);
      expect(privateZones.length).toBeGreaterThan(0);
    }
  });

  it('counts only the quotas the target has, and calls nothing for the others', async () => {
    const [target] = targets();
    if (!target) throw new Error('no target');
    const quotas = (await quotasOf(target)).filter((q) => q.quotaCode === HEALTH_CHECKS);
    const before = { zones: calls('ListHostedZones'), gets: calls('GetHostedZone') };
    const counted = await route53.findUsage({ target, session: counter.session, quotas });
    expect(counted).toEqual([{ quotaCode: HEALTH_CHECKS, value: seeded(target).healthChecks.length }]);
    expect(calls('ListHostedZones') - before.zones).toBe(0);
    expect(calls('GetHostedZone') - before.gets).toBe(0);

    const records = (await quotasOf(target)).filter((q) => q.quotaCode === RECORDS_PER_HOSTED_ZONE);
    const checksBefore = calls('ListHealthChecks');
    const perZone = await route53.findUsage({ target, session: counter.session, quotas: records });
    expect(perZone.map((c) => c.resource)).toEqual(seeded(target).hostedZones.map((z) => z.id));
    expect(calls('ListHealthChecks') - checksBefore).toBe(0);
    expect(calls('GetHostedZone') - before.gets).toBe(0);

    expect(await route53.findUsage({ target, session: counter.session, quotas: [] })).toEqual([]);
  });

  it.each(['ListHostedZones', 'ListHealthChecks', 'GetHostedZone'])(
    'lets an AccessDenied on %s reach the caller, never a 0',
    async (operation) => {
      const target = targets()[1];
      if (!target) throw new Error('no member account');
      const quotas = await quotasOf(target);
      sandbox.admin.configure({ denials: [{ operation }] });
      await expect(route53.findUsage({ target, session: counter.session, quotas })).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(`route53:${operation}`) as unknown,
      });
    },
  );

  it('declares exactly the IAM actions it calls', async () => {
    const target = targets()[2];
    if (!target) throw new Error('no member account');
    const quotas = await quotasOf(target);
    sandbox.admin.resetCalls();
    await route53.findUsage({ target, session: counter.session, quotas });
    const called = sandbox.admin
      .calls()
      .filter((c) => c.service === 'route53')
      .map((c) => `route53:${c.operation}`);
    expect([...new Set(called)].sort()).toEqual([...route53.iamActions].sort());
    expect(route53.global).toBe(true);
  });
});
