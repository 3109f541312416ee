/**
 * Forecasting a quota's usage from its stored history, explainably: a robust linear trend plus a
 * seasonal profile (daily, or weekly once there are two weeks), fitted on hourly peaks, with a
 * prediction interval from the residuals' spread, the predicted utilization at a horizon, and the
 * time to exhaustion (the first hour the interval's upper bound reaches the limit). Pure: no
 * clock, no store.
 *
 * The fit (a few passes of "trend of what the season leaves, season of what the trend leaves"):
 *  - the trend is Theil–Sen (the median of pairwise slopes) over daily medians, so a spike or a
 *    step moves it little;
 *  - the season is the median residual per hour of the day (or of the week), centred on zero;
 *  - the spread is 1.4826 × the median absolute residual (a robust σ), widening with the horizon.
 * Too little history (under 12 hours of points, or fewer than 6) says so and falls back to the
 * current value: it never invents a trend.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Two-sided 90% interval under a normal spread. */
const Z90 = 1.645;

export interface UsagePoint {
  readonly at: Date;
  readonly value: number;
}

export type ForecastMethod = 'trend' | 'trend+daily' | 'trend+weekly';

export interface ForecastOptions {
  /** How far ahead, in ms. */
  readonly horizonMs: number;
  /** The limit, for utilization and exhaustion; null when unknown. */
  readonly limit: number | null;
  /** When the forecast is made (the history's end by default). */
  readonly now?: Date;
}

export interface ForecastPoint {
  readonly at: Date;
  readonly mean: number;
  readonly lower: number;
  readonly upper: number;
}

export type Forecast =
  | {
      readonly status: 'insufficient';
      /** Why there is no forecast, in words. */
      readonly reason: string;
      readonly points: number;
      /** The last value seen: what the engine falls back to. */
      readonly current: number | null;
    }
  | {
      readonly status: 'ok';
      readonly method: ForecastMethod;
      readonly points: number;
      readonly historyMs: number;
      readonly current: number;
      /** Growth of the trend per day, in the quota's unit. */
      readonly trendPerDay: number;
      /** The robust spread of what trend and season leave. */
      readonly sigma: number;
      /** At the horizon. */
      readonly atHorizon: ForecastPoint;
      /** Utilization (percent of the limit) of the mean and the upper bound at the horizon. */
      readonly utilization: { readonly mean: number; readonly upper: number } | null;
      /** The first hour the upper bound reaches the limit, within the horizon; null when it does not. */
      readonly exhaustion: Date | null;
      /** Hourly points from now to the horizon, for charts. */
      readonly path: readonly ForecastPoint[];
      /** One sentence. */
      readonly explanation: string;
    };

/** How much history forecasts are fitted on (the engine's and `headroom forecast`'s). */
export const FORECAST_HISTORY_MS = 28 * DAY;

/** Minimum history for any forecast. */
export const MIN_POINTS = 6;
export const MIN_HISTORY_MS = 12 * HOUR;

export function median(values: readonly number[]): number {
  const n = values.length;
  if (n === 0) return 0;
  // Quickselect on a copy: linear rather than a sort's n log n. The fits (engine simulate refits
  // thousands of times) spend most of their time here.
  const a = Float64Array.from(values);
  const mid = n >> 1;
  const upper = select(a, mid);
  if (n % 2 === 1) return upper;
  // The lower middle is the largest of what select left below mid.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if ((a[i] as number) > lower) lower = a[i] as number;
  return (lower + upper) / 2;
}

/** The k-th smallest of `a` (0-based), leaving everything below index k no larger than it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as the pivot, then Hoare's partition.
    const m = (lo + hi) >> 1;
    const x = a[lo] as number;
    const y = a[m] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** Hourly peaks (the busiest value seen in each hour), oldest first; empty hours are left out. */
export function hourlyPeaks(points: readonly UsagePoint[]): { hour: number; value: number }[] {
  const peaks = new Map<number, number>();
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    const hour = Math.floor(p.at.getTime() / HOUR);
    peaks.set(hour, Math.max(peaks.get(hour) ?? -Infinity, p.value));
  }
  return [...peaks].map(([hour, value]) => ({ hour, value })).sort((a, b) => a.hour - b.hour);
}

