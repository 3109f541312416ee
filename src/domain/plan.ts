/**
 * A replication plan: what `headroom replicate SRC DST` proposes and `headroom apply` carries out.
 * One increase per quota where the destination is below the source and can be raised; quotas that
 * cannot be raised through the API, listed for a Support case; never a decrease. It records the
 * values it was made from, so `apply` can refuse an item whose destination value has moved since.
 *
 * The file is JSON meant to be reviewed (and trimmed) by a person: `parsePlan` checks its shape
 * and version and names the first field at fault.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Comparison } from './compare.js';
import { InputError } from './errors.js';
import { identityOf, QUOTA_CODE_PATTERN, type QuotaIdentity, SERVICE_CODE_PATTERN } from './quota.js';
import { GLOBAL_QUOTA_HOME_REGION, isAccountId, isRegion } from './target.js';

export const PLAN_KIND = 'headroom/replicate-plan';
export const PLAN_VERSION = 1;

/** `request-increase`: RequestServiceQuotaIncrease; `support-case`: the quota is not adjustable. */
export type PlanAction = 'request-increase' | 'support-case';

export interface PlanSide {
  readonly accountId: string;
  readonly accountName: string | null;
  readonly region: string;
  /** When the limits the plan was made from were read. */
  readonly limitsAt: string;
}

export interface PlanItem extends QuotaIdentity {
  /** Where the request is filed: the destination's region, or us-east-1 for a global quota. */
  readonly region: string;
  readonly action: PlanAction;
  readonly sourceValue: number;
  /** The destination's value when the plan was made: `apply` refuses the item if it has moved. */
  readonly destinationValue: number;
  readonly desiredValue: number;
}

/** A quota of the source the plan does not act on, and why. */
export interface PlanSkip {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly reason: string;
}

export interface Plan {
  readonly kind: typeof PLAN_KIND;
  readonly version: typeof PLAN_VERSION;
  readonly id: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly reason: string;
  readonly source: PlanSide;
  readonly destination: PlanSide;
  /** The service filter the plan was made with; empty for every service. */
  readonly services: readonly string[];
  readonly items: readonly PlanItem[];
  readonly skipped: readonly PlanSkip[];
}

export interface PlanInput {
  readonly comparison: Comparison;
  readonly source: PlanSide;
  readonly destination: PlanSide;
  readonly services: readonly string[];
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly reason: string;
}

/** The plan for making the destination match the source, from their comparison. */
export function makePlan(input: PlanInput): Plan {
  const items: PlanItem[] = [];
  const skipped: PlanSkip[] = [];
  for (const row of input.comparison.rows) {
    const src = row.source?.value ?? null;
    const dst = row.destination?.value ?? null;
    const named = { serviceCode: row.serviceCode, quotaCode: row.quotaCode, quotaName: row.quotaName };
    if (row.status === 'only-source') {
      skipped.push({ ...named, reason: `not offered in ${input.destination.region} of the destination` });
      continue;
    }
    if (!row.destinationLower || src === null || dst === null) continue;
    items.push({
      ...identityOf(row),
      region: row.global ? GLOBAL_QUOTA_HOME_REGION : input.destination.region,
      action: row.adjustable ? 'request-increase' : 'support-case',
      sourceValue: src,
      destinationValue: dst,
      desiredValue: src,
    });
  }
  const body = {
    source: input.source,
    destination: input.destination,
    services: input.services,
    items,
    createdAt: input.createdAt.toISOString(),
  };
  const id = `plan-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 12)}`;
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    id,
    createdAt: body.createdAt,
    createdBy: input.createdBy,
    reason: input.reason,
    source: input.source,
    destination: input.destination,
    services: input.services,
    items,
    skipped,
  };
}

// ---- reading a plan file ------------------------------------------------------------------

const positive = z.number().positive().max(1e10);
const count = z.number().min(0).max(1e10);

const sideSchema = z.strictObject({
  accountId: z.string().refine(isAccountId, 'must be a 12-digit account id'),
  accountName: z.string().nullable(),
  region: z.string().refine(isRegion, 'must be an AWS region name'),
  limitsAt: z.iso.datetime(),
});

const itemSchema = z
  .strictObject({
    serviceCode: z.string().regex(SERVICE_CODE_PATTERN, 'must be a Service Quotas service code'),
    serviceName: z.string(),
    quotaCode: z.string().regex(QUOTA_CODE_PATTERN, 'must be a Service Quotas quota code'),
    quotaName: z.string(),
    unit: z.string(),
    global: z.boolean(),
    region: z.string().refine(isRegion, 'must be an AWS region name'),
    action: z.enum(['request-increase', 'support-case']),
    sourceValue: count,
    destinationValue: count,
    desiredValue: positive,
  })
  .refine((item) => item.desiredValue > item.destinationValue, {
    path: ['desiredValue'],
    message: 'must be above destinationValue (a plan never lowers a quota)',
  });

const planSchema = z
  .strictObject({
    kind: z.literal(PLAN_KIND),
    version: z.literal(PLAN_VERSION),
    id: z.string().regex(/^plan-[0-9a-f]{12}$/, 'must be plan- and 12 hex digits'),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    reason: z.string(),
    source: sideSchema,
    destination: sideSchema,
    services: z.array(z.string()),
    items: z.array(itemSchema),
    skipped: z.array(
      z.strictObject({
        serviceCode: z.string(),
        quotaCode: z.string(),
        quotaName: z.string(),
        reason: z.string(),
      }),
    ),
  })
  .superRefine((plan, ctx) => {
    const seen = new Map<string, number>();
    plan.items.forEach((item, index) => {
      const key = `${item.serviceCode}/${item.quotaCode}/${item.region}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['items', index],
          message: `repeats ${item.serviceCode}/${item.quotaCode} of items[${first}]`,
        });
      }
      seen.set(key, index);
    });
  });

/** A field's path as people write it: `items[3].desiredValue`. */
export function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

/** Reads a plan file's text; a one-line InputError names the file and the first field at fault. */
export function parsePlan(text: string, file: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      'HR_PLAN_INVALID',
      `${file} is not JSON (${(error as Error).message.replace(/\s+/g, ' ').trim()})`,
      {
        hint: 'give the file `headroom replicate --out` wrote',
      },
    );
  }
  const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : undefined;
  const kind = record && 'kind' in record ? record.kind : undefined;
  if (kind !== PLAN_KIND) {
    throw new InputError('HR_PLAN_INVALID', `${file} is not a headroom plan (no "kind": "${PLAN_KIND}")`, {
      hint: 'make one with `headroom replicate SRC DST --out plan.json`',
    });
  }
  const version = record && 'version' in record ? record.version : undefined;
  if (version !== PLAN_VERSION) {
    throw new InputError(
      'HR_PLAN_VERSION',
      `${file} is plan format version ${version === undefined ? 'none' : JSON.stringify(version)}; this headroom reads version ${PLAN_VERSION}`,
      { hint: 'make the plan again with this headroom (`headroom replicate`)' },
    );
  }
  const parsed = planSchema.safeParse(data);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue ? pathText(issue.path) : '';
    const message = (issue?.message ?? 'is not valid').replace(/^Invalid input: /, '');
    throw new InputError('HR_PLAN_INVALID', `${file}: ${where === '' ? 'the plan' : where} ${message}`, {
      hint: 'correct the field, or make the plan again with `headroom replicate`',
    });
  }
  return parsed.data;
}
