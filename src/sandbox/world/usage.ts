/**
 * Usage series of the quotas that have a usage metric. A series is a pure function of time: the
 * value at a minute is computed from the series' profile (level, growth, daily and weekly
 * seasonality, noise, spikes), so nothing is stored and every query over any window agrees.
 *
 * Resolution follows CloudWatch's retention: minutes for the last 15 days, 5-minute rollups to
 * 63 days, hourly rollups to 455 days, nothing older (GetMetricData docs). A rollup is generated
 * at its own resolution, which keeps long-history queries cheap.
 */
import { hash32, unit } from '../core/random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `calls` for CallCount (a Sum per minute); `count` for everything counted at a moment (resources, concurrent executions). */
export type SeriesKind = 'count' | 'calls';

export interface SeriesProfile {
  readonly kind: SeriesKind;
  /** Seeded applied limit the level is measured against. */
  readonly limit: number;
  /** Utilization (0..) at the anchor time, before seasonality and noise. */
  readonly base: number;
  /** Exponential growth per day. */
  readonly growthPerDay: number;
  readonly dailyAmplitude: number;
  readonly dailyPhaseHours: number;
  readonly weekendDip: number;
  readonly noise: number;
  readonly spikeChancePerHour: number;
  readonly spikeMagnitude: number;
  /** Cap on utilization: usage cannot pass a limit AWS enforces, but one seeded series is over. */
  readonly cap: number;
  /** For CallCount: the quota's period in seconds (the limit is per period). */
  readonly periodSeconds: number;
  readonly anchor: number;
  readonly hash: number;
  /** Spikes put in by hand (`admin.surge`): the series times `factor` from `from` to `to` (ms). */
  readonly surges?: readonly Surge[];
}

export interface Surge {
  readonly from: number;
  readonly to: number;
  readonly factor: number;
}

/** One stored datapoint at the resolution CloudWatch keeps for its age. */
export interface RawPoint {
  readonly time: number;
  readonly resolutionMs: number;
  readonly sum: number;
  readonly max: number;
  readonly min: number;
  readonly count: number;
}

function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** Designed utilization bands: most quotas idle along, a few run hot. */
export type Band = 'low' | 'medium' | 'high' | 'hot' | 'over';

export function makeProfile(input: {
  key: string;
  kind: SeriesKind;
  limit: number;
  band: Band;
  periodSeconds: number;
  anchor: number;
}): SeriesProfile {
  const { key, band } = input;
  const r = (name: string): number => unit(key, name);
  const hot = band === 'hot' || band === 'over';
  const base =
    band === 'low'
      ? 0.01 + 0.29 * r('base')
      : band === 'medium'
        ? 0.3 + 0.35 * r('base')
        : band === 'high'
          ? 0.65 + 0.13 * r('base')
          : band === 'hot'
            ? 0.86 + 0.07 * r('base')
            : 1.06 + 0.03 * r('base');
  return {
    kind: input.kind,
    limit: input.limit,
    base,
    // Hot series grow slowly so they stay hot rather than pinned at the cap.
    growthPerDay: hot ? 0.0005 + 0.001 * r('growth') : 0.001 + 0.009 * r('growth'),
    dailyAmplitude: hot
      ? 0.02 + 0.02 * r('amplitude')
      : input.kind === 'calls'
        ? 0.15 + 0.35 * r('amplitude')
        : 0.03 + 0.2 * r('amplitude'),
    dailyPhaseHours: 10 + 8 * r('phase'),
    weekendDip: input.kind === 'calls' ? 0.1 + 0.3 * r('weekend') : 0.05 * r('weekend'),
    noise: hot ? 0.01 : 0.01 + 0.06 * r('noise'),
    spikeChancePerHour: r('spiky') < 0.15 ? 0.04 : 0.005,
    spikeMagnitude: 0.5 + 1.5 * r('magnitude'),
    cap: band === 'over' ? 1.12 : 0.995,
    periodSeconds: input.periodSeconds,
    anchor: input.anchor,
    hash: hash32(key),
  };
}

function spikeFactor(p: SeriesProfile, minute: number): number {
  const time = minute * MINUTE;
  const surged = (p.surges ?? []).reduce((f, s) => (time >= s.from && time < s.to ? f * s.factor : f), 1);
  return surged * naturalSpikeFactor(p, minute);
}

function naturalSpikeFactor(p: SeriesProfile, minute: number): number {
  const hour = Math.floor(minute / 60);
  for (const h of [hour, hour - 1]) {
    if (mix(p.hash, h * 4 + 1) >= p.spikeChancePerHour) continue;
    const start = h * 60 + Math.floor(mix(p.hash, h * 4 + 2) * 60);
    const length = 5 + Math.floor(mix(p.hash, h * 4 + 3) * 25);
    if (minute >= start && minute < start + length)
      return 1 + p.spikeMagnitude * (0.5 + 0.5 * mix(p.hash, h * 4 + 4));
  }
  return 1;
}