/** Theil–Sen slope and intercept of (x, y), by the median of pairwise slopes. */
function theilSen(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = (xs[j] as number) - (xs[i] as number);
      if (dx !== 0) slopes.push(((ys[j] as number) - (ys[i] as number)) / dx);
    }
  }
  const slope = slopes.length === 0 ? 0 : median(slopes);
  const intercept = median(ys.map((y, i) => y - slope * (xs[i] as number)));
  return { slope, intercept };
}

interface Fit {
  readonly method: ForecastMethod;
  readonly slope: number;
  readonly intercept: number;
  readonly period: number;
  readonly season: readonly number[];
  readonly sigma: number;
}

function slotOf(hour: number, period: number): number {
  return ((hour % period) + period) % period;
}

/** Days after a level shift that confirm it: fewer could be a weekend or a spike. */
const SHIFT_DAYS = 3;

/**
 * The history since the last level shift (a step the trend of the days before it does not
 * explain, held for at least SHIFT_DAYS days), or all of it when there was none or too little
 * has come since: a one-off jump then stops reading as growth.
 */
export function sinceLastShift(
  series: readonly { hour: number; value: number }[],
): readonly { hour: number; value: number }[] {
  const first = (series[0] as { hour: number }).hour;
  const byDay = new Map<number, number[]>();
  for (const p of series) {
    const day = Math.floor((p.hour - first) / 24);
    const list = byDay.get(day) ?? [];
    list.push(p.value);
    byDay.set(day, list);
  }
  const days = [...byDay]
    .map(([day, values]) => ({ day, value: median(values) }))
    .sort((a, b) => a.day - b.day);
  for (let k = days.length - SHIFT_DAYS; k >= 3; k--) {
    const before = days.slice(0, k);
    const { slope, intercept } = theilSen(
      before.map((d) => d.day),
      before.map((d) => d.value),
    );
    const residuals = before.map((d) => d.value - (intercept + slope * d.day));
    const level = Math.abs(median(before.map((d) => d.value)));
    const scale = Math.max(5 * 1.4826 * median(residuals.map((r) => Math.abs(r))), 0.1 * level);
    const after = days.slice(k).map((d) => d.value - (intercept + slope * d.day));
    const up = after.every((r) => r > scale);
    const down = after.every((r) => r < -scale);
    if (!up && !down) continue;
    const from = first + (days[k] as { day: number }).day * 24;
    return series.filter((p) => p.hour >= from);
  }
  return series;
}

function fit(all: readonly { hour: number; value: number }[]): Fit {
  const series = sinceLastShift(all);
  const first = (series[0] as { hour: number }).hour;
  const last = (series.at(-1) as { hour: number }).hour;
  const spanHours = last - first + 1;
  const period = spanHours >= 14 * 24 ? 168 : spanHours >= 2 * 24 ? 24 : 1;
  const method: ForecastMethod = period === 168 ? 'trend+weekly' : period === 24 ? 'trend+daily' : 'trend';
  let season = new Array<number>(period).fill(0);
  let slope = 0;
  let intercept = 0;
  for (let pass = 0; pass < 3; pass++) {
    // Trend of what the season leaves, on daily medians (or each point when under two days).
    const deseasoned = series.map((p) => ({
      hour: p.hour,
      value: p.value - (season[slotOf(p.hour, period)] ?? 0),
    }));
    const buckets = new Map<number, number[]>();
    const width = spanHours >= 48 ? 24 : 1;
    for (const p of deseasoned) {
      const key = Math.floor((p.hour - first) / width);
      const list = buckets.get(key) ?? [];
      list.push(p.value);
      buckets.set(key, list);
    }
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [key, values] of buckets) {
      xs.push(first + key * width + (width - 1) / 2);
      ys.push(median(values));
    }
    ({ slope, intercept } = theilSen(xs, ys));
    if (period === 1) break;
    // Season of what the trend leaves, centred on zero.
    const bySlot = Array.from({ length: period }, () => [] as number[]);
    for (const p of series) bySlot[slotOf(p.hour, period)]?.push(p.value - (intercept + slope * p.hour));
    const raw = bySlot.map((values) => (values.length === 0 ? 0 : median(values)));
    const centre = raw.reduce((a, b) => a + b, 0) / period;
    season = raw.map((v) => v - centre);
  }
  const residuals = series.map(
    (p) => p.value - (intercept + slope * p.hour + (season[slotOf(p.hour, period)] ?? 0)),
  );
  const mad = median(residuals.map((r) => Math.abs(r - median(residuals))));
  return { method, slope, intercept, period, season, sigma: 1.4826 * mad };
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * The forecast of a quota's usage `horizonMs` ahead from its history (any spacing; peaks per
 * hour are used), or why there is none.
 */
