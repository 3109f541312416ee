/**
 * The outbox's delivery: alerts are queued as notifications (one per channel) in the same pass
 * that decides them, and sent from here, so a channel that is down never holds the engine up and
 * an alert is never lost to one failed POST. Each pass sends what is due, a few at a time; a
 * failure is tried again later with exponential backoff (30 s × 2^(attempts−1), at most 1 h,
 * ±20% so that many alerts do not retry in step) until `notifications.attempts` is reached,
 * then the notification is `failed`. Every outcome is one audit entry.
 *
 * Delivery is at least once: a receiver that answers after the timeout may get the alert again,
 * with the same `Idempotency-Key`.
 *
 * @example
 *   await store.enqueueNotifications(notificationsFor(message, rule.notify, now));
 *   const summary = await deliverDue({ store, session, logger, config });
 *   // summary.delivered, summary.retrying, summary.failed
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AwsSession } from '../aws/session.js';
import { lanes } from '../collect/lanes.js';
import type { Config } from '../config/schema.js';
import type { AuditInput } from '../domain/audit.js';
import type { AlertMessage, Notification } from '../domain/engine.js';
import type { Store } from '../storage/port.js';
import { type SendResult, sendToChannel } from './channels.js';

/** What delivery works with; `env` (default process.env) holds the URL and secret variables. */
export interface DeliveryDeps {
  readonly store: Store;
  readonly session: AwsSession;
  readonly logger: Logger;
  readonly config: Pick<Config, 'notifications'>;
  readonly env?: NodeJS.ProcessEnv;
  /** The clock (tests move it to make retries due). */
  readonly now?: () => Date;
}

/** One notification's outcome in a pass. */
export interface DeliveryResult {
  readonly id: string;
  readonly channel: string;
  /** `retrying`: this attempt failed and another is scheduled (the notification stays pending). */
  readonly status: 'delivered' | 'retrying' | 'failed';
  /** Attempts made so far, this one included. */
  readonly attempts: number;
  /** Why this attempt failed; null when delivered. */
  readonly error: string | null;
  /** When it is tried again; null unless retrying. */
  readonly nextAttemptAt: Date | null;
}

export interface DeliverySummary {
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
  readonly results: readonly DeliveryResult[];
}

/** Notifications sent at once: enough to pass a slow receiver, few enough to be polite. */
const DELIVERY_LANES = 4;
/** Due notifications taken per pass: with the lanes and the timeout, this bounds a pass's time. */
const DEFAULT_BATCH = 100;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;
const JITTER = 0.2;

/** A new notification id: `nt-` and 12 hex digits. */
export function newNotificationId(): string {
  return `nt-${randomBytes(6).toString('hex')}`;
}

/** The outbox records of one alert: one per channel, pending, due now. */
export function notificationsFor(
  message: AlertMessage,
  channels: readonly string[],
  now: Date,
): Notification[] {
  return [...new Set(channels)].map((channel) => ({
    id: newNotificationId(),
    channel,
    message,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    lastError: null,
    createdAt: now,
    deliveredAt: null,
  }));
}

/**
 * How long to wait after the `attempts`-th failed attempt: 30 s × 2^(attempts−1), at most 1 h,
 * then ±20% (`random` in [0, 1) picks where).
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * Sends every notification due now (at most `limit`, oldest first), a few at a time, and records
 * each outcome in the store and the audit trail. Delivery failures are outcomes, never thrown;
 * only the store's failures are.
 */
