/**
 * A comparison's results: a card per summary figure, the services only one side has, the API's
 * warnings, and the rows (differences highlighted) with the destination-lower ones selectable
 * for a plan. The plan is reviewed (a dry run) before anything is filed.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import type { CompareResponse, CompareRowJson } from '../api';
import { formatNumber, targetLabel } from '../format';
import { usePlanFlow } from '../hooks/use-plan-flow';
import { Checkbox } from './checkbox';
import { DataTable } from './data-table';
import { PlanReview } from './plan-review';
import { SummaryCards } from './compare-summary';
import { Truncated } from './truncated';

type RowFilter = 'differences' | 'all';

function quotaKey(row: { serviceCode: string; quotaCode: string }): string {
  return `${row.serviceCode}/${row.quotaCode}`;
}

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
              const on = event.target.checked;
              setSelected((previous) => {
                const next = new Set(previous);
                for (const key of eligible) {
                  if (on) next.add(key);
                  else next.delete(key);
                }
                return next;
              });
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
                const on = event.target.checked;
                setSelected((previous) => {
                  const next = new Set(previous);
                  if (on) next.add(key);
                  else next.delete(key);
                  return next;
                });
              }}
            />
          );
        },
        meta: { className: 'col-check' },
      },
      {
        id: 'service',
        header: 'Service',
        accessorFn: (row) => row.serviceCode,
        cell: ({ row }) => <span title={row.original.serviceName}>{row.original.serviceCode}</span>,
      },
      {
        id: 'code',
        header: 'Code',
        accessorFn: (row) => row.quotaCode,
        cell: ({ row }) => <span className="mono">{row.original.quotaCode}</span>,
      },
      {
        id: 'name',
        header: 'Name',
        accessorFn: (row) => row.quotaName,
        cell: ({ row }) => <Truncated text={row.original.quotaName} />,
        meta: { className: 'col-name' },
      },
      {
        id: 'source',
        header: 'Source',
        accessorFn: (row) => row.source?.value ?? undefined,
        sortUndefined: 'last',
        cell: ({ row }) => <SideValue side={row.original.source} />,
        meta: { numeric: true },
      },
      {
        id: 'destination',
        header: 'Destination',
        accessorFn: (row) => row.destination?.value ?? undefined,
        sortUndefined: 'last',
        cell: ({ row }) => <SideValue side={row.original.destination} />,
        meta: { numeric: true },
      },
      {
        id: 'status',
        header: 'Difference',
        accessorFn: (row) => describe(row).text,
        cell: ({ row }) => {
          const { text, tone } = describe(row.original);
          return <span className={`cmp-status ${tone}`}>{text}</span>;
        },
      },
      {
        id: 'adjustable',
        header: 'Adjustable',
        accessorFn: (row) => (row.adjustable ? 1 : 0),
        cell: ({ row }) => (row.original.adjustable ? 'yes' : <span className="muted">no</span>),
      },
    ],
    [selected, eligible, allSelected, someSelected],
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
            <fieldset className="segmented">
              <legend className="visually-hidden">Rows</legend>
              {(
                [
                  ['differences', 'Differences only'],
                  ['all', 'All'],
                ] as const
              ).map(([value, label]) => (
                <label key={value} className={filter === value ? 'segment segment-on' : 'segment'}>
                  <input
                    type="radio"
                    name="compare-filter"
                    value={value}
                    checked={filter === value}
                    onChange={() => {
                      setFilter(value);
                    }}
                  />
                  {label}
                </label>
              ))}
            </fieldset>
            <label className="field field-grow">
              <span>Search quotas</span>
              <input
                type="search"
                placeholder="Name, code or service"
                value={search}
                onChange={(event) => {
                  setSearch(event.target.value);
                }}
              />
            </label>
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
