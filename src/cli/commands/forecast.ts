/**
 * `headroom forecast`: each quota's usage forecast from the stored history, with the predicted
 * utilization at the horizon and the time to exhaustion; printing what src/app/forecast.ts does.
 */
import type { Command } from 'commander';
import { type ForecastRow, forecastQuotas } from '../../app/forecast.js';
import { targetKey } from '../../domain/target.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import {
  collectList,
  durationOption,
  type Format,
  formatNumber,
  formatOption,
  withContext,
  write,
} from './shared.js';

const horizon = durationOption(3_600_000, 90 * 86_400_000, 'a duration from 1h to 90d such as 14d');

const COLUMNS: Column[] = [
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'quotaName', header: 'NAME', maxWidth: 36 },
  { key: 'limit', header: 'LIMIT', align: 'right', format: formatNumber },
  { key: 'current', header: 'NOW', align: 'right', format: formatNumber },
  { key: 'mean', header: 'FORECAST', align: 'right', format: formatNumber },
  { key: 'upper', header: 'UPPER 90%', align: 'right', format: formatNumber },
  { key: 'used', header: 'USED', align: 'right' },
  { key: 'exhaustion', header: 'EXHAUSTED BY' },
  { key: 'method', header: 'METHOD', maxWidth: 70 },
];

function row(r: ForecastRow): Record<string, unknown> {
  const f = r.forecast;
  const base = {
    target: targetKey(r.target.target),
    accountId: r.target.target.accountId,
    region: r.target.target.region,
    quota: `${r.serviceCode}/${r.quotaCode}`,
    quotaName: r.quotaName,
    limit: r.limit ?? '-',
    current: f.current ?? '-',
  };
  if (f.status === 'insufficient') {
    return { ...base, mean: '-', upper: '-', used: '-', exhaustion: '-', method: `no forecast: ${f.reason}` };
  }
  return {
    ...base,
    mean: f.atHorizon.mean,
    upper: f.atHorizon.upper,
    used: f.utilization === null ? '-' : `${f.utilization.mean}% (≤ ${f.utilization.upper}%)`,
    exhaustion: f.exhaustion === null ? '-' : f.exhaustion.toISOString().replace(/:00\.000Z$/, 'Z'),
    method: f.method,
    trendPerDay: f.trendPerDay,
    explanation: f.explanation,
  };
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description('usage forecasts from the stored history: utilization at a horizon and time to exhaustion')
    .option(
      '--target <ACCOUNT:REGION>',
      'only these targets (repeatable, or comma-separated)',
      collectList,
      [],
    )
    .option('--service <code>', 'only these service codes (repeatable, or comma-separated)', collectList, [])
    .option('--quota <SERVICE/CODE>', 'one quota (says so when it has too little history)')
    .option('--horizon <duration>', 'how far ahead (1h to 90d)', horizon, 14 * 86_400_000)
    .option('--all', 'list quotas with too little history too', false)
    .addOption(formatOption())
    .action(
      async (
        flags: {
          target: string[];
          service: string[];
          quota?: string;
          horizon: number;
          all: boolean;
          format: Format;
        },
        command: Command,
      ) => {
        await withContext(command, async (ctx) => {
          const rows = await forecastQuotas(ctx, {
            specs: flags.target,
            services: flags.service,
            quota: flags.quota,
            horizonMs: flags.horizon,
          });
          const shown =
            flags.all || flags.quota !== undefined ? rows : rows.filter((r) => r.forecast.status === 'ok');
          if (flags.format === 'json') {
            write(
              renderJson(
                shown.map((r) => ({
                  ...r,
                  target: targetKey(r.target.target),
                  accountName: r.target.accountName,
                })),
              ),
            );
          } else if (flags.format === 'csv') {
            const keys = [
              'accountId',
              'region',
              'quota',
              'quotaName',
              'limit',
              'current',
              'mean',
              'upper',
              'used',
              'exhaustion',
              'method',
              'trendPerDay',
              'explanation',
            ];
            write(
              renderCsv(
                keys.map((key) => ({ key, header: key })),
                shown.map(row),
              ),
            );
          } else {
            if (shown.length > 0) write(renderTable(COLUMNS, shown.map(row)));
            const skipped = rows.length - shown.length;
            process.stderr.write(
              `${shown.filter((r) => r.forecast.status === 'ok').length} forecasts over ${Math.round(flags.horizon / 86_400_000)} days` +
                `, ${shown.filter((r) => r.forecast.status === 'ok' && r.forecast.exhaustion !== null).length} may reach their limit` +
                (skipped > 0 ? `; ${skipped} quotas have too little history yet (--all lists them)` : '') +
                '\n',
            );
          }
        });
      },
    );
}
