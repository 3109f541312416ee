/**
 * The policy engine end to end, as a user runs it: `headroom collect`, `engine run`, `approvals`,
 * `audit` and `rules` as child processes (from source) against one sandbox started here, with a
 * headroom.yaml whose rules each test rewrites, and a local HTTP server as the webhook receiver.
 * The oracles are the sandbox's own records (requests filed, Support cases opened), the webhook's
 * received bodies, and the SQLite store read directly.
 *
 * A quota "crosses" a band here by its rule's thresholds moving past its utilization: the
 * sandbox's usage series are a function of its clock, so the test cannot push one quota's usage
 * up on demand without also moving every other quota's.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/domain/approval.js';
import type { AuditEntry } from '../../src/domain/audit.js';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { headroomIn, type ProcessResult } from '../helpers/aws-cli.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1'];
const SERVICES = ['ec2', 'rds', 'sns'];
/** Past the sandbox's PENDING → CASE_OPENED (10 min) and its decision (50 min later). */
const DECIDED_AFTER_S = 3_700;

interface QuotaRowJson {
  accountId: string;
  accountName: string;
  serviceCode: string;
  quotaCode: string;
  quotaName: string;
  limit: number | null;
  usage: number | null;
  utilization: number | null;
  adjustable: boolean;
  global: boolean;
}

interface Received {
  readonly path: string;
  readonly body: { service: string; quota: { code: string }; band: string; kind: string };
}

let sandbox: Sandbox;
let dir: string;
let management: AccountInfo;
let production: AccountInfo;
let receiver: Server;
let hookUrl: string;
const received: Received[] = [];

/** The picked quotas: two adjustable ones in production, one the API cannot raise. */
let approveQuota: QuotaRowJson;
let requestQuota: QuotaRowJson;
let fixedQuota: QuotaRowJson;

function headroom(args: readonly string[], timeoutMs = 90_000): Promise<ProcessResult> {
  return headroomIn(dir, management, args, { env: { HEADROOM_USER: 'sre-on-call' }, timeoutMs });
}

