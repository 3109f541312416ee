/**
 * Service Quotas in the sandbox, through the real SDK v3 client over HTTP, with pages of 2 so
 * every NextToken path runs: every operation headroom uses, every error it must handle, and the
 * increase-request lifecycle end to end.
 */
import { readFileSync } from 'node:fs';
import {
  AssociateServiceQuotaTemplateCommand,
  CreateSupportCaseCommand,
  DeleteServiceQuotaIncreaseRequestFromTemplateCommand,
  DisassociateServiceQuotaTemplateCommand,
  GetAWSDefaultServiceQuotaCommand,
  GetAssociationForServiceQuotaTemplateCommand,
  GetAutoManagementConfigurationCommand,
  GetQuotaUtilizationReportCommand,
  GetRequestedServiceQuotaChangeCommand,
  GetServiceQuotaCommand,
  GetServiceQuotaIncreaseRequestFromTemplateCommand,
  ListAWSDefaultServiceQuotasCommand,
  ListRequestedServiceQuotaChangeHistoryByQuotaCommand,
  ListRequestedServiceQuotaChangeHistoryCommand,
  ListServiceQuotasCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  PutServiceQuotaIncreaseRequestIntoTemplateCommand,
  RequestServiceQuotaIncreaseCommand,
  type ServiceQuota,
  ServiceQuotasClient,
  StartAutoManagementCommand,
  StartQuotaUtilizationReportCommand,
  StopAutoManagementCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAutoManagementCommand,
  paginateListAWSDefaultServiceQuotas,
  paginateListRequestedServiceQuotaChangeHistory,
  paginateListServiceQuotaIncreaseRequestsInTemplate,
  paginateListServiceQuotas,
  paginateListServices,
} from '@aws-sdk/client-service-quotas';
import { DescribeCasesCommand, SupportClient } from '@aws-sdk/client-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { expectAwsError } from '../helpers/expect-aws-error.js';
import { clientSettings, currentValue, requestedQuota } from '../helpers/sandbox.js';

interface CatalogEntry {
  ServiceCode: string;
  QuotaCode: string;
  Value: number;
  Adjustable: boolean;
  GlobalQuota: boolean;
  RegionalValues?: Record<string, number>;
}
const catalog = (
  JSON.parse(readFileSync(new URL('../../data/sandbox-quotas.json', import.meta.url), 'utf8')) as {
    quotas: CatalogEntry[];
  }
).quotas;
const serviceCodes = [...new Set(catalog.map((q) => q.ServiceCode))];

