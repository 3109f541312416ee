/**
 * Table tests of decide(), against an oracle written from the specification (not from decide.ts):
 * the full cross product of level × band × business hours × approval/cost × open state × cooldown
 * × adjustability, then focused tests of rounding, the ceiling, forecasts, alert dedupe, muting,
 * unknown limits and "never a decrease".
 */
import { describe, expect, it } from 'vitest';
import type { AutomationLevel, Band, BusinessHours, RuleSettings } from '../domain/rule.js';
import { type Decision, type DecisionInput, type DecisionState, decide, FRESH_STATE } from './decide.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A Wednesday, 10:30 in London (GMT in December): inside mon-fri 09:00-17:00 Europe/London. */
const WEDNESDAY_MORNING = new Date('2026-12-02T10:30:00Z');
/** A Saturday, 10:30 in London: outside mon-fri 09:00-17:00. */
const SATURDAY_MORNING = new Date('2026-12-05T10:30:00Z');
/** A Wednesday, 20:00 in London: outside 09:00-17:00. */
const WEDNESDAY_EVENING = new Date('2026-12-02T20:00:00Z');

const LONDON_OFFICE: BusinessHours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
  timeZone: 'Europe/London',
};

const THRESHOLDS = { warning: 70, critical: 85, emergency: 95 } as const;

function settings(overrides: Partial<RuleSettings> = {}): RuleSettings {
  return {
    level: 'full_auto',
    thresholds: THRESHOLDS,
    multiplier: 1.2,
    buffer: 20,
    maxValue: null,
    approvalRequired: false,
    costThreshold: null,
    businessHours: null,
    cooldownMs: HOUR,
    notify: [],
    mute: false,
    ...overrides,
  };
}

interface InputOverrides {
  limit?: number | null;
  usage?: number | null;
  adjustable?: boolean;
  forecastUsage?: number | null;
  rule?: Partial<RuleSettings>;
  state?: Partial<DecisionState>;
  now?: Date;
  unitPrice?: number | null;
}

function input(o: InputOverrides = {}): DecisionInput {
  const base: DecisionInput = {
    quota: {
      limit: o.limit === undefined ? 1000 : o.limit,
      usage: o.usage === undefined ? 500 : o.usage,
      adjustable: o.adjustable ?? true,
      unit: 'None',
    },
    rule: settings(o.rule),
    state: { ...FRESH_STATE, ...o.state },
    now: o.now ?? WEDNESDAY_MORNING,
    unitPrice: o.unitPrice === undefined ? null : o.unitPrice,
  };
  return o.forecastUsage === undefined ? base : { ...base, forecastUsage: o.forecastUsage };
}

/** The parts of a decision the table compares. */
function outcome(d: Decision) {
  return {
    kind: d.kind,
    band: d.band,
    alert: d.alert,
    muted: d.muted,
    action: d.action,
    value: d.value,
    cost: d.cost,
  };
}

// ---------------------------------------------------------------------------------------------
// The oracle, from the specification's text
// ---------------------------------------------------------------------------------------------

const RANK: Record<Band, number> = { ok: 0, warning: 1, critical: 2, emergency: 3 };

/** "monitor_only records only … alert_only alerts, never acts … auto_request/auto_approve from critical up … full_auto from warning up". */
const SPEC_ACTS_FROM: Record<AutomationLevel, Band | null> = {
  monitor_only: null,
  alert_only: null,
  auto_request: 'critical',
  auto_approve: 'critical',
  full_auto: 'warning',
};

/**
 * "rounded up to a whole number, and from 100 up rounded up to two significant figures". Counts
 * digits of the whole number as text, so it shares nothing with decide.ts's logarithms.
 */
function specRound(x: number): number {
  const whole = Math.ceil(Number(x.toFixed(6)));
  if (whole < 100) return whole;
  const digits = String(whole).length;
  const unit = 10 ** (digits - 2);
  const kept = Math.floor(whole / unit);
  return whole % unit === 0 ? whole : (kept + 1) * unit;
}

