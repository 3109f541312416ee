/**
 * `headroom compare SRC DST`, `headroom replicate SRC DST` and `headroom fleet`: printing what
 * src/app/compare.ts works out.
 */
import { type Command, Option } from 'commander';
import {
  type CompareResult,
  type CompareSideInfo,
  compare,
  compareDocument,
  type FleetResult,
  fleet,
  replicate,
} from '../../app/compare.js';
import { operator } from '../../app/requests.js';
import type { CompareRow, CompareSummary } from '../../domain/compare.js';
import { IncompleteError } from '../../domain/errors.js';
import type { Plan } from '../../domain/plan.js';
import { targetKey } from '../../domain/target.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { renderMarkdownTable } from '../output/markdown.js';
import { createProgress } from '../output/progress.js';
import { type Column, renderBar, renderTable } from '../output/table.js';
import {
  collectList,
  formatAge,
  writeFileWhole,
  formatNumber,
  formatPercent,
  withContext,
  write,
} from './shared.js';

type CompareFormat = 'table' | 'json' | 'csv' | 'markdown';
const COMPARE_FORMATS: readonly CompareFormat[] = ['table', 'json', 'csv', 'markdown'];

function sideName(side: CompareSideInfo): string {
  const key = targetKey(side.target);
  return side.accountName === null
    ? key
    : `${side.accountName}:${side.target.region} (${side.target.accountId})`;
}

/** The summary as label/value pairs, in the order people read it. */
function summaryLines(summary: CompareSummary, suppressed: boolean): [string, string][] {
  const list = (codes: readonly string[]) => (codes.length === 0 ? 'none' : codes.join(', '));
  return [
    ['quotas compared', formatNumber(summary.total)],
    ['equal', formatNumber(summary.equal)],
    ['different', formatNumber(summary.different)],
    [
      '  destination lower',
      `${formatNumber(summary.destinationLower)} (${formatNumber(summary.destinationLowerAdjustable)} adjustable)`,
    ],
    ['  destination higher', formatNumber(summary.destinationHigher)],
    ['only in source', formatNumber(summary.onlyInSource)],
    ['only in destination', formatNumber(summary.onlyInDestination)],
    ['services only in source', list(summary.servicesOnlyInSource)],
    ['services only in destination', list(summary.servicesOnlyInDestination)],
    ...(suppressed
      ? [
          ["hidden: at AWS's default on both sides", formatNumber(summary.suppressedAtDefault)] as [
            string,
            string,
          ],
        ]
      : []),
  ];
}

/** Flat rows for tables and CSV. */
function flatRow(row: CompareRow): Record<string, unknown> {
  return {
    serviceCode: row.serviceCode,
    quotaCode: row.quotaCode,
    quotaName: row.global ? `${row.quotaName} (global)` : row.quotaName,
    status: row.status,
    sourceValue: row.source?.value ?? null,
    destinationValue: row.destination?.value ?? null,
    sourceDefault: row.source?.defaultValue ?? null,
    destinationDefault: row.destination?.defaultValue ?? null,
    destinationLower: row.destinationLower,
    adjustable: row.adjustable,
    global: row.global,
    unit: row.unit,
  };
}

const yesNo = (value: unknown) => (value === true ? 'yes' : 'no');

const ROW_COLUMNS: Column[] = [
  { key: 'serviceCode', header: 'SERVICE' },
  { key: 'quotaCode', header: 'CODE' },
  { key: 'quotaName', header: 'NAME', maxWidth: 56 },
  { key: 'sourceValue', header: 'SOURCE', align: 'right', format: formatNumber },
  { key: 'destinationValue', header: 'DESTINATION', align: 'right', format: formatNumber },
  { key: 'destinationDefault', header: 'DEFAULT', align: 'right', format: formatNumber },
  { key: 'adjustable', header: 'ADJUSTABLE', format: yesNo },
];

const CSV_COLUMNS = [
  'serviceCode',
  'quotaCode',
  'quotaName',
  'status',
  'sourceValue',
  'destinationValue',
  'sourceDefault',
  'destinationDefault',
  'destinationLower',
  'adjustable',
  'global',
  'unit',
].map((key) => ({ key, header: key }));

