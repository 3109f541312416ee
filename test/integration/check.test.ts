/**
 * `headroom check` as a pipeline runs it: a child process (from source) against one sandbox,
 * with the management account's credentials and a real headroom.yaml, given Terraform plan JSON
 * written here in the format `terraform show -json` writes. The sandbox's quota table and usage
 * (through `headroom quotas`) are the oracle for what fits; its requests for what --request files.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { headroomIn, type ProcessResult } from '../helpers/aws-cli.js';
import { sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';

let sandbox: Sandbox;
let dir: string;
let management: AccountInfo;

function headroom(args: readonly string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return headroomIn(dir, management, args, { env, timeoutMs: 150_000 });
}

/** A plan creating `count` instances of `type` (count expanded, as Terraform writes it). */
function instancesPlan(type: string, count: number): unknown {
  return {
    format_version: '1.2',
    terraform_version: '1.6.6',
    planned_values: { root_module: {} },
    resource_changes: Array.from({ length: count }, (_, i) => ({
      address: `aws_instance.fleet[${i}]`,
      mode: 'managed',
      type: 'aws_instance',
      name: 'fleet',
      index: i,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: { ami: 'ami-0c55b159cbfafe1f0', instance_type: type },
        after_unknown: { arn: true, id: true },
        before_sensitive: false,
        after_sensitive: {},
      },
    })),
    configuration: {
      provider_config: {
        aws: {
          name: 'aws',
          full_name: 'registry.terraform.io/hashicorp/aws',
          expressions: { region: { constant_value: 'us-east-1' } },
        },
      },
      root_module: {},
    },
  };
}

interface CheckJson {
  verdict: string;
  rows: {
    serviceCode: string;
    quotaCode: string;
    limit: number;
    usage: number;
    delta: number;
    need: number;
    status: string;
    request: { id: string; status: string } | null;
  }[];
}

async function vcpus(): Promise<{ limit: number; usage: number }> {
  const result = await headroom([
    'quotas',
    '--target',
    `${management.name}:us-east-1`,
    '--service',
    'ec2',
    '--refresh',
    '--format',
    'json',
  ]);
  const row = (JSON.parse(result.stdout) as { quotaCode: string; limit: number; usage: number }[]).find(
    (r) => r.quotaCode === 'L-1216C47A',
  );
  if (!row) throw new Error('no vCPU quota');
  return row;
}

beforeAll(async () => {
  // Requests are decided 2 s (sandbox time) after they are filed: --wait sees them through.
  sandbox = await startSandbox({
    accounts: 3,
    regions: ['us-east-1'],
    throttle: 'off',
    requestTimings: { caseOpenedAfterMs: 2_000, decisionAfterMs: 2_000 },
  });
  ({ management } = sandboxAccounts(sandbox));
  dir = await mkdtemp(join(tmpdir(), 'headroom-check-'));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'aws-config'), '');
  await writeFile(
    join(dir, 'headroom.yaml'),
    sandboxConfig(sandbox, { regions: ['us-east-1'], services: ['ec2', 'vpc'] }),
  );
}, 60_000);