const EC2_VCPU = { ServiceCode: 'ec2', QuotaCode: 'L-1216C47A' };
const VPCS_PER_REGION = { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' };
const INTERNET_GATEWAYS = { ServiceCode: 'vpc', QuotaCode: 'L-A4707A72' };
const NAT_GATEWAYS = { ServiceCode: 'vpc', QuotaCode: 'L-FE5A380F' };
const NOT_ADJUSTABLE = catalog.find((q) => !q.Adjustable) as CatalogEntry;
const MINUTES = 60;

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

function client(sandbox: Sandbox, options: { account?: number; region?: string } = {}): ServiceQuotasClient {
  return new ServiceQuotasClient(clientSettings(sandbox, { maxAttempts: 1, ...options }));
}

describe('listing quotas, with pages of 2', () => {
  let sandbox: Sandbox;
  let sq: ServiceQuotasClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ pageSize: 2, throttle: 'off' });
    sq = client(sandbox);
  });
  afterAll(() => sandbox.close());

  it('ListServices walks every service of the catalog through opaque tokens, two at a time', async () => {
    sandbox.admin.resetCalls();
    const pages = await collect(paginateListServices({ client: sq }, { MaxResults: 100 }));
    const services = pages.flatMap((p) => p.Services ?? []);
    expect(services.map((s) => s.ServiceCode)).toEqual(serviceCodes);
    expect(pages.every((p) => (p.Services ?? []).length <= 2)).toBe(true);
    expect(pages.at(-1)?.NextToken).toBeUndefined();
    expect(pages[0]?.NextToken).toMatch(/^[a-zA-Z0-9/+]*={0,2}$/);
    expect(sandbox.admin.callTotal({ operation: 'ListServices', outcome: 'success' })).toBe(
      Math.ceil(serviceCodes.length / 2),
    );
  });

  it('ListServiceQuotas gives applied values with account ARNs; ListAWSDefaultServiceQuotas gives defaults with empty-account ARNs', async () => {
    const [account] = sandbox.admin.accounts();
    const applied = (
      await collect(paginateListServiceQuotas({ client: sq }, { ServiceCode: 'vpc' }))
    ).flatMap((p) => p.Quotas ?? []);
    const defaults = (
      await collect(paginateListAWSDefaultServiceQuotas({ client: sq }, { ServiceCode: 'vpc' }))
    ).flatMap((p) => p.Quotas ?? []);
    const vpcCatalog = catalog.filter((q) => q.ServiceCode === 'vpc');
    expect(defaults.map((q) => q.QuotaCode)).toEqual(vpcCatalog.map((q) => q.QuotaCode));
    expect(defaults.map((q) => q.Value)).toEqual(vpcCatalog.map((q) => q.Value));
    for (const q of defaults) expect(q.QuotaArn).toBe(`arn:aws:servicequotas:us-east-1::vpc/${q.QuotaCode}`);
    for (const q of applied) {
      expect(q.QuotaArn).toBe(`arn:aws:servicequotas:us-east-1:${account?.id}:vpc/${q.QuotaCode}`);
      expect(q.QuotaAppliedAtLevel).toBe('ACCOUNT');
      expect(typeof q.Value === 'number' || q.ErrorReason !== undefined).toBe(true);
    }
    const defaultCodes = new Set(defaults.map((q) => q.QuotaCode));
    expect(applied.every((q) => defaultCodes.has(q.QuotaCode))).toBe(true);
    // A share of adjustable quotas is raised above the AWS default in the regions the accounts use.
    const byCode = new Map(defaults.map((q) => [q.QuotaCode, q.Value]));
    const raised = applied.filter(
      (q) => (q.Value ?? 0) > (byCode.get(q.QuotaCode ?? '') ?? Number.POSITIVE_INFINITY),
    );
    expect(raised.length).toBeGreaterThan(0);
  });

  it('omits quotas with no applied value from ListServiceQuotas, as AWS does, so defaults must fill them', async () => {
    const unpaged = client(sandbox);
    let omitted = 0;
    // Look across services until some are found; the seed leaves a few services and quotas without applied values.
    for (const serviceCode of serviceCodes.slice(0, 60)) {
      const appliedCodes = new Set(
        (await collect(paginateListServiceQuotas({ client: unpaged }, { ServiceCode: serviceCode })))
          .flatMap((p) => p.Quotas ?? [])
          .map((q) => q.QuotaCode),
      );
      const missing = catalog.filter((q) => q.ServiceCode === serviceCode && !appliedCodes.has(q.QuotaCode));
      omitted += missing.length;
      for (const quota of missing.slice(0, 1)) {
        await expectAwsError(
          unpaged.send(
            new GetServiceQuotaCommand({ ServiceCode: quota.ServiceCode, QuotaCode: quota.QuotaCode }),
          ),
          'NoSuchResourceException',
          404,
        );
        const { Quota } = await unpaged.send(
          new GetAWSDefaultServiceQuotaCommand({
            ServiceCode: quota.ServiceCode,
            QuotaCode: quota.QuotaCode,
          }),
        );
        expect(Quota?.Value).toBe(quota.Value);
      }
      if (omitted >= 3) break;
    }
    expect(omitted).toBeGreaterThanOrEqual(3);
  });

  it('filters ListServiceQuotas by quota code and applied level', async () => {
    const one = await sq.send(new ListServiceQuotasCommand({ ...EC2_VCPU }));
    expect(one.Quotas?.map((q) => q.QuotaCode)).toEqual(['L-1216C47A']);
    expect(one.Quotas?.[0]?.UsageMetric?.MetricDimensions).toEqual({
      Class: 'Standard/OnDemand',
      Resource: 'vCPU',
      Service: 'EC2',
      Type: 'Resource',
    });
    const resourceLevel = await sq.send(
      new ListServiceQuotasCommand({ ServiceCode: 'ec2', QuotaAppliedAtLevel: 'RESOURCE' }),
    );
    expect(resourceLevel.Quotas).toEqual([]);
    await expectAwsError(
      sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2', QuotaCode: 'L-00000000' })),
      'NoSuchResourceException',
      404,
    );
  });

  it('rejects unknown services, forged tokens and tokens of another request', async () => {
    await expectAwsError(
      sq.send(new ListServiceQuotasCommand({ ServiceCode: 'no-such-service' })),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq.send(new ListAWSDefaultServiceQuotasCommand({ ServiceCode: 'nope' })),
      'NoSuchResourceException',
      404,
    );
    const first = await sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2' }));
    const token = first.NextToken ?? '';
    expect(token).not.toBe('');
    const forged = `${token.slice(0, 8)}${token.charAt(8) === 'A' ? 'B' : 'A'}${token.slice(9)}`;
    await expectAwsError(
      sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2', NextToken: forged })),
      'InvalidPaginationTokenException',
      400,
    );
    await expectAwsError(
      sq.send(new ListServiceQuotasCommand({ ServiceCode: 'vpc', NextToken: token })),
      'InvalidPaginationTokenException',
      400,
    );
    await expectAwsError(
      sq.send(new ListServicesCommand({ NextToken: token })),
      'InvalidPaginationTokenException',
      400,
    );
    const second = await sq.send(new ListServiceQuotasCommand({ ServiceCode: 'ec2', NextToken: token }));
    expect(second.Quotas?.[0]?.QuotaCode).not.toBe(first.Quotas?.[0]?.QuotaCode);
  });

  it('validates MaxResults as the model bounds it (1–100)', async () => {
    const one = await client(sandbox).send(new ListServicesCommand({ MaxResults: 1 }));
    expect(one.Services).toHaveLength(1);
    const error = await expectAwsError(
      sq.send(new ListServicesCommand({ MaxResults: 101 })),
      'ValidationException',
      400,
    );
    expect(error.message).toContain(
      "at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
  });

  it('reads single quotas, and defaults that differ by region', async () => {
    const [fromList] = (await sq.send(new ListServiceQuotasCommand({ ...EC2_VCPU }))).Quotas ?? [];
    const { Quota } = await sq.send(new GetServiceQuotaCommand({ ...EC2_VCPU }));
    expect(Quota).toEqual(fromList);
    const { Quota: byDefault } = await sq.send(new GetAWSDefaultServiceQuotaCommand({ ...EC2_VCPU }));
    expect(byDefault?.Value).toBe(5);
    expect(Quota?.Value).toBeGreaterThan(5);
    await expectAwsError(
      sq.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: 'L-FFFFFFFF' })),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'nope', QuotaCode: 'L-1216C47A' })),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq.send(
        new GetServiceQuotaCommand({
          ...EC2_VCPU,
          ContextId: 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1',
        }),
      ),
      'NoSuchResourceException',
      404,
    );
    // SNS "Messages Published per Second": 30,000 in us-east-1, 300 in eu-west-2.
    const publish = { ServiceCode: 'sns', QuotaCode: 'L-F8E2BA85' };
    const east = await sq.send(new GetAWSDefaultServiceQuotaCommand(publish));
    const london = await client(sandbox, { region: 'eu-west-2' }).send(
      new GetAWSDefaultServiceQuotaCommand(publish),
    );
    expect([east.Quota?.Value, london.Quota?.Value]).toEqual([30000, 300]);
  });

  it('keeps ErrorReason, Period and GlobalQuota as AWS gives them', async () => {
    const { Quota: rate } = await sq.send(
      new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'sns', QuotaCode: 'L-F8E2BA85' }),
    );
    expect(rate?.Period).toEqual({ PeriodValue: 1, PeriodUnit: 'SECOND' });
    expect(rate?.UsageMetric?.MetricName).toBe('CallCount');
    const { Quota: global } = await sq.send(
      new GetServiceQuotaCommand({ ServiceCode: 'iam', QuotaCode: 'L-FE177D64' }),
    );
    expect(global?.GlobalQuota).toBe(true);
    const withReason: ServiceQuota[] = [];
    const unpaged = client(sandbox);
    for (const serviceCode of serviceCodes) {
      const pages = await collect(
        paginateListServiceQuotas({ client: unpaged }, { ServiceCode: serviceCode }),
      );
      withReason.push(...pages.flatMap((p) => p.Quotas ?? []).filter((q) => q.ErrorReason !== undefined));
      if (withReason.length > 0) break;
    }
    expect(withReason.length).toBeGreaterThan(0);
    expect(withReason[0]?.ErrorReason?.ErrorCode).toMatch(/^(DEPENDENCY_|SERVICE_QUOTA_NOT_AVAILABLE)/);
    expect(withReason[0]?.Value).toBeUndefined();
  });
});

