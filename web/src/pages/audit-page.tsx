/**
 * Audit trail (`/audit`): the newest entries of the hash-chained log, newest first, by kind; and
 * "Verify chain", which checks every entry's hash and link and the recorded head, and says either
 * that the chain holds or where it first breaks.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useState } from 'react';
import {
  type ApiError,
  type AuditEntryJson,
  type AuditKind,
  type AuditVerifyResponse,
  asApiError,
  getAudit,
  verifyAudit,
} from '../api';
import { DataTable } from '../components/data-table';
import { FilterSelect } from '../components/filter-select';
import { Empty, ErrorView, LoadingOrError } from '../components/status-views';
import { Truncated } from '../components/truncated';
import { formatDateTime, formatNumber } from '../format';
import { useApi } from '../hooks/use-api';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';

/** Entries shown: the newest this many. */
const LIMIT = 200;

/** Every kind, as the filter lists it; the Record makes a new kind a type error here. */
const KINDS: Record<AuditKind, string> = {
  evaluation: 'Evaluation',
  decision: 'Decision',
  action: 'Action',
  approval: 'Approval',
  notification: 'Notification',
  rules: 'Rules',
  event: 'Event',
};

const KIND_OPTIONS = (Object.keys(KINDS) as AuditKind[]).map((value) => ({ value, label: KINDS[value] }));

function isKind(text: string): text is AuditKind {
  return Object.hasOwn(KINDS, text);
}

/** A hash cut to what a person compares by eye; the whole is the tooltip. */
function ShortHash({ hash }: { hash: string }) {
  return (
    <code title={hash} data-testid="audit-head-hash">
      {hash.slice(0, 12)}…
    </code>
  );
}

const columns: ColumnDef<AuditEntryJson>[] = [
  {
    id: 'seq',
    header: '#',
    accessorFn: (row) => row.seq,
    cell: ({ row }) => <span className="mono">{row.original.seq}</span>,
    meta: { numeric: true },
  },
  {
    id: 'at',
    header: 'Time',
    accessorFn: (row) => row.at,
    cell: ({ row }) => (
      <time dateTime={row.original.at} className="nowrap">
        {formatDateTime(row.original.at)}
      </time>
    ),
  },
  {
    id: 'kind',
    header: 'Kind',
    accessorFn: (row) => row.kind,
    cell: ({ row }) => <span className="tag">{row.original.kind}</span>,
  },
  {
    id: 'actor',
    header: 'Actor',
    accessorFn: (row) => row.actor,
    cell: ({ row }) => <Truncated text={row.original.actor} />,
    meta: { className: 'col-short' },
  },
  {
    id: 'subject',
    header: 'Subject',
    accessorFn: (row) => row.subject,
    cell: ({ row }) => <Truncated text={row.original.subject} className="mono" />,
    meta: { className: 'col-name-narrow' },
  },
  {
    id: 'summary',
    header: 'Summary',
    accessorFn: (row) => row.summary,
    cell: ({ row }) => row.original.summary,
    meta: { className: 'col-message' },
  },
];

type Check =
  | { readonly status: 'idle' }
  | { readonly status: 'checking' }
  | { readonly status: 'done'; readonly verdict: AuditVerifyResponse }
  | { readonly status: 'failed'; readonly error: ApiError };

function Verdict({ check }: { check: Check }) {
  if (check.status === 'idle') return null;
  if (check.status === 'checking') {
    return (
      <p className="inline-progress" role="status">
        Checking every entry of the chain…
      </p>
    );
  }
  if (check.status === 'failed') return <ErrorView error={check.error} />;
  const { verdict } = check;
  if (verdict.ok) {
    return (
      <p className="notice notice-ok" role="status" data-testid="audit-verdict" data-ok="true">
        {verdict.head === null ? (
          <span>The chain holds: the trail is empty.</span>
        ) : (
          <span>
            The chain holds: {formatNumber(verdict.entries)} {verdict.entries === 1 ? 'entry' : 'entries'}{' '}
            checked, up to the recorded head #{verdict.head.seq} (<ShortHash hash={verdict.head.hash} />)
          </span>
        )}
      </p>
    );
  }
  return (
    <div className="notice notice-critical" role="alert" data-testid="audit-verdict" data-ok="false">
      <p>
        <strong>The chain is broken at entry {verdict.break?.seq ?? '?'}:</strong>{' '}
        {verdict.break?.problem ?? 'unknown problem'}.
      </p>
      <p className="muted">
        {formatNumber(verdict.entries)} entries read
        {verdict.head === null ? '' : `; the recorded head is #${verdict.head.seq}`}. An entry was edited or
        removed outside headroom.
      </p>
    </div>
  );
}

export function AuditPage() {
  useTitle('Audit trail');
  const [params, setParams] = useQueryParams();
  const kindParam = params.get('kind') ?? '';
  const kind = isKind(kindParam) ? kindParam : '';
  const [check, setCheck] = useState<Check>({ status: 'idle' });

  const load = useCallback(
    async (signal: AbortSignal) => {
      const response = await getAudit({ kinds: kind === '' ? [] : [kind], limit: LIMIT }, signal);
      // The API lists the newest last; the page shows them first.
      return { ...response, entries: [...response.entries].reverse() };
    },
    [kind],
  );
  const { state, refreshing, reload } = useApi(load, { keepPrevious: true });

  const verify = () => {
    setCheck({ status: 'checking' });
    verifyAudit().then(
      (verdict) => {
        setCheck({ status: 'done', verdict });
      },
      (error: unknown) => {
        setCheck({ status: 'failed', error: asApiError(error) });
      },
    );
  };

  return (
    <div className="page">
      <div className="page-header page-header-row">
        <div>
          <h1>Audit trail</h1>
          <p className="page-subtitle">
            Every decision, action, approval and notification, in order and never changed: each entry carries
            the hash of the one before, so an edit or a deletion breaks the chain.
          </p>
        </div>
        <button
          type="button"
          className="button button-primary"
          onClick={verify}
          disabled={check.status === 'checking'}
          aria-busy={check.status === 'checking'}
        >
          Verify chain
        </button>
      </div>

      <Verdict check={check} />

      <div className="filters">
        <FilterSelect
          label="Kind"
          value={kind}
          options={KIND_OPTIONS}
          onChange={(value) => {
            setParams({ kind: value });
          }}
        />
        <button type="button" className="button" onClick={reload} disabled={refreshing}>
          Refresh
        </button>
        {state.status === 'ready' && state.data.entries.length > 0 ? (
          <span className="muted">
            {state.data.entries.length === LIMIT
              ? `The newest ${formatNumber(LIMIT)} entries`
              : `${formatNumber(state.data.entries.length)} ${state.data.entries.length === 1 ? 'entry' : 'entries'}`}
            , newest first.
          </span>
        ) : null}
      </div>

      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' && state.data.entries.length === 0 ? (
        <Empty>
          <p>{kind === '' ? 'Nothing has been recorded yet.' : `No ${kind} entry has been recorded.`}</p>
          <p className="muted">The engine writes the trail as it evaluates quotas and acts on them.</p>
        </Empty>
      ) : null}
      {state.status === 'ready' && state.data.entries.length > 0 ? (
        <DataTable
          data={state.data.entries}
          columns={columns}
          label="Audit entries, newest first"
          testId="audit-table"
          rowKey={(row) => String(row.seq)}
          rowProps={(row) => ({
            'data-testid': 'audit-row',
            'data-seq': String(row.seq),
            'data-kind': row.kind,
          })}
          pageSize={50}
        />
      ) : null}
    </div>
  );
}