/** "New value = max(limit × multiplier, usage ÷ (1 − buffer/100)), rounded, then capped by maxValue". */
function specValue(limit: number, usage: number, rule: RuleSettings): number {
  const wanted = specRound(Math.max(limit * rule.multiplier, usage / (1 - rule.buffer / 100)));
  return rule.maxValue === null ? wanted : Math.min(wanted, rule.maxValue);
}

function specBand(utilization: number): Band {
  if (utilization >= THRESHOLDS.emergency) return 'emergency';
  if (utilization >= THRESHOLDS.critical) return 'critical';
  if (utilization >= THRESHOLDS.warning) return 'warning';
  return 'ok';
}

interface Expected {
  kind: Decision['kind'];
  band: Band;
  alert: Band | null;
  muted: boolean;
  action: Decision['action'];
  value: number | null;
  cost: number | null;
}

/**
 * The expected decision, from the specification, for a known limit and usage. `insideHours` is
 * what the case was built to be (no hours, or a `now` inside/outside them), not a computation.
 */
function oracle(i: DecisionInput, insideHours: boolean): Expected {
  const { quota, rule, state, now } = i;
  const limit = quota.limit as number;
  const usage = Math.max(quota.usage as number, i.forecastUsage ?? -Infinity);
  const band = specBand((usage / limit) * 100);

  // Alerts: never for monitor_only or band ok; else on entering a higher band, no previous alert,
  // or the cooldown passed since the last one.
  let alert: Band | null = null;
  if (rule.level !== 'monitor_only' && band !== 'ok') {
    const higher = RANK[band] > RANK[state.band];
    const noPrevious = state.lastAlert === null;
    const cooled =
      state.lastAlert !== null && now.getTime() - state.lastAlert.at.getTime() >= rule.cooldownMs;
    if (higher || noPrevious || cooled) alert = band;
  }
  const muted = alert !== null && rule.mute;
  const none: Expected = {
    kind: alert === null ? 'none' : 'alert',
    band,
    alert,
    muted,
    action: null,
    value: null,
    cost: null,
  };

  const from = SPEC_ACTS_FROM[rule.level];
  if (from === null || RANK[band] < RANK[from]) return none;
  if (state.openRequest !== null) return none;
  if (state.pendingApproval !== null) return none;
  if (state.lastActionAt !== null && now.getTime() - state.lastActionAt.getTime() < rule.cooldownMs)
    return none;

  const value = specValue(limit, usage, rule);
  if (value <= limit) return none;
  const cost = i.unitPrice === null ? null : (value - limit) * i.unitPrice;
  const action = quota.adjustable ? 'increase' : 'support-case';
  const costly = cost !== null && rule.costThreshold !== null && cost > rule.costThreshold;
  if (rule.level === 'auto_request' || rule.approvalRequired || costly) {
    return { ...none, kind: 'propose', action, value, cost };
  }
  if (!insideHours && band !== 'emergency') return none;
  return { ...none, kind: quota.adjustable ? 'request' : 'support-case', action, value, cost };
}

// ---------------------------------------------------------------------------------------------
// The cross product
// ---------------------------------------------------------------------------------------------

const LEVELS: readonly AutomationLevel[] = [
  'monitor_only',
  'alert_only',
  'auto_request',
  'auto_approve',
  'full_auto',
];

/** Usage of a 1000 limit in each band (70/85/95): values 1200, 1200 and 1300 (990 ÷ 0.8 = 1237.5). */
const USAGE_IN: Record<Band, number> = { ok: 500, warning: 760, critical: 880, emergency: 990 };

const HOURS = {
  none: { businessHours: null, now: WEDNESDAY_MORNING, inside: true },
  inside: { businessHours: LONDON_OFFICE, now: WEDNESDAY_MORNING, inside: true },
  outside: { businessHours: LONDON_OFFICE, now: SATURDAY_MORNING, inside: false },
} as const;

/** Unit price 0.5: the increase costs 100 (to 1200) or 150 (to 1300) a month. */
const APPROVAL = {
  neither: { approvalRequired: false, costThreshold: null },
  approvalRequired: { approvalRequired: true, costThreshold: null },
  costAbove: { approvalRequired: false, costThreshold: 50 },
  costBelow: { approvalRequired: false, costThreshold: 500 },
} as const;