/** The tables of a comparison: one per kind of row. */
function sections(rows: readonly CompareRow[], onlyDiff: boolean): { title: string; rows: CompareRow[] }[] {
  const pick = (test: (r: CompareRow) => boolean) => rows.filter(test);
  return [
    { title: 'Destination lower', rows: pick((r) => r.destinationLower) },
    { title: 'Destination higher', rows: pick((r) => r.status === 'different' && !r.destinationLower) },
    { title: 'Only in source', rows: pick((r) => r.status === 'only-source') },
    { title: 'Only in destination', rows: pick((r) => r.status === 'only-destination') },
    ...(onlyDiff ? [] : [{ title: 'Equal', rows: pick((r) => r.status === 'equal') }]),
  ];
}

function heading(result: CompareResult): string[] {
  const now = new Date();
  const { source, destination } = result;
  return [
    `compare ${sideName(source)} → ${sideName(destination)}`,
    `limits read ${formatAge(source.limitsAt, now)} / ${formatAge(destination.limitsAt, now)}; ` +
      (result.sameAccount
        ? 'global quotas left out (one account: they are the same quota)'
        : "global quotas compared once, from each account's us-east-1"),
  ];
}

function renderCompare(
  result: CompareResult,
  format: CompareFormat,
  options: { onlyDiff: boolean; suppressDefaults: boolean },
): string {
  const { comparison } = result;
  const rows = options.onlyDiff ? comparison.rows.filter((r) => r.status !== 'equal') : comparison.rows;
  if (format === 'json') return renderJson(compareDocument(result, options));
  if (format === 'csv') return renderCsv(CSV_COLUMNS, rows.map(flatRow));
  const summary = summaryLines(comparison.summary, options.suppressDefaults);
  const parts: string[] = [];
  if (format === 'markdown') {
    const [title, note] = heading(result);
    parts.push(`## ${title ?? ''}\n\n${note ?? ''}\n`);
    parts.push(
      renderMarkdownTable(
        [
          { key: 'label', header: 'summary' },
          { key: 'value', header: 'count', align: 'right' },
        ],
        summary.map(([label, value]) => ({ label: label.trim(), value })),
      ),
    );
    for (const section of sections(rows, options.onlyDiff)) {
      if (section.rows.length === 0) continue;
      parts.push(
        `\n### ${section.title} (${section.rows.length})\n\n${renderMarkdownTable(ROW_COLUMNS, section.rows.map(flatRow))}`,
      );
    }
    return parts.join('\n');
  }
  parts.push(`${heading(result).join('\n')}\n\n`);
  const width = Math.max(...summary.map(([label]) => label.length));
  parts.push(summary.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n') + '\n');
  const maxWidth = process.stdout.isTTY ? { maxWidth: process.stdout.columns } : {};
  for (const section of sections(rows, options.onlyDiff)) {
    if (section.rows.length === 0) continue;
    parts.push(
      `\n${section.title} (${section.rows.length})\n${renderTable(ROW_COLUMNS, section.rows.map(flatRow), maxWidth)}`,
    );
  }
  return parts.join('');
}

function progressFor(label: string) {
  const progress = createProgress({ stream: process.stderr, label, total: 0 });
  return {
    onTarget: (result: { target: { accountId: string; region: string } }) => {
      progress.tick(1, targetKey(result.target));
    },
    done: () => {
      progress.done();
    },
  };
}

function warn(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`warning ${warning}\n`);
}

interface CompareFlags {
  service: string[];
  suppressDefaults: boolean;
  onlyDiff: boolean;
  format: CompareFormat;
  refresh: boolean;
}

interface ReplicateFlags {
  service: string[];
  out?: string;
  reason?: string;
  refresh: boolean;
}

interface FleetFlags {
  quota?: string;
  service?: string;
  target: string[];
  format: CompareFormat;
  refresh: boolean;
}

