/**
 * `headroom notify test | list` as a user runs them: child processes (from source) in a temp
 * directory with its own headroom.yaml and HEADROOM_HOME, sending to HTTP receivers in this
 * process. A channel that fails is a line naming why and exit 1; bad input is one error line and
 * exit 2, with nothing sent.
 */
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/domain/engine.js';
import { notificationsFor } from '../../src/notify/deliver.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import {
  envWithoutAws,
  headroomCommandAnywhere,
  type ProcessResult,
  runProgram,
  TSCONFIG_PATH,
} from '../helpers/aws-cli.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const SECRET = 'a-webhook-signing-secret';
const SLACK_PATH = '/services/T0SECRET/B0SECRET/not-for-logs';

let dir: string;
let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url === '/broken') res.writeHead(500).end('receiver is broken');
      else res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  dir = await mkdtemp(join(tmpdir(), 'headroom-cli-notify-'));
  await mkdir(join(dir, 'home'));
  await mkdir(join(dir, 'bare'));
  await writeFile(join(dir, 'aws-config'), '');
  await writeFile(
    join(dir, 'headroom.yaml'),
    [
      'notifications:',
      '  channels:',
      '    ops:',
      '      type: webhook',
      `      url: ${base}/hooks/quota`,
      '      secretEnv: HOOK_SECRET',
      '    chat:',
      '      type: slack',
      '      urlEnv: TEST_SLACK_URL',
      '    broken:',
      '      type: webhook',
      `      url: ${base}/broken`,
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'bare', 'headroom.yaml'), 'log:\n  level: warn\n');
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  received.length = 0;
});