const OPEN = {
  nothing: { openRequest: null, pendingApproval: null },
  openRequest: { openRequest: { id: 'req-1', desiredValue: 1200 }, pendingApproval: null },
  pendingApproval: { openRequest: null, pendingApproval: { id: 'apr-1', desiredValue: 1200 } },
} as const;

const COOLDOWN = {
  longAgo: 3 * DAY,
  within: 10 * MINUTE,
} as const;

interface Case {
  name: string;
  input: DecisionInput;
  inside: boolean;
}

function crossProduct(): Case[] {
  const cases: Case[] = [];
  for (const level of LEVELS) {
    for (const band of ['ok', 'warning', 'critical', 'emergency'] as const) {
      for (const [hoursName, hours] of Object.entries(HOURS)) {
        for (const [approvalName, approval] of Object.entries(APPROVAL)) {
          for (const [openName, open] of Object.entries(OPEN)) {
            for (const [cooldownName, ago] of Object.entries(COOLDOWN)) {
              for (const adjustable of [true, false]) {
                const now = hours.now;
                cases.push({
                  name: [
                    level,
                    band,
                    `hours=${hoursName}`,
                    `approval=${approvalName}`,
                    `open=${openName}`,
                    `lastAction=${cooldownName}`,
                    adjustable ? 'adjustable' : 'not-adjustable',
                  ].join(' '),
                  inside: hours.inside,
                  input: input({
                    limit: 1000,
                    usage: USAGE_IN[band],
                    adjustable,
                    rule: { level, businessHours: hours.businessHours, ...approval },
                    // Previously at warning and alerted 10 minutes ago (cooldown 1 h): warning
                    // repeats nothing, critical and emergency are a higher band.
                    state: {
                      band: 'warning',
                      lastAlert: { band: 'warning', at: new Date(now.getTime() - 10 * MINUTE) },
                      lastActionAt: new Date(now.getTime() - ago),
                      ...open,
                    },
                    now,
                    unitPrice: 0.5,
                  }),
                });
              }
            }
          }
        }
      }
    }
  }
  return cases;
}

const CASES = crossProduct();

