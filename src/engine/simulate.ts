/**
 * What the policy engine would have done over a stretch of stored history: each quota's readings
 * replayed hour by hour (one step per `stepMs`) through `decide` under the given rules, with the
 * state a real pass keeps (band, last alert, last action, pending proposal), spikes judged as the
 * pass judges them, and forecasts refitted every `forecastEveryMs` on the history up to that
 * moment. Pure: nothing is written, filed or sent.
 *
 * What it assumes, since history does not say: the limits are those stored now (raises made
 * during the stretch are not known); a request it files is approved at once (the limit becomes
 * its value from that step); a proposal waits for a person until it expires (approvalTtl); a
 * Support case changes no limit.
 */
import type { SweepTarget } from '../collect/sweep.js';
import type { Quota } from '../domain/quota.js';
import type { Band, Rule, RuleSettings } from '../domain/rule.js';
import type { Target } from '../domain/target.js';
import { FORECAST_HISTORY_MS, type Forecast, forecastUsage, type UsagePoint } from '../forecast/forecast.js';
import { detectSpike, type SpikeOptions, type SpikeSeverity } from '../forecast/spike.js';
import { type DecisionState, decide, FRESH_STATE } from './decide.js';
import { priceOf, ruleFor } from './run.js';

export type SimulatedKind = 'alert' | 'propose' | 'request' | 'support-case' | 'expired' | 'spike';

export const SIMULATED_KINDS: readonly SimulatedKind[] = [
  'alert',
  'propose',
  'request',
  'support-case',
  'expired',
  'spike',
];

/** One thing the engine would have done, when. */
export interface SimulatedEvent {
  readonly at: Date;
  readonly target: Target;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly kind: SimulatedKind;
  /** The band at that step. */
  readonly band: Band;
  /** For an alert: the band alerted at; whether the rule muted it. */
  readonly alert: Band | null;
  readonly muted: boolean;
  /** For a spike: how severe. */
  readonly severity: SpikeSeverity | null;
  readonly limit: number;
  readonly usage: number;
  /** Percent of the limit (current or forecast, as `basis` says). */
  readonly utilization: number | null;
  readonly basis: 'current' | 'forecast';
  /** For propose, request and support-case: the value asked for, and its monthly cost. */
  readonly value: number | null;
  readonly cost: number | null;
  readonly rule: string;
  readonly reason: string;
}

export interface SimulatedQuota {
  readonly target: SweepTarget;
  readonly quota: Quota;
  /** Its readings, oldest first (from 28 days before the stretch, for forecasts and baselines). */
  readonly history: readonly UsagePoint[];
}

export interface SimulationOptions {
  readonly from: Date;
  readonly to: Date;
  readonly stepMs: number;
  /** How often a quota's forecast is refitted during the replay (it is reused in between). */
  readonly forecastEveryMs: number;
  readonly engine: {
    readonly rules: readonly Rule[];
    readonly defaults: RuleSettings;
    readonly forecastHorizonMs: number;
    readonly approvalTtlMs: number;
    readonly spikes: SpikeOptions & { readonly enabled: boolean };
  };
  readonly prices: Readonly<Record<string, number>>;
}

export interface SimulatedLimit {
  readonly target: Target;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly from: number;
  readonly to: number;
}

export interface Simulation {
  readonly from: Date;
  readonly to: Date;
  readonly steps: number;
  /** Quotas replayed (with a limit and at least one reading in the stretch). */
  readonly quotas: number;
  /** Every event, in time order (then by target and quota). */
  readonly events: readonly SimulatedEvent[];
  readonly counts: Readonly<Record<SimulatedKind, number>>;
  /** The limits the simulated requests raised, from and to. */
  readonly raised: readonly SimulatedLimit[];
}

export function simulate(quotas: readonly SimulatedQuota[], options: SimulationOptions): Simulation {
  const steps = Math.max(0, Math.floor((options.to.getTime() - options.from.getTime()) / options.stepMs));
  const events: SimulatedEvent[] = [];
  const raised: SimulatedLimit[] = [];
  let replayed = 0;
  for (const subject of quotas) {
    const found = replay(subject, options, steps);
    if (found === null) continue;
    replayed++;
    events.push(...found.events);
    if (found.limit !== subject.quota.value) {
      raised.push({
        target: subject.target.target,
        serviceCode: subject.quota.serviceCode,
        quotaCode: subject.quota.quotaCode,
        from: subject.quota.value ?? 0,
        to: found.limit,
      });
    }
  }
  events.sort(
    (a, b) =>
      a.at.getTime() - b.at.getTime() ||
      `${a.target.accountId}:${a.target.region}`.localeCompare(`${b.target.accountId}:${b.target.region}`) ||
      `${a.serviceCode}/${a.quotaCode}`.localeCompare(`${b.serviceCode}/${b.quotaCode}`),
  );
  const counts = Object.fromEntries(SIMULATED_KINDS.map((k) => [k, 0])) as Record<SimulatedKind, number>;
  for (const e of events) counts[e.kind]++;
  return { from: options.from, to: options.to, steps, quotas: replayed, events, counts, raised };
}

