/**
 * Approvals (`/approvals`): what the engine proposed and waits for a person, pending first.
 * Approve carries the action out at once (the increase filed, or the Support case opened); Deny
 * records why and files nothing. Each decision shows its result, then the list is read again.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { type ApprovalJson, type ApprovalStatus, getApprovals } from '../api';
import { ApprovalDecision, type DecisionMode, type DecisionResult } from '../components/approval-decision';
import { ApprovalStatusBadge } from '../components/approval-status-badge';
import { textColumn } from '../components/columns';
import { DataTable } from '../components/data-table';
import { Segmented } from '../components/segmented';
import { Empty, LoadingOrError } from '../components/status-views';
import { Truncated } from '../components/truncated';
import { formatCost, formatDateTime, formatNumber, formatUntil, quotaKey } from '../format';
import { targetPath } from '../links';
import { useApi } from '../hooks/use-api';
import { useNow } from '../hooks/use-now';
import { usePanelFocus } from '../hooks/use-panel-focus';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';

type Filter = 'pending' | 'all' | 'executed' | 'denied' | 'expired' | 'failed';

/** Each filter and the statuses it asks the API for (none: every status). */
const FILTERS: Record<Filter, { label: string; statuses: readonly ApprovalStatus[] }> = {
  pending: { label: 'Pending', statuses: ['PENDING'] },
  all: { label: 'All', statuses: [] },
  executed: { label: 'Executed', statuses: ['EXECUTED'] },
  denied: { label: 'Denied', statuses: ['DENIED'] },
  expired: { label: 'Expired', statuses: ['EXPIRED'] },
  failed: { label: 'Failed', statuses: ['FAILED'] },
};

const FILTER_OPTIONS = (Object.keys(FILTERS) as Filter[]).map((value) => ({
  value,
  label: FILTERS[value].label,
}));

function isFilter(text: string): text is Filter {
  return Object.hasOwn(FILTERS, text);
}

/** How long a pending approval has left, ticking; a decided one shows when it was decided. */
function ExpiresIn({ approval }: { approval: ApprovalJson }) {
  const now = useNow();
  if (approval.status !== 'PENDING') return <span className="muted">—</span>;
  return (
    <time dateTime={approval.expiresAt} title={`Expires ${formatDateTime(approval.expiresAt)}`}>
      {formatUntil(approval.expiresAt, now)}
    </time>
  );
}

/** Who decided, why, and what came of it. */
function decisionText(approval: ApprovalJson): string | null {
  if (approval.decidedBy === null) return null;
  const why = approval.decisionReason === null ? '' : `: ${approval.decisionReason}`;
  const outcome = approval.outcome === null ? '' : `; ${approval.outcome}`;
  return `${approval.decidedBy}${why}${outcome}`;
}

/** What a decision gave, announced above the table until dismissed or the next decision. */
function DecisionNotice({ result, onDismiss }: { result: DecisionResult; onDismiss: () => void }) {
  const { approval } = result.response;
  const heading = usePanelFocus(approval.id);
  const failed = approval.status === 'FAILED';
  const outcome = result.mode === 'approve' ? result.response.outcome : null;
  return (
    <section
      className={failed ? 'notice notice-critical' : 'notice notice-ok'}
      role={failed ? 'alert' : 'status'}
      aria-labelledby="decision-result-heading"
      data-testid="approval-result"
      data-approval-id={approval.id}
      data-status={approval.status}
    >
      <div className="panel-header">
        <h2 id="decision-result-heading" ref={heading} tabIndex={-1}>
          <span className="mono">{approval.id}</span> <ApprovalStatusBadge status={approval.status} />
        </h2>
        <button type="button" className="button button-small button-quiet" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      <p>
        {quotaKey(approval)} in <span className="mono">{approval.target}</span>:{' '}
        {formatNumber(approval.fromValue)} → {formatNumber(approval.desiredValue)}.{' '}
        {approval.status === 'DENIED' ? 'Denied; nothing was filed.' : null}
        {approval.status === 'EXECUTED' && approval.requestId !== null ? (
          <>
            Request{' '}
            <Link href={`/requests?request=${encodeURIComponent(approval.requestId)}`} className="mono">
              {approval.requestId}
            </Link>{' '}
            recorded.
          </>
        ) : null}
      </p>
      {outcome === null ? null : <p className={failed ? 'text-critical' : undefined}>{outcome.message}</p>}
    </section>
  );
}

