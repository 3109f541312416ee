/**
 * A comparison's results: a card per summary figure, the services only one side has, the API's
 * warnings, and the rows (differences highlighted) with the destination-lower ones selectable
 * for a plan. The plan is reviewed (a dry run) before anything is filed.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useMemo, useState } from 'react';
import type { CompareResponse, CompareRowJson } from '../api';
import { formatNumber, quotaKey, targetLabel } from '../format';
import { usePlanFlow } from '../hooks/use-plan-flow';
import { Checkbox } from './checkbox';
import { adjustableColumn, quotaNameColumn, serviceColumn } from './columns';
import { DataTable } from './data-table';
import { PlanReview } from './plan-review';
import { SearchField } from './search-field';
import { Segmented } from './segmented';
import { SummaryCards } from './compare-summary';

const ROW_FILTERS = [
  { value: 'differences', label: 'Differences only' },
  { value: 'all', label: 'All' },
] as const;

type RowFilter = (typeof ROW_FILTERS)[number]['value'];

/** How a row reads, and the class that colours it. */
function describe(row: CompareRowJson): { text: string; tone: string } {
  switch (row.status) {
    case 'equal':
      return { text: 'equal', tone: 'cmp-equal' };
    case 'only-source':
      return { text: 'only in source', tone: 'cmp-only' };
    case 'only-destination':
      return { text: 'only in destination', tone: 'cmp-only' };
    case 'different':
      if (!row.destinationLower) return { text: 'destination higher', tone: 'cmp-higher' };
      // Red where the API can raise it; amber where only a Support case can.
      return row.adjustable
        ? { text: 'destination lower', tone: 'cmp-lower' }
        : { text: 'destination lower (not adjustable)', tone: 'cmp-lower-fixed' };
  }
}

function SideValue({ side }: { side: CompareRowJson['source'] }) {
  if (side === null) return <span className="muted">absent</span>;
  return (
    <span className="limit-cell">
      {side.value === null ? (
        <span title="no value (unlimited or unknown)">—</span>
      ) : (
        formatNumber(side.value)
      )}
      <span className={`tag tag-${side.source}`}>{side.source}</span>
    </span>
  );
}

/** One side's value for a quota and where it came from; absent sorts last. */
function sideColumn(side: 'source' | 'destination', header: string): ColumnDef<CompareRowJson> {
  return {
    id: side,
    header,
    accessorFn: (row) => row[side]?.value ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <SideValue side={row.original[side]} />,
    meta: { numeric: true },
  };
}

export interface CompareResultsProps {
  readonly data: CompareResponse;
  readonly source: string;
  readonly destination: string;
  readonly refreshing: boolean;
  readonly onRefresh: () => void;
}

