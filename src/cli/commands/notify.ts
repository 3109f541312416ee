/**
 * `headroom notify test` and `headroom notify list`: checking the notification channels of
 * headroom.yaml with a test alert, and showing the outbox of alerts (src/notify/).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { operator } from '../../app/requests.js';
import { type Notification, NOTIFICATION_STATUSES, type NotificationStatus } from '../../domain/engine.js';
import { IncompleteError } from '../../domain/errors.js';
import { sendTestNotification, type TestResult } from '../../notify/test-message.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { type Column, renderTable, toSingleLine } from '../output/table.js';
import { collectList, type Format, formatOption, withContext, write } from './shared.js';

function statusList(value: string, previous: NotificationStatus[] = []): NotificationStatus[] {
  const items = collectList(value).map((v) => v.toLowerCase());
  for (const item of items) {
    if (!(NOTIFICATION_STATUSES as readonly string[]).includes(item)) {
      throw new InvalidArgumentError(
        `'${item}' is not a status; use one of ${NOTIFICATION_STATUSES.join(', ')}.`,
      );
    }
  }
  return [...previous, ...(items as NotificationStatus[])];
}

/** `ops-webhook (webhook): delivered in 84 ms` or `…: failed: <reason>`. */
function testLine(result: TestResult): string {
  const outcome =
    result.status === 'delivered' ? `delivered in ${result.durationMs} ms` : `failed: ${result.error ?? ''}`;
  return `${result.channel} (${result.type}): ${toSingleLine(outcome)}\n`;
}

const LIST_COLUMNS: Column[] = [
  { key: 'id', header: 'ID' },
  { key: 'status', header: 'STATUS' },
  { key: 'channel', header: 'CHANNEL' },
  { key: 'band', header: 'BAND' },
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'attempts', header: 'ATTEMPTS', align: 'right' },
  { key: 'when', header: 'WHEN' },
  { key: 'lastError', header: 'LAST ERROR', maxWidth: 80 },
];

const LIST_CSV = [
  'id',
  'status',
  'channel',
  'kind',
  'band',
  'accountId',
  'region',
  'serviceCode',
  'quotaCode',
  'attempts',
  'nextAttemptAt',
  'lastError',
  'createdAt',
  'deliveredAt',
].map((key) => ({ key, header: key }));

const iso = (date: Date | null) => (date === null ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z'));

function listRow(n: Notification): Record<string, unknown> {
  return {
    id: n.id,
    status: n.status,
    channel: n.channel,
    kind: n.message.kind,
    band: n.message.band,
    accountId: n.message.accountId,
    region: n.message.region,
    serviceCode: n.message.serviceCode,
    quotaCode: n.message.quotaCode,
    target: `${n.message.accountId}:${n.message.region}`,
    quota: `${n.message.serviceCode}/${n.message.quotaCode}`,
    attempts: n.attempts,
    // Pending: when it is tried next; delivered: when; failed: when it was queued.
    when:
      n.status === 'pending'
        ? `next ${iso(n.nextAttemptAt) ?? ''}`
        : n.status === 'delivered'
          ? iso(n.deliveredAt)
          : `queued ${iso(n.createdAt) ?? ''}`,
    nextAttemptAt: n.status === 'pending' ? n.nextAttemptAt : null,
    lastError: n.lastError === null ? null : toSingleLine(n.lastError),
    createdAt: n.createdAt,
    deliveredAt: n.deliveredAt,
  };
}

function emitList(format: Format, notifications: readonly Notification[]): void {
  if (format === 'json') write(renderJson(notifications));
  else if (format === 'csv') write(renderCsv(LIST_CSV, notifications.map(listRow)));
  else if (notifications.length === 0) write('no notifications\n');
  else write(renderTable(LIST_COLUMNS, notifications.map(listRow)));
}

export function registerNotify(program: Command): void {
  const notify = program
    .command('notify')
    .description('notification channels: send a test alert to them, or list the outbox of alerts');

  notify
    .command('test')
    .description('send a test alert to every channel (or the ones named), once each, and say how each went')
    .addOption(
      new Option('--channel <name>', 'only this channel (repeatable, or comma-separated)')
        .argParser(collectList)
        .default([]),
    )
    .addOption(formatOption().choices(['table', 'json']))
    .action(async (flags: { channel: string[]; format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const results = await sendTestNotification(
          {
            store: ctx.store,
            session: ctx.session,
            logger: ctx.logger,
            config: ctx.config,
            actor: operator(),
          },
          flags.channel,
        );
        if (flags.format === 'json') write(renderJson(results));
        else write(results.map(testLine).join(''));
        const failed = results.filter((r) => r.status === 'failed');
        if (failed.length > 0) {
          throw new IncompleteError(
            'HR_NOTIFY_FAILED',
            `${failed.length} of ${results.length} channels did not take the test alert: ${failed.map((r) => r.channel).join(', ')}`,
            {
              hint: 'fix what each line above says (URL, its variable, the secret, topic permissions), then run it again',
            },
          );
        }
      });
    });

  notify
    .command('list')
    .description('the outbox: alerts queued for each channel, newest first, with their delivery status')
    .addOption(
      new Option(
        '--status <status>',
        `only these statuses (repeatable, or comma-separated): ${NOTIFICATION_STATUSES.join(', ')}`,
      )
        .argParser(statusList)
        .default([]),
    )
    .addOption(formatOption())
    .action(async (flags: { status: NotificationStatus[]; format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        emitList(flags.format, await ctx.store.listNotifications({ statuses: flags.status }));
      });
    });
}
