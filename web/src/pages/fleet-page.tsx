/**
 * Fleet (`/`): every target, worst headroom first, and the quotas at or above the threshold
 * across them. The filters live in the URL so a view can be shared and survives a reload.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback } from 'react';
import { Link } from 'wouter';
import { type FleetFilters, type FleetResponse, type FleetTarget, type QuotaRowJson, getFleet } from '../api';
import { Age } from '../components/age';
import { DataTable } from '../components/data-table';
import {
  numberColumn,
  quotaNameColumn,
  serviceColumn,
  targetLinkColumn,
  textColumn,
  usageColumn,
  utilizationColumn,
} from '../components/columns';
import { FilterForm } from '../components/filter-form';
import { FilterSelect, optionsOf } from '../components/filter-select';
import { SearchField } from '../components/search-field';
import { Empty, LoadingOrError } from '../components/status-views';
import { UtilizationBar } from '../components/utilization-bar';
import { formatDateTime, formatNumber, quotaKey } from '../format';
import { useApi } from '../hooks/use-api';
import { useDraft } from '../hooks/use-draft';
import { useQueryParams } from '../hooks/use-query-params';
import { useTitle } from '../hooks/use-title';
import { targetPath } from '../links';

const DEFAULT_THRESHOLD = 80;

/** The threshold from the URL: a percent from 0 to 1000, as the API takes it. */
function parseThreshold(text: string | null): number {
  if (text === null || text.trim() === '') return DEFAULT_THRESHOLD;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1000 ? value : DEFAULT_THRESHOLD;
}

/** The older of a target's limits and usage reads: how stale its figures can be. */
function dataAt(target: FleetTarget): string | null {
  if (target.limitsAt === null || target.usageAt === null) return target.limitsAt ?? target.usageAt;
  return target.limitsAt < target.usageAt ? target.limitsAt : target.usageAt;
}

const targetColumns: ColumnDef<FleetTarget>[] = [
  targetLinkColumn((row) => row.key),
  textColumn('accountName', 'Account name', (row) => row.accountName),
  { id: 'region', header: 'Region', accessorFn: (row) => row.region },
  numberColumn('quotas', 'Quotas', (row) => row.quotas),
  numberColumn('withUsage', 'With usage', (row) => row.withUsage),
  {
    id: 'above',
    header: 'Above threshold',
    accessorFn: (row) => row.above,
    cell: ({ row }) => (
      <span className={row.original.above > 0 ? 'count-above' : 'muted'}>
        {formatNumber(row.original.above)}
      </span>
    ),
    meta: { numeric: true },
  },
  {
    id: 'worst',
    header: 'Worst quota',
    accessorFn: (row) => row.worst?.utilization,
    sortUndefined: 'last',
    cell: ({ row }) => {
      const worst = row.original.worst;
      if (worst === null) return <span className="muted">no usage</span>;
      return (
        <span className="worst">
          <Link
            href={targetPath(row.original.key, worst)}
            className="worst-name truncate"
            title={`${quotaKey(worst)} ${worst.quotaName}: ${formatNumber(worst.usage)} of ${formatNumber(worst.limit)}`}
          >
            {worst.quotaName}
          </Link>
          <UtilizationBar ratio={worst.utilization} />
        </span>
      );
    },
    meta: { className: 'col-worst' },
  },
  {
    id: 'age',
    header: 'Data age',
    accessorFn: (row) => dataAt(row) ?? undefined,
    sortUndefined: 'last',
    // An older read is a larger age: ascending ages are descending times.
    sortingFn: (a, b) => (dataAt(b.original) ?? '').localeCompare(dataAt(a.original) ?? ''),
    cell: ({ row }) => (
      <Age
        at={dataAt(row.original)}
        title={`limits read ${formatDateTime(row.original.limitsAt)}, usage read ${formatDateTime(row.original.usageAt)}`}
      />
    ),
  },
];

const quotaColumns: ColumnDef<QuotaRowJson>[] = [
  targetLinkColumn((row) => row.target),
  serviceColumn(),
  {
    id: 'code',
    header: 'Code',
    accessorFn: (row) => row.quotaCode,
    cell: ({ row }) => (
      <Link href={targetPath(row.original.target, row.original)} className="mono">
        {row.original.quotaCode}
      </Link>
    ),
  },
  quotaNameColumn(),
  usageColumn((row) => row.usageResource ?? undefined),
  numberColumn('limit', 'Limit', (row) => row.limit),
  utilizationColumn(),
];

