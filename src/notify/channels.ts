/**
 * The notification channels: an AlertMessage rendered the way each channel takes it, and sent
 * once. A send never throws: it gives `delivered`, or a one-line reason. Retrying is the outbox's
 * business (deliver.ts). URLs are secrets (a Slack URL is its own credential), so no URL appears
 * in a reason or a log line beyond its scheme and host, and what a receiver answers is scrubbed
 * of the URL's path before it is kept.
 *
 * webhook: `POST` of the alert as JSON (below) with `Content-Type: application/json`,
 * `User-Agent: headroom/<version>`, `Idempotency-Key: <notification id>` (the same on every
 * retry of one notification) and, with `secretEnv`, `X-Headroom-Signature: sha256=<hex
 * HMAC-SHA256 of the exact body bytes, keyed with the secret>`. Any 2xx is delivered; redirects
 * are not followed (the signature must not travel to another host).
 *
 * The alert JSON, version 1 (the webhook body and the SNS message; fields are only ever added):
 *
 *     {
 *       "version": 1,
 *       "id": "nt-0123456789ab",               // the notification: the same on every retry
 *       "kind": "alert",                        // or "test" (`headroom notify test`)
 *       "band": "critical",                     // ok | warning | critical | emergency
 *       "account": { "id": "111111111111", "name": "production" },   // name may be null
 *       "region": "us-east-1",
 *       "service": "ec2",
 *       "quota": { "code": "L-1216C47A", "name": "Running On-Demand Standard … instances" },
 *       "limit": 256,                           // null: AWS shows none
 *       "usage": 233.5,                         // null: nothing measures it
 *       "utilization": 91.2,                    // percent of the limit; null without both
 *       "rule": "compute",
 *       "decision": "alert",                    // what the engine did or proposes, in words
 *       "reason": "91.2% of the limit is at or above critical (90%)",
 *       "at": "2025-06-01T12:00:00.000Z"        // when the engine decided
 *     }
 *
 * slack: an incoming-webhook message `{ text, blocks }`: `text` is the one-line fallback
 * (notifications, screen readers), `blocks` a section with the same line and mrkdwn fields
 * (quota, target, usage / limit, rule, decision, reason) and a context line with the id.
 *
 * sns: `Publish` to the topic, in the topic's account and region (headroom must reach that
 * account, and may there publish to it: `sns:Publish`), with `Subject` the one-line headline cut
 * to 99 characters, `Message` the alert JSON, and the String message attributes `kind`, `band`
 * and `service` (for subscription filter policies).
 */
import { createHmac } from 'node:crypto';
import type { ReadableStream } from 'node:stream/web';
import { PublishCommand } from '@aws-sdk/client-sns';
import { errorName, problemLine } from '../aws/errors.js';
import type { AwsSession } from '../aws/session.js';
import type { Config } from '../config/schema.js';
import type { AlertMessage } from '../domain/engine.js';
import type { Target } from '../domain/target.js';
import { HEADROOM_VERSION } from '../server/version.js';

/** What publishing to an SNS topic calls (the IAM policy is built from this). */
export const NOTIFY_IAM_ACTIONS = ['sns:Publish'] as const;

export type ChannelConfig = Config['notifications']['channels'][string];
export type ChannelType = ChannelConfig['type'];

/** A send's outcome: delivered, or why not, in one line without secrets. */
export type SendResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** What a send needs besides the channel and the message. */
export interface SendContext {
  readonly session: AwsSession;
  /** Where `urlEnv` and `secretEnv` are read, at send time. */
  readonly env: NodeJS.ProcessEnv;
  /** The most one send may take, retries of the SDK included. */
  readonly timeoutMs: number;
}

/** The alert JSON of the file header: the webhook body and the SNS message. */
export interface AlertPayload {
  readonly version: 1;
  readonly id: string;
  readonly kind: AlertMessage['kind'];
  readonly band: AlertMessage['band'];
  readonly account: { readonly id: string; readonly name: string | null };
  readonly region: string;
  readonly service: string;
  readonly quota: { readonly code: string; readonly name: string };
  readonly limit: number | null;
  readonly usage: number | null;
  readonly utilization: number | null;
  readonly rule: string;
  readonly decision: string;
  readonly reason: string;
  readonly at: string;
}