async function ok(args: readonly string[]): Promise<ProcessResult> {
  const result = await headroom(args);
  expect(result.code, `headroom ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

function oneErrorLine(result: ProcessResult): string {
  const errors = result.stderr.split('\n').filter((l) => l.startsWith('error '));
  expect(errors.length, result.stderr).toBe(1);
  return errors[0] ?? '';
}

/** Thresholds (percent) around a quota's utilization: `above` all three, or critical crossed. */
function thresholds(q: QuotaRowJson, where: 'above' | 'critical'): string {
  const u = (q.utilization ?? 0) * 100;
  const t =
    where === 'above'
      ? { warning: u + 2, critical: u + 4, emergency: u + 6 }
      : { warning: u * 0.75, critical: u * 0.9, emergency: u + 50 };
  const f = (n: number) => Number(n.toFixed(3));
  return `{warning: ${f(t.warning)}, critical: ${f(t.critical)}, emergency: ${f(t.emergency)}}`;
}

function rule(
  name: string,
  q: QuotaRowJson,
  level: string,
  band: 'above' | 'critical',
  extra: string[] = [],
): string[] {
  return [
    `  - name: ${name}`,
    `    match: {accounts: [${q.accountName}], services: [${q.serviceCode}], quotas: [${q.quotaCode}]}`,
    `    level: ${level}`,
    `    thresholds: ${thresholds(q, band)}`,
    ...extra.map((line) => `    ${line}`),
  ];
}

/**
 * headroom.yaml with these rules (quotas no rule matches only get recorded), `extra` top-level
 * lines, and `engine` lines under engine:.
 */
async function writeRules(rules: string[], extra: string[] = [], engine: string[] = []): Promise<void> {
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, {
      regions: REGIONS,
      services: SERVICES,
      extra: [
        'engine:',
        ...engine,
        '  defaults:',
        '    level: monitor_only',
        'notifications:',
        '  channels:',
        `    hook: {type: webhook, url: '${hookUrl}'}`,
        ...extra,
        ...(rules.length > 0 ? ['rules:', ...rules] : ['rules: []']),
      ],
    }),
  );
}

function requestsFor(q: QuotaRowJson) {
  return sandbox.admin
    .requests()
    .filter(
      (r) => r.accountId === q.accountId && r.serviceCode === q.serviceCode && r.quotaCode === q.quotaCode,
    );
}

function alertsFor(q: QuotaRowJson): Received[] {
  return received.filter((r) => r.body.service === q.serviceCode && r.body.quota.code === q.quotaCode);
}

async function auditOf(q: QuotaRowJson): Promise<AuditEntry[]> {
  const all = JSON.parse((await ok(['audit', '--format', 'json'])).stdout) as AuditEntry[];
  return all.filter((e) => e.subject.endsWith(`${q.serviceCode}/${q.quotaCode}`));
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Received['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  if (address === null || typeof address === 'string') throw new Error('no receiver port');
  hookUrl = `http://127.0.0.1:${address.port}/quota-alerts`;

  sandbox = await startSandbox({ accounts: 3, regions: REGIONS, throttle: 'aws' });
  ({ management, production } = sandboxAccounts(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'headroom-engine-'));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'aws-config'), '');
  await writeRules([]);
  await ok(['collect']);

  const rows = [
    ...(JSON.parse(
      (await ok(['quotas', '--target', `${production.name}:us-east-1`, '--format', 'json'])).stdout,
    ) as QuotaRowJson[]),
    ...(JSON.parse(
      (await ok(['quotas', '--target', `${management.name}:us-east-1`, '--format', 'json'])).stdout,
    ) as QuotaRowJson[]),
  ];
  const measured = rows.filter((r) => r.usage !== null && r.limit !== null && r.limit >= 4 && !r.global);
  const adjustable = measured.filter(
    (r) =>
      r.adjustable &&
      r.accountId === production.id &&
      (r.utilization ?? 0) > 0.2 &&
      (r.utilization ?? 0) < 0.8,
  );
  const fixed = measured.find((r) => !r.adjustable && (r.utilization ?? 0) > 0.1 && (r.utilization ?? 0) < 5);
  if (adjustable.length < 2 || fixed === undefined)
    throw new Error('the sandbox seed has no quotas to test with');
  [approveQuota, requestQuota] = adjustable as [QuotaRowJson, QuotaRowJson];
  fixedQuota = fixed;
}, 180_000);

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) =>
    receiver.close(() => {
      resolve();
    }),
  );
  await rm(dir, { recursive: true, force: true });
});

describe('auto_approve: a quota crossing critical', () => {
  it('gets nothing while below its thresholds', async () => {
    await writeRules(rule('approve-me', approveQuota, 'auto_approve', 'above', ['notify: [hook]']));
    await ok(['engine', 'run']);
    expect(requestsFor(approveQuota)).toEqual([]);
    expect(alertsFor(approveQuota)).toEqual([]);
  });

  it('gets exactly one request and one alert, however often the engine runs', async () => {
    await writeRules(rule('approve-me', approveQuota, 'auto_approve', 'critical', ['notify: [hook]']));
    // A dry run decides the same, and writes, files and sends nothing.
    const auditBefore = (JSON.parse((await ok(['audit', '--format', 'json'])).stdout) as AuditEntry[]).length;
    const dry = JSON.parse((await ok(['engine', 'run', '--dry-run', '--format', 'json'])).stdout) as {
      report: { counts: Record<string, number>; audited: number };
      delivery: unknown;
    };
    expect(dry.report.counts.request).toBe(1);
    expect(dry.report.audited).toBe(0);
    expect(dry.delivery).toBeNull();
    expect(requestsFor(approveQuota)).toEqual([]);
    expect(alertsFor(approveQuota)).toEqual([]);
    expect((JSON.parse((await ok(['audit', '--format', 'json'])).stdout) as AuditEntry[]).length).toBe(
      auditBefore,
    );

    const first = await ok(['engine', 'run', '--format', 'json']);
    const report = JSON.parse(first.stdout) as { report: { counts: Record<string, number> } };
    expect(report.report.counts.request).toBe(1);
    for (let i = 0; i < 2; i++) await ok(['engine', 'run']);

    const filed = requestsFor(approveQuota);
    expect(filed).toHaveLength(1);
    const limit = approveQuota.limit ?? 0;
    expect(filed[0]?.desiredValue).toBeGreaterThanOrEqual(limit * 2);
    const alerts = alertsFor(approveQuota);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body).toMatchObject({ kind: 'alert', band: 'critical' });
    expect(alerts[0]?.path).toBe('/quota-alerts');
  });

  it('goes quiet once the sandbox approves and the new limit is collected', async () => {
    sandbox.admin.advanceClock(DECIDED_AFTER_S);
    const listed = await ok(['requests', 'list', '--format', 'json']);
    const mine = (
      JSON.parse(listed.stdout) as { serviceCode: string; quotaCode: string; status: string }[]
    ).filter((r) => r.serviceCode === approveQuota.serviceCode && r.quotaCode === approveQuota.quotaCode);
    expect(mine.map((r) => r.status)).toEqual(['APPROVED']);
    await ok(['collect', '--refresh']);
    const before = (await auditOf(approveQuota)).length;
    const policies = () =>
      ok(['audit', '--kind', 'rules', '--format', 'json']).then(
        (r) => (JSON.parse(r.stdout) as AuditEntry[]).length,
      );
    const policiesBefore = await policies();
    for (let i = 0; i < 2; i++) await ok(['engine', 'run']);
    // The rules did not change, so no new policy entry either.
    expect(await policies()).toBe(policiesBefore);

    expect(requestsFor(approveQuota)).toHaveLength(1);
    expect(alertsFor(approveQuota)).toHaveLength(1);
    // Only the band's fall back to ok is recorded; no decision, action or alert follows.
    const after = (await auditOf(approveQuota)).slice(before);
    expect(after.map((e) => [e.kind, e.data.band])).toEqual([['evaluation', 'ok']]);
  });
});

