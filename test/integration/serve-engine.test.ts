/**
 * `headroom serve` runs the policy engine after each collection: serve in this process (the CLI's
 * own function) against the sandbox, with rules in a real headroom.yaml and a local HTTP server
 * as the webhook. After its one sweep (`--once`), the engine's proposals are in the API, its
 * alerts at the receiver, nothing was filed at the sandbox (auto_request waits for a person), and
 * the audit chain verifies.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, openContext } from '../../src/app/context.js';
import type { ApprovalsResponse, AuditVerifyResponse } from '../../src/server/api/schemas.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';
import { type RunningServe, startServe } from '../helpers/serve.js';

let sandbox: Sandbox;
let dir: string;
let ctx: Context;
let server: RunningServe;
let receiver: Server;
const alerts: { account: { id: string }; service: string; quota: { code: string }; band: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      alerts.push(JSON.parse(text) as (typeof alerts)[number]);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  if (address === null || typeof address === 'string') throw new Error('no receiver port');

  sandbox = await startSandbox({ accounts: 3, regions: ['us-east-1'] });
  const { management } = sandboxAccounts(sandbox);
  dir = await mkdtemp(join(tmpdir(), 'headroom-serve-engine-'));
  await mkdir(join(dir, 'home'));
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, {
      regions: ['us-east-1'],
      services: ['ec2', 'sns'],
      extra: [
        'notifications:',
        '  channels:',
        `    hook: {type: webhook, url: 'http://127.0.0.1:${address.port}/alerts'}`,
        'engine:',
        '  defaults: {level: monitor_only}',
        'rules:',
        '  - name: ec2-asks',
        '    match: {services: [ec2]}',
        '    level: auto_request',
        '    thresholds: {warning: 1, critical: 2, emergency: 99.9}',
      ],
    }),
  );
  // The SDK's credential chain reads the process's environment.
  process.env.AWS_ACCESS_KEY_ID = management.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = management.secretAccessKey;
  ctx = await openContext({
    configPath: join(dir, 'headroom.yaml'),
    env: { HEADROOM_HOME: join(dir, 'home') },
    cwd: dir,
    stderr: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  server = await startServe(ctx);
}, 120_000);

afterAll(async () => {
  await server.stop();
  await ctx.close();
  await sandbox.close();
  await new Promise<void>((resolve) =>
    receiver.close(() => {
      resolve();
    }),
  );
  await rm(dir, { recursive: true, force: true });
});

describe('serve runs the engine after each collection', () => {
  it('proposes for the quotas its rule matches, alerts once each, files nothing', async () => {
    const response = await fetch(`${server.url}/api/v1/approvals?status=PENDING`);
    const { approvals } = (await response.json()) as ApprovalsResponse;
    expect(approvals.length).toBeGreaterThan(0);
    for (const a of approvals) {
      expect(a).toMatchObject({ serviceCode: 'ec2', rule: 'ec2-asks', status: 'PENDING' });
      expect(a.desiredValue).toBeGreaterThan(a.fromValue);
      expect(a.proposedBy).toMatch(/^engine \(/);
    }
    // One alert per quota above warning, each proposed quota among them (a quota between
    // warning and critical alerts but auto_request proposes only from critical).
    const alerted = alerts.filter((a) => a.service === 'ec2').map((a) => `${a.account.id} ${a.quota.code}`);
    expect(new Set(alerted).size).toBe(alerted.length);
    for (const a of approvals) expect(alerted).toContain(`${a.accountId} ${a.quotaCode}`);
    // monitor_only everywhere else: no alert for any other service.
    expect(alerts.filter((a) => a.service !== 'ec2')).toEqual([]);
    expect(sandbox.admin.requests()).toEqual([]);
  });

  it('records it all in a chain that verifies', async () => {
    const verdict = (await (await fetch(`${server.url}/api/v1/audit/verify`)).json()) as AuditVerifyResponse;
    expect(verdict.ok).toBe(true);
    expect(verdict.entries).toBeGreaterThan(0);
  });
});