function planSummary(plan: Plan, out: string | undefined): string {
  const increases = plan.items.filter((i) => i.action === 'request-increase');
  const cases = plan.items.filter((i) => i.action === 'support-case');
  const lines = [
    `plan ${plan.id}: ${plan.source.accountName ?? plan.source.accountId}:${plan.source.region} → ${plan.destination.accountName ?? plan.destination.accountId}:${plan.destination.region}`,
    `  ${increases.length} increase request${increases.length === 1 ? '' : 's'}, ${cases.length} needing a Support case (not adjustable), ${plan.skipped.length} not offered in the destination`,
  ];
  const columns: Column[] = [
    { key: 'action', header: 'ACTION' },
    { key: 'quota', header: 'QUOTA' },
    { key: 'quotaName', header: 'NAME', maxWidth: 56 },
    { key: 'region', header: 'REGION' },
    { key: 'destinationValue', header: 'NOW', align: 'right', format: formatNumber },
    { key: 'desiredValue', header: 'TO', align: 'right', format: formatNumber },
  ];
  const table =
    plan.items.length === 0
      ? '\nnothing to do: the destination is at or above the source everywhere\n'
      : `\n${renderTable(
          columns,
          plan.items.map((i) => ({ ...i, quota: `${i.serviceCode}/${i.quotaCode}` })),
        )}`;
  const next =
    out === undefined
      ? ''
      : `\nwritten to ${out}; review it, then: headroom apply ${out}   (a dry run; add --yes to file)\n`;
  return `${lines.join('\n')}\n${table}${next}`;
}

const FLEET_ROW_COLUMNS: Column[] = [
  { key: 'target', header: 'TARGET' },
  { key: 'value', header: 'VALUE', align: 'right', format: formatNumber },
  { key: 'source', header: 'FROM' },
  { key: 'defaultValue', header: 'DEFAULT', align: 'right', format: formatNumber },
  { key: 'usage', header: 'USAGE', align: 'right', format: formatNumber },
  { key: 'utilization', header: 'USED', align: 'right', format: formatPercent },
  { key: 'bar', header: '' },
  { key: 'mark', header: 'OUTLIER' },
];

const FLEET_SUMMARY_COLUMNS: Column[] = [
  { key: 'quotaCode', header: 'CODE' },
  { key: 'quotaName', header: 'NAME', maxWidth: 48 },
  { key: 'targets', header: 'TARGETS', align: 'right' },
  { key: 'commonValue', header: 'COMMON', align: 'right', format: formatNumber },
  { key: 'min', header: 'MIN', align: 'right', format: formatNumber },
  { key: 'max', header: 'MAX', align: 'right', format: formatNumber },
  { key: 'defaultValue', header: 'DEFAULT', align: 'right', format: formatNumber },
  { key: 'outlierCount', header: 'BELOW', align: 'right' },
  { key: 'peakUtilization', header: 'PEAK USED', align: 'right', format: formatPercent },
];

function renderFleet(result: FleetResult, byQuota: boolean, format: CompareFormat): string {
  if (format === 'json')
    return renderJson(
      byQuota ? { rows: result.rows, summary: result.summaries[0] ?? null } : { summaries: result.summaries },
    );
  const rows = result.rows.map((r) => ({
    ...r,
    target: `${r.accountName ?? r.accountId}:${r.region}`,
    bar: r.utilization === null ? null : renderBar(r.utilization),
    mark: r.outlier ? 'below' : '',
  }));
  const summaries = result.summaries.map((s) => ({
    ...s,
    quotaName: s.global ? `${s.quotaName} (global)` : s.quotaName,
    outlierCount: s.outliers.length,
  }));
  if (format === 'csv') {
    return byQuota
      ? renderCsv(
          [
            'accountId',
            'accountName',
            'region',
            'serviceCode',
            'quotaCode',
            'quotaName',
            'value',
            'source',
            'defaultValue',
            'usage',
            'utilization',
            'outlier',
          ].map((key) => ({ key, header: key })),
          result.rows as unknown as Record<string, unknown>[],
        )
      : renderCsv(
          [
            'serviceCode',
            'quotaCode',
            'quotaName',
            'targets',
            'commonValue',
            'min',
            'max',
            'defaultValue',
            'outlierCount',
            'peakUtilization',
          ].map((key) => ({ key, header: key })),
          summaries,
        );
  }
  if (format === 'markdown') {
    return byQuota
      ? renderMarkdownTable(
          FLEET_ROW_COLUMNS.filter((c) => c.key !== 'bar'),
          rows,
        )
      : renderMarkdownTable(FLEET_SUMMARY_COLUMNS, summaries);
  }
  if (!byQuota) return renderTable(FLEET_SUMMARY_COLUMNS, summaries);
  const summary = result.summaries[0];
  const head = summary
    ? `${summary.serviceCode}/${summary.quotaCode} ${summary.quotaName}${summary.global ? ' (global)' : ''}: ` +
      `most common value ${formatNumber(summary.commonValue)} in ${summary.targets} target${summary.targets === 1 ? '' : 's'}; ` +
      `${summary.outliers.length} below it\n\n`
    : '';
  return head + renderTable(FLEET_ROW_COLUMNS, rows);
}

