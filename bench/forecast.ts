/**
 * `npm run bench:forecast`: the forecast backtested against a naive last-value forecast, side by
 * side on the same series and origins. Series: shapes with known behaviour (linear growth,
 * seasonal, step change, flat, spiky) and the sandbox's own usage series (its seeded profiles,
 * hourly peaks as CloudWatch rolls them up), 42 days each.
 *
 * - Error: from each daily origin between day 14 and day 35, fit on the history so far and
 *   forecast 7 days; the mean absolute percentage error of the hourly forecasts against what
 *   happened (MAPE), for the forecast and for the last value carried forward.
 * - Warning ahead: for the growth shapes, a limit the series reaches on a known day; from each
 *   daily origin before it, whether the forecast's time to exhaustion (14-day horizon) flagged
 *   it. The lead is how many days before the real crossing the first flag came; a last value
 *   never flags before the crossing. Written to bench/results/forecast.json.
 */
import { writeFileSync } from 'node:fs';
import { forecastUsage, type UsagePoint } from '../src/forecast/forecast.js';
import { makeProfile, rawPoints, type Band } from '../src/sandbox/world/usage.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAYS = 42;
const START = Date.UTC(2026, 9, 5); // a Monday
const HORIZON = 7 * DAY;

interface Series {
  readonly name: string;
  readonly shape: string;
  readonly values: readonly number[]; // hourly
  /** For growth shapes: the limit, reached at `crossingHour`. */
  readonly limit?: number;
}

