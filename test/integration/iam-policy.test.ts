/**
 * `headroom iam-policy` against the code: every AWS action the source calls (each SDK command
 * sent, each paginator, each role assumed) is in the generated policy, and every action in the
 * policy is called somewhere (a static scan of src/, outside the sandbox); a sweep of every usage
 * counter's service on the sandbox calls nothing the policy leaves out; the checked-in
 * docs/iam-policy.json is what the command prints.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iamPolicy, policyActions } from '../../src/app/iam-policy.js';
import { servicesDoc } from '../../src/app/services-doc.js';
import { sweep } from '../../src/collect/sweep.js';
import { silentLogger } from '../../src/logging/logger.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { COUNTERS } from '../../src/services/index.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { runHeadroom } from '../helpers/aws-cli.js';
import { counterSession } from '../helpers/counting.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The IAM prefix of each SDK client package headroom uses. */
const PREFIX: Readonly<Record<string, string>> = {
  'client-service-quotas': 'servicequotas',
  'client-cloudwatch': 'cloudwatch',
  'client-sts': 'sts',
  'client-support': 'support',
  'client-organizations': 'organizations',
  'client-ec2': 'ec2',
  'client-elastic-load-balancing': 'elasticloadbalancing',
  'client-elastic-load-balancing-v2': 'elasticloadbalancing',
  'client-elasticache': 'elasticache',
  'client-eks': 'eks',
  'client-route-53': 'route53',
  'client-cloudfront': 'cloudfront',
  'client-sagemaker': 'sagemaker',
  'client-sns': 'sns',
};

/** AWS allows these to every principal: no policy needs them. */
const ALWAYS_ALLOWED = new Set(['sts:GetCallerIdentity']);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'sandbox') files.push(...(await sourceFiles(path)));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** Every action the source calls: commands it constructs and paginators it runs, by client package. */
async function calledActions(): Promise<Map<string, string[]>> {
  const called = new Map<string, string[]>();
  const note = (action: string, file: string) => called.set(action, [...(called.get(action) ?? []), file]);
  for (const file of await sourceFiles(join(ROOT, 'src'))) {
    const text = await readFile(file, 'utf8');
    const imports = text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g,
    );
    for (const [, names = '', pkg = ''] of imports) {
      const prefix = PREFIX[pkg];
      if (prefix === undefined) throw new Error(`${file} imports ${pkg}, which this test does not know`);
      for (const raw of names.split(',')) {
        const name = raw.trim();
        if (name.startsWith('type ')) continue;
        const command = /^(\w+)Command$/.exec(name)?.[1];
        const paginated = /^paginate(\w+)$/.exec(name)?.[1];
        const action = command ?? paginated;
        if (action !== undefined && new RegExp(`\\b${name}\\(`).test(text)) note(`${prefix}:${action}`, file);
      }
    }
    // Roles are assumed through the credential providers.
    if (/\bfromTemporaryCredentials\(/.test(text)) note('sts:AssumeRole', file);
  }
  for (const action of ALWAYS_ALLOWED) called.delete(action);
  return called;
}

const fullPolicy = () => iamPolicy({ requests: true, roleName: 'OrganizationAccountAccessRole' });

describe('the generated IAM policy', () => {
  it('allows exactly the actions the source calls', async () => {
    const called = await calledActions();
    expect(policyActions(fullPolicy())).toEqual([...called.keys()].sort((a, b) => a.localeCompare(b)));
  });

  it('gives each usage counter exactly the actions its module calls', async () => {
    const called = await calledActions();
    for (const counter of COUNTERS) {
      const own = [...called].filter(([, files]) =>
        files.some((f) =>
          f.endsWith(
            `/services/${counter.serviceCode === 'elasticloadbalancing' ? 'elb' : counter.serviceCode}.ts`,
          ),
        ),
      );
      expect([...counter.iamActions].sort(), counter.serviceCode).toEqual(own.map(([a]) => a).sort());
    }
  });

  it('is read-only without --requests', () => {
    const readOnly = policyActions(iamPolicy({ requests: false, roleName: 'headroom' }));
    expect(
      readOnly.filter((a) => /:(Request|Create|Put|Delete|Update)/.test(a) && a !== 'sts:AssumeRole'),
    ).toEqual([]);
    expect(policyActions(fullPolicy())).toEqual(
      expect.arrayContaining(['servicequotas:RequestServiceQuotaIncrease', 'support:CreateCase']),
    );
  });
});

describe('a sweep of every counted service on the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('calls nothing the policy leaves out, and every counter runs', async () => {
    const session = counterSession(sandbox);
    const store = await openSqliteStore(':memory:');
    try {
      const services = [...new Set(COUNTERS.map((c) => c.serviceCode))];
      const result = await sweep(session, store, {
        targets: sandbox.admin
          .accounts()
          .map((a) => ({ target: { accountId: a.id, region: 'us-east-1' }, accountName: null })),
        filter: { include: services, exclude: [] },
        limitsTtlMs: 0,
        usageTtlMs: 0,
        refresh: true,
        usage: { source: 'cloudwatch', windowMs: 3_600_000, periodSeconds: 60 },
        logger: silentLogger(),
      });
      const ran = new Set(
        result.targets.flatMap((t) => t.collectors.filter((c) => c.success).map((c) => c.collector)),
      );
      expect([...ran].sort()).toEqual(['limits', 'usage', ...services].sort());
      const prefixOf = (signingName: string) => (signingName === 'monitoring' ? 'cloudwatch' : signingName);
      const metered = new Set(
        sandbox.admin
          .calls()
          .filter((c) => c.outcome === 'success')
          .map((c) => `${prefixOf(c.service)}:${c.operation}`),
      );
      const allowed = new Set([...policyActions(fullPolicy()), ...ALWAYS_ALLOWED]);
      expect([...metered].filter((a) => !allowed.has(a))).toEqual([]);
    } finally {
      session.close();
      await store.close();
    }
  });
});

describe('docs/services.md', () => {
  it('is what the counters say (npx tsx scripts/build-docs.ts writes it)', async () => {
    const written = await readFile(join(ROOT, 'docs', 'services.md'), 'utf8');
    const { format } = await import('prettier');
    expect(written).toBe(await format(servicesDoc(), { parser: 'markdown', proseWrap: 'preserve' }));
  });
});

describe('headroom iam-policy', () => {
  it('prints the policy docs/iam-policy.json holds (with --requests), and refuses a bad role name', async () => {
    const printed = await runHeadroom(['iam-policy', '--requests']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toEqual(fullPolicy());
    expect(printed.stdout).toBe(await readFile(join(ROOT, 'docs', 'iam-policy.json'), 'utf8'));
    const bad = await runHeadroom(['iam-policy', '--role-name', 'arn:aws:iam::1:role/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(
      /^error HR_CLI_USAGE: --role-name '.*' is not an IAM role name; give the name alone/,
    );
  });
});
