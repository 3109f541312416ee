/**
 * Throttling at AWS's rates with each protocol's own throttling error, the SDK's retries getting
 * through it, and injected faults and latency — all switchable at run time. Assertions are on
 * outcomes and call counts, never on durations.
 */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetServiceQuotaCommand,
  ListServiceQuotasCommand,
  ListServicesCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeCasesCommand, SupportClient } from '@aws-sdk/client-support';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { clientSettings, EC2_VCPU_METRIC } from '../helpers/sandbox.js';

interface Outcome {
  ok: boolean;
  name?: string;
  status?: number;
  attempts?: number;
}

/** Fires `count` calls at once and reports how each ended. */
async function burst(
  count: number,
  call: () => Promise<{ $metadata: { attempts?: number } }>,
): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: count }, async (): Promise<Outcome> => {
      try {
        const result = await call();
        return { ok: true, attempts: result.$metadata.attempts };
      } catch (error) {
        const e = error as Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
        return {
          ok: false,
          name: e.name,
          status: e.$metadata?.httpStatusCode,
          attempts: e.$metadata?.attempts,
        };
      }
    }),
  );
}

function throttled(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter((o) => !o.ok);
}

const now = Date.now();
const metricQuery = {
  StartTime: new Date(now - 3_600_000),
  EndTime: new Date(now),
  MetricDataQueries: [
    {
      Id: 'm1',
      MetricStat: {
        Metric: EC2_VCPU_METRIC,
        Period: 300,
        Stat: 'Maximum',
      },
    },
  ],
};

describe('throttling at AWS rates, with the clock held still so counts are exact', () => {
  // A bucket holds perSecond + burst tokens and refills with wall-clock time; held still, it
  // never refills, so exactly its capacity of calls gets through however fast the machine is.
  const frozen = Date.now();
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ throttle: 'aws', wallClock: () => frozen });
  });
  afterAll(() => sandbox.close());
  afterEach(() => {
    sandbox.admin.reset();
  });

  it('answers TooManyRequestsException (429) past ListServiceQuotas’ 10/s + 10 burst', async () => {
    const sq = new ServiceQuotasClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const outcomes = await burst(100, () => sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2' })));
    const refused = throttled(outcomes);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(20);
    expect(new Set(refused.map((o) => `${o.name} ${o.status}`))).toEqual(
      new Set(['TooManyRequestsException 429']),
    );
    expect(sandbox.admin.callTotal({ operation: 'ListServiceQuotas', outcome: 'throttled' })).toBe(80);
  });

  it('keeps a bucket per account, region and operation', async () => {
    const sq = new ServiceQuotasClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const first = await burst(30, () => sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2' })));
    expect(throttled(first)).toHaveLength(10);
    // Another operation, region and account each have their own full bucket.
    const others = [
      () => sq.send(new ListServicesCommand({})),
      () =>
        new ServiceQuotasClient(clientSettings(sandbox, { region: 'us-west-2', maxAttempts: 1 })).send(
          new ListServiceQuotasCommand({ ServiceCode: 'ec2' }),
        ),
      () =>
        new ServiceQuotasClient(clientSettings(sandbox, { account: 1, maxAttempts: 1 })).send(
          new ListServiceQuotasCommand({ ServiceCode: 'ec2' }),
        ),
    ];
    for (const call of others) expect(throttled(await burst(20, call))).toEqual([]);
    // …and the Get operations' bucket is 5/s + 5.
    const gets = await burst(15, () =>
      sq.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' })),
    );
    expect(throttled(gets)).toHaveLength(5);
  });

  async function getMetricDataRate(region: string): Promise<number> {
    const sq = new ServiceQuotasClient(clientSettings(sandbox, { region }));
    const { Quota } = await sq.send(
      new GetServiceQuotaCommand({ ServiceCode: 'monitoring', QuotaCode: 'L-5E141212' }),
    );
    return Quota?.Value ?? Number.NaN;
  }

  it('throttles every service at its rate, with its own protocol’s error', async () => {
    const cases: {
      label: string;
      capacity: number;
      call: () => Promise<{ $metadata: { attempts?: number } }>;
      expected: string;
    }[] = [
      {
        // The rate is the account's applied "Rate of GetMetricData requests" quota (default 50/s),
        // which the seed may have raised in a region.
        label: 'CloudWatch JSON 1.0',
        capacity: await getMetricDataRate('us-east-1'),
        call: () =>
          new CloudWatchClient(clientSettings(sandbox, { maxAttempts: 1 })).send(
            new GetMetricDataCommand(metricQuery),
          ),
        expected: 'Throttling 400',
      },
      {
        label: 'CloudWatch query',
        capacity: await getMetricDataRate('us-west-2'),
        call: () =>
          new CloudWatchClient({
            ...clientSettings(sandbox, { region: 'us-west-2', maxAttempts: 1 }),
            protocol: AwsQueryProtocol,
          }).send(new GetMetricDataCommand(metricQuery)),
        expected: 'Throttling 400',
      },
      {
        label: 'Organizations (10/s + 10)',
        capacity: 20,
        call: () =>
          new OrganizationsClient(clientSettings(sandbox, { maxAttempts: 1 })).send(
            new ListAccountsCommand({}),
          ),
        expected: 'TooManyRequestsException 400',
      },
      {
        label: 'Support (5/s + 5)',
        capacity: 10,
        call: () =>
          new SupportClient(clientSettings(sandbox, { maxAttempts: 1 })).send(new DescribeCasesCommand({})),
        expected: 'ThrottlingException 400',
      },
      {
        label: 'STS (600/s)',
        capacity: 600,
        call: () =>
          new STSClient(clientSettings(sandbox, { maxAttempts: 1 })).send(new GetCallerIdentityCommand({})),
        expected: 'Throttling 400',
      },
    ];
    for (const { label, capacity, call, expected } of cases) {
      const outcomes = await burst(capacity + 7, call);
      expect(
        outcomes.filter((o) => o.ok),
        label,
      ).toHaveLength(capacity);
      expect(new Set(throttled(outcomes).map((o) => `${o.name} ${o.status}`)), label).toEqual(
        new Set([expected]),
      );
    }
  });

  it('takes SNS Publish’s rate from the account’s regional quota: 300/s in eu-west-2', async () => {
    const sns = new SNSClient(clientSettings(sandbox, { region: 'eu-west-2', maxAttempts: 1 }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    const outcomes = await burst(310, () => sns.send(new PublishCommand({ TopicArn, Message: 'hello' })));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(300);
    expect(new Set(throttled(outcomes).map((o) => `${o.name} ${o.status}`))).toEqual(
      new Set(['ThrottledException 429']),
    );
  });

  it('can be switched off at run time, over the admin API', async () => {
    const response = await fetch(`${sandbox.url}/_sandbox/config`, {
      method: 'POST',
      body: JSON.stringify({ throttle: 'off' }),
    });
    expect(await response.json()).toMatchObject({ throttle: 'off' });
    const sq = new ServiceQuotasClient(clientSettings(sandbox, { maxAttempts: 1 }));
    expect(
      throttled(await burst(100, () => sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2' })))),
    ).toEqual([]);
    sandbox.admin.configure({ throttle: 'aws' });
  });
});

describe('throttling under the SDK’s retries, on the real clock', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ throttle: 'aws' });
  });
  afterAll(() => sandbox.close());

  it('lets every call through in the end under the SDK’s standard and adaptive retries', async () => {
    for (const retryMode of ['standard', 'adaptive'] as const) {
      sandbox.admin.reset();
      const sq = new ServiceQuotasClient({ ...clientSettings(sandbox), maxAttempts: 6, retryMode });
      const outcomes = await burst(30, () => sq.send(new ListServiceQuotasCommand({ ServiceCode: 'vpc' })));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(outcomes.some((o) => (o.attempts ?? 1) > 1)).toBe(true);
      expect(sandbox.admin.callTotal({ operation: 'ListServiceQuotas', outcome: 'success' })).toBe(30);
      expect(
        sandbox.admin.callTotal({ operation: 'ListServiceQuotas', outcome: 'throttled' }),
      ).toBeGreaterThan(0);
    }
  });
});

