/**
 * `headroom targets`: the configured (account, region) targets with the age of what is cached.
 * `headroom cache show|clear`: the cache itself.
 */
import type { Command } from 'commander';
import { clearCache, targetsWithCache } from '../../app/quotas.js';
import { problemText } from '../../domain/inventory.js';
import type { Target } from '../../domain/target.js';
import type { CacheEntry } from '../../storage/port.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import { collectList, type Format, formatAge, formatOption, withContext, write } from './shared.js';

const TARGET_COLUMNS: Column[] = [
  { key: 'target', header: 'TARGET' },
  { key: 'accountName', header: 'NAME' },
  { key: 'quotaCount', header: 'QUOTAS', align: 'right' },
  { key: 'limits', header: 'LIMITS' },
  { key: 'sampleCount', header: 'USAGE VALUES', align: 'right' },
  { key: 'usage', header: 'USAGE' },
  { key: 'usageSource', header: 'USAGE FROM' },
];

const CSV_COLUMNS = [
  'accountId',
  'accountName',
  'region',
  'quotaCount',
  'limitsAt',
  'limitsComplete',
  'sampleCount',
  'usageAt',
  'usageSource',
].map((key) => ({ key, header: key }));

/** A target and what is cached for it, as `targets` and `cache show` print it. */
function cacheRow(
  target: Target,
  accountName: string | null,
  cache: CacheEntry | undefined,
): Record<string, unknown> {
  return {
    accountId: target.accountId,
    accountName,
    region: target.region,
    quotaCount: cache?.quotaCount ?? 0,
    limitsAt: cache?.limitsAt ?? null,
    limitsComplete: cache?.limitsComplete ?? null,
    sampleCount: cache?.sampleCount ?? 0,
    usageAt: cache?.usageAt ?? null,
    usageSource: cache?.usageSource ?? null,
  };
}

function emit(format: Format, rows: Record<string, unknown>[]): void {
  if (format === 'json') write(renderJson(rows));
  else if (format === 'csv') write(renderCsv(CSV_COLUMNS, rows));
  else {
    const now = new Date();
    write(
      renderTable(
        TARGET_COLUMNS,
        rows.map((r) => ({
          ...r,
          target: `${String(r.accountId)}:${String(r.region)}`,
          limits:
            r.limitsAt instanceof Date
              ? `${formatAge(r.limitsAt, now)}${r.limitsComplete === false ? ' (partial)' : ''}`
              : 'never',
          usage: r.usageAt instanceof Date ? formatAge(r.usageAt, now) : 'never',
        })),
      ),
    );
  }
}

export function registerTargets(program: Command): void {
  program
    .command('targets')
    .description('list the configured targets (account × region) and what is cached for each')
    .addOption(formatOption())
    .action(async (flags: { format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const { problems } = await ctx.inventory();
        for (const problem of problems) process.stderr.write(`${problemText(problem)}\n`);
        const list = await targetsWithCache(ctx);
        emit(
          flags.format,
          list.map(({ target, cache }) => cacheRow(target.target, target.accountName, cache)),
        );
      });
    });
}

export function registerCache(program: Command): void {
  const cache = program.command('cache').description('show or clear cached limits and usage');
  cache
    .command('show')
    .description('the age of every cached target')
    .addOption(formatOption())
    .action(async (flags: { format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const entries = await ctx.store.cacheEntries();
        const names = new Map((await ctx.store.listTargets()).map((t) => [t.accountId, t.accountName]));
        emit(
          flags.format,
          entries.map((e) => cacheRow(e.target, names.get(e.target.accountId) ?? null, e)),
        );
      });
    });
  cache
    .command('clear')
    .description('forget cached limits and usage (usage history is kept unless --history)')
    .option('--target <ACCOUNT:REGION>', 'only these targets (repeatable)', collectList, [])
    .option('--history', 'also delete the usage history kept for forecasting', false)
    .action(async (flags: { target: string[]; history: boolean }, command: Command) => {
      await withContext(command, async (ctx) => {
        const removed = await clearCache(ctx, {
          targets: flags.target.length === 0 ? undefined : await ctx.resolveTargets(flags.target),
          history: flags.history,
        });
        process.stderr.write(
          `cleared ${removed} cached snapshot${removed === 1 ? '' : 's'}${flags.history ? ' and the usage history' : ''}\n`,
        );
      });
    });
}
