/**
 * The JSON API's shapes, one zod schema each: the routes validate their input with them, the
 * OpenAPI document (`GET /api/v1/openapi.json`) is generated from them, and the dashboard imports
 * the inferred types (types only), so the three cannot drift apart. Times are ISO 8601 strings.
 */
import { type createRoute, z } from '@hono/zod-openapi';
import { APPROVAL_STATUSES } from '../../domain/approval.js';
import { AUDIT_KINDS } from '../../domain/audit.js';
import { EVENT_TYPES, eventSchema } from '../../domain/event.js';
import { QUOTA_CODE_PATTERN, SERVICE_CODE_PATTERN } from '../../domain/quota.js';
import { REQUEST_STATUSES } from '../../domain/request.js';

// ---- shared -------------------------------------------------------------------------------

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'HR_API_INVALID' }),
      message: z.string().openapi({ example: "threshold must be a number from 0 to 1000 (got 'abc')" }),
      hint: z.string().optional(),
      /** The input field at fault: a query parameter, a body field (dotted), a header. */
      field: z.string().optional().openapi({ example: 'threshold' }),
    }),
  })
  .openapi('ApiError');

/** ACCOUNT:REGION (an account id or name) or an alias from the config. */
const TARGET_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(?::[a-z]{2}(?:-[a-z]+)+-\d+)?$/;

export const targetRef = (field: string) =>
  z
    .string()
    .regex(TARGET_REF, {
      error: 'must be ACCOUNT:REGION (an account id or name) or an alias, e.g. production:us-east-1',
    })
    .openapi({ param: { name: field }, example: '528333015093:us-east-1' });

const quotaRef = z
  .string()
  .refine(
    (text) => {
      const [service = '', code = '', ...rest] = text.split('/');
      return rest.length === 0 && SERVICE_CODE_PATTERN.test(service) && QUOTA_CODE_PATTERN.test(code);
    },
    { error: 'must be SERVICE/CODE, e.g. ec2/L-1216C47A' },
  )
  .openapi({ example: 'ec2/L-1216C47A' });

/** A comma-separated list of service codes in a query parameter. */
const serviceListParam = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9-]{1,63}(?:,[a-zA-Z][a-zA-Z0-9-]{1,63})*$/, {
    error: 'must be service codes separated by commas, e.g. ec2,iam',
  })
  .transform((text) => text.split(','))
  .optional()
  .openapi({ example: 'ec2,iam' });

const booleanParam = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((text) => text === 'true')
  .optional();

const percentParam = z
  .string()
  .regex(/^\d+(?:\.\d+)?$/, { error: 'must be a number from 0 to 1000' })
  .transform(Number)
  .refine((n) => n <= 1000, { error: 'must be a number from 0 to 1000' })
  .optional()
  .openapi({ example: '80' });

const iso = z.string().openapi({ example: '2026-12-03T08:00:00.000Z' });

export const TargetInfoSchema = z
  .object({
    /** ACCOUNT_ID:REGION */
    key: z.string().openapi({ example: '528333015093:us-east-1' }),
    accountId: z.string(),
    accountName: z.string().nullable(),
    region: z.string(),
    /** Quotas in the newest limit snapshot. */
    quotas: z.int(),
    limitsAt: iso.nullable(),
    limitsComplete: z.boolean().nullable(),
    /** Usage values in the newest usage snapshot. */
    usageValues: z.int(),
    usageAt: iso.nullable(),
    usageSource: z.string().nullable(),
  })
  .openapi('TargetInfo');

export const QuotaRowSchema = z
  .object({
    target: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    region: z.string(),
    serviceCode: z.string(),
    serviceName: z.string(),
    quotaCode: z.string(),
    quotaName: z.string(),
    limit: z.number().nullable(),
    limitSource: z.enum(['applied', 'default']),
    defaultValue: z.number().nullable(),
    unit: z.string(),
    adjustable: z.boolean(),
    global: z.boolean(),
    usage: z.number().nullable(),
    usageSource: z.string().nullable(),
    usageResource: z.string().nullable(),
    /** Usage over limit, 0–1 (above 1 when over). */
    utilization: z.number().nullable(),
    limitsAt: iso,
    usageAt: iso.nullable(),
  })
  .openapi('QuotaRow');

