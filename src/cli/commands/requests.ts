/**
 * `headroom apply PLAN` and `headroom requests list|show|watch`: printing what
 * src/app/requests.ts does.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { applyPlanFile, listRequests, operator, showRequest, watch } from '../../app/requests.js';
import type { Context } from '../../app/context.js';
import { parseDuration } from '../../config/duration.js';
import { IncompleteError } from '../../domain/errors.js';
import {
  isOpen,
  isRequestStatus,
  type QuotaRequestRecord,
  REQUEST_STATUSES,
  type RequestStatus,
} from '../../domain/request.js';
import { targetKey } from '../../domain/target.js';
import { type ItemOutcome, type ItemResult, PROBLEM_OUTCOMES } from '../../requests/apply.js';
import type { StatusChange, WatchResult } from '../../requests/track.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import { type Format, formatNumber, formatOption, withContext, write } from './shared.js';

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new InvalidArgumentError('expected a duration such as 30s, 15m or 1h.');
  return ms;
}

function statusList(value: string, previous: RequestStatus[] = []): RequestStatus[] {
  const items = value
    .split(',')
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== '');
  for (const item of items) {
    if (!isRequestStatus(item)) {
      throw new InvalidArgumentError(`'${item}' is not a status; use one of ${REQUEST_STATUSES.join(', ')}.`);
    }
  }
  return [...previous, ...(items as RequestStatus[])];
}

const DEFAULT_INTERVAL = '30s';

/** `--timeout` of the commands that wait for requests. */
function timeoutOption(prefix = ''): Option {
  return new Option('--timeout <duration>', `${prefix}give up after this long (e.g. 30m)`).argParser(
    duration,
  );
}

/** `--interval` of the commands that wait for requests. */
function intervalOption(prefix = ''): Option {
  return new Option('--interval <duration>', `${prefix}time between status reads`)
    .argParser(duration)
    .default(duration(DEFAULT_INTERVAL), DEFAULT_INTERVAL);
}

// ---- apply ----------------------------------------------------------------------------------

const OUTCOME_WORDS: Record<ItemOutcome, string> = {
  filed: 'filed',
  'would-file': 'would be filed',
  'case-opened': 'Support case opened',
  'would-open-case': 'would open a Support case',
  'needs-case': 'need a Support case (--support-cases)',
  'already-filed': 'filed earlier by this plan',
  'already-open': 'already open at AWS',
  satisfied: 'already at the desired value',
  queued: "queued (AWS's caps on open requests)",
  'would-queue': "would be queued (AWS's caps on open requests)",
  stale: 'stale (refused)',
  denied: 'denied',
  refused: 'refused by AWS',
  failed: 'failed',
};

const APPLY_COLUMNS: Column[] = [
  { key: 'outcome', header: 'OUTCOME' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'region', header: 'REGION' },
  { key: 'currentValue', header: 'NOW', align: 'right', format: formatNumber },
  { key: 'desiredValue', header: 'TO', align: 'right', format: formatNumber },
  { key: 'id', header: 'REQUEST' },
  { key: 'message', header: 'DETAIL', maxWidth: 100 },
];

function applyRow(result: ItemResult): Record<string, unknown> {
  return {
    outcome: result.outcome,
    quota: `${result.item.serviceCode}/${result.item.quotaCode}`,
    region: result.item.region,
    currentValue: result.currentValue,
    desiredValue: result.item.desiredValue,
    id: result.requestId ?? result.awsRequestId,
    message: result.message,
  };
}

function countLine(items: readonly ItemResult[]): string {
  const counts = new Map<ItemOutcome, number>();
  for (const i of items) counts.set(i.outcome, (counts.get(i.outcome) ?? 0) + 1);
  if (counts.size === 0) return 'nothing to do: the plan has no items';
  return [...counts].map(([outcome, n]) => `${n} ${OUTCOME_WORDS[outcome]}`).join(', ');
}

interface ApplyFlags {
  yes: boolean;
  supportCases: boolean;
  reason?: string;
  format: Format;
  wait: boolean;
  timeout?: number;
  interval: number;
}

// ---- requests -------------------------------------------------------------------------------

const REQUEST_COLUMNS: Column[] = [
  { key: 'id', header: 'ID' },
  { key: 'status', header: 'STATUS' },
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'quotaName', header: 'NAME', maxWidth: 40 },
  { key: 'fromValue', header: 'FROM', align: 'right', format: formatNumber },
  { key: 'desiredValue', header: 'TO', align: 'right', format: formatNumber },
  { key: 'awsRequestId', header: 'AWS REQUEST' },
  { key: 'caseId', header: 'CASE' },
  { key: 'requestedBy', header: 'BY' },
  { key: 'created', header: 'CREATED' },
];

