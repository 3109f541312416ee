/**
 * The AWS calls of increase requests, each as few as the API allows: a destination's current
 * values by listing each service once (GetAWSDefaultServiceQuota only for quotas with no applied
 * value), its open requests by two history listings (PENDING, CASE_OPENED) per region, statuses
 * by the region's history rather than one GetRequestedServiceQuotaChange per request.
 */
import {
  GetAWSDefaultServiceQuotaCommand,
  GetRequestedServiceQuotaChangeCommand,
  paginateListRequestedServiceQuotaChangeHistory,
  paginateListServiceQuotas,
  type RequestedServiceQuotaChange,
  RequestServiceQuotaIncreaseCommand,
  type ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { CreateCaseCommand, DescribeCasesCommand, type SupportClient } from '@aws-sdk/client-support';
import { errorName } from '../aws/errors.js';
import { withRetry } from '../collect/retry.js';
import type { AwsRequestStatus } from '../domain/request.js';

const PAGE_SIZE = 100;

/** The IAM actions filing and following increase requests and Support cases call. */
export const REQUESTS_IAM_ACTIONS = [
  'servicequotas:ListServiceQuotas',
  'servicequotas:GetAWSDefaultServiceQuota',
  'servicequotas:ListRequestedServiceQuotaChangeHistory',
  'servicequotas:GetRequestedServiceQuotaChange',
  'servicequotas:RequestServiceQuotaIncrease',
  'support:CreateCase',
  'support:DescribeCases',
] as const;

/** A quota's value in a target now: applied, or AWS's default where there is none. */
export interface CurrentValue {
  readonly value: number | null;
  readonly adjustable: boolean;
}

/**
 * The current values of some quotas of one service in one target: `undefined` for a quota code
 * AWS does not know (NoSuchResourceException); a service AWS does not know throws.
 */
export async function readCurrentValues(
  sq: ServiceQuotasClient,
  serviceCode: string,
  quotaCodes: readonly string[],
): Promise<Map<string, CurrentValue | undefined>> {
  const found = new Map<string, CurrentValue | undefined>();
  const wanted = new Set(quotaCodes);
  const pages = paginateListServiceQuotas(
    { client: sq, pageSize: PAGE_SIZE },
    { ServiceCode: serviceCode, MaxResults: PAGE_SIZE },
  );
  for await (const page of pages) {
    for (const q of page.Quotas ?? []) {
      if (q.QuotaCode === undefined || !wanted.has(q.QuotaCode) || found.has(q.QuotaCode)) continue;
      if (q.QuotaContext?.ContextScope === 'RESOURCE') continue;
      if (q.Value === undefined) continue; // an ErrorReason and no value: read the default below
      found.set(q.QuotaCode, { value: q.Value, adjustable: q.Adjustable ?? false });
    }
  }
  for (const code of quotaCodes) {
    if (found.has(code)) continue;
    try {
      const { Quota: q } = await withRetry(() =>
        sq.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: code })),
      );
      found.set(code, { value: q?.Value ?? null, adjustable: q?.Adjustable ?? false });
    } catch (error) {
      if (errorName(error) !== 'NoSuchResourceException') throw error;
      found.set(code, undefined);
    }
  }
  return found;
}

/** Every increase request of a target still open at AWS (PENDING or CASE_OPENED). */
export async function listOpenRequests(sq: ServiceQuotasClient): Promise<RequestedServiceQuotaChange[]> {
  const open: RequestedServiceQuotaChange[] = [];
  for (const status of ['PENDING', 'CASE_OPENED'] as const) {
    const pages = paginateListRequestedServiceQuotaChangeHistory(
      { client: sq, pageSize: PAGE_SIZE },
      { Status: status, MaxResults: PAGE_SIZE },
    );
    for await (const page of pages) open.push(...(page.RequestedQuotas ?? []));
  }
  return open;
}

/**
 * The requests with these ids, from the target's history (newest first, so it stops as soon as
 * every id is found); ids the history does not show are read one by one.
 */
