/**
 * Approvals at the edge: what a person does with a proposal. Approving carries the action out
 * through the same path the engine uses (`carryOut`); denying records who and why; a proposal
 * nobody decided expires. Each step is written to the audit trail, and a denial starts the
 * quota's cooldown, so the engine does not propose the same thing again at once.
 */
import { randomBytes } from 'node:crypto';
import type { Approval } from '../domain/approval.js';
import type { AuditInput } from '../domain/audit.js';
import { InputError } from '../domain/errors.js';
import type { QuotaState } from '../domain/engine.js';
import { quotaKey } from '../domain/quota.js';
import { targetKey } from '../domain/target.js';
import { carryOut, type ActionOutcome, type EngineDeps } from './actions.js';

export function newApprovalId(): string {
  return `ap-${randomBytes(6).toString('hex')}`;
}

function subjectOf(a: Approval): string {
  return `${targetKey(a.target)} ${quotaKey(a)}`;
}

function describe(a: Approval): string {
  return `${quotaKey(a)} in ${targetKey(a.target)} ${a.fromValue} → ${a.desiredValue}`;
}

/** Pending approvals past their expiry become EXPIRED; their audit entries are added to `audit`. */
export async function expireApprovals(deps: EngineDeps, now: Date, audit: AuditInput[]): Promise<string[]> {
  const expired: string[] = [];
  for (const approval of await deps.store.listApprovals({ statuses: ['PENDING'] })) {
    if (approval.expiresAt.getTime() > now.getTime()) continue;
    await deps.store.saveApproval({
      ...approval,
      status: 'EXPIRED',
      decidedAt: now,
      decidedBy: 'engine',
      decisionReason: `expired at ${approval.expiresAt.toISOString()} with no decision`,
    });
    expired.push(approval.id);
    audit.push({
      at: now,
      kind: 'approval',
      actor: 'engine',
      subject: approval.id,
      summary: `${approval.id} expired: ${describe(approval)} was never decided`,
      data: { approval: approval.id, status: 'EXPIRED', subject: subjectOf(approval) },
    });
  }
  return expired;
}

/** Expires what is due and writes its audit entries. */
async function expireAndRecord(deps: EngineDeps, now: Date): Promise<void> {
  const audit: AuditInput[] = [];
  await expireApprovals(deps, now, audit);
  await deps.store.appendAudit(audit);
}

/** Expires what is due, then lists. */
export async function listApprovals(
  deps: EngineDeps,
  filter: Parameters<EngineDeps['store']['listApprovals']>[0] = {},
  now = new Date(),
): Promise<Approval[]> {
  await expireAndRecord(deps, now);
  return deps.store.listApprovals(filter);
}

/** A pending approval by id; a one-line InputError for an unknown, decided or expired one. */
async function pendingApproval(deps: EngineDeps, id: string, now: Date): Promise<Approval> {
  await expireAndRecord(deps, now);
  const approval = await deps.store.getApproval(id);
  if (approval === undefined) {
    throw new InputError('HR_APPROVAL_NOT_FOUND', `no approval ${id} is recorded`, {
      hint: 'list them with `headroom approvals list`; ids are ap- and 12 hex digits',
    });
  }
  if (approval.status !== 'PENDING') {
    const when = approval.decidedAt ? ` at ${approval.decidedAt.toISOString()}` : '';
    const who = approval.decidedBy ? ` by ${approval.decidedBy}` : '';
    throw new InputError(
      'HR_APPROVAL_DECIDED',
      `approval ${id} is ${approval.status}${who}${when}, not PENDING`,
      {
        hint: 'only a pending approval can be approved or denied; the engine proposes again if the quota still needs it',
      },
    );
  }
  return approval;
}

