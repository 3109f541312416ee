/**
 * The dashboard end to end, in a real browser: Debian's Chromium driven by playwright-core,
 * against `headroom serve` run as a child process (as an operator runs it) on the sandbox, with
 * the assets `npm run build:web` builds. The sandbox is the oracle for what was filed, and the
 * CLI (`headroom compare --format json`) for the numbers the compare page shows. Screenshots of
 * each page go to test-results/screenshots/. Skipped, with the reason printed, only when
 * /usr/bin/chromium is not installed (Debian package chromium; .ci/run installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Approval } from '../../src/domain/approval.js';
import type { UsageSnapshot } from '../../src/domain/quota.js';
import type { Target } from '../../src/domain/target.js';
import { newApprovalId } from '../../src/engine/approvals.js';
import type { CompareResponse, QuotaRowJson, TargetQuotasResponse } from '../../src/server/api/schemas.js';
import { type AccountInfo, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { keysOf, REPO_ROOT, runHeadroom, runProgram } from '../helpers/aws-cli.js';
import { stopProcesses } from '../helpers/processes.js';
import { approvableQuotas, sandboxAccounts, sandboxConfig } from '../helpers/sandbox.js';
import { startServeProcess } from '../helpers/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
if (missing) console.warn(`skipped: ${CHROMIUM} is not installed (Debian package chromium)`);

const REGIONS = ['us-east-1', 'eu-west-1'];
const SERVICES = ['ec2', 'iam', 'lambda'];
/** PENDING → CASE_OPENED after 10 minutes, decided 50 minutes later (the sandbox's defaults). */
const DECIDED_AFTER_S = 60 * 60;
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'screenshots');
const HOUR_MS = 3_600_000;

let sandbox: Sandbox;
let dir: string;
let configFile: string;
let url: string;
let browser: Browser;
let page: Page;
let production: AccountInfo;
let staging: AccountInfo;
let management: AccountInfo;
/** What the browser's console said at error level, and pages that failed to load. */
const consoleErrors: string[] = [];

/** The attributes of every element the locator finds, in page order. */
async function attributes(locator: Locator, ...names: string[]): Promise<(string | null)[][]> {
  const found: (string | null)[][] = [];
  for (const element of await locator.all()) {
    found.push(await Promise.all(names.map((name) => element.getAttribute(name))));
  }
  return found;
}

async function statuses(rows: Locator): Promise<(string | null)[]> {
  return (await attributes(rows, 'data-status')).map(([status]) => status ?? null);
}

/**
 * Pending approvals written into serve's store, as the engine would record them (the engine that
 * proposes them is tested elsewhere): raise each quota in staging from its value now, read from
 * AWS, to production's.
 */
async function proposeApprovals(count: number): Promise<Approval[]> {
  const comparison = (await (
    await fetch(
      `${url}/api/v1/compare?source=${production.id}:us-east-1&destination=${staging.id}:us-east-1&service=ec2&refresh=true`,
    )
  ).json()) as CompareResponse;
  const chosen = approvableQuotas(comparison.rows, count);
  const store = await openSqliteStore(join(dir, 'headroom.sqlite'));
  try {
    const now = new Date();
    const approvals = chosen.map((key): Approval => {
      const row = comparison.rows.find((r) => `${r.serviceCode}/${r.quotaCode}` === key);
      if (row?.source?.value == null || row.destination?.value == null)
        throw new Error(`no values for ${key}`);
      return {
        id: newApprovalId(),
        status: 'PENDING',
        target: { accountId: staging.id, region: 'us-east-1' },
        serviceCode: row.serviceCode,
        quotaCode: row.quotaCode,
        quotaName: row.quotaName,
        unit: row.unit,
        global: row.global,
        action: 'increase',
        fromValue: row.destination.value,
        desiredValue: row.source.value,
        estimatedCost: 36.8 * (row.source.value - row.destination.value),
        rule: 'ec2-capacity',
        proposedBy: 'engine (ci@runner)',
        reason: `usage reached 85% of ${row.destination.value}`,
        createdAt: now,
        expiresAt: new Date(now.getTime() + 24 * 3_600_000),
        decidedBy: null,
        decidedAt: null,
        decisionReason: null,
        requestId: null,
        outcome: null,
      };
    });
    for (const approval of approvals) await store.saveApproval(approval);
    return approvals;
  } finally {
    await store.close();
  }
}

