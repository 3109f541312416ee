/**
 * The panel for a selected quota: a range choice, its usage history from the API as a chart, and
 * the same in words (latest, peak, limit) for anyone not looking at the chart.
 */
import { useCallback, useEffect, useRef } from 'react';
import { type HistoryResponse, getHistory } from '../api';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/use-api';
import { ErrorView, Loading } from './status-views';
import { UsageChart } from './usage-chart';

const HOUR = 3600;

const RANGES = [
  { value: '24h', label: '24h', words: 'the last 24 hours', seconds: 24 * HOUR },
  { value: '7d', label: '7d', words: 'the last 7 days', seconds: 7 * 24 * HOUR },
  { value: '30d', label: '30d', words: 'the last 30 days', seconds: 30 * 24 * HOUR },
] as const;

export interface UsageHistoryProps {
  readonly target: string;
  /** SERVICE/CODE */
  readonly quota: string;
  readonly quotaName: string;
  readonly range: string;
  readonly onRange: (range: string) => void;
  readonly onClose: () => void;
}

function summarise(history: HistoryResponse, words: string): string {
  const latest = history.points.at(-1);
  if (latest === undefined) return `No usage history stored for ${words}.`;
  const peak = Math.max(...history.points.map((point) => point.value));
  const parts = [
    `Latest ${formatNumber(latest.value)} (${formatDateTime(latest.at)})`,
    `peak ${formatNumber(peak)}`,
    history.limit === null
      ? 'limit unknown'
      : `limit ${formatNumber(history.limit)} (peak at ${formatPercent(history.limit > 0 ? peak / history.limit : null)})`,
    `${formatNumber(history.points.length)} ${history.points.length === 1 ? 'sample' : 'samples'} over ${words}`,
  ];
  return `${parts.join(', ')}.`;
}

export function UsageHistory({ target, quota, quotaName, range, onRange, onClose }: UsageHistoryProps) {
  const [service = '', code = ''] = quota.split('/');
  const since = RANGES.some((r) => r.value === range) ? range : '7d';
  const chosen = RANGES.find((r) => r.value === since) ?? RANGES[1];
  const load = useCallback(
    (signal: AbortSignal) => getHistory(target, service, code, since, signal),
    [target, service, code, since],
  );
  const { state, reload } = useApi(load, { keepPrevious: true });
  const heading = useRef<HTMLHeadingElement>(null);

  // Bring the panel into view and focus when a quota is chosen: it opens above the table.
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus({ preventScroll: true });
  }, [quota]);

  const close = () => {
    onClose();
    // Back to the row the panel was opened from, if it is on the page shown.
    const row = document.querySelector<HTMLElement>(
      `[data-testid="quota-row"][data-quota="${CSS.escape(quota)}"]`,
    );
    row?.focus();
  };

  return (
    <section className="panel history" aria-labelledby="history-heading">
      <div className="panel-header">
        <h2 id="history-heading" ref={heading} tabIndex={-1}>
          <span className="mono">{quota}</span> <span className="history-name">{quotaName}</span>
        </h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">Range</legend>
          {RANGES.map((r) => (
            <label key={r.value} className={r.value === since ? 'segment segment-on' : 'segment'}>
              <input
                type="radio"
                name="history-range"
                value={r.value}
                checked={r.value === since}
                onChange={() => {
                  onRange(r.value);
                }}
              />
              {r.label}
            </label>
          ))}
        </fieldset>
        <button type="button" className="button button-quiet" onClick={close}>
          Close
        </button>
      </div>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorView error={state.error} onRetry={reload} /> : null}
      {state.status === 'ready' ? (
        state.data.points.length === 0 ? (
          <p className="state state-empty">No usage history stored for {chosen.words}.</p>
        ) : (
          <>
            <UsageChart
              history={state.data}
              seconds={chosen.seconds}
              label={`Usage of ${quota} over ${chosen.words}. ${summarise(state.data, chosen.words)}`}
            />
            <p className="history-summary">{summarise(state.data, chosen.words)}</p>
          </>
        )
      ) : null}
    </section>
  );
}