/** Marks the quota's state as acted on now, so its cooldown starts. */
async function startCooldown(deps: EngineDeps, approval: Approval, now: Date): Promise<void> {
  const held = (await deps.store.quotaStates()).find(
    (s) => targetKey(s.target) === targetKey(approval.target) && quotaKey(s) === quotaKey(approval),
  );
  const state: QuotaState = {
    target: approval.target,
    serviceCode: approval.serviceCode,
    quotaCode: approval.quotaCode,
    band: held?.band ?? 'ok',
    lastAlertBand: held?.lastAlertBand ?? null,
    lastAlertAt: held?.lastAlertAt ?? null,
    lastActionAt: now,
    updatedAt: now,
  };
  await deps.store.saveQuotaStates([state]);
}

export interface ApprovalResult {
  readonly approval: Approval;
  /** What carrying it out gave (approve only). */
  readonly outcome: ActionOutcome | null;
}

/** Approves a pending approval and carries its action out: EXECUTED, or FAILED with why. */
export async function approve(
  deps: EngineDeps,
  id: string,
  by: string,
  reason: string | null,
  now = new Date(),
): Promise<ApprovalResult> {
  const pending = await pendingApproval(deps, id, now);
  const approved: Approval = {
    ...pending,
    status: 'APPROVED',
    decidedBy: by,
    decidedAt: now,
    decisionReason: reason,
  };
  await deps.store.saveApproval(approved);
  await deps.store.appendAudit([
    {
      at: now,
      kind: 'approval',
      actor: by,
      subject: id,
      summary: `${id} approved by ${by}: ${describe(pending)}${reason ? ` (${reason})` : ''}`,
      data: { approval: id, status: 'APPROVED', subject: subjectOf(pending), reason },
    },
  ]);
  const outcome = await carryOut(
    deps,
    {
      target: pending.target,
      accountName: null,
      quota: {
        serviceCode: pending.serviceCode,
        serviceName: pending.serviceCode,
        quotaCode: pending.quotaCode,
        quotaName: pending.quotaName,
        unit: pending.unit,
        global: pending.global,
      },
      action: pending.action,
      fromValue: pending.fromValue,
      desiredValue: pending.desiredValue,
      rule: pending.rule,
      reason: `approved ${id} by ${by}: ${pending.reason}`,
      requestedBy: by,
      limitsAt: pending.createdAt,
    },
    { now, casesPerHour: deps.config.engine.supportCasesPerHour },
  );
  const executed = outcome.status !== 'failed' && outcome.status !== 'held';
  const done: Approval = {
    ...approved,
    status: executed ? 'EXECUTED' : 'FAILED',
    requestId: outcome.requestId,
    outcome: `${outcome.status}: ${outcome.message}`,
  };
  await deps.store.saveApproval(done);
  await startCooldown(deps, pending, now);
  await deps.store.appendAudit([
    {
      at: now,
      kind: 'action',
      actor: by,
      subject: subjectOf(pending),
      summary: `${id} ${executed ? 'executed' : 'failed'}: ${describe(pending)}: ${outcome.status}: ${outcome.message}`,
      data: {
        approval: id,
        status: done.status,
        outcome: outcome.status,
        message: outcome.message,
        request: outcome.requestId,
      },
    },
  ]);
  return { approval: done, outcome };
}

/** Denies a pending approval: recorded with who and why; nothing is filed. */
export async function deny(
  deps: EngineDeps,
  id: string,
  by: string,
  reason: string,
  now = new Date(),
): Promise<ApprovalResult> {
  if (reason.trim() === '') {
    throw new InputError('HR_APPROVAL_REASON', `denying ${id} needs a reason`, {
      hint: 'say why with --reason "…" (it is recorded in the audit trail)',
    });
  }
  const pending = await pendingApproval(deps, id, now);
  const denied: Approval = {
    ...pending,
    status: 'DENIED',
    decidedBy: by,
    decidedAt: now,
    decisionReason: reason,
  };
  await deps.store.saveApproval(denied);
  await startCooldown(deps, pending, now);
  await deps.store.appendAudit([
    {
      at: now,
      kind: 'approval',
      actor: by,
      subject: id,
      summary: `${id} denied by ${by}: ${describe(pending)} (${reason})`,
      data: { approval: id, status: 'DENIED', subject: subjectOf(pending), reason },
    },
  ]);
  return { approval: denied, outcome: null };
}
