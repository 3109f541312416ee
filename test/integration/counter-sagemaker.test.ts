/**
 * The SageMaker usage counter against the sandbox, through an AwsSession (the management
 * account's keys, members through OrganizationAccountAccessRole) and pages of 2: a value for
 * every instance-type quota the target has, equal to the instances in service the seeded
 * endpoints, training jobs and notebooks hold (0 for idle types), exactly the list and describe
 * calls needed, and access denials that propagate.
 */
import { describe, expect, it } from 'vitest';
import type { Quota } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import type { SageMakerResources } from '../../src/sandbox/services/sagemaker/resources.js';
import { instanceQuota, sageMaker } from '../../src/services/sagemaker.js';
import type { UsageCount } from '../../src/services/service.js';
import { counterSandbox, minimalQuota, targetQuotas } from '../helpers/counting.js';
import { sandboxForTests, sandboxTargets, successCallsOf, successCallsSince } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const OPERATIONS = [
  'ListEndpoints',
  'DescribeEndpoint',
  'DescribeEndpointConfig',
  'ListTrainingJobs',
  'DescribeTrainingJob',
  'ListNotebookInstances',
] as const;

// Unthrottled: pages of 2 at AWS's pace would only be slow.
const counter = counterSandbox({ pageSize: 2, throttle: 'off' }, { denials: [] });
const sandbox = counter.sandbox;
/** The same seed without the page cap: the ~900 SageMaker quotas of a target in 18 calls, not 900. */
const quotaSource = sandboxForTests({ throttle: 'off' });

const targets = (): Target[] => sandboxTargets(sandbox, REGIONS);

function seeded(target: Target): SageMakerResources {
  return sandbox.admin.resources('sagemaker', target.accountId, target.region) as SageMakerResources;
}

const quotaCache = new Map<string, Promise<Quota[]>>();

/** A target's SageMaker quotas as the collector reads them, once per target. */
function sageMakerQuotas(target: Target): Promise<Quota[]> {
  const key = `${target.accountId}|${target.region}`;
  let found = quotaCache.get(key);
  if (!found) {
    found = targetQuotas(quotaSource, target, 'sagemaker');
    quotaCache.set(key, found);
  }
  return found;
}

/** A quota as the collector reads it, with the name the counter matches on. */
function named(quotaCode: string, quotaName: string): Quota {
  return { ...minimalQuota('sagemaker', quotaCode), quotaName };
}

/** Instances in service by `kind|type`, computed from the seeded resources. */
function inService(resources: SageMakerResources): Map<string, number> {
  const tally = new Map<string, number>();
  const add = (kind: string, type: string | undefined, count: number | undefined): void => {
    if (type === undefined || !count) return;
    tally.set(`${kind}|${type}`, (tally.get(`${kind}|${type}`) ?? 0) + count);
  };
  for (const endpoint of resources.endpoints) {
    const config = resources.endpointConfigs.find((c) => c.name === endpoint.configName);
    for (const variant of config?.variants ?? []) {
      add('endpoint', variant.instanceType, endpoint.currentInstances[variant.name]);
    }
  }
  for (const job of resources.trainingJobs.filter((j) => j.status === 'InProgress' && !j.spot)) {
    if (job.instanceGroups)
      for (const g of job.instanceGroups) add('training job', g.instanceType, g.instanceCount);
    else add('training job', job.instanceType, job.instanceCount);
  }
  for (const notebook of resources.notebooks.filter((n) => n.status === 'InService')) {
    add('notebook instance', notebook.instanceType, 1);
  }
  return tally;
}

function expectedCounts(quotas: readonly Quota[], resources: SageMakerResources): UsageCount[] {
  const tally = inService(resources);
  return quotas.flatMap((q) => {
    const found = instanceQuota(q);
    return found
      ? [{ quotaCode: q.quotaCode, value: tally.get(`${found.kind}|${found.instanceType}`) ?? 0 }]
      : [];
  });
}

/** The calls the counter must make, computed from the seeded resources. */
function expectedCalls(resources: SageMakerResources): Record<string, number> {
  const pages = (items: number): number => Math.max(1, Math.ceil(items / 2));
  const live = resources.endpoints.filter((e) => e.status !== 'Failed');
  const running = live.filter((e) => Object.values(e.currentInstances).some((n) => n > 0));
  const inProgress = resources.trainingJobs.filter((j) => j.status === 'InProgress');
  return {
    ListEndpoints: pages(resources.endpoints.length),
    DescribeEndpoint: live.length,
    DescribeEndpointConfig: new Set(running.map((e) => e.configName)).size,
    ListTrainingJobs: pages(inProgress.length),
    DescribeTrainingJob: inProgress.length,
    ListNotebookInstances: pages(resources.notebooks.filter((n) => n.status === 'InService').length),
  };
}