export async function deliverDue(
  deps: DeliveryDeps,
  options: { limit?: number } = {},
): Promise<DeliverySummary> {
  const clock = deps.now ?? (() => new Date());
  const due = await deps.store.dueNotifications(clock(), options.limit ?? DEFAULT_BATCH);
  const lane = lanes(DELIVERY_LANES);
  const settled = await Promise.allSettled(due.map((n) => lane(() => deliverOne(deps, clock, n))));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  return summarise(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
}

/**
 * `deliverDue`, then again for up to `rounds` passes in all while a retry falls due within
 * `waitMs` (waiting for it in real time): for one-shot commands that would rather deliver now
 * than leave a blip to the next run. Returns each notification's last outcome.
 */
export async function deliverPending(
  deps: DeliveryDeps,
  options: { rounds: number; waitMs: number; sleep?: (ms: number) => Promise<void> },
): Promise<DeliverySummary> {
  const clock = deps.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const rounds = Math.max(1, options.rounds);
  const latest = new Map<string, DeliveryResult>();
  for (let round = 1; round <= rounds; round++) {
    const summary = await deliverDue(deps);
    for (const result of summary.results) latest.set(result.id, result);
    if (round === rounds) break;
    const next = Math.min(
      ...[...latest.values()].flatMap((r) => (r.nextAttemptAt === null ? [] : [r.nextAttemptAt.getTime()])),
    );
    const wait = next - clock().getTime();
    if (!Number.isFinite(wait) || wait > options.waitMs) break;
    if (wait > 0) await sleep(wait);
  }
  return summarise([...latest.values()]);
}

function summarise(results: readonly DeliveryResult[]): DeliverySummary {
  const count = (status: DeliveryResult['status']) => results.filter((r) => r.status === status).length;
  return { delivered: count('delivered'), retrying: count('retrying'), failed: count('failed'), results };
}

async function deliverOne(deps: DeliveryDeps, clock: () => Date, n: Notification): Promise<DeliveryResult> {
  const { notifications } = deps.config;
  const channel = notifications.channels[n.channel];
  const sent: SendResult = channel
    ? await sendToChannel(channel, n.id, n.message, {
        session: deps.session,
        env: deps.env ?? process.env,
        timeoutMs: notifications.timeoutMs,
      })
    : { ok: false, error: `the channel ${n.channel} is no longer in notifications.channels` };
  const at = clock();
  // A channel that is gone was not attempted, and is not worth waiting for.
  const attempts = channel ? n.attempts + 1 : n.attempts;
  const maxAttempts = channel ? notifications.attempts : attempts;
  const { result, saved } = settle(n, sent, attempts, maxAttempts, at);
  await deps.store.saveNotification(saved);
  await deps.store.appendAudit([auditEntry(n.message, result, at, notifications.attempts)]);
  log(deps.logger, n.message, result);
  return result;
}

/** A notification after an attempt: delivered, scheduled again, or given up. */
function settle(
  n: Notification,
  sent: SendResult,
  attempts: number,
  maxAttempts: number,
  at: Date,
): { result: DeliveryResult; saved: Notification } {
  const base = { id: n.id, channel: n.channel, attempts };
  if (sent.ok) {
    return {
      result: { ...base, status: 'delivered', error: null, nextAttemptAt: null },
      saved: { ...n, status: 'delivered', attempts, lastError: null, deliveredAt: at },
    };
  }
  if (attempts < maxAttempts) {
    const nextAttemptAt = new Date(at.getTime() + retryDelayMs(attempts));
    return {
      result: { ...base, status: 'retrying', error: sent.error, nextAttemptAt },
      saved: { ...n, attempts, lastError: sent.error, nextAttemptAt },
    };
  }
  return {
    result: { ...base, status: 'failed', error: sent.error, nextAttemptAt: null },
    saved: { ...n, status: 'failed', attempts, lastError: sent.error },
  };
}

/** What an alert is about, for audit summaries: `critical alert for ec2/L-1216C47A in 111111111111:us-east-1`. */
export function aboutMessage(message: AlertMessage): string {
  return `${message.band} ${message.kind} for ${message.serviceCode}/${message.quotaCode} in ${message.accountId}:${message.region}`;
}

function auditEntry(
  message: AlertMessage,
  result: DeliveryResult,
  at: Date,
  maxAttempts: number,
): AuditInput {
  const about = aboutMessage(message);
  const summary =
    result.status === 'delivered'
      ? `${about} delivered to ${result.channel} (attempt ${result.attempts})`
      : result.status === 'retrying'
        ? `${about} to ${result.channel}: attempt ${result.attempts} of ${maxAttempts} failed, next at ${result.nextAttemptAt?.toISOString() ?? '?'}: ${result.error ?? ''}`
        : `${about} to ${result.channel} failed for good after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'}: ${result.error ?? ''}`;
  return {
    at,
    kind: 'notification',
    actor: 'engine',
    subject: `${result.channel} ${message.accountId}:${message.region} ${message.serviceCode}/${message.quotaCode}`,
    summary,
    data: {
      notification: result.id,
      channel: result.channel,
      status: result.status,
      attempts: result.attempts,
      error: result.error,
    },
  };
}

function log(logger: Logger, message: AlertMessage, result: DeliveryResult): void {
  const fields = {
    notification: result.id,
    channel: result.channel,
    quota: `${message.serviceCode}/${message.quotaCode}`,
    target: `${message.accountId}:${message.region}`,
    attempts: result.attempts,
    error: result.error ?? undefined,
  };
  if (result.status === 'delivered') logger.debug(fields, 'notification delivered');
  else if (result.status === 'retrying') logger.warn(fields, 'notification failed; will retry');
  else logger.error(fields, 'notification failed for good');
}
