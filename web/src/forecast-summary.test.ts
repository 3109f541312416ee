import { describe, expect, it } from 'vitest';
import type { ForecastJson } from './api';
import { forecastExplanation, summariseForecast } from './forecast-summary';

const point = { at: '2026-12-10T08:00:00.000Z', mean: 1234, lower: 1058, upper: 1410 };

function ok(overrides: Partial<Extract<ForecastJson, { status: 'ok' }>> = {}): ForecastJson {
  return {
    status: 'ok',
    method: 'trend+daily',
    points: 504,
    current: 1100,
    trendPerDay: 19.1,
    horizon: point.at,
    atHorizon: point,
    utilization: { mean: 61.7, upper: 70.5 },
    exhaustion: null,
    path: [point],
    explanation:
      'trend+daily over 21 days (504 hourly peaks): trend +19.1/day, in 7 days 1234 (90% up to 1410), limit 2000',
    ...overrides,
  };
}

describe('the forecast in words', () => {
  it('says where usage is heading, how high it may go, and that the limit holds', () => {
    expect(summariseForecast(ok(), '7 days', 2000)).toBe(
      'Forecast (trend+daily, 7 days): 1,234 of 2,000 (61.7%), 90% up to 1,410; not exhausted within 7 days.',
    );
  });

  it('says when the limit may be reached, in UTC', () => {
    expect(summariseForecast(ok({ exhaustion: '2026-12-09T14:00:00.000Z' }), '7 days', 2000)).toBe(
      'Forecast (trend+daily, 7 days): 1,234 of 2,000 (61.7%), 90% up to 1,410; may be exhausted by 2026-12-09 14:00 UTC.',
    );
  });

  it('gives no exhaustion date when the limit is unknown', () => {
    expect(summariseForecast(ok({ utilization: null }), '1 day', null)).toBe(
      'Forecast (trend+daily, 1 day): 1,234 (limit unknown), 90% up to 1,410; no exhaustion date without a limit.',
    );
  });

  it("gives the API's reason when there is too little history", () => {
    const insufficient: ForecastJson = {
      status: 'insufficient',
      reason: '3 hourly points over 2 h of history; a forecast needs at least 6 over 12 h',
      points: 3,
      current: 10,
    };
    expect(summariseForecast(insufficient, '7 days', 50)).toBe(
      'Too little history to forecast: 3 hourly points over 2 h of history; a forecast needs at least 6 over 12 h.',
    );
    expect(forecastExplanation(insufficient)).toBe('');
  });

  it('says nothing when no forecast was asked for', () => {
    expect(summariseForecast(null, '7 days', 50)).toBe('');
    expect(forecastExplanation(null)).toBe('');
  });

  it("ends the forecast's explanation as a sentence", () => {
    expect(forecastExplanation(ok())).toBe(
      'trend+daily over 21 days (504 hourly peaks): trend +19.1/day, in 7 days 1234 (90% up to 1410), limit 2000.',
    );
  });
});
