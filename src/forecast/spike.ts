/**
 * Spike detection: a quota's newest usage against its recent baseline, the median of the
 * readings in the window before it. A ratio at or above `medium` (2 by default) is a medium
 * spike, at or above `high` (3) a high one. Edge-triggered: a reading is a new spike only when it
 * is more severe than the reading before it (judged against that one's own baseline), so a spike
 * that lasts several collections is one event, and one that worsens is a second. Pure.
 */
import type { UsagePoint } from './forecast.js';

export type SpikeSeverity = 'medium' | 'high';

export interface SpikeOptions {
  /** The ratio to the baseline from which a reading is a medium spike. */
  readonly medium: number;
  /** … and a high one. */
  readonly high: number;
  /** How far back the baseline reaches, in ms. */
  readonly baselineMs: number;
  /** A baseline below this counts as this, so 0 → 1 is not an infinite spike, nor 2 → 5 a spike at all. */
  readonly minBaseline: number;
}

export const SPIKE_DEFAULTS: SpikeOptions = {
  medium: 2,
  high: 3,
  baselineMs: 24 * 3_600_000,
  minBaseline: 5,
};

/** Readings the baseline needs, besides the one judged. */
export const MIN_BASELINE_POINTS = 3;

export interface Spike {
  /** The reading that spiked, and when. */
  readonly usage: number;
  readonly at: Date;
  /** The median of the readings before it in the window. */
  readonly baseline: number;
  /** usage ÷ max(baseline, minBaseline). */
  readonly ratio: number;
  readonly severity: SpikeSeverity;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const RANK: Record<SpikeSeverity | 'none', number> = { none: 0, medium: 1, high: 2 };

/** How the reading at `index` stands against the readings before it in the window; null without enough of them. */
export function judge(history: readonly UsagePoint[], index: number, options: SpikeOptions): Spike | null {
  const point = history[index];
  if (point === undefined) return null;
  const from = point.at.getTime() - options.baselineMs;
  const window: number[] = [];
  for (let i = index - 1; i >= 0; i--) {
    const before = history[i];
    if (before === undefined || before.at.getTime() < from) break;
    window.push(before.value);
  }
  if (window.length < MIN_BASELINE_POINTS) return null;
  const baseline = median(window);
  const ratio = point.value / Math.max(baseline, options.minBaseline);
  const severity = ratio >= options.high ? 'high' : ratio >= options.medium ? 'medium' : null;
  return severity === null ? null : { usage: point.value, at: point.at, baseline, ratio, severity };
}

/**
 * The spike the newest reading of a history (oldest first) starts, or null: none, too little
 * history, or one no more severe than the reading before it.
 */
export function detectSpike(
  history: readonly UsagePoint[],
  options: SpikeOptions = SPIKE_DEFAULTS,
): Spike | null {
  const last = history.length - 1;
  const now = judge(history, last, options);
  if (now === null) return null;
  const before = judge(history, last - 1, options);
  return RANK[now.severity] > RANK[before?.severity ?? 'none'] ? now : null;
}