/**
 * Usage history written into serve's store, as hourly sweeps would have recorded it: each quota's
 * values, the last one now, one an hour before it, and so on back.
 */
async function recordUsage(target: Target, histories: { quota: QuotaRowJson; values: number[] }[]) {
  const store = await openSqliteStore(join(dir, 'headroom.sqlite'));
  try {
    const now = Date.now();
    const hours = Math.max(...histories.map((h) => h.values.length));
    for (let h = hours - 1; h >= 0; h--) {
      const at = new Date(now - h * HOUR_MS);
      const samples = histories.flatMap(({ quota, values }) => {
        const value = values[values.length - 1 - h];
        return value === undefined
          ? []
          : [{ serviceCode: quota.serviceCode, quotaCode: quota.quotaCode, value, observedAt: at }];
      });
      const usage: UsageSnapshot = {
        target,
        collectedAt: at,
        source: 'cloudwatch',
        windowStart: new Date(at.getTime() - HOUR_MS),
        windowEnd: at,
        complete: true,
        samples,
        errors: [],
      };
      await store.saveUsageSnapshot(usage);
    }
  } finally {
    await store.close();
  }
}

/** The labels of the chart's series, as uPlot's legend lists them. */
async function seriesLabels(chart: Locator): Promise<string[]> {
  return (await chart.locator('.u-legend .u-series .u-label').allTextContents()).map((label) => label.trim());
}

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

beforeAll(async () => {
  if (missing) return;
  // The assets serve sends: built as `npm run build` builds them.
  const build = await runProgram(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    // NODE_ENV is `test` in here; a build under it would bundle React's development build.
    { timeoutMs: 120_000, env: { ...process.env, NODE_ENV: 'production' } },
  );
  if (build.code !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);

  sandbox = await startSandbox({ accounts: 3, regions: REGIONS, throttle: 'off' });
  const accounts = sandboxAccounts(sandbox);
  ({ production, staging, management } = accounts);
  dir = mkdtempSync(join(tmpdir(), 'headroom-dashboard-'));
  configFile = join(dir, 'headroom.yaml');
  writeFileSync(
    configFile,
    sandboxConfig(sandbox, {
      regions: REGIONS,
      services: SERVICES,
      extra: [`home: ${dir}`, 'log:', '  level: warn'],
    }),
  );
  ({ url } = await startServeProcess(configFile, management, 90_000));

  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
}, 240_000);