export function CompareResults({ data, source, destination, refreshing, onRefresh }: CompareResultsProps) {
  const [filter, setFilter] = useState<RowFilter>('differences');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [reason, setReason] = useState('');
  const [supportCases, setSupportCases] = useState(false);
  const plan = usePlanFlow();

  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return data.rows.filter(
      (row) =>
        (filter === 'all' || row.status !== 'equal') &&
        (needle === '' ||
          row.quotaName.toLowerCase().includes(needle) ||
          row.quotaCode.toLowerCase().includes(needle) ||
          row.serviceCode.toLowerCase().includes(needle)),
    );
  }, [data.rows, filter, search]);
  // What the header checkbox selects: the destination-lower rows the API can raise, as filtered.
  const eligible = useMemo(
    () => rows.filter((row) => row.destinationLower && row.adjustable).map(quotaKey),
    [rows],
  );
  const allSelected = eligible.length > 0 && eligible.every((key) => selected.has(key));
  const someSelected = !allSelected && eligible.some((key) => selected.has(key));

  // The header checkbox and each row's select through this: on adds the keys, off removes them.
  const choose = useCallback((keys: readonly string[], on: boolean) => {
    setSelected((previous) => {
      const next = new Set(previous);
      for (const key of keys) {
        if (on) next.add(key);
        else next.delete(key);
      }
      return next;
    });
  }, []);

  const columns = useMemo<ColumnDef<CompareRowJson>[]>(
    () => [
      {
        id: 'select',
        enableSorting: false,
        header: () => (
          <input
            type="checkbox"
            aria-label="Select all destination-lower adjustable quotas"
            checked={allSelected}
            disabled={eligible.length === 0}
            ref={(element) => {
              if (element !== null) element.indeterminate = someSelected;
            }}
            onChange={(event) => {
              choose(eligible, event.target.checked);
            }}
          />
        ),
        cell: ({ row }) => {
          if (!row.original.destinationLower) return null;
          const key = quotaKey(row.original);
          return (
            <input
              type="checkbox"
              aria-label={`Select ${key}`}
              checked={selected.has(key)}
              onChange={(event) => {
                choose([key], event.target.checked);
              }}
            />
          );
        },
        meta: { className: 'col-check' },
      },
      serviceColumn(),
      {
        id: 'code',
        header: 'Code',
        accessorFn: (row) => row.quotaCode,
        cell: ({ row }) => <span className="mono">{row.original.quotaCode}</span>,
      },
      quotaNameColumn(),
      sideColumn('source', 'Source'),
      sideColumn('destination', 'Destination'),
      {
        id: 'status',
        header: 'Difference',
        accessorFn: (row) => describe(row).text,
        cell: ({ row }) => {
          const { text, tone } = describe(row.original);
          return <span className={`cmp-status ${tone}`}>{text}</span>;
        },
      },
      adjustableColumn(),
    ],
    [selected, eligible, allSelected, someSelected, choose],
  );

  return (
    <>
      <section className="section" aria-labelledby="compare-summary-heading">
        <div className="section-header">
          <h2 id="compare-summary-heading">
            <span className="mono">
              {targetLabel({ ...data.source.target, accountName: data.source.accountName })}
            </span>{' '}
            →{' '}
            <span className="mono">
              {targetLabel({ ...data.destination.target, accountName: data.destination.accountName })}
            </span>
          </h2>
          <button type="button" className="button button-quiet" onClick={onRefresh} disabled={refreshing}>
            {refreshing ? 'Reading…' : 'Read again from AWS'}
          </button>
        </div>
        <SummaryCards data={data} />
        {data.warnings.length > 0 ? (
          <div className="notice notice-warning" role="note">
            <h3>Warnings</h3>
            <ul>
              {data.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      {plan.flow.step !== 'idle' ? (
        <PlanReview
          flow={plan.flow}
          onSubmit={plan.apply}
          onClose={() => {
            // What was filed is no longer selectable work: start the next selection empty.
            if (plan.flow.step === 'applied') setSelected(new Set());
            plan.close();
          }}
        />
      ) : (
        <section className="section" aria-labelledby="compare-rows-heading">
          <h2 id="compare-rows-heading" className="visually-hidden">
            Quotas compared
          </h2>
          <div className="filters">
            <Segmented
              legend="Rows"
              name="compare-filter"
              options={ROW_FILTERS}
              value={filter}
              onChange={setFilter}
            />
            <SearchField
              label="Search quotas"
              placeholder="Name, code or service"
              value={search}
              onChange={setSearch}
            />
            <button
              type="button"
              className="button button-primary"
              disabled={selected.size === 0}
              onClick={() => {
                plan.preview({ source, destination, quotas: [...selected], reason, supportCases });
              }}
            >
              Request selected ({formatNumber(selected.size)})
            </button>
          </div>
          {selected.size > 0 ? (
            <div className="filters selection-options">
              <label className="field field-grow">
                <span>Reason (optional)</span>
                <input
                  type="text"
                  maxLength={500}
                  placeholder="Recorded on every request, e.g. parity with production for the DR region"
                  value={reason}
                  onChange={(event) => {
                    setReason(event.target.value);
                  }}
                />
              </label>
              <Checkbox
                label="Open a Support case where the API cannot raise a quota"
                checked={supportCases}
                onChange={setSupportCases}
              />
            </div>
          ) : null}
          <DataTable
            data={rows}
            columns={columns}
            label="Quotas compared"
            testId="compare-table"
            rowKey={quotaKey}
            rowProps={(row) => ({
              'data-testid': 'compare-row',
              'data-quota': quotaKey(row),
              'data-status': row.status,
              className: `cmp-row ${describe(row).tone}`,
            })}
            pageSize={100}
            empty={
              filter === 'differences' ? 'No differences: the destination matches the source.' : 'No quotas.'
            }
          />
        </section>
      )}
    </>
  );
}
