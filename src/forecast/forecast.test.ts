/**
 * Forecasts on synthetic series whose answer is known: a straight line, a line with a daily and
 * a weekly cycle, a flat series with spikes, a step; too little history; the time to exhaustion.
 */
import { describe, expect, it } from 'vitest';
import { forecastUsage, hourlyPeaks, median, type UsagePoint } from './forecast.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 2); // a Monday

function series(hours: number, value: (h: number) => number, everyMinutes = 60): UsagePoint[] {
  const points: UsagePoint[] = [];
  for (let m = 0; m < hours * 60; m += everyMinutes) {
    points.push({ at: new Date(START + m * 60_000), value: value(m / 60) });
  }
  return points;
}

describe('forecastUsage', () => {
  it('says so when there is too little history, and keeps the current value', () => {
    const f = forecastUsage(
      series(5, (h) => 10 + h),
      { horizonMs: DAY, limit: 100 },
    );
    expect(f).toMatchObject({ status: 'insufficient', points: 5, current: 14 });
    if (f.status === 'insufficient') expect(f.reason).toMatch(/needs at least 6 over 12 h/);
    expect(forecastUsage([], { horizonMs: DAY, limit: 100 })).toMatchObject({
      status: 'insufficient',
      current: null,
    });
  });

  it('extends a straight line exactly', () => {
    const f = forecastUsage(
      series(72, (h) => 100 + 2 * h),
      { horizonMs: 10 * DAY, limit: 1000 },
    );
    if (f.status !== 'ok') throw new Error(f.reason);
    expect(f.method).toBe('trend+daily');
    expect(f.trendPerDay).toBeCloseTo(48, 1);
    // At the horizon: hour 71 + 240 → 100 + 2 × 311 = 722.
    expect(f.atHorizon.mean).toBeCloseTo(722, 0);
    expect(f.atHorizon.upper - f.atHorizon.lower).toBeLessThan(1);
    // 1000 is reached at hour 450: 379 hours after the last point.
    expect(f.exhaustion).toBeNull();
    const longer = forecastUsage(
      series(72, (h) => 100 + 2 * h),
      { horizonMs: 20 * DAY, limit: 1000 },
    );
    if (longer.status !== 'ok') throw new Error('no forecast');
    expect(longer.exhaustion?.getTime()).toBe(START + 450 * HOUR);
  });

  it('keeps a daily cycle on top of the trend', () => {
    const value = (h: number) => 500 + h + 100 * Math.sin((2 * Math.PI * h) / 24);
    const f = forecastUsage(series(7 * 24, value), { horizonMs: 30 * HOUR, limit: null });
    if (f.status !== 'ok') throw new Error('no forecast');
    expect(f.method).toBe('trend+daily');
    for (const p of f.path) {
      const h = (p.at.getTime() - START) / HOUR;
      expect(Math.abs(p.mean - value(h))).toBeLessThan(8);
    }
    expect(f.utilization).toBeNull();
  });

  it('learns the weekend from two weeks of history', () => {
    const weekend = (h: number) => [5, 6].includes(Math.floor(h / 24) % 7);
    const value = (h: number) => (weekend(h) ? 200 : 600) + 0.5 * h;
    const f = forecastUsage(series(21 * 24, value), { horizonMs: 7 * DAY, limit: 2000 });
    if (f.status !== 'ok') throw new Error('no forecast');
    expect(f.method).toBe('trend+weekly');
    const errors = f.path.map((p) => Math.abs(p.mean - value((p.at.getTime() - START) / HOUR)));
    expect(Math.max(...errors)).toBeLessThan(25);
  });

  it('is not dragged by spikes, and its interval covers the noise', () => {
    const value = (h: number) => (h % 37 === 0 ? 900 : 300 + ((h * 7919) % 21) - 10);
    const f = forecastUsage(series(10 * 24, value), { horizonMs: 3 * DAY, limit: 400 });
    if (f.status !== 'ok') throw new Error('no forecast');
    expect(Math.abs(f.trendPerDay)).toBeLessThan(1);
    expect(f.atHorizon.mean).toBeGreaterThan(280);
    expect(f.atHorizon.mean).toBeLessThan(320);
    expect(f.atHorizon.upper).toBeGreaterThan(305);
    expect(f.exhaustion).toBeNull();
  });

  it('reads a step held for three days as a new level, not as growth', () => {
    const value = (h: number) => (h < 10 * 24 ? 300 : 450) + ((h * 7919) % 11) - 5;
    const f = forecastUsage(series(16 * 24, value), { horizonMs: 7 * DAY, limit: 1000 });
    if (f.status !== 'ok') throw new Error('no forecast');
    expect(Math.abs(f.trendPerDay)).toBeLessThan(2);
    expect(Math.abs(f.atHorizon.mean - 450)).toBeLessThan(25); // without the cut: 525, at +11/day
    // Two days after the step it could still be a blip: the robust trend does not follow it yet.
    const early = forecastUsage(series(12 * 24, value), { horizonMs: 7 * DAY, limit: 1000 });
    if (early.status !== 'ok') throw new Error('no forecast');
    expect(Math.abs(early.trendPerDay)).toBeLessThan(2);
  });

  it('warns of exhaustion when the upper bound reaches the limit', () => {
    const f = forecastUsage(
      series(5 * 24, (h) => 50 + h / 2),
      { horizonMs: 14 * DAY, limit: 200 },
    );
    if (f.status !== 'ok') throw new Error('no forecast');
    // 200 at hour 300, 181 hours after the last point.
    expect(f.exhaustion?.getTime()).toBeLessThanOrEqual(START + 300 * HOUR);
    expect(f.exhaustion?.getTime()).toBeGreaterThan(START + 280 * HOUR);
    expect(f.utilization?.mean).toBeGreaterThan(100);
    expect(f.explanation).toMatch(/may reach the limit by/);
  });

  it('uses the peak of each hour, however often it was sampled', () => {
    expect(
      hourlyPeaks([
        { at: new Date(START + 5 * 60_000), value: 3 },
        { at: new Date(START + 50 * 60_000), value: 9 },
        { at: new Date(START + HOUR), value: 4 },
        { at: new Date(START + 2 * HOUR), value: Number.NaN },
      ]),
    ).toEqual([
      { hour: START / HOUR, value: 9 },
      { hour: START / HOUR + 1, value: 4 },
    ]);
  });
});

describe('median (quickselect)', () => {
  it('agrees with sorting on odd, even, repeated and negative values', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let n = 1; n <= 60; n++) {
      for (let round = 0; round < 20; round++) {
        const values = Array.from({ length: n }, () => Math.floor(random() * 10) - (round % 3 === 0 ? 5 : 0));
        const sorted = [...values].sort((a, b) => a - b);
        const mid = Math.floor(n / 2);
        const expected = n % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
        expect(median(values), JSON.stringify(values)).toBe(expected);
      }
    }
    expect(median([])).toBe(0);
  });
});