describe('increase requests', () => {
  let sandbox: Sandbox;
  let sq: ServiceQuotasClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ pageSize: 2, throttle: 'off' });
    sq = client(sandbox);
  });
  afterAll(() => sandbox.close());

  it('move PENDING → CASE_OPENED → APPROVED on the sandbox clock, and an approval changes the applied value everywhere', async () => {
    const [account] = sandbox.admin.accounts();
    const before = await currentValue(sq, VPCS_PER_REGION);
    const desired = before + 5;
    const { RequestedQuota: created } = await sq.send(
      new RequestServiceQuotaIncreaseCommand({ ...VPCS_PER_REGION, DesiredValue: desired }),
    );
    expect(created).toMatchObject({
      Status: 'PENDING',
      DesiredValue: desired,
      QuotaArn: `arn:aws:servicequotas:us-east-1:${account?.id}:vpc/L-F678F1CE`,
      QuotaRequestedAtLevel: 'ACCOUNT',
    });
    expect(created?.Id).toMatch(/^[0-9a-zA-Z][a-zA-Z0-9-]{1,128}$/);
    expect(JSON.parse(created?.Requester ?? '{}')).toEqual({
      accountId: account?.id,
      callerArn: `arn:aws:iam::${account?.id}:user/sandbox-admin`,
    });
    const id = created?.Id ?? '';

    sandbox.admin.advanceClock(9 * MINUTES);
    expect((await requestedQuota(sq, id)).Status).toBe('PENDING');
    sandbox.admin.advanceClock(2 * MINUTES);
    const opened = await requestedQuota(sq, id);
    expect(opened.Status).toBe('CASE_OPENED');
    expect(opened.CaseId).toMatch(/^case-/);
    expect(await currentValue(sq, VPCS_PER_REGION)).toBe(before);

    sandbox.admin.advanceClock(50 * MINUTES);
    const approved = await requestedQuota(sq, id);
    expect(approved.Status).toBe('APPROVED');
    expect(approved.LastUpdated?.getTime()).toBeGreaterThan(approved.Created?.getTime() ?? 0);
    expect(await currentValue(sq, VPCS_PER_REGION)).toBe(desired);
    const listed = (await collect(paginateListServiceQuotas({ client: sq }, { ServiceCode: 'vpc' })))
      .flatMap((p) => p.Quotas ?? [])
      .find((q) => q.QuotaCode === VPCS_PER_REGION.QuotaCode);
    expect(listed?.Value).toBe(desired);
    // Regional: another region of the same account is untouched.
    const west = client(sandbox, { region: 'us-west-2' });
    expect(await currentValue(west, VPCS_PER_REGION)).not.toBe(desired);
    await expectAwsError(
      west.send(new GetRequestedServiceQuotaChangeCommand({ RequestId: id })),
      'NoSuchResourceException',
      404,
    );

    // The Support case Service Quotas opened is visible, and resolved.
    const support = new SupportClient(clientSettings(sandbox, { maxAttempts: 1 }));
    const { cases } = await support.send(new DescribeCasesCommand({ caseIdList: [opened.CaseId ?? ''] }));
    expect(cases?.[0]?.status).toBe('resolved');
  });

  it('refuses a value that is not above the current one, a quota that is not adjustable, and unknown quotas', async () => {
    const current = await currentValue(sq, INTERNET_GATEWAYS);
    const low = await expectAwsError(
      sq.send(new RequestServiceQuotaIncreaseCommand({ ...INTERNET_GATEWAYS, DesiredValue: current })),
      'IllegalArgumentException',
      400,
    );
    expect(low.message).toContain('greater than the current quota value');
    const fixed = await expectAwsError(
      sq.send(
        new RequestServiceQuotaIncreaseCommand({
          ServiceCode: NOT_ADJUSTABLE.ServiceCode,
          QuotaCode: NOT_ADJUSTABLE.QuotaCode,
          DesiredValue: NOT_ADJUSTABLE.Value + 100,
        }),
      ),
      'IllegalArgumentException',
      400,
    );
    expect(fixed.message).toContain('not adjustable');
    await expectAwsError(
      sq.send(
        new RequestServiceQuotaIncreaseCommand({
          ServiceCode: 'vpc',
          QuotaCode: 'L-00000000',
          DesiredValue: 10,
        }),
      ),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq.send(new GetRequestedServiceQuotaChangeCommand({ RequestId: 'nosuchrequest' })),
      'NoSuchResourceException',
      404,
    );
  });

  it('allows one open request per quota and two per region (ResourceAlreadyExists, then QuotaExceeded)', async () => {
    const region = client(sandbox, { account: 1, region: 'eu-west-1' });
    const igw = await currentValue(region, INTERNET_GATEWAYS);
    await region.send(
      new RequestServiceQuotaIncreaseCommand({ ...INTERNET_GATEWAYS, DesiredValue: igw + 1 }),
    );
    const again = await expectAwsError(
      region.send(new RequestServiceQuotaIncreaseCommand({ ...INTERNET_GATEWAYS, DesiredValue: igw + 2 })),
      'ResourceAlreadyExistsException',
      400,
    );
    expect(again.message).toContain('Only one open service quota increase request is allowed per quota');
    const nat = await currentValue(region, NAT_GATEWAYS);
    await region.send(new RequestServiceQuotaIncreaseCommand({ ...NAT_GATEWAYS, DesiredValue: nat + 1 }));
    const vpcs = await currentValue(region, VPCS_PER_REGION);
    await expectAwsError(
      region.send(new RequestServiceQuotaIncreaseCommand({ ...VPCS_PER_REGION, DesiredValue: vpcs + 1 })),
      'QuotaExceededException',
      409,
    );
    // Once they close, there is room again.
    sandbox.admin.advanceClock(61 * MINUTES);
    const { RequestedQuota } = await region.send(
      new RequestServiceQuotaIncreaseCommand({ ...VPCS_PER_REGION, DesiredValue: vpcs + 1 }),
    );
    expect(RequestedQuota?.Status).toBe('PENDING');
  });

  it('denies a request for more than ten times the current value, by a deterministic rule', async () => {
    const west = client(sandbox, { region: 'us-west-2' });
    const current = await currentValue(west, INTERNET_GATEWAYS);
    const { RequestedQuota } = await west.send(
      new RequestServiceQuotaIncreaseCommand({ ...INTERNET_GATEWAYS, DesiredValue: current * 10 + 1 }),
    );
    sandbox.admin.advanceClock(61 * MINUTES);
    expect((await requestedQuota(west, RequestedQuota?.Id ?? '')).Status).toBe('DENIED');
    expect(await currentValue(west, INTERNET_GATEWAYS)).toBe(current);
  });

  it('without a Support case: small raises are approved, larger ones NOT_APPROVED; CreateSupportCase opens one for a PENDING request', async () => {
    const sq2 = client(sandbox, { account: 2 });
    const igw = await currentValue(sq2, INTERNET_GATEWAYS);
    const small = await sq2.send(
      new RequestServiceQuotaIncreaseCommand({
        ...INTERNET_GATEWAYS,
        DesiredValue: igw + 1,
        SupportCaseAllowed: false,
      }),
    );
    const nat = await currentValue(sq2, NAT_GATEWAYS);
    const large = await sq2.send(
      new RequestServiceQuotaIncreaseCommand({
        ...NAT_GATEWAYS,
        DesiredValue: nat * 3,
        SupportCaseAllowed: false,
      }),
    );
    sandbox.admin.advanceClock(11 * MINUTES);
    expect((await requestedQuota(sq2, small.RequestedQuota?.Id ?? '')).Status).toBe('APPROVED');
    expect((await requestedQuota(sq2, small.RequestedQuota?.Id ?? '')).CaseId).toBeUndefined();
    expect((await requestedQuota(sq2, large.RequestedQuota?.Id ?? '')).Status).toBe('NOT_APPROVED');
    expect(await currentValue(sq2, INTERNET_GATEWAYS)).toBe(igw + 1);

    const vpcs = await currentValue(sq2, VPCS_PER_REGION);
    const pending = await sq2.send(
      new RequestServiceQuotaIncreaseCommand({
        ...VPCS_PER_REGION,
        DesiredValue: vpcs * 3,
        SupportCaseAllowed: false,
      }),
    );
    const id = pending.RequestedQuota?.Id ?? '';
    await sq2.send(new CreateSupportCaseCommand({ RequestId: id }));
    const opened = await requestedQuota(sq2, id);
    expect(opened.Status).toBe('CASE_OPENED');
    expect(opened.CaseId).toMatch(/^case-/);
    await expectAwsError(
      sq2.send(new CreateSupportCaseCommand({ RequestId: id })),
      'ResourceAlreadyExistsException',
      400,
    );
    await expectAwsError(
      sq2.send(new CreateSupportCaseCommand({ RequestId: small.RequestedQuota?.Id ?? '' })),
      'InvalidResourceStateException',
      405,
    );
    await expectAwsError(
      sq2.send(new CreateSupportCaseCommand({ RequestId: 'nosuchrequest' })),
      'NoSuchResourceException',
      404,
    );
    sandbox.admin.advanceClock(51 * MINUTES);
    expect((await requestedQuota(sq2, id)).Status).toBe('APPROVED');
  });

  it('lists request history newest first, paginated, filtered by service, status and quota', async () => {
    const history = (
      await collect(paginateListRequestedServiceQuotaChangeHistory({ client: sq }, {}))
    ).flatMap((p) => p.RequestedQuotas ?? []);
    expect(history.length).toBeGreaterThanOrEqual(1);
    const own = sandbox.admin
      .requests()
      .filter((r) => r.accountId === sandbox.admin.accounts()[0]?.id && r.region === 'us-east-1');
    expect(history.map((r) => r.Id).sort()).toEqual(own.map((r) => r.id).sort());

    const sq2 = client(sandbox, { account: 2 });
    const all = (await collect(paginateListRequestedServiceQuotaChangeHistory({ client: sq2 }, {}))).flatMap(
      (p) => p.RequestedQuotas ?? [],
    );
    expect(all.length).toBe(3);
    const created = all.map((r) => r.Created?.getTime() ?? 0);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    const approved = await sq2.send(
      new ListRequestedServiceQuotaChangeHistoryCommand({ Status: 'APPROVED' }),
    );
    expect(approved.RequestedQuotas?.every((r) => r.Status === 'APPROVED')).toBe(true);
    expect(approved.NextToken).toBeUndefined();
    expect(approved.RequestedQuotas?.length).toBe(2);
    const byQuota = await sq2.send(
      new ListRequestedServiceQuotaChangeHistoryByQuotaCommand({ ...NAT_GATEWAYS }),
    );
    expect(byQuota.RequestedQuotas?.map((r) => r.Status)).toEqual(['NOT_APPROVED']);
    const byService = await sq2.send(
      new ListRequestedServiceQuotaChangeHistoryCommand({ ServiceCode: 'ec2' }),
    );
    expect(byService.RequestedQuotas).toEqual([]);
    await expectAwsError(
      sq2.send(new ListRequestedServiceQuotaChangeHistoryCommand({ ServiceCode: 'nope' })),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq2.send(
        new ListRequestedServiceQuotaChangeHistoryByQuotaCommand({
          ServiceCode: 'vpc',
          QuotaCode: 'L-00000000',
        }),
      ),
      'NoSuchResourceException',
      404,
    );
  });

  it('raises a global quota once for the whole account, whichever region asks', async () => {
    const roles = { ServiceCode: 'iam', QuotaCode: 'L-FE177D64' };
    const west = client(sandbox, { account: 1, region: 'us-west-2' });
    const east = client(sandbox, { account: 1, region: 'us-east-1' });
    const before = await currentValue(east, roles);
    const { RequestedQuota } = await west.send(
      new RequestServiceQuotaIncreaseCommand({ ...roles, DesiredValue: before + 100 }),
    );
    expect(RequestedQuota?.GlobalQuota).toBe(true);
    sandbox.admin.advanceClock(61 * MINUTES);
    expect(await currentValue(east, roles)).toBe(before + 100);
    expect(await currentValue(client(sandbox, { account: 1, region: 'eu-west-1' }), roles)).toBe(
      before + 100,
    );
    expect((await requestedQuota(east, RequestedQuota?.Id ?? '')).Status).toBe('APPROVED');
  });
});

