import { describe, expect, it } from 'vitest';
import type { UsagePoint } from './forecast.js';
import { detectSpike, judge, SPIKE_DEFAULTS } from './spike.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

/** Hourly readings, the last at T0 + (n − 1) hours. */
function hourly(values: readonly number[]): UsagePoint[] {
  return values.map((value, i) => ({ at: new Date(T0 + i * HOUR), value }));
}

describe('detectSpike', () => {
  it('finds nothing in a steady series', () => {
    expect(detectSpike(hourly([10, 11, 9, 10, 12, 10, 11]))).toBeNull();
  });

  it('calls twice the median baseline medium, three times high, with the figures', () => {
    expect(detectSpike(hourly([10, 11, 9, 10, 20]))).toEqual({
      usage: 20,
      at: new Date(T0 + 4 * HOUR),
      baseline: 10,
      ratio: 2,
      severity: 'medium',
    });
    expect(detectSpike(hourly([10, 11, 9, 10, 30]))?.severity).toBe('high');
    expect(detectSpike(hourly([10, 11, 9, 10, 19.9]))).toBeNull();
  });

  it('takes the thresholds it is given', () => {
    const options = { ...SPIKE_DEFAULTS, medium: 1.5, high: 5 };
    expect(detectSpike(hourly([10, 10, 10, 16]), options)?.severity).toBe('medium');
    expect(detectSpike(hourly([10, 10, 10, 40]), options)?.severity).toBe('medium');
    expect(detectSpike(hourly([10, 10, 10, 50]), options)?.severity).toBe('high');
  });

  it('uses the median, so one earlier spike does not raise the baseline', () => {
    expect(detectSpike(hourly([10, 100, 10, 10, 10, 30]))).toMatchObject({ baseline: 10, severity: 'high' });
  });

  it('needs three readings in the baseline window before it', () => {
    expect(detectSpike(hourly([10, 10, 40]))).toBeNull();
    // Four readings, but the first three are more than 24 hours before the last.
    const old: UsagePoint[] = [...hourly([10, 10, 10]), { at: new Date(T0 + 30 * HOUR), value: 40 }];
    expect(detectSpike(old)).toBeNull();
    expect(detectSpike(old, { ...SPIKE_DEFAULTS, baselineMs: 48 * HOUR })?.severity).toBe('high');
  });

  it('floors the baseline at minBaseline (5 by default): small counts do not spike', () => {
    expect(detectSpike(hourly([0, 0, 0, 1]))).toBeNull();
    expect(detectSpike(hourly([2, 2, 2, 5]))).toBeNull();
    expect(detectSpike(hourly([2, 2, 2, 10]))).toMatchObject({ baseline: 2, ratio: 2, severity: 'medium' });
    const one = { ...SPIKE_DEFAULTS, minBaseline: 1 };
    expect(detectSpike(hourly([0, 0, 0, 1]), one)).toBeNull();
    expect(detectSpike(hourly([0, 0, 0, 2]), one)).toMatchObject({
      baseline: 0,
      ratio: 2,
      severity: 'medium',
    });
  });

  it('is edge-triggered: a spike that lasts is one event; one that worsens is another', () => {
    // The 30 is high against 10; the next 30 is judged against 10, 10, 10, 30 (median 10): still
    // high, so not new. A rise from medium to high is new.
    expect(detectSpike(hourly([10, 10, 10, 30, 30]))).toBeNull();
    expect(detectSpike(hourly([10, 10, 10, 20, 35]))).toMatchObject({ severity: 'high' });
    expect(detectSpike(hourly([10, 10, 10, 35, 20]))).toBeNull();
    // After it falls back, a new spike is new again.
    expect(detectSpike(hourly([10, 10, 10, 30, 10, 30]))).toMatchObject({ severity: 'high' });
  });

  it('judges any reading of a history against the readings before it', () => {
    const series = hourly([10, 10, 10, 30, 10]);
    expect(judge(series, 3, SPIKE_DEFAULTS)?.severity).toBe('high');
    expect(judge(series, 4, SPIKE_DEFAULTS)).toBeNull();
    expect(judge(series, 9, SPIKE_DEFAULTS)).toBeNull();
  });
});
