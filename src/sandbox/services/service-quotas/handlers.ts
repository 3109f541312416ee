/**
 * Service Quotas operations: listing and reading quotas, increase requests, Support cases for
 * them, the organisation's quota request template, the utilization report, automatic management
 * and tags. The state they read and change is in state.ts.
 */
import { identifier, unit } from '../../core/random.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, RequestContext } from '../../core/service.js';
import type { Input } from '../../core/shapes.js';
import type { CatalogQuota, CatalogService } from '../../world/catalog.js';
import { REGION_NAME } from '../../options.js';
import { recentPeak } from '../../world/usage.js';
import {
  accessDenied,
  illegalArgument,
  invalidPaginationToken,
  invalidResourceState,
  noSuchResource,
  quotaExceeded,
  resourceAlreadyExists,
  templateNotInUse,
  templatesNotAvailableInRegion,
  tooManyTags,
  unknownQuota,
  unknownService,
} from './errors.js';
import {
  ERROR_REASON_MESSAGES,
  type IncreaseRequest,
  type UtilizationReport,
  type RequestStatus,
  appliedQuotaArn,
  defaultQuotaArn,
} from './state.js';

const DEFAULT_PAGE = 100;
const MAX_TEMPLATE_ENTRIES = 10;
const MAX_TAGS = 50;
const REPORT_PENDING_MS = 1_000;
const REPORT_READY_MS = 3_000;
const REPORT_RETENTION_MS = 15 * 60_000;

function text(input: Input, key: string): string {
  const value = input[key];
  return typeof value === 'string' ? value : '';
}