export async function readRequests(
  sq: ServiceQuotasClient,
  ids: readonly string[],
): Promise<Map<string, RequestedServiceQuotaChange>> {
  const found = new Map<string, RequestedServiceQuotaChange>();
  const wanted = new Set(ids);
  const pages = paginateListRequestedServiceQuotaChangeHistory(
    { client: sq, pageSize: PAGE_SIZE },
    { MaxResults: PAGE_SIZE },
  );
  for await (const page of pages) {
    for (const r of page.RequestedQuotas ?? []) {
      if (r.Id !== undefined && wanted.has(r.Id)) found.set(r.Id, r);
    }
    if (found.size === wanted.size) break;
  }
  for (const id of ids) {
    if (found.has(id)) continue;
    try {
      const { RequestedQuota } = await withRetry(() =>
        sq.send(new GetRequestedServiceQuotaChangeCommand({ RequestId: id })),
      );
      if (RequestedQuota) found.set(id, RequestedQuota);
    } catch (error) {
      if (errorName(error) !== 'NoSuchResourceException') throw error;
    }
  }
  return found;
}

export async function fileIncrease(
  sq: ServiceQuotasClient,
  item: { serviceCode: string; quotaCode: string; desiredValue: number },
): Promise<RequestedServiceQuotaChange> {
  const { RequestedQuota } = await sq.send(
    new RequestServiceQuotaIncreaseCommand({
      ServiceCode: item.serviceCode,
      QuotaCode: item.quotaCode,
      DesiredValue: item.desiredValue,
    }),
  );
  if (!RequestedQuota?.Id) throw new Error('RequestServiceQuotaIncrease answered without a request id');
  return RequestedQuota;
}

export function awsStatusOf(request: RequestedServiceQuotaChange): AwsRequestStatus {
  return request.Status ?? 'PENDING';
}

/** Opens an AWS Support case asking for a quota AWS will not raise through the API. */
export async function openQuotaCase(
  support: SupportClient,
  item: {
    accountId: string;
    region: string;
    serviceCode: string;
    serviceName: string;
    quotaCode: string;
    quotaName: string;
    fromValue: number | null;
    desiredValue: number;
    reason: string;
  },
): Promise<string> {
  const { caseId } = await support.send(
    new CreateCaseCommand({
      subject: `Quota increase: ${item.serviceCode} ${item.quotaName} (${item.quotaCode}) in ${item.region} to ${item.desiredValue}`,
      serviceCode: 'service-limit-increase',
      categoryCode: item.serviceCode,
      severityCode: 'normal',
      issueType: 'customer-service',
      language: 'en',
      communicationBody: [
        `Please raise a service quota that cannot be raised through Service Quotas.`,
        ``,
        `Account: ${item.accountId}`,
        `Region: ${item.region}`,
        `Service: ${item.serviceName} (${item.serviceCode})`,
        `Quota: ${item.quotaName} (${item.quotaCode})`,
        `Current value: ${item.fromValue ?? 'unknown'}`,
        `Requested value: ${item.desiredValue}`,
        `Reason: ${item.reason}`,
        ``,
        `Filed by headroom.`,
      ].join('\n'),
    }),
  );
  if (!caseId) throw new Error('CreateCase answered without a case id');
  return caseId;
}

/** Which of these Support cases AWS Support has resolved. */
export async function resolvedCases(
  support: SupportClient,
  caseIds: readonly string[],
): Promise<Set<string>> {
  const resolved = new Set<string>();
  for (let i = 0; i < caseIds.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const page = await support.send(
        new DescribeCasesCommand({
          caseIdList: caseIds.slice(i, i + 100),
          includeResolvedCases: true,
          includeCommunications: false,
          nextToken,
        }),
      );
      for (const c of page.cases ?? []) if (c.status === 'resolved' && c.caseId) resolved.add(c.caseId);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return resolved;
}
