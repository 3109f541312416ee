/**
 * The panel for a selected quota: a range choice, its usage history from the API as a chart with
 * the forecast after it, and the same in words (latest, peak, limit; where the forecast heads and
 * whether it reaches the limit) for anyone not looking at the chart. The forecast looks as far
 * ahead as the range looks back, up to two weeks: a day after 24 hours, a week after 7 days, two
 * weeks after 30 days.
 */
import { useCallback } from 'react';
import { type HistoryResponse, getHistory } from '../api';
import { forecastExplanation, summariseForecast } from '../forecast-summary';
import { formatDateTime, formatNumber, formatPercent } from '../format';
import { useApi } from '../hooks/use-api';
import { focusRow, usePanelFocus } from '../hooks/use-panel-focus';
import { Segmented } from './segmented';
import { LoadingOrError } from './status-views';
import { UsageChart } from './usage-chart';

const HOUR = 3600;

const RANGES = [
  {
    value: '24h',
    label: '24h',
    words: 'the last 24 hours',
    seconds: 24 * HOUR,
    forecast: '1d',
    ahead: '1 day',
  },
  {
    value: '7d',
    label: '7d',
    words: 'the last 7 days',
    seconds: 7 * 24 * HOUR,
    forecast: '7d',
    ahead: '7 days',
  },
  {
    value: '30d',
    label: '30d',
    words: 'the last 30 days',
    seconds: 30 * 24 * HOUR,
    forecast: '14d',
    ahead: '14 days',
  },
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

interface HistoryViewProps {
  readonly history: HistoryResponse;
  readonly range: (typeof RANGES)[number];
  /** SERVICE/CODE */
  readonly quota: string;
}

/** The chart and its words, for the history (and forecast) the API answered with. */
function HistoryView({ history, range, quota }: HistoryViewProps) {
  const forecast = summariseForecast(history.forecast, range.ahead, history.limit);
  const explanation = forecastExplanation(history.forecast);
  // With no sample in the range there is no line to draw, unless a forecast (fitted on the weeks
  // before) has one to draw after it.
  const drawn = history.points.length > 0 || history.forecast?.status === 'ok';
  const past = summarise(history, range.words);
  return (
    <>
      {drawn ? (
        <UsageChart
          history={history}
          seconds={range.seconds}
          label={`Usage of ${quota} over ${range.words}. ${past} ${forecast}`.trim()}
        />
      ) : null}
      <p className={history.points.length === 0 ? 'state state-empty' : 'history-summary'}>{past}</p>
      {forecast === '' ? null : (
        <p className="history-summary" data-testid="forecast-summary" data-status={history.forecast?.status}>
          {forecast}
        </p>
      )}
      {explanation === '' ? null : <p className="history-explanation">{explanation}</p>}
    </>
  );
}

export function UsageHistory({ target, quota, quotaName, range, onRange, onClose }: UsageHistoryProps) {
  const [service = '', code = ''] = quota.split('/');
  const chosen = RANGES.find((r) => r.value === range) ?? RANGES[1];
  // The answer keeps the range it was asked for: while another range loads, the one shown is still
  // described by its own words and horizon.
  const load = useCallback(
    async (signal: AbortSignal) => ({
      history: await getHistory(
        target,
        service,
        code,
        { since: chosen.value, forecast: chosen.forecast },
        signal,
      ),
      range: chosen,
    }),
    [target, service, code, chosen],
  );
  const { state, refreshing, reload } = useApi(load, { keepPrevious: true });
  const heading = usePanelFocus(quota);

  const close = () => {
    onClose();
    focusRow('quota-row', 'data-quota', quota);
  };

  return (
    <section className="panel history" aria-labelledby="history-heading" aria-busy={refreshing}>
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
        <HistoryView history={state.data.history} range={state.data.range} quota={quota} />
      ) : null}
    </section>
  );
}
