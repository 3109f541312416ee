/**
 * The sandbox's seeded world, read back through the SDK as headroom will read it: deterministic
 * for a seed, a share of quotas raised where the accounts work, usage where they work, a few
 * quotas running hot in every target and exactly one over its limit.
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import {
  GetServiceQuotaCommand,
  type ServiceQuota,
  ServiceQuotasClient,
  paginateListAWSDefaultServiceQuotas,
  paginateListServiceQuotas,
} from '@aws-sdk/client-service-quotas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { clientSettings } from '../helpers/sandbox.js';

const START = Date.UTC(2026, 10, 2, 12, 0, 0);
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

async function allQuotas(
  sq: ServiceQuotasClient,
  serviceCode: string,
  defaults = false,
): Promise<ServiceQuota[]> {
  const out: ServiceQuota[] = [];
  const pages = defaults
    ? paginateListAWSDefaultServiceQuotas({ client: sq }, { ServiceCode: serviceCode, MaxResults: 100 })
    : paginateListServiceQuotas({ client: sq }, { ServiceCode: serviceCode, MaxResults: 100 });
  for await (const page of pages) out.push(...(page.Quotas ?? []));
  return out;
}

/** Peak utilization (%) over the last hour of every quota with a usage metric in a target. */
async function utilizations(
  sandbox: Sandbox,
  account: number,
  region: string,
  quotas: ServiceQuota[],
): Promise<Map<string, number>> {
  const cw = new CloudWatchClient(clientSettings(sandbox, { account, region }));
  const end = sandbox.admin.now();
  const peaks = new Map<string, number>();
  const withMetric = quotas.filter((q) => q.UsageMetric?.MetricName !== undefined);
  for (let i = 0; i < withMetric.length; i += 250) {
    const queries: MetricDataQuery[] = [];
    withMetric.slice(i, i + 250).forEach((quota, k) => {
      const metric = quota.UsageMetric ?? {};
      const calls = metric.MetricName === 'CallCount';
      queries.push(
        {
          Id: `m${k}`,
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: metric.MetricNamespace,
              MetricName: metric.MetricName,
              Dimensions: Object.entries(metric.MetricDimensions ?? {}).map(([Name, Value]) => ({
                Name,
                Value,
              })),
            },
            Period: 60,
            Stat: metric.MetricStatisticRecommendation ?? 'Maximum',
          },
        },
        // A per-second rate quota against a one-minute Sum: divide by 60 first.
        {
          Id: `u${k}`,
          Label: `${quota.ServiceCode}/${quota.QuotaCode}`,
          Expression: calls ? `m${k}/60/SERVICE_QUOTA(m${k})*100` : `m${k}/SERVICE_QUOTA(m${k})*100`,
        },
      );
    });
    let token: string | undefined;
    do {
      const page = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(end.getTime() - 3_600_000),
          EndTime: end,
          MetricDataQueries: queries,
          NextToken: token,
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        const peak = Math.max(...(result.Values ?? []));
        if (Number.isFinite(peak))
          peaks.set(result.Label ?? '', Math.max(peak, peaks.get(result.Label ?? '') ?? 0));
      }
      token = page.NextToken;
    } while (token !== undefined);
  }
  return peaks;
}