describe('auto_request: a proposal waits for a person', () => {
  let approval: Approval;

  it('proposes, files nothing, and alerts once', async () => {
    await writeRules(rule('ask-first', requestQuota, 'auto_request', 'critical'));
    await ok(['engine', 'run']);
    await ok(['engine', 'run']);
    expect(requestsFor(requestQuota)).toEqual([]);
    const pending = JSON.parse((await ok(['approvals', 'list', '--format', 'json'])).stdout) as Approval[];
    const mine = pending.filter((a) => a.quotaCode === requestQuota.quotaCode);
    expect(mine).toHaveLength(1);
    approval = mine[0] as Approval;
    expect(approval).toMatchObject({
      status: 'PENDING',
      action: 'increase',
      rule: 'ask-first',
      fromValue: requestQuota.limit,
      proposedBy: 'engine (sre-on-call)',
    });
    expect(approval.reason).toContain('auto_request waits for approval');
    expect(new Date(approval.expiresAt).getTime() - new Date(approval.createdAt).getTime()).toBe(
      72 * 3_600_000,
    );
    expect(alertsFor(requestQuota)).toHaveLength(1);
  });

  it('is approved from the CLI, then executes: one request, recorded with the approver', async () => {
    const approved = await ok(['approvals', 'approve', approval.id, '--reason', 'capacity review 42']);
    expect(approved.stdout).toContain(`${approval.id} EXECUTED`);
    const filed = requestsFor(requestQuota);
    expect(filed).toHaveLength(1);
    expect(filed[0]?.desiredValue).toBe(approval.desiredValue);

    const shown = JSON.parse(
      (await ok(['approvals', 'show', approval.id, '--format', 'json'])).stdout,
    ) as Approval[];
    expect(shown[0]).toMatchObject({
      status: 'EXECUTED',
      decidedBy: 'sre-on-call',
      decisionReason: 'capacity review 42',
    });
    const request = JSON.parse(
      (await ok(['requests', 'show', shown[0]?.requestId ?? '?', '--format', 'json', '--no-refresh'])).stdout,
    ) as { request: { requestedBy: string; reason: string } };
    expect(request.request.requestedBy).toBe('sre-on-call');
    expect(request.request.reason).toContain(`approved ${approval.id}`);

    // The request is open, so the next pass neither proposes nor files again.
    await ok(['engine', 'run']);
    expect(requestsFor(requestQuota)).toHaveLength(1);
    const again = JSON.parse((await ok(['approvals', 'list', '--format', 'json'])).stdout) as Approval[];
    expect(again.filter((a) => a.quotaCode === requestQuota.quotaCode)).toEqual([]);
  });

  it('cannot be approved twice, and an unknown id is one line', async () => {
    const twice = await headroom(['approvals', 'approve', approval.id]);
    expect(twice.code).toBe(2);
    expect(oneErrorLine(twice)).toMatch(
      new RegExp(`^error HR_APPROVAL_DECIDED: approval ${approval.id} is EXECUTED by sre-on-call at `),
    );
    const unknown = await headroom(['approvals', 'deny', 'ap-000000000000', '--reason', 'no']);
    expect(unknown.code).toBe(2);
    expect(oneErrorLine(unknown)).toMatch(
      /^error HR_APPROVAL_NOT_FOUND: no approval ap-000000000000 is recorded; /,
    );
    expect(requestsFor(requestQuota)).toHaveLength(1);
  });
});