// ---- session ------------------------------------------------------------------------------

export const SessionSchema = z
  .object({
    /** `sandbox`: the built-in sandbox AWS; `aws`: real AWS. */
    mode: z.enum(['aws', 'sandbox']),
    auth: z.enum(['none', 'token', 'basic']),
    /** Who the server records as asking (basic auth's user, `token`, or the server's operator). */
    user: z.string(),
    /** Send it as `X-CSRF-Token` on every POST. */
    csrfToken: z.string(),
    version: z.string(),
  })
  .openapi('Session');

// ---- targets and fleet --------------------------------------------------------------------

export const TargetsResponseSchema = z
  .object({ targets: z.array(TargetInfoSchema) })
  .openapi('TargetsResponse');

export const FleetQuerySchema = z.object({
  /** Percent of the limit a quota must reach to count as above (default 80). */
  threshold: percentParam,
  account: z.string().max(64).optional().openapi({ description: 'an account id or name' }),
  region: z.string().max(32).optional(),
  service: z.string().max(64).optional(),
  /** Part of a quota's name or code, case-insensitive. */
  q: z.string().max(200).optional(),
});

export const FleetTargetSchema = z
  .object({
    key: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    region: z.string(),
    /** Quotas matching the filters. */
    quotas: z.int(),
    /** Of those, quotas with a usage value. */
    withUsage: z.int(),
    /** Of those, quotas at or above the threshold. */
    above: z.int(),
    /** The quota with the highest utilization (the least headroom); null without usage. */
    worst: z
      .object({
        serviceCode: z.string(),
        quotaCode: z.string(),
        quotaName: z.string(),
        usage: z.number(),
        limit: z.number(),
        utilization: z.number(),
      })
      .nullable(),
    limitsAt: iso.nullable(),
    usageAt: iso.nullable(),
  })
  .openapi('FleetTarget');

export const FleetResponseSchema = z
  .object({
    threshold: z.number(),
    /** Worst headroom first; targets with nothing stored last. */
    targets: z.array(FleetTargetSchema),
    /** Quotas at or above the threshold across the filtered fleet, highest utilization first. */
    quotas: z.array(QuotaRowSchema),
    /** How many quotas are at or above the threshold in all (`quotas` lists at most 500). */
    quotasTotal: z.int(),
    /** What the filters can choose from. */
    choices: z.object({
      accounts: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
      regions: z.array(z.string()),
      services: z.array(z.string()),
    }),
  })
  .openapi('FleetResponse');

export const TargetParamSchema = z.object({ target: targetRef('target') });

export const TargetQuotasQuerySchema = z.object({
  service: serviceListParam,
  q: z.string().max(200).optional(),
  /** Only quotas at or above this utilization, in percent. */
  above: percentParam,
  adjustable: booleanParam,
  /** Only quotas whose limit differs from AWS's default. */
  changed: booleanParam,
});

export const TargetQuotasResponseSchema = z
  .object({ target: TargetInfoSchema, quotas: z.array(QuotaRowSchema) })
  .openapi('TargetQuotasResponse');

export const HistoryParamSchema = z.object({
  target: targetRef('target'),
  service: z
    .string()
    .regex(SERVICE_CODE_PATTERN, { error: 'must be a service code such as ec2' })
    .openapi({ param: { name: 'service' }, example: 'ec2' }),
  code: z
    .string()
    .regex(QUOTA_CODE_PATTERN, { error: 'must be a quota code such as L-1216C47A' })
    .openapi({ param: { name: 'code' }, example: 'L-1216C47A' }),
});