describe('the quota request template', () => {
  let sandbox: Sandbox;
  let sq: ServiceQuotasClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ pageSize: 2, throttle: 'off' });
    sq = client(sandbox);
  });
  afterAll(() => sandbox.close());

  it('is for the management account, in us-east-1', async () => {
    await expectAwsError(
      client(sandbox, { account: 1 }).send(new GetAssociationForServiceQuotaTemplateCommand({})),
      'AccessDeniedException',
      403,
    );
    await expectAwsError(
      client(sandbox, { region: 'eu-west-1' }).send(new GetAssociationForServiceQuotaTemplateCommand({})),
      'TemplatesNotAvailableInRegionException',
      404,
    );
  });

  it('associates, holds up to ten requests, and disassociates', async () => {
    expect(
      (await sq.send(new GetAssociationForServiceQuotaTemplateCommand({})))
        .ServiceQuotaTemplateAssociationStatus,
    ).toBe('DISASSOCIATED');
    await expectAwsError(
      sq.send(new DisassociateServiceQuotaTemplateCommand({})),
      'ServiceQuotaTemplateNotInUseException',
      400,
    );
    await sq.send(new AssociateServiceQuotaTemplateCommand({}));
    expect(
      (await sq.send(new GetAssociationForServiceQuotaTemplateCommand({})))
        .ServiceQuotaTemplateAssociationStatus,
    ).toBe('ASSOCIATED');

    const adjustable = catalog.filter((q) => q.ServiceCode === 'vpc' && q.Adjustable).slice(0, 11);
    for (const [i, quota] of adjustable.slice(0, 10).entries()) {
      const { ServiceQuotaIncreaseRequestInTemplate: entry } = await sq.send(
        new PutServiceQuotaIncreaseRequestIntoTemplateCommand({
          ServiceCode: quota.ServiceCode,
          QuotaCode: quota.QuotaCode,
          AwsRegion: i % 2 === 0 ? 'us-east-1' : 'eu-west-1',
          DesiredValue: quota.Value * 2 + 1,
        }),
      );
      expect(entry?.DesiredValue).toBe(quota.Value * 2 + 1);
    }
    const eleventh = adjustable[10] as CatalogEntry;
    await expectAwsError(
      sq.send(
        new PutServiceQuotaIncreaseRequestIntoTemplateCommand({
          ServiceCode: eleventh.ServiceCode,
          QuotaCode: eleventh.QuotaCode,
          AwsRegion: 'us-east-1',
          DesiredValue: eleventh.Value + 1,
        }),
      ),
      'QuotaExceededException',
      409,
    );
    const listed = (
      await collect(
        paginateListServiceQuotaIncreaseRequestsInTemplate({ client: sq }, { ServiceCode: 'vpc' }),
      )
    ).flatMap((p) => p.ServiceQuotaIncreaseRequestInTemplateList ?? []);
    expect(listed).toHaveLength(10);
    const inIreland = (
      await collect(
        paginateListServiceQuotaIncreaseRequestsInTemplate({ client: sq }, { AwsRegion: 'eu-west-1' }),
      )
    ).flatMap((p) => p.ServiceQuotaIncreaseRequestInTemplateList ?? []);
    expect(inIreland).toHaveLength(5);

    const first = adjustable[0] as CatalogEntry;
    const key = { ServiceCode: first.ServiceCode, QuotaCode: first.QuotaCode, AwsRegion: 'us-east-1' };
    const { ServiceQuotaIncreaseRequestInTemplate: got } = await sq.send(
      new GetServiceQuotaIncreaseRequestFromTemplateCommand(key),
    );
    expect(got?.QuotaCode).toBe(first.QuotaCode);
    await sq.send(new DeleteServiceQuotaIncreaseRequestFromTemplateCommand(key));
    await expectAwsError(
      sq.send(new GetServiceQuotaIncreaseRequestFromTemplateCommand(key)),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq.send(new PutServiceQuotaIncreaseRequestIntoTemplateCommand({ ...key, DesiredValue: first.Value })),
      'IllegalArgumentException',
      400,
    );
    await sq.send(new DisassociateServiceQuotaTemplateCommand({}));
    expect(
      (await sq.send(new GetAssociationForServiceQuotaTemplateCommand({})))
        .ServiceQuotaTemplateAssociationStatus,
    ).toBe('DISASSOCIATED');
  });
});

