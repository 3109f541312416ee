/**
 * Compare two targets, plan the increases that raise the destination to the source for the
 * quotas a person chose, preview them, and file them: the functions behind `headroom compare`,
 * `replicate` and `apply`, with the same checks (stale values refused, nothing filed twice,
 * AWS's caps on open requests).
 */
import { createRoute } from '@hono/zod-openapi';
import { compare, compareDocument, replicate } from '../../../app/compare.js';
import { applyPlanObject } from '../../../app/requests.js';
import type { SweepTarget } from '../../../collect/sweep.js';
import { InputError } from '../../../domain/errors.js';
import { parsePlan, type Plan } from '../../../domain/plan.js';
import { quotaKey } from '../../../domain/quota.js';
import { targetKey } from '../../../domain/target.js';
import { type ApplyResult, PROBLEM_OUTCOMES } from '../../../requests/apply.js';
import {
  type ApplyResultJson,
  type PlanJson,
  ApplyRequestSchema,
  ApplyResponseSchema,
  CompareQuerySchema,
  CompareResponseSchema,
  PlanRequestSchema,
  PlanResponseSchema,
} from '../../api/schemas.js';
import { ApiError } from '../../errors.js';
import { type ApiDeps, apiApp, configuredTarget, errorResponses, jsonResponse } from './shared.js';

const compareRoute = createRoute({
  method: 'get',
  path: '/compare',
  summary: 'Two targets side by side, as `headroom compare --format json` prints them',
  description:
    'Both sides are read through the cache: what is stale is collected first, so an uncached side takes as long as a collect.',
  tags: ['compare'],
  request: { query: CompareQuerySchema },
  responses: {
    ...jsonResponse(CompareResponseSchema, 'The comparison'),
    ...errorResponses(400, 401, 404, 502),
  },
});

const planRoute = createRoute({
  method: 'post',
  path: '/plans',
  summary: 'A plan raising the destination to the source for the chosen quotas, with a dry run of it',
  description: 'Files nothing. Send the plan back to `POST /api/v1/plans/apply` to file it.',
  tags: ['compare'],
  request: { body: { content: { 'application/json': { schema: PlanRequestSchema } }, required: true } },
  responses: {
    ...jsonResponse(PlanResponseSchema, 'The plan and its preview'),
    ...errorResponses(400, 401, 403, 404, 502),
  },
});

const applyRoute = createRoute({
  method: 'post',
  path: '/plans/apply',
  summary: 'Files a plan: each item ends filed, queued behind AWS’s caps, already open, stale…',
  tags: ['compare'],
  request: { body: { content: { 'application/json': { schema: ApplyRequestSchema } }, required: true } },
  responses: {
    ...jsonResponse(ApplyResponseSchema, 'What happened to each item'),
    ...errorResponses(400, 401, 403, 404, 502),
  },
});

function applyResultJson(result: ApplyResult): ApplyResultJson {
  return {
    planId: result.planId,
    destination: { accountId: result.destination.accountId, region: result.destination.region },
    dryRun: result.dryRun,
    callerArn: result.callerArn,
    items: result.items.map((r) => ({
      item: { ...r.item },
      outcome: r.outcome,
      message: r.message,
      currentValue: r.currentValue,
      requestId: r.requestId,
      awsRequestId: r.awsRequestId,
      caseId: r.caseId,
      problem: PROBLEM_OUTCOMES.includes(r.outcome),
    })),
  };
}

function planJson(plan: Plan): PlanJson {
  return {
    ...plan,
    services: [...plan.services],
    items: plan.items.map((item) => ({ ...item })),
    skipped: plan.skipped.map((skip) => ({ ...skip })),
  };
}

/** The plan as sent back, checked whole as a plan file is: one line naming the field at fault. */
function planOf(sent: unknown): Plan {
  try {
    return parsePlan(JSON.stringify(sent), 'plan');
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // parsePlan names the field after the file (`plan: items[0].desiredValue …`).
    const where = /^plan: ([\w.[\]]+)/.exec(error.message)?.[1];
    throw new ApiError(error.code as `HR_${string}`, 400, error.message, {
      field: where === undefined ? 'plan' : `plan.${where}`,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    });
  }
}