describe('a quota the API cannot raise', () => {
  it('opens exactly one Support case', async () => {
    const casesBefore = sandbox.admin.supportCases().length;
    await writeRules(rule('fixed', fixedQuota, 'auto_approve', 'critical'));
    await ok(['engine', 'run']);
    await ok(['engine', 'run']);
    const cases = sandbox.admin.supportCases().slice(casesBefore);
    expect(cases).toHaveLength(1);
    expect(cases[0]?.accountId).toBe(fixedQuota.accountId);
    expect(cases[0]?.subject).toContain(fixedQuota.quotaCode);
    expect(requestsFor(fixedQuota)).toEqual([]);
  });
});

describe('Support cases are capped per account per hour', () => {
  it('opens at most engine.supportCasesPerHour, holds the rest, and never opens one twice', async () => {
    const rows = JSON.parse(
      (await ok(['quotas', '--target', `${management.name}:us-east-1`, '--format', 'json'])).stdout,
    ) as QuotaRowJson[];
    const fixed = rows.filter(
      (r) => !r.adjustable && r.usage !== null && (r.utilization ?? 0) > 0.5 && (r.utilization ?? 0) < 5,
    );
    if (fixed.length < 2) throw new Error('the sandbox seed has too few quotas the API cannot raise');
    const opened = () => sandbox.admin.supportCases().filter((c) => c.accountId === management.id).length;
    const before = opened();
    await writeRules(
      [
        '  - name: fixed-ones',
        `    match: {accounts: [${management.name}], quotas: [${fixed.map((r) => r.quotaCode).join(', ')}]}`,
        '    level: full_auto',
        '    thresholds: {warning: 40, critical: 45, emergency: 1000}',
      ],
      [],
      ['  supportCasesPerHour: 1'],
    );
    const run = JSON.parse((await ok(['engine', 'run', '--format', 'json'])).stdout) as {
      report: { evaluations: { quotaCode: string; outcome: { status: string; message: string } | null }[] };
    };
    const outcomes = run.report.evaluations
      .filter((e) => fixed.some((r) => r.quotaCode === e.quotaCode))
      .map((e) => e.outcome?.status);
    expect(outcomes.filter((o) => o === 'case-opened')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'held')).toHaveLength(fixed.length - 1);
    expect(run.report.evaluations.find((e) => e.outcome?.status === 'held')?.outcome?.message).toContain(
      '(engine.supportCasesPerHour: 1)',
    );
    await ok(['engine', 'run']);
    expect(opened() - before).toBe(1);
  });
});

describe('rules explain', () => {
  it('names the rule that applies, why, and what the engine would do now', async () => {
    await writeRules([
      ...rule('fixed', fixedQuota, 'auto_approve', 'critical'),
      '  - name: whole-service',
      `    match: {services: [${fixedQuota.serviceCode}]}`,
      '    level: alert_only',
    ]);
    const target = `${fixedQuota.accountName}:us-east-1`;
    const result = await ok([
      'rules',
      'explain',
      `${fixedQuota.serviceCode}/${fixedQuota.quotaCode}`,
      '--target',
      target,
    ]);
    expect(result.stdout).toContain(
      'applies: rule fixed (headroom.yaml, rules.0): quota exact, service exact, account exact, region any',
    );
    expect(result.stdout).toMatch(/level +auto_approve +\(rule\)/);
    expect(result.stdout).toMatch(/multiplier +×2 +\(defaults\)/);
    expect(result.stdout).toContain('whole-service (headroom.yaml, rules.1): matches, but is less specific');
    // The Support case opened above is still open, so the engine would do nothing more.
    expect(result.stdout).toMatch(
      /\nnow: limit \d+, usage [\d.]+ → critical; the engine would: none \(.*is still open\)\n/,
    );
  });
});

