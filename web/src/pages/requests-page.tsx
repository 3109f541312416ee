/**
 * Requests (`/requests`): every increase and Support case headroom filed, statuses read from AWS
 * first, and read again every 15 s while one shown is still open. A row opens its trail.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useEffect } from 'react';
import { type RequestRecordJson, getRequests } from '../api';
import { ageColumn, quotaNameColumn, textColumn } from '../components/columns';
import { DataTable } from '../components/data-table';
import { FilterSelect, optionsOf } from '../components/filter-select';
import { RequestTrail } from '../components/request-trail';
import {
  OPEN_STATUSES,
  REQUEST_STATUSES,
  RequestStatusBadge,
  isRequestStatus,
} from '../components/request-status-badge';
import { selectableRow } from '../components/selectable-row';
import { Empty, LoadingOrError } from '../components/status-views';
import { Truncated } from '../components/truncated';
import { formatNumber, quotaKey } from '../format';
import { useApi } from '../hooks/use-api';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';

const AUTO_REFRESH_MS = 15_000;

/** An identifier, kept on one line. */
function codeColumn(
  id: string,
  header: string,
  text: (row: RequestRecordJson) => string,
): ColumnDef<RequestRecordJson> {
  return {
    id,
    header,
    accessorFn: text,
    cell: ({ row }) => <span className="mono nowrap">{text(row.original)}</span>,
  };
}

const columns: ColumnDef<RequestRecordJson>[] = [
  codeColumn('id', 'ID', (row) => row.id),
  {
    id: 'status',
    header: 'Status',
    accessorFn: (row) => row.status,
    cell: ({ row }) => <RequestStatusBadge status={row.original.status} />,
  },
  codeColumn('target', 'Target', (row) => row.target),
  codeColumn('quota', 'Quota', quotaKey),
  quotaNameColumn('col-name-narrow'),
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
  textColumn('requestedBy', 'Requested by', (row) => row.requestedBy, { className: 'col-short' }),
  ageColumn('created', 'Created', (row) => row.createdAt),
  ageColumn('updated', 'Updated', (row) => row.updatedAt),
  textColumn('awsRequestId', 'AWS request ID', (row) => row.awsRequestId, {
    textClassName: 'mono col-short',
  }),
  textColumn('caseId', 'Case ID', (row) => row.caseId, { textClassName: 'mono col-short' }),
  {
    id: 'message',
    header: 'Message',
    // Unlike textColumn's, no message sorts as an empty one: first, not last.
    accessorFn: (row) => row.message ?? '',
    cell: ({ row }) => <Truncated text={row.original.message ?? '—'} />,
    meta: { className: 'col-name-narrow' },
  },
];

export function RequestsPage() {
  useTitle('Requests');
  const [params, setParams] = useQueryParams();
  const statusParam = params.get('status') ?? '';
  const status = isRequestStatus(statusParam) ? statusParam : '';
  const selected = params.get('request');

  const load = useCallback(
    (signal: AbortSignal) => getRequests({ status: status === '' ? [] : [status], refresh: true }, signal),
    [status],
  );
  const { state, refreshing, reload } = useApi(load, { keepPrevious: true });

  const anyOpen = state.status === 'ready' && state.data.requests.some((r) => OPEN_STATUSES.has(r.status));
  // Follow open requests: read again 15 s after each answer, until none shown is open or the page
  // is left (the cleanup clears the timer).
  useEffect(() => {
    if (!anyOpen || refreshing) return;
    const timer = window.setTimeout(reload, AUTO_REFRESH_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [anyOpen, refreshing, reload]);

  const select = (id: string) => {
    setParams({ request: id });
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>Requests</h1>
        <p className="page-subtitle">
          Quota increases and Support cases filed by headroom; statuses are read from AWS first
          {anyOpen ? ', and again every 15 s while one is open' : ''}.
        </p>
      </div>

      <div className="filters">
        <FilterSelect
          label="Status"
          value={status}
          options={optionsOf(REQUEST_STATUSES)}
          onChange={(value) => {
            setParams({ status: value });
          }}
        />
        <button type="button" className="button" onClick={reload} disabled={refreshing}>
          Refresh
        </button>
        {refreshing ? (
          <span className="inline-progress" role="status">
            Reading statuses from AWS…
          </span>
        ) : null}
        {state.status === 'ready' && !refreshing && state.data.refreshed ? (
          <span className="muted" role="status">
            {state.data.changes === 0
              ? 'No status changed.'
              : `${formatNumber(state.data.changes)} status changes found.`}
          </span>
        ) : null}
      </div>

      {state.status === 'ready' && state.data.warnings.length > 0 ? (
        <div className="notice notice-warning" role="note">
          <h2>Some statuses could not be read from AWS</h2>
          <ul>
            {state.data.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {selected === null ? null : (
        <RequestTrail
          id={selected}
          revision={
            state.status === 'ready'
              ? (state.data.requests.find((r) => r.id === selected)?.updatedAt ?? '')
              : ''
          }
          onClose={() => {
            setParams({ request: null });
          }}
        />
      )}

      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' && state.data.requests.length === 0 ? (
        <Empty>
          <p>{status === '' ? 'No request has been filed yet.' : `No request is ${status}.`}</p>
          <p className="muted">Requests are filed from the Compare page, or with headroom replicate.</p>
        </Empty>
      ) : null}
      {state.status === 'ready' && state.data.requests.length > 0 ? (
        <DataTable
          data={state.data.requests}
          columns={columns}
          label="Requests"
          testId="requests-table"
          rowKey={(row) => row.id}
          rowProps={(row) => ({
            'data-testid': 'request-row',
            'data-request-id': row.id,
            'data-status': row.status,
            ...selectableRow(row.id === selected, () => {
              select(row.id);
            }),
          })}
          pageSize={50}
        />
      ) : null}
    </div>
  );
}