describe('a seeded world', () => {
  let sandbox: Sandbox;
  let twin: Sandbox;
  let other: Sandbox;
  beforeAll(async () => {
    [sandbox, twin, other] = await Promise.all([
      startSandbox({ seed: 7, startTime: START, throttle: 'off' }),
      startSandbox({ seed: 7, startTime: START, throttle: 'off' }),
      startSandbox({ seed: 8, startTime: START, throttle: 'off' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sandbox.close(), twin.close(), other.close()]);
  });

  it('is the same for the same seed, and differs for another', async () => {
    expect(twin.admin.accounts()).toEqual(sandbox.admin.accounts());
    expect(other.admin.accounts().map((a) => a.id)).not.toEqual(sandbox.admin.accounts().map((a) => a.id));
    for (const account of [0, 1, 2]) {
      const a = await allQuotas(new ServiceQuotasClient(clientSettings(sandbox, { account })), 'ec2');
      const b = await allQuotas(new ServiceQuotasClient(clientSettings(twin, { account })), 'ec2');
      expect(b.map((q) => [q.QuotaCode, q.Value])).toEqual(a.map((q) => [q.QuotaCode, q.Value]));
    }
    const query = {
      StartTime: new Date(START - 6 * 3_600_000),
      EndTime: new Date(START),
      MetricDataQueries: [
        {
          Id: 'm1',
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: 'ConcurrentExecutions', Dimensions: [] },
            Period: 300,
            Stat: 'Maximum',
          },
        },
      ],
    };
    const series = await Promise.all(
      [sandbox, twin, other].map(
        async (s) =>
          (await new CloudWatchClient(clientSettings(s)).send(new GetMetricDataCommand(query)))
            .MetricDataResults?.[0]?.Values,
      ),
    );
    expect(series[0]?.length).toBe(72);
    expect(series[1]).toEqual(series[0]);
    expect(series[2]).not.toEqual(series[0]);
  });

  it('raises a share of adjustable quotas above default where the accounts work, and none elsewhere', async () => {
    const raisedShare = async (region: string): Promise<number> => {
      const sq = new ServiceQuotasClient(clientSettings(sandbox, { account: 1, region }));
      let raised = 0;
      let total = 0;
      for (const service of [
        'ec2',
        'vpc',
        'ebs',
        'lambda',
        'rds',
        'sns',
        'sqs',
        'kms',
        'dynamodb',
        'elasticloadbalancing',
      ]) {
        const defaults = new Map((await allQuotas(sq, service, true)).map((q) => [q.QuotaCode, q.Value]));
        for (const quota of await allQuotas(sq, service)) {
          if (!quota.Adjustable || quota.Value === undefined) continue;
          total++;
          if (quota.Value > (defaults.get(quota.QuotaCode) ?? Number.POSITIVE_INFINITY)) raised++;
        }
      }
      return raised / total;
    };
    const working = await raisedShare('us-east-1');
    expect(working).toBeGreaterThan(0.02);
    expect(working).toBeLessThan(0.25);
    expect(await raisedShare('ap-southeast-2')).toBe(0);
  });

  it('runs a few quotas hot in every target, and exactly one over its limit', async () => {
    const catalogSq = new ServiceQuotasClient(clientSettings(sandbox));
    const services = [
      'AWSCloudMap',
      'ec2',
      'ebs',
      'vpc',
      'lambda',
      'sns',
      'monitoring',
      'elasticloadbalancing',
      'iam',
      'kms',
      'apigateway',
      'sagemaker',
      'dynamodb',
      'cloudformation',
      'connect',
    ];
    const quotas = (await Promise.all(services.map((s) => allQuotas(catalogSq, s, true)))).flat();
    const over: string[] = [];
    let hotTargets = 0;
    for (const [account] of sandbox.admin.accounts().entries()) {
      for (const region of REGIONS) {
        const peaks = await utilizations(sandbox, account, region, quotas);
        expect(peaks.size, `${account} ${region} has usage data`).toBeGreaterThan(10);
        if ([...peaks.values()].some((u) => u >= 80)) hotTargets++;
        for (const [quota, u] of peaks) if (u > 100) over.push(`${account}/${region}/${quota}`);
      }
    }
    expect(hotTargets).toBe(REGIONS.length * sandbox.admin.accounts().length);
    expect(over).toEqual(['1/us-east-1/ec2/L-1216C47A']);
  });

  it('has no usage in regions the accounts do not use, and global quotas report in us-east-1 only', async () => {
    const quotas = await allQuotas(new ServiceQuotasClient(clientSettings(sandbox)), 'ec2', true);
    expect((await utilizations(sandbox, 0, 'ap-southeast-2', quotas)).size).toBe(0);
    const iam = await allQuotas(new ServiceQuotasClient(clientSettings(sandbox)), 'iam', true);
    expect(iam.some((q) => q.UsageMetric !== undefined)).toBe(true);
    let east = 0;
    for (const account of [0, 1, 2]) {
      east += (await utilizations(sandbox, account, 'us-east-1', iam)).size;
      expect((await utilizations(sandbox, account, 'us-west-2', iam)).size).toBe(0);
    }
    expect(east).toBeGreaterThan(0);
    const { Quota } = await new ServiceQuotasClient(clientSettings(sandbox, { region: 'us-west-2' })).send(
      new GetServiceQuotaCommand({ ServiceCode: 'iam', QuotaCode: 'L-FE177D64' }),
    );
    expect(Quota?.GlobalQuota).toBe(true);
  });
});