describe('bad rules: one line naming the rule and field, exit 2, nothing acted on', () => {
  it.each([
    [
      'an unknown automation level',
      ['level: auto_approv'],
      /rules\.0 \(bad\)\.level must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto \(got 'auto_approv'\); write level: auto_approve$/,
    ],
    [
      'thresholds out of order',
      ['thresholds: {warning: 90, critical: 80}'],
      /rules\.0 \(bad\)\.thresholds\.critical \(80\) is out of order: critical \(80\) must be above warning \(90\)/,
    ],
    [
      'an invalid time zone',
      ["businessHours: {days: [mon-fri], hours: '09:00-17:00', timeZone: Europe/Lund}"],
      /rules\.0 \(bad\)\.businessHours\.timeZone must be an IANA time zone/,
    ],
  ])('%s, in an included file', async (_what, lines, expected) => {
    await writeFile(
      join(dir, 'bad-rules.yaml'),
      [
        'rules:',
        '  - name: bad',
        `    match: {quotas: [${approveQuota.quotaCode}]}`,
        ...lines.map((l) => `    ${l}`),
        '',
      ].join('\n'),
    );
    await writeRules(rule('fine', requestQuota, 'full_auto', 'critical'), ['include: [bad-rules.yaml]']);
    const requests = sandbox.admin.requests().length;
    const result = await headroom(['engine', 'run']);
    expect(result.code).toBe(2);
    const line = oneErrorLine(result);
    expect(line).toMatch(/^error HR_CONFIG_INVALID: bad-rules\.yaml:\d+:\d+: /);
    expect(line).toMatch(expected);
    expect(sandbox.admin.requests()).toHaveLength(requests);
  });

  it('a ceiling below the limit', async () => {
    const other = { ...requestQuota };
    await writeRules([
      ...rule('low-ceiling', other, 'full_auto', 'critical', ['maxValue: 1']),
      ...rule('fixed', fixedQuota, 'full_auto', 'critical'),
    ]);
    const requests = sandbox.admin.requests().length;
    const cases = sandbox.admin.supportCases().length;
    const result = await headroom(['engine', 'run']);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      `error HR_CONFIG_RULE_CEILING: headroom.yaml: rules.0 (low-ceiling).maxValue (1) is below the limit ${other.limit} of ${other.serviceCode}/${other.quotaCode} in ${other.accountId}:us-east-1; the engine acted on nothing; ` +
        `raise maxValue to at least ${other.limit}, or narrow the rule's match so it leaves ${other.serviceCode}/${other.quotaCode} out`,
    );
    expect(sandbox.admin.requests()).toHaveLength(requests);
    expect(sandbox.admin.supportCases()).toHaveLength(cases);
  });
});

describe('the audit trail', () => {
  it('verifies, then fails once an entry is altered in the database', async () => {
    const verified = await ok(['audit', 'verify']);
    expect(verified.stdout).toMatch(
      /^ok: \d+ entries chain from the first to the head \(seq \d+, [0-9a-f]{64}\)\n$/,
    );
    const entries = JSON.parse((await ok(['audit', '--format', 'json'])).stdout) as AuditEntry[];
    const kinds = new Set(entries.map((e) => e.kind));
    for (const kind of ['rules', 'evaluation', 'decision', 'action', 'approval', 'notification'])
      expect(kinds).toContain(kind);

    const db = new Database(join(dir, 'home', 'headroom.sqlite'));
    try {
      // The database refuses an edit; someone with the file could drop the guard first.
      expect(() =>
        db.prepare("update audit_log set summary = 'nothing happened' where seq = 3").run(),
      ).toThrow(/append-only/);
      db.exec('drop trigger audit_log_no_update');
      db.prepare("update audit_log set summary = 'nothing happened' where seq = 3").run();
    } finally {
      db.close();
    }
    const broken = await headroom(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(oneErrorLine(broken)).toBe(
      'error HR_AUDIT_BROKEN: the audit trail is broken at entry 3: its content does not match its hash (edited); ' +
        'entries were changed outside headroom; restore the store from a backup and find out who had access',
    );
  });
});
