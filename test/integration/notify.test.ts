/**
 * Notifications end to end, with real parts: HTTP receivers on 127.0.0.1 (a webhook, Slack, one
 * that fails, one that never answers), an in-memory SQLite store as the outbox and audit trail,
 * and SNS on the sandbox through headroom's own AwsSession. Retries are made due by moving the
 * injected clock, never by sleeping.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsSession } from '../../src/aws/session.js';
import type { Config } from '../../src/config/schema.js';
import type { AlertMessage } from '../../src/domain/engine.js';
import { UsageError } from '../../src/domain/errors.js';
import { silentLogger } from '../../src/logging/logger.js';
import { alertPayload, type ChannelConfig, slackPayload, snsSubject } from '../../src/notify/channels.js';
import { deliverDue, type DeliveryDeps, deliverPending, notificationsFor } from '../../src/notify/deliver.js';
import { sendTestNotification } from '../../src/notify/test-message.js';
import { HEADROOM_VERSION } from '../../src/server/version.js';
import type { Store } from '../../src/storage/port.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { counterSession } from '../helpers/counting.js';
import { clientSettings, sandboxAccounts, sandboxForTests } from '../helpers/sandbox.js';

const sandbox = sandboxForTests({ throttle: 'off' });

const START = new Date('2025-06-01T12:00:00.000Z');
const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxb-very-secret-token';

const ALERT: AlertMessage = {
  kind: 'alert',
  band: 'critical',
  accountId: '111111111111',
  accountName: 'production',
  region: 'us-east-1',
  serviceCode: 'ec2',
  quotaCode: 'L-1216C47A',
  quotaName: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances',
  limit: 256,
  usage: 233.5,
  utilization: 91.2,
  rule: 'compute',
  decision: 'alert',
  reason: '91.2% of the limit is at or above critical (90%)',
  at: START.toISOString(),
};

// ---- receivers ------------------------------------------------------------------------------

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly body?: string;
}

interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** The most requests it held at once. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];

/**
 * An HTTP server on 127.0.0.1 answering each request (numbered from 1) as `answer` says, after
 * `delayMs`; `hang` never answers.
 */