const REQUEST_CSV = [
  'id',
  'kind',
  'status',
  'accountId',
  'region',
  'serviceCode',
  'quotaCode',
  'quotaName',
  'fromValue',
  'desiredValue',
  'awsRequestId',
  'caseId',
  'requestedBy',
  'callerArn',
  'planId',
  'reason',
  'message',
  'createdAt',
  'updatedAt',
  'checkedAt',
].map((key) => ({ key, header: key }));

function requestRow(r: QuotaRequestRecord): Record<string, unknown> {
  return {
    ...r,
    accountId: r.target.accountId,
    region: r.target.region,
    target: targetKey(r.target),
    quota: `${r.serviceCode}/${r.quotaCode}`,
    created: r.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

function emitRequests(format: Format, requests: readonly QuotaRequestRecord[]): void {
  if (format === 'json') write(renderJson(requests));
  else if (format === 'csv') write(renderCsv(REQUEST_CSV, requests.map(requestRow)));
  else write(renderTable(REQUEST_COLUMNS, requests.map(requestRow)));
}

function changeLine(change: StatusChange): string {
  const r = change.record;
  return `${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}  ${r.id}  ${r.serviceCode}/${r.quotaCode}  ${targetKey(r.target)}  ${change.from} → ${change.to}${r.message ? `: ${r.message}` : ''}\n`;
}

async function follow(
  ctx: Context,
  ids: readonly string[] | undefined,
  flags: { timeout?: number | undefined; interval: number },
): Promise<WatchResult> {
  const result = await watch(ctx, {
    ...(ids === undefined ? {} : { ids }),
    intervalMs: flags.interval,
    timeoutMs: flags.timeout,
    onChange: (change) => {
      process.stderr.write(changeLine(change));
    },
    onWarning: (warning) => {
      process.stderr.write(`warning ${warning}\n`);
    },
  });
  return result;
}

function timedOut(result: WatchResult, timeoutMs: number | undefined): never {
  const open = result.requests.filter((r) => isOpen(r.status));
  throw new IncompleteError(
    'HR_REQUESTS_TIMEOUT',
    `${open.length} request${open.length === 1 ? ' is' : 's are'} still open after ${Math.round((timeoutMs ?? 0) / 1000)} s: ${open.map((r) => `${r.id} (${r.status})`).join(', ')}`,
    { hint: 'AWS decides in minutes to days; follow them later with `headroom requests watch`' },
  );
}

interface ListFlags {
  status: RequestStatus[];
  target?: string;
  plan?: string;
  refresh: boolean;
  format: Format;
  wait: boolean;
  timeout?: number;
  interval: number;
}

export function registerRequests(program: Command): void {
  program
    .command('apply')
    .description('carry out a plan from `headroom replicate` (a dry run unless --yes)')
    .argument('<PLAN>', 'the plan file')
    .option('--yes', 'file the requests (without it nothing is filed or recorded)', false)
    .option('--support-cases', 'open AWS Support cases for the quotas the API cannot raise', false)
    .option('--reason <text>', "why (recorded on each request; default: the plan's reason)")
    .addOption(formatOption())
    .addOption(new Option('--wait', 'then follow what was filed until each request is final').default(false))
    .addOption(timeoutOption('with --wait: '))
    .addOption(intervalOption('with --wait: '))
    .action(async (file: string, flags: ApplyFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        const { plan, result } = await applyPlanFile(ctx, file, {
          confirm: flags.yes,
          supportCases: flags.supportCases,
          requestedBy: operator(),
          reason: flags.reason,
        });
        if (flags.format === 'json') write(renderJson(result));
        else if (flags.format === 'csv')
          write(
            renderCsv(
              ['outcome', 'quota', 'region', 'currentValue', 'desiredValue', 'id', 'message'].map((key) => ({
                key,
                header: key,
              })),
              result.items.map(applyRow),
            ),
          );
        else {
          const to = `${plan.destination.accountName ?? plan.destination.accountId}:${plan.destination.region}`;
          write(
            `${result.dryRun ? 'dry run of' : 'applied'} plan ${plan.id} to ${to}${result.dryRun ? ' (nothing filed; add --yes to file)' : ''}\n` +
              (result.items.length > 0 ? renderTable(APPLY_COLUMNS, result.items.map(applyRow)) : '') +
              `${countLine(result.items)}\n`,
          );
        }
        const problems = result.items.filter((i) => PROBLEM_OUTCOMES.includes(i.outcome));
        if (flags.wait && !result.dryRun) {
          const ids = result.items
            .filter(
              (i) => i.outcome === 'filed' || i.outcome === 'case-opened' || i.outcome === 'already-filed',
            )
            .flatMap((i) => (i.requestId === null ? [] : [i.requestId]));
          if (ids.length > 0) {
            const watched = await follow(ctx, ids, flags);
            if (flags.format === 'table') emitRequests('table', watched.requests);
            if (watched.timedOut) timedOut(watched, flags.timeout);
          }
        }
        if (problems.length > 0) {
          throw new IncompleteError(
            'HR_APPLY_INCOMPLETE',
            `${problems.length} of ${result.items.length} plan items could not be carried out: ${problems.map((p) => `${p.item.serviceCode}/${p.item.quotaCode} ${p.outcome}`).join(', ')}`,
            { hint: 'see DETAIL above for each; a stale item needs a new plan (`headroom replicate`)' },
          );
        }
      });
    });

  const requests = program
    .command('requests')
    .description('increase requests headroom filed: list, show one, or watch them to a final status');

  requests
    .command('list', { isDefault: true })
    .description('recorded requests, with statuses refreshed from AWS')
    .addOption(
      new Option(
        '--status <status>',
        `only these statuses (repeatable, or comma-separated): ${REQUEST_STATUSES.join(', ')}`,
      )
        .argParser(statusList)
        .default([]),
    )
    .option('--target <ACCOUNT:REGION>', 'only requests in this target')
    .option('--plan <id>', 'only requests from this plan')
    .option('--no-refresh', 'show what is recorded without asking AWS')
    .addOption(formatOption())
    .addOption(new Option('--wait', 'refresh until every open request is final').default(false))
    .addOption(timeoutOption('with --wait: '))
    .addOption(intervalOption('with --wait: '))
    .action(async (flags: ListFlags, command: Command) => {
      await withContext(command, async (ctx) => {
        let target;
        if (flags.target !== undefined) {
          const [chosen] = await ctx.resolveTargets([flags.target]);
          target = chosen?.target;
        }
        if (flags.wait) {
          const watched = await follow(ctx, undefined, flags);
          if (watched.timedOut) {
            emitRequests(flags.format, watched.requests);
            timedOut(watched, flags.timeout);
          }
        }
        const { requests: found, refresh } = await listRequests(
          ctx,
          {
            statuses: flags.status,
            ...(target ? { target } : {}),
            ...(flags.plan === undefined ? {} : { planId: flags.plan }),
          },
          { refresh: flags.refresh && !flags.wait },
        );
        emitRequests(flags.format, found);
        for (const warning of refresh?.warnings ?? []) process.stderr.write(`warning ${warning}\n`);
      });
    });

  requests
    .command('show')
    .description('one request with its trail of status changes')
    .argument('<ID>', "headroom's id (hr-…) or AWS's request id")
    .option('--no-refresh', 'show what is recorded without asking AWS')
    .addOption(formatOption())
    .action(async (id: string, flags: { refresh: boolean; format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const { request, events, refresh } = await showRequest(ctx, id, { refresh: flags.refresh });
        if (flags.format === 'json') write(renderJson({ request, events }));
        else if (flags.format === 'csv') emitRequests('csv', [request]);
        else {
          const fields: [string, unknown][] = [
            ['id', request.id],
            ['kind', request.kind],
            ['status', request.status],
            ['target', targetKey(request.target)],
            [
              'quota',
              `${request.serviceCode}/${request.quotaCode} ${request.quotaName}${request.global ? ' (global)' : ''}`,
            ],
            [
              'from → to',
              `${formatNumber(request.fromValue ?? '-')} → ${formatNumber(request.desiredValue)}`,
            ],
            ['AWS request', request.awsRequestId ?? '-'],
            ['Support case', request.caseId ?? '-'],
            ['requested by', request.requestedBy],
            ['AWS identity', request.callerArn ?? '-'],
            ['plan', request.planId ?? '-'],
            ['reason', request.reason],
            ['message', request.message ?? '-'],
            ['created', request.createdAt.toISOString()],
            ['checked', request.checkedAt?.toISOString() ?? 'never'],
          ];
          const width = Math.max(...fields.map(([k]) => k.length));
          write(fields.map(([k, v]) => `${k.padEnd(width)}  ${String(v)}`).join('\n') + '\n\n');
          write(
            renderTable(
              [
                { key: 'at', header: 'AT' },
                { key: 'status', header: 'STATUS' },
                { key: 'message', header: 'MESSAGE' },
              ],
              events.map((e) => ({ ...e, at: e.at.toISOString() })),
            ),
          );
        }
        for (const warning of refresh?.warnings ?? []) process.stderr.write(`warning ${warning}\n`);
      });
    });

  requests
    .command('watch')
    .description('follow requests (all open ones, or the given ids) until each reaches a final status')
    .argument('[ID...]', "headroom's ids (hr-…) or AWS's request ids")
    .addOption(timeoutOption())
    .addOption(intervalOption())
    .addOption(formatOption())
    .action(
      async (
        ids: string[],
        flags: { timeout?: number; interval: number; format: Format },
        command: Command,
      ) => {
        await withContext(command, async (ctx) => {
          const result = await follow(ctx, ids.length > 0 ? ids : undefined, flags);
          emitRequests(flags.format, result.requests);
          if (result.timedOut) timedOut(result, flags.timeout);
        });
      },
    );
}