export function ApprovalsPage() {
  useTitle('Approvals');
  const [params, setParams] = useQueryParams();
  const filterParam = params.get('status') ?? 'pending';
  const filter: Filter = isFilter(filterParam) ? filterParam : 'pending';
  const [deciding, setDeciding] = useState<{ id: string; mode: DecisionMode } | null>(null);
  const [result, setResult] = useState<DecisionResult | null>(null);

  const load = useCallback(
    (signal: AbortSignal) => getApprovals({ status: FILTERS[filter].statuses }, signal),
    [filter],
  );
  const { state, refreshing, reload } = useApi(load, { keepPrevious: true });

  // Pending first (they need a decision), then as the API lists them: newest first.
  const rows = useMemo(() => {
    if (state.status !== 'ready') return [];
    const all = state.data.approvals;
    return [...all.filter((a) => a.status === 'PENDING'), ...all.filter((a) => a.status !== 'PENDING')];
  }, [state]);
  const chosen = deciding === null ? undefined : rows.find((a) => a.id === deciding.id);

  const open = useCallback((id: string, mode: DecisionMode) => {
    setResult(null);
    setDeciding({ id, mode });
  }, []);

  const done = (decided: DecisionResult) => {
    setDeciding(null);
    setResult(decided);
    reload();
  };

  const columns = useMemo<ColumnDef<ApprovalJson>[]>(() => {
    const all: ColumnDef<ApprovalJson>[] = [
      {
        id: 'status',
        header: 'Status',
        accessorFn: (row) => row.status,
        cell: ({ row }) => <ApprovalStatusBadge status={row.original.status} />,
      },
      {
        id: 'quota',
        header: 'Quota',
        accessorFn: (row) => row.quotaName,
        cell: ({ row }) => (
          <>
            <Truncated text={row.original.quotaName} />
            <span className="mono cell-sub nowrap">
              {quotaKey(row.original)}
              {row.original.action === 'support-case' ? ' (Support case)' : ''}
            </span>
          </>
        ),
        meta: { className: 'col-name' },
      },
      {
        id: 'target',
        header: 'Target',
        accessorFn: (row) => row.target,
        cell: ({ row }) => (
          <Link href={targetPath(row.original.target, row.original)} className="mono nowrap">
            {row.original.target}
          </Link>
        ),
      },
      {
        id: 'values',
        header: 'From → to',
        accessorFn: (row) => row.desiredValue,
        cell: ({ row }) => (
          <span className="nowrap">
            {formatNumber(row.original.fromValue)} → {formatNumber(row.original.desiredValue)}
          </span>
        ),
        meta: { numeric: true },
      },
      {
        id: 'cost',
        header: 'Est. cost',
        accessorFn: (row) => row.estimatedCost ?? undefined,
        sortUndefined: 'last',
        cell: ({ row }) => <span className="nowrap">{formatCost(row.original.estimatedCost)}</span>,
        meta: { numeric: true },
      },
      textColumn('rule', 'Rule', (row) => row.rule, { className: 'col-short', textClassName: 'mono' }),
      textColumn('proposedBy', 'Proposed by', (row) => row.proposedBy, { className: 'col-short' }),
      textColumn('reason', 'Reason', (row) => row.reason, { className: 'col-name-narrow' }),
      {
        id: 'expires',
        header: 'Expires',
        accessorFn: (row) => (row.status === 'PENDING' ? row.expiresAt : undefined),
        sortUndefined: 'last',
        cell: ({ row }) => <ExpiresIn approval={row.original} />,
      },
      textColumn('decision', 'Decision', decisionText, { className: 'col-name-narrow' }),
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: ({ row }) => {
          const { id, status } = row.original;
          if (status !== 'PENDING') return null;
          const isOpen = deciding?.id === id;
          return (
            <span className="row-actions">
              <button
                type="button"
                className="button button-small"
                aria-label={`Approve ${id}`}
                aria-expanded={isOpen && deciding.mode === 'approve'}
                onClick={() => {
                  open(id, 'approve');
                }}
              >
                Approve
              </button>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                aria-label={`Deny ${id}`}
                aria-expanded={isOpen && deciding.mode === 'deny'}
                onClick={() => {
                  open(id, 'deny');
                }}
              >
                Deny
              </button>
            </span>
          );
        },
      },
    ];
    // Only what the view can tell apart: pending ones share their status and have no decision yet;
    // decided ones have no expiry and no actions.
    const hidden = new Set(
      filter === 'pending' ? ['status', 'decision'] : filter === 'all' ? [] : ['expires', 'actions'],
    );
    return all.filter((column) => column.id === undefined || !hidden.has(column.id));
  }, [deciding, open, filter]);

  const empty =
    filter === 'pending'
      ? 'No approval is waiting for a decision.'
      : filter === 'all'
        ? 'No approval has been proposed yet.'
        : `No approval is ${FILTERS[filter].label.toLowerCase()}.`;

  return (
    <div className="page">
      <div className="page-header">
        <h1>Approvals</h1>
        <p className="page-subtitle">
          Increases the engine proposed that wait for a person: approving files the request with AWS at once;
          denying records why and files nothing.
        </p>
      </div>

      <div className="filters">
        <Segmented
          legend="Status"
          name="approval-status"
          options={FILTER_OPTIONS}
          value={filter}
          onChange={(value) => {
            setDeciding(null);
            setParams({ status: value === 'pending' ? null : value });
          }}
        />
        <button type="button" className="button" onClick={reload} disabled={refreshing}>
          Refresh
        </button>
        {refreshing ? (
          <span className="inline-progress" role="status">
            Reading approvals…
          </span>
        ) : null}
      </div>

      {result === null ? null : (
        <DecisionNotice
          result={result}
          onDismiss={() => {
            setResult(null);
          }}
        />
      )}

      {deciding === null || chosen === undefined ? null : (
        <ApprovalDecision
          key={`${chosen.id}-${deciding.mode}`}
          approval={chosen}
          mode={deciding.mode}
          onDone={done}
          onCancel={() => {
            setDeciding(null);
          }}
        />
      )}

      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' && rows.length === 0 ? (
        <Empty>
          <p>{empty}</p>
          <p className="muted">
            The engine proposes an approval when a rule asks a person to decide, or when an increase would
            cost more than the rule allows.
          </p>
        </Empty>
      ) : null}
      {state.status === 'ready' && rows.length > 0 ? (
        <DataTable
          data={rows}
          columns={columns}
          label="Approvals"
          testId="approvals-table"
          rowKey={(row) => row.id}
          rowProps={(row) => ({
            'data-testid': 'approval-row',
            'data-approval-id': row.id,
            'data-status': row.status,
          })}
          pageSize={50}
        />
      ) : null}
    </div>
  );
}
