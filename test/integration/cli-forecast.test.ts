/**
 * `headroom forecast` as a user runs it (a child process, from source) over a real SQLite store
 * the test fills with a quota's history: three weeks rising towards its limit, a quota with one
 * day of history, and one with none. No AWS call is needed (forecasts read the store only); the
 * endpoint points at a port nothing listens on.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LimitSnapshot, Quota } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import {
  envWithoutAws,
  headroomCommandAnywhere,
  type ProcessResult,
  runProgram,
} from '../helpers/aws-cli.js';
import { aQuota, aUsageSnapshot } from '../helpers/quotas.js';

const HOUR = 3_600_000;
const TARGET: Target = { accountId: '123456789012', region: 'us-east-1' };
let dir: string;

function quota(code: string, name: string, value: number): Quota {
  return aQuota({ quotaCode: code, quotaName: name, value });
}

function headroom(args: readonly string[]): Promise<ProcessResult> {
  const command = headroomCommandAnywhere(args);
  return runProgram(command.file, command.args, {
    cwd: dir,
    timeoutMs: 60_000,
    env: envWithoutAws({
      AWS_ACCESS_KEY_ID: 'AKIAFORECASTTEST0000',
      AWS_SECRET_ACCESS_KEY: 'forecast',
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-config'),
      HEADROOM_HOME: join(dir, 'home'),
    }),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-forecast-'));
  await mkdir(join(dir, 'home'));
  await writeFile(join(dir, 'aws-config'), '');
  await writeFile(
    join(dir, 'headroom.yaml'),
    [
      'aws:',
      '  endpoint: http://127.0.0.1:9',
      'accounts:',
      "  - id: '123456789012'",
      '    name: prod',
      'regions: [us-east-1]',
      '',
    ].join('\n'),
  );
  const store = await openSqliteStore(join(dir, 'home', 'headroom.sqlite'));
  try {
    const now = Date.now();
    const quotas = [
      quota('L-1216C47A', 'Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances', 1000),
      quota('L-0263D0A3', 'EC2-VPC Elastic IPs', 50),
      quota('L-34B43A08', 'All Standard Spot Instance Requests', 640),
    ];
    const limits: LimitSnapshot = {
      target: TARGET,
      collectedAt: new Date(now),
      complete: true,
      quotas,
      errors: [],
    };
    await store.saveLimitSnapshot(limits);
    for (let h = 21 * 24; h >= 0; h--) {
      const at = new Date(now - h * HOUR);
      const samples = [{ serviceCode: 'ec2', quotaCode: 'L-1216C47A', value: 700 - h, observedAt: at }];
      // One day of Elastic IPs only: not enough for a forecast.
      if (h < 8) samples.push({ serviceCode: 'ec2', quotaCode: 'L-0263D0A3', value: 10, observedAt: at });
      await store.saveUsageSnapshot(aUsageSnapshot(TARGET, at, samples));
    }
  } finally {
    await store.close();
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('headroom forecast', () => {
  it('lists the forecasts, soonest exhaustion first, with when the limit may be reached', async () => {
    const result = await headroom(['forecast', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as {
      quotaCode: string;
      forecast: { status: string; method: string; exhaustion: string | null; atHorizon: { mean: number } };
    }[];
    expect(rows.map((r) => r.quotaCode)).toEqual(['L-1216C47A']);
    const [vcpu] = rows;
    // 700 now, +24 a day: 1000 in 12.5 days, inside the 14-day horizon.
    expect(vcpu?.forecast.method).toBe('trend+weekly');
    expect(vcpu?.forecast.atHorizon.mean).toBeGreaterThan(1020);
    const hoursLeft = (Date.parse(vcpu?.forecast.exhaustion ?? '') - Date.now()) / HOUR;
    expect(hoursLeft).toBeGreaterThan(11 * 24);
    expect(hoursLeft).toBeLessThan(12.6 * 24);
  });

  it('says which quotas have too little history', async () => {
    const all = await headroom(['forecast', '--all']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      /ec2\/L-0263D0A3 .* no forecast: 8 hourly points over 7 h of history; a forecast needs at/,
    );
    const table = await headroom(['forecast']);
    expect(table.stderr).toContain(
      '1 forecasts over 14 days, 1 may reach their limit; 1 quotas have too little history yet (--all lists them)',
    );
  });

  it('a quota without any history says so: one line, exit 2', async () => {
    const result = await headroom(['forecast', '--quota', 'ec2/L-34B43A08']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'error HR_FORECAST_NO_HISTORY: no usage history is stored for ec2/L-34B43A08 in 123456789012:us-east-1; collect its usage over at least 12 hours first (`headroom serve` does hourly); `headroom quotas` shows which quotas have usage',
    );
  });

  it('a bad horizon or quota argument is one line, exit 2', async () => {
    const horizon = await headroom(['forecast', '--horizon', '5m']);
    expect(horizon.code).toBe(2);
    expect(horizon.stderr).toMatch(
      /--horizon <duration>' argument '5m' is invalid\. expected a duration from 1h to 90d/,
    );
    const quotaArg = await headroom(['forecast', '--quota', 'ec2']);
    expect(quotaArg.code).toBe(2);
    expect(quotaArg.stderr).toMatch(/--quota 'ec2' is not SERVICE\/QUOTA_CODE/);
  });
});

describe('headroom engine simulate', () => {
  interface SimJson {
    steps: number;
    quotas: number;
    rulesFrom: string;
    events: {
      at: string;
      quotaCode: string;
      kind: string;
      band: string;
      alert: string | null;
      basis: string;
      usage: number;
    }[];
    counts: Record<string, number>;
  }

  it('replays the stored history under a rules file: the forecast warns days before the usage does', async () => {
    await writeFile(
      join(dir, 'watch.yaml'),
      ['rules:', '  - name: compute', '    match: {services: [ec2]}', '    level: alert_only', ''].join('\n'),
    );
    const result = await headroom([
      'engine',
      'simulate',
      '--from',
      '7d',
      '--rules',
      'watch.yaml',
      '--format',
      'json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const sim = JSON.parse(result.stdout) as SimJson;
    expect(sim.steps).toBe(7 * 24);
    expect(sim.rulesFrom).toBe('watch.yaml');
    // The vCPUs rise 24 a day to 700 of 1000 now: never 80% by the readings, but the 7-day
    // forecast (usage + 168) reaches 800 when the usage reaches 632, 68 hours before now. The
    // forecast is refitted every 6 hours, so the warning comes within 6 hours after that; still
    // at warning, it is repeated each time the 24-hour cooldown has passed.
    const alerts = sim.events.filter((e) => e.kind === 'alert');
    expect(alerts.map((e) => [e.quotaCode, e.alert, e.basis])).toEqual([
      ['L-1216C47A', 'warning', 'forecast'],
      ['L-1216C47A', 'warning', 'forecast'],
      ['L-1216C47A', 'warning', 'forecast'],
    ]);
    const hoursBefore = (Date.now() - Date.parse(alerts[0]?.at ?? '')) / HOUR;
    expect(hoursBefore).toBeGreaterThan(61);
    expect(hoursBefore).toBeLessThanOrEqual(69);
    const gaps = alerts.slice(1).map((e, i) => (Date.parse(e.at) - Date.parse(alerts[i]?.at ?? '')) / HOUR);
    expect(gaps).toEqual([24, 24]);
    // The readings themselves stay below 80% throughout.
    expect(Math.max(...sim.events.map((e) => e.usage))).toBeLessThan(800);
    expect(sim.counts).toMatchObject({ alert: 3, propose: 0, request: 0 });
    expect(result.stderr).toMatch(
      /^simulated 7\.0 days \(168 steps\) of 2 quotas under 1 rule from watch\.yaml: 3 alerts, /m,
    );
  });

  it('under the config, whose defaults only monitor, would have done nothing; and it writes nothing', async () => {
    const result = await headroom(['engine', 'simulate', '--from', '7d']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('0 alerts, 0 proposals (0 expired unapproved), 0 requests');
    const audit = await headroom(['audit', '--format', 'json']);
    expect(JSON.parse(audit.stdout)).toEqual([]);
    const approvals = await headroom(['approvals', 'list', '--format', 'json']);
    expect(JSON.parse(approvals.stdout)).toEqual([]);
  });

  it('refuses bad input with one line, exit 2', async () => {
    await writeFile(
      join(dir, 'broken.yaml'),
      ['rules:', '  - name: compute', '    level: auto_everything', ''].join('\n'),
    );
    const cases: [string[], RegExp][] = [
      [['--from', 'soon'], /--from <when>' argument 'soon' is invalid/],
      [
        ['--from', '7d', '--rules', 'missing.yaml'],
        /^error HR_CONFIG_NOT_FOUND: --rules missing\.yaml: no such file/m,
      ],
      [
        ['--from', '7d', '--rules', 'broken.yaml'],
        /^error HR_CONFIG_INVALID: broken\.yaml:3:12: rules\.0 \(compute\)\.level /m,
      ],
      [
        ['--from', '2099-01-01T00:00:00Z'],
        /^error HR_SIMULATE_RANGE: --from 2099-01-01T00:00:00\.000Z leaves nothing to replay/m,
      ],
      [
        ['--from', '7d', '--step', '1m'],
        /--step <duration>' argument '1m' is invalid\. expected a duration from 5m to 1d/,
      ],
    ];
    for (const [args, expected] of cases) {
      const result = await headroom(['engine', 'simulate', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error')),
      ).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(expected);
    }
  });
});
