/**
 * The sandbox's Elastic Load Balancing, both APIs under one signing name, through the real SDK
 * clients (pages of 2, every Marker followed, items equal to the seeded load balancers), its
 * errors in ELB's words and shape, and checked by both AWS CLIs as independent clients.
 */
import {
  AccessPointNotFoundException,
  DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand,
  ElasticLoadBalancingClient,
  type LoadBalancerDescription,
  paginateDescribeLoadBalancers as paginateClassicLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  LoadBalancerNotFoundException,
  ListenerNotFoundException,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { ElbResources } from '../../src/sandbox/services/elb/resources.js';
import { AWS_CLIS, awsCliJson, checkAwsCliFirst, runAwsCli } from '../helpers/aws-cli.js';
import {
  clientSettings,
  cliOptions,
  sandboxForTests,
  type SandboxPlace,
  sandboxPlaces,
  sendRaw,
  successCalls,
} from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

const sandbox = sandboxForTests({ pageSize: 2, throttle: 'off' }, { throttle: 'off', denials: [] });

const targets = (): SandboxPlace[] => sandboxPlaces(sandbox, REGIONS);

function seeded(accountId: string, region: string): ElbResources {
  return sandbox.admin.resources('elb', accountId, region) as ElbResources;
}

function v2(index: number, region: string, maxAttempts?: number): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client(clientSettings(sandbox, { account: index, region, maxAttempts }));
}

function classic(index: number, region: string): ElasticLoadBalancingClient {
  return new ElasticLoadBalancingClient(clientSettings(sandbox, { account: index, region }));
}

/** Calls a page of 2 needs for `n` items: one even for none. */
function pages(n: number): number {
  return Math.max(1, Math.ceil(n / 2));
}

const calls = (operation: string): number => successCalls(sandbox, operation);