export const HistoryQuerySchema = z.object({
  /** How far back: a duration such as 24h or 7d (default 7d, at most 400d). */
  since: z
    .string()
    .regex(/^\d+(?:m|h|d)$/, { error: 'must be a duration such as 24h or 7d' })
    .optional()
    .openapi({ example: '7d' }),
  /** A resource of a per-resource quota; without it, the quota as a whole. */
  resource: z.string().max(512).optional(),
  /** Also forecast this far ahead (1h to 90d), fitted on the last 28 days whatever `since` is. */
  forecast: z
    .string()
    .regex(/^\d+(?:h|d)$/, { error: 'must be a duration such as 7d or 14d' })
    .optional()
    .openapi({ example: '7d' }),
});

const ForecastPointSchema = z.object({ at: iso, mean: z.number(), lower: z.number(), upper: z.number() });

export const ForecastSchema = z
  .discriminatedUnion('status', [
    z.object({
      status: z.literal('insufficient'),
      /** Why there is no forecast. */
      reason: z.string(),
      points: z.number().int(),
      current: z.number().nullable(),
    }),
    z.object({
      status: z.literal('ok'),
      method: z.enum(['trend', 'trend+daily', 'trend+weekly']),
      points: z.number().int(),
      current: z.number(),
      trendPerDay: z.number(),
      horizon: iso,
      atHorizon: ForecastPointSchema,
      /** Percent of the limit, of the mean and of the upper bound at the horizon. */
      utilization: z.object({ mean: z.number(), upper: z.number() }).nullable(),
      /** When the upper bound first reaches the limit within the horizon; null when it does not. */
      exhaustion: iso.nullable(),
      /** Hourly points from now to the horizon: the mean and the 90% interval. */
      path: z.array(ForecastPointSchema),
      explanation: z.string(),
    }),
  ])
  .openapi('Forecast');

export const HistoryResponseSchema = z
  .object({
    target: z.string(),
    serviceCode: z.string(),
    quotaCode: z.string(),
    quotaName: z.string(),
    unit: z.string(),
    /** The limit in force now; null when unknown. */
    limit: z.number().nullable(),
    resource: z.string().nullable(),
    /** Stored usage samples, oldest first. */
    points: z.array(z.object({ at: iso, value: z.number() })),
    /** With `forecast=`: the forecast, or why there is none; null otherwise. */
    forecast: ForecastSchema.nullable(),
  })
  .openapi('HistoryResponse');

// ---- compare and plans --------------------------------------------------------------------

export const CompareQuerySchema = z.object({
  source: targetRef('source'),
  destination: targetRef('destination'),
  service: serviceListParam,
  suppressDefaults: booleanParam,
  /** Read both sides from AWS again instead of through the cache. */
  refresh: booleanParam,
});

/** What names a quota wherever it is shown (the domain's QuotaIdentity). */
const quotaIdentity = {
  serviceCode: z.string(),
  serviceName: z.string(),
  quotaCode: z.string(),
  quotaName: z.string(),
  unit: z.string(),
  global: z.boolean(),
};

const targetSchema = z.object({ accountId: z.string(), region: z.string() });

const compareSideSchema = z.object({
  value: z.number().nullable(),
  defaultValue: z.number().nullable(),
  source: z.enum(['applied', 'default']),
  adjustable: z.boolean(),
});

export const CompareRowSchema = z
  .object({
    ...quotaIdentity,
    status: z.enum(['equal', 'different', 'only-source', 'only-destination']),
    source: compareSideSchema.nullable(),
    destination: compareSideSchema.nullable(),
    destinationLower: z.boolean(),
    adjustable: z.boolean(),
    atDefault: z.boolean(),
  })
  .openapi('CompareRow');

const compareTargetSchema = z.object({
  target: targetSchema,
  accountName: z.string().nullable(),
  limitsAt: iso,
  globalsFrom: targetSchema.nullable(),
});

/** What `headroom compare --format json` prints, field for field. */
export const CompareResponseSchema = z
  .object({
    source: compareTargetSchema,
    destination: compareTargetSchema,
    sameAccount: z.boolean(),
    summary: z.object({
      total: z.int(),
      equal: z.int(),
      different: z.int(),
      destinationLower: z.int(),
      destinationLowerAdjustable: z.int(),
      destinationHigher: z.int(),
      onlyInSource: z.int(),
      onlyInDestination: z.int(),
      servicesOnlyInSource: z.array(z.string()),
      servicesOnlyInDestination: z.array(z.string()),
      suppressedAtDefault: z.int(),
    }),
    rows: z.array(CompareRowSchema),
    warnings: z.array(z.string()),
  })
  .openapi('CompareResponse');

