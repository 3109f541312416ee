/**
 * The simulator on a scenario worked out by hand (the comments give the arithmetic): two quotas'
 * hourly readings over three days, replayed through the rules of a parsed config. Forecasts are
 * off (forecastHorizon 0s) so every figure can be checked on paper; spikes are on.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Quota } from '../domain/quota.js';
import type { UsagePoint } from '../forecast/forecast.js';
import { aQuota } from '../../test/helpers/quotas.js';
import { type SimulatedQuota, simulate } from './simulate.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00Z'); // a Monday
const TARGET = { target: { accountId: '123456789012', region: 'eu-west-1' }, accountName: 'prod' };

function quota(code: string, value: number): Quota {
  return aQuota({ quotaCode: code, value });
}

/** A reading at T0 + h hours for h = 1…72, the value `at(h)` gives. */
function readings(at: (h: number) => number): UsagePoint[] {
  return Array.from({ length: 72 }, (_, i) => ({ at: new Date(T0 + (i + 1) * HOUR), value: at(i + 1) }));
}

// A (limit 100, auto_approve): 40 for a day, then 84, 85, and 92 from hour 27.
const A: SimulatedQuota = {
  target: TARGET,
  quota: quota('L-AAAAAAAA', 100),
  history: readings((h) => (h <= 24 ? 40 : h === 25 ? 84 : h === 26 ? 85 : 92)),
};
// B (limit 50, auto_request): 20 until hour 29, 46 (92%) from hour 30.
const B: SimulatedQuota = {
  target: TARGET,
  quota: quota('L-BBBBBBBB', 50),
  history: readings((h) => (h < 30 ? 20 : 46)),
};
// C: read only before the stretch: not replayed.
const C: SimulatedQuota = {
  target: TARGET,
  quota: quota('L-CCCCCCCC', 10),
  history: [{ at: new Date(T0 - 5 * HOUR), value: 9 }],
};

function engineOf(rules: unknown[]) {
  const config = parseConfig({
    accounts: [{ id: '123456789012', regions: ['eu-west-1'] }],
    engine: { approvalTtl: '12h', forecastHorizon: '0s' },
    rules,
  });
  return { engine: config.engine, prices: config.prices };
}

const RULES = [
  { name: 'a', match: { quotas: ['L-AAAAAAAA'] }, level: 'auto_approve' },
  { name: 'b', match: { quotas: ['L-BBBBBBBB'] }, level: 'auto_request' },
];

function run(rules: unknown[]) {
  return simulate([A, B, C], {
    from: new Date(T0),
    to: new Date(T0 + 72 * HOUR),
    stepMs: HOUR,
    forecastEveryMs: 6 * HOUR,
    ...engineOf(rules),
  });
}

/** Events as [hour, quota, kind, detail]. */
function timeline(events: ReturnType<typeof run>['events']) {
  return events.map((e) => [
    (e.at.getTime() - T0) / HOUR,
    e.quotaCode.slice(2, 3),
    e.kind,
    e.kind === 'alert' ? e.alert : e.kind === 'spike' ? e.severity : e.value,
  ]);
}

describe('engine simulate', () => {
  it('replays the hand-checked scenario event for event', () => {
    const result = run(RULES);
    expect(result.steps).toBe(72);
    expect(result.quotas).toBe(2);
    expect(timeline(result.events)).toEqual([
      // A at hour 25: 84 against a baseline of 40 (×2.1) is a medium spike, and 84% is warning.
      [25, 'A', 'spike', 'medium'],
      [25, 'A', 'alert', 'warning'],
      // Hour 27: 92% is critical: an alert, and auto_approve requests max(100 × 2, 92 ÷ 0.75) = 200.
      [27, 'A', 'alert', 'critical'],
      [27, 'A', 'request', 200],
      // B at hour 30: 46 against 20 (×2.3), and 92% critical: auto_request proposes max(50 × 2, 61.3) = 100.
      [30, 'B', 'spike', 'medium'],
      [30, 'B', 'alert', 'critical'],
      [30, 'B', 'propose', 100],
      // Nobody approves: 12 hours later it expires; the cooldown (24h from hour 30) holds until 54.
      [42, 'B', 'expired', null],
      // Hour 54: the cooldown has passed: a reminder, and a new proposal, which expires at 66.
      [54, 'B', 'alert', 'critical'],
      [54, 'B', 'propose', 100],
      [66, 'B', 'expired', null],
    ]);
    // After its request A's limit is 200: 92 is 46%, ok, so nothing more for A.
    expect(result.raised).toEqual([
      { target: TARGET.target, serviceCode: 'ec2', quotaCode: 'L-AAAAAAAA', from: 100, to: 200 },
    ]);
    expect(result.counts).toEqual({
      alert: 4,
      propose: 2,
      request: 1,
      'support-case': 0,
      expired: 2,
      spike: 2,
    });
    const request = result.events.find((e) => e.kind === 'request');
    expect(request).toMatchObject({ limit: 100, usage: 92, utilization: 92, basis: 'current', rule: 'a' });
  });

  it('replays under other rules: A only alerted, so its limit stays and it is reminded after the cooldown', () => {
    const result = run([{ ...RULES[0], level: 'alert_only' }, RULES[1]]);
    const a = timeline(result.events.filter((e) => e.quotaCode === 'L-AAAAAAAA'));
    expect(a).toEqual([
      [25, 'A', 'spike', 'medium'],
      [25, 'A', 'alert', 'warning'],
      [27, 'A', 'alert', 'critical'],
      // 24 hours after the last alert, still critical: a reminder.
      [51, 'A', 'alert', 'critical'],
    ]);
    expect(result.raised).toEqual([]);
  });

  it('evaluates only the steps with a reading, and no quota with none in the stretch', () => {
    const result = simulate([C], {
      from: new Date(T0),
      to: new Date(T0 + 72 * HOUR),
      stepMs: HOUR,
      forecastEveryMs: 6 * HOUR,
      ...engineOf(RULES),
    });
    expect(result).toMatchObject({ quotas: 0, events: [], raised: [] });
  });

  it('decides on the forecast when the history grows towards the limit', () => {
    // D: three weeks rising 1 an hour to 400 of 1000 (40%) at the end; 7 days on, 568: still ok.
    // With a 14-day horizon the line reaches 736 (73.6%); with 28 days 1,072: past emergency.
    const D: SimulatedQuota = {
      target: TARGET,
      quota: quota('L-DDDDDDDD', 1000),
      history: Array.from({ length: 21 * 24 }, (_, i) => ({
        at: new Date(T0 - (21 * 24 - 1 - i) * HOUR),
        value: 400 - (21 * 24 - 1 - i),
      })),
    };
    const { engine, prices } = engineOf([
      { name: 'd', match: { quotas: ['L-DDDDDDDD'] }, level: 'alert_only' },
    ]);
    const options = {
      from: new Date(T0 - HOUR),
      to: new Date(T0),
      stepMs: HOUR,
      forecastEveryMs: 6 * HOUR,
      prices,
    };
    const near = simulate([D], { ...options, engine: { ...engine, forecastHorizonMs: 7 * 24 * HOUR } });
    expect(near.events).toEqual([]);
    const far = simulate([D], { ...options, engine: { ...engine, forecastHorizonMs: 28 * 24 * HOUR } });
    expect(far.events.map((e) => [e.kind, e.alert, e.basis])).toEqual([['alert', 'emergency', 'forecast']]);
    expect(far.events[0]?.utilization).toBeCloseTo(107.2, 0);
  });
});
