/**
 * What the engine keeps between passes: per quota, the band it was last in and when it last
 * alerted and acted (so alerts are not repeated and cooldowns hold), and the alerts waiting to be
 * delivered (an outbox: a failed delivery is retried later and never holds the engine up). Pure.
 */
import type { Band } from './rule.js';
import type { Target } from './target.js';

export interface QuotaState {
  readonly target: Target;
  readonly serviceCode: string;
  readonly quotaCode: string;
  /** The band of the last evaluation. */
  readonly band: Band;
  /** The last alert (sent or muted): its band and time. */
  readonly lastAlertBand: Band | null;
  readonly lastAlertAt: Date | null;
  /** The last action: a request filed, a case opened, a proposal made. */
  readonly lastActionAt: Date | null;
  readonly updatedAt: Date;
}

/** `pending`: to be sent (again at `nextAttemptAt`); `delivered`; `failed`: given up after every attempt. */
export type NotificationStatus = 'pending' | 'delivered' | 'failed';

export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = ['pending', 'delivered', 'failed'];

/** What an alert says, whatever the channel: each channel renders it its own way. */
export interface AlertMessage {
  /** `alert` for a quota's band; `test` for `headroom notify test`. */
  readonly kind: 'alert' | 'test';
  readonly band: Band;
  readonly accountId: string;
  readonly accountName: string | null;
  readonly region: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly limit: number | null;
  readonly usage: number | null;
  /** Percent of the limit. */
  readonly utilization: number | null;
  readonly rule: string;
  /** What the engine did or proposes, in words. */
  readonly decision: string;
  readonly reason: string;
  readonly at: string;
}

export interface Notification {
  /** `nt-` and 12 hex digits; sent as the idempotency key so a retried delivery can be recognised. */
  readonly id: string;
  readonly channel: string;
  readonly message: AlertMessage;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}
