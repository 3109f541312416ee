/**
 * `headroom compare | replicate | apply | requests | fleet` as a user runs them: child processes
 * (from source) against one sandbox started here at AWS's rates, in a temp directory with its own
 * headroom.yaml, HEADROOM_HOME and empty AWS config files. Bad input must end in one line naming
 * the problem, exit 2, and nothing filed (the sandbox's requests are the oracle).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import type { QuotaRequestRecord } from '../../src/domain/request.js';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { headroomIn, type ProcessResult } from '../helpers/aws-cli.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const SERVICES = ['ec2', 'iam'];

let sandbox: Sandbox;
let dir: string;
let management: AccountInfo;
let production: AccountInfo;
let staging: AccountInfo;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: 3, regions: REGIONS, throttle: 'aws' });
  ({ management, production, staging } = sandboxAccounts(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'headroom-cli-replicate-'));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'aws-config'), '');
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, { regions: REGIONS, services: SERVICES }),
  );
});

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

function headroom(args: readonly string[], timeoutMs = 60_000): Promise<ProcessResult> {
  return headroomIn(dir, management, args, { env: { HEADROOM_USER: 'ci-job-42' }, timeoutMs });
}

/** stderr's last line, and that it is the only error line. */
function oneErrorLine(result: ProcessResult): string {
  const errors = result.stderr.split('\n').filter((l) => l.startsWith('error '));
  expect(errors.length, result.stderr).toBe(1);
  return errors[0] ?? '';
}

describe('bad input: one line naming it, exit 2, nothing filed', () => {
  it('an unknown target', async () => {
    const result = await headroom(['compare', 'nobody:us-east-1', `${staging.name}:us-east-1`]);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      "error HR_CLI_USAGE: SRC 'nobody:us-east-1': no account, alias or AWS profile is named 'nobody'; " +
        `use a 12-digit account id, or one of: ${management.name}, ${production.name}, ${staging.name}`,
    );
  });

  it('a target that is not ACCOUNT:REGION', async () => {
    const result = await headroom(['replicate', `${production.name}:us-east-1`, staging.name]);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toContain(`error HR_CLI_USAGE: DST '${staging.name}' is not a target`);
  });

  it('SRC equal to DST', async () => {
    const result = await headroom(['compare', `${production.name}:eu-west-1`, `${production.id}:eu-west-1`]);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      `error HR_COMPARE_SAME_TARGET: SRC and DST are the same target (${production.id}:eu-west-1); compare two different accounts or regions`,
    );
  });

  it.each([
    ['not JSON', 'plan: yes\n', /^error HR_PLAN_INVALID: bad\.json is not JSON \(.+\); give the file/],
    [
      'JSON that is not a plan',
      '{"items": []}\n',
      /^error HR_PLAN_INVALID: bad\.json is not a headroom plan/,
    ],
    [
      'a plan of another version',
      '{"kind": "headroom/replicate-plan", "version": 2}\n',
      /^error HR_PLAN_VERSION: bad\.json is plan format version 2; this headroom reads version 1; /,
    ],
  ])('a plan file that is %s', async (_what, text, expected) => {
    await writeFile(join(dir, 'bad.json'), text);
    const result = await headroom(['apply', 'bad.json', '--yes']);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toMatch(expected);
    expect(sandbox.admin.requests()).toEqual([]);
  });

  it('a plan file that does not exist', async () => {
    const result = await headroom(['apply', 'missing.json']);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toMatch(
      /^error HR_PLAN_NOT_FOUND: cannot read the plan missing\.json \(ENOENT\)/,
    );
  });

  it('a quota code that does not exist, in fleet and in a plan', async () => {
    const fleet = await headroom(['fleet', '--quota', 'ec2/L-NOSUCH00']);
    expect(fleet.code).toBe(2);
    expect(oneErrorLine(fleet)).toBe(
      "error HR_QUOTA_UNKNOWN: --quota 'ec2/L-NOSUCH00': no target has quota L-NOSUCH00 of service ec2; " +
        "list the service's quota codes with `headroom quotas --service ec2`",
    );

    const made = await headroom(['replicate', `${production.name}:us-east-1`, `${staging.name}:us-east-1`]);
    expect(made.code, made.stderr).toBe(0);
    const plan = JSON.parse(made.stdout) as Plan;
    const [first, ...rest] = plan.items;
    if (!first) throw new Error('the plan is empty');
    const bogus: Plan = { ...plan, items: [...rest, { ...first, quotaCode: 'L-NOSUCH00' }] };
    await writeFile(join(dir, 'bogus.json'), JSON.stringify(bogus));
    const result = await headroom(['apply', 'bogus.json', '--yes']);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toBe(
      `error HR_QUOTA_UNKNOWN: plan item ${plan.items.length}: quota L-NOSUCH00 of service ec2 does not exist in ${staging.id}:us-east-1; ` +
        'remove the item from the plan, or make the plan again with `headroom replicate`; nothing was filed',
    );
    expect(sandbox.admin.requests()).toEqual([]);
  });

  it('a plan field of the wrong type, named by its path', async () => {
    const made = await headroom(['replicate', `${production.name}:us-east-1`, `${staging.name}:us-east-1`]);
    const plan = JSON.parse(made.stdout) as Record<string, unknown> & { items: Record<string, unknown>[] };
    const items = plan.items.map((item, n) => (n === 1 ? { ...item, desiredValue: 'lots' } : item));
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ ...plan, items }));
    const result = await headroom(['apply', 'typo.json', '--yes']);
    expect(result.code).toBe(2);
    expect(oneErrorLine(result)).toMatch(
      /^error HR_PLAN_INVALID: typo\.json: items\[1\]\.desiredValue expected number/,
    );
    expect(sandbox.admin.requests()).toEqual([]);
  });
});