export function forecastUsage(history: readonly UsagePoint[], options: ForecastOptions): Forecast {
  const series = hourlyPeaks(history);
  const current = series.at(-1)?.value ?? null;
  const spanMs = series.length === 0 ? 0 : ((series.at(-1)?.hour ?? 0) - (series[0]?.hour ?? 0)) * HOUR;
  if (series.length < MIN_POINTS || spanMs < MIN_HISTORY_MS) {
    return {
      status: 'insufficient',
      reason: `${series.length} hourly points over ${round(spanMs / HOUR, 1)} h of history; a forecast needs at least ${MIN_POINTS} over ${MIN_HISTORY_MS / HOUR} h, so the current value stands in`,
      points: series.length,
      current,
    };
  }
  const model = fit(series);
  const lastHour = series.at(-1)?.hour ?? 0;
  const nowHour = Math.max(lastHour, Math.floor((options.now?.getTime() ?? lastHour * HOUR) / HOUR));
  const steps = Math.max(1, Math.round(options.horizonMs / HOUR));
  const n = series.length;
  const at = (hour: number): ForecastPoint => {
    const mean = Math.max(
      0,
      model.intercept + model.slope * hour + (model.season[slotOf(hour, model.period)] ?? 0),
    );
    // The spread widens with the distance from the data, as a trend's error does.
    const spread = Z90 * model.sigma * Math.sqrt(1 + (hour - lastHour) / n);
    return {
      at: new Date(hour * HOUR),
      mean: round(mean),
      lower: round(Math.max(0, mean - spread)),
      upper: round(mean + spread),
    };
  };
  const path: ForecastPoint[] = [];
  for (let h = 1; h <= steps; h++) path.push(at(nowHour + h));
  const atHorizon = path.at(-1) as ForecastPoint;
  const limit = options.limit;
  const exhaustion = limit === null || limit <= 0 ? null : (path.find((p) => p.upper >= limit)?.at ?? null);
  const trendPerDay = round(model.slope * 24, 4);
  const utilization =
    limit === null || limit <= 0
      ? null
      : { mean: round((atHorizon.mean / limit) * 100, 1), upper: round((atHorizon.upper / limit) * 100, 1) };
  const horizonDays = round(options.horizonMs / DAY, 1);
  const days = (count: number) => `${count} ${count === 1 ? 'day' : 'days'}`;
  const explanation =
    `${model.method} over ${days(round(spanMs / DAY, 1))} (${n} hourly peaks): trend ${trendPerDay >= 0 ? '+' : ''}${round(trendPerDay, 2)}/day, ` +
    `in ${days(horizonDays)} ${round(atHorizon.mean, 1)} (90% up to ${round(atHorizon.upper, 1)})` +
    (limit === null ? '' : `, limit ${limit}`) +
    (exhaustion === null
      ? ''
      : `; may reach the limit by ${exhaustion.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  return {
    status: 'ok',
    method: model.method,
    points: n,
    historyMs: spanMs,
    current: current ?? 0,
    trendPerDay,
    sigma: round(model.sigma, 4),
    atHorizon,
    utilization,
    exhaustion,
    path,
    explanation,
  };
}
