/**
 * Approvals and the audit trail: what the engine proposed and waits for a person, approving
 * (the action carried out at once) or denying it, and the hash-chained trail of every decision
 * with its check. The same functions `headroom approvals` and `headroom audit` call.
 */
import { createRoute } from '@hono/zod-openapi';
import {
  approve,
  auditTrail,
  deny,
  listApprovals,
  showApproval,
  verifyAuditTrail,
} from '../../../app/engine.js';
import type { Approval } from '../../../domain/approval.js';
import type { AuditEntry } from '../../../domain/audit.js';
import { InputError } from '../../../domain/errors.js';
import { targetKey } from '../../../domain/target.js';
import {
  ApprovalParamSchema,
  ApprovalResponseSchema,
  ApprovalsQuerySchema,
  ApprovalsResponseSchema,
  type ApprovalJson,
  ApproveRequestSchema,
  ApproveResponseSchema,
  AUDIT_DEFAULT_LIMIT,
  type AuditEntryJson,
  AuditQuerySchema,
  AuditResponseSchema,
  AuditVerifyResponseSchema,
  DenyRequestSchema,
} from '../../api/schemas.js';
import { ApiError, INPUT_ERROR_STATUS } from '../../errors.js';
import type { Caller } from '../../security.js';
import { type ApiDeps, apiApp, errorResponses, isoOrNull, jsonResponse } from './shared.js';

const list = createRoute({
  method: 'get',
  path: '/approvals',
  summary: 'Approvals, newest first (those past their expiry marked EXPIRED first)',
  tags: ['approvals'],
  request: { query: ApprovalsQuerySchema },
  responses: {
    ...jsonResponse(ApprovalsResponseSchema, 'The approvals'),
    ...errorResponses(400, 401),
  },
});

const one = createRoute({
  method: 'get',
  path: '/approvals/{id}',
  summary: 'One approval',
  tags: ['approvals'],
  request: { params: ApprovalParamSchema },
  responses: {
    ...jsonResponse(ApprovalResponseSchema, 'The approval'),
    ...errorResponses(400, 401, 404),
  },
});