describe('injected faults and latency', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ throttle: 'off', faultRate: 1 });
  });
  afterAll(() => sandbox.close());

  it('answers every call with a 5xx in the service’s words when the fault rate is 1', async () => {
    const sq = new ServiceQuotasClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const outcomes = await burst(20, () => sq.send(new ListServicesCommand({})));
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    const seen = new Set(outcomes.map((o) => `${o.name} ${o.status}`));
    for (const entry of seen)
      expect(['ServiceException 500', 'ServiceUnavailableException 503']).toContain(entry);
    expect(seen.size).toBe(2);
    const cw = new CloudWatchClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      protocol: AwsQueryProtocol,
    });
    const cwOutcomes = await burst(20, () => cw.send(new GetMetricDataCommand(metricQuery)));
    for (const o of cwOutcomes)
      expect(['InternalServiceFault 500', 'ServiceUnavailable 503']).toContain(`${o.name} ${o.status}`);
    expect(sandbox.admin.callTotal({ outcome: 'fault' })).toBe(40);
  });

  it('lets every call through the SDK’s retries at a 30% fault rate, with no quota lost', async () => {
    sandbox.admin.resetCalls();
    sandbox.admin.configure({ faultRate: 0.3 });
    const sq = new ServiceQuotasClient({ ...clientSettings(sandbox), maxAttempts: 8 });
    const results = [];
    // Sequential, so the seeded fault stream makes the run repeatable.
    for (let i = 0; i < 30; i++)
      results.push(await sq.send(new ListServiceQuotasCommand({ ServiceCode: 'lambda' })));
    expect(results.every((r) => r.Quotas?.length === 3)).toBe(true);
    expect(sandbox.admin.callTotal({ outcome: 'fault' })).toBeGreaterThan(0);
    expect(sandbox.admin.callTotal({ outcome: 'success' })).toBe(30);
    sandbox.admin.configure({ faultRate: 0 });
    const outcomes = await burst(10, () => sq.send(new ListServicesCommand({})));
    expect(outcomes.every((o) => o.ok && o.attempts === 1)).toBe(true);
  });

  it('adds latency that a client with a shorter timeout cannot wait for', async () => {
    const impatient = new ServiceQuotasClient({
      ...clientSettings(sandbox, { maxAttempts: 1 }),
      requestHandler: new NodeHttpHandler({ requestTimeout: 100, throwOnRequestTimeout: true }),
    });
    sandbox.admin.configure({ latencyMs: 1_000 });
    const slow = await burst(1, () => impatient.send(new ListServicesCommand({})));
    expect(slow[0]?.ok).toBe(false);
    expect(slow[0]?.name).toBe('TimeoutError');
    sandbox.admin.configure({ latencyMs: 0 });
    expect((await burst(1, () => impatient.send(new ListServicesCommand({}))))[0]?.ok).toBe(true);
  });
});
