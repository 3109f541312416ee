/** A request's status as a coloured badge: open ones in blue, granted in green, refused in red. */
import type { RequestStatus } from '../api';

type Tone = 'open' | 'good' | 'problem' | 'neutral';

/** Every status, in the order the filter lists them; the Record makes a new status a type error here. */
const TONE: Record<RequestStatus, Tone> = {
  PENDING: 'open',
  CASE_OPENED: 'open',
  APPROVED: 'good',
  DENIED: 'problem',
  CASE_CLOSED: 'neutral',
  NOT_APPROVED: 'problem',
  INVALID_REQUEST: 'problem',
  OPENED: 'open',
  RESOLVED: 'good',
  QUEUED: 'open',
  CANCELLED: 'neutral',
};

export const REQUEST_STATUSES = Object.keys(TONE) as RequestStatus[];

/** Statuses still moving: AWS (or headroom's queue) has yet to decide. */
export const OPEN_STATUSES: ReadonlySet<RequestStatus> = new Set([
  'PENDING',
  'CASE_OPENED',
  'OPENED',
  'QUEUED',
]);

export function isRequestStatus(text: string): text is RequestStatus {
  return Object.hasOwn(TONE, text);
}

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return <span className={`badge badge-${TONE[status]}`}>{status}</span>;
}
