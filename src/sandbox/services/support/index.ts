/**
 * AWS Support (`support`, awsJson1_1): CreateCase and DescribeCases. Cases opened by Service
 * Quotas for increase requests show here too. CreateCase is capped at 10 cases per account per
 * hour (CaseCreationLimitExceeded, as Cloud Custodian's users met it). Support publishes no API
 * rate; 5 per second with a burst of 5 is assumed.
 */
import { AwsError, jsonDialect } from '../../core/errors.js';
import { paginate } from '../../core/pagination.js';
import type { Handler, ServiceDefinition } from '../../core/service.js';
import { boolean, integer, list, string, structure } from '../../core/shapes.js';
import type { SupportCase } from './state.js';

const CASES_PER_HOUR = 10;
const HOUR = 3_600_000;

const supportError = (code: string, message: string, status = 400): AwsError =>
  new AwsError(code, message, status, { messageKey: 'message' });

const createCase: Handler = (ctx, input) => {
  const attachmentSetId = input.attachmentSetId as string | undefined;
  if (attachmentSetId !== undefined) {
    throw supportError(
      'AttachmentSetIdNotFound',
      `An attachment set with the specified ID could not be found: ${attachmentSetId}`,
    );
  }
  if (ctx.world.support.openedWithin(ctx.account, ctx.now - HOUR) >= CASES_PER_HOUR) {
    throw supportError(
      'CaseCreationLimitExceeded',
      'You have exceeded your case creation rate limit. Try again later.',
    );
  }
  const created = ctx.world.support.open({
    account: ctx.account,
    subject: input.subject as string,
    serviceCode: (input.serviceCode as string | undefined) ?? 'general-info',
    categoryCode: (input.categoryCode as string | undefined) ?? 'other',
    severityCode: (input.severityCode as string | undefined) ?? 'low',
    body: input.communicationBody as string,
    submittedBy: ctx.account.email,
    ccEmailAddresses: (input.ccEmailAddresses as string[] | undefined) ?? [],
    language: (input.language as string | undefined) ?? 'en',
    at: ctx.now,
    fromServiceQuotas: false,
  });
  return { caseId: created.caseId };
};

function caseDetails(c: SupportCase, withCommunications: boolean): Record<string, unknown> {
  return {
    caseId: c.caseId,
    displayId: c.displayId,
    subject: c.subject,
    status: c.status,
    serviceCode: c.serviceCode,
    categoryCode: c.categoryCode,
    severityCode: c.severityCode,
    submittedBy: c.submittedBy,
    timeCreated: new Date(c.created).toISOString(),
    recentCommunications: withCommunications
      ? {
          communications: [...c.communications].reverse().map((m) => ({
            caseId: c.caseId,
            body: m.body,
            submittedBy: m.submittedBy,
            timeCreated: new Date(m.time).toISOString(),
            attachmentSet: [],
          })),
        }
      : undefined,
    ccEmailAddresses: c.ccEmailAddresses,
    language: c.language,
  };
}

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const millis = Date.parse(value);
  if (!Number.isFinite(millis))
    throw supportError('ValidationException', `The ${name} value ${value} is not an ISO 8601 time.`);
  return millis;
}

const describeCases: Handler = (ctx, input) => {
  const ids = input.caseIdList as string[] | undefined;
  const after = parseTime(input.afterTime as string | undefined, 'afterTime');
  const before = parseTime(input.beforeTime as string | undefined, 'beforeTime');
  const includeResolved = input.includeResolvedCases === true;
  const own = [...ctx.world.support.cases.values()].filter((c) => c.account.id === ctx.account.id);
  for (const id of ids ?? []) {
    if (!own.some((c) => c.caseId === id)) throw supportError('CaseIdNotFound', `Invalid case ID: ${id}`);
  }
  const cases = own
    .filter(
      (c) =>
        (ids === undefined || ids.length === 0 || ids.includes(c.caseId)) &&
        (input.displayId === undefined || c.displayId === input.displayId) &&
        (after === undefined || c.created >= after) &&
        (before === undefined || c.created <= before) &&
        (includeResolved || c.status !== 'resolved' || (ids !== undefined && ids.length > 0)),
    )
    .sort((a, b) => b.created - a.created);
  const result = paginate(cases, {
    tokens: ctx.pageTokens,
    scope: `DescribeCases|${ctx.account.id}|${JSON.stringify({ ...input, nextToken: undefined })}`,
    nextToken: input.nextToken as string | undefined,
    maxResults: input.maxResults as number | undefined,
    defaultSize: 100,
    cap: ctx.pageSize,
    invalidToken: () => supportError('ValidationException', 'The nextToken is not valid for this request.'),
  });
  return {
    cases: result.items.map((c) => caseDetails(c, input.includeCommunications !== false)),
    nextToken: result.nextToken,
  };
};

export const support: ServiceDefinition = {
  signingName: 'support',
  json: { version: '1.1', targetPrefix: 'AWSSupport_20130415', queryCompatible: false },
  dialect: jsonDialect({
    throttling: () => supportError('ThrottlingException', 'Rate exceeded'),
    internalFailure: () => supportError('InternalServerError', 'An internal error occurred.', 500),
  }),
  operations: {
    CreateCase: {
      input: structure(
        {
          subject: string(),
          serviceCode: string(),
          severityCode: string(),
          categoryCode: string(),
          communicationBody: string({ min: 1, max: 8000 }),
          ccEmailAddresses: list(string(), { min: 0, max: 10 }),
          language: string(),
          issueType: string(),
          attachmentSetId: string(),
        },
        ['subject', 'communicationBody'],
      ),
      handler: createCase,
      rate: { perSecond: 5, burst: 5 },
    },
    DescribeCases: {
      input: structure({
        caseIdList: list(string(), { min: 0, max: 100 }),
        displayId: string(),
        afterTime: string(),
        beforeTime: string(),
        includeResolvedCases: boolean(),
        nextToken: string(),
        maxResults: integer({ min: 10, max: 100 }),
        language: string(),
        includeCommunications: boolean(),
      }),
      handler: describeCases,
      rate: { perSecond: 5, burst: 5 },
    },
  },
};