describe('compare, replicate, apply and watch from the command line', () => {
  it('compares in every format with the same numbers', async () => {
    const args = ['compare', `${production.name}:us-east-1`, `${staging.name}:us-east-1`, '--only-diff'];
    const json = await headroom([...args, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      summary: {
        different: number;
        destinationLower: number;
        onlyInSource: number;
        onlyInDestination: number;
      };
      rows: { status: string }[];
    };
    const { summary } = parsed;
    expect(parsed.rows.length).toBe(summary.different + summary.onlyInSource + summary.onlyInDestination);
    expect(summary.destinationLower).toBeGreaterThan(0);
    expect(parsed.rows.every((r) => r.status !== 'equal')).toBe(true);

    const table = await headroom(args);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(
      `compare ${production.name}:us-east-1 (${production.id}) → ${staging.name}:us-east-1 (${staging.id})`,
    );
    expect(table.stdout).toMatch(new RegExp(`different\\s+${parsed.summary.different}\\n`));
    expect(table.stdout).toContain(`Destination lower (${parsed.summary.destinationLower})`);

    const csv = await headroom([...args, '--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'serviceCode,quotaCode,quotaName,status,sourceValue,destinationValue,sourceDefault,destinationDefault,destinationLower,adjustable,global,unit',
    );
    expect(lines.length - 1).toBe(parsed.rows.length);

    const markdown = await headroom([...args, '--format', 'markdown']);
    expect(markdown.stdout).toContain(`| different | ${parsed.summary.different} |`);
    expect(markdown.stdout).toContain(`### Destination lower (${parsed.summary.destinationLower})`);
  });

  it('writes a plan, files it, and watches it to the end as the sandbox clock moves', async () => {
    const made = await headroom([
      'replicate',
      `${production.name}:us-east-1`,
      `${staging.name}:us-east-1`,
      '--service',
      'iam',
      '--out',
      'iam-plan.json',
      '--reason',
      'DR parity',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const plan = JSON.parse(await readFile(join(dir, 'iam-plan.json'), 'utf8')) as Plan;
    expect(made.stdout).toContain(`plan ${plan.id}:`);
    expect(made.stdout).toContain('written to iam-plan.json');
    const increases = plan.items.filter((i) => i.action === 'request-increase');
    expect(increases.length).toBeGreaterThan(0);

    const dry = await headroom(['apply', 'iam-plan.json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('(nothing filed; add --yes to file)');
    expect(sandbox.admin.requests().filter((r) => r.accountId === staging.id)).toEqual([]);

    const applied = await headroom(['apply', 'iam-plan.json', '--yes', '--format', 'json']);
    expect(applied.code, applied.stderr).toBe(0);
    const filed = sandbox.admin.requests().filter((r) => r.accountId === staging.id);
    expect(filed.length).toBe(Math.min(2, increases.length));

    const listed = await headroom(['requests', 'list', '--format', 'json']);
    const records = JSON.parse(listed.stdout) as QuotaRequestRecord[];
    const open = records.filter((r) => r.status === 'PENDING');
    expect(open.map((r) => r.awsRequestId).sort()).toEqual(filed.map((r) => r.id).sort());
    expect(
      open.every((r) => r.requestedBy === 'ci-job-42' && r.reason === 'DR parity' && r.planId === plan.id),
    ).toBe(true);

    // Watch in the background while the sandbox clock moves on.
    const watching = headroom([
      'requests',
      'watch',
      '--interval',
      '100ms',
      '--timeout',
      '60s',
      '--format',
      'json',
    ]);
    // Ten minutes on only after each of watch's status reads, so every state is seen however
    // slowly the child process starts or polls on a loaded machine.
    const reads = () => sandbox.admin.callTotal({ operation: 'ListRequestedServiceQuotaChangeHistory' });
    let seenReads = reads();
    const ticker = setInterval(() => {
      const now = reads();
      if (now === seenReads) return;
      seenReads = now;
      sandbox.admin.advanceClock(600);
    }, 20);
    const watched = await watching.finally(() => {
      clearInterval(ticker);
    });
    expect(watched.code, watched.stderr).toBe(0);
    const final = JSON.parse(watched.stdout) as QuotaRequestRecord[];
    expect(final.map((r) => r.id).sort()).toEqual(open.map((r) => r.id).sort());
    for (const r of final) expect(['APPROVED', 'DENIED']).toContain(r.status);
    for (const r of open) {
      expect(watched.stderr).toContain(
        `${r.id}  iam/${r.quotaCode}  ${staging.id}:us-east-1  PENDING → CASE_OPENED`,
      );
    }

    const [one] = final;
    if (!one) throw new Error('nothing was watched');
    const shown = await headroom(['requests', 'show', one.id, '--no-refresh']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`status\\s+${one.status}`));
    expect(shown.stdout).toContain('requested by  ci-job-42');
    expect(shown.stdout).toMatch(/PENDING[\s\S]*CASE_OPENED[\s\S]*(APPROVED|DENIED)/);

    const unknown = await headroom(['requests', 'show', 'hr-000000000000']);
    expect(unknown.code).toBe(2);
    expect(oneErrorLine(unknown)).toMatch(
      /^error HR_REQUEST_NOT_FOUND: no request hr-000000000000 is recorded/,
    );
  });
});
