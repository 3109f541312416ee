/**
 * What each channel says, without the network: the alert JSON, the one-line headline, the SNS
 * subject within SNS's limit, Slack's blocks with mrkdwn escaped, the signature, URL redaction,
 * and the outbox's records and backoff. Sending is tested against real receivers and the sandbox
 * in test/integration/notify.test.ts.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../domain/engine.js';
import {
  alertPayload,
  headline,
  redactUrl,
  signBody,
  slackPayload,
  snsSubject,
  topicTarget,
} from './channels.js';
import { notificationsFor, retryDelayMs } from './deliver.js';
import { testMessage } from './test-message.js';

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
  at: '2025-06-01T12:00:00.000Z',
};

describe('the alert JSON', () => {
  it('has one stable shape, nested where a thing has an id and a name', () => {
    expect(alertPayload('nt-0123456789ab', ALERT)).toEqual({
      version: 1,
      id: 'nt-0123456789ab',
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
  });
});

describe('the headline', () => {
  it.each<[string, Partial<AlertMessage>, string]>([
    ['utilization', {}, 'CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 91.2% of 256'],
    [
      'a large limit',
      { limit: 12_500, utilization: 80 },
      'CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 80.0% of 12,500',
    ],
    [
      'no limit',
      { limit: null, utilization: null },
      'CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 usage 233.5 (no limit)',
    ],
    [
      'nothing measured',
      { usage: null, utilization: null },
      'CRITICAL ec2/L-1216C47A in 111111111111:us-east-1',
    ],
  ])('with %s', (_what, change, expected) => {
    expect(headline({ ...ALERT, ...change })).toBe(expected);
  });

  it('says a test is a test', () => {
    expect(headline(testMessage(new Date('2025-06-01T12:00:00Z')))).toBe(
      'TEST WARNING ec2/L-1216C47A in 000000000000:us-east-1 at 80.1% of 256 (a test from headroom; nothing to do)',
    );
  });
});

describe('the SNS subject', () => {
  it('is the headline after headroom:', () => {
    expect(snsSubject(ALERT)).toBe(
      'headroom: CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 91.2% of 256',
    );
  });

  it('stays under 100 characters on one line, however long the parts', () => {
    const long = snsSubject({
      ...ALERT,
      band: 'emergency',
      serviceCode: 'elasticloadbalancing',
      region: 'ap-southeast-1\nX-Injected: yes',
      limit: 1_000_000,
      utilization: 100,
    });
    expect(long.length).toBeLessThan(100);
    expect(long).not.toMatch(/[\n\r]/);
    expect(long.endsWith('...')).toBe(true);
    expect(snsSubject(testMessage(new Date())).length).toBeLessThan(100);
  });
});

describe('the Slack message', () => {
  it('has the headline as text and a section of fields', () => {
    const payload = slackPayload('nt-0123456789ab', ALERT);
    expect(payload.text).toBe(
      ':rotating_light: CRITICAL ec2/L-1216C47A in 111111111111:us-east-1 at 91.2% of 256',
    );
    expect(payload.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: payload.text },
      fields: [
        {
          type: 'mrkdwn',
          text: '*Quota*\nRunning On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (ec2/L-1216C47A)',
        },
        { type: 'mrkdwn', text: '*Target*\nproduction (111111111111) us-east-1' },
        { type: 'mrkdwn', text: '*Usage / limit*\n233.5 / 256 (91.2%)' },
        { type: 'mrkdwn', text: '*Rule*\ncompute' },
        { type: 'mrkdwn', text: '*Decision*\nalert' },
        { type: 'mrkdwn', text: '*Reason*\n91.2% of the limit is at or above critical (90%)' },
      ],
    });
    expect(payload.blocks[1]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'headroom alert nt-0123456789ab at 2025-06-01T12:00:00.000Z' }],
    });
  });

  it('escapes what mrkdwn would read as markup (a link or a mention)', () => {
    const payload = slackPayload('nt-0123456789ab', {
      ...ALERT,
      reason: 'see <https://evil.example|here> & <!channel>',
    });
    const fields = (payload.blocks[0] as { fields: { text: string }[] }).fields;
    expect(fields[5]?.text).toBe('*Reason*\nsee &lt;https://evil.example|here&gt; &amp; &lt;!channel&gt;');
  });

  it('marks a test with its own emoji and words', () => {
    const payload = slackPayload('nt-0123456789ab', testMessage(new Date('2025-06-01T12:00:00Z')));
    expect(payload.text).toMatch(/^:test_tube: TEST WARNING /);
    expect(JSON.stringify(payload.blocks)).toContain('headroom test notification nt-0123456789ab');
  });
});

describe('signing, redaction, topics', () => {
  it('signs the exact body with HMAC-SHA256', () => {
    const body = JSON.stringify(alertPayload('nt-0123456789ab', ALERT));
    expect(signBody(body, 's3cret')).toBe(
      `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`,
    );
    expect(signBody('', 'key')).toBe(
      'sha256=5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0',
    );
  });

  it('keeps only the scheme and host of a URL', () => {
    expect(redactUrl(new URL('https://user:pw@hooks.slack.com/services/T0/B0/XyZ?token=1'))).toBe(
      'https://hooks.slack.com',
    );
    expect(redactUrl(new URL('http://127.0.0.1:8080/hook'))).toBe('http://127.0.0.1:8080');
  });

  it("reads a topic's account and region from its ARN", () => {
    expect(topicTarget('arn:aws:sns:eu-west-1:222222222222:quota-alerts')).toEqual({
      accountId: '222222222222',
      region: 'eu-west-1',
      name: 'quota-alerts',
    });
  });
});

describe('the outbox records', () => {
  it('are one pending notification per channel, due now, each with its own id', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    const made = notificationsFor(ALERT, ['ops', 'chat', 'ops'], now);
    expect(made.map((n) => n.channel)).toEqual(['ops', 'chat']);
    for (const n of made) {
      expect(n).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
        lastError: null,
      });
      expect(n.id).toMatch(/^nt-[0-9a-f]{12}$/);
    }
    expect(made[0]?.id).not.toBe(made[1]?.id);
  });

  it.each([
    [1, 30_000],
    [2, 60_000],
    [5, 480_000],
    [7, 1_920_000],
    [8, 3_600_000],
    [20, 3_600_000],
  ])('back off after attempt %i: %i ms ±20%', (attempts, base) => {
    expect(retryDelayMs(attempts, () => 0.5)).toBe(base);
    expect(retryDelayMs(attempts, () => 0)).toBe(base * 0.8);
    expect(retryDelayMs(attempts, () => 0.999_999)).toBeCloseTo(base * 1.2, -1);
  });
});