const planSideSchema = z.object({
  accountId: z.string(),
  accountName: z.string().nullable(),
  region: z.string(),
  limitsAt: z.string(),
});

export const PlanItemSchema = z
  .object({
    ...quotaIdentity,
    region: z.string(),
    action: z.enum(['request-increase', 'support-case']),
    sourceValue: z.number(),
    destinationValue: z.number(),
    desiredValue: z.number(),
  })
  .openapi('PlanItem');

/** A replicate plan, as `headroom replicate --out` writes it (checked whole by the server). */
export const PlanSchema = z
  .object({
    kind: z.literal('headroom/replicate-plan'),
    version: z.literal(1),
    id: z.string(),
    createdAt: z.string(),
    createdBy: z.string(),
    reason: z.string(),
    source: planSideSchema,
    destination: planSideSchema,
    services: z.array(z.string()),
    items: z.array(PlanItemSchema),
    skipped: z.array(
      z.object({ serviceCode: z.string(), quotaCode: z.string(), quotaName: z.string(), reason: z.string() }),
    ),
  })
  .openapi('Plan');

export const PlanRequestSchema = z
  .object({
    source: targetRef('source'),
    destination: targetRef('destination'),
    /** The quotas to raise in the destination to the source's values: SERVICE/CODE each. */
    quotas: z
      .array(quotaRef)
      .min(1, { error: 'must name at least one quota' })
      .max(500, { error: 'must name at most 500 quotas' }),
    /** Why; recorded on every request the plan files. */
    reason: z.string().trim().min(1).max(500).optional(),
    /** Open a Support case for the quotas the API cannot raise (in the preview and the apply). */
    supportCases: z.boolean().optional(),
  })
  .openapi('PlanRequest');

export const ItemResultSchema = z
  .object({
    item: PlanItemSchema,
    outcome: z.enum([
      'filed',
      'would-file',
      'case-opened',
      'would-open-case',
      'needs-case',
      'already-filed',
      'already-open',
      'satisfied',
      'queued',
      'would-queue',
      'stale',
      'denied',
      'refused',
      'failed',
    ]),
    message: z.string(),
    currentValue: z.number().nullable(),
    requestId: z.string().nullable(),
    awsRequestId: z.string().nullable(),
    caseId: z.string().nullable(),
    /** The outcome is a problem (stale, denied, refused, failed). */
    problem: z.boolean(),
  })
  .openapi('ItemResult');

export const ApplyResultSchema = z
  .object({
    planId: z.string(),
    destination: targetSchema,
    dryRun: z.boolean(),
    items: z.array(ItemResultSchema),
    callerArn: z.string().nullable(),
  })
  .openapi('ApplyResult');

export const PlanResponseSchema = z
  .object({
    /** The plan, trimmed to the chosen quotas: send it back to `/api/v1/plans/apply` to file it. */
    plan: PlanSchema,
    /** A dry run of the plan: what applying it would do now. */
    preview: ApplyResultSchema,
  })
  .openapi('PlanResponse');

export const ApplyRequestSchema = z
  .object({
    plan: PlanSchema,
    supportCases: z.boolean().optional(),
  })
  .openapi('ApplyRequest');

export const ApplyResponseSchema = z.object({ result: ApplyResultSchema }).openapi('ApplyResponse');

// ---- requests -----------------------------------------------------------------------------

const statusListParam = z
  .string()
  .refine((text) => text.split(',').every((s) => (REQUEST_STATUSES as readonly string[]).includes(s)), {
    error: `must be statuses separated by commas, of ${REQUEST_STATUSES.join(', ')}`,
  })
  .transform((text) => text.split(','))
  .optional()
  .openapi({ example: 'PENDING,CASE_OPENED' });

