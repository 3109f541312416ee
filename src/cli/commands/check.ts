/**
 * `headroom check [PLAN.json] [--requirements FILE]`: does a deployment fit the quotas? For CI:
 * exit 0 when everything fits, 1 when a quota is short, 2 for bad input, 3 when headroom could
 * not decide (AWS unreachable), so a failure of its own never reads as "short". `--format github`
 * writes GitHub Actions annotations and a step summary; `markdown` a table for a pull request.
 */
import { appendFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CheckResult, type CheckRow, check } from '../../app/check.js';
import { operator } from '../../app/requests.js';
import { IncompleteError, UndecidedError } from '../../domain/errors.js';
import { quotaKey } from '../../domain/quota.js';
import { targetKey } from '../../domain/target.js';
import { renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import { durationOption, formatNumber, withContext, write } from './shared.js';

type CheckFormat = 'text' | 'json' | 'markdown' | 'github';

interface CheckFlags {
  requirements?: string;
  target?: string;
  region?: string;
  buffer: number;
  format: CheckFormat;
  request: boolean;
  wait: boolean;
  timeout: number;
  poll: number;
}

function bufferOption(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n > 500)
    throw new InvalidArgumentError('expected a percentage from 0 to 500, such as 20.');
  return n;
}

const COLUMNS: Column[] = [
  { key: 'quota', header: 'QUOTA' },
  { key: 'quotaName', header: 'NAME', maxWidth: 40 },
  { key: 'limit', header: 'LIMIT', align: 'right', format: formatNumber },
  { key: 'usage', header: 'USED', align: 'right', format: formatNumber },
  {
    key: 'delta',
    header: 'ADDS',
    align: 'right',
    format: (v) => (typeof v === 'number' && v > 0 ? `+${formatNumber(v)}` : formatNumber(v)),
  },
  { key: 'need', header: 'NEED', align: 'right', format: formatNumber },
  { key: 'status', header: 'STATUS' },
  { key: 'detail', header: 'DETAIL', maxWidth: 90 },
];

function rowOf(row: CheckRow): Record<string, unknown> {
  return {
    ...row,
    quota: quotaKey(row),
    status: row.status === 'short' ? 'SHORT' : row.status,
    detail:
      row.request === null
        ? row.reason
        : `${row.reason} (request ${row.request.id}: ${row.request.status}, to ${row.request.desiredValue})`,
  };
}

function heading(result: CheckResult): string {
  const inputs = [
    result.plan
      ? `${result.plan.file} (plan format ${result.plan.formatVersion}, ${result.plan.counted} resources counted)`
      : null,
    result.requirements ? `${result.requirements.file} (${result.requirements.count} requirements)` : null,
  ].filter((x) => x !== null);
  return `${targetKey(result.target.target)}${result.target.accountName ? ` (${result.target.accountName})` : ''}: ${inputs.join(' and ')}; buffer ${result.bufferPct}%`;
}

function notes(result: CheckResult): string[] {
  return [
    ...result.unknownTypes.map(
      (u) => `not counted: ${u.type} is a resource type headroom does not know (${u.addresses.join(', ')})`,
    ),
    ...result.undecided.map(
      (u) => `not counted: ${u.address}: ${u.attributes.join(', ')} known only after apply`,
    ),
  ];
}

function verdictLine(result: CheckResult): string {
  const short = result.rows.filter((r) => r.status === 'short');
  if (short.length > 0) {
    return `${short.length} of ${result.rows.length} quotas short in ${targetKey(result.target.target)}: ${short.map((r) => `${quotaKey(r)} needs ${formatNumber(r.need)} of ${formatNumber(r.limit)}`).join('; ')}`;
  }
  if (result.verdict === 'undecided')
    return `no quota is short, but not everything could be told (listed above)`;
  return `all ${result.rows.length} quotas fit in ${targetKey(result.target.target)}`;
}

export function markdownOf(result: CheckResult): string {
  const mark = { fits: '✅ fits', short: '❌ short', unknown: '❔ unknown' } as const;
  const lines = [
    `### headroom check: ${result.verdict === 'short' ? '❌ quotas short' : result.verdict === 'undecided' ? '❔ undecided' : '✅ fits'}`,
    '',
    heading(result),
    '',
    '| quota | name | limit | used | adds | need | status |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
    ...result.rows.map(
      (r) =>
        `| \`${quotaKey(r)}\` | ${r.quotaName.replace(/\|/g, '\\|')} | ${formatNumber(r.limit ?? '-')} | ${formatNumber(r.usage ?? '-')} | ${r.delta > 0 ? '+' : ''}${formatNumber(r.delta)} | ${formatNumber(r.need ?? '-')} | ${mark[r.status]}${r.request ? ` (request ${r.request.status})` : ''} |`,
    ),
    ...notes(result).map((n, i) => `${i === 0 ? '\n' : ''}- ${n}`),
    '',
  ];
  return lines.join('\n');
}