describe('the quota utilization report', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ accounts: 8, throttle: 'off' });
  });
  afterAll(() => sandbox.close());

  it('is generated asynchronously, sorted by utilization, paged, and expires after 15 minutes', async () => {
    const sq = client(sandbox);
    const started = await sq.send(new StartQuotaUtilizationReportCommand({}));
    expect(started.Status).toBe('PENDING');
    const reportId = started.ReportId ?? '';
    const early = await sq.send(new GetQuotaUtilizationReportCommand({ ReportId: reportId }));
    expect(['PENDING', 'IN_PROGRESS']).toContain(early.Status);
    expect(early.Quotas).toBeUndefined();
    sandbox.admin.advanceClock(5);
    const report = await sq.send(
      new GetQuotaUtilizationReportCommand({ ReportId: reportId, MaxResults: 1000 }),
    );
    expect(report.Status).toBe('COMPLETED');
    const rows = report.Quotas ?? [];
    expect(rows.length).toBe(report.TotalCount);
    expect(rows.length).toBeGreaterThan(20);
    const utilizations = rows.map((r) => r.Utilization ?? 0);
    expect(utilizations).toEqual([...utilizations].sort((a, b) => b - a));
    const vcpu = rows.find((r) => r.QuotaCode === 'L-1216C47A');
    expect(vcpu?.AppliedValue).toBe(await currentValue(sq, EC2_VCPU));
    expect(vcpu?.Namespace).toBe('AWS/Usage');
    // A few quotas run hot in every target.
    expect(utilizations.filter((u) => u >= 80).length).toBeGreaterThanOrEqual(1);

    const paged: unknown[] = [];
    let token: string | undefined;
    do {
      const page = await sq.send(
        new GetQuotaUtilizationReportCommand({ ReportId: reportId, MaxResults: 25, NextToken: token }),
      );
      paged.push(...(page.Quotas ?? []));
      token = page.NextToken;
    } while (token !== undefined);
    expect(paged).toEqual(rows);

    sandbox.admin.advanceClock(16 * MINUTES);
    await expectAwsError(
      sq.send(new GetQuotaUtilizationReportCommand({ ReportId: reportId })),
      'NoSuchResourceException',
      404,
    );
    await expectAwsError(
      sq.send(new GetQuotaUtilizationReportCommand({ ReportId: 'unknown-report' })),
      'NoSuchResourceException',
      404,
    );
  });

  it('is offered by some accounts and not others', async () => {
    const outcomes = await Promise.all(
      sandbox.admin.accounts().map(async (_, account) => {
        try {
          await client(sandbox, { account }).send(new StartQuotaUtilizationReportCommand({}));
          return 'offered';
        } catch (error) {
          expect((error as Error).name).toBe('IllegalArgumentException');
          return 'not offered';
        }
      }),
    );
    expect(outcomes[0]).toBe('offered');
    expect(outcomes).toContain('not offered');
  });
});

