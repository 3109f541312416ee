/**
 * The checked-in alerting rules and dashboard are what the generators give (else run
 * `headroom prometheus-rules > deploy/prometheus/headroom-rules.yml` and
 * `headroom grafana-dashboard > deploy/grafana/headroom-dashboard.json`), and promtool accepts the rules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderDashboard } from './dashboard.js';
import { DEFAULT_RULE_OPTIONS, renderRules } from './rules.js';

const RULES = fileURLToPath(new URL('../../deploy/prometheus/headroom-rules.yml', import.meta.url));
const DASHBOARD = fileURLToPath(new URL('../../deploy/grafana/headroom-dashboard.json', import.meta.url));

describe('deploy/prometheus/headroom-rules.yml', () => {
  it('is what `headroom prometheus-rules` generates', () => {
    expect(readFileSync(RULES, 'utf8')).toBe(renderRules());
  });

  it('passes promtool check rules', (context) => {
    if (!existsSync('/usr/bin/promtool')) {
      console.warn('skipped: /usr/bin/promtool is not installed (Debian package prometheus)');
      context.skip();
    }
    const check = spawnSync('/usr/bin/promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('SUCCESS: 7 rules found');
    expect(check.status).toBe(0);
  });

  it('warns at 0.8, is critical at 0.95 for 15m, and goes stale after two intervals', () => {
    const doc = parse(renderRules()) as {
      groups: { rules: { alert: string; expr: string; for: string }[] }[];
    };
    const rules = new Map(doc.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
    expect(rules.get('HeadroomQuotaUsageWarning')).toMatchObject({
      expr: 'headroom_quota_usage_ratio > 0.8 <= 0.95',
      for: '15m',
    });
    expect(rules.get('HeadroomQuotaUsageCritical')).toMatchObject({
      expr: 'headroom_quota_usage_ratio > 0.95',
    });
    expect(rules.get('HeadroomUsageStale')?.expr).toMatch(/> 7200$/);
    const hourly = parse(
      renderRules({
        ...DEFAULT_RULE_OPTIONS,
        intervals: { ...DEFAULT_RULE_OPTIONS.intervals, usageMs: 900_000 },
      }),
    ) as typeof doc;
    expect(hourly.groups[1]?.rules.find((r) => r.alert === 'HeadroomUsageStale')?.expr).toMatch(/> 1800$/);
  });
});

describe('deploy/grafana/headroom-dashboard.json', () => {
  it('is what `headroom grafana-dashboard` generates', () => {
    expect(readFileSync(DASHBOARD, 'utf8')).toBe(renderDashboard());
  });

  it('takes the data source, account, region and service as variables', () => {
    const dashboard = JSON.parse(renderDashboard()) as {
      templating: { list: { name: string; type: string }[] };
      panels: { datasource: { uid: string } }[];
    };
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['account', 'query'],
      ['region', 'query'],
      ['service', 'query'],
      ['quota', 'query'],
    ]);
    expect(dashboard.panels.every((p) => p.datasource.uid === '${datasource}')).toBe(true);
  });
});
