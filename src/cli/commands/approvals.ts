/**
 * `headroom approvals list|show|approve|deny` and `headroom audit [verify]`: printing what
 * src/app/engine.ts does with proposals and the audit trail.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  approve,
  auditTrail,
  deny,
  listApprovals,
  showApproval,
  verifyAuditTrail,
} from '../../app/engine.js';
import { operator } from '../../app/requests.js';
import { APPROVAL_STATUSES, type Approval, type ApprovalStatus } from '../../domain/approval.js';
import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '../../domain/audit.js';
import { IncompleteError } from '../../domain/errors.js';
import { quotaKey } from '../../domain/quota.js';
import { targetKey } from '../../domain/target.js';
import type { ApprovalResult } from '../../engine/approvals.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import { type Format, formatNumber, formatOption, sinceOption, withContext, write } from './shared.js';

function listOf<T extends string>(name: string, allowed: readonly T[], normalise: (v: string) => string) {
  return (value: string, previous: T[] = []): T[] => {
    const items = value
      .split(',')
      .map((v) => normalise(v.trim()))
      .filter((v) => v !== '');
    for (const item of items) {
      if (!(allowed as readonly string[]).includes(item)) {
        throw new InvalidArgumentError(`'${item}' is not ${name}; use one of ${allowed.join(', ')}.`);
      }
    }
    return [...previous, ...(items as T[])];
  };
}

// ---- approvals ------------------------------------------------------------------------------

const APPROVAL_COLUMNS: Column[] = [
  { key: 'id', header: 'ID' },
  { key: 'status', header: 'STATUS' },
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'quotaName', header: 'NAME', maxWidth: 36 },
  { key: 'fromValue', header: 'FROM', align: 'right', format: formatNumber },
  { key: 'desiredValue', header: 'TO', align: 'right', format: formatNumber },
  { key: 'cost', header: 'COST/MONTH', align: 'right' },
  { key: 'rule', header: 'RULE' },
  { key: 'expires', header: 'EXPIRES' },
  { key: 'detail', header: 'DETAIL', maxWidth: 60 },
];

const CSV_KEYS = [
  'id',
  'status',
  'accountId',
  'region',
  'serviceCode',
  'quotaCode',
  'quotaName',
  'action',
  'fromValue',
  'desiredValue',
  'estimatedCost',
  'rule',
  'proposedBy',
  'reason',
  'createdAt',
  'expiresAt',
  'decidedBy',
  'decidedAt',
  'decisionReason',
  'requestId',
  'outcome',
];

function iso(date: Date | null): string {
  return date === null ? '' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function approvalRow(a: Approval): Record<string, unknown> {
  return {
    ...a,
    accountId: a.target.accountId,
    region: a.target.region,
    target: targetKey(a.target),
    quota: `${quotaKey(a)}${a.action === 'support-case' ? ' (case)' : ''}`,
    cost: a.estimatedCost === null ? '-' : formatNumber(Math.round(a.estimatedCost * 100) / 100),
    expires: iso(a.expiresAt),
    createdAt: iso(a.createdAt),
    expiresAt: iso(a.expiresAt),
    decidedAt: iso(a.decidedAt),
    detail:
      a.status === 'PENDING'
        ? a.reason
        : `${a.decidedBy ?? ''}${a.decisionReason ? `: ${a.decisionReason}` : ''}${a.outcome ? `; ${a.outcome}` : ''}`,
  };
}

function emitApprovals(format: Format, approvals: readonly Approval[]): void {
  if (format === 'json') write(renderJson(approvals));
  else if (format === 'csv')
    write(
      renderCsv(
        CSV_KEYS.map((key) => ({ key, header: key })),
        approvals.map(approvalRow),
      ),
    );
  else write(renderTable(APPROVAL_COLUMNS, approvals.map(approvalRow)));
}

function emitResult(format: Format, result: ApprovalResult): void {
  const { approval, outcome } = result;
  if (format === 'json') {
    write(renderJson(result));
    return;
  }
  write(
    `${approval.id} ${approval.status}: ${quotaKey(approval)} in ${targetKey(approval.target)} ${formatNumber(approval.fromValue)} → ${formatNumber(approval.desiredValue)}` +
      (outcome ? `; ${outcome.status}: ${outcome.message}` : '') +
      '\n',
  );
}

function registerApprovals(program: Command): void {
  const approvals = program
    .command('approvals')
    .description("the engine's proposals waiting for a person: list, show, approve (carries it out) or deny");
  approvals
    .command('list', { isDefault: true })
    .description('approvals, pending first by default (expired ones are marked EXPIRED as they are read)')
    .addOption(
      new Option(
        '--status <status>',
        `only these statuses (comma-separated): ${APPROVAL_STATUSES.join(', ')}`,
      ).argParser(listOf<ApprovalStatus>('a status', APPROVAL_STATUSES, (v) => v.toUpperCase())),
    )
    .option('--all', 'every approval, decided ones included', false)
    .addOption(formatOption())
    .action(async (flags: { status?: ApprovalStatus[]; all: boolean; format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const statuses = flags.status ?? (flags.all ? [] : (['PENDING'] as ApprovalStatus[]));
        const found = await listApprovals(ctx, { statuses });
        emitApprovals(flags.format, found);
        if (flags.format === 'table' && found.length === 0) {
          process.stderr.write(`no ${statuses.length === 0 ? '' : `${statuses.join('/')} `}approvals\n`);
        }
      });
    });
  approvals
    .command('show')
    .description('one approval with who proposed it, why, and what became of it')
    .argument('<ID>', 'the approval (ap-…)')
    .addOption(formatOption())
    .action(async (id: string, flags: { format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const a = await showApproval(ctx, id);
        if (flags.format !== 'table') {
          emitApprovals(flags.format, [a]);
          return;
        }
        const row = approvalRow(a);
        const fields: [string, unknown][] = [
          ['id', a.id],
          ['status', a.status],
          ['target', row.target],
          ['quota', `${quotaKey(a)} ${a.quotaName}${a.global ? ' (global)' : ''}`],
          ['action', a.action],
          ['from → to', `${formatNumber(a.fromValue)} → ${formatNumber(a.desiredValue)}`],
          ['cost/month', row.cost],
          ['rule', a.rule],
          ['proposed by', a.proposedBy],
          ['reason', a.reason],
          ['created', row.createdAt],
          ['expires', row.expiresAt],
          ['decided by', a.decidedBy ?? '-'],
          ['decided', a.decidedAt === null ? '-' : iso(a.decidedAt)],
          ['decision reason', a.decisionReason ?? '-'],
          ['request', a.requestId ?? '-'],
          ['outcome', a.outcome ?? '-'],
        ];
        const width = Math.max(...fields.map(([k]) => k.length));
        write(fields.map(([k, v]) => `${k.padEnd(width)}  ${String(v)}`).join('\n') + '\n');
      });
    });
  approvals
    .command('approve')
    .description('approve a pending approval: its increase is requested (or its Support case opened) now')
    .argument('<ID>', 'the approval (ap-…)')
    .option('--reason <text>', 'why (recorded in the audit trail)')
    .addOption(formatOption())
    .action(async (id: string, flags: { reason?: string; format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        const result = await approve(ctx, id, operator(), flags.reason ?? null);
        emitResult(flags.format, result);
        if (result.approval.status === 'FAILED') {
          throw new IncompleteError(
            'HR_APPROVAL_FAILED',
            `${id} was approved but its action failed: ${result.outcome?.message ?? ''}`,
            {
              hint: 'see `headroom approvals show` and the audit trail; the engine proposes again after the cooldown if still needed',
            },
          );
        }
      });
    });
  approvals
    .command('deny')
    .description('deny a pending approval: nothing is filed; the quota waits out its cooldown')
    .argument('<ID>', 'the approval (ap-…)')
    .requiredOption('--reason <text>', 'why (recorded in the audit trail)')
    .addOption(formatOption())
    .action(async (id: string, flags: { reason: string; format: Format }, command: Command) => {
      await withContext(command, async (ctx) => {
        emitResult(flags.format, await deny(ctx, id, operator(), flags.reason));
      });
    });
}

// ---- audit ----------------------------------------------------------------------------------

function limitOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number from 1.');
  return n;
}

const AUDIT_COLUMNS: Column[] = [
  { key: 'seq', header: 'SEQ', align: 'right' },
  { key: 'at', header: 'AT' },
  { key: 'kind', header: 'KIND' },
  { key: 'actor', header: 'ACTOR', maxWidth: 30 },
  { key: 'summary', header: 'SUMMARY', maxWidth: 120 },
];

function auditRow(e: AuditEntry): Record<string, unknown> {
  return { ...e, at: iso(e.at), data: JSON.stringify(e.data) };
}

function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'the audit trail: every evaluation that changed, decision, action, approval and notification',
    )
    .option('--since <when>', 'only entries since then: a duration back (24h, 7d) or a date', sinceOption)
    .addOption(
      new Option('--kind <kind>', `only these kinds (comma-separated): ${AUDIT_KINDS.join(', ')}`).argParser(
        listOf<AuditKind>('a kind', AUDIT_KINDS, (v) => v.toLowerCase()),
      ),
    )
    .option('--limit <n>', 'only the newest n entries', limitOption)
    .addOption(formatOption())
    .action(
      async (
        flags: { since?: Date; kind?: AuditKind[]; limit?: number; format: Format },
        command: Command,
      ) => {
        await withContext(command, async (ctx) => {
          const entries = await auditTrail(ctx, {
            ...(flags.since ? { since: flags.since } : {}),
            ...(flags.kind ? { kinds: flags.kind } : {}),
            ...(flags.limit ? { limit: flags.limit } : {}),
          });
          if (flags.format === 'json') write(renderJson(entries));
          else if (flags.format === 'csv') {
            const keys = ['seq', 'at', 'kind', 'actor', 'subject', 'summary', 'data', 'prevHash', 'hash'];
            write(
              renderCsv(
                keys.map((key) => ({ key, header: key })),
                entries.map(auditRow),
              ),
            );
          } else {
            write(renderTable(AUDIT_COLUMNS, entries.map(auditRow)));
            if (entries.length === 0) process.stderr.write('no audit entries\n');
          }
        });
      },
    );
  audit
    .command('verify')
    .description('check the hash chain: any edited or deleted entry is found (exit 1)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: { format: 'text' | 'json' }, command: Command) => {
      await withContext(command, async (ctx) => {
        const verdict = await verifyAuditTrail(ctx);
        if (flags.format === 'json') write(renderJson(verdict));
        if (verdict.break !== null) {
          throw new IncompleteError(
            'HR_AUDIT_BROKEN',
            `the audit trail is broken at entry ${verdict.break.seq}: ${verdict.break.problem}`,
            {
              hint: 'entries were changed outside headroom; restore the store from a backup and find out who had access',
            },
          );
        }
        if (flags.format === 'text') {
          write(
            verdict.head === null
              ? 'the audit trail is empty\n'
              : `ok: ${verdict.entries} entries chain from the first to the head (seq ${verdict.head.seq}, ${verdict.head.hash})\n`,
          );
        }
      });
    });
}

export function registerApprovalsAndAudit(program: Command): void {
  registerApprovals(program);
  registerAudit(program);
}
