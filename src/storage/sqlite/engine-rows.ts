/**
 * The policy engine's records as rows of src/storage/schema.ts, and back: approvals, quota
 * states, audit entries and notifications. Shared by every adapter that stores them.
 */
import type { Approval } from '../../domain/approval.js';
import type { AuditEntry } from '../../domain/audit.js';
import type { AlertMessage, Notification, QuotaState } from '../../domain/engine.js';
import { fromEpoch, fromFlag, toEpoch, toFlag } from '../codec.js';
import type {
  ApprovalsTable,
  AuditLogTable,
  EpochMs,
  NotificationsTable,
  QuotaStatesTable,
} from '../schema.js';

function maybeEpoch(date: Date | null, field: string): EpochMs | null {
  return date === null ? null : toEpoch(date, field);
}

function maybeDate(ms: EpochMs | null): Date | null {
  return ms === null ? null : fromEpoch(ms);
}

export function encodeApproval(a: Approval): ApprovalsTable {
  return {
    id: a.id,
    status: a.status,
    account_id: a.target.accountId,
    region: a.target.region,
    service_code: a.serviceCode,
    quota_code: a.quotaCode,
    quota_name: a.quotaName,
    unit: a.unit,
    global: toFlag(a.global),
    action: a.action,
    from_value: a.fromValue,
    desired_value: a.desiredValue,
    estimated_cost: a.estimatedCost,
    rule: a.rule,
    proposed_by: a.proposedBy,
    reason: a.reason,
    created_at: toEpoch(a.createdAt, 'createdAt'),
    expires_at: toEpoch(a.expiresAt, 'expiresAt'),
    decided_by: a.decidedBy,
    decided_at: maybeEpoch(a.decidedAt, 'decidedAt'),
    decision_reason: a.decisionReason,
    request_id: a.requestId,
    outcome: a.outcome,
  };
}

export function decodeApproval(row: ApprovalsTable): Approval {
  return {
    id: row.id,
    status: row.status,
    target: { accountId: row.account_id, region: row.region },
    serviceCode: row.service_code,
    quotaCode: row.quota_code,
    quotaName: row.quota_name,
    unit: row.unit,
    global: fromFlag(row.global),
    action: row.action,
    fromValue: row.from_value,
    desiredValue: row.desired_value,
    estimatedCost: row.estimated_cost,
    rule: row.rule,
    proposedBy: row.proposed_by,
    reason: row.reason,
    createdAt: fromEpoch(row.created_at),
    expiresAt: fromEpoch(row.expires_at),
    decidedBy: row.decided_by,
    decidedAt: maybeDate(row.decided_at),
    decisionReason: row.decision_reason,
    requestId: row.request_id,
    outcome: row.outcome,
  };
}

export function encodeQuotaState(s: QuotaState): QuotaStatesTable {
  return {
    account_id: s.target.accountId,
    region: s.target.region,
    service_code: s.serviceCode,
    quota_code: s.quotaCode,
    band: s.band,
    last_alert_band: s.lastAlertBand,
    last_alert_at: maybeEpoch(s.lastAlertAt, 'lastAlertAt'),
    last_action_at: maybeEpoch(s.lastActionAt, 'lastActionAt'),
    updated_at: toEpoch(s.updatedAt, 'updatedAt'),
  };
}

export function decodeQuotaState(row: QuotaStatesTable): QuotaState {
  return {
    target: { accountId: row.account_id, region: row.region },
    serviceCode: row.service_code,
    quotaCode: row.quota_code,
    band: row.band,
    lastAlertBand: row.last_alert_band,
    lastAlertAt: maybeDate(row.last_alert_at),
    lastActionAt: maybeDate(row.last_action_at),
    updatedAt: fromEpoch(row.updated_at),
  };
}

export function decodeAuditEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: row.seq,
    at: fromEpoch(row.at),
    kind: row.kind,
    actor: row.actor,
    subject: row.subject,
    summary: row.summary,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function encodeNotification(n: Notification): NotificationsTable {
  return {
    id: n.id,
    channel: n.channel,
    message: JSON.stringify(n.message),
    status: n.status,
    attempts: n.attempts,
    next_attempt_at: toEpoch(n.nextAttemptAt, 'nextAttemptAt'),
    last_error: n.lastError,
    created_at: toEpoch(n.createdAt, 'createdAt'),
    delivered_at: maybeEpoch(n.deliveredAt, 'deliveredAt'),
  };
}

export function decodeNotification(row: NotificationsTable): Notification {
  return {
    id: row.id,
    channel: row.channel,
    message: JSON.parse(row.message) as AlertMessage,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: fromEpoch(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: fromEpoch(row.created_at),
    deliveredAt: maybeDate(row.delivered_at),
  };
}