/** One quota's replay: its events and its limit at the end; null when it has no limit or no reading in the stretch. */
function replay(
  subject: SimulatedQuota,
  options: SimulationOptions,
  steps: number,
): { events: SimulatedEvent[]; limit: number } | null {
  const { quota, target, history } = subject;
  if (quota.value === null) return null;
  const { engine } = options;
  const { name, settings } = ruleFor(engine.rules, engine.defaults, target, quota);
  const unitPrice = priceOf(options.prices, quota);
  const events: SimulatedEvent[] = [];
  let limit = quota.value;
  let state: DecisionState = FRESH_STATE;
  let pendingUntil: Date | null = null;
  let forecast: { at: number; value: Extract<Forecast, { status: 'ok' }> | null } | null = null;
  let lastSpikeAt = -Infinity;
  let next = 0; // the first reading not yet seen
  let first = 0; // the first reading inside the forecast window
  let evaluated = false;

  for (let step = 1; step <= steps; step++) {
    const now = new Date(options.from.getTime() + step * options.stepMs);
    const start = next;
    while (next < history.length && (history[next] as UsagePoint).at.getTime() <= now.getTime()) next++;
    // A reading in this step is what a collection would have given; none, and nothing is evaluated.
    const readings = history
      .slice(start, next)
      .filter((p) => p.at.getTime() > now.getTime() - options.stepMs);
    if (readings.length === 0) continue;
    evaluated = true;
    const usage = Math.max(...readings.map((p) => p.value));
    while (first < next && (history[first] as UsagePoint).at.getTime() < now.getTime() - FORECAST_HISTORY_MS)
      first++;
    const seen = history.slice(first, next);
    const event = (
      kind: SimulatedKind,
      fields: Partial<Omit<SimulatedEvent, 'kind'>> & { reason: string },
    ): SimulatedEvent => ({
      at: now,
      target: target.target,
      serviceCode: quota.serviceCode,
      quotaCode: quota.quotaCode,
      quotaName: quota.quotaName,
      kind,
      band: state.band,
      alert: null,
      muted: false,
      severity: null,
      limit,
      usage,
      utilization: (usage / limit) * 100,
      basis: 'current',
      value: null,
      cost: null,
      rule: name,
      ...fields,
    });

    if (pendingUntil !== null && now >= pendingUntil) {
      events.push(
        event('expired', {
          reason: `the proposal waited ${engine.approvalTtlMs / 3_600_000}h for a person and expired`,
        }),
      );
      state = { ...state, pendingApproval: null };
      pendingUntil = null;
    }
    if (engine.spikes.enabled) {
      const spike = detectSpike(seen, engine.spikes);
      if (spike !== null && spike.at.getTime() > lastSpikeAt) {
        lastSpikeAt = spike.at.getTime();
        events.push(
          event('spike', {
            severity: spike.severity,
            usage: spike.usage,
            reason: `usage spike: ${spike.usage} against a baseline of ${spike.baseline} (×${spike.ratio.toFixed(1)}, ${spike.severity})`,
          }),
        );
      }
    }
    if (
      engine.forecastHorizonMs > 0 &&
      (forecast === null || now.getTime() - forecast.at >= options.forecastEveryMs)
    ) {
      const fitted = forecastUsage(seen, { horizonMs: engine.forecastHorizonMs, limit, now });
      forecast = { at: now.getTime(), value: fitted.status === 'ok' ? fitted : null };
    }
    const decision = decide({
      quota: { limit, usage, adjustable: quota.adjustable, unit: quota.unit },
      rule: settings,
      forecastUsage: forecast?.value?.atHorizon.mean ?? null,
      state,
      now,
      unitPrice,
    });
    const base = {
      band: decision.band,
      utilization: decision.utilization,
      basis: decision.basis,
      reason: decision.reason,
    };
    if (decision.alert !== null) {
      events.push(event('alert', { ...base, alert: decision.alert, muted: decision.muted }));
    }
    const acted =
      decision.kind === 'propose' || decision.kind === 'request' || decision.kind === 'support-case';
    if (acted) {
      events.push(event(decision.kind, { ...base, value: decision.value, cost: decision.cost }));
    }
    if (decision.kind === 'propose' && decision.value !== null) {
      pendingUntil = new Date(now.getTime() + engine.approvalTtlMs);
    }
    state = {
      band: decision.band,
      lastAlert:
        decision.alert !== null
          ? { band: decision.alert, at: now }
          : decision.band === 'ok'
            ? null
            : state.lastAlert,
      lastActionAt: acted ? now : state.lastActionAt,
      openRequest: null,
      pendingApproval:
        decision.kind === 'propose' && decision.value !== null
          ? { id: `simulated-${step}`, desiredValue: decision.value }
          : state.pendingApproval,
    };
    // The request is taken as approved at once: the limit is its value from the next step.
    if (decision.kind === 'request' && decision.value !== null) limit = decision.value;
  }
  return evaluated ? { events, limit } : null;
}