describe('ELB v2 through the SDK', () => {
  it('DescribeLoadBalancers follows every page and lists exactly the seeded load balancers', async () => {
    let seen = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region).loadBalancers;
      const before = calls('DescribeLoadBalancers');
      const got: LoadBalancer[] = [];
      for await (const page of paginateDescribeLoadBalancers({ client: v2(index, region) }, {})) {
        expect(page.LoadBalancers?.length ?? 0).toBeLessThanOrEqual(2);
        got.push(...(page.LoadBalancers ?? []));
      }
      expect(calls('DescribeLoadBalancers') - before).toBe(pages(expected.length));
      expect(got.map((lb) => [lb.LoadBalancerArn, lb.LoadBalancerName, lb.Type, lb.Scheme])).toEqual(
        expected.map((lb) => [lb.arn, lb.name, lb.type, lb.scheme]),
      );
      for (const lb of got) {
        expect(lb.State?.Code).toBe('active');
        expect(lb.CreatedTime).toBeInstanceOf(Date);
        expect(lb.AvailabilityZones?.length).toBeGreaterThan(0);
        expect(lb.LoadBalancerArn).toContain(`:${region}:${accountId}:loadbalancer/`);
      }
      seen += got.length;
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('DescribeLoadBalancers by Names and by LoadBalancerArns', async () => {
    const { index, accountId, region } = targets().find(
      (t) => seeded(t.accountId, t.region).loadBalancers.length > 2,
    ) ?? {
      index: 0,
      accountId: '',
      region: '',
    };
    const [first, second] = seeded(accountId, region).loadBalancers;
    if (!first || !second) throw new Error('no target with two load balancers');
    const byName = await v2(index, region).send(new DescribeLoadBalancersCommand({ Names: [second.name] }));
    expect(byName.LoadBalancers?.map((lb) => lb.LoadBalancerArn)).toEqual([second.arn]);
    const byArn = await v2(index, region).send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [first.arn, second.arn] }),
    );
    expect(byArn.LoadBalancers?.map((lb) => lb.LoadBalancerName)).toEqual([first.name, second.name]);
  });

  it('DescribeListeners lists each load balancer’s listeners, page by page', async () => {
    let seen = 0;
    for (const { index, accountId, region } of targets().slice(0, 4)) {
      const resources = seeded(accountId, region);
      for (const lb of resources.loadBalancers) {
        const expected = resources.listeners.filter((l) => l.loadBalancerArn === lb.arn);
        const before = calls('DescribeListeners');
        const got: Listener[] = [];
        for await (const page of paginateDescribeListeners(
          { client: v2(index, region) },
          { LoadBalancerArn: lb.arn },
        )) {
          got.push(...(page.Listeners ?? []));
        }
        expect(calls('DescribeListeners') - before).toBe(pages(expected.length));
        expect(got.map((l) => [l.ListenerArn, l.LoadBalancerArn, l.Port, l.Protocol])).toEqual(
          expected.map((l) => [l.arn, l.loadBalancerArn, l.port, l.protocol]),
        );
        expect(got.map((l) => l.DefaultActions?.[0]?.TargetGroupArn)).toEqual(
          expected.map((l) => l.targetGroupArn),
        );
        seen += got.length;
      }
    }
    expect(seen).toBeGreaterThan(5);
  });

  it('DescribeTargetGroups lists every target group, or those of one load balancer', async () => {
    for (const { index, accountId, region } of targets()) {
      const resources = seeded(accountId, region);
      const before = calls('DescribeTargetGroups');
      const got: TargetGroup[] = [];
      for await (const page of paginateDescribeTargetGroups({ client: v2(index, region) }, {})) {
        got.push(...(page.TargetGroups ?? []));
      }
      expect(calls('DescribeTargetGroups') - before).toBe(pages(resources.targetGroups.length));
      expect(got.map((tg) => [tg.TargetGroupArn, tg.TargetGroupName, tg.LoadBalancerArns ?? []])).toEqual(
        resources.targetGroups.map((tg) => [tg.arn, tg.name, tg.loadBalancerArns]),
      );
      const lb = resources.loadBalancers[0];
      if (!lb) continue;
      const ofOne: TargetGroup[] = [];
      for await (const page of paginateDescribeTargetGroups(
        { client: v2(index, region) },
        { LoadBalancerArn: lb.arn },
      )) {
        ofOne.push(...(page.TargetGroups ?? []));
      }
      expect(ofOne.map((tg) => tg.TargetGroupArn)).toEqual(
        resources.targetGroups.filter((tg) => tg.loadBalancerArns.includes(lb.arn)).map((tg) => tg.arn),
      );
    }
  });

  it('answers a bad Marker, an unknown load balancer or listener, and bad input in ELB’s words', async () => {
    const { index, accountId, region } = targets().find(
      (t) => seeded(t.accountId, t.region).loadBalancers.length > 0,
    ) ?? {
      index: 0,
      accountId: '',
      region: '',
    };
    const client = v2(index, region);
    await expect(
      client.send(new DescribeLoadBalancersCommand({ Marker: 'bm90IGEgbWFya2Vy' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Invalid value for parameter Marker',
      $metadata: { httpStatusCode: 400 },
    });
    const missing = `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/none/0123456789abcdef`;
    const notFound = client.send(new DescribeListenersCommand({ LoadBalancerArn: missing }));
    await expect(notFound).rejects.toBeInstanceOf(LoadBalancerNotFoundException);
    await expect(notFound).rejects.toMatchObject({ message: 'One or more load balancers not found' });
    await expect(
      client.send(
        new DescribeListenersCommand({ ListenerArns: [`${missing.replace('loadbalancer', 'listener')}/0`] }),
      ),
    ).rejects.toBeInstanceOf(ListenerNotFoundException);
    await expect(
      client.send(new DescribeLoadBalancersCommand({ Names: ['no-such-lb'] })),
    ).rejects.toMatchObject({
      name: 'LoadBalancerNotFoundException',
      message: "Load balancers '[no-such-lb]' not found",
    });
    await expect(client.send(new DescribeListenersCommand({}))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'You must specify either listener ARNs or a load balancer ARN',
    });
    await expect(
      client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: 'not-an-arn' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: "'not-an-arn' is not a valid load balancer ARN",
    });
    await expect(client.send(new DescribeLoadBalancersCommand({ PageSize: 401 }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining("at 'pageSize' failed to satisfy constraint") as string,
    });
  });

  it('throttles with ELB’s error: Throttling, 400, "Rate exceeded"', async () => {
    sandbox.admin.configure({ throttle: 'aws' });
    // 10 per second plus a burst of 10: 40 calls at once cannot all pass.
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, () =>
        sendRaw(sandbox, {
          service: 'elasticloadbalancing',
          region: 'us-west-2',
          body: 'Action=DescribeTargetGroups&Version=2015-12-01',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ),
    );
    const throttled = results.flatMap((r) =>
      r.status === 'fulfilled' && r.value.status !== 200 ? [r.value] : [],
    );
    expect(throttled.length).toBeGreaterThan(0);
    for (const reply of throttled) {
      expect(reply.status).toBe(400);
      expect(reply.text).toContain('<Code>Throttling</Code>');
      expect(reply.text).toContain('<Message>Rate exceeded</Message>');
      expect(reply.text).toContain('<Type>Sender</Type>');
    }
    sandbox.admin.configure({ throttle: 'off' });
    await expect(v2(0, 'us-west-2', 1).send(new DescribeTargetGroupsCommand({}))).resolves.toBeDefined();
  });
});

