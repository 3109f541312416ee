/**
 * The sandbox checked by two clients no one here wrote: Debian's AWS CLI v2 (older botocore
 * models, CloudWatch over the query protocol) and the AWS CLI v1 on PATH (recent botocore,
 * CloudWatch over JSON). One `headroom sandbox --port 0 --page-size 2` process serves both, so
 * every list the CLIs follow comes in pages of 2. Each CLI works in its own accounts where it
 * changes state, so the two never collide.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_CLI_V1,
  AWS_CLI_V2,
  type AwsCallOptions,
  type AwsCli,
  type SandboxAccount,
  type SandboxInfo,
  type SandboxProcess,
  awsCliJson,
  checkAwsCli,
  getJson,
  runAwsCli,
  sandboxInfo,
  startHeadroomSandbox,
  stopAllSandboxes,
} from '../helpers/aws-cli.js';
import { EC2_VCPU_METRIC } from '../helpers/sandbox.js';

interface ServiceQuota {
  ServiceCode: string;
  QuotaCode: string;
  QuotaArn: string;
  Value?: number;
  Adjustable: boolean;
  ErrorReason?: { ErrorCode: string };
  UsageMetric?: {
    MetricNamespace: string;
    MetricName: string;
    MetricDimensions: Record<string, string>;
    MetricStatisticRecommendation: string;
  };
}

interface RequestedQuota {
  Id: string;
  CaseId?: string;
  ServiceCode: string;
  QuotaCode: string;
  DesiredValue: number;
  Status: string;
}

interface MetricDataResult {
  Id: string;
  Label: string;
  /** ISO 8601 from the v2 CLI; epoch seconds from the v1 CLI over JSON (its `cli_timestamp_format` is `none`). */
  Timestamps: (string | number)[];
  Values: number[];
  StatusCode: string;
}

interface CatalogFile {
  quotas: { ServiceCode: string; QuotaCode: string }[];
}

let sandbox: SandboxProcess;
let info: SandboxInfo;

beforeAll(async () => {
  sandbox = await startHeadroomSandbox(['--port', '0', '--page-size', '2']);
  info = await sandboxInfo(sandbox.url);
}, 60_000);

afterAll(async () => {
  await stopAllSandboxes();
}, 30_000);

function account(index: number): SandboxAccount {
  const found = info.accounts[index];
  if (!found) throw new Error(`the sandbox has no account ${index}; it has ${info.accounts.length}`);
  return found;
}

function as(index: number, region = 'us-east-1'): AwsCallOptions {
  const { accessKeyId, secretAccessKey } = account(index);
  return { endpoint: sandbox.url, credentials: { accessKeyId, secretAccessKey }, region };
}

/** Successful calls of one operation the sandbox has answered so far. */
async function successfulCalls(operation: string): Promise<number> {
  const { calls } = await getJson<{ calls: { operation: string; outcome: string; count: number }[] }>(
    `${sandbox.url}/_sandbox/calls`,
  );
  return calls
    .filter((c) => c.operation === operation && c.outcome === 'success')
    .reduce((n, c) => n + c.count, 0);
}