async function startReceiver(
  answer: (request: Received, n: number) => Answer | 'hang',
  delayMs = 0,
): Promise<Receiver> {
  const received: Received[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res: ServerResponse) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      const reply = answer(request, received.length);
      if (reply === 'hang') return;
      setTimeout(() => {
        inFlight--;
        res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(reply.body ?? '');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    received,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  receivers.push(receiver);
  return receiver;
}

const ok = (): Answer => ({ status: 200, body: 'ok' });

// ---- wiring ---------------------------------------------------------------------------------

let session: AwsSession;
let store: Store;
let clock: Date;

beforeAll(() => {
  session = counterSession(sandbox);
});

afterAll(() => {
  session.close();
});

beforeEach(async () => {
  store = await openSqliteStore(':memory:');
  clock = START;
});

afterEach(async () => {
  await store.close();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function deps(
  channels: Record<string, ChannelConfig>,
  options: { attempts?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): DeliveryDeps {
  const config: Pick<Config, 'notifications'> = {
    notifications: { channels, attempts: options.attempts ?? 5, timeoutMs: options.timeoutMs ?? 5_000 },
  };
  return { store, session, logger: silentLogger(), config, env: options.env ?? {}, now: () => clock };
}

async function enqueue(message: AlertMessage, channels: readonly string[]) {
  const made = notificationsFor(message, channels, clock);
  await store.enqueueNotifications(made);
  return made;
}

/** Moves the clock past every scheduled retry (backoff is at most 1 h, +20%). */
function laterBy(ms: number): void {
  clock = new Date(clock.getTime() + ms);
}

async function stored(id: string) {
  const found = (await store.listNotifications()).find((n) => n.id === id);
  if (!found) throw new Error(`no notification ${id}`);
  return found;
}

// ---- tests ----------------------------------------------------------------------------------

describe('a webhook channel', () => {
  it('POSTs the alert JSON with its headers, signed with the secret, and records the delivery', async () => {
    const receiver = await startReceiver(() => ({ status: 204 }));
    const d = deps(
      { ops: { type: 'webhook', url: `${receiver.url}/hooks/quota`, secretEnv: 'HOOK_SECRET' } },
      { env: { HOOK_SECRET: 'correct horse battery staple' } },
    );
    const [notification] = await enqueue(ALERT, ['ops']);
    const id = notification?.id ?? '';

    const summary = await deliverDue(d);

    expect(summary).toEqual({
      delivered: 1,
      retrying: 0,
      failed: 0,
      results: [{ id, channel: 'ops', status: 'delivered', attempts: 1, error: null, nextAttemptAt: null }],
    });
    const [request] = receiver.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/quota');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe(`headroom/${HEADROOM_VERSION}`);
    expect(request?.headers['idempotency-key']).toBe(id);
    const body = request?.body ?? '';
    expect(request?.headers['x-headroom-signature']).toBe(
      `sha256=${createHmac('sha256', 'correct horse battery staple').update(body).digest('hex')}`,
    );
    expect(JSON.parse(body)).toEqual({
      version: 1,
      id,
      kind: 'alert',
      band: 'critical',
      account: { id: '111111111111', name: 'production' },
      region: 'us-east-1',
      service: 'ec2',
      quota: { code: 'L-1216C47A', name: 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances' },
      limit: 256,
      usage: 233.5,
      utilization: 91.2,
      rule: 'compute',
      decision: 'alert',
      reason: '91.2% of the limit is at or above critical (90%)',
      at: '2025-06-01T12:00:00.000Z',
    });
    expect(await stored(id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastError: null,
      deliveredAt: START,
    });
    const audit = await store.auditEntries({ kinds: ['notification'] });
    expect(
      audit.map((e) => ({ actor: e.actor, subject: e.subject, summary: e.summary, data: e.data })),
    ).toEqual([
      {
        actor: 'engine',
        subject: 'ops 111111111111:us-east-1 ec2/L-1216C47A',
        summary: 'critical alert for ec2/L-1216C47A in 111111111111:us-east-1 delivered to ops (attempt 1)',
        data: { notification: id, channel: 'ops', status: 'delivered', attempts: 1, error: null },
      },
    ]);
    // Nothing is due any more.
    expect((await deliverDue(d)).results).toEqual([]);
  });

  it('sends no signature header without secretEnv, and refuses to send unsigned when its variable is unset', async () => {
    const receiver = await startReceiver(ok);
    await enqueue(ALERT, ['plain', 'signed']);
    const summary = await deliverDue(
      deps({
        plain: { type: 'webhook', url: receiver.url },
        signed: { type: 'webhook', url: receiver.url, secretEnv: 'HOOK_SECRET' },
      }),
    );
    expect(summary.results.map((r) => [r.channel, r.status, r.error])).toEqual(
      expect.arrayContaining([
        ['plain', 'delivered', null],
        ['signed', 'retrying', 'HOOK_SECRET is not set (the signing secret)'],
      ]),
    );
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers['x-headroom-signature']).toBeUndefined();
  });

  it('retries a receiver that answers 500 twice, and delivers on the third attempt with the same key', async () => {
    const receiver = await startReceiver((_r, n) => (n <= 2 ? { status: 500, body: 'upstream down' } : ok()));
    const d = deps({ ops: { type: 'webhook', url: receiver.url } });
    const [notification] = await enqueue(ALERT, ['ops']);
    const id = notification?.id ?? '';

    const first = await deliverDue(d);
    expect(first.results[0]).toMatchObject({
      status: 'retrying',
      attempts: 1,
      error: `${receiver.url} answered 500: upstream down`,
    });
    const firstRetry = first.results[0]?.nextAttemptAt?.getTime() ?? 0;
    expect(firstRetry - START.getTime()).toBeGreaterThanOrEqual(24_000);
    expect(firstRetry - START.getTime()).toBeLessThanOrEqual(36_000);
    expect(await stored(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: `${receiver.url} answered 500: upstream down`,
    });

    // Not due yet: nothing is sent.
    laterBy(20_000);
    expect((await deliverDue(d)).results).toEqual([]);
    expect(receiver.received).toHaveLength(1);

    laterBy(20_000);
    const second = await deliverDue(d);
    expect(second.results[0]).toMatchObject({ status: 'retrying', attempts: 2 });
    const secondWait = (second.results[0]?.nextAttemptAt?.getTime() ?? 0) - clock.getTime();
    expect(secondWait).toBeGreaterThanOrEqual(48_000);
    expect(secondWait).toBeLessThanOrEqual(72_000);

    laterBy(72_000);
    const third = await deliverDue(d);
    expect(third).toMatchObject({ delivered: 1, retrying: 0, failed: 0 });
    expect(await stored(id)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastError: null,
      deliveredAt: clock,
    });
    expect(receiver.received.map((r) => r.headers['idempotency-key'])).toEqual([id, id, id]);
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    const audit = await store.auditEntries({ kinds: ['notification'] });
    expect(audit.map((e) => e.data.status)).toEqual(['retrying', 'retrying', 'delivered']);
    expect(audit[0]?.summary).toMatch(
      /^critical alert for ec2\/L-1216C47A in 111111111111:us-east-1 to ops: attempt 1 of 5 failed, next at 2025-06-01T12:00:\d\d\.\d{3}Z: http:\/\/127\.0\.0\.1:\d+ answered 500: upstream down$/,
    );
  });

  it('gives up after notifications.attempts, and never shows the URL’s path even when the receiver echoes it', async () => {
    const receiver = await startReceiver((r) => ({
      status: 503,
      body: `no route for POST ${r.path}\n(try later)`,
    }));
    const d = deps(
      { chat: { type: 'slack', urlEnv: 'HEADROOM_SLACK_URL' } },
      { attempts: 3, env: { HEADROOM_SLACK_URL: `${receiver.url}${SECRET_PATH}?token=abc123` } },
    );
    const [notification] = await enqueue(ALERT, ['chat']);
    const id = notification?.id ?? '';
    const statuses: string[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const summary = await deliverDue(d);
      statuses.push(...summary.results.map((r) => `${r.status}:${r.attempts}`));
      laterBy(3_600_000 * 1.2);
    }
    expect(statuses).toEqual(['retrying:1', 'retrying:2', 'failed:3']);
    const failed = await stored(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, deliveredAt: null });
    expect(failed.lastError).toBe(`${receiver.url} answered 503: no route for POST [redacted] (try later)`);
    // Given up: never sent again.
    expect((await deliverDue(d)).results).toEqual([]);
    expect(receiver.received).toHaveLength(3);
    const audit = await store.auditEntries({ kinds: ['notification'] });
    expect(audit.at(-1)?.summary).toContain('to chat failed for good after 3 attempts');
    for (const text of [failed.lastError ?? '', ...audit.map((e) => JSON.stringify(e))]) {
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain('abc123');
    }
  });

  it('gives a slow receiver up at the timeout', async () => {
    const receiver = await startReceiver(() => 'hang');
    const d = deps({ ops: { type: 'webhook', url: receiver.url } }, { timeoutMs: 300 });
    await enqueue(ALERT, ['ops']);
    const started = performance.now();
    const summary = await deliverDue(d);
    const elapsed = performance.now() - started;
    expect(summary.results[0]).toMatchObject({
      status: 'retrying',
      error: `${receiver.url} gave no answer within 0.3 s`,
    });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('names a refused connection by its code', async () => {
    const receiver = await startReceiver(ok);
    await receiver.close();
    await enqueue(ALERT, ['ops']);
    const summary = await deliverDue(deps({ ops: { type: 'webhook', url: `${receiver.url}/hook` } }));
    expect(summary.results[0]?.error).toBe(`cannot reach ${receiver.url} (ECONNREFUSED)`);
  });

  it('does not follow a redirect', async () => {
    const receiver = await startReceiver((r) =>
      r.path === '/moved' ? ok() : { status: 307, body: 'see /moved' },
    );
    await enqueue(ALERT, ['ops']);
    const summary = await deliverDue(deps({ ops: { type: 'webhook', url: `${receiver.url}/hook` } }));
    expect(summary.results[0]?.error).toMatch(/answered 307 \(redirects are not followed\)/);
    expect(receiver.received).toHaveLength(1);
  });

  it('sends at most four at once', async () => {
    const receiver = await startReceiver(ok, 100);
    const channels = Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name) => [
        name,
        { type: 'webhook' as const, url: receiver.url },
      ]),
    );
    await enqueue(ALERT, Object.keys(channels));
    const summary = await deliverDue(deps(channels));
    expect(summary.delivered).toBe(8);
    expect(receiver.maxInFlight()).toBe(4);
  });
});

describe('a Slack channel', () => {
  it('posts text and blocks to the URL its variable holds', async () => {
    const receiver = await startReceiver(ok);
    const d = deps(
      { chat: { type: 'slack', urlEnv: 'HEADROOM_SLACK_URL' } },
      { env: { HEADROOM_SLACK_URL: `${receiver.url}${SECRET_PATH}` } },
    );
    const [notification] = await enqueue(ALERT, ['chat']);
    expect((await deliverDue(d)).delivered).toBe(1);
    const [request] = receiver.received;
    expect(request?.path).toBe(SECRET_PATH);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request?.body ?? '{}') as { text: string; blocks: unknown[] };
    expect(body).toEqual(slackPayload(notification?.id ?? '', ALERT));
    expect(body.text).toBe(
      ':rotating_light: CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 91.2% of 256',
    );
    expect(body.blocks).toHaveLength(2);
  });

  it('fails, naming the variable, when the variable is not set', async () => {
    await enqueue(ALERT, ['chat']);
    const summary = await deliverDue(
      deps({ chat: { type: 'slack', urlEnv: 'HEADROOM_SLACK_URL' } }, { env: {} }),
    );
    expect(summary.results[0]).toMatchObject({ status: 'retrying', error: 'HEADROOM_SLACK_URL is not set' });
  });

  it('fails without echoing a variable that holds no URL', async () => {
    await enqueue(ALERT, ['chat']);
    const summary = await deliverDue(
      deps(
        { chat: { type: 'slack', urlEnv: 'HEADROOM_SLACK_URL' } },
        { env: { HEADROOM_SLACK_URL: 'xoxb-not-a-url' } },
      ),
    );
    expect(summary.results[0]?.error).toBe('HEADROOM_SLACK_URL does not hold an http(s) URL');
  });
});

describe('a channel removed from the config', () => {
  it('fails its notifications at once, saying so', async () => {
    const [notification] = await enqueue(ALERT, ['gone']);
    const summary = await deliverDue(deps({}));
    expect(summary.results).toEqual([
      {
        id: notification?.id,
        channel: 'gone',
        status: 'failed',
        attempts: 0,
        error: 'the channel gone is no longer in notifications.channels',
        nextAttemptAt: null,
      },
    ]);
  });
});

describe('an SNS channel', () => {
  it('publishes to the topic with the subject, the alert JSON and the attributes', async () => {
    const { management } = sandboxAccounts(sandbox);
    const sns = new SNSClient(clientSettings(sandbox));
    const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: 'headroom-alerts' }));
    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:${management.id}:headroom-alerts`);
    const [notification] = await enqueue(ALERT, ['topic']);
    const summary = await deliverDue(deps({ topic: { type: 'sns', topicArn: TopicArn } }));
    expect(summary.delivered).toBe(1);
    const messages = sandbox.admin.snsMessages().filter((m) => m.topicArn === TopicArn);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toBe(snsSubject(ALERT));
    expect(messages[0]?.subject).toBe(
      'headroom: CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 91.2% of 256',
    );
    expect(JSON.parse(messages[0]?.message ?? '{}')).toEqual(alertPayload(notification?.id ?? '', ALERT));
  });

  it("reaches a topic in a member account through headroom's role there", async () => {
    const { production } = sandboxAccounts(sandbox);
    const index = sandbox.admin.accounts().findIndex((a) => a.id === production.id);
    const sns = new SNSClient(clientSettings(sandbox, { account: index, region: 'eu-west-1' }));
    const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: 'prod-alerts' }));
    await enqueue(ALERT, ['topic']);
    expect((await deliverDue(deps({ topic: { type: 'sns', topicArn: TopicArn } }))).delivered).toBe(1);
    expect(sandbox.admin.snsMessages().filter((m) => m.topicArn === TopicArn)).toHaveLength(1);
  });

  it('turns an SDK error into one line naming the topic', async () => {
    const { management } = sandboxAccounts(sandbox);
    await enqueue(ALERT, ['topic']);
    const summary = await deliverDue(
      deps({ topic: { type: 'sns', topicArn: `arn:aws:sns:us-east-1:${management.id}:no-such-topic` } }),
    );
    const error = summary.results[0]?.error ?? '';
    expect(error).toMatch(
      new RegExp(
        `^topic no-such-topic: sns:Publish in ${management.id}:us-east-1 failed: NotFoundException: Topic does not exist; `,
      ),
    );
    expect(error).not.toContain('\n');
  });
});

describe('deliverPending', () => {
  it('waits for a retry that falls due within waitMs, and delivers it', async () => {
    const receiver = await startReceiver((_r, n) => (n === 1 ? { status: 502 } : ok()));
    await enqueue(ALERT, ['ops']);
    const slept: number[] = [];
    const summary = await deliverPending(deps({ ops: { type: 'webhook', url: receiver.url } }), {
      rounds: 3,
      waitMs: 60_000,
      sleep: (ms) => {
        slept.push(ms);
        laterBy(ms);
        return Promise.resolve();
      },
    });
    expect(summary).toMatchObject({ delivered: 1, retrying: 0, failed: 0 });
    expect(summary.results[0]?.attempts).toBe(2);
    expect(slept).toHaveLength(1);
    expect(slept[0]).toBeGreaterThanOrEqual(24_000);
    expect(slept[0]).toBeLessThanOrEqual(36_000);
  });

  it('leaves a retry due later than waitMs to the next run', async () => {
    const receiver = await startReceiver(() => ({ status: 502 }));
    await enqueue(ALERT, ['ops']);
    const summary = await deliverPending(deps({ ops: { type: 'webhook', url: receiver.url } }), {
      rounds: 5,
      waitMs: 1_000,
      sleep: () => Promise.reject(new Error('should not wait')),
    });
    expect(summary).toMatchObject({ delivered: 0, retrying: 1, failed: 0 });
    expect(receiver.received).toHaveLength(1);
  });
});

describe('sendTestNotification', () => {
  it('sends a labelled test to each channel once, in order, and audits each', async () => {
    const good = await startReceiver(ok);
    const bad = await startReceiver(() => ({ status: 500, body: 'nope' }));
    const d = {
      ...deps({ good: { type: 'webhook', url: good.url }, bad: { type: 'webhook', url: bad.url } }),
      actor: 'alice@example',
    };
    const results = await sendTestNotification(d);
    expect(results.map((r) => [r.channel, r.type, r.status, r.error])).toEqual([
      ['good', 'webhook', 'delivered', null],
      ['bad', 'webhook', 'failed', `${bad.url} answered 500: nope`],
    ]);
    expect(bad.received).toHaveLength(1);
    const body = JSON.parse(good.received[0]?.body ?? '{}') as { kind: string; band: string; reason: string };
    expect(body).toMatchObject({ kind: 'test', band: 'warning' });
    expect(body.reason).toContain('headroom notify test');
    // Tests do not go through the outbox.
    expect(await store.listNotifications()).toEqual([]);
    const audit = await store.auditEntries({ kinds: ['notification'] });
    expect(audit.map((e) => [e.actor, e.subject, e.data.status, e.data.test])).toEqual([
      ['alice@example', 'good test', 'delivered', true],
      ['alice@example', 'bad test', 'failed', true],
    ]);

    const only = await sendTestNotification(d, ['good']);
    expect(only.map((r) => r.channel)).toEqual(['good']);
  });

  it('refuses an unknown channel, listing the configured ones, before sending anything', async () => {
    const good = await startReceiver(ok);
    const d = deps({ good: { type: 'webhook', url: good.url }, other: { type: 'webhook', url: good.url } });
    const error = await sendTestNotification(d, ['good', 'nope']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({
      message: "--channel 'nope' is no channel under notifications.channels",
      hint: 'use one of: good, other',
    });
    expect(good.received).toEqual([]);
  });

  it('says when no channel is configured', async () => {
    const error = await sendTestNotification(deps({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('no notification channels are configured');
    expect((error as UsageError).hint).toContain('notifications.channels in headroom.yaml');
  });
});