export function FleetPage() {
  useTitle('Fleet');
  const [params, setParams] = useQueryParams();
  const threshold = parseThreshold(params.get('threshold'));
  const account = params.get('account') ?? '';
  const region = params.get('region') ?? '';
  const service = params.get('service') ?? '';
  const q = params.get('q') ?? '';

  const [thresholdText, setThresholdText] = useDraft(String(threshold), (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1000) return null;
    setParams({ threshold: value === DEFAULT_THRESHOLD ? null : String(value) });
    return String(value);
  });
  const [search, setSearch] = useDraft(q, (text) => {
    setParams({ q: text.trim() });
    return text.trim();
  });

  const load = useCallback(
    (signal: AbortSignal) => {
      const filters: FleetFilters = { threshold, account, region, service, q };
      return getFleet(filters, signal);
    },
    [threshold, account, region, service, q],
  );
  const { state, refreshing, reload } = useApi(load, { keepPrevious: true });
  const filtered =
    account !== '' || region !== '' || service !== '' || q !== '' || threshold !== DEFAULT_THRESHOLD;

  return (
    <div className="page">
      <div className="page-header">
        <h1>Fleet</h1>
        {state.status === 'ready' ? (
          <p className="page-subtitle">
            {formatNumber(state.data.targets.length)} targets · {formatNumber(state.data.quotas.length)}{' '}
            quotas at or above {formatNumber(state.data.threshold)}%
          </p>
        ) : null}
      </div>

      <FilterForm label="Fleet filters">
        <label className="field field-narrow">
          <span>Threshold (%)</span>
          <input
            type="number"
            min={0}
            max={1000}
            step={1}
            value={thresholdText}
            onChange={(event) => {
              setThresholdText(event.target.value);
            }}
          />
        </label>
        <FilterSelect
          label="Account"
          value={account}
          options={
            state.status === 'ready'
              ? state.data.choices.accounts.map((a) => ({
                  value: a.id,
                  label: a.name === null ? a.id : `${a.name} (${a.id})`,
                }))
              : []
          }
          onChange={(value) => {
            setParams({ account: value });
          }}
        />
        <FilterSelect
          label="Region"
          value={region}
          options={state.status === 'ready' ? optionsOf(state.data.choices.regions) : []}
          onChange={(value) => {
            setParams({ region: value });
          }}
        />
        <FilterSelect
          label="Service"
          value={service}
          options={state.status === 'ready' ? optionsOf(state.data.choices.services) : []}
          onChange={(value) => {
            setParams({ service: value });
          }}
        />
        <SearchField
          label="Search quotas"
          placeholder="Name or code, e.g. L-1216C47A"
          value={search}
          onChange={setSearch}
        />
        {filtered ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setParams({ threshold: null, account: null, region: null, service: null, q: null });
            }}
          >
            Reset filters
          </button>
        ) : null}
        {refreshing ? (
          <span className="inline-progress" role="status">
            Updating…
          </span>
        ) : null}
      </FilterForm>

      <LoadingOrError state={state} onRetry={reload} />
      {state.status === 'ready' ? <FleetTables data={state.data} /> : null}
    </div>
  );
}

function FleetTables({ data }: { data: FleetResponse }) {
  if (data.targets.length === 0) {
    return (
      <Empty>
        <p>No target matches these filters.</p>
        <p className="muted">
          Targets come from headroom.yaml (or the sandbox); their data from a sweep. See the{' '}
          <Link href="/cache">Cache</Link> page.
        </p>
      </Empty>
    );
  }
  return (
    <>
      <section className="section" aria-labelledby="fleet-targets-heading">
        <h2 id="fleet-targets-heading">Targets</h2>
        <DataTable
          data={data.targets}
          columns={targetColumns}
          label="Targets, worst headroom first"
          testId="fleet-targets"
          rowKey={(row) => row.key}
          rowProps={(row) => ({ 'data-testid': 'fleet-target-row', 'data-target': row.key })}
        />
      </section>
      <section className="section" aria-labelledby="fleet-quotas-heading">
        <h2 id="fleet-quotas-heading">Quotas at or above {formatNumber(data.threshold)}%</h2>
        <DataTable
          data={data.quotas}
          columns={quotaColumns}
          label={`Quotas at or above ${formatNumber(data.threshold)}% across the fleet`}
          testId="fleet-quotas"
          rowKey={(row) => `${row.target}/${quotaKey(row)}`}
          rowProps={(row) => ({
            'data-testid': 'fleet-quota-row',
            'data-target': row.target,
            'data-quota': quotaKey(row),
          })}
          pageSize={25}
          empty={`No quota is at or above ${formatNumber(data.threshold)}% with these filters.`}
        />
      </section>
    </>
  );
}