export const RequestsQuerySchema = z.object({
  status: statusListParam,
  target: targetRef('target').optional(),
  plan: z.string().max(64).optional(),
  /** Read open requests' statuses from AWS first (default true). */
  refresh: booleanParam,
});

export const RequestRecordSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['increase', 'support-case']),
    target: z.string(),
    accountId: z.string(),
    region: z.string(),
    serviceCode: z.string(),
    quotaCode: z.string(),
    quotaName: z.string(),
    unit: z.string(),
    global: z.boolean(),
    fromValue: z.number().nullable(),
    desiredValue: z.number(),
    status: z.enum(REQUEST_STATUSES),
    awsRequestId: z.string().nullable(),
    caseId: z.string().nullable(),
    requestedBy: z.string(),
    /** The AWS identity that filed it (an STS ARN), once filed. */
    callerArn: z.string().nullable(),
    planId: z.string().nullable(),
    reason: z.string(),
    message: z.string().nullable(),
    createdAt: iso,
    updatedAt: iso,
    checkedAt: iso.nullable(),
  })
  .openapi('RequestRecord');

export const RequestsResponseSchema = z
  .object({
    requests: z.array(RequestRecordSchema),
    /** Whether statuses were read from AWS first. */
    refreshed: z.boolean(),
    /** Status changes the refresh found. */
    changes: z.int(),
    /** What could not be read from AWS, one line each. */
    warnings: z.array(z.string()),
  })
  .openapi('RequestsResponse');

export const RequestParamSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,128}$/, { error: "must be a request id (headroom's hr-… or AWS's)" })
    .openapi({ param: { name: 'id' }, example: 'hr-92cc7ef63ad8' }),
});

export const RequestResponseSchema = z
  .object({
    request: RequestRecordSchema,
    events: z.array(z.object({ at: iso, status: z.enum(REQUEST_STATUSES), message: z.string().nullable() })),
  })
  .openapi('RequestResponse');

// ---- cache --------------------------------------------------------------------------------

export const RefreshRequestSchema = z.object({ target: targetRef('target') }).openapi('RefreshRequest');

export const RefreshResponseSchema = z
  .object({
    target: TargetInfoSchema,
    /** What could not be read, one line each; the rest was stored. */
    errors: z.array(z.string()),
  })
  .openapi('RefreshResponse');

export const ClearRequestSchema = z
  .object({
    /** One target; every target when left out. */
    target: targetRef('target').optional(),
    /** Forget the usage history too. */
    history: z.boolean().optional(),
  })
  .openapi('ClearRequest');

export const ClearResponseSchema = z.object({ removed: z.int() }).openapi('ClearResponse');

// ---- approvals and the audit trail --------------------------------------------------------

/** A comma-separated list of values from `allowed` in a query parameter. */
function listParam<T extends string>(allowed: readonly T[], what: string, example: string) {
  return z
    .string()
    .refine((text) => text.split(',').every((s) => (allowed as readonly string[]).includes(s)), {
      error: `must be ${what} separated by commas, of ${allowed.join(', ')}`,
    })
    .transform((text) => text.split(',') as T[])
    .optional()
    .openapi({ example });
}

export const ApprovalsQuerySchema = z.object({
  status: listParam(APPROVAL_STATUSES, 'statuses', 'PENDING,EXECUTED'),
  account: z.string().max(64).optional().openapi({ description: 'an account id or name' }),
  region: z.string().max(32).optional(),
});

export const ApprovalSchema = z
  .object({
    /** `ap-` and 12 hex digits. */
    id: z.string().openapi({ example: 'ap-5f0c2e9a41d7' }),
    status: z.enum(APPROVAL_STATUSES),
    /** ACCOUNT_ID:REGION where the request would be filed (a global quota's home region). */
    target: z.string(),
    accountId: z.string(),
    region: z.string(),
    serviceCode: z.string(),
    quotaCode: z.string(),
    quotaName: z.string(),
    unit: z.string(),
    global: z.boolean(),
    action: z.enum(['increase', 'support-case']),
    /** The limit when it was proposed. */
    fromValue: z.number(),
    desiredValue: z.number(),
    /** Estimated monthly cost of the increase; null without a price for it. */
    estimatedCost: z.number().nullable(),
    /** The rule that proposed it. */
    rule: z.string(),
    proposedBy: z.string(),
    /** Why the engine proposed it. */
    reason: z.string(),
    createdAt: iso,
    expiresAt: iso,
    decidedBy: z.string().nullable(),
    decidedAt: iso.nullable(),
    decisionReason: z.string().nullable(),
    /** The request filed when it was carried out. */
    requestId: z.string().nullable(),
    /** What carrying it out gave, in words. */
    outcome: z.string().nullable(),
  })
  .openapi('Approval');