afterAll(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('headroom check against the sandbox', () => {
  it('a plan that fits: exit 0, the need worked out from the usage now', async () => {
    await writeFile(join(dir, 'small.json'), JSON.stringify(instancesPlan('m5.large', 2)));
    const result = await headroom(['check', 'small.json', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const checked = JSON.parse(result.stdout) as CheckJson;
    const { limit, usage } = await vcpus();
    expect(checked.verdict).toBe('fits');
    const [row] = checked.rows;
    // Two m5.large: 2 × 2 vCPUs; the need is (usage + 4) × 1.2.
    expect(row).toMatchObject({
      serviceCode: 'ec2',
      quotaCode: 'L-1216C47A',
      delta: 4,
      limit,
      status: 'fits',
    });
    expect(row?.need).toBeCloseTo((row?.usage ?? 0) * 1.2 + 4.8, 2);
    expect(Math.abs((row?.usage ?? 0) - usage)).toBeLessThanOrEqual(Math.max(2, usage * 0.05));
    expect(result.stderr.trim()).toBe(`all 1 quotas fit in ${management.id}:us-east-1`);
  });

  it('a plan that does not: exit 1, one line naming the quota; markdown and GitHub annotations say the same', async () => {
    const { limit } = await vcpus();
    // Enough m5.4xlarge (16 vCPUs) to pass the limit whatever the usage.
    const count = Math.ceil(limit / 16) + 1;
    await writeFile(join(dir, 'big.json'), JSON.stringify(instancesPlan('m5.4xlarge', count)));
    const result = await headroom(['check', 'big.json']);
    expect(result.code).toBe(1);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^error HR_CHECK_SHORT: 1 of 1 quotas short in ${management.id}:us-east-1: ec2/L-1216C47A needs [\\d,.]+ of ${limit.toLocaleString('en-US')}`,
      ),
    );
    expect(result.stdout).toMatch(/ec2\/L-1216C47A .* SHORT /);

    const summary = join(dir, 'summary.md');
    const github = await headroom(['check', 'big.json', '--format', 'github'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(/^::error title=Quota short: ec2\/L-1216C47A::Running On-Demand Standard/m);
    const { readFile } = await import('node:fs/promises');
    const written = await readFile(summary, 'utf8');
    expect(written).toMatch(/^### headroom check: ❌ quotas short/);
    expect(written).toMatch(/\| `ec2\/L-1216C47A` \| Running On-Demand Standard .* \| ❌ short \|/);
  });

  it('--request --wait turns 1 into 0 as the sandbox approves the increase', async () => {
    const before = sandbox.admin.requests().length;
    const { limit } = await vcpus();
    // A need a little over the limit, so the increase stays within what the sandbox approves (≤ 2×).
    const count = Math.ceil((limit * 0.4) / 16);
    await writeFile(join(dir, 'grow.json'), JSON.stringify(instancesPlan('m5.4xlarge', count)));
    const first = await headroom(['check', 'grow.json', '--format', 'json']);
    expect(first.code, first.stderr).toBe(1);

    const result = await headroom([
      'check',
      'grow.json',
      '--request',
      '--wait',
      '--timeout',
      '2m',
      '--poll',
      '1s',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const checked = JSON.parse(result.stdout) as CheckJson;
    expect(checked.verdict).toBe('fits');
    const filed = sandbox.admin.requests().slice(before);
    expect(filed.map((r) => [r.quotaCode, r.status])).toEqual([['L-1216C47A', 'APPROVED']]);
    expect(checked.rows[0]?.request?.status).toBe('APPROVED');
    expect(checked.rows[0]?.limit).toBe(filed[0]?.desiredValue);

    // Again: it fits now, so nothing more is filed.
    const again = await headroom(['check', 'grow.json', '--request']);
    expect(again.code, again.stderr).toBe(0);
    expect(sandbox.admin.requests().length).toBe(before + 1);
  }, 180_000);
});

describe('headroom check: bad input is one line, exit 2', () => {
  it.each([
    ['not JSON', 'plan.txt', 'this is not json', /^error HR_CHECK_INPUT: plan\.txt: is not JSON \(/],
    [
      'JSON that is not a plan',
      'state.json',
      '{"version": 4, "terraform_version": "1.6.6", "resources": []}',
      /^error HR_CHECK_INPUT: state\.json: is not a Terraform plan: it has no format_version/,
    ],
    [
      'a plan format it does not read',
      'future.json',
      '{"format_version": "2.0", "resource_changes": []}',
      /^error HR_CHECK_INPUT: future\.json: plan format 2\.0 is not supported/,
    ],
  ])('%s', async (_what, name, text, expected) => {
    await writeFile(join(dir, name), text);
    const result = await headroom(['check', name]);
    expect(result.code).toBe(2);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(expected);
  });

  it('a requirement naming a quota the target does not have', async () => {
    await writeFile(
      join(dir, 'needs.yaml'),
      '- quota: ec2/L-1216C47A\n  need: +8\n- quota: ec2/L-NOTAQUOTA\n  need: +1\n',
    );
    const result = await headroom(['check', '--requirements', 'needs.yaml', '--region', 'us-east-1']);
    expect(result.code).toBe(2);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error ')),
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^error HR_CHECK_INPUT: needs\\.yaml:3: ec2/L-NOTAQUOTA is not a quota of ${management.id}:us-east-1`,
        ),
      ),
    ]);
  });

  it('neither a plan nor requirements; no region anywhere', async () => {
    const none = await headroom(['check']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give a Terraform plan in JSON, --requirements FILE, or both/);
    await writeFile(join(dir, 'noregion.json'), '{"format_version": "1.2", "resource_changes": []}');
    const noRegion = await headroom(['check', 'noregion.json']);
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toMatch(
      /no region: the plan's aws provider sets none as a constant; pass --region/,
    );
  });

  it('AWS unreachable is exit 3, never 1', async () => {
    await writeFile(join(dir, 'small.json'), JSON.stringify(instancesPlan('m5.large', 1)));
    await writeFile(
      join(dir, 'down.yaml'),
      sandboxConfig(sandbox, { regions: ['us-east-1'], services: ['ec2'] }).replace(
        sandbox.url,
        'http://127.0.0.1:9',
      ),
    );
    const result = await headroom(
      ['--config', 'down.yaml', 'check', 'small.json', '--target', `${management.id}:us-east-1`],
      { HEADROOM_HOME: join(dir, 'home-down') },
    );
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/^error HR_CHECK_UNDECIDED: could not read the quotas of /m);
  });
});
