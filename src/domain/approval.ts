/**
 * An approval: an action the engine proposed that waits for a person (auto_request, a rule that
 * requires approval, or an estimated cost above the rule's threshold). Approving it carries the
 * action out; denying it, or letting it expire, records why and does nothing. Pure.
 */
import type { Target } from './target.js';

/**
 * PENDING: waiting for a person; APPROVED: approved, being carried out; EXECUTED: carried out (see
 * `requestId`); FAILED: approved but the action failed (see `outcome`); DENIED; EXPIRED.
 */
export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'EXECUTED' | 'FAILED' | 'DENIED' | 'EXPIRED';

export const APPROVAL_STATUSES: readonly ApprovalStatus[] = [
  'PENDING',
  'APPROVED',
  'EXECUTED',
  'FAILED',
  'DENIED',
  'EXPIRED',
];

export function isApprovalStatus(value: string): value is ApprovalStatus {
  return (APPROVAL_STATUSES as readonly string[]).includes(value);
}

export interface Approval {
  /** `ap-` and 12 hex digits. */
  readonly id: string;
  readonly status: ApprovalStatus;
  /** Where the request would be filed (a global quota's home region for global quotas). */
  readonly target: Target;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly unit: string;
  readonly global: boolean;
  /** `increase` through Service Quotas, or `support-case`. */
  readonly action: 'increase' | 'support-case';
  /** The limit when it was proposed. */
  readonly fromValue: number;
  readonly desiredValue: number;
  /** Estimated monthly cost of the increase; null when the price table has no price for it. */
  readonly estimatedCost: number | null;
  /** The rule that proposed it. */
  readonly rule: string;
  /** Who proposed it: `engine` and the operator running it. */
  readonly proposedBy: string;
  /** The decision's reason. */
  readonly reason: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Who approved or denied it, when, and why. */
  readonly decidedBy: string | null;
  readonly decidedAt: Date | null;
  readonly decisionReason: string | null;
  /** What carrying it out gave: the request recorded, and the outcome in words. */
  readonly requestId: string | null;
  readonly outcome: string | null;
}

export interface ApprovalFilter {
  readonly statuses?: readonly ApprovalStatus[];
  readonly target?: Target;
  readonly quota?: { readonly serviceCode: string; readonly quotaCode: string };
}
