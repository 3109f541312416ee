/**
 * `headroom accounts`: every account the inventory found (static config and sources), with the
 * sources that listed it, how headroom reaches it (a role, a profile or the base credentials) and
 * the regions it is read in. Never credentials. Inventory problems are warnings on stderr.
 */
import { type Command, Option } from 'commander';
import { problemText } from '../../domain/inventory.js';
import { renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import { withContext, write } from './shared.js';

type AccountsFormat = 'table' | 'json';

const COLUMNS: Column[] = [
  { key: 'id', header: 'ACCOUNT' },
  { key: 'name', header: 'NAME' },
  { key: 'sources', header: 'SOURCES', format: (v) => (v as string[]).join(', ') },
  { key: 'access', header: 'ACCESS' },
  { key: 'regions', header: 'REGIONS', format: (v) => (v as string[]).join(', ') || '-' },
];

export function registerAccounts(program: Command): void {
  program
    .command('accounts')
    .description('list the accounts found (static config, profiles, Organizations, CMDB) and their regions')
    .option('--refresh', 'ask every account source and EC2 again, whatever is cached', false)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (flags: { refresh: boolean; format: AccountsFormat }, command: Command) => {
      await withContext(command, async (ctx) => {
        const { accounts, problems } = await ctx.inventory({ refresh: flags.refresh });
        for (const problem of problems) process.stderr.write(`${problemText(problem)}\n`);
        const rows = accounts.map((a) => ({
          id: a.id,
          name: a.name,
          sources: [...a.sources],
          roleArn: a.roleArn,
          profile: a.profile,
          access: a.roleArn ?? (a.profile === null ? 'base credentials' : `profile ${a.profile}`),
          regions: [...a.regionList],
          regionsSetting: a.regions,
        }));
        if (flags.format === 'json') {
          write(renderJson(rows.map(({ access: _access, ...row }) => row)));
        } else {
          write(renderTable(COLUMNS, rows));
        }
      });
    });
}
