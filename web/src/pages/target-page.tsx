/**
 * Target (`/targets/:key`): every quota of one account × region, filtered and paged in the
 * browser (the ~4,400 rows come in one response), and a quota's usage history on selection. The
 * filters and the selected quota live in the URL.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useMemo } from 'react';
import { Link } from 'wouter';
import { type QuotaRowJson, type TargetInfo, getTargetQuotas } from '../api';
import { Age } from '../components/age';
import { Checkbox } from '../components/checkbox';
import {
  adjustableColumn,
  numberColumn,
  quotaNameColumn,
  serviceColumn,
  usageColumn,
  utilizationColumn,
} from '../components/columns';
import { DataTable } from '../components/data-table';
import { FilterForm } from '../components/filter-form';
import { FilterSelect, optionsOf } from '../components/filter-select';
import { SearchField } from '../components/search-field';
import { selectableRow } from '../components/selectable-row';
import { Empty, LoadingOrError } from '../components/status-views';
import { UsageHistory } from '../components/usage-history';
import { formatNumber, quotaKey } from '../format';
import { useApi } from '../hooks/use-api';
import { useDraft } from '../hooks/use-draft';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';

const PAGE_SIZE = 50;

/** A path parameter as typed; a link from elsewhere may have escaped the `:`. */
function decodeParam(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function columns(onSelect: (row: QuotaRowJson) => void): ColumnDef<QuotaRowJson>[] {
  return [
    serviceColumn(),
    {
      id: 'code',
      header: 'Code',
      accessorFn: (row) => row.quotaCode,
      cell: ({ row }) => (
        // The row is the keyboard's way in; this button names the action for screen readers.
        <button
          type="button"
          className="link-button mono"
          tabIndex={-1}
          aria-label={`Usage history of ${quotaKey(row.original)}`}
          onClick={(event) => {
            event.stopPropagation();
            onSelect(row.original);
          }}
        >
          {row.original.quotaCode}
        </button>
      ),
    },
    quotaNameColumn(),
    {
      id: 'limit',
      header: 'Limit',
      accessorFn: (row) => row.limit ?? undefined,
      sortUndefined: 'last',
      cell: ({ row }) => (
        <span className="limit-cell">
          {formatNumber(row.original.limit)}
          <span className={`tag tag-${row.original.limitSource}`}>{row.original.limitSource}</span>
        </span>
      ),
      meta: { numeric: true },
    },
    numberColumn('default', 'Default', (row) => row.defaultValue),
    usageColumn((row) =>
      row.usage === null
        ? 'no usage value'
        : `from ${row.usageSource ?? 'unknown'}${row.usageResource === null ? '' : ` (${row.usageResource})`}`,
    ),
    utilizationColumn(),
    adjustableColumn(),
  ];
}

export function TargetPage({ targetKey }: { targetKey: string }) {
  const key = decodeParam(targetKey);
  useTitle(key);
  const [params, setParams] = useQueryParams();
  const q = params.get('q') ?? '';
  const service = params.get('service') ?? '';
  const withUsage = params.get('usage') === '1';
  const adjustable = params.get('adjustable') === '1';
  const changed = params.get('changed') === '1';
  const selected = params.get('quota');
  const range = params.get('range') ?? '7d';

  const [search, setSearch] = useDraft(q, (text) => {
    setParams({ q: text.trim() });
    return text.trim();
  });

  const load = useCallback((signal: AbortSignal) => getTargetQuotas(key, signal), [key]);
  const { state, reload } = useApi(load);

  const select = useCallback(
    (row: QuotaRowJson) => {
      setParams({ quota: quotaKey(row) });
    },
    [setParams],
  );
  const quotaColumns = useMemo(() => columns(select), [select]);

  const all = state.status === 'ready' ? state.data.quotas : null;
  const services = useMemo(
    () => (all === null ? [] : [...new Set(all.map((row) => row.serviceCode))].sort()),
    [all],
  );
  const rows = useMemo(() => {
    if (all === null) return [];
    const needle = q.toLowerCase();
    return all.filter(
      (row) =>
        (service === '' || row.serviceCode === service) &&
        (!withUsage || row.usage !== null) &&
        (!adjustable || row.adjustable) &&
        (!changed || row.limitSource === 'applied') &&
        (needle === '' ||
          row.quotaName.toLowerCase().includes(needle) ||
          row.quotaCode.toLowerCase().includes(needle)),
    );
  }, [all, q, service, withUsage, adjustable, changed]);
  const selectedRow =
    selected === null || all === null ? null : all.find((row) => quotaKey(row) === selected);

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link href="/">Fleet</Link> <span aria-hidden="true">/</span> <span aria-current="page">{key}</span>
      </nav>
      {state.status === 'ready' ? (
        <TargetHeader target={state.data.target} />
      ) : (
        <div className="page-header">
          <h1>
            <span className="mono">{key}</span>
          </h1>
        </div>
      )}

      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' && state.data.quotas.length === 0 ? (
        <Empty>
          <p>Nothing is stored for this target yet.</p>
          <p className="muted">
            Read it from AWS on the <Link href="/cache">Cache</Link> page, or with{' '}
            <code>headroom collect</code>.
          </p>
        </Empty>
      ) : null}

      {selected !== null && state.status === 'ready' ? (
        <UsageHistory
          target={key}
          quota={selected}
          quotaName={selectedRow?.quotaName ?? selected}
          range={range}
          onRange={(next) => {
            setParams({ range: next === '7d' ? null : next });
          }}
          onClose={() => {
            setParams({ quota: null, range: null });
          }}
        />
      ) : null}

      {state.status === 'ready' && state.data.quotas.length > 0 ? (
        <section className="section" aria-labelledby="quotas-heading">
          <h2 id="quotas-heading" className="visually-hidden">
            Quotas
          </h2>
          <FilterForm label="Quota filters">
            <SearchField
              label="Search quotas"
              placeholder="Name or code"
              value={search}
              onChange={setSearch}
            />
            <FilterSelect
              label="Service"
              value={service}
              options={optionsOf(services)}
              onChange={(value) => {
                setParams({ service: value });
              }}
            />
            <Checkbox
              label="Only with usage"
              checked={withUsage}
              onChange={(on) => {
                setParams({ usage: on ? '1' : null });
              }}
            />
            <Checkbox
              label="Only adjustable"
              checked={adjustable}
              onChange={(on) => {
                setParams({ adjustable: on ? '1' : null });
              }}
            />
            <Checkbox
              label="Only changed from default"
              checked={changed}
              onChange={(on) => {
                setParams({ changed: on ? '1' : null });
              }}
            />
          </FilterForm>
          <DataTable
            data={rows}
            columns={quotaColumns}
            label={`Quotas of ${key}`}
            testId="quota-table"
            rowKey={quotaKey}
            rowProps={(row) => ({
              'data-testid': 'quota-row',
              'data-quota': quotaKey(row),
              ...selectableRow(quotaKey(row) === selected, () => {
                select(row);
              }),
            })}
            pageSize={PAGE_SIZE}
            empty="No quota matches these filters."
          />
        </section>
      ) : null}
    </div>
  );
}

function TargetHeader({ target }: { target: TargetInfo }) {
  return (
    <div className="page-header">
      <h1>
        <span className="mono">{target.key}</span>
      </h1>
      <dl className="facts">
        <div>
          <dt>Account</dt>
          <dd>
            {target.accountName ?? '—'} <span className="muted mono">{target.accountId}</span>
          </dd>
        </div>
        <div>
          <dt>Region</dt>
          <dd>{target.region}</dd>
        </div>
        <div>
          <dt>Quotas</dt>
          <dd>{formatNumber(target.quotas)}</dd>
        </div>
        <div>
          <dt>Limits read</dt>
          <dd>
            <Age at={target.limitsAt} />
            {target.limitsComplete === false ? <span className="tag tag-warning">incomplete</span> : null}
          </dd>
        </div>
        <div>
          <dt>Usage read</dt>
          <dd>
            <Age at={target.usageAt} />
            {target.usageSource === null ? null : <span className="muted"> from {target.usageSource}</span>}
          </dd>
        </div>
        <div>
          <dt>Usage values</dt>
          <dd>{formatNumber(target.usageValues)}</dd>
        </div>
      </dl>
    </div>
  );
}
