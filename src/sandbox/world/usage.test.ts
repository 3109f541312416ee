import { describe, expect, it } from 'vitest';
import {
  type Band,
  RETENTION,
  type SeriesKind,
  type SeriesProfile,
  makeProfile,
  minuteValue,
  rawPoints,
  recentPeak,
} from './usage.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A Wednesday, not on a whole minute: the minute that started at 12:32 is unfinished. */
const NOW = Date.UTC(2026, 0, 14, 12, 32, 30);
const NOW_MINUTE = Math.floor(NOW / MINUTE);

function profile(
  key: string,
  options: { kind?: SeriesKind; band?: Band; limit?: number; periodSeconds?: number } = {},
): SeriesProfile {
  return makeProfile({
    key,
    kind: options.kind ?? 'count',
    limit: options.limit ?? 100,
    band: options.band ?? 'medium',
    periodSeconds: options.periodSeconds ?? 1,
    anchor: NOW,
  });
}

/** Minute values of `p` for the `count` minutes starting at `fromMinute`. */
function minutes(p: SeriesProfile, fromMinute: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => minuteValue(p, fromMinute + i));
}

/** A one-minute value in the quota's own unit: calls per period for rate quotas. */
function inQuotaUnits(p: SeriesProfile, perMinute: number): number {
  return p.kind === 'calls' ? perMinute / (60 / p.periodSeconds) : perMinute;
}

/** Half a whole unit of the series (one resource, one call in a minute), in the quota's own unit. */
function halfUnit(p: SeriesProfile): number {
  return inQuotaUnits(p, 0.5);
}

describe('makeProfile and minuteValue', () => {
  it('are deterministic: one key gives one profile and one series', () => {
    const a = profile('1|111122223333|us-east-1|ec2/L-1216C47A', { band: 'high' });
    const b = profile('1|111122223333|us-east-1|ec2/L-1216C47A', { band: 'high' });
    expect(b).toEqual(a);
    expect(minutes(b, NOW_MINUTE - 1440, 1440)).toEqual(minutes(a, NOW_MINUTE - 1440, 1440));
    expect(rawPoints(b, NOW - 90 * DAY, NOW, NOW)).toEqual(rawPoints(a, NOW - 90 * DAY, NOW, NOW));
  });

  it('gives different keys different profiles and series', () => {
    const a = profile('1|111122223333|us-east-1|ec2/L-1216C47A');
    const b = profile('1|111122223333|us-west-2|ec2/L-1216C47A');
    expect(b.hash).not.toBe(a.hash);
    expect(b.base).not.toBe(a.base);
    expect(minutes(b, NOW_MINUTE - 1440, 1440)).not.toEqual(minutes(a, NOW_MINUTE - 1440, 1440));
  });

  it.each<[Band, number, number]>([
    ['low', 0.01, 0.3],
    ['medium', 0.3, 0.65],
    ['high', 0.65, 0.78],
    ['hot', 0.86, 0.93],
    ['over', 1.06, 1.09],
  ])('puts the base of band %s in [%d, %d)', (band, low, high) => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const { base } = profile(key, { band });
      expect(base).toBeGreaterThanOrEqual(low);
      expect(base).toBeLessThan(high);
    }
  });

  it.each<[SeriesKind, number]>([
    ['count', 37],
    ['calls', 20],
  ])('gives whole numbers for %s series (limit %d), in minutes and rollups', (kind, limit) => {
    const p = profile(`whole|${kind}`, { kind, limit, band: 'medium' });
    const values = minutes(p, NOW_MINUTE - 2 * 1440, 2 * 1440);
    expect(values.every(Number.isInteger)).toBe(true);
    const points = rawPoints(p, NOW - 100 * DAY, NOW, NOW);
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((q) => [q.sum, q.max, q.min, q.count].every(Number.isInteger))).toBe(true);
  });

  const capRows: [Band, SeriesKind, number][] = [];
  for (const band of ['low', 'medium', 'high', 'hot'] as const) {
    for (const kind of ['count', 'calls'] as const) {
      for (const limit of [5, 100, 1000]) capRows.push([band, kind, limit]);
    }
  }

  describe.each(capRows)('a %s %s series with limit %d', (band, kind, limit) => {
    const p = profile(`cap|${band}|${kind}|${limit}`, { band, kind, limit });
    const values = minutes(p, NOW_MINUTE - 3 * 1440, 3 * 1440).map((v) => inQuotaUnits(p, v));
    const rollupMaxima = rawPoints(p, NOW - 60 * DAY, NOW - 15 * DAY, NOW).map((q) => inQuotaUnits(p, q.max));
    const peak = Math.max(...values, ...rollupMaxima);

    it('never passes the limit', () => {
      expect(peak).toBeLessThanOrEqual(limit);
    });

    it('stays within cap × limit, up to rounding to its unit', () => {
      expect(p.cap).toBe(0.995);
      expect(peak).toBeLessThanOrEqual(p.cap * limit + halfUnit(p));
    });

    it('never goes negative', () => {
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    });
  });

  it.each<[SeriesKind, number]>([
    ['count', 100],
    ['count', 1000],
    ['calls', 50],
  ])('lets an over-band %s series (limit %d) pass the limit, up to its 1.12 cap', (kind, limit) => {
    const p = profile(`over|${kind}|${limit}`, { band: 'over', kind, limit });
    const values = minutes(p, NOW_MINUTE - 1440, 1440).map((v) => inQuotaUnits(p, v));
    expect(p.cap).toBeGreaterThan(1);
    expect(values.filter((v) => v > limit).length).toBeGreaterThan(values.length / 2);
    expect(Math.max(...values)).toBeLessThanOrEqual(p.cap * limit + halfUnit(p));
  });

  it('holds a hot series at the cap during spikes rather than letting it pass', () => {
    const p = profile('hot-at-cap', { band: 'hot', kind: 'count', limit: 1000 });
    const values = minutes(p, NOW_MINUTE - 14 * 1440, 14 * 1440);
    expect(values.filter((v) => v === Math.round(p.cap * 1000)).length).toBeGreaterThan(0);
    expect(Math.max(...values)).toBe(Math.round(p.cap * 1000));
  });

  it.each<[SeriesKind, Band]>([
    ['calls', 'low'],
    ['calls', 'medium'],
    ['count', 'medium'],
  ])('varies a %s series of band %s across a day', (kind, band) => {
    const p = profile(`daily|${kind}|${band}`, { kind, band, limit: 10_000 });
    const day = Math.floor(NOW / DAY) * DAY;
    const hourlyMeans = Array.from({ length: 24 }, (_, h) => {
      const values = minutes(p, (day + h * HOUR) / MINUTE, 60);
      return values.reduce((a, b) => a + b, 0) / values.length;
    });
    const high = Math.max(...hourlyMeans);
    const low = Math.min(...hourlyMeans);
    // Noise averages out within an hour; what is left is the daily cycle, ± dailyAmplitude.
    expect(high / low).toBeGreaterThan(1 + p.dailyAmplitude);
  });

  it('peaks at the profile’s daily phase and bottoms out twelve hours later', () => {
    const base = profile('phase', { kind: 'count', band: 'medium', limit: 100_000 });
    const smooth: SeriesProfile = { ...base, noise: 0, spikeChancePerHour: 0, growthPerDay: 0 };
    const day = Math.floor(NOW / DAY) * DAY;
    const hourly = Array.from({ length: 24 }, (_, h) => minuteValue(smooth, (day + h * HOUR) / MINUTE));
    const peakHour = hourly.indexOf(Math.max(...hourly));
    const troughHour = hourly.indexOf(Math.min(...hourly));
    const circular = (a: number, b: number): number => Math.min(Math.abs(a - b), 24 - Math.abs(a - b));
    expect(circular(peakHour, smooth.dailyPhaseHours)).toBeLessThanOrEqual(0.5);
    expect(circular(troughHour, smooth.dailyPhaseHours + 12)).toBeLessThanOrEqual(0.5);
  });
});

