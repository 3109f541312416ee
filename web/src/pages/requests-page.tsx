/**
 * Requests (`/requests`): every increase and Support case headroom filed, statuses read from AWS
 * first, and read again every 15 s while one shown is still open. A row opens its trail.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { type KeyboardEvent, useCallback, useEffect } from 'react';
import { type RequestRecordJson, getRequests } from '../api';
import { Age } from '../components/age';
import { DataTable } from '../components/data-table';
import { FilterSelect } from '../components/filter-select';
import { RequestTrail } from '../components/request-trail';
import {
  OPEN_STATUSES,
  REQUEST_STATUSES,
  RequestStatusBadge,
  isRequestStatus,
} from '../components/request-status-badge';
import { Empty, ErrorView, Loading } from '../components/status-views';
import { Truncated } from '../components/truncated';
import { formatNumber } from '../format';
import { useApi } from '../hooks/use-api';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';

const AUTO_REFRESH_MS = 15_000;

const columns: ColumnDef<RequestRecordJson>[] = [
  {
    id: 'id',
    header: 'ID',
    accessorFn: (row) => row.id,
    cell: ({ row }) => <span className="mono nowrap">{row.original.id}</span>,
  },
  {
    id: 'status',
    header: 'Status',
    accessorFn: (row) => row.status,
    cell: ({ row }) => <RequestStatusBadge status={row.original.status} />,
  },
  {
    id: 'target',
    header: 'Target',
    accessorFn: (row) => row.target,
    cell: ({ row }) => <span className="mono nowrap">{row.original.target}</span>,
  },
  {
    id: 'quota',
    header: 'Quota',
    accessorFn: (row) => `${row.serviceCode}/${row.quotaCode}`,
    cell: ({ row }) => (
      <span className="mono nowrap">
        {row.original.serviceCode}/{row.original.quotaCode}
      </span>
    ),
  },
  {
    id: 'name',
    header: 'Name',
    accessorFn: (row) => row.quotaName,
    cell: ({ row }) => <Truncated text={row.original.quotaName} />,
    meta: { className: 'col-name-narrow' },
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
    id: 'requestedBy',
    header: 'Requested by',
    accessorFn: (row) => row.requestedBy,
    cell: ({ row }) => <Truncated text={row.original.requestedBy} />,
    meta: { className: 'col-short' },
  },
  {
    id: 'created',
    header: 'Created',
    accessorFn: (row) => row.createdAt,
    cell: ({ row }) => <Age at={row.original.createdAt} />,
  },
  {
    id: 'updated',
    header: 'Updated',
    accessorFn: (row) => row.updatedAt,
    cell: ({ row }) => <Age at={row.original.updatedAt} />,
  },
  {
    id: 'awsRequestId',
    header: 'AWS request ID',
    accessorFn: (row) => row.awsRequestId ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <Truncated text={row.original.awsRequestId ?? '—'} className="mono col-short" />,
  },
  {
    id: 'caseId',
    header: 'Case ID',
    accessorFn: (row) => row.caseId ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <Truncated text={row.original.caseId ?? '—'} className="mono col-short" />,
  },
  {
    id: 'message',
    header: 'Message',
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
          options={REQUEST_STATUSES.map((s) => ({ value: s, label: s }))}
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

      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorView error={state.error} onRetry={reload} /> : null}
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
            className: row.id === selected ? 'row-selectable row-selected' : 'row-selectable',
            tabIndex: 0,
            'aria-current': row.id === selected ? 'true' : undefined,
            onClick: () => {
              select(row.id);
            },
            onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => {
              if (event.target !== event.currentTarget) return;
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                select(row.id);
              }
            },
          })}
          pageSize={50}
        />
      ) : null}
    </div>
  );
}