describe('decide: the cross product against the specification', () => {
  it('has 5 × 4 × 3 × 4 × 3 × 2 × 2 = 2880 cases', () => {
    expect(CASES).toHaveLength(2880);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(2880);
  });

  it('the oracle covers every kind (so the table is not trivially one outcome)', () => {
    const kinds = new Set(CASES.map((c) => oracle(c.input, c.inside).kind));
    expect([...kinds].sort()).toEqual(['alert', 'none', 'propose', 'request', 'support-case']);
  });

  it.each(CASES)('$name', ({ input: i, inside }) => {
    const d = decide(i);
    expect(outcome(d)).toEqual(oracle(i, inside));
    expect(typeof d.reason).toBe('string');
    expect(d.reason.trim().length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Focused tests
// ---------------------------------------------------------------------------------------------

/** An emergency-band auto_approve decision whose value is max(limit × multiplier, usage ÷ (1 − buffer)). */
function valueFor(limit: number, usage: number, multiplier: number, buffer = 0): number | null {
  const d = decide(input({ limit, usage, rule: { level: 'auto_approve', multiplier, buffer } }));
  return d.value;
}

describe('decide: rounding of the new value', () => {
  it.each([
    { name: '1537 → 1600', limit: 1000, usage: 1537, multiplier: 1, expected: 1600 },
    { name: '256 × 1.5 = 384 → 390', limit: 256, usage: 250, multiplier: 1.5, expected: 390 },
    { name: '62 × 1.6 = 99.2 → 100', limit: 62, usage: 60, multiplier: 1.6, expected: 100 },
    { name: '12.1 → 13 (whole numbers below 100)', limit: 10, usage: 12.1, multiplier: 1, expected: 13 },
    { name: '99 stays 99', limit: 95, usage: 99, multiplier: 1, expected: 99 },
    { name: '100 stays 100', limit: 96, usage: 100, multiplier: 1, expected: 100 },
    { name: '101 → 110', limit: 100, usage: 101, multiplier: 1, expected: 110 },
    { name: '999 → 1000', limit: 990, usage: 999, multiplier: 1, expected: 1000 },
    { name: '1000 stays 1000', limit: 960, usage: 1000, multiplier: 1, expected: 1000 },
    { name: '1001 → 1100', limit: 1000, usage: 1001, multiplier: 1, expected: 1100 },
    { name: '110 × 1.1 = 121 → 130', limit: 110, usage: 108, multiplier: 1.1, expected: 130 },
    {
      name: '100 × 1.1 = 110 (float noise) stays 110',
      limit: 100,
      usage: 99,
      multiplier: 1.1,
      expected: 110,
    },
    { name: '10001 → 11000', limit: 10000, usage: 10001, multiplier: 1, expected: 11000 },
    { name: '123456 → 130000', limit: 100000, usage: 123456, multiplier: 1, expected: 130000 },
    {
      name: 'buffer: 990 ÷ 0.8 = 1237.5 → 1300',
      limit: 1000,
      usage: 990,
      multiplier: 1,
      expected: 1300,
      buffer: 20,
    },
  ])('$name', ({ limit, usage, multiplier, expected, buffer }) => {
    expect(valueFor(limit, usage, multiplier, buffer ?? 0)).toBe(expected);
  });

  it('agrees with the spec rounding for every usage from 2 to 20000 (and n + 0.3)', () => {
    const wrong: string[] = [];
    for (let n = 2; n <= 20_000; n++) {
      for (const usage of [n, n + 0.3]) {
        const got = valueFor(1, usage, 1);
        const want = specRound(usage);
        if (got !== want) wrong.push(`${usage}: got ${got}, want ${want}`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  it('rounds large values up to two significant figures', () => {
    for (const [usage, want] of [
      [999_999, 1_000_000],
      [1_000_001, 1_100_000],
      [45_000_001, 46_000_000],
      [1e12 + 1, 1.1e12],
    ] as const) {
      expect(valueFor(1, usage, 1)).toBe(want);
    }
  });
});

describe('decide: the ceiling', () => {
  // limit 1000, usage 990 (emergency), × 1.2 and 20% buffer → 1300 wanted.
  const at = (maxValue: number | null) =>
    decide(input({ limit: 1000, usage: 990, rule: { level: 'auto_approve', maxValue } }));

  it('without a ceiling asks for the wanted value', () => {
    expect(at(null)).toMatchObject({ kind: 'request', value: 1300 });
  });

  it('caps the value at the ceiling', () => {
    expect(at(1250)).toMatchObject({ kind: 'request', action: 'increase', value: 1250 });
    expect(at(1001)).toMatchObject({ kind: 'request', value: 1001 });
  });

  it('a ceiling above the wanted value does not raise it', () => {
    expect(at(5000)).toMatchObject({ kind: 'request', value: 1300 });
  });

  it.each([1000, 900, 0])(
    'a ceiling of %i (≤ the limit 1000) gives no action, the alert still goes out',
    (max) => {
      const d = at(max);
      expect(outcome(d)).toEqual({
        kind: 'alert',
        band: 'emergency',
        alert: 'emergency',
        muted: false,
        action: null,
        value: null,
        cost: null,
      });
    },
  );

  it('a ceiling at the limit gives no proposal either', () => {
    const d = decide(
      input({ limit: 1000, usage: 990, rule: { level: 'auto_request', maxValue: 1000 }, unitPrice: 1 }),
    );
    expect(d.kind).toBe('alert');
    expect(d.value).toBeNull();
  });
});

describe('decide: never a decrease', () => {
  it('a multiplier below 1 that would ask for less than the limit gives no action', () => {
    const d = decide(
      input({ limit: 1000, usage: 990, rule: { level: 'full_auto', multiplier: 0.5, buffer: 0 } }),
    );
    expect(d.kind).toBe('alert');
    expect(d.value).toBeNull();
    expect(d.action).toBeNull();
  });

  it('a wanted value equal to the limit gives no action', () => {
    const d = decide(
      input({ limit: 1000, usage: 1000, rule: { level: 'full_auto', multiplier: 1, buffer: 0 } }),
    );
    expect(d.kind).toBe('alert');
    expect(d.value).toBeNull();
  });

  it('usage above the limit still asks for more than the limit', () => {
    const d = decide(
      input({ limit: 1000, usage: 1200, rule: { level: 'full_auto', multiplier: 0.5, buffer: 0 } }),
    );
    expect(d).toMatchObject({ kind: 'request', value: 1200 });
  });
});

describe('decide: forecast basis', () => {
  it('a forecast at 95% triggers while current usage is 50%, and the value uses the forecast', () => {
    // 950 ÷ (1 − 0.3) = 1357.1 → 1400 (current usage alone would give max(1200, 714) = 1200).
    const d = decide(
      input({ limit: 1000, usage: 500, forecastUsage: 950, rule: { level: 'auto_approve', buffer: 30 } }),
    );
    expect(d.basis).toBe('forecast');
    expect(d.band).toBe('emergency');
    expect(d.utilization).toBeCloseTo(95, 6);
    expect(d).toMatchObject({ kind: 'request', alert: 'emergency', value: 1400 });
    expect(d.reason).toMatch(/forecast/i);
  });

  it('a forecast below current usage leaves the basis current', () => {
    const d = decide(input({ limit: 1000, usage: 900, forecastUsage: 600, rule: { level: 'alert_only' } }));
    expect(d.basis).toBe('current');
    expect(d.band).toBe('critical');
    expect(d.utilization).toBeCloseTo(90, 6);
    expect(d.reason).not.toMatch(/forecast/i);
  });

  it('no forecast (null or absent) is the current basis', () => {
    for (const forecastUsage of [null, undefined]) {
      const d = decide(input({ limit: 1000, usage: 800, forecastUsage, rule: { level: 'alert_only' } }));
      expect(d.basis).toBe('current');
      expect(d.band).toBe('warning');
      expect(d.utilization).toBeCloseTo(80, 6);
    }
  });

  it('monitor_only reports the forecast band but does nothing', () => {
    const d = decide(input({ limit: 1000, usage: 100, forecastUsage: 990, rule: { level: 'monitor_only' } }));
    expect(outcome(d)).toEqual({
      kind: 'none',
      band: 'emergency',
      alert: null,
      muted: false,
      action: null,
      value: null,
      cost: null,
    });
    expect(d.basis).toBe('forecast');
    expect(d.reason.length).toBeGreaterThan(0);
  });
});

describe('decide: bands at the thresholds', () => {
  it.each([
    [699, 'ok'],
    [700, 'warning'],
    [849, 'warning'],
    [850, 'critical'],
    [949, 'critical'],
    [950, 'emergency'],
    [1500, 'emergency'],
  ] as const)('usage %i of 1000 is %s', (usage, band) => {
    expect(decide(input({ usage, rule: { level: 'monitor_only' } })).band).toBe(band);
  });
});

describe('decide: alert dedupe', () => {
  const recently = new Date(WEDNESDAY_MORNING.getTime() - 10 * MINUTE);
  const longAgo = new Date(WEDNESDAY_MORNING.getTime() - 2 * HOUR);
  const alertOnly = (usage: number, state: Partial<DecisionState>, rule: Partial<RuleSettings> = {}) =>
    decide(input({ usage, rule: { level: 'alert_only', ...rule }, state }));

  it('same band, alerted recently → no alert', () => {
    const d = alertOnly(900, { band: 'critical', lastAlert: { band: 'critical', at: recently } });
    expect(d.alert).toBeNull();
    expect(d.kind).toBe('none');
    expect(d.muted).toBe(false);
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it('a lower band than before, alerted recently → no alert', () => {
    const d = alertOnly(800, { band: 'critical', lastAlert: { band: 'critical', at: recently } });
    expect(d.band).toBe('warning');
    expect(d.alert).toBeNull();
    expect(d.kind).toBe('none');
  });

  it('entering a higher band → alert even within the cooldown', () => {
    const d = alertOnly(960, { band: 'critical', lastAlert: { band: 'critical', at: recently } });
    expect(d).toMatchObject({ kind: 'alert', alert: 'emergency', muted: false });
  });

  it('cooldown passed since the last alert → reminder alert at the current band', () => {
    const d = alertOnly(900, { band: 'critical', lastAlert: { band: 'critical', at: longAgo } });
    expect(d).toMatchObject({ kind: 'alert', alert: 'critical' });
  });

  it('no previous alert → alert, even when the previous band was the same', () => {
    const d = alertOnly(900, { band: 'critical', lastAlert: null });
    expect(d).toMatchObject({ kind: 'alert', alert: 'critical' });
  });

  it('band ok never alerts, even with no previous alert', () => {
    const d = alertOnly(100, { band: 'ok', lastAlert: null });
    expect(d).toMatchObject({ kind: 'none', band: 'ok', alert: null, muted: false });
  });

  it('monitor_only never alerts', () => {
    const d = decide(input({ usage: 990, rule: { level: 'monitor_only' } }));
    expect(d).toMatchObject({ kind: 'none', band: 'emergency', alert: null, muted: false });
  });

  it('mute: the alert is decided but muted', () => {
    const d = alertOnly(900, { band: 'ok', lastAlert: null }, { mute: true });
    expect(d.alert).toBe('critical');
    expect(d.muted).toBe(true);
  });

  it('mute with nothing to alert → not muted', () => {
    const d = alertOnly(
      900,
      { band: 'critical', lastAlert: { band: 'critical', at: recently } },
      { mute: true },
    );
    expect(d.alert).toBeNull();
    expect(d.muted).toBe(false);
  });

  it('mute does not stop an action', () => {
    const d = decide(input({ usage: 990, rule: { level: 'auto_approve', mute: true } }));
    expect(d).toMatchObject({ kind: 'request', alert: 'emergency', muted: true, value: 1300 });
  });

  it('an alert alongside an action: the decision is the action, with the alert set', () => {
    const d = decide(input({ usage: 900, rule: { level: 'auto_approve' } }));
    expect(d).toMatchObject({ kind: 'request', alert: 'critical', action: 'increase', value: 1200 });
  });
});

describe('decide: nothing to measure', () => {
  it.each([
    { name: 'limit null', limit: null, usage: 10 },
    { name: 'usage null', limit: 100, usage: null },
    { name: 'both null', limit: null, usage: null },
    { name: 'limit 0', limit: 0, usage: 10 },
    { name: 'limit 0, usage 0', limit: 0, usage: 0 },
    { name: 'limit negative', limit: -5, usage: 10 },
  ])('$name → none, for every level', ({ limit, usage }) => {
    for (const level of LEVELS) {
      const d = decide(input({ limit, usage, forecastUsage: 10_000, rule: { level }, unitPrice: 1 }));
      expect(d.kind).toBe('none');
      expect(d.alert).toBeNull();
      expect(d.muted).toBe(false);
      expect(d.action).toBeNull();
      expect(d.value).toBeNull();
      expect(d.cost).toBeNull();
      expect(d.reason.trim().length).toBeGreaterThan(0);
    }
  });
});

describe('decide: action guards', () => {
  const critical = (state: Partial<DecisionState>) =>
    decide(input({ usage: 900, rule: { level: 'full_auto' }, state }));

  it('no last action at all → acts', () => {
    expect(critical({ lastActionAt: null })).toMatchObject({ kind: 'request', value: 1200 });
  });

  it('last action just beyond the cooldown → acts; just within → no action', () => {
    const now = WEDNESDAY_MORNING.getTime();
    expect(critical({ lastActionAt: new Date(now - HOUR - 1) }).kind).toBe('request');
    expect(critical({ lastActionAt: new Date(now - HOUR + 1) }).kind).toBe('alert');
  });

  it('an open request and a pending approval together → no action', () => {
    const d = critical({
      openRequest: { id: 'req-9', desiredValue: 1200 },
      pendingApproval: { id: 'apr-9', desiredValue: 1200 },
    });
    expect(d).toMatchObject({ kind: 'alert', action: null, value: null, cost: null });
  });
});

describe('decide: business hours', () => {
  const atNight = (
    usage: number,
    level: AutomationLevel,
    hours: BusinessHours = LONDON_OFFICE,
    now = WEDNESDAY_EVENING,
  ) => decide(input({ usage, rule: { level, businessHours: hours }, now, unitPrice: 0.5 }));

  it('20:00 on a weekday: critical does not act, emergency does', () => {
    expect(atNight(900, 'full_auto')).toMatchObject({ kind: 'alert', alert: 'critical', value: null });
    expect(atNight(800, 'full_auto')).toMatchObject({ kind: 'alert', alert: 'warning', value: null });
    expect(atNight(990, 'full_auto')).toMatchObject({ kind: 'request', value: 1300, cost: 150 });
  });

  it('outside hours a non-adjustable emergency opens a Support case', () => {
    const d = decide(
      input({
        usage: 990,
        adjustable: false,
        rule: { level: 'auto_approve', businessHours: LONDON_OFFICE },
        now: SATURDAY_MORNING,
      }),
    );
    expect(d).toMatchObject({ kind: 'support-case', action: 'support-case', value: 1300 });
  });

  it('proposals are made at any hour', () => {
    expect(atNight(900, 'auto_request')).toMatchObject({ kind: 'propose', action: 'increase', value: 1200 });
  });

  it('uses the time zone of the business hours, not UTC', () => {
    const newYork: BusinessHours = { ...LONDON_OFFICE, timeZone: 'America/New_York' };
    // 10:30Z is 05:30 in New York: outside. 15:30Z is 10:30 there: inside.
    expect(atNight(900, 'full_auto', newYork, new Date('2026-12-02T10:30:00Z')).kind).toBe('alert');
    expect(atNight(900, 'full_auto', newYork, new Date('2026-12-02T15:30:00Z')).kind).toBe('request');
    // 01:00Z on Saturday is Friday 20:00 in New York: outside; 21:00Z Friday is 16:00 there: inside.
    expect(atNight(900, 'full_auto', newYork, new Date('2026-12-05T01:00:00Z')).kind).toBe('alert');
    expect(atNight(900, 'full_auto', newYork, new Date('2026-12-04T21:00:00Z')).kind).toBe('request');
  });

  it('the end of business hours is exclusive, the start inclusive', () => {
    expect(atNight(900, 'full_auto', LONDON_OFFICE, new Date('2026-12-02T17:00:00Z')).kind).toBe('alert');
    expect(atNight(900, 'full_auto', LONDON_OFFICE, new Date('2026-12-02T09:00:00Z')).kind).toBe('request');
  });
});

describe('decide: cost', () => {
  const critical = (unitPrice: number | null, costThreshold: number | null) =>
    decide(input({ usage: 900, rule: { level: 'full_auto', costThreshold }, unitPrice }));

  it('is (value − limit) × unit price', () => {
    expect(critical(0.25, null)).toMatchObject({ kind: 'request', value: 1200, cost: 50 });
  });

  it('is null without a unit price, and then the threshold does not make a proposal', () => {
    expect(critical(null, 0)).toMatchObject({ kind: 'request', value: 1200, cost: null });
  });

  it('a cost equal to the threshold is not above it', () => {
    expect(critical(0.5, 100)).toMatchObject({ kind: 'request', cost: 100 });
    expect(critical(0.5, 99.99)).toMatchObject({ kind: 'propose', action: 'increase', cost: 100 });
  });

  it('a non-adjustable quota over the threshold is a proposal of a Support case', () => {
    const d = decide(
      input({
        usage: 900,
        adjustable: false,
        rule: { level: 'auto_approve', costThreshold: 10 },
        unitPrice: 1,
      }),
    );
    expect(d).toMatchObject({ kind: 'propose', action: 'support-case', value: 1200, cost: 200 });
  });
});
