/**
 * `headroom quotas`: the quotas of the chosen targets with limit, default, usage, utilization and
 * where each value came from. Reads through the cache: targets whose data is missing or older
 * than the TTLs are collected first (quietly, with the progress bar), the rest come from the store.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  chooseTargets,
  collect,
  QUOTA_SORTS,
  type QuotaRow,
  type QuotaSort,
  quotaRows,
} from '../../app/quotas.js';
import { IncompleteError } from '../../domain/errors.js';
import { targetKey } from '../../domain/target.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { createProgress } from '../output/progress.js';
import { type Column, renderBar, renderTable } from '../output/table.js';
import {
  collectList,
  type Format,
  formatNumber,
  formatOption,
  formatPercent,
  problemLine,
  withContext,
  write,
} from './shared.js';

interface QuotasFlags {
  target: string[];
  service: string[];
  adjustable: boolean;
  changed: boolean;
  above?: number;
  sort: QuotaSort;
  format: Format;
  refresh: boolean;
}

function percent(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a percentage such as 80.');
  }
  return parsed;
}

/** Columns of the table; CSV and JSON carry every field of QuotaRow. */
const TABLE: Column[] = [
  { key: 'target', header: 'TARGET' },
  { key: 'serviceCode', header: 'SERVICE' },
  { key: 'quotaCode', header: 'CODE' },
  { key: 'quotaName', header: 'NAME', maxWidth: 48 },
  { key: 'limit', header: 'LIMIT', align: 'right', format: formatNumber },
  { key: 'limitSource', header: 'FROM' },
  { key: 'defaultValue', header: 'DEFAULT', align: 'right', format: formatNumber },
  { key: 'usage', header: 'USAGE', align: 'right', format: formatNumber },
  { key: 'utilization', header: 'USED', align: 'right', format: formatPercent },
  { key: 'bar', header: '' },
  { key: 'usageSource', header: 'USAGE FROM' },
];

const CSV_COLUMNS = [
  'accountId',
  'accountName',
  'region',
  'serviceCode',
  'serviceName',
  'quotaCode',
  'quotaName',
  'limit',
  'limitSource',
  'defaultValue',
  'unit',
  'adjustable',
  'global',
  'usage',
  'usageSource',
  'usageResource',
  'utilization',
  'limitsAt',
  'usageAt',
].map((key) => ({ key, header: key }));

function tableRow(row: QuotaRow): Record<string, unknown> {
  return {
    ...row,
    target: `${row.accountName ?? row.accountId}:${row.region}`,
    quotaName: row.global ? `${row.quotaName} (global)` : row.quotaName,
    // A per-resource quota shows its busiest resource.
    usageSource:
      row.usageResource === null ? row.usageSource : `${row.usageSource ?? ''} (${row.usageResource})`,
    bar: row.utilization === null ? null : renderBar(row.utilization),
  };
}

export function registerQuotas(program: Command): void {
  program
    .command('quotas')
    .description('show quotas with limit, default, usage and utilization (collects what is stale first)')
    .option('--target <ACCOUNT:REGION>', 'only these targets (repeatable)', collectList, [])
    .option('--service <code>', 'only these service codes (repeatable, or comma-separated)', collectList, [])
    .option('--adjustable', 'only quotas that can be raised', false)
    .option('--changed', "only quotas whose limit differs from AWS's default", false)
    .option('--above <percent>', 'only quotas at or above this utilization', percent)
    .addOption(new Option('--sort <key>', 'sort order').choices(QUOTA_SORTS).default('utilization'))
    .addOption(formatOption())
    .option('--refresh', 'read everything from AWS again first', false)
    .action(async (flags: QuotasFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        const targets = await chooseTargets(ctx, flags.target);
        const progress = createProgress({ stream: process.stderr, label: 'reading', total: targets.length });
        const sweep = await collect(ctx, {
          targets: flags.target,
          services: [],
          refresh: flags.refresh,
          onTarget: (result) => {
            progress.tick(1, targetKey(result.target));
          },
        });
        progress.done();
        const { rows, missing } = await quotaRows(ctx, targets, {
          services: flags.service,
          adjustable: flags.adjustable,
          changed: flags.changed,
          abovePercent: flags.above,
          sort: flags.sort,
        });
        if (flags.format === 'json') write(renderJson(rows));
        else if (flags.format === 'csv')
          write(renderCsv(CSV_COLUMNS, rows as unknown as Record<string, unknown>[]));
        else {
          write(
            renderTable(
              TABLE,
              rows.map(tableRow),
              process.stdout.isTTY ? { maxWidth: process.stdout.columns } : {},
            ),
          );
        }
        for (const result of sweep.targets.filter((t) => !t.complete)) {
          for (const error of result.errors) process.stderr.write(`${problemLine(result, error)}\n`);
        }
        if (missing.length > 0) {
          throw new IncompleteError(
            'HR_COLLECT_INCOMPLETE',
            `no quotas could be read for ${missing.map(targetKey).join(', ')}`,
            { hint: 'see the warnings above; fix the cause and run `headroom collect --refresh`' },
          );
        }
      });
    });
}