/** A deterministic noise in [-1, 1). */
function noise(seed: number, h: number): number {
  const x = Math.sin(seed * 12.9898 + h * 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

function shapes(): Series[] {
  const hours = DAYS * 24;
  const make = (name: string, shape: string, f: (h: number) => number, limit?: number): Series => ({
    name,
    shape,
    values: Array.from({ length: hours }, (_, h) => Math.max(0, f(h))),
    ...(limit === undefined ? {} : { limit }),
  });
  const daily = (h: number) => Math.sin((2 * Math.PI * (h % 24)) / 24);
  const weekend = (h: number) => (Math.floor(h / 24) % 7 >= 5 ? 1 : 0);
  return [
    make('linear-slow', 'growth', (h) => 200 + 0.4 * h + 5 * noise(1, h), 200 + 0.4 * 38 * 24),
    make('linear-fast', 'growth', (h) => 100 + 1.2 * h + 15 * noise(2, h), 100 + 1.2 * 30 * 24),
    make(
      'growth-daily',
      'growth',
      (h) => 300 + 0.6 * h + 60 * daily(h) + 8 * noise(3, h),
      300 + 0.6 * 34 * 24 + 60,
    ),
    make('seasonal-daily', 'seasonal', (h) => 500 + 150 * daily(h) + 10 * noise(4, h)),
    make('seasonal-weekly', 'seasonal', (h) => 800 - 300 * weekend(h) + 80 * daily(h) + 10 * noise(5, h)),
    make('step', 'step', (h) => (h < 20 * 24 ? 300 : 450) + 10 * noise(6, h)),
    make('flat', 'flat', (h) => 250 + 5 * noise(7, h)),
    make('spiky', 'spiky', (h) => 250 + 5 * noise(8, h) + (noise(9, h) > 0.93 ? 400 : 0)),
  ];
}

/** The sandbox's usage series for a few seeded profiles, as hourly peaks. */
function sandboxSeries(): Series[] {
  const bands: Band[] = ['low', 'medium', 'medium', 'high', 'high', 'hot'];
  const end = START + DAYS * DAY;
  // Seen from 100 days later, CloudWatch keeps these days as hourly rollups.
  const now = end + 100 * DAY;
  return bands.flatMap((band, i) =>
    [0, 1].map((k) => {
      const profile = makeProfile({
        key: `bench/${band}/${i}/${k}`,
        kind: 'count',
        limit: 1000,
        band,
        periodSeconds: 60,
        anchor: START,
      });
      const values = rawPoints(profile, START, end, now).map((p) => p.max);
      return { name: `sandbox-${band}-${i}-${k}`, shape: 'sandbox', values };
    }),
  );
}

function historyOf(values: readonly number[], toHour: number): UsagePoint[] {
  return values.slice(0, toHour).map((value, h) => ({ at: new Date(START + h * HOUR), value }));
}

function mape(forecast: readonly number[], actual: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    if (a <= 0) continue;
    sum += Math.abs((forecast[i] as number) - a) / a;
    n++;
  }
  return n === 0 ? 0 : (100 * sum) / n;
}

function errors(series: Series): { model: number; naive: number } {
  const model: number[] = [];
  const naive: number[] = [];
  for (let day = 14; day <= DAYS - 7; day++) {
    const origin = day * 24;
    const actual = series.values.slice(origin, origin + HORIZON / HOUR);
    const f = forecastUsage(historyOf(series.values, origin), { horizonMs: HORIZON, limit: null });
    const last = series.values[origin - 1] as number;
    const predicted = f.status === 'ok' ? f.path.map((p) => p.mean) : actual.map(() => last);
    model.push(mape(predicted, actual));
    naive.push(
      mape(
        actual.map(() => last),
        actual,
      ),
    );
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { model: Math.round(mean(model) * 10) / 10, naive: Math.round(mean(naive) * 10) / 10 };
}

/** Days before the real crossing that the forecast first flagged it; 0 when it never did in time. */
function leadDays(series: Series): { crossingDay: number; leadDays: number; falseAlarmDays: number } {
  const limit = series.limit as number;
  const crossingHour = series.values.findIndex((v) => v >= limit);
  let lead = 0;
  let falseAlarms = 0;
  for (let day = 3; day * 24 < crossingHour; day++) {
    const origin = day * 24;
    const f = forecastUsage(historyOf(series.values, origin), { horizonMs: 14 * DAY, limit });
    const flagged = f.status === 'ok' && f.exhaustion !== null;
    if (!flagged) continue;
    // A flag more than 14 days before the crossing is early (a false alarm for now).
    if (crossingHour - origin > 14 * 24) falseAlarms++;
    else lead = Math.max(lead, (crossingHour - origin) / 24);
  }
  return {
    crossingDay: Math.round((crossingHour / 24) * 10) / 10,
    leadDays: Math.round(lead * 10) / 10,
    falseAlarmDays: falseAlarms,
  };
}

export function benchForecast(): Record<string, unknown> {
  const all = [...shapes(), ...sandboxSeries()];
  const started = performance.now();
  const rows = all.map((s) => ({ name: s.name, shape: s.shape, mape: errors(s) }));
  const byShape = new Map<string, { model: number[]; naive: number[] }>();
  for (const r of rows) {
    const entry = byShape.get(r.shape) ?? { model: [], naive: [] };
    entry.model.push(r.mape.model);
    entry.naive.push(r.mape.naive);
    byShape.set(r.shape, entry);
  }
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;
  const summary = Object.fromEntries(
    [...byShape].map(([shape, e]) => [shape, { forecastMape: mean(e.model), naiveMape: mean(e.naive) }]),
  );
  const warnings = all.filter((s) => s.limit !== undefined).map((s) => ({ name: s.name, ...leadDays(s) }));
  return {
    horizonDays: HORIZON / DAY,
    origins: `daily from day 14 to day ${DAYS - 7}`,
    mapeByShape: summary,
    series: rows,
    exhaustionWarnings: {
      horizonDays: 14,
      series: warnings,
      warnedAtLeast3DaysAhead: `${warnings.filter((w) => w.leadDays >= 3).length} of ${warnings.length}`,
      naive: 'a last value never reaches the limit before the series does: 0 days ahead',
    },
    ms: Math.round(performance.now() - started),
  };
}

const result = { measuredAt: new Date().toISOString(), node: process.version, ...benchForecast() };
writeFileSync(new URL('./results/forecast.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
console.log('written to bench/results/forecast.json');
