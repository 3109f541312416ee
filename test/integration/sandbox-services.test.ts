/**
 * STS, Organizations, Support and SNS in the sandbox, through their real SDK v3 clients: the
 * operations headroom uses to find accounts, act in them, open cases and send alerts.
 */
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { ListServicesCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateCaseCommand, DescribeCasesCommand, SupportClient } from '@aws-sdk/client-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { clientSettings } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ accounts: 5, pageSize: 2, throttle: 'off' });
});
afterAll(() => sandbox.close());

describe('STS', () => {
  it('GetCallerIdentity names the account of the access key', async () => {
    for (const [index, account] of sandbox.admin.accounts().entries()) {
      const sts = new STSClient(clientSettings(sandbox, { account: index }));
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(account.id);
      expect(identity.Arn).toBe(`arn:aws:iam::${account.id}:user/sandbox-admin`);
      expect(identity.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
    }
  });

  it('AssumeRole returns temporary credentials that act in the role’s account, until they expire', async () => {
    const [management, member] = sandbox.admin.accounts();
    const sts = new STSClient(clientSettings(sandbox));
    const roleArn = `arn:aws:iam::${member?.id}:role/OrganizationAccountAccessRole`;
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'headroom', DurationSeconds: 1800 }),
    );
    const credentials = assumed.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(credentials?.SessionToken?.length).toBeGreaterThan(100);
    const lifetime = (credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(1700_000);
    expect(lifetime).toBeLessThanOrEqual(1800_000);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${member?.id}:assumed-role/OrganizationAccountAccessRole/headroom`,
    );

    const asRole = {
      region: 'us-west-2',
      endpoint: sandbox.url,
      credentials: {
        accessKeyId: credentials?.AccessKeyId ?? '',
        secretAccessKey: credentials?.SecretAccessKey ?? '',
        sessionToken: credentials?.SessionToken ?? '',
      },
    };
    const identity = await new STSClient(asRole).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(member?.id);
    expect(identity.Account).not.toBe(management?.id);
    expect(identity.UserId).toMatch(/^AROA[A-Z0-9]{17}:headroom$/);
    // The session acts in that account for every service.
    const services = await new ServiceQuotasClient(asRole).send(new ListServicesCommand({}));
    expect(services.Services?.length).toBe(2);
  });

  it('refuses a role outside the organisation and a malformed role ARN', async () => {
    const sts = new STSClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const denied = await expectAwsError(
      sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111122223333:role/Admin', RoleSessionName: 'x1' }),
      ),
      'AccessDenied',
      403,
    );
    expect(denied.message).toContain('is not authorized to perform: sts:AssumeRole');
    await expectAwsError(
      sts.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:s3:::not-a-role-arn-at-all', RoleSessionName: 'x1' }),
      ),
      'ValidationError',
      400,
    );
  });
});

describe('Organizations', () => {
  it('describes the organisation to any member', async () => {
    const [management] = sandbox.admin.accounts();
    const org = await new OrganizationsClient(clientSettings(sandbox, { account: 3 })).send(
      new DescribeOrganizationCommand({}),
    );
    expect(org.Organization?.MasterAccountId).toBe(management?.id);
    expect(org.Organization?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(org.Organization?.FeatureSet).toBe('ALL');
    expect(org.Organization?.Arn).toBe(
      `arn:aws:organizations::${management?.id}:organization/${org.Organization?.Id}`,
    );
  });

  it('lists every account, two per page, to the management account only', async () => {
    const organizations = new OrganizationsClient(clientSettings(sandbox));
    const pages = [];
    for await (const page of paginateListAccounts({ client: organizations }, {})) pages.push(page);
    expect(pages).toHaveLength(3);
    const accounts = pages.flatMap((p) => p.Accounts ?? []);
    const active = accounts.filter((a) => a.Status === 'ACTIVE' && a.State === 'ACTIVE');
    expect(active.map((a) => a.Id)).toEqual(sandbox.admin.accounts().map((a) => a.id));
    expect(accounts.every((a) => a.JoinedTimestamp instanceof Date)).toBe(true);
    // One former member, SUSPENDED, listed after the others and not callable.
    const [suspended, ...more] = accounts.filter((a) => a.Status !== 'ACTIVE');
    expect(more).toEqual([]);
    expect(suspended).toMatchObject({ Status: 'SUSPENDED', State: 'SUSPENDED' });
    expect(sandbox.admin.accounts().map((a) => a.id)).not.toContain(suspended?.Id);
    expect(suspended?.Id).toMatch(/^\d{12}$/);
    expect(accounts[0]?.Arn).toMatch(/^arn:aws:organizations::\d{12}:account\/o-[a-z0-9]+\/\d{12}$/);
    await expectAwsError(
      new OrganizationsClient(clientSettings(sandbox, { account: 1, maxAttempts: 1 })).send(
        new ListAccountsCommand({}),
      ),
      'AccessDeniedException',
      400,
    );
    await expectAwsError(
      new OrganizationsClient(clientSettings(sandbox, { maxAttempts: 1 })).send(
        new ListAccountsCommand({ NextToken: 'bogus' }),
      ),
      'InvalidInputException',
      400,
    );
  });
});

describe('Support', () => {
  it('opens cases and describes them, newest first, with their communications', async () => {
    const support = new SupportClient(clientSettings(sandbox, { account: 2, maxAttempts: 1 }));
    const first = await support.send(
      new CreateCaseCommand({
        subject: 'Raise EC2 On-Demand Standard vCPUs',
        communicationBody: 'Please raise L-1216C47A to 2048 in us-east-1.',
        serviceCode: 'service-limit-increase',
        categoryCode: 'ec2',
        severityCode: 'normal',
      }),
    );
    expect(first.caseId).toMatch(/^case-\d{12}-/);
    const second = await support.send(
      new CreateCaseCommand({ subject: 'Second case', communicationBody: 'Hello' }),
    );
    const { cases } = await support.send(new DescribeCasesCommand({}));
    expect(cases?.map((c) => c.caseId)).toEqual([second.caseId, first.caseId]);
    expect(cases?.[1]?.recentCommunications?.communications?.[0]?.body).toBe(
      'Please raise L-1216C47A to 2048 in us-east-1.',
    );
    expect(cases?.[1]?.status).toBe('opened');
    const one = await support.send(
      new DescribeCasesCommand({ caseIdList: [first.caseId ?? ''], includeCommunications: false }),
    );
    expect(one.cases).toHaveLength(1);
    expect(one.cases?.[0]?.recentCommunications).toBeUndefined();
    await expectAwsError(
      support.send(new DescribeCasesCommand({ caseIdList: ['case-000000000000-xxxx-2026-0000'] })),
      'CaseIdNotFound',
      400,
    );
    // Another account does not see these cases.
    const other = new SupportClient(clientSettings(sandbox, { account: 3 }));
    expect((await other.send(new DescribeCasesCommand({}))).cases).toEqual([]);
  });

  it('caps case creation at ten per account per hour', async () => {
    const support = new SupportClient(clientSettings(sandbox, { account: 4, maxAttempts: 1 }));
    for (let i = 0; i < 10; i++) {
      await support.send(new CreateCaseCommand({ subject: `case ${i}`, communicationBody: 'body' }));
    }
    await expectAwsError(
      support.send(new CreateCaseCommand({ subject: 'one too many', communicationBody: 'body' })),
      'CaseCreationLimitExceeded',
      400,
    );
    sandbox.admin.advanceClock(3601);
    const later = await support.send(
      new CreateCaseCommand({ subject: 'an hour later', communicationBody: 'body' }),
    );
    expect(later.caseId).toMatch(/^case-/);
  });
});

describe('SNS', () => {
  it('creates topics idempotently and records every published message', async () => {
    const [management] = sandbox.admin.accounts();
    const sns = new SNSClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'headroom-alerts' }));
    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:${management?.id}:headroom-alerts`);
    expect((await sns.send(new CreateTopicCommand({ Name: 'headroom-alerts' }))).TopicArn).toBe(TopicArn);
    const published = await sns.send(
      new PublishCommand({
        TopicArn,
        Subject: 'ec2 L-1216C47A at 91%',
        Message: JSON.stringify({ quota: 'ec2/L-1216C47A', utilization: 0.91 }),
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'critical' } },
      }),
    );
    expect(published.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = sandbox.admin.snsMessages().filter((m) => m.messageId === published.MessageId);
    expect(message).toMatchObject({ topicArn: TopicArn, subject: 'ec2 L-1216C47A at 91%' });
    expect(JSON.parse(message?.message ?? '{}')).toEqual({ quota: 'ec2/L-1216C47A', utilization: 0.91 });
  });

  // The SDK names modelled query errors by their shape: code NotFound surfaces as NotFoundException.
  it('refuses unknown topics, bad names and empty messages', async () => {
    const sns = new SNSClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const [management] = sandbox.admin.accounts();
    await expectAwsError(
      sns.send(
        new PublishCommand({ TopicArn: `arn:aws:sns:us-east-1:${management?.id}:nope`, Message: 'x' }),
      ),
      'NotFoundException',
      404,
    );
    await expectAwsError(
      sns.send(new CreateTopicCommand({ Name: 'has spaces' })),
      'InvalidParameterException',
      400,
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'quiet' }));
    await expectAwsError(
      sns.send(new PublishCommand({ TopicArn, Message: '' })),
      'InvalidParameterException',
      400,
    );
    // A topic of us-east-1 is not found from eu-west-1.
    const ireland = new SNSClient(clientSettings(sandbox, { region: 'eu-west-1', maxAttempts: 1 }));
    await expectAwsError(
      ireland.send(new PublishCommand({ TopicArn, Message: 'x' })),
      'NotFoundException',
      404,
    );
  });
});