describe('rawPoints', () => {
  const p = profile('retention', { kind: 'count', band: 'medium', limit: 500 });

  it('keeps each age at the resolution CloudWatch keeps it, and nothing older than 455 days', () => {
    const points = rawPoints(p, NOW - 600 * DAY, NOW, NOW);
    const resolutionFor = (time: number): number | undefined =>
      RETENTION.find(({ keptMs }) => NOW - time <= keptMs)?.resolutionMs;
    const wrong = points.filter((q) => q.resolutionMs !== resolutionFor(q.time));
    expect(wrong).toEqual([]);
    expect(points.every((q) => q.time % q.resolutionMs === 0)).toBe(true);
    expect(points.every((q) => q.count === q.resolutionMs / MINUTE)).toBe(true);
    expect(Math.min(...points.map((q) => q.time))).toBeGreaterThanOrEqual(NOW - 455 * DAY);
  });

  // A finer resolution starts where the coarser one's last point ends: its age limit rounded up to
  // the coarser step. So each span starts within one coarser step of its limit.
  it.each<[string, number, number, number]>([
    ['1-minute points', MINUTE, 5 * MINUTE, 15 * DAY],
    ['5-minute points', 5 * MINUTE, HOUR, 63 * DAY],
    ['hourly points', HOUR, HOUR, 455 * DAY],
  ])('fills the span of %s without gaps', (_label, resolutionMs, coarserMs, oldest) => {
    const times = rawPoints(p, NOW - 600 * DAY, NOW, NOW)
      .filter((q) => q.resolutionMs === resolutionMs)
      .map((q) => q.time);
    const first = times[0] ?? Number.NaN;
    expect(first - (NOW - oldest)).toBeGreaterThanOrEqual(0);
    expect(first - (NOW - oldest)).toBeLessThan(coarserMs);
    expect(times.every((t, i) => i === 0 || t - (times[i - 1] ?? 0) === resolutionMs)).toBe(true);
  });

  it('hands over from each resolution to the next with neither gap nor overlap, up to the last whole minute', () => {
    const points = rawPoints(p, NOW - 600 * DAY, NOW, NOW);
    const breaks = points.filter(
      (q, i) => i > 0 && q.time !== (points[i - 1]?.time ?? 0) + (points[i - 1]?.resolutionMs ?? 0),
    );
    expect(breaks).toEqual([]);
    const last = points.at(-1);
    expect(last?.resolutionMs).toBe(MINUTE);
    expect(NOW - (last?.time ?? 0)).toBeGreaterThan(MINUTE);
    expect(NOW - (last?.time ?? 0)).toBeLessThanOrEqual(2 * MINUTE);
  });

  it('never covers one instant with two points (sorted, no overlap at the retention boundaries)', () => {
    const points = rawPoints(p, NOW - 600 * DAY, NOW, NOW);
    const overlaps = points
      .slice(1)
      .map((q, i) => ({ previous: points[i], next: q }))
      .filter(
        ({ previous, next }) => previous !== undefined && previous.time + previous.resolutionMs > next.time,
      )
      .map(({ previous, next }) => ({
        previous: `${new Date(previous?.time ?? 0).toISOString()} (${(previous?.resolutionMs ?? 0) / MINUTE} min)`,
        next: `${new Date(next.time).toISOString()} (${next.resolutionMs / MINUTE} min)`,
      }));
    expect(overlaps).toEqual([]);
  });

  it('gives the 1-minute points of the window, leaving out the unfinished minute', () => {
    const points = rawPoints(p, NOW - 10 * MINUTE, NOW, NOW);
    const expectedMinutes = Array.from({ length: 9 }, (_, i) => NOW_MINUTE - 9 + i);
    expect(points.map((q) => q.time)).toEqual(expectedMinutes.map((m) => m * MINUTE));
    expect(points.map((q) => q.sum)).toEqual(expectedMinutes.map((m) => minuteValue(p, m)));
    expect(points.every((q) => q.max === q.sum && q.min === q.sum && q.count === 1)).toBe(true);
  });

  it('leaves out the minute that starts exactly now', () => {
    const onTheMinute = NOW_MINUTE * MINUTE;
    const times = rawPoints(p, onTheMinute - 5 * MINUTE, onTheMinute + 5 * MINUTE, onTheMinute).map(
      (q) => q.time,
    );
    expect(times.at(-1)).toBe(onTheMinute - MINUTE);
    expect(times).toHaveLength(5);
  });

  it.each<[string, number, number]>([
    ['an end on a minute', NOW - 4 * MINUTE - 30_000, (NOW_MINUTE - 5) * MINUTE],
    ['an end inside a minute', NOW - 4 * MINUTE, (NOW_MINUTE - 4) * MINUTE],
  ])('leaves out times at or after %s', (_label, end, lastTime) => {
    const times = rawPoints(p, NOW - 20 * MINUTE, end, NOW).map((q) => q.time);
    expect(times.at(-1)).toBe(lastTime);
    expect(times.every((t) => t < end)).toBe(true);
  });

  it.each<[string, number, number]>([
    ['a window in the future', NOW + MINUTE, NOW + HOUR],
    ['an empty window', NOW - HOUR, NOW - HOUR],
    ['a reversed window', NOW - HOUR, NOW - 2 * HOUR],
    ['a window older than 455 days', NOW - 600 * DAY, NOW - 456 * DAY],
  ])('gives nothing for %s', (_label, start, end) => {
    expect(rawPoints(p, start, end, NOW)).toEqual([]);
  });

  it('rolls a 5-minute point up from its level: sum is the average times its minutes', () => {
    const rollups = rawPoints(p, NOW - 20 * DAY, NOW - 16 * DAY, NOW);
    expect(rollups.length).toBeGreaterThan(0);
    for (const q of rollups) {
      expect(q.resolutionMs).toBe(5 * MINUTE);
      expect(q.sum % 5).toBe(0);
      expect(q.min).toBeLessThanOrEqual(q.sum / 5);
      expect(q.max).toBeGreaterThanOrEqual(q.sum / 5);
    }
  });
});

describe('recentPeak', () => {
  /** The largest whole-minute value of the last hour before NOW, by minuteValue. */
  function lastHourMax(p: SeriesProfile): number {
    const firstMinute = Math.ceil((NOW - HOUR) / MINUTE);
    return Math.max(...minutes(p, firstMinute, NOW_MINUTE - firstMinute));
  }

  it.each<[number, number]>([
    [1, 60],
    [60, 1],
    [10, 6],
  ])('divides a call series’ busiest minute down to its %d-second period (÷%d)', (periodSeconds, divisor) => {
    const p = profile(`peak|calls|${periodSeconds}`, {
      kind: 'calls',
      band: 'high',
      limit: 40,
      periodSeconds,
    });
    const peak = recentPeak(p, NOW);
    expect(peak).toBeCloseTo(lastHourMax(p) / divisor, 9);
    expect(peak).toBeGreaterThan(0.5 * 0.65 * 40);
    expect(peak).toBeLessThanOrEqual(40);
  });

  it('gives a count series’ largest minute as it is', () => {
    const p = profile('peak|count', { kind: 'count', band: 'high', limit: 200 });
    expect(recentPeak(p, NOW)).toBe(lastHourMax(p));
  });
});