async function advanceClock(seconds: number): Promise<void> {
  await getJson(`${sandbox.url}/_sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
}

function epochMs(timestamp: string | number): number {
  return typeof timestamp === 'number' ? timestamp * 1000 : Date.parse(timestamp);
}

function catalogCodes(serviceCode: string): string[] {
  const file = JSON.parse(
    readFileSync(new URL('../../data/sandbox-quotas.json', import.meta.url), 'utf8'),
  ) as CatalogFile;
  return file.quotas.filter((q) => q.ServiceCode === serviceCode).map((q) => q.QuotaCode);
}

const EC2_VCPU_DIMENSIONS = EC2_VCPU_METRIC.Dimensions;

interface CliCase {
  readonly cli: AwsCli;
  /** The account whose quota this CLI raises, and whose role it assumes: its own, untouched by the other CLI. */
  readonly ownAccount: number;
}

describe.each<CliCase>([
  { cli: AWS_CLI_V2, ownAccount: 1 },
  { cli: AWS_CLI_V1, ownAccount: 2 },
])('$cli.label', ({ cli, ownAccount }) => {
  beforeAll(async () => {
    await checkAwsCli(cli);
  }, 60_000);

  it('service-quotas list-services follows every page of 2 and finds every service', async () => {
    const before = await successfulCalls('ListServices');
    const { Services } = await awsCliJson<{ Services: { ServiceCode: string; ServiceName: string }[] }>(
      cli,
      ['service-quotas', 'list-services'],
      as(0),
    );
    const codes = Services.map((s) => s.ServiceCode);
    expect(codes.length).toBeGreaterThan(200);
    expect(codes.length).toBe(info.catalog.services);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(['ec2', 'lambda', 'vpc']));
    for (const service of Services) expect(service.ServiceName).not.toBe('');
    // One successful call per page of 2, so the CLI did follow NextToken to the end.
    expect((await successfulCalls('ListServices')) - before).toBe(Math.ceil(codes.length / 2));
  }, 180_000);

  it('service-quotas list-service-quotas --service-code ec2 lists applied quotas with their usage metric', async () => {
    const before = await successfulCalls('ListServiceQuotas');
    const { Quotas } = await awsCliJson<{ Quotas: ServiceQuota[] }>(
      cli,
      ['service-quotas', 'list-service-quotas', '--service-code', 'ec2'],
      as(0),
    );
    expect(Quotas.length).toBeGreaterThan(100);
    expect((await successfulCalls('ListServiceQuotas')) - before).toBe(Math.ceil(Quotas.length / 2));
    expect(new Set(Quotas.map((q) => q.QuotaCode)).size).toBe(Quotas.length);
    for (const quota of Quotas) {
      expect(quota.ServiceCode).toBe('ec2');
      expect(quota.QuotaCode).toMatch(/^L-[0-9A-F]{8}$/);
      expect(quota.QuotaArn).toBe(`arn:aws:servicequotas:us-east-1:${account(0).id}:ec2/${quota.QuotaCode}`);
      // A quota has a Value, or an ErrorReason saying why it has none.
      if (quota.ErrorReason === undefined) expect(typeof quota.Value).toBe('number');
    }
    const vcpu = Quotas.find((q) => q.QuotaCode === 'L-1216C47A');
    expect(vcpu).toBeDefined();
    expect(vcpu?.Value).toBeGreaterThanOrEqual(64);
    expect(vcpu?.UsageMetric).toEqual({
      MetricNamespace: 'AWS/Usage',
      MetricName: 'ResourceCount',
      MetricDimensions: { Class: 'Standard/OnDemand', Resource: 'vCPU', Service: 'EC2', Type: 'Resource' },
      MetricStatisticRecommendation: 'Maximum',
    });
  }, 180_000);

  it('service-quotas list-aws-default-service-quotas returns the whole set, in pages the CLI can resume', async () => {
    const expected = catalogCodes('lambda');
    expect(expected.length).toBeGreaterThan(2);
    const all = await awsCliJson<{ Quotas: ServiceQuota[] }>(
      cli,
      ['service-quotas', 'list-aws-default-service-quotas', '--service-code', 'lambda'],
      as(0),
    );
    expect(all.Quotas.map((q) => q.QuotaCode)).toEqual(expected);
    for (const quota of all.Quotas) {
      expect(quota.ServiceCode).toBe('lambda');
      expect(typeof quota.Value).toBe('number');
      // A default quota's ARN names no account.
      expect(quota.QuotaArn).toBe(`arn:aws:servicequotas:us-east-1::lambda/${quota.QuotaCode}`);
    }

    const first = await awsCliJson<{ Quotas: ServiceQuota[]; NextToken?: string }>(
      cli,
      ['service-quotas', 'list-aws-default-service-quotas', '--service-code', 'lambda', '--max-items', '2'],
      as(0),
    );
    expect(first.Quotas.map((q) => q.QuotaCode)).toEqual(expected.slice(0, 2));
    expect(first.NextToken).toEqual(expect.any(String));
    const rest = await awsCliJson<{ Quotas: ServiceQuota[]; NextToken?: string }>(
      cli,
      [
        'service-quotas',
        'list-aws-default-service-quotas',
        '--service-code',
        'lambda',
        '--starting-token',
        first.NextToken ?? '',
      ],
      as(0),
    );
    expect(rest.Quotas.map((q) => q.QuotaCode)).toEqual(expected.slice(2));
    expect(rest.NextToken).toBeUndefined();
  }, 120_000);

  it('an increase request goes PENDING → CASE_OPENED → APPROVED on the sandbox clock and raises the quota', async () => {
    const me = as(ownAccount);
    const quotaArgs = ['--service-code', 'lambda', '--quota-code', 'L-B99A9384'];
    const { Quota: current } = await awsCliJson<{ Quota: ServiceQuota }>(
      cli,
      ['service-quotas', 'get-service-quota', ...quotaArgs],
      me,
    );
    expect(current.Adjustable).toBe(true);
    expect(typeof current.Value).toBe('number');
    const desired = (current.Value ?? 0) + 10;

    const { RequestedQuota: created } = await awsCliJson<{ RequestedQuota: RequestedQuota }>(
      cli,
      ['service-quotas', 'request-service-quota-increase', ...quotaArgs, '--desired-value', String(desired)],
      me,
    );
    expect(created).toMatchObject({
      ServiceCode: 'lambda',
      QuotaCode: 'L-B99A9384',
      DesiredValue: desired,
      Status: 'PENDING',
    });
    expect(created.Id).toMatch(/^[0-9a-f]{32}$/);

    const status = async (): Promise<RequestedQuota> =>
      (
        await awsCliJson<{ RequestedQuota: RequestedQuota }>(
          cli,
          ['service-quotas', 'get-requested-service-quota-change', '--request-id', created.Id],
          me,
        )
      ).RequestedQuota;

    expect(await status()).toMatchObject({ Id: created.Id, Status: 'PENDING', DesiredValue: desired });
    await advanceClock(11 * 60);
    const opened = await status();
    expect(opened.Status).toBe('CASE_OPENED');
    expect(opened.CaseId).toEqual(expect.any(String));
    await advanceClock(50 * 60);
    expect(await status()).toMatchObject({ Id: created.Id, Status: 'APPROVED', DesiredValue: desired });

    const { Quotas } = await awsCliJson<{ Quotas: ServiceQuota[] }>(
      cli,
      ['service-quotas', 'list-service-quotas', '--service-code', 'lambda'],
      me,
    );
    expect(Quotas.find((q) => q.QuotaCode === 'L-B99A9384')?.Value).toBe(desired);
  }, 180_000);

  it('cloudwatch get-metric-data returns EC2 vCPU usage and SERVICE_QUOTA() percentages', async () => {
    const { Quota: vcpu } = await awsCliJson<{ Quota: ServiceQuota }>(
      cli,
      ['service-quotas', 'get-service-quota', '--service-code', 'ec2', '--quota-code', 'L-1216C47A'],
      as(0),
    );
    const applied = vcpu.Value ?? Number.NaN;
    expect(applied).toBeGreaterThan(0);

    // The last hour on the sandbox clock, which the other CLI's test may have moved forward.
    const clock = await getJson<{ now: string }>(`${sandbox.url}/_sandbox/clock`);
    const end = Math.floor(Date.parse(clock.now) / 1000) * 1000;
    const start = end - 3600_000;
    const queries = [
      {
        Id: 'm1',
        MetricStat: {
          Metric: { Namespace: 'AWS/Usage', MetricName: 'ResourceCount', Dimensions: EC2_VCPU_DIMENSIONS },
          Period: 300,
          Stat: 'Maximum',
        },
      },
      { Id: 'pct', Expression: 'm1/SERVICE_QUOTA(m1)*100', Label: 'percent of quota' },
    ];
    const result = await runAwsCli(
      cli,
      [
        '--debug',
        'cloudwatch',
        'get-metric-data',
        '--metric-data-queries',
        JSON.stringify(queries),
        '--start-time',
        new Date(start).toISOString(),
        '--end-time',
        new Date(end).toISOString(),
      ],
      as(0),
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    // Each CLI speaks its own protocol to CloudWatch: both of the sandbox's are checked.
    expect(result.stderr).toContain(`'Content-Type': '${cli.cloudWatchContentType}`);
    const { MetricDataResults } = JSON.parse(result.stdout) as { MetricDataResults: MetricDataResult[] };
    expect(MetricDataResults.map((r) => r.Id)).toEqual(['m1', 'pct']);
    const [usage, percent] = MetricDataResults as [MetricDataResult, MetricDataResult];

    expect(usage.StatusCode).toBe('Complete');
    expect(usage.Label).toBe('ResourceCount');
    // Five-minute periods over an hour: 12, or 13 when the rounded start leaves a partial one.
    expect(usage.Values.length).toBeGreaterThanOrEqual(12);
    expect(usage.Values.length).toBeLessThanOrEqual(13);
    expect(usage.Timestamps).toHaveLength(usage.Values.length);
    const times = usage.Timestamps.map(epochMs);
    for (const [i, time] of times.entries()) {
      expect(time).toBeGreaterThanOrEqual(start - 60_000);
      expect(time).toBeLessThan(end);
      // Newest first (TimestampDescending), five minutes apart.
      if (i > 0) expect((times[i - 1] ?? 0) - time).toBe(300_000);
    }
    for (const value of usage.Values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }

    expect(percent.StatusCode).toBe('Complete');
    expect(percent.Label).toBe('percent of quota');
    expect(percent.Timestamps.map(epochMs)).toEqual(times);
    expect(percent.Values).toHaveLength(usage.Values.length);
    percent.Values.forEach((value, i) => {
      expect(value).toBeCloseTo(((usage.Values[i] ?? Number.NaN) / applied) * 100, 9);
    });
  }, 120_000);

  it('sts assume-role gives temporary credentials that act in the other account', async () => {
    const target = account(ownAccount);
    const { Credentials, AssumedRoleUser } = await awsCliJson<{
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      AssumedRoleUser: { Arn: string };
    }>(
      cli,
      [
        'sts',
        'assume-role',
        '--role-arn',
        `arn:aws:iam::${target.id}:role/Anything`,
        '--role-session-name',
        'headroom-cli-test',
      ],
      as(0),
    );
    expect(Credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(Credentials.SessionToken.length).toBeGreaterThan(0);
    expect(AssumedRoleUser.Arn).toBe(`arn:aws:sts::${target.id}:assumed-role/Anything/headroom-cli-test`);

    const identity = await awsCliJson<{ Account: string; Arn: string; UserId: string }>(
      cli,
      ['sts', 'get-caller-identity'],
      {
        endpoint: sandbox.url,
        region: 'us-east-1',
        credentials: {
          accessKeyId: Credentials.AccessKeyId,
          secretAccessKey: Credentials.SecretAccessKey,
          sessionToken: Credentials.SessionToken,
        },
      },
    );
    expect(identity.Account).toBe(target.id);
    expect(identity.Account).not.toBe(account(0).id);
    expect(identity.Arn).toBe(AssumedRoleUser.Arn);
    expect(identity.UserId).toMatch(/:headroom-cli-test$/);
  }, 120_000);

  it('organizations list-accounts lists the organisation to its management account only', async () => {
    expect(account(0).management).toBe(true);
    const { Accounts } = await awsCliJson<{ Accounts: { Id: string; Name: string; Status: string }[] }>(
      cli,
      ['organizations', 'list-accounts'],
      as(0),
    );
    const active = Accounts.filter((a) => a.Status === 'ACTIVE');
    expect(active.map((a) => a.Id).sort()).toEqual(info.accounts.map((a) => a.id).sort());
    expect(active.map((a) => a.Name).sort()).toEqual(info.accounts.map((a) => a.name).sort());
    // And one former member, SUSPENDED.
    expect(Accounts.filter((a) => a.Status !== 'ACTIVE').map((a) => a.Status)).toEqual(['SUSPENDED']);

    expect(account(1).management).toBe(false);
    const denied = await runAwsCli(cli, ['organizations', 'list-accounts'], as(1));
    expect(denied.code).toBe(cli.serviceErrorExitCode);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toContain('AccessDeniedException');
    expect(denied.stderr).toContain('ListAccounts');
  }, 120_000);

  it('sns create-topic and publish (with message attributes) deliver the message and its subject; an unknown topic is NotFound', async () => {
    const own = as(ownAccount, 'eu-west-1');
    const { TopicArn } = await awsCliJson<{ TopicArn: string }>(
      cli,
      ['sns', 'create-topic', '--name', `cli-v${cli.major}-alerts`],
      own,
    );
    expect(TopicArn).toBe(`arn:aws:sns:eu-west-1:${account(ownAccount).id}:cli-v${cli.major}-alerts`);
    const message = JSON.stringify({ quota: 'ec2/L-1216C47A', utilization: 91.2 });
    const { MessageId } = await awsCliJson<{ MessageId: string }>(
      cli,
      [
        'sns',
        'publish',
        '--topic-arn',
        TopicArn,
        '--subject',
        'headroom: CRITICAL ec2/L-1216C47A',
        '--message',
        message,
        '--message-attributes',
        JSON.stringify({ band: { DataType: 'String', StringValue: 'critical' } }),
      ],
      own,
    );
    const { messages } = await getJson<{
      messages: { messageId: string; topicArn: string; subject: string | null; message: string }[];
    }>(`${sandbox.url}/_sandbox/sns/messages`);
    expect(messages.filter((m) => m.messageId === MessageId)).toEqual([
      expect.objectContaining({ topicArn: TopicArn, subject: 'headroom: CRITICAL ec2/L-1216C47A', message }),
    ]);

    const missing = await runAwsCli(
      cli,
      ['sns', 'publish', '--topic-arn', TopicArn.replace(/alerts$/, 'none'), '--message', 'x'],
      own,
    );
    expect(missing.code).toBe(cli.serviceErrorExitCode);
    expect(missing.stderr).toContain('(NotFound) when calling the Publish operation');
  }, 120_000);

  it('an unknown service code is NoSuchResourceException, with the CLI’s error exit code', async () => {
    const result = await runAwsCli(
      cli,
      ['service-quotas', 'get-service-quota', '--service-code', 'nope', '--quota-code', 'L-1216C47A'],
      as(0),
    );
    expect(result.code).toBe(cli.serviceErrorExitCode);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'An error occurred (NoSuchResourceException) when calling the GetServiceQuota operation',
    );
    expect(result.stderr).toContain('nope');
  }, 60_000);
});
