/** A comparison's summary: one card per figure, and the services only one side has. */
import type { CompareResponse } from '../api';
import { formatNumber } from '../format';

type Summary = CompareResponse['summary'];
type CountField = {
  [K in keyof Summary]: Summary[K] extends number ? K : never;
}[keyof Summary];

const CARDS: readonly {
  field: Exclude<CountField, 'destinationLowerAdjustable'>;
  label: string;
  tone?: string;
}[] = [
  { field: 'total', label: 'Total' },
  { field: 'equal', label: 'Equal' },
  { field: 'different', label: 'Different' },
  { field: 'destinationLower', label: 'Destination lower', tone: 'critical' },
  { field: 'destinationHigher', label: 'Destination higher', tone: 'ok' },
  { field: 'onlyInSource', label: 'Only in source', tone: 'only' },
  { field: 'onlyInDestination', label: 'Only in destination', tone: 'only' },
  { field: 'suppressedAtDefault', label: 'Suppressed at default' },
];

export function SummaryCards({ data }: { data: CompareResponse }) {
  const { summary } = data;
  return (
    <>
      <ul className="cards" aria-label="Summary">
        {CARDS.map(({ field, label, tone }) => (
          <li
            key={field}
            className={tone !== undefined && summary[field] > 0 ? `card card-${tone}` : 'card'}
            data-testid={`summary-${field}`}
            data-value={String(summary[field])}
          >
            <span className="card-value">{formatNumber(summary[field])}</span>
            <span className="card-label">{label}</span>
            {field === 'destinationLower' ? (
              <span
                className="card-detail"
                data-testid="summary-destinationLowerAdjustable"
                data-value={String(summary.destinationLowerAdjustable)}
              >
                {formatNumber(summary.destinationLowerAdjustable)} adjustable
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      {summary.servicesOnlyInSource.length > 0 || summary.servicesOnlyInDestination.length > 0 ? (
        <dl className="facts services-only">
          {summary.servicesOnlyInSource.length > 0 ? (
            <div>
              <dt>Services only in source</dt>
              <dd>{summary.servicesOnlyInSource.join(', ')}</dd>
            </div>
          ) : null}
          {summary.servicesOnlyInDestination.length > 0 ? (
            <div>
              <dt>Services only in destination</dt>
              <dd>{summary.servicesOnlyInDestination.join(', ')}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
    </>
  );
}