/** Source and destination: two different configured targets. */
async function sides(
  ctx: ApiDeps['ctx'],
  given: { source: string; destination: string },
): Promise<{ source: SweepTarget; destination: SweepTarget }> {
  const source = await configuredTarget(ctx, given.source, 'source');
  const destination = await configuredTarget(ctx, given.destination, 'destination');
  if (targetKey(source.target) === targetKey(destination.target)) {
    throw new ApiError(
      'HR_COMPARE_SAME_TARGET',
      400,
      `destination is the source (${targetKey(source.target)})`,
      {
        field: 'destination',
        hint: 'compare two different accounts or regions',
      },
    );
  }
  return { source, destination };
}

export function compareRoutes(deps: ApiDeps) {
  const { ctx, security } = deps;
  return apiApp()
    .openapi(compareRoute, async (c) => {
      const query = c.req.valid('query');
      const { source, destination } = await sides(ctx, query);
      const result = await compare(ctx, {
        source: targetKey(source.target),
        destination: targetKey(destination.target),
        services: query.service ?? [],
        suppressDefaults: query.suppressDefaults ?? false,
        refresh: query.refresh ?? false,
      });
      const document = compareDocument(result, { onlyDiff: false });
      return c.json(
        {
          ...document,
          summary: {
            ...document.summary,
            servicesOnlyInSource: [...document.summary.servicesOnlyInSource],
            servicesOnlyInDestination: [...document.summary.servicesOnlyInDestination],
          },
          rows: [...document.rows],
          warnings: [...document.warnings],
        },
        200,
      );
    })
    .openapi(planRoute, async (c) => {
      const body = c.req.valid('json');
      const { source, destination } = await sides(ctx, body);
      const caller = security.callerOf(c);
      const chosen = body.quotas.map((ref) => {
        const [serviceCode = '', quotaCode = ''] = ref.split('/');
        return { serviceCode, quotaCode };
      });
      // Only the services of the chosen quotas are read and compared.
      const services = [...new Set(chosen.map((q) => q.serviceCode))];
      const { plan: whole } = await replicate(ctx, {
        source: targetKey(source.target),
        destination: targetKey(destination.target),
        services,
        refresh: false,
        createdBy: `${caller.user} (dashboard)`,
        reason: body.reason,
      });
      const items = chosen.map((wanted, index) => {
        const item = whole.items.find((i) => quotaKey(i) === quotaKey(wanted));
        if (item) return item;
        const skipped = whole.skipped.find((s) => quotaKey(s) === quotaKey(wanted));
        throw new ApiError(
          'HR_API_NOT_IN_PLAN',
          400,
          `quotas[${index}] ${quotaKey(wanted)} has nothing to raise: ${skipped?.reason ?? 'the destination is not below the source'}`,
          {
            field: `quotas[${index}]`,
            hint: 'choose quotas where the destination is lower (compare lists them)',
          },
        );
      });
      const plan: Plan = { ...whole, items, skipped: [] };
      const preview = await applyPlanObject(ctx, plan, {
        confirm: false,
        supportCases: body.supportCases ?? false,
        requestedBy: `${caller.user} (dashboard)`,
      });
      return c.json({ plan: planJson(plan), preview: applyResultJson(preview) }, 200);
    })
    .openapi(applyRoute, async (c) => {
      const body = c.req.valid('json');
      const plan = planOf(body.plan);
      await configuredTarget(
        ctx,
        `${plan.destination.accountId}:${plan.destination.region}`,
        'plan.destination',
      );
      const caller = security.callerOf(c);
      const result = await applyPlanObject(
        ctx,
        plan,
        {
          confirm: true,
          supportCases: body.supportCases ?? false,
          requestedBy: `${caller.user} (dashboard)`,
        },
        'plan.destination',
      );
      return c.json({ result: applyResultJson(result) }, 200);
    });
}