function optionalText(input: Input, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

function optionalNumber(input: Input, key: string): number | undefined {
  const value = input[key];
  return typeof value === 'number' ? value : undefined;
}

function findService(ctx: RequestContext, serviceCode: string): CatalogService {
  const service = ctx.world.catalog.service(serviceCode);
  if (!service) throw unknownService(serviceCode);
  return service;
}

function findQuota(ctx: RequestContext, serviceCode: string, quotaCode: string): CatalogQuota {
  findService(ctx, serviceCode);
  const quota = ctx.world.catalog.quota(serviceCode, quotaCode);
  if (!quota) throw unknownQuota(serviceCode, quotaCode);
  return quota;
}

function page<T>(
  ctx: RequestContext,
  items: readonly T[],
  input: Input,
  scope: string,
  defaultSize = DEFAULT_PAGE,
) {
  return paginate(items, {
    tokens: ctx.pageTokens,
    scope: `${ctx.operation}|${ctx.account.id}|${ctx.region}|${scope}`,
    nextToken: optionalText(input, 'NextToken'),
    maxResults: optionalNumber(input, 'MaxResults'),
    defaultSize,
    cap: ctx.pageSize,
    invalidToken: invalidPaginationToken,
  });
}

/** A ServiceQuota as AWS writes it; `value` undefined leaves Value out (quotas with an ErrorReason). */
function serviceQuota(
  quota: CatalogQuota,
  value: number | undefined,
  arn: string,
  errorReason?: keyof typeof ERROR_REASON_MESSAGES,
): Record<string, unknown> {
  return {
    ServiceCode: quota.serviceCode,
    ServiceName: quota.serviceName,
    QuotaArn: arn,
    QuotaCode: quota.quotaCode,
    QuotaName: quota.quotaName,
    Value: value,
    Unit: quota.unit,
    Adjustable: quota.adjustable,
    GlobalQuota: quota.global,
    UsageMetric: quota.usageMetric,
    Period: quota.period,
    ErrorReason:
      errorReason === undefined
        ? undefined
        : { ErrorCode: errorReason, ErrorMessage: ERROR_REASON_MESSAGES[errorReason] },
    QuotaAppliedAtLevel: 'ACCOUNT',
  };
}

/** The quota as the account has it, or undefined where AWS has no applied value to show. */
function appliedServiceQuota(ctx: RequestContext, quota: CatalogQuota): Record<string, unknown> | undefined {
  const listed = ctx.world.quotas.listed(ctx.account, ctx.region, quota);
  if (!listed) return undefined;
  const arn = appliedQuotaArn(ctx.region, ctx.account.id, quota);
  return serviceQuota(quota, listed.value, arn, listed.errorReason);
}

function defaultServiceQuota(ctx: RequestContext, quota: CatalogQuota): Record<string, unknown> {
  return serviceQuota(
    quota,
    ctx.world.catalog.defaultIn(quota, ctx.region),
    defaultQuotaArn(ctx.region, quota),
  );
}

function requestedQuota(request: IncreaseRequest): Record<string, unknown> {
  return {
    Id: request.id,
    CaseId: request.caseId,
    ServiceCode: request.quota.serviceCode,
    ServiceName: request.quota.serviceName,
    QuotaCode: request.quota.quotaCode,
    QuotaName: request.quota.quotaName,
    DesiredValue: request.desiredValue,
    Status: request.status,
    Created: new Date(request.created),
    LastUpdated: new Date(request.lastUpdated),
    Requester: request.requester,
    QuotaArn: request.quotaArn,
    GlobalQuota: request.quota.global,
    Unit: request.quota.unit,
    QuotaRequestedAtLevel: 'ACCOUNT',
  };
}

function visibleHere(ctx: RequestContext, request: IncreaseRequest): boolean {
  return request.account.id === ctx.account.id && (request.region === ctx.region || request.quota.global);
}

function findRequest(ctx: RequestContext, requestId: string): IncreaseRequest {
  const request = ctx.world.quotas.requests.get(requestId);
  if (!request || !visibleHere(ctx, request)) {
    throw noSuchResource(`The request failed because the specified request ${requestId} does not exist.`);
  }
  return request;
}

const listServices: Handler = (ctx, input) => {
  const services = ctx.world.catalog.services;
  const result = page(ctx, services, input, '');
  return {
    Services: result.items.map((s) => ({ ServiceCode: s.serviceCode, ServiceName: s.serviceName })),
    NextToken: result.nextToken,
  };
};

const listServiceQuotas: Handler = (ctx, input) => {
  const serviceCode = text(input, 'ServiceCode');
  const service = findService(ctx, serviceCode);
  const quotaCode = optionalText(input, 'QuotaCode');
  if (quotaCode !== undefined && !ctx.world.catalog.quota(serviceCode, quotaCode))
    throw unknownQuota(serviceCode, quotaCode);
  const level = optionalText(input, 'QuotaAppliedAtLevel') ?? 'ACCOUNT';
  // The sandbox seeds account-level quotas only: asking for resource-level ones finds none.
  const quotas =
    level === 'RESOURCE'
      ? []
      : service.quotas
          .filter((q) => quotaCode === undefined || q.quotaCode === quotaCode)
          .map((q) => appliedServiceQuota(ctx, q))
          .filter((q): q is Record<string, unknown> => q !== undefined);
  const result = page(ctx, quotas, input, `${serviceCode}|${quotaCode ?? ''}|${level}`);
  return { Quotas: result.items, NextToken: result.nextToken };
};

const listDefaultServiceQuotas: Handler = (ctx, input) => {
  const serviceCode = text(input, 'ServiceCode');
  const service = findService(ctx, serviceCode);
  const result = page(ctx, service.quotas, input, serviceCode);
  return { Quotas: result.items.map((q) => defaultServiceQuota(ctx, q)), NextToken: result.nextToken };
};

const getServiceQuota: Handler = (ctx, input) => {
  const quota = findQuota(ctx, text(input, 'ServiceCode'), text(input, 'QuotaCode'));
  const contextId = optionalText(input, 'ContextId');
  if (contextId !== undefined && contextId !== '*') {
    throw noSuchResource(
      'The request failed because applied value for the specified context Id do not exist.',
    );
  }
  const found = appliedServiceQuota(ctx, quota);
  if (!found) {
    throw noSuchResource(
      `The request failed because the applied value of quota ${quota.quotaCode} for service ${quota.serviceCode} is not available.`,
    );
  }
  return { Quota: found };
};

const getDefaultServiceQuota: Handler = (ctx, input) => {
  const quota = findQuota(ctx, text(input, 'ServiceCode'), text(input, 'QuotaCode'));
  return { Quota: defaultServiceQuota(ctx, quota) };
};

const requestServiceQuotaIncrease: Handler = (ctx, input) => {
  const { quotas, options } = ctx.world;
  const quota = findQuota(ctx, text(input, 'ServiceCode'), text(input, 'QuotaCode'));
  const desired = optionalNumber(input, 'DesiredValue') ?? 0;
  if (optionalText(input, 'ContextId') !== undefined) {
    throw illegalArgument(
      'The request failed because the specified quota does not support a resource-level context.',
    );
  }
  if (!quota.adjustable)
    throw illegalArgument('The request failed because the specified quota is not adjustable.');
  const applied = quotas.applied(ctx.account, ctx.region, quota);
  const current = quotas.currentValue(ctx.account, ctx.region, quota);
  if (desired <= current) {
    throw illegalArgument(
      applied === undefined
        ? `You must provide a quota value greater than the default quota value of ${current.toFixed(1)}`
        : 'You must provide a quota value greater than the current quota value',
    );
  }
  const open = quotas.openCounts(ctx.account, ctx.region, quota);
  if (open.quota >= options.requestCaps.perQuota) {
    throw resourceAlreadyExists('Only one open service quota increase request is allowed per quota.');
  }
  if (open.region >= options.requestCaps.perRegion) {
    throw quotaExceeded(
      `You have reached the maximum number of active service quota increase requests in this Region (${options.requestCaps.perRegion}).`,
    );
  }
  if (open.account >= options.requestCaps.perAccount) {
    throw quotaExceeded(
      `You have reached the maximum number of active service quota increase requests for this account (${options.requestCaps.perAccount}).`,
    );
  }
  const request = quotas.addRequest({
    account: ctx.account,
    region: ctx.region,
    quota,
    desiredValue: desired,
    requester: JSON.stringify({ accountId: ctx.account.id, callerArn: ctx.caller.arn }),
    supportCaseAllowed: input.SupportCaseAllowed !== false,
    now: ctx.now,
  });
  return { RequestedQuota: requestedQuota(request) };
};

const getRequestedServiceQuotaChange: Handler = (ctx, input) => ({
  RequestedQuota: requestedQuota(findRequest(ctx, text(input, 'RequestId'))),
});

function historyFilter(input: Input): (r: IncreaseRequest) => boolean {
  const status = optionalText(input, 'Status') as RequestStatus | undefined;
  const level = optionalText(input, 'QuotaRequestedAtLevel');
  return (r) =>
    (status === undefined || r.status === status) && (level === undefined || level !== 'RESOURCE');
}

const listRequestHistory: Handler = (ctx, input) => {
  const serviceCode = optionalText(input, 'ServiceCode');
  if (serviceCode !== undefined) findService(ctx, serviceCode);
  const matches = historyFilter(input);
  const requests = ctx.world.quotas
    .history(ctx.account, ctx.region)
    .filter((r) => (serviceCode === undefined || r.quota.serviceCode === serviceCode) && matches(r));
  const result = page(
    ctx,
    requests,
    input,
    `${serviceCode ?? ''}|${text(input, 'Status')}|${text(input, 'QuotaRequestedAtLevel')}`,
  );
  return { RequestedQuotas: result.items.map(requestedQuota), NextToken: result.nextToken };
};

const listRequestHistoryByQuota: Handler = (ctx, input) => {
  const quota = findQuota(ctx, text(input, 'ServiceCode'), text(input, 'QuotaCode'));
  const matches = historyFilter(input);
  const requests = ctx.world.quotas
    .history(ctx.account, ctx.region)
    .filter((r) => r.quota.index === quota.index && matches(r));
  const result = page(
    ctx,
    requests,
    input,
    `${quota.serviceCode}|${quota.quotaCode}|${text(input, 'Status')}|${text(input, 'QuotaRequestedAtLevel')}`,
  );
  return { RequestedQuotas: result.items.map(requestedQuota), NextToken: result.nextToken };
};

const createSupportCase: Handler = (ctx, input) => {
  const request = findRequest(ctx, text(input, 'RequestId'));
  if (request.caseId !== undefined) {
    throw resourceAlreadyExists(
      `A Support case ${request.caseId} is already open for request ${request.id}.`,
    );
  }
  if (request.status !== 'PENDING') {
    throw invalidResourceState(
      `The request is in status ${request.status}; a Support case can be opened only for a PENDING request.`,
    );
  }
  ctx.world.quotas.openCase(request, ctx.now);
  return {};
};

// Quota request templates (AWS Organizations): the management account, from us-east-1.

function templateAccess(ctx: RequestContext): void {
  if (!ctx.account.management) {
    throw accessDenied(
      'You do not have sufficient permission to perform this action. Call it from the management account of your organization.',
    );
  }
  if (ctx.region !== 'us-east-1') {
    throw templatesNotAvailableInRegion(
      `The Service Quotas template is not available in this AWS Region (${ctx.region}); use us-east-1.`,
    );
  }
}

function templateEntry(
  ctx: RequestContext,
  entry: { quota: CatalogQuota; awsRegion: string; desiredValue: number },
) {
  return {
    ServiceCode: entry.quota.serviceCode,
    ServiceName: entry.quota.serviceName,
    QuotaCode: entry.quota.quotaCode,
    QuotaName: entry.quota.quotaName,
    DesiredValue: entry.desiredValue,
    AwsRegion: entry.awsRegion,
    Unit: entry.quota.unit,
    GlobalQuota: entry.quota.global,
  };
}

const associateTemplate: Handler = (ctx) => {
  templateAccess(ctx);
  ctx.world.quotas.templateAssociated = true;
  return {};
};

const disassociateTemplate: Handler = (ctx) => {
  templateAccess(ctx);
  if (!ctx.world.quotas.templateAssociated) {
    throw templateNotInUse('The quota request template is not associated with your organization.');
  }
  ctx.world.quotas.templateAssociated = false;
  return {};
};

const getTemplateAssociation: Handler = (ctx) => {
  templateAccess(ctx);
  return {
    ServiceQuotaTemplateAssociationStatus: ctx.world.quotas.templateAssociated
      ? 'ASSOCIATED'
      : 'DISASSOCIATED',
  };
};

const putTemplateEntry: Handler = (ctx, input) => {
  templateAccess(ctx);
  const quota = findQuota(ctx, text(input, 'ServiceCode'), text(input, 'QuotaCode'));
  const awsRegion = text(input, 'AwsRegion');
  if (!REGION_NAME.test(awsRegion)) throw illegalArgument(`The AWS Region ${awsRegion} is not valid.`);
  if (!quota.adjustable)
    throw illegalArgument('The request failed because the specified quota is not adjustable.');
  const desiredValue = optionalNumber(input, 'DesiredValue') ?? 0;
  const defaultValue = ctx.world.catalog.defaultIn(quota, awsRegion);
  if (desiredValue <= defaultValue) {
    throw illegalArgument(
      `You must provide a quota value greater than the default quota value of ${defaultValue.toFixed(1)}`,
    );
  }
  const key = `${quota.serviceCode}/${quota.quotaCode}/${awsRegion}`;
  const { templates } = ctx.world.quotas;
  if (!templates.has(key) && templates.size >= MAX_TEMPLATE_ENTRIES) {
    throw quotaExceeded(
      `The quota request template already holds the maximum of ${MAX_TEMPLATE_ENTRIES} quota increase requests.`,
    );
  }
  const entry = { quota, awsRegion, desiredValue };
  templates.set(key, entry);
  return { ServiceQuotaIncreaseRequestInTemplate: templateEntry(ctx, entry) };
};

function findTemplateEntry(ctx: RequestContext, input: Input) {
  templateAccess(ctx);
  const quota = findQuota(ctx, text(input, 'ServiceCode'), text(input, 'QuotaCode'));
  const key = `${quota.serviceCode}/${quota.quotaCode}/${text(input, 'AwsRegion')}`;
  const entry = ctx.world.quotas.templates.get(key);
  if (!entry) throw noSuchResource(`The quota request template holds no request for ${key}.`);
  return { key, entry };
}

const getTemplateEntry: Handler = (ctx, input) => ({
  ServiceQuotaIncreaseRequestInTemplate: templateEntry(ctx, findTemplateEntry(ctx, input).entry),
});

const deleteTemplateEntry: Handler = (ctx, input) => {
  const { key } = findTemplateEntry(ctx, input);
  ctx.world.quotas.templates.delete(key);
  return {};
};

const listTemplateEntries: Handler = (ctx, input) => {
  templateAccess(ctx);
  const serviceCode = optionalText(input, 'ServiceCode');
  const awsRegion = optionalText(input, 'AwsRegion');
  if (serviceCode !== undefined) findService(ctx, serviceCode);
  const entries = [...ctx.world.quotas.templates.values()].filter(
    (e) =>
      (serviceCode === undefined || e.quota.serviceCode === serviceCode) &&
      (awsRegion === undefined || e.awsRegion === awsRegion),
  );
  const result = page(ctx, entries, input, `${serviceCode ?? ''}|${awsRegion ?? ''}`);
  return {
    ServiceQuotaIncreaseRequestInTemplateList: result.items.map((e) => templateEntry(ctx, e)),
    NextToken: result.nextToken,
  };
};

// The quota utilization report: asynchronous, ready after a few seconds, kept 15 minutes.

/** Roughly two accounts in three offer the report; the management account always does. */
function reportSupported(ctx: RequestContext): boolean {
  return ctx.account.management || unit(ctx.world.options.seed, 'utilization-report', ctx.account.id) >= 0.34;
}

const startUtilizationReport: Handler = (ctx) => {
  if (!reportSupported(ctx)) {
    throw illegalArgument('The quota utilization report is not available for this account.');
  }
  const { reports } = ctx.world.quotas;
  const id = identifier(
    32,
    'hex',
    ctx.world.options.seed,
    'report',
    ctx.account.id,
    ctx.region,
    reports.size,
    ctx.now,
  );
  reports.set(id, {
    id,
    account: ctx.account,
    region: ctx.region,
    startedAt: ctx.now,
    readyAt: ctx.now + REPORT_READY_MS,
    rows: undefined,
  });
  return { ReportId: id, Status: 'PENDING', Message: 'The quota utilization report is being generated.' };
};

function utilizationRows(ctx: RequestContext, report: UtilizationReport): Record<string, unknown>[] {
  if (report.rows) return report.rows;
  const { quotas, catalog } = ctx.world;
  const rows: Record<string, unknown>[] = [];
  for (const quota of catalog.quotas) {
    const profile = quotas.profile(report.account, report.region, quota);
    if (!profile) continue;
    const applied = quotas.appliedAt(report.account, report.region, quota, report.readyAt);
    if (applied === undefined || applied <= 0) continue;
    const usage = recentPeak(profile, report.readyAt);
    rows.push({
      QuotaCode: quota.quotaCode,
      ServiceCode: quota.serviceCode,
      QuotaName: quota.quotaName,
      Namespace: quota.usageMetric?.MetricNamespace,
      Utilization: Math.round((usage / applied) * 10_000) / 100,
      DefaultValue: catalog.defaultIn(quota, report.region),
      AppliedValue: applied,
      ServiceName: quota.serviceName,
      Adjustable: quota.adjustable,
    });
  }
  rows.sort(
    (a, b) =>
      (b.Utilization as number) - (a.Utilization as number) ||
      String(a.QuotaCode).localeCompare(String(b.QuotaCode)),
  );
  report.rows = rows;
  return rows;
}

const getUtilizationReport: Handler = (ctx, input) => {
  const reportId = text(input, 'ReportId');
  const report = ctx.world.quotas.reports.get(reportId);
  if (report?.account.id !== ctx.account.id || report.region !== ctx.region) {
    throw noSuchResource(`The report ${reportId} does not exist.`);
  }
  if (ctx.now > report.readyAt + REPORT_RETENTION_MS) {
    ctx.world.quotas.reports.delete(reportId);
    throw noSuchResource(`The report ${reportId} has expired: reports are kept for 15 minutes.`);
  }
  if (ctx.now < report.readyAt) {
    return {
      ReportId: reportId,
      Status: ctx.now < report.startedAt + REPORT_PENDING_MS ? 'PENDING' : 'IN_PROGRESS',
    };
  }
  const rows = utilizationRows(ctx, report);
  const result = paginate(rows, {
    tokens: ctx.pageTokens,
    scope: `report|${reportId}`,
    nextToken: optionalText(input, 'NextToken'),
    maxResults: optionalNumber(input, 'MaxResults'),
    defaultSize: 1000,
    cap: ctx.pageSize,
    invalidToken: invalidPaginationToken,
  });
  return {
    ReportId: reportId,
    Status: 'COMPLETED',
    GeneratedAt: new Date(report.readyAt),
    TotalCount: rows.length,
    Quotas: result.items,
    NextToken: result.nextToken,
  };
};

// Automatic management (2025): opt-in per account, with an exclusion list.

function exclusions(ctx: RequestContext, input: Input): Record<string, string[]> {
  const list = (input.ExclusionList ?? {}) as Record<string, string[]>;
  for (const [serviceCode, quotaCodes] of Object.entries(list)) {
    for (const quotaCode of quotaCodes) findQuota(ctx, serviceCode, quotaCode);
    if (quotaCodes.length === 0) findService(ctx, serviceCode);
  }
  return list;
}

const automationKey = (ctx: RequestContext): string => `${ctx.account.id}|${ctx.region}`;

const startAutoManagement: Handler = (ctx, input) => {
  const key = automationKey(ctx);
  if (ctx.world.quotas.autoManagement.has(key)) {
    throw illegalArgument(
      'Automatic management is already enabled for this account; use UpdateAutoManagement.',
    );
  }
  ctx.world.quotas.autoManagement.set(key, {
    optInType: text(input, 'OptInType') as 'NotifyOnly' | 'NotifyAndAdjust',
    notificationArn: optionalText(input, 'NotificationArn'),
    exclusionList: exclusions(ctx, input),
  });
  return {};
};

const updateAutoManagement: Handler = (ctx, input) => {
  const config = ctx.world.quotas.autoManagement.get(automationKey(ctx));
  if (!config)
    throw illegalArgument('Automatic management is not enabled for this account; use StartAutoManagement.');
  const optInType = optionalText(input, 'OptInType');
  if (optInType !== undefined) config.optInType = optInType as 'NotifyOnly' | 'NotifyAndAdjust';
  const notificationArn = optionalText(input, 'NotificationArn');
  if (notificationArn !== undefined) config.notificationArn = notificationArn;
  if (input.ExclusionList !== undefined) config.exclusionList = exclusions(ctx, input);
  return {};
};

const stopAutoManagement: Handler = (ctx) => {
  if (!ctx.world.quotas.autoManagement.delete(automationKey(ctx))) {
    throw illegalArgument('Automatic management is not enabled for this account.');
  }
  return {};
};

const getAutoManagement: Handler = (ctx) => {
  const config = ctx.world.quotas.autoManagement.get(automationKey(ctx));
  if (!config) return { OptInLevel: 'ACCOUNT', OptInStatus: 'DISABLED' };
  const exclusionList: Record<string, { QuotaCode: string; QuotaName: string }[]> = {};
  for (const [serviceCode, quotaCodes] of Object.entries(config.exclusionList)) {
    exclusionList[serviceCode] = quotaCodes.map((quotaCode) => ({
      QuotaCode: quotaCode,
      QuotaName: ctx.world.catalog.quota(serviceCode, quotaCode)?.quotaName ?? quotaCode,
    }));
  }
  return {
    OptInLevel: 'ACCOUNT',
    OptInType: config.optInType,
    NotificationArn: config.notificationArn,
    OptInStatus: 'ENABLED',
    ExclusionList: exclusionList,
  };
};

// Tags on applied quotas: arn:aws:servicequotas:<region>:<account>:<service>/<quota>.

function taggedQuota(ctx: RequestContext, arn: string): string {
  const match = /^arn:aws:servicequotas:([a-z0-9-]+):(\d{12}):([A-Za-z0-9-]+)\/([A-Za-z0-9-]+)$/.exec(arn);
  const [, region, accountId, serviceCode, quotaCode] = match ?? [];
  const quota =
    serviceCode !== undefined && quotaCode !== undefined
      ? ctx.world.catalog.quota(serviceCode, quotaCode)
      : undefined;
  if (!quota || accountId !== ctx.account.id || region !== ctx.region) {
    throw noSuchResource(`The request failed because the specified resource ${arn} does not exist.`);
  }
  return arn;
}

const tagResource: Handler = (ctx, input) => {
  const arn = taggedQuota(ctx, text(input, 'ResourceARN'));
  const tags = ctx.world.quotas.tags.get(arn) ?? new Map<string, string>();
  const next = new Map(tags);
  for (const tag of (input.Tags ?? []) as { Key: string; Value: string }[]) {
    if (tag.Key.startsWith('aws:'))
      throw illegalArgument(`Tag keys beginning with 'aws:' are reserved: ${tag.Key}`);
    next.set(tag.Key, tag.Value);
  }
  if (next.size > MAX_TAGS) throw tooManyTags(`A quota can have at most ${MAX_TAGS} tags.`);
  ctx.world.quotas.tags.set(arn, next);
  return {};
};

const untagResource: Handler = (ctx, input) => {
  const arn = taggedQuota(ctx, text(input, 'ResourceARN'));
  const tags = ctx.world.quotas.tags.get(arn);
  for (const key of (input.TagKeys ?? []) as string[]) tags?.delete(key);
  return {};
};

const listTags: Handler = (ctx, input) => {
  const arn = taggedQuota(ctx, text(input, 'ResourceARN'));
  const tags = ctx.world.quotas.tags.get(arn) ?? new Map<string, string>();
  return { Tags: [...tags.entries()].map(([Key, Value]) => ({ Key, Value })) };
};

export const handlers = {
  AssociateServiceQuotaTemplate: associateTemplate,
  CreateSupportCase: createSupportCase,
  DeleteServiceQuotaIncreaseRequestFromTemplate: deleteTemplateEntry,
  DisassociateServiceQuotaTemplate: disassociateTemplate,
  GetAWSDefaultServiceQuota: getDefaultServiceQuota,
  GetAssociationForServiceQuotaTemplate: getTemplateAssociation,
  GetAutoManagementConfiguration: getAutoManagement,
  GetQuotaUtilizationReport: getUtilizationReport,
  GetRequestedServiceQuotaChange: getRequestedServiceQuotaChange,
  GetServiceQuota: getServiceQuota,
  GetServiceQuotaIncreaseRequestFromTemplate: getTemplateEntry,
  ListAWSDefaultServiceQuotas: listDefaultServiceQuotas,
  ListRequestedServiceQuotaChangeHistory: listRequestHistory,
  ListRequestedServiceQuotaChangeHistoryByQuota: listRequestHistoryByQuota,
  ListServiceQuotaIncreaseRequestsInTemplate: listTemplateEntries,
  ListServiceQuotas: listServiceQuotas,
  ListServices: listServices,
  ListTagsForResource: listTags,
  PutServiceQuotaIncreaseRequestIntoTemplate: putTemplateEntry,
  RequestServiceQuotaIncrease: requestServiceQuotaIncrease,
  StartAutoManagement: startAutoManagement,
  StartQuotaUtilizationReport: startUtilizationReport,
  StopAutoManagement: stopAutoManagement,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAutoManagement: updateAutoManagement,
} satisfies Record<string, Handler>;
