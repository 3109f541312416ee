/**
 * Cache (`/cache`): what is stored for each target and how old it is; read a target from AWS
 * again, or forget what is stored (each behind a confirmation on the page).
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useMemo, useState } from 'react';
import { type ApiError, type TargetInfo, asApiError, clearCache, getTargets, refreshCache } from '../api';
import { Age } from '../components/age';
import { ClearConfirm, type ClearScope } from '../components/clear-confirm';
import { ageColumn, numberColumn, targetLinkColumn, textColumn } from '../components/columns';
import { DataTable } from '../components/data-table';
import { Empty, LoadingOrError } from '../components/status-views';
import { formatNumber } from '../format';
import { useApi } from '../hooks/use-api';
import { useTitle } from '../hooks/use-title';

type RowState =
  | { readonly status: 'refreshing' }
  | { readonly status: 'refreshed'; readonly errors: readonly string[] }
  | { readonly status: 'failed'; readonly error: ApiError };

function RowStatus({ state }: { state: RowState | undefined }) {
  if (state === undefined) return null;
  if (state.status === 'refreshing') {
    return (
      <span className="inline-progress" role="status">
        Reading from AWS…
      </span>
    );
  }
  if (state.status === 'failed') {
    const busy = state.error.code === 'HR_API_BUSY';
    return (
      <span className="text-critical" role="alert" title={state.error.hint}>
        {busy ? 'Already being read; try again when it ends.' : state.error.message}
      </span>
    );
  }
  if (state.errors.length === 0) return <span className="text-ok">Read from AWS.</span>;
  return (
    <details className="text-warning" open>
      <summary>
        Read, with {formatNumber(state.errors.length)} {state.errors.length === 1 ? 'error' : 'errors'}
      </summary>
      <ul className="error-list">
        {state.errors.map((error) => (
          <li key={error}>{error}</li>
        ))}
      </ul>
    </details>
  );
}

export function CachePage() {
  useTitle('Cache');
  const { state, reload } = useApi(getTargets);
  // Rows as a refresh returned them, until the next full load.
  const [updated, setUpdated] = useState<Readonly<Record<string, TargetInfo>>>({});
  const [rowStates, setRowStates] = useState<Readonly<Record<string, RowState>>>({});
  const [confirm, setConfirm] = useState<ClearScope | null>(null);
  const [cleared, setCleared] = useState<string | null>(null);

  const rows = useMemo(
    () => (state.status === 'ready' ? state.data.targets.map((target) => updated[target.key] ?? target) : []),
    [state, updated],
  );

  const refresh = useCallback((key: string) => {
    setRowStates((previous) => ({ ...previous, [key]: { status: 'refreshing' } }));
    refreshCache(key).then(
      (response) => {
        setUpdated((previous) => ({ ...previous, [key]: response.target }));
        setRowStates((previous) => ({
          ...previous,
          [key]: { status: 'refreshed', errors: response.errors },
        }));
      },
      (error: unknown) => {
        setRowStates((previous) => ({ ...previous, [key]: { status: 'failed', error: asApiError(error) } }));
      },
    );
  }, []);

  const clear = async (scope: ClearScope, history: boolean): Promise<void> => {
    const response = await clearCache({
      ...(scope.target === null ? {} : { target: scope.target }),
      history,
    });
    setConfirm(null);
    setUpdated({});
    setRowStates({});
    setCleared(
      `Removed ${formatNumber(response.removed)} cached ${response.removed === 1 ? 'entry' : 'entries'}` +
        `${scope.target === null ? '' : ` of ${scope.target}`}${history ? ', usage history included' : ''}.`,
    );
    reload();
  };

  const columns = useMemo<ColumnDef<TargetInfo>[]>(
    () => [
      targetLinkColumn((row) => row.key),
      textColumn('accountName', 'Account name', (row) => row.accountName),
      {
        id: 'limits',
        header: 'Limits',
        accessorFn: (row) => row.limitsAt ?? undefined,
        sortUndefined: 'last',
        cell: ({ row }) => (
          <span className="limit-cell">
            <Age at={row.original.limitsAt} />
            {row.original.limitsComplete === false ? (
              <span
                className="tag tag-warning"
                title="Some services could not be read; their last values are kept"
              >
                incomplete
              </span>
            ) : null}
            {row.original.limitsComplete === true ? <span className="tag">complete</span> : null}
          </span>
        ),
      },
      numberColumn('quotas', 'Quotas', (row) => row.quotas),
      ageColumn('usage', 'Usage', (row) => row.usageAt),
      numberColumn('usageValues', 'Usage values', (row) => row.usageValues),
      {
        id: 'usageSource',
        header: 'Usage source',
        accessorFn: (row) => row.usageSource ?? '',
        cell: ({ row }) => row.original.usageSource ?? <span className="muted">—</span>,
      },
      {
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: ({ row }) => {
          const key = row.original.key;
          const busy = rowStates[key]?.status === 'refreshing';
          return (
            <span className="row-actions">
              <button
                type="button"
                className="button button-small"
                aria-label={`Refresh ${key}`}
                aria-busy={busy}
                disabled={busy}
                onClick={() => {
                  refresh(key);
                }}
              >
                {busy ? <span className="spinner spinner-small" aria-hidden="true" /> : null}
                {busy ? 'Refreshing…' : 'Refresh'}
              </button>
              <button
                type="button"
                className="button button-small button-danger-quiet"
                aria-label={`Clear ${key}`}
                disabled={busy}
                onClick={() => {
                  setCleared(null);
                  setConfirm({ target: key });
                }}
              >
                Clear
              </button>
            </span>
          );
        },
      },
      {
        id: 'status',
        header: 'Status',
        enableSorting: false,
        cell: ({ row }) => <RowStatus state={rowStates[row.original.key]} />,
        meta: { className: 'col-status' },
      },
    ],
    [rowStates, refresh],
  );

  return (
    <div className="page">
      <div className="page-header page-header-row">
        <div>
          <h1>Cache</h1>
          <p className="page-subtitle">
            What is stored for each target. Limits are read again after 24 h, usage after 1 h; Refresh reads a
            target from AWS now (10–30 s).
          </p>
        </div>
        <button
          type="button"
          className="button button-danger-quiet"
          disabled={rows.length === 0}
          onClick={() => {
            setCleared(null);
            setConfirm({ target: null });
          }}
        >
          Clear all
        </button>
      </div>

      {confirm === null ? null : (
        <ClearConfirm
          scope={confirm}
          onConfirm={clear}
          onCancel={() => {
            setConfirm(null);
          }}
        />
      )}
      {cleared === null ? null : (
        <p className="notice notice-ok" role="status">
          {cleared}
        </p>
      )}

      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' && rows.length === 0 ? (
        <Empty>
          <p>No target is configured.</p>
          <p className="muted">List accounts and regions in headroom.yaml; see the README.</p>
        </Empty>
      ) : null}
      {state.status === 'ready' && rows.length > 0 ? (
        <DataTable
          data={rows}
          columns={columns}
          label="Cached data per target"
          testId="cache-table"
          rowKey={(row) => row.key}
          rowProps={(row) => ({
            'data-testid': 'cache-row',
            'data-target': row.key,
            'aria-busy': rowStates[row.key]?.status === 'refreshing' ? 'true' : undefined,
          })}
        />
      ) : null}
    </div>
  );
}