afterAll(async () => {
  await (browser as Browser | undefined)?.close();
  await stopProcesses();
  if (!missing) {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.skipIf(missing)('the dashboard in Chromium', { timeout: 120_000 }, () => {
  it('lists every target on the fleet page, worst headroom first', async () => {
    await page.goto(`${url}/`);
    const rows = page.getByTestId('fleet-target-row');
    await expect
      .poll(() => rows.count(), { timeout: 30_000 })
      .toBe(sandbox.admin.accounts().length * REGIONS.length);
    const keys = (await attributes(rows, 'data-target')).map(([key]) => key);
    expect([...keys].sort()).toEqual(
      sandbox.admin
        .accounts()
        .flatMap((a) => REGIONS.map((r) => `${a.id}:${r}`))
        .sort(),
    );
    await expect
      .poll(() => page.getByRole('link', { name: 'Fleet' }).getAttribute('aria-current'))
      .toBe('page');
    await shoot('fleet');
  });

  it('filters the fleet by region, kept in the address', async () => {
    await page.getByLabel('Region').selectOption('eu-west-1');
    const rows = page.getByTestId('fleet-target-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(sandbox.admin.accounts().length);
    expect(new URL(page.url()).searchParams.get('region')).toBe('eu-west-1');
  });

  it("shows a target's quotas and a quota's usage history", async () => {
    const key = `${production.id}:us-east-1`;
    await page.goto(`${url}/targets/${key}`);
    const rows = page.getByTestId('quota-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(10);
    await page
      .getByLabel(/search/i)
      .first()
      .fill('L-1216C47A');
    // The search narrows the table to the one quota.
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    const row = page.locator('[data-testid="quota-row"][data-quota="ec2/L-1216C47A"]');
    expect(await row.count()).toBe(1);
    await row.click();
    const chart = page.getByTestId('usage-chart');
    await expect.poll(() => chart.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => chart.locator('canvas').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await shoot('target');
  });

  it("forecasts a quota's usage after its history, and says why another has too little to", async () => {
    // A target no other test reads usage of: the history written here becomes its newest usage.
    const target = { accountId: production.id, region: 'eu-west-1' };
    const key = `${target.accountId}:${target.region}`;
    const { quotas } = (await (
      await fetch(`${url}/api/v1/targets/${key}/quotas`)
    ).json()) as TargetQuotasResponse;
    // Quotas the sandbox reports no usage of, so the history written here is all they have.
    const quiet = quotas
      .filter((q) => q.usage === null && q.limit !== null && q.limit >= 100)
      .sort((a, b) => `${a.serviceCode}/${a.quotaCode}`.localeCompare(`${b.serviceCode}/${b.quotaCode}`));
    const [rising, thin] = quiet;
    if (rising?.limit == null || thin === undefined) throw new Error(`two quiet quotas expected in ${key}`);
    const limit = rising.limit;
    // Three weeks climbing from 30% to 90% of the limit, give or take up to 5% from hour to hour
    // (a fixed scatter, so the interval has a width): the trend reaches the limit within the week ahead.
    const hours = 21 * 24;
    const wobble = (h: number) => 0.1 * ((Math.abs(Math.sin(h * 12.9898) * 43_758.5453) % 1) - 0.5);
    await recordUsage(target, [
      {
        quota: rising,
        values: Array.from({ length: hours + 1 }, (_, h) =>
          Math.round(limit * (0.3 + (0.6 * h) / hours + wobble(h))),
        ),
      },
      // Three hours: too few to forecast from.
      { quota: thin, values: [10, 11, 12] },
    ]);

    const open = async (quota: QuotaRowJson) => {
      const quotaKey = `${quota.serviceCode}/${quota.quotaCode}`;
      await page.goto(`${url}/targets/${key}?quota=${encodeURIComponent(quotaKey)}`);
      const chart = page.getByTestId('usage-chart');
      await expect.poll(() => chart.locator('canvas').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      return { chart, summary: page.getByTestId('forecast-summary') };
    };

    const { chart, summary } = await open(rising);
    expect(await chart.getAttribute('data-forecast')).toBe('ok');
    // The chart draws the forecast's mean and its 90% interval after the history, and the limit.
    expect(await seriesLabels(chart)).toEqual(
      expect.arrayContaining(['Usage', 'Forecast', 'Forecast 90% high', 'Forecast 90% low', 'Limit']),
    );
    const exhaustion = await chart.getAttribute('data-exhaustion');
    expect(exhaustion).not.toBeNull();
    const until = Date.parse(exhaustion ?? '') - Date.now();
    expect(until).toBeGreaterThan(0);
    expect(until).toBeLessThanOrEqual(7 * 24 * HOUR_MS);
    // The words say so, with the same time in UTC.
    const words = (await summary.textContent()) ?? '';
    expect(words).toMatch(/^Forecast \(trend\+weekly, 7 days\): [\d,.]+ of /);
    expect(words).toContain(` of ${limit.toLocaleString('en-US')} (`);
    expect(words).toContain(
      `may be exhausted by ${new Date(exhaustion ?? '').toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    );
    expect(await page.locator('.history-explanation').textContent()).toMatch(/may reach the limit by/);
    await shoot('forecast');

    // Another range asks for another horizon: 24 hours back, a day ahead.
    await page.getByRole('radio', { name: '24h' }).check();
    await expect.poll(() => summary.textContent(), { timeout: 15_000 }).toContain(', 1 day):');
    await expect.poll(() => seriesLabels(chart), { timeout: 15_000 }).toContain('Forecast');
    await shoot('forecast-24h');

    // Too little history: the API's reason in words, and a chart of the history alone.
    const thinView = await open(thin);
    await expect
      .poll(() => thinView.summary.getAttribute('data-status'), { timeout: 15_000 })
      .toBe('insufficient');
    expect(await thinView.summary.textContent()).toMatch(
      /^Too little history to forecast: 3 hourly points over 2 h of history; a forecast needs /,
    );
    expect(await thinView.chart.getAttribute('data-forecast')).toBe('insufficient');
    const labels = await seriesLabels(thinView.chart);
    expect(labels).toContain('Usage');
    expect(labels.filter((label) => label.startsWith('Forecast'))).toEqual([]);
    await shoot('forecast-insufficient');
  });

  it('compares two targets with the same numbers as `headroom compare`', async () => {
    await page.goto(`${url}/compare`);
    await page.getByLabel('Source').selectOption(`${production.id}:us-east-1`);
    await page.getByLabel('Destination').selectOption(`${staging.id}:us-east-1`);
    await page.getByLabel('Suppress defaults').check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const total = page.getByTestId('summary-total');
    await expect.poll(() => total.count(), { timeout: 60_000 }).toBe(1);

    const cli = await runHeadroom(
      [
        '--config',
        configFile,
        'compare',
        `${production.id}:us-east-1`,
        `${staging.id}:us-east-1`,
        '--suppress-defaults',
        '--format',
        'json',
      ],
      60_000,
      keysOf(management),
    );
    expect(cli.code, cli.stderr).toBe(0);
    const { summary } = JSON.parse(cli.stdout) as CompareResponse;
    const fields = [
      'total',
      'equal',
      'different',
      'destinationLower',
      'destinationHigher',
      'onlyInSource',
      'onlyInDestination',
      'suppressedAtDefault',
    ] as const;
    const shown: Record<string, number> = {};
    for (const field of fields) {
      shown[field] = Number(await page.getByTestId(`summary-${field}`).getAttribute('data-value'));
    }
    expect(shown).toEqual(Object.fromEntries(fields.map((f) => [f, summary[f]])));
    expect(summary.destinationLower).toBeGreaterThan(1);
    await shoot('compare');
  });

  it('files exactly the two requests ticked, showing the plan first, then each result', async () => {
    // Two quotas the sandbox will approve.
    const comparison = (await (
      await fetch(
        `${url}/api/v1/compare?source=${production.id}:us-east-1&destination=${staging.id}:us-east-1&suppressDefaults=true`,
      )
    ).json()) as CompareResponse;
    const chosen = approvableQuotas(comparison.rows, 2);
    expect(chosen).toHaveLength(2);
    const before = sandbox.admin.requests().length;

    for (const quota of chosen) await page.getByLabel(`Select ${quota}`, { exact: true }).check();
    await page.getByRole('button', { name: 'Request selected (2)' }).click();
    const items = page.getByTestId('plan-item');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(2);
    expect(await attributes(items, 'data-quota', 'data-outcome')).toEqual(
      chosen.map((q) => [q, 'would-file']),
    );
    // The plan alone files nothing.
    expect(sandbox.admin.requests()).toHaveLength(before);
    await shoot('compare-plan');

    await page.getByRole('button', { name: 'Submit 2 requests' }).click();
    const results = page.getByTestId('result-item');
    await expect.poll(() => results.count(), { timeout: 30_000 }).toBe(2);
    expect(await attributes(results, 'data-quota', 'data-outcome')).toEqual(chosen.map((q) => [q, 'filed']));
    const filed = sandbox.admin.requests().slice(before);
    expect(filed).toHaveLength(2);
    expect(filed.map((r) => `${r.serviceCode}/${r.quotaCode}`).sort()).toEqual([...chosen].sort());
    expect(
      filed.every((r) => r.accountId === staging.id && r.region === 'us-east-1' && r.status === 'PENDING'),
    ).toBe(true);
    await shoot('compare-result');
  });

  it('shows the requests PENDING, then APPROVED once the sandbox clock has moved on', async () => {
    await page.goto(`${url}/requests`);
    const rows = page.getByTestId('request-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    expect(await statuses(rows)).toEqual(['PENDING', 'PENDING']);
    await shoot('requests-pending');

    sandbox.admin.advanceClock(DECIDED_AFTER_S);
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    await expect.poll(() => statuses(rows), { timeout: 30_000 }).toEqual(['APPROVED', 'APPROVED']);
    // The sandbox applied them: the quotas now hold the desired values.
    expect(sandbox.admin.requests().every((r) => r.status === 'APPROVED')).toBe(true);
    await shoot('requests');
  });

  it('decides approvals: Deny needs a reason, Approve files the request; the audit chain verifies', async () => {
    const [toDeny, toApprove] = await proposeApprovals(2);
    if (toDeny === undefined || toApprove === undefined) throw new Error('two approvable quotas expected');
    await page.goto(`${url}/approvals`);
    const rows = page.getByTestId('approval-row');
    await expect
      .poll(() => attributes(rows, 'data-approval-id', 'data-status'), { timeout: 30_000 })
      .toEqual(
        expect.arrayContaining([
          [toDeny.id, 'PENDING'],
          [toApprove.id, 'PENDING'],
        ]),
      );
    await expect
      .poll(() => page.getByRole('link', { name: 'Approvals' }).getAttribute('aria-current'))
      .toBe('page');
    await shoot('approvals');

    // Deny without a reason: refused on the page, nothing sent.
    await page.getByRole('button', { name: `Deny ${toDeny.id}` }).click();
    const decision = page.getByTestId('approval-decision');
    await decision.getByRole('button', { name: 'Deny', exact: true }).click();
    const required = decision.getByRole('alert');
    await expect.poll(() => required.textContent(), { timeout: 10_000 }).toContain('needs a reason');
    expect(await decision.getByLabel('Reason (required)').getAttribute('aria-invalid')).toBe('true');
    // The same in the dark theme.
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot('approvals-deny-reason-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await shoot('approvals-deny-reason');
    await decision.getByLabel('Reason (required)').fill('staging does not need it');
    await decision.getByRole('button', { name: 'Deny', exact: true }).click();
    const result = page.getByTestId('approval-result');
    await expect
      .poll(() => attributes(result, 'data-approval-id', 'data-status'), { timeout: 30_000 })
      .toEqual([[toDeny.id, 'DENIED']]);

    // Approve: the request is filed at the sandbox, and the result says EXECUTED with its id.
    const before = sandbox.admin.requests().length;
    await page.getByRole('button', { name: `Approve ${toApprove.id}` }).click();
    await decision.getByLabel('Reason (optional)').fill('launch week');
    await decision.getByRole('button', { name: 'Approve and file' }).click();
    await expect
      .poll(() => attributes(result, 'data-approval-id', 'data-status'), { timeout: 30_000 })
      .toEqual([[toApprove.id, 'EXECUTED']]);
    expect(await result.getByRole('link', { name: /^hr-/ }).count()).toBe(1);
    const filed = sandbox.admin.requests().slice(before);
    expect(filed.map((r) => [r.accountId, r.quotaCode, r.desiredValue])).toEqual([
      [staging.id, toApprove.quotaCode, toApprove.desiredValue],
    ]);
    // Decided ones leave the pending list once it is read again.
    await expect
      .poll(async () => (await attributes(rows, 'data-approval-id')).flat(), { timeout: 30_000 })
      .not.toContain(toApprove.id);
    await shoot('approvals-executed');

    await page.goto(`${url}/audit`);
    const entries = page.getByTestId('audit-row');
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const verdict = page.getByTestId('audit-verdict');
    await expect.poll(() => verdict.getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    await shoot('audit');
  });

  it('shows the age of each target in the cache, and reads one again', async () => {
    await page.goto(`${url}/cache`);
    const rows = page.getByTestId('cache-row');
    await expect
      .poll(() => rows.count(), { timeout: 30_000 })
      .toBe(sandbox.admin.accounts().length * REGIONS.length);
    const key = `${staging.id}:eu-west-1`;
    const calls = sandbox.admin.callTotal({ operation: 'ListServiceQuotas', outcome: 'success' });
    await page.getByRole('button', { name: `Refresh ${key}` }).click();
    await expect
      .poll(() => sandbox.admin.callTotal({ operation: 'ListServiceQuotas', outcome: 'success' }), {
        timeout: 30_000,
      })
      .toBeGreaterThan(calls);
    await shoot('cache');
  });

  it('is usable by keyboard: the first Tab reaches the skip link, which leads to the content', async () => {
    await page.goto(`${url}/`);
    // Once the page is drawn (React renders after the load event).
    await expect
      .poll(() => page.getByTestId('fleet-target-row').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect((await focused.innerText()).toLowerCase()).toContain('skip');
    const to = (await focused.getAttribute('href')) ?? '';
    expect(to).toMatch(/^#/);
    await page.keyboard.press('Enter');
    // The target of the skip link exists and holds the page's heading.
    expect(await page.locator(to).locator('h1').count()).toBeGreaterThan(0);
  });

  it('logged no error in the browser (no CSP violation, no failed call)', () => {
    expect(consoleErrors).toEqual([]);
  });
});