/** GitHub Actions workflow commands: % and newlines escaped as the runner wants. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function githubOf(result: CheckResult): string {
  const lines: string[] = [];
  for (const r of result.rows) {
    if (r.status === 'short')
      lines.push(`::error title=Quota short: ${quotaKey(r)}::${escapeData(`${r.quotaName}: ${r.reason}`)}`);
    if (r.status === 'unknown')
      lines.push(`::warning title=Quota unknown: ${quotaKey(r)}::${escapeData(r.reason)}`);
  }
  for (const n of notes(result)) lines.push(`::warning title=Not counted::${escapeData(n)}`);
  lines.push(`::notice title=headroom check::${escapeData(verdictLine(result))}`);
  return `${lines.join('\n')}\n`;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'does a deployment fit the quotas? from a Terraform plan (terraform show -json) and/or a requirements file; exit 0 fits, 1 short, 2 bad input, 3 undecided',
    )
    .argument('[PLAN]', 'the plan as JSON: terraform show -json plan.out > plan.json')
    .option(
      '--requirements <FILE>',
      'a YAML list of `- quota: ec2/L-1216C47A` with `need: +32` (more) or `need: 32` (in all)',
    )
    .option(
      '--target <ACCOUNT:REGION>',
      "the target; default: the credentials' account in --region or the plan's region",
    )
    .option('--region <REGION>', "the region, when the plan's aws provider does not set it")
    .option('--buffer <percent>', 'headroom to keep above the need', bufferOption, 20)
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['text', 'json', 'markdown', 'github'])
        .default('text'),
    )
    .option('--request', 'file increases for the short, adjustable quotas (nothing filed twice)', false)
    .option('--wait', 'with --request: wait for them to be decided, then check again', false)
    .option(
      '--timeout <duration>',
      'with --wait: how long, 1m to 24h',
      durationOption(60_000, 86_400_000, 'a duration from 1m to 24h, such as 30m'),
      30 * 60_000,
    )
    .option(
      '--poll <duration>',
      'with --wait: how often to look, 1s to 10m',
      durationOption(1_000, 600_000, 'a duration from 1s to 10m, such as 30s'),
      30_000,
    )
    .action(async (planFile: string | undefined, flags: CheckFlags, command: Command) => {
      if (flags.wait && !flags.request) throw new InvalidArgumentError('--wait needs --request');
      await withContext(command, async (ctx) => {
        const result = await check(ctx, {
          planFile,
          requirementsFile: flags.requirements,
          target: flags.target,
          region: flags.region,
          bufferPct: flags.buffer,
          request: flags.request,
          wait: flags.wait,
          timeoutMs: flags.timeout,
          pollMs: flags.poll,
          requestedBy: `check (${operator()})`,
          onWaiting: (message) => process.stderr.write(`${message}\n`),
        });
        if (flags.format === 'json') write(renderJson(result));
        else if (flags.format === 'markdown') write(markdownOf(result));
        else if (flags.format === 'github') {
          write(githubOf(result));
          const summary = process.env.GITHUB_STEP_SUMMARY;
          if (summary !== undefined && summary !== '') await appendFile(summary, markdownOf(result));
        } else {
          write(`${heading(result)}\n`);
          if (result.rows.length > 0) write(renderTable(COLUMNS, result.rows.map(rowOf)));
          for (const n of notes(result)) write(`${n}\n`);
        }
        const line = verdictLine(result);
        if (result.verdict === 'short') {
          throw new IncompleteError('HR_CHECK_SHORT', line, {
            hint: result.waited?.timedOut
              ? 'the increases were not decided in time; see headroom requests'
              : 'raise them first (--request files the increases, --wait waits for them), or deploy less',
          });
        }
        if (result.verdict === 'undecided') {
          throw new UndecidedError('HR_CHECK_UNDECIDED', line, {
            hint: 'what was not counted is listed above; add it to a --requirements file to check it',
          });
        }
        process.stderr.write(`${line}\n`);
      });
    });
}