export const ApprovalsResponseSchema = z
  .object({ approvals: z.array(ApprovalSchema) })
  .openapi('ApprovalsResponse');

export const ApprovalParamSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an approval id (ap- and 12 hex digits)' })
    .openapi({ param: { name: 'id' }, example: 'ap-5f0c2e9a41d7' }),
});

export const ApprovalResponseSchema = z.object({ approval: ApprovalSchema }).openapi('ApprovalResponse');

export const ApproveRequestSchema = z
  .object({
    /** Why; recorded with the decision and in the audit trail. */
    reason: z.string().trim().max(500).optional(),
  })
  .openapi('ApproveRequest');

export const DenyRequestSchema = z
  .object({
    /** Why; recorded with the decision and in the audit trail. */
    reason: z.string().trim().min(1, { error: 'must say why (1 to 500 characters)' }).max(500),
  })
  .openapi('DenyRequest');

export const ApproveResponseSchema = z
  .object({
    /** EXECUTED (see requestId) or FAILED (see outcome). */
    approval: ApprovalSchema,
    /** What carrying it out gave. */
    outcome: z.object({
      status: z.enum(['filed', 'case-opened', 'already-open', 'queued', 'satisfied', 'held', 'failed']),
      message: z.string(),
      requestId: z.string().nullable(),
    }),
  })
  .openapi('ApproveResponse');

// ---- events -------------------------------------------------------------------------------

/**
 * The body of POST /events, as JSON Schema: documented, not validated by the router. The route
 * checks it with `parseEvent` itself, so a refused event is recorded in the audit trail as
 * rejected, naming the field, before the 400 goes back.
 */
export const EVENT_BODY_SCHEMA = (() => {
  const { $schema: _drop, ...schema } = z.toJSONSchema(eventSchema, { io: 'input', unrepresentable: 'any' });
  return schema as unknown as OpenApiSchemaObject;
})();

/** A plain OpenAPI schema object, as a route's body may give one instead of a zod schema. */
type OpenApiSchemaObject = Exclude<
  Extract<
    NonNullable<Parameters<typeof createRoute>[0]['request']>['body'],
    { content: unknown }
  >['content'][string] extends infer M
    ? M extends { schema: infer S }
      ? S
      : never
    : never,
  z.ZodType
>;

export const EventsQuerySchema = z.object({
  /** true: check the event and say what would be done; record and file nothing. */
  dryRun: booleanParam.openapi({ example: 'true' }),
});

export const EventResultSchema = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    dryRun: z.boolean(),
    summary: z.string(),
    actions: z.array(
      z.object({
        target: z.string(),
        quota: z.string().nullable(),
        /** filed, proposed, would-file, would-propose, recorded, skipped, kept, … */
        outcome: z.string(),
        message: z.string(),
        requestId: z.string().nullable(),
        approvalId: z.string().nullable(),
      }),
    ),
    /** The replicate plan a DR failover carried out. */
    planId: z.string().nullable(),
  })
  .openapi('EventResult');

export const AUDIT_DEFAULT_LIMIT = 200;
export const AUDIT_MAX_LIMIT = 5000;

export const AuditQuerySchema = z.object({
  /** Entries at or after this time. */
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-12-03T08:00:00Z' })
    .optional()
    .openapi({ example: '2026-12-03T08:00:00Z' }),
  kind: listParam(AUDIT_KINDS, 'kinds', 'approval,action'),
  /** The newest this many (default 200, at most 5000). */
  limit: z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number from 1 to ${AUDIT_MAX_LIMIT}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= AUDIT_MAX_LIMIT, {
      error: `must be a whole number from 1 to ${AUDIT_MAX_LIMIT}`,
    })
    .optional()
    .openapi({ example: '200' }),
});

