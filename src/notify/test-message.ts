/**
 * `headroom notify test`: a test alert sent straight to each channel (not through the outbox),
 * one attempt each, so that a person setting up a channel sees at once whether it works and,
 * if not, why. The message says plainly that it is a test; each send is in the audit trail.
 */
import type { Logger } from 'pino';
import type { AwsSession } from '../aws/session.js';
import { lanes } from '../collect/lanes.js';
import type { Config } from '../config/schema.js';
import type { AuditInput } from '../domain/audit.js';
import type { AlertMessage } from '../domain/engine.js';
import { UsageError } from '../domain/errors.js';
import type { Store } from '../storage/port.js';
import { type ChannelType, sendToChannel } from './channels.js';
import { newNotificationId } from './deliver.js';

export interface TestDeps {
  readonly store: Store;
  readonly session: AwsSession;
  readonly logger: Logger;
  readonly config: Pick<Config, 'notifications'>;
  readonly env?: NodeJS.ProcessEnv;
  readonly now?: () => Date;
  /** Who asked, for the audit trail (default `engine`). */
  readonly actor?: string;
}

export interface TestResult {
  readonly channel: string;
  readonly type: ChannelType;
  /** The id the test was sent with (the webhook's Idempotency-Key). */
  readonly id: string;
  readonly status: 'delivered' | 'failed';
  readonly error: string | null;
  readonly durationMs: number;
}

/** The test alert: a warning on a made-up account, labelled as a test everywhere it shows. */
export function testMessage(now: Date): AlertMessage {
  return {
    kind: 'test',
    band: 'warning',
    accountId: '000000000000',
    accountName: 'headroom-test',
    region: 'us-east-1',
    serviceCode: 'ec2',
    quotaCode: 'L-1216C47A',
    quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
    limit: 256,
    usage: 205,
    utilization: 80.1,
    rule: 'notify-test',
    decision: 'none: this is a test',
    reason: 'sent by `headroom notify test` to check this channel; no quota is near its limit',
    at: now.toISOString(),
  };
}

/**
 * Sends the test alert to the named channels (every configured one when none are named), at
 * most a few at a time, and gives each one's outcome in the order asked. A name that is no
 * channel, or no channels at all, is a UsageError before anything is sent.
 */
export async function sendTestNotification(
  deps: TestDeps,
  channelNames: readonly string[] = [],
): Promise<TestResult[]> {
  const { channels, timeoutMs } = deps.config.notifications;
  const configured = Object.keys(channels);
  if (configured.length === 0) {
    throw new UsageError('no notification channels are configured', {
      hint: 'write notifications.channels in headroom.yaml (a webhook, slack or sns channel); see docs/configuration.md',
    });
  }
  const unknown = channelNames.find((name) => channels[name] === undefined);
  if (unknown !== undefined) {
    throw new UsageError(`--channel '${unknown}' is no channel under notifications.channels`, {
      hint: `use one of: ${configured.join(', ')}`,
    });
  }
  const clock = deps.now ?? (() => new Date());
  const message = testMessage(clock());
  const lane = lanes(4);
  const names = channelNames.length > 0 ? [...new Set(channelNames)] : configured;
  const chosen = names.flatMap((name) => {
    const channel = channels[name];
    return channel === undefined ? [] : [{ name, channel }];
  });
  const results = await Promise.all(
    chosen.map(({ name, channel }) =>
      lane(async (): Promise<TestResult> => {
        const id = newNotificationId();
        const started = performance.now();
        const sent = await sendToChannel(channel, id, message, {
          session: deps.session,
          env: deps.env ?? process.env,
          timeoutMs,
        });
        return {
          channel: name,
          type: channel.type,
          id,
          status: sent.ok ? 'delivered' : 'failed',
          error: sent.ok ? null : sent.error,
          durationMs: Math.round(performance.now() - started),
        };
      }),
    ),
  );
  const at = clock();
  await deps.store.appendAudit(results.map((r) => auditEntry(r, at, deps.actor ?? 'engine')));
  for (const r of results) {
    const fields = { notification: r.id, channel: r.channel, error: r.error ?? undefined };
    if (r.status === 'delivered') deps.logger.info(fields, 'test notification delivered');
    else deps.logger.warn(fields, 'test notification failed');
  }
  return results;
}

function auditEntry(result: TestResult, at: Date, actor: string): AuditInput {
  return {
    at,
    kind: 'notification',
    actor,
    subject: `${result.channel} test`,
    summary:
      result.status === 'delivered'
        ? `test notification delivered to ${result.channel} (${result.type})`
        : `test notification to ${result.channel} (${result.type}) failed: ${result.error ?? ''}`,
    data: {
      notification: result.id,
      channel: result.channel,
      status: result.status,
      attempts: 1,
      error: result.error,
      test: true,
    },
  };
}