function headroom(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ProcessResult> {
  const command = headroomCommandAnywhere(args);
  return runProgram(command.file, command.args, {
    cwd: options.cwd ?? dir,
    timeoutMs: 60_000,
    env: envWithoutAws({
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-config'),
      HEADROOM_HOME: join(dir, 'home'),
      HEADROOM_USER: 'ci-job-7',
      TSX_TSCONFIG_PATH: TSCONFIG_PATH,
      ...options.env,
    }),
  });
}

const SECRETS = { HOOK_SECRET: SECRET, TEST_SLACK_URL: '' };

/** stderr's only error line. */
function oneErrorLine(result: ProcessResult): string {
  const errors = result.stderr.split('\n').filter((l) => l.startsWith('error '));
  expect(errors.length, result.stderr).toBe(1);
  return errors[0] ?? '';
}

describe('headroom notify test', () => {
  it('sends a signed test to the webhook and a Slack message to the URL its variable holds', async () => {
    const result = await headroom(['notify', 'test', '--channel', 'ops,chat'], {
      env: { ...SECRETS, TEST_SLACK_URL: `${base}${SLACK_PATH}` },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^ops \(webhook\): delivered in \d+ ms\nchat \(slack\): delivered in \d+ ms\n$/,
    );
    const hook = received.find((r) => r.path === '/hooks/quota');
    expect(hook?.headers['x-headroom-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET)
        .update(hook?.body ?? '')
        .digest('hex')}`,
    );
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({ version: 1, kind: 'test', band: 'warning' });
    const slack = JSON.parse(received.find((r) => r.path === SLACK_PATH)?.body ?? '{}') as { text: string };
    expect(slack.text).toMatch(/^:test_tube: TEST WARNING /);
  });

  it('lists why each channel failed, without a URL’s path, and exits 1', async () => {
    const result = await headroom(['notify', 'test'], { env: SECRETS });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ops \(webhook\): delivered in \d+ ms$/),
      'chat (slack): failed: TEST_SLACK_URL is not set',
      `broken (webhook): failed: ${base} answered 500: receiver is broken`,
      '',
    ]);
    expect(oneErrorLine(result)).toBe(
      'error HR_NOTIFY_FAILED: 2 of 3 channels did not take the test alert: chat, broken; ' +
        'fix what each line above says (URL, its variable, the secret, topic permissions), then run it again',
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain('/broken');
  });

  it('prints JSON with --format json', async () => {
    const result = await headroom(['notify', 'test', '--channel', 'ops', '--format', 'json'], {
      env: SECRETS,
    });
    expect(result.code, result.stderr).toBe(0);
    const [only, ...rest] = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ channel: 'ops', type: 'webhook', status: 'delivered', error: null });
    expect(only?.id).toMatch(/^nt-[0-9a-f]{12}$/);
    expect(received[0]?.headers['idempotency-key']).toBe(only?.id);
  });

  it('refuses an unknown --channel with exit 2, sending nothing', async () => {
    const result = await headroom(['notify', 'test', '--channel', 'ops', '--channel', 'pager'], {
      env: SECRETS,
    });
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      "error HR_CLI_USAGE: --channel 'pager' is no channel under notifications.channels; use one of: ops, chat, broken",
    );
    expect(received).toEqual([]);
  });

  it('says how to configure channels when there are none, with exit 2', async () => {
    const result = await headroom(['notify', 'test'], { cwd: join(dir, 'bare'), env: SECRETS });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(oneErrorLine(result)).toBe(
      'error HR_CLI_USAGE: no notification channels are configured; write notifications.channels in headroom.yaml (a webhook, slack or sns channel); see docs/configuration.md',
    );
  });
});

describe('headroom notify list', () => {
  let queued: Notification[];

  beforeAll(async () => {
    const store = await openSqliteStore(join(dir, 'home', 'headroom.sqlite'));
    try {
      const at = new Date('2025-06-01T12:00:00.000Z');
      queued = notificationsFor(
        {
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
          at: at.toISOString(),
        },
        ['ops', 'chat'],
        at,
      );
      await store.enqueueNotifications(queued);
      const [, chat] = queued;
      if (chat) {
        await store.saveNotification({
          ...chat,
          status: 'failed',
          attempts: 5,
          lastError: 'TEST_SLACK_URL is not set',
        });
      }
    } finally {
      await store.close();
    }
  });

  it('shows the outbox as a table, filtered by status', async () => {
    const all = await headroom(['notify', 'list']);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+STATUS\s+CHANNEL\s+BAND\s+TARGET\s+QUOTA\s+ATTEMPTS\s+WHEN\s+LAST ERROR$/,
    );
    expect(lines).toHaveLength(3);
    expect(all.stdout).toContain('TEST_SLACK_URL is not set');

    const failed = await headroom(['notify', 'list', '--status', 'failed']);
    const failedLines = failed.stdout.trimEnd().split('\n');
    expect(failedLines).toHaveLength(2);
    expect(failedLines[1]).toMatch(
      new RegExp(
        `^${queued[1]?.id ?? '?'}\\s+failed\\s+chat\\s+critical\\s+111111111111:us-east-1\\s+ec2/L-1216C47A\\s+5\\s+queued 2025-06-01T12:00:00Z\\s+TEST_SLACK_URL is not set$`,
      ),
    );
    const none = await headroom(['notify', 'list', '--status', 'delivered']);
    expect(none.stdout).toBe('no notifications\n');
  }, 120_000);

  it('prints JSON and CSV', async () => {
    const json = await headroom(['notify', 'list', '--status', 'pending', '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const [pending, ...rest] = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rest).toEqual([]);
    expect(pending).toMatchObject({ id: queued[0]?.id, channel: 'ops', status: 'pending', attempts: 0 });

    const csv = await headroom(['notify', 'list', '--format', 'csv']);
    const [header, ...rows] = csv.stdout.trimEnd().split('\n');
    expect(header).toBe(
      'id,status,channel,kind,band,accountId,region,serviceCode,quotaCode,attempts,nextAttemptAt,lastError,createdAt,deliveredAt',
    );
    expect(rows).toHaveLength(2);
  }, 120_000);

  it('refuses a status that is none', async () => {
    const result = await headroom(['notify', 'list', '--status', 'sent']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'sent' is not a status; use one of pending, delivered, failed.");
  });
});