function formatFlag(): Option {
  return new Option('--format <format>', 'output format').choices(COMPARE_FORMATS).default('table');
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare the quotas of two targets (SRC and DST: ACCOUNT:REGION, profile:REGION or an alias)',
    )
    .argument('<SRC>', 'source target')
    .argument('<DST>', 'destination target')
    .option('--service <code>', 'only these service codes (repeatable, or comma-separated)', collectList, [])
    .option('--suppress-defaults', "hide quotas at AWS's default on both sides", false)
    .option('--only-diff', 'show only quotas that differ', false)
    .addOption(formatFlag())
    .option('--refresh', 'read both targets from AWS again first', false)
    .action(async (source: string, destination: string, flags: CompareFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        const progress = progressFor('reading');
        const result = await compare(ctx, {
          source,
          destination,
          services: flags.service,
          suppressDefaults: flags.suppressDefaults,
          refresh: flags.refresh,
          onTarget: progress.onTarget,
        });
        progress.done();
        write(renderCompare(result, flags.format, flags));
        warn(result.warnings);
      });
    });

  program
    .command('replicate')
    .description('write a plan that raises DST to SRC: one increase per quota where DST is lower')
    .argument('<SRC>', 'source target')
    .argument('<DST>', 'destination target')
    .option('--out <file>', 'write the plan here (JSON); without it the plan goes to stdout')
    .option('--service <code>', 'only these service codes (repeatable, or comma-separated)', collectList, [])
    .option('--reason <text>', 'why: recorded on every request the plan files')
    .option('--refresh', 'read both targets from AWS again first', false)
    .action(async (source: string, destination: string, flags: ReplicateFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        const progress = progressFor('reading');
        const { plan, result } = await replicate(ctx, {
          source,
          destination,
          services: flags.service,
          refresh: flags.refresh,
          createdBy: operator(),
          reason: flags.reason,
          onTarget: progress.onTarget,
        });
        progress.done();
        if (flags.out === undefined) {
          write(renderJson(plan));
        } else {
          await writeFileWhole(flags.out, renderJson(plan));
          write(planSummary(plan, flags.out));
        }
        warn(result.warnings);
      });
    });

  program
    .command('fleet')
    .description(
      'one quota (--quota SERVICE/CODE) or a service (--service) across every target, with outliers',
    )
    .option('--quota <SERVICE/CODE>', 'the quota, e.g. ec2/L-1216C47A')
    .option('--service <code>', 'every quota of this service, summarised')
    .option('--target <ACCOUNT:REGION>', 'only these targets (repeatable)', collectList, [])
    .addOption(formatFlag())
    .option('--refresh', 'read every target from AWS again first', false)
    .action(async (flags: FleetFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        const progress = progressFor('reading');
        const result = await fleet(ctx, {
          quota: flags.quota,
          service: flags.service,
          targets: flags.target,
          refresh: flags.refresh,
          onTarget: progress.onTarget,
        });
        progress.done();
        write(renderFleet(result, flags.quota !== undefined, flags.format));
        warn(result.warnings);
        if (result.missing.length > 0) {
          throw new IncompleteError(
            'HR_COLLECT_INCOMPLETE',
            `no quotas could be read for ${result.missing.map(targetKey).join(', ')}`,
            { hint: 'see the warnings above; fix the cause and run `headroom collect --refresh`' },
          );
        }
      });
    });
}