const calls = (): Record<string, number> => successCallsOf(sandbox, OPERATIONS);
const since = (before: Record<string, number>) => successCallsSince(sandbox, OPERATIONS, before);

describe('the SageMaker counter', () => {
  it('gives every instance-type quota of every target the instances in service, in exactly the calls needed', async () => {
    let used = 0;
    let near = 0;
    for (const target of targets()) {
      const quotas = await sageMakerQuotas(target);
      const matching = quotas.filter((q) => sageMaker.matching?.matches(q) === true);
      // The three families, endpoint, training job and notebook instance, about 370 quotas.
      expect(matching.length).toBeGreaterThan(300);
      const resources = seeded(target);
      const before = calls();

      const counted = await sageMaker.findUsage({ target, session: counter.session, quotas });

      expect(counted).toEqual(expectedCounts(quotas, resources));
      expect(counted).toHaveLength(matching.length);
      // Every instance in service lands on a quota the target has.
      const total = [...inService(resources).values()].reduce((a, b) => a + b, 0);
      expect(counted.reduce((sum, c) => sum + c.value, 0)).toBe(total);
      expect(since(before)).toEqual(expectedCalls(resources));

      const limits = new Map(quotas.map((q) => [q.quotaCode, q.value ?? 0]));
      for (const c of counted.filter((u) => u.value > 0)) {
        const limit = limits.get(c.quotaCode) ?? 0;
        expect(c.value, c.quotaCode).toBeLessThan(limit);
        if (c.value >= 0.8 * limit) near++;
        used++;
      }
    }
    expect(used).toBeGreaterThan(20);
    expect(near).toBeGreaterThan(0);
  });

  it('counts only the kinds the target has quotas of, with only their calls', async () => {
    const target = targets().find((t) => seeded(t).notebooks.some((n) => n.status === 'InService'));
    if (!target) throw new Error('no target with notebooks in service');
    const notebook = seeded(target).notebooks.find((n) => n.status === 'InService');
    const type = notebook?.instanceType ?? '';
    const before = calls();
    const counted = await sageMaker.findUsage({
      target,
      session: counter.session,
      quotas: [
        named('L-00000001', `${type} for notebook instance usage`),
        named('L-00000002', 'Maximum number of domains'),
      ],
    });
    expect(counted).toEqual([
      { quotaCode: 'L-00000001', value: inService(seeded(target)).get(`notebook instance|${type}`) },
    ]);
    expect(since(before)).toEqual({
      ...expectedCalls(seeded(target)),
      ListEndpoints: 0,
      DescribeEndpoint: 0,
      DescribeEndpointConfig: 0,
      ListTrainingJobs: 0,
      DescribeTrainingJob: 0,
    });
  });

  it('counts 0 where nothing runs, and makes no call when the target has none of its quotas', async () => {
    const target = { accountId: sandbox.admin.accounts()[1]?.id ?? '', region: 'ap-southeast-2' };
    const quotas = [
      named('L-00000001', 'ml.m5.xlarge for endpoint usage'),
      named('L-00000002', 'ml.m5.xlarge for training job usage'),
      named('L-00000003', 'ml.t3.medium for notebook instance usage'),
      named('L-00000004', 'ml.m5.xlarge for spot training job usage'),
    ];
    expect(await sageMaker.findUsage({ target, session: counter.session, quotas })).toEqual([
      { quotaCode: 'L-00000001', value: 0 },
      { quotaCode: 'L-00000002', value: 0 },
      { quotaCode: 'L-00000003', value: 0 },
    ]);
    const before = calls();
    expect(await sageMaker.findUsage({ target, session: counter.session, quotas: quotas.slice(3) })).toEqual(
      [],
    );
    expect(Object.values(since(before)).every((n) => n === 0)).toBe(true);
  });

  it.each(OPERATIONS)('lets an access denial on %s propagate', async (operation) => {
    const target = targets().find((t) => {
      const r = seeded(t);
      return (
        r.endpoints.some((e) => Object.values(e.currentInstances).some((n) => n > 0)) &&
        r.trainingJobs.some((j) => j.status === 'InProgress')
      );
    });
    if (!target) throw new Error('no target with endpoints and training jobs');
    const quotas = await sageMakerQuotas(target);
    sandbox.admin.configure({ denials: [{ operation, account: target.accountId }] });
    await expect(sageMaker.findUsage({ target, session: counter.session, quotas })).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`sagemaker:${operation}`) as unknown,
    });
  });
});
