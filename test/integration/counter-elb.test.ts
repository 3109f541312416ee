/**
 * The Elastic Load Balancing usage counter against the sandbox, through an AwsSession (the
 * management account's keys, members through OrganizationAccountAccessRole) and pages of 2:
 * every value equal to what the seeded load balancers hold, Region counts equal to the usage
 * CloudWatch reports, exactly the describe calls the pages need, only the calls the target's
 * quotas need, and an access denial that propagates.
 */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/domain/target.js';
import type { ElbResources } from '../../src/sandbox/services/elb/resources.js';
import { ELB_QUOTAS, elb } from '../../src/services/elb.js';
import type { UsageCount } from '../../src/services/service.js';
import { counterSandbox, minimalQuota, sortedCounts, targetQuotas } from '../helpers/counting.js';
import { sandboxTargets, successCalls } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const Q = ELB_QUOTAS;

// Unthrottled: pages of 2 at AWS's pace would only be slow.
const counter = counterSandbox({ pageSize: 2, throttle: 'off' }, { denials: [] });
const sandbox = counter.sandbox;

const targets = (): Target[] => sandboxTargets(sandbox, REGIONS);

function seeded(target: Target): ElbResources {
  return sandbox.admin.resources('elb', target.accountId, target.region) as ElbResources;
}

const quota = (quotaCode: string) => minimalQuota('elasticloadbalancing', quotaCode);

/** What the counter must find, computed from the seeded resources. */
function expectedCounts(resources: ElbResources, codes: ReadonlySet<string>): UsageCount[] {
  const albs = resources.loadBalancers.filter((lb) => lb.type === 'application');
  const nlbs = resources.loadBalancers.filter((lb) => lb.type === 'network');
  const listenersOf = (arn: string): number =>
    resources.listeners.filter((l) => l.loadBalancerArn === arn).length;
  const all: UsageCount[] = [
    { quotaCode: Q.applicationLoadBalancers, value: albs.length },
    { quotaCode: Q.networkLoadBalancers, value: nlbs.length },
    { quotaCode: Q.targetGroups, value: resources.targetGroups.length },
    ...albs.map((lb) => ({
      quotaCode: Q.targetGroupsPerApplicationLoadBalancer,
      value: resources.targetGroups.filter((tg) => tg.loadBalancerArns.includes(lb.arn)).length,
      resource: lb.arn,
    })),
    ...albs.map((lb) => ({
      quotaCode: Q.listenersPerApplicationLoadBalancer,
      value: listenersOf(lb.arn),
      resource: lb.arn,
    })),
    ...nlbs.map((lb) => ({
      quotaCode: Q.listenersPerNetworkLoadBalancer,
      value: listenersOf(lb.arn),
      resource: lb.arn,
    })),
    { quotaCode: Q.classicLoadBalancers, value: resources.classicLoadBalancers.length },
    ...resources.classicLoadBalancers.flatMap((lb) => [
      { quotaCode: Q.listenersPerClassicLoadBalancer, value: lb.listeners.length, resource: lb.name },
      { quotaCode: Q.instancesPerClassicLoadBalancer, value: lb.instances.length, resource: lb.name },
    ]),
  ];
  return all.filter((c) => codes.has(c.quotaCode));
}

const pages = (n: number): number => Math.max(1, Math.ceil(n / 2));

const calls = (operation: string): number => successCalls(sandbox, operation);

