/**
 * An increase request (or a Support case standing in for one) as headroom records it: what was
 * asked, of which quota in which target, by whom, from which plan and why, and where AWS has got
 * with it. Statuses are AWS's (RequestedServiceQuotaChange.Status) plus two of headroom's own:
 * QUEUED (held back by AWS's caps on open requests, filed on a later run), CANCELLED (a queued
 * one no longer needed) and, for Support cases, OPENED and RESOLVED. Pure.
 */
import type { Target } from './target.js';

/** AWS's statuses of an increase request, as the 2025 model lists them. */
export type AwsRequestStatus =
  'PENDING' | 'CASE_OPENED' | 'APPROVED' | 'DENIED' | 'CASE_CLOSED' | 'NOT_APPROVED' | 'INVALID_REQUEST';

export const AWS_REQUEST_STATUSES: readonly AwsRequestStatus[] = [
  'PENDING',
  'CASE_OPENED',
  'APPROVED',
  'DENIED',
  'CASE_CLOSED',
  'NOT_APPROVED',
  'INVALID_REQUEST',
];

/** A Support case headroom opened: open until AWS Support resolves it. */
export type CaseStatus = 'OPENED' | 'RESOLVED';

/**
 * QUEUED: held back by AWS's caps, filed by a later `apply`; CANCELLED: a queued request that
 * will not be filed after all (the quota moved on its own, or the plan item went stale).
 */
export type RequestStatus = AwsRequestStatus | CaseStatus | 'QUEUED' | 'CANCELLED';

export const REQUEST_STATUSES: readonly RequestStatus[] = [
  ...AWS_REQUEST_STATUSES,
  'OPENED',
  'RESOLVED',
  'QUEUED',
  'CANCELLED',
];

/** `increase`: RequestServiceQuotaIncrease; `support-case`: an AWS Support case (CreateCase). */
export type RequestKind = 'increase' | 'support-case';

/** Statuses AWS is still working on: they count against AWS's caps on open requests. */
export const OPEN_STATUSES: readonly RequestStatus[] = ['PENDING', 'CASE_OPENED', 'OPENED'];

/** Statuses that never change again. */
export const FINAL_STATUSES: readonly RequestStatus[] = [
  'APPROVED',
  'DENIED',
  'CASE_CLOSED',
  'NOT_APPROVED',
  'INVALID_REQUEST',
  'RESOLVED',
  'CANCELLED',
];

export function isOpen(status: RequestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export function isFinal(status: RequestStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

export function isRequestStatus(value: string): value is RequestStatus {
  return (REQUEST_STATUSES as readonly string[]).includes(value);
}

/** One request as the store keeps it. */
export interface QuotaRequestRecord {
  /** headroom's id (`hr-` and 12 hex digits): stable from QUEUED to a final status. */
  readonly id: string;
  readonly kind: RequestKind;
  /** Where the request is filed: a global quota's home region for global quotas. */
  readonly target: Target;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly unit: string;
  readonly global: boolean;
  /** The limit when the request was made (null when AWS showed none). */
  readonly fromValue: number | null;
  readonly desiredValue: number;
  readonly status: RequestStatus;
  /** AWS's request id, once filed (RequestedServiceQuotaChange.Id). */
  readonly awsRequestId: string | null;
  /** The Support case, when AWS (or headroom) opened one. */
  readonly caseId: string | null;
  /** Who asked: the person or job running headroom (`user@host`, or HEADROOM_USER). */
  readonly requestedBy: string;
  /** The AWS identity that filed it (STS caller ARN), once filed. */
  readonly callerArn: string | null;
  /** The plan it came from, when it came from one. */
  readonly planId: string | null;
  /** Why: the plan's or the caller's reason. */
  readonly reason: string;
  /** The last thing said about it: why it is queued, AWS's refusal, a status change. */
  readonly message: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When its status was last read from AWS. */
  readonly checkedAt: Date | null;
}

/** One change of a request, for the audit trail. */
export interface RequestEvent {
  readonly requestId: string;
  readonly at: Date;
  readonly status: RequestStatus;
  readonly message: string | null;
}

export interface RequestFilter {
  /** Only these statuses. */
  readonly statuses?: readonly RequestStatus[];
  readonly target?: Target;
  readonly planId?: string;
  readonly kind?: RequestKind;
}