/** Slack's incoming-webhook body. */
export interface SlackPayload {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

/** How much of a receiver's answer a failure keeps. */
const EXCERPT_CHARS = 200;
/** SNS takes a subject of fewer than 100 characters, without line breaks. */
const SNS_SUBJECT_MAX = 99;
/** Slack allows 2000 characters per field; reasons are far shorter, and a flood helps no one. */
const SLACK_FIELD_MAX = 500;

const SLACK_EMOJI: Readonly<Record<AlertMessage['band'], string>> = {
  ok: ':white_check_mark:',
  warning: ':warning:',
  critical: ':rotating_light:',
  emergency: ':fire:',
};

export function alertPayload(id: string, message: AlertMessage): AlertPayload {
  return {
    version: 1,
    id,
    kind: message.kind,
    band: message.band,
    account: { id: message.accountId, name: message.accountName },
    region: message.region,
    service: message.serviceCode,
    quota: { code: message.quotaCode, name: message.quotaName },
    limit: message.limit,
    usage: message.usage,
    utilization: message.utilization,
    rule: message.rule,
    decision: message.decision,
    reason: message.reason,
    at: message.at,
  };
}

function formatAmount(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** `at 91.2% of 256`, `usage 12 (no limit)`, or nothing when nothing is known. */
function levelPhrase(message: AlertMessage): string {
  if (message.utilization !== null && message.limit !== null) {
    return ` at ${message.utilization.toFixed(1)}% of ${formatAmount(message.limit)}`;
  }
  if (message.usage === null) return '';
  return message.limit === null
    ? ` usage ${formatAmount(message.usage)} (no limit)`
    : ` usage ${formatAmount(message.usage)} of ${formatAmount(message.limit)}`;
}

/**
 * One line saying it all: `CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 91.2% of 256`;
 * a test says `TEST` first and that it is one.
 */
export function headline(message: AlertMessage): string {
  const line = `${message.band.toUpperCase()} ${message.serviceCode}/${message.quotaCode} in ${message.accountId}:${message.region}${levelPhrase(message)}`;
  return oneLine(message.kind === 'test' ? `TEST ${line} (a test from headroom; nothing to do)` : line);
}

/** The SNS subject: `headroom: ` and the headline, on one line, cut to SNS's limit. */
export function snsSubject(message: AlertMessage): string {
  return cut(`headroom: ${headline(message)}`, SNS_SUBJECT_MAX, '...');
}

/** Slack's mrkdwn treats these three as markup; everything else is shown as written. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackField(title: string, value: string): Record<string, unknown> {
  return { type: 'mrkdwn', text: `*${title}*\n${slackEscape(cut(value, SLACK_FIELD_MAX, '…'))}` };
}

export function slackPayload(id: string, message: AlertMessage): SlackPayload {
  const emoji = message.kind === 'test' ? ':test_tube:' : SLACK_EMOJI[message.band];
  const text = `${emoji} ${headline(message)}`;
  const usage =
    message.usage === null && message.limit === null
      ? 'not known'
      : `${message.usage === null ? '?' : formatAmount(message.usage)} / ${message.limit === null ? 'no limit' : formatAmount(message.limit)}` +
        (message.utilization === null ? '' : ` (${message.utilization.toFixed(1)}%)`);
  const account =
    message.accountName === null ? message.accountId : `${message.accountName} (${message.accountId})`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: slackEscape(text) },
        fields: [
          slackField('Quota', `${message.quotaName} (${message.serviceCode}/${message.quotaCode})`),
          slackField('Target', `${account} ${message.region}`),
          slackField('Usage / limit', usage),
          slackField('Rule', message.rule),
          slackField('Decision', message.decision),
          slackField('Reason', message.reason),
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: slackEscape(
              `headroom ${message.kind === 'test' ? 'test notification' : 'alert'} ${id} at ${message.at}`,
            ),
          },
        ],
      },
    ],
  };
}

/** `sha256=` and the hex HMAC-SHA256 of the body with the secret: X-Headroom-Signature. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Scheme and host of a URL, all of it a log or an error may show. */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** The topic's account and region, from its ARN (`arn:aws:sns:REGION:ACCOUNT:NAME`). */
export function topicTarget(topicArn: string): Target & { readonly name: string } {
  const [, , , region = '', accountId = '', name = ''] = topicArn.split(':');
  return { accountId, region, name };
}

/** Sends the message to the channel, once. Never throws. */
export async function sendToChannel(
  channel: ChannelConfig,
  id: string,
  message: AlertMessage,
  context: SendContext,
): Promise<SendResult> {
  try {
    if (channel.type === 'sns') return await publishToTopic(channel.topicArn, id, message, context);
    const url = resolveUrl(channel, context.env);
    if (typeof url === 'string') return { ok: false, error: url };
    if (channel.type === 'slack') {
      return await post(url, JSON.stringify(slackPayload(id, message)), { 'Idempotency-Key': id }, context);
    }
    const body = JSON.stringify(alertPayload(id, message));
    const headers: Record<string, string> = { 'Idempotency-Key': id };
    if (channel.secretEnv !== undefined) {
      const secret = context.env[channel.secretEnv] ?? '';
      if (secret === '') return { ok: false, error: `${channel.secretEnv} is not set (the signing secret)` };
      headers['X-Headroom-Signature'] = signBody(body, secret);
    }
    return await post(url, body, headers, context);
  } catch (error) {
    // A bug, not the receiver: still one line, and the outbox keeps the alert.
    return { ok: false, error: `unexpected ${errorName(error)}: ${oneLine(String(error)).slice(0, 200)}` };
  }
}

/** The channel's URL, or why there is none (never echoing a variable's value). */
function resolveUrl(
  channel: { url?: string | undefined; urlEnv?: string | undefined },
  env: NodeJS.ProcessEnv,
): URL | string {
  const name = channel.urlEnv ?? 'url';
  const text = (channel.url ?? (channel.urlEnv === undefined ? '' : env[channel.urlEnv]) ?? '').trim();
  if (text === '') return channel.urlEnv === undefined ? 'the channel has no url' : `${name} is not set`;
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // Reported below, without the text.
  }
  return `${name} does not hold an http(s) URL`;
}

/** Why a request got no answer: the network's code (ECONNREFUSED, UND_ERR_SOCKET…) where there is one. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    current = cause;
  }
  return errorName(error);
}

async function post(
  url: URL,
  body: string,
  extra: Record<string, string>,
  context: SendContext,
): Promise<SendResult> {
  const where = redactUrl(url);
  const signal = AbortSignal.timeout(context.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': `headroom/${HEADROOM_VERSION}`,
        ...extra,
      },
      body,
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    if (signal.aborted) {
      return { ok: false, error: `${where} gave no answer within ${seconds(context.timeoutMs)}` };
    }
    return { ok: false, error: `cannot reach ${where} (${networkReason(error)})` };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: true };
  }
  const said = scrub(await excerpt(response), url);
  const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
  return {
    ok: false,
    error: `${where} answered ${response.status}${redirect}${said === '' ? '' : `: ${said}`}`,
  };
}

/** The start of a response's body, on one line; what could not be read is left out. */
async function excerpt(response: Response): Promise<string> {
  // fetch's body is a byte stream; Node's types leave its chunks untyped.
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < 4 * EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // Timed out or cut off mid-body: what arrived is enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return cut(oneLine(Buffer.concat(chunks).toString('utf8')), EXCERPT_CHARS, '…');
}

/** Takes the URL's secret parts (path, query, user) out of what a receiver said. */
function scrub(text: string, url: URL): string {
  const secrets = [
    url.href,
    `${url.pathname}${url.search}`,
    url.pathname,
    url.search,
    url.username,
    url.password,
  ]
    .filter((part) => part.length > 1)
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((scrubbed, part) => scrubbed.split(part).join('[redacted]'), text);
}

async function publishToTopic(
  topicArn: string,
  id: string,
  message: AlertMessage,
  context: SendContext,
): Promise<SendResult> {
  const topic = topicTarget(topicArn);
  const signal = AbortSignal.timeout(context.timeoutMs);
  const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
  try {
    await context.session.sns({ accountId: topic.accountId, region: topic.region }).send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: snsSubject(message),
        Message: JSON.stringify(alertPayload(id, message)),
        MessageAttributes: {
          kind: attribute(message.kind),
          band: attribute(message.band),
          service: attribute(message.serviceCode),
        },
      }),
      { abortSignal: signal },
    );
    return { ok: true };
  } catch (error) {
    if (signal.aborted) {
      return {
        ok: false,
        error: `sns:Publish to topic ${topic.name} gave no answer within ${seconds(context.timeoutMs)}`,
      };
    }
    const line = problemLine(error, {
      action: 'sns:Publish',
      where: `${topic.accountId}:${topic.region}`,
      endpoint: context.session.endpoint,
    });
    return { ok: false, error: `topic ${topic.name}: ${oneLine(line)}` };
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** Line breaks and other control characters become spaces; runs of space one. */
function oneLine(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(text: string, max: number, ellipsis: string): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max - Array.from(ellipsis).length).join('') + ellipsis;
}