describe('the ELB counter', () => {
  it('counts every quota of every target as the seeded load balancers say, in exactly the pages needed', async () => {
    let perResource = 0;
    for (const target of targets()) {
      const quotas = await targetQuotas(sandbox, target, 'elasticloadbalancing');
      const codes = new Set(quotas.map((q) => q.quotaCode));
      for (const code of Object.values(Q)) expect(codes, code).toContain(code);
      const resources = seeded(target);
      const before = {
        lbs: calls('DescribeLoadBalancers'),
        listeners: calls('DescribeListeners'),
        tgs: calls('DescribeTargetGroups'),
      };

      const counted = await elb.findUsage({ target, session: counter.session, quotas });

      expect(sortedCounts(counted)).toEqual(sortedCounts(expectedCounts(resources, codes)));
      for (const code of [
        Q.applicationLoadBalancers,
        Q.networkLoadBalancers,
        Q.classicLoadBalancers,
        Q.targetGroups,
      ]) {
        const value = counted.find((c) => c.quotaCode === code)?.value;
        expect(value, code).toBe(
          sandbox.admin.resourceUsage(target.accountId, target.region, `elasticloadbalancing/${code}`),
        );
      }
      // v2 and classic DescribeLoadBalancers share a name: their pages together.
      expect(calls('DescribeLoadBalancers') - before.lbs).toBe(
        pages(resources.loadBalancers.length) + pages(resources.classicLoadBalancers.length),
      );
      expect(calls('DescribeTargetGroups') - before.tgs).toBe(pages(resources.targetGroups.length));
      // Listeners of ALBs and NLBs only: never of a Gateway Load Balancer.
      const listed = resources.loadBalancers.filter((lb) => lb.type !== 'gateway');
      expect(calls('DescribeListeners') - before.listeners).toBe(
        listed.reduce(
          (n, lb) => n + pages(resources.listeners.filter((l) => l.loadBalancerArn === lb.arn).length),
          0,
        ),
      );
      perResource += counted.filter((c) => c.resource !== undefined).length;
    }
    expect(perResource).toBeGreaterThan(30);
  });

  it('counts a Classic Load Balancer quota near its limit below it', async () => {
    const near = targets().filter((t) => {
      const limit = sandbox.admin
        .quotaTable(t.accountId, t.region)
        .find(
          (row) => row.serviceCode === 'elasticloadbalancing' && row.quotaCode === Q.classicLoadBalancers,
        );
      const value = limit?.appliedValue ?? limit?.defaultValue ?? 0;
      return seeded(t).classicLoadBalancers.length >= 0.8 * value;
    });
    expect(near.length).toBeGreaterThan(0);
    for (const target of near) {
      const [counted] = await elb.findUsage({
        target,
        session: counter.session,
        quotas: [quota(Q.classicLoadBalancers)],
      });
      expect(counted?.value).toBe(seeded(target).classicLoadBalancers.length);
    }
  });

  it('makes only the calls the target’s quotas need', async () => {
    const target = targets()[0];
    if (!target) throw new Error('no target');
    const resources = seeded(target);
    const before = {
      lbs: calls('DescribeLoadBalancers'),
      listeners: calls('DescribeListeners'),
      tgs: calls('DescribeTargetGroups'),
    };
    const classicOnly = await elb.findUsage({
      target,
      session: counter.session,
      quotas: [quota(Q.classicLoadBalancers)],
    });
    expect(classicOnly).toEqual([
      { quotaCode: Q.classicLoadBalancers, value: resources.classicLoadBalancers.length },
    ]);
    expect(calls('DescribeLoadBalancers') - before.lbs).toBe(pages(resources.classicLoadBalancers.length));
    expect(calls('DescribeListeners') - before.listeners).toBe(0);
    expect(calls('DescribeTargetGroups') - before.tgs).toBe(0);

    const tgs = await elb.findUsage({ target, session: counter.session, quotas: [quota(Q.targetGroups)] });
    expect(tgs).toEqual([{ quotaCode: Q.targetGroups, value: resources.targetGroups.length }]);
    expect(calls('DescribeLoadBalancers') - before.lbs).toBe(pages(resources.classicLoadBalancers.length));
    expect(calls('DescribeTargetGroups') - before.tgs).toBe(pages(resources.targetGroups.length));
    expect(calls('DescribeListeners') - before.listeners).toBe(0);

    expect(await elb.findUsage({ target, session: counter.session, quotas: [] })).toEqual([]);
  });

  it('counts 0 where nothing runs, and emits no per-resource values there', async () => {
    const target = { accountId: sandbox.admin.accounts()[1]?.id ?? '', region: 'ap-southeast-2' };
    const counted = await elb.findUsage({
      target,
      session: counter.session,
      quotas: Object.values(Q).map(quota),
    });
    expect(sortedCounts(counted)).toEqual(
      sortedCounts(
        [Q.applicationLoadBalancers, Q.networkLoadBalancers, Q.classicLoadBalancers, Q.targetGroups].map(
          (quotaCode) => ({ quotaCode, value: 0 }),
        ),
      ),
    );
  });

  it('lets an access denial on one load balancer’s DescribeListeners propagate', async () => {
    const target = targets().find((t) => seeded(t).loadBalancers.some((lb) => lb.type === 'network'));
    const nlb = target && seeded(target).loadBalancers.find((lb) => lb.type === 'network');
    if (!target || !nlb) throw new Error('no target with a Network Load Balancer');
    sandbox.admin.configure({ denials: [{ operation: 'DescribeListeners', resource: nlb.arn }] });
    await expect(
      elb.findUsage({ target, session: counter.session, quotas: Object.values(Q).map(quota) }),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining('elasticloadbalancing:DescribeListeners') as string,
    });
    // Without the listener quotas, the denied call is not needed, and the rest is counted.
    const rest = await elb.findUsage({
      target,
      session: counter.session,
      quotas: [quota(Q.networkLoadBalancers)],
    });
    expect(rest).toEqual([
      {
        quotaCode: Q.networkLoadBalancers,
        value: seeded(target).loadBalancers.filter((lb) => lb.type === 'network').length,
      },
    ]);
  });

  it('lets an access denial on DescribeTargetGroups propagate', async () => {
    const target = targets()[0];
    if (!target) throw new Error('no target');
    sandbox.admin.configure({ denials: [{ operation: 'DescribeTargetGroups' }] });
    await expect(
      elb.findUsage({ target, session: counter.session, quotas: [quota(Q.targetGroups)] }),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });
});