describe('automatic management and tags', () => {
  let sandbox: Sandbox;
  let sq: ServiceQuotasClient;
  beforeAll(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    sq = client(sandbox);
  });
  afterAll(() => sandbox.close());

  it('opts in, updates, and opts out, validating the exclusion list', async () => {
    expect(await sq.send(new GetAutoManagementConfigurationCommand({}))).toMatchObject({
      OptInStatus: 'DISABLED',
    });
    await expectAwsError(
      sq.send(
        new StartAutoManagementCommand({
          OptInLevel: 'ACCOUNT',
          OptInType: 'NotifyOnly',
          ExclusionList: { ec2: ['L-00000000'] },
        }),
      ),
      'NoSuchResourceException',
      404,
    );
    await sq.send(
      new StartAutoManagementCommand({
        OptInLevel: 'ACCOUNT',
        OptInType: 'NotifyOnly',
        ExclusionList: { ec2: ['L-1216C47A'] },
      }),
    );
    const config = await sq.send(new GetAutoManagementConfigurationCommand({}));
    expect(config).toMatchObject({ OptInStatus: 'ENABLED', OptInType: 'NotifyOnly', OptInLevel: 'ACCOUNT' });
    expect(config.ExclusionList?.ec2?.[0]?.QuotaName).toContain('Running On-Demand Standard');
    await expectAwsError(
      sq.send(new StartAutoManagementCommand({ OptInLevel: 'ACCOUNT', OptInType: 'NotifyOnly' })),
      'IllegalArgumentException',
      400,
    );
    await sq.send(new UpdateAutoManagementCommand({ OptInType: 'NotifyAndAdjust' }));
    expect((await sq.send(new GetAutoManagementConfigurationCommand({}))).OptInType).toBe('NotifyAndAdjust');
    await sq.send(new StopAutoManagementCommand({}));
    await expectAwsError(sq.send(new StopAutoManagementCommand({})), 'IllegalArgumentException', 400);
    await expectAwsError(
      sq.send(new UpdateAutoManagementCommand({ OptInType: 'NotifyOnly' })),
      'IllegalArgumentException',
      400,
    );
  });

  it('tags applied quotas by ARN', async () => {
    const { Quota } = await sq.send(new GetServiceQuotaCommand({ ...EC2_VCPU }));
    const arn = Quota?.QuotaArn ?? '';
    await sq.send(
      new TagResourceCommand({
        ResourceARN: arn,
        Tags: [
          { Key: 'team', Value: 'platform' },
          { Key: 'tier', Value: '1' },
        ],
      }),
    );
    await sq.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['tier'] }));
    expect((await sq.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: 'team', Value: 'platform' },
    ]);
    const otherAccount = arn.replace(/:\d{12}:/, ':111111111111:');
    await expectAwsError(
      sq.send(new ListTagsForResourceCommand({ ResourceARN: otherAccount })),
      'NoSuchResourceException',
      404,
    );
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(
      sq.send(new TagResourceCommand({ ResourceARN: arn, Tags: tooMany })),
      'TooManyTagsException',
      400,
    );
    await expectAwsError(
      sq.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'aws:reserved', Value: 'x' }] })),
      'IllegalArgumentException',
      400,
    );
  });
});
