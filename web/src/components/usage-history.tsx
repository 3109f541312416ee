/**
 * The panel for a selected quota: a range choice, its usage history from the API as a chart, and
 * the same in words (latest, peak, limit) for anyone not looking at the chart.
 */
import { useCallback } from 'react';
import { type HistoryResponse, getHistory } from '../api';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/use-api';
import { focusRow, usePanelFocus } from '../hooks/use-panel-focus';
import { Segmented } from './segmented';
import { LoadingOrError } from './status-views';
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
  const heading = usePanelFocus(quota);

  const close = () => {
    onClose();
    focusRow('quota-row', 'data-quota', quota);
  };

  return (
    <section className="panel history" aria-labelledby="history-heading">
      <div className="panel-header">
        <h2 id="history-heading" ref={heading} tabIndex={-1}>
          <span className="mono">{quota}</span> <span className="history-name">{quotaName}</span>
        </h2>
        <Segmented
          legend="Range"
          name="history-range"
          options={RANGES}
          value={chosen.value}
          onChange={onRange}
        />
        <button type="button" className="button button-quiet" onClick={close}>
          Close
        </button>
      </div>
      <LoadingOrError state={state} onRetry={reload} />
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