const approveRoute = createRoute({
  method: 'post',
  path: '/approvals/{id}/approve',
  summary: 'Approves a pending approval and carries its action out now',
  description:
    'The increase is filed (or the Support case opened) as the engine would file it; the approval becomes EXECUTED with the request id, or FAILED with the reason. The approver is the signed-in user (basic authentication’s user, `token`), or the server’s operator and `(dashboard)` without authentication.',
  tags: ['approvals'],
  request: {
    params: ApprovalParamSchema,
    body: { content: { 'application/json': { schema: ApproveRequestSchema } }, required: false },
  },
  responses: {
    ...jsonResponse(ApproveResponseSchema, 'The approval as decided, and what carrying it out gave'),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const denyRoute = createRoute({
  method: 'post',
  path: '/approvals/{id}/deny',
  summary: 'Denies a pending approval, with a reason; nothing is filed',
  tags: ['approvals'],
  request: {
    params: ApprovalParamSchema,
    body: { content: { 'application/json': { schema: DenyRequestSchema } }, required: true },
  },
  responses: {
    ...jsonResponse(ApprovalResponseSchema, 'The approval as denied'),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const audit = createRoute({
  method: 'get',
  path: '/audit',
  summary: 'The newest audit entries, oldest of them first (the newest last)',
  tags: ['audit'],
  request: { query: AuditQuerySchema },
  responses: {
    ...jsonResponse(AuditResponseSchema, 'The entries and the recorded head'),
    ...errorResponses(400, 401),
  },
});

const verify = createRoute({
  method: 'get',
  path: '/audit/verify',
  summary: 'Checks the whole audit chain: every hash, every link, and the recorded head',
  tags: ['audit'],
  responses: {
    ...jsonResponse(
      AuditVerifyResponseSchema,
      'The verdict, with the first break when the chain does not hold',
    ),
    ...errorResponses(401),
  },
});

export function approvalJson(approval: Approval): ApprovalJson {
  const { target, createdAt, expiresAt, decidedAt, ...rest } = approval;
  return {
    ...rest,
    target: targetKey(target),
    accountId: target.accountId,
    region: target.region,
    createdAt: createdAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    decidedAt: isoOrNull(decidedAt),
  };
}

function auditEntryJson(entry: AuditEntry): AuditEntryJson {
  return { ...entry, at: entry.at.toISOString() };
}

/** Who decides, as recorded: the signed-in user, or the server's operator from the dashboard. */
function deciderOf(caller: Caller): string {
  return caller.auth === 'none' ? `${caller.user} (dashboard)` : caller.user;
}

/** The engine's refusals as the API's: their status, and the field at fault. */
function apiErrorOf(error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  const status = INPUT_ERROR_STATUS[error.code];
  if (status === undefined) return error;
  const field = error.code === 'HR_APPROVAL_REASON' ? 'reason' : 'id';
  const hint =
    error.code === 'HR_APPROVAL_NOT_FOUND'
      ? 'GET /api/v1/approvals lists them; ids are ap- and 12 hex digits'
      : error.code === 'HR_APPROVAL_REASON'
        ? 'send {"reason": "…"}: it is recorded in the audit trail'
        : error.hint;
  return new ApiError(error.code as `HR_${string}`, status, error.message, {
    field,
    ...(hint === undefined ? {} : { hint }),
  });
}

export function approvalRoutes(deps: ApiDeps) {
  const { ctx, security } = deps;
  return apiApp()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const names = new Map((await ctx.targets()).map((t) => [t.target.accountId, t.accountName]));
      const approvals = (
        await listApprovals(ctx, query.status === undefined ? {} : { statuses: query.status })
      ).filter(
        (a) =>
          (query.account === undefined ||
            query.account === '' ||
            a.target.accountId === query.account ||
            names.get(a.target.accountId) === query.account) &&
          (query.region === undefined || query.region === '' || a.target.region === query.region),
      );
      return c.json({ approvals: approvals.map(approvalJson) }, 200);
    })
    .openapi(one, async (c) => {
      const { id } = c.req.valid('param');
      // One past its expiry is marked EXPIRED first; an unknown id is HR_APPROVAL_NOT_FOUND (404).
      try {
        return c.json({ approval: approvalJson(await showApproval(ctx, id)) }, 200);
      } catch (error) {
        throw apiErrorOf(error);
      }
    })
    .openapi(approveRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const reason = body.reason === undefined || body.reason === '' ? null : body.reason;
      try {
        const { approval, outcome } = await approve(ctx, id, deciderOf(security.callerOf(c)), reason);
        return c.json(
          {
            approval: approvalJson(approval),
            outcome: {
              status: outcome?.status ?? 'failed',
              message: outcome?.message ?? 'nothing was carried out',
              requestId: outcome?.requestId ?? null,
            },
          },
          200,
        );
      } catch (error) {
        throw apiErrorOf(error);
      }
    })
    .openapi(denyRoute, async (c) => {
      const { id } = c.req.valid('param');
      const { reason } = c.req.valid('json');
      try {
        const { approval } = await deny(ctx, id, deciderOf(security.callerOf(c)), reason);
        return c.json({ approval: approvalJson(approval) }, 200);
      } catch (error) {
        throw apiErrorOf(error);
      }
    })
    .openapi(audit, async (c) => {
      const query = c.req.valid('query');
      const entries = await auditTrail(ctx, {
        ...(query.since === undefined ? {} : { since: new Date(query.since) }),
        ...(query.kind === undefined ? {} : { kinds: query.kind }),
        limit: query.limit ?? AUDIT_DEFAULT_LIMIT,
      });
      return c.json({ entries: entries.map(auditEntryJson), head: await ctx.store.auditHead() }, 200);
    })
    .openapi(verify, async (c) => {
      const verdict = await verifyAuditTrail(ctx);
      return c.json(
        {
          ok: verdict.ok,
          entries: verdict.entries,
          head: verdict.head === null ? null : { seq: verdict.head.seq, hash: verdict.head.hash },
          break: verdict.break === null ? null : { seq: verdict.break.seq, problem: verdict.break.problem },
        },
        200,
      );
    });
}
