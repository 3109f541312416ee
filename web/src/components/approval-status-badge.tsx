/** An approval's status as a coloured badge: waiting in blue, carried out in green, failed in red. */
import type { ApprovalStatus } from '../api';

type Tone = 'open' | 'good' | 'problem' | 'neutral';

/** Every status; the Record makes a new status a type error here. */
const TONE: Record<ApprovalStatus, Tone> = {
  PENDING: 'open',
  APPROVED: 'open',
  EXECUTED: 'good',
  FAILED: 'problem',
  DENIED: 'neutral',
  EXPIRED: 'neutral',
};

export function ApprovalStatusBadge({ status }: { status: ApprovalStatus }) {
  return <span className={`badge badge-${TONE[status]}`}>{status}</span>;
}