/** Utilization (fraction of the seeded limit) at a time, before noise and spikes. */
function smoothLevel(p: SeriesProfile, time: number): number {
  const days = (time - p.anchor) / DAY;
  const trend = p.base * Math.exp(p.growthPerDay * days);
  const hourOfDay = (time % DAY) / HOUR;
  const daily = 1 + p.dailyAmplitude * Math.sin((2 * Math.PI * (hourOfDay - p.dailyPhaseHours + 6)) / 24);
  const weekday = new Date(time).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 1 - p.weekendDip : 1;
  return trend * daily * weekly;
}

/** The quantity a datapoint holds for a utilization: vCPUs for counts, calls per minute for rate quotas. */
function quantity(p: SeriesProfile, utilization: number, minutes: number): number {
  const u = Math.max(0, Math.min(utilization, p.cap));
  if (p.kind === 'calls') return Math.round(u * p.limit * (60 / p.periodSeconds) * minutes);
  return Math.round(u * p.limit);
}

/** The one-minute value starting at `minute` (minutes since the epoch). */
export function minuteValue(p: SeriesProfile, minute: number): number {
  const noise = 1 + p.noise * (2 * mix(p.hash, minute * 4) - 1);
  return quantity(p, smoothLevel(p, minute * MINUTE) * noise * spikeFactor(p, minute), 1);
}

function rollup(p: SeriesProfile, time: number, resolutionMs: number): RawPoint {
  const minutes = resolutionMs / MINUTE;
  const bucket = Math.floor(time / resolutionMs);
  const level =
    smoothLevel(p, time + resolutionMs / 2) * (1 + p.noise * (2 * mix(p.hash, bucket * 7 + 5) - 1));
  // A rollup's peak: noise's high side, and a spike if one falls inside the bucket.
  const spiked = spikeFactor(p, Math.floor((time + resolutionMs * mix(p.hash, bucket * 7 + 6)) / MINUTE));
  const average = quantity(p, level, 1);
  return {
    time,
    resolutionMs,
    sum: p.kind === 'calls' ? quantity(p, level, minutes) : average * minutes,
    max: quantity(p, level * (1 + p.noise) * spiked, 1),
    min: quantity(p, level * (1 - p.noise), 1),
    count: minutes,
  };
}

export const RETENTION = [
  { resolutionMs: MINUTE, keptMs: 15 * DAY },
  { resolutionMs: 5 * MINUTE, keptMs: 63 * DAY },
  { resolutionMs: HOUR, keptMs: 455 * DAY },
] as const;

/**
 * Where each resolution's points begin: a finer tier starts where the coarser tier's last point
 * ends (its boundary rounded up to the coarser step), so no instant is covered twice.
 */
function tierStarts(now: number): number[] {
  const [minute, fiveMinutes, hour] = RETENTION;
  return [
    Math.ceil((now - minute.keptMs) / fiveMinutes.resolutionMs) * fiveMinutes.resolutionMs,
    Math.ceil((now - fiveMinutes.keptMs) / hour.resolutionMs) * hour.resolutionMs,
    Math.ceil((now - hour.keptMs) / hour.resolutionMs) * hour.resolutionMs,
  ];
}

/**
 * Stored datapoints with times in [start, end), at the resolution their age allows, ending at
 * the last whole minute before `now`.
 */
export function rawPoints(p: SeriesProfile, start: number, end: number, now: number): RawPoint[] {
  const points: RawPoint[] = [];
  const last = Math.min(end, Math.floor(now / MINUTE) * MINUTE);
  const starts = tierStarts(now);
  let upTo = last;
  for (const [tier, { resolutionMs }] of RETENTION.entries()) {
    const from = Math.max(start, starts[tier] ?? now);
    const to = upTo;
    upTo = Math.min(upTo, starts[tier] ?? now);
    if (from >= to) continue;
    const first = Math.ceil(from / resolutionMs) * resolutionMs;
    for (let t = first; t < to; t += resolutionMs) {
      if (resolutionMs === MINUTE) {
        const v = minuteValue(p, t / MINUTE);
        points.push({ time: t, resolutionMs, sum: v, max: v, min: v, count: 1 });
      } else {
        points.push(rollup(p, t, resolutionMs));
      }
    }
  }
  return points.sort((a, b) => a.time - b.time);
}

/**
 * The peak usage of the last hour in the quota's own unit: the count for resource quotas, the
 * rate per quota period for call quotas (a minute's Sum divided down to the period).
 */
export function recentPeak(p: SeriesProfile, now: number): number {
  let peak = 0;
  for (const point of rawPoints(p, now - HOUR, now, now)) peak = Math.max(peak, point.max);
  return p.kind === 'calls' ? peak / (60 / p.periodSeconds) : peak;
}