const auditHeadSchema = z.object({ seq: z.int(), hash: z.string() });

export const AuditEntrySchema = z
  .object({
    /** Its place in the chain, from 1. */
    seq: z.int(),
    at: iso,
    kind: z.enum(AUDIT_KINDS),
    /** `engine`, or the person who decided. */
    actor: z.string(),
    /** `ACCOUNT:REGION SERVICE/CODE`, an approval id, a channel. */
    subject: z.string(),
    summary: z.string(),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

export const AuditResponseSchema = z
  .object({
    /** Oldest first: the newest `limit` entries matching the filters, the newest last. */
    entries: z.array(AuditEntrySchema),
    /** The last entry written, as the store records it apart from the log; null before the first. */
    head: auditHeadSchema.nullable(),
  })
  .openapi('AuditResponse');

export const AuditVerifyResponseSchema = z
  .object({
    ok: z.boolean(),
    /** Entries read and checked. */
    entries: z.int(),
    head: auditHeadSchema.nullable(),
    /** The first entry at fault, when the chain does not hold. */
    break: z.object({ seq: z.int(), problem: z.string() }).nullable(),
  })
  .openapi('AuditVerifyResponse');

// ---- types for the dashboard ----------------------------------------------------------------

export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;
export type Session = z.infer<typeof SessionSchema>;
export type TargetInfo = z.infer<typeof TargetInfoSchema>;
export type QuotaRowJson = z.infer<typeof QuotaRowSchema>;
export type TargetsResponse = z.infer<typeof TargetsResponseSchema>;
export type FleetTarget = z.infer<typeof FleetTargetSchema>;
export type FleetResponse = z.infer<typeof FleetResponseSchema>;
export type TargetQuotasResponse = z.infer<typeof TargetQuotasResponseSchema>;
export type HistoryResponse = z.infer<typeof HistoryResponseSchema>;
export type ForecastJson = z.infer<typeof ForecastSchema>;
export type CompareRowJson = z.infer<typeof CompareRowSchema>;
export type CompareResponse = z.infer<typeof CompareResponseSchema>;
export type PlanJson = z.infer<typeof PlanSchema>;
export type PlanRequest = z.input<typeof PlanRequestSchema>;
export type ItemResultJson = z.infer<typeof ItemResultSchema>;
export type ApplyResultJson = z.infer<typeof ApplyResultSchema>;
export type PlanResponse = z.infer<typeof PlanResponseSchema>;
export type ApplyRequest = z.input<typeof ApplyRequestSchema>;
export type ApplyResponse = z.infer<typeof ApplyResponseSchema>;
export type RequestRecordJson = z.infer<typeof RequestRecordSchema>;
export type RequestsResponse = z.infer<typeof RequestsResponseSchema>;
export type RequestResponse = z.infer<typeof RequestResponseSchema>;
export type RefreshResponse = z.infer<typeof RefreshResponseSchema>;
export type ClearRequest = z.input<typeof ClearRequestSchema>;
export type ClearResponse = z.infer<typeof ClearResponseSchema>;
export type ApprovalJson = z.infer<typeof ApprovalSchema>;
export type ApprovalsResponse = z.infer<typeof ApprovalsResponseSchema>;
export type ApprovalResponse = z.infer<typeof ApprovalResponseSchema>;
export type ApproveRequest = z.input<typeof ApproveRequestSchema>;
export type DenyRequest = z.input<typeof DenyRequestSchema>;
export type ApproveResponse = z.infer<typeof ApproveResponseSchema>;
export type EventResultJson = z.infer<typeof EventResultSchema>;
export type AuditEntryJson = z.infer<typeof AuditEntrySchema>;
export type AuditResponse = z.infer<typeof AuditResponseSchema>;
export type AuditVerifyResponse = z.infer<typeof AuditVerifyResponseSchema>;