describe('Classic ELB through the SDK', () => {
  it('DescribeLoadBalancers (2012-06-01) follows every page and lists the seeded Classic Load Balancers', async () => {
    let seen = 0;
    for (const { index, accountId, region } of targets()) {
      const expected = seeded(accountId, region).classicLoadBalancers;
      const before = calls('DescribeLoadBalancers');
      const got: LoadBalancerDescription[] = [];
      for await (const page of paginateClassicLoadBalancers({ client: classic(index, region) }, {})) {
        got.push(...(page.LoadBalancerDescriptions ?? []));
      }
      expect(calls('DescribeLoadBalancers') - before).toBe(pages(expected.length));
      expect(
        got.map((lb) => [
          lb.LoadBalancerName,
          lb.Scheme,
          lb.ListenerDescriptions?.map((d) => [d.Listener?.Protocol, d.Listener?.LoadBalancerPort]),
          lb.Instances?.map((i) => i.InstanceId) ?? [],
        ]),
      ).toEqual(
        expected.map((lb) => [
          lb.name,
          lb.scheme,
          lb.listeners.map((l) => [l.protocol, l.loadBalancerPort]),
          lb.instances,
        ]),
      );
      seen += got.length;
    }
    expect(seen).toBeGreaterThan(10);
  });

  it('names a missing load balancer as ELB does, and rejects a bad Marker', async () => {
    const client = classic(0, 'us-east-1');
    const missing = client.send(new DescribeClassicLoadBalancersCommand({ LoadBalancerNames: ['nope'] }));
    await expect(missing).rejects.toBeInstanceOf(AccessPointNotFoundException);
    await expect(missing).rejects.toMatchObject({
      message: "There is no ACTIVE Load Balancer named 'nope'",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      client.send(new DescribeClassicLoadBalancersCommand({ Marker: 'xyz' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe.each(AWS_CLIS)('$label', (cli) => {
  checkAwsCliFirst(cli);

  /** A target with load balancers of both APIs, and not too many (the CLI reads pages of 2). */
  function cliTarget(): { index: number; accountId: string; region: string } {
    const found = targets().find((t) => {
      const r = seeded(t.accountId, t.region);
      return (
        r.loadBalancers.length > 1 && r.classicLoadBalancers.length > 1 && r.classicLoadBalancers.length <= 10
      );
    });
    if (!found) throw new Error('no target with both kinds of load balancers');
    return found;
  }

  const as = (index: number, region: string) => cliOptions(sandbox, index, region);

  it('elbv2 describe-load-balancers, describe-listeners and describe-target-groups match the seeded resources', async () => {
    const { index, accountId, region } = cliTarget();
    const resources = seeded(accountId, region);
    const lbs = await awsCliJson<{ LoadBalancers: { LoadBalancerArn: string; Type: string }[] }>(
      cli,
      ['elbv2', 'describe-load-balancers'],
      as(index, region),
    );
    expect(lbs.LoadBalancers.map((lb) => [lb.LoadBalancerArn, lb.Type])).toEqual(
      resources.loadBalancers.map((lb) => [lb.arn, lb.type]),
    );
    const lb = resources.loadBalancers[0];
    if (!lb) throw new Error('no load balancer');
    const listeners = await awsCliJson<{ Listeners: { ListenerArn: string; Port?: number }[] }>(
      cli,
      ['elbv2', 'describe-listeners', '--load-balancer-arn', lb.arn],
      as(index, region),
    );
    expect(listeners.Listeners.map((l) => [l.ListenerArn, l.Port])).toEqual(
      resources.listeners.filter((l) => l.loadBalancerArn === lb.arn).map((l) => [l.arn, l.port]),
    );
    const groups = await awsCliJson<{
      TargetGroups: { TargetGroupArn: string; LoadBalancerArns: string[] }[];
    }>(cli, ['elbv2', 'describe-target-groups'], as(index, region));
    expect(groups.TargetGroups.map((tg) => [tg.TargetGroupArn, tg.LoadBalancerArns])).toEqual(
      resources.targetGroups.map((tg) => [tg.arn, tg.loadBalancerArns]),
    );
  }, 180_000);

  it('elb describe-load-balancers matches the seeded Classic Load Balancers', async () => {
    const { index, accountId, region } = cliTarget();
    const expected = seeded(accountId, region).classicLoadBalancers;
    const out = await awsCliJson<{
      LoadBalancerDescriptions: {
        LoadBalancerName: string;
        ListenerDescriptions: { Listener: { InstancePort: number } }[];
        Instances: { InstanceId: string }[];
        CreatedTime: string;
      }[];
    }>(cli, ['elb', 'describe-load-balancers'], as(index, region));
    expect(
      out.LoadBalancerDescriptions.map((lb) => [
        lb.LoadBalancerName,
        lb.ListenerDescriptions.map((d) => d.Listener.InstancePort),
        lb.Instances.map((i) => i.InstanceId),
        Date.parse(lb.CreatedTime),
      ]),
    ).toEqual(
      expected.map((lb) => [
        lb.name,
        lb.listeners.map((l) => l.instancePort),
        lb.instances,
        lb.createdTime.getTime(),
      ]),
    );
  }, 180_000);

  it('elbv2 describe-listeners of an unknown load balancer fails with LoadBalancerNotFound', async () => {
    const { index, accountId, region } = cliTarget();
    const result = await runAwsCli(
      cli,
      [
        'elbv2',
        'describe-listeners',
        '--load-balancer-arn',
        `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/none/0123456789abcdef`,
      ],
      as(index, region),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stderr).toContain('(LoadBalancerNotFound)');
    expect(result.stderr).toContain('One or more load balancers not found');
  }, 60_000);
});
