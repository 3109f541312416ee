/**
 * A quota's forecast in words, for the sentence under its usage chart (and the chart's label):
 * where usage is heading at the horizon, how high the 90% interval reaches, and whether and when
 * that may exhaust the limit; or, with too little history, the API's reason why there is none.
 */
import type { ForecastJson } from './api';
import { formatNumber, formatPercent, formatUtc } from './format';

/**
 * One sentence; `horizon` is how far ahead in words ("7 days"), `limit` the quota's limit (null
 * when unknown). No forecast asked for gives an empty string.
 */
export function summariseForecast(
  forecast: ForecastJson | null,
  horizon: string,
  limit: number | null,
): string {
  if (forecast === null) return '';
  if (forecast.status === 'insufficient') return `Too little history to forecast: ${forecast.reason}.`;
  const { atHorizon, utilization, exhaustion } = forecast;
  const level =
    limit === null || utilization === null
      ? `${formatNumber(atHorizon.mean)} (limit unknown)`
      : `${formatNumber(atHorizon.mean)} of ${formatNumber(limit)} (${formatPercent(utilization.mean / 100)})`;
  // The exhaustion time is when the interval's upper bound reaches the limit: a "may", not a "will".
  const outcome =
    limit === null
      ? 'no exhaustion date without a limit'
      : exhaustion === null
        ? `not exhausted within ${horizon}`
        : `may be exhausted by ${formatUtc(exhaustion)}`;
  return `Forecast (${forecast.method}, ${horizon}): ${level}, 90% up to ${formatNumber(atHorizon.upper)}; ${outcome}.`;
}

/** The forecast's own account of how it was made, as a sentence; empty without one. */
export function forecastExplanation(forecast: ForecastJson | null): string {
  if (forecast?.status !== 'ok') return '';
  const text = forecast.explanation.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
