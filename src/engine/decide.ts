/**
 * The engine's decision, as a pure function: a quota's utilization (current, and forecast once
 * there is one), the rule that applies and what the engine remembers of the quota → what to do,
 * with the reason in words. Nothing here reads a clock, a store or AWS: the caller passes `now`
 * and the state, which is what makes every combination table-testable (decide.test.ts).
 *
 * The semantics (sharpened from REL01-BP05):
 * - monitor_only records; alert_only alerts; auto_request proposes an increase that waits for a
 *   person; auto_approve requests at critical and above; full_auto also acts at warning.
 * - An alert goes out when the quota enters a higher band, or when the cooldown has passed since
 *   the last alert and it is still in a band: one alert per quota per band, not one per pass.
 * - The new value is the larger of limit × multiplier and usage ÷ (1 − buffer), rounded up for
 *   the unit (whole numbers; two significant figures from 100 up), capped by the ceiling; never a
 *   decrease, never while a request or an approval for the quota is open, never within the
 *   cooldown of the last action.
 * - Outside business hours only emergencies act; proposals (which wait for a person) are made at
 *   any hour.
 * - With approvalRequired, or an estimated cost above the cost threshold, an action becomes a
 *   proposal. A quota the API cannot raise gets a Support case (or a proposal of one).
 */
import {
  type Band,
  bandRank,
  describeHours,
  inBusinessHours,
  type RuleSettings,
  type Thresholds,
} from '../domain/rule.js';

/** An increase through Service Quotas, or a Support case for a quota the API cannot raise. */
export type ActionKind = 'increase' | 'support-case';

export type DecisionKind = 'none' | 'alert' | 'propose' | 'request' | 'support-case';

export interface DecisionQuota {
  /** The limit in force; null when AWS shows none. */
  readonly limit: number | null;
  /** The usage now; null when nothing measures it. */
  readonly usage: number | null;
  readonly adjustable: boolean;
  readonly unit: string;
}

/** What the engine remembers of a quota, and what is open for it. */
export interface DecisionState {
  /** The band of the previous evaluation ('ok' when there was none). */
  readonly band: Band;
  /** The last alert sent (or muted) for the quota. */
  readonly lastAlert: { readonly band: Band; readonly at: Date } | null;
  /** The last action taken (request filed, case opened, proposal made). */
  readonly lastActionAt: Date | null;
  /** An increase request or Support case still open (or queued) at AWS. */
  readonly openRequest: { readonly id: string; readonly desiredValue: number } | null;
  /** A proposal still waiting for a person. */
  readonly pendingApproval: { readonly id: string; readonly desiredValue: number } | null;
}

export const FRESH_STATE: DecisionState = {
  band: 'ok',
  lastAlert: null,
  lastActionAt: null,
  openRequest: null,
  pendingApproval: null,
};

export interface DecisionInput {
  readonly quota: DecisionQuota;
  /** The predicted usage at the forecast horizon, once forecasting gives one. */
  readonly forecastUsage?: number | null;
  readonly rule: RuleSettings;
  readonly state: DecisionState;
  readonly now: Date;
  /** Monthly price of one unit of the quota, when the price table has one. */
  readonly unitPrice: number | null;
}

export interface Decision {
  readonly kind: DecisionKind;
  /** The band of the larger of current and forecast utilization. */
  readonly band: Band;
  /** Percent of the limit used (current or forecast, whichever triggered); null when unknown. */
  readonly utilization: number | null;
  readonly basis: 'current' | 'forecast';
  /** The band to alert at, when an alert goes out now. */
  readonly alert: Band | null;
  /** The alert would have gone out but the rule mutes it. */
  readonly muted: boolean;
  /** For propose: what the approval will do. */
  readonly action: ActionKind | null;
  /** The value asked for (propose, request, support-case). */
  readonly value: number | null;
  /** Estimated monthly cost of the increase: (value − limit) × unit price; null when unknown. */
  readonly cost: number | null;
  /** Why, in words. */
  readonly reason: string;
}

/** The band of a utilization (percent of the limit). */
export function bandOf(utilization: number, thresholds: Thresholds): Band {
  if (utilization >= thresholds.emergency) return 'emergency';
  if (utilization >= thresholds.critical) return 'critical';
  if (utilization >= thresholds.warning) return 'warning';
  return 'ok';
}

/** The band from which a level acts by itself (or proposes); null for levels that never act. */
export function actionBand(level: RuleSettings['level']): Band | null {
  switch (level) {
    case 'monitor_only':
    case 'alert_only':
      return null;
    case 'auto_request':
    case 'auto_approve':
      return 'critical';
    case 'full_auto':
      return 'warning';
  }
}

/** Rounds a wanted limit up for the unit: whole numbers, and two significant figures from 100 up. */
export function roundUp(value: number): number {
  const whole = Math.ceil(value - 1e-9);
  if (whole < 100) return whole;
  const step = 10 ** (Math.floor(Math.log10(whole)) - 1);
  return Math.ceil(whole / step) * step;
}

/** The limit the rule asks for, before the ceiling: max(limit × multiplier, usage ÷ (1 − buffer)), rounded up. */
export function wantedValue(
  limit: number,
  usage: number,
  rule: Pick<RuleSettings, 'multiplier' | 'buffer'>,
): number {
  const byMultiplier = limit * rule.multiplier;
  const byUsage = rule.buffer >= 100 ? Infinity : usage / (1 - rule.buffer / 100);
  return roundUp(Math.max(byMultiplier, byUsage));
}

function percent(value: number): string {
  return `${Number(value.toFixed(1))}%`;
}

function money(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function decide(input: DecisionInput): Decision {
  const { quota, rule, state, now } = input;
  const base = {
    alert: null,
    muted: false,
    action: null,
    value: null,
    cost: null,
  } satisfies Partial<Decision>;

  const unknown =
    quota.limit === null
      ? 'AWS shows no limit for it'
      : quota.usage === null
        ? 'nothing measures its usage'
        : quota.limit <= 0
          ? `its limit is ${quota.limit}: nothing can be used, so nothing to watch`
          : null;
  if (unknown !== null || quota.limit === null || quota.usage === null) {
    return { ...base, kind: 'none', band: 'ok', utilization: null, basis: 'current', reason: unknown ?? '' };
  }
  const limit = quota.limit;

  // The larger of current and forecast utilization decides, and the decision says which.
  const forecast = input.forecastUsage ?? null;
  const basis = forecast !== null && forecast > quota.usage ? 'forecast' : 'current';
  const usage = basis === 'forecast' ? (forecast as number) : quota.usage;
  const utilization = (usage / limit) * 100;
  const band = bandOf(utilization, rule.thresholds);
  const where = `${basis === 'forecast' ? 'forecast ' : ''}utilization ${percent(utilization)} of ${limit}`;
  const withBand = { ...base, band, utilization, basis } as const;

  if (band === 'ok') {
    return {
      ...withBand,
      kind: 'none',
      reason: `${where} is below warning (${rule.thresholds.warning}%)`,
    };
  }
  const bandText = `${where} is at ${band} (≥ ${rule.thresholds[band]}%)`;
  if (rule.level === 'monitor_only') {
    return { ...withBand, kind: 'none', reason: `${bandText}; monitor_only records it` };
  }

  // The alert: on entering a higher band, or as a reminder once the cooldown has passed.
  const sinceAlert = state.lastAlert === null ? Infinity : now.getTime() - state.lastAlert.at.getTime();
  const entered = bandRank(band) > bandRank(state.band);
  const reminder = !entered && state.lastAlert !== null && sinceAlert >= rule.cooldownMs;
  const fresh = entered || reminder || state.lastAlert === null;
  const alert: Band | null = fresh ? band : null;
  const alertText =
    alert === null
      ? `alerted at ${state.lastAlert?.band ?? band} already`
      : rule.mute
        ? `alert at ${band} muted by the rule`
        : `alert at ${band}`;
  const alerting = { ...withBand, alert, muted: alert !== null && rule.mute };

  const from = actionBand(rule.level);
  const noAction = (why: string): Decision => ({
    ...alerting,
    kind: alert === null ? 'none' : 'alert',
    reason: `${bandText}; ${alertText}; ${why}`,
  });
  if (from === null) return noAction(`${rule.level} takes no action`);
  if (bandRank(band) < bandRank(from)) return noAction(`${rule.level} acts from ${from}`);

  if (state.openRequest !== null) {
    return noAction(`request ${state.openRequest.id} for ${state.openRequest.desiredValue} is still open`);
  }
  if (state.pendingApproval !== null) {
    return noAction(
      `approval ${state.pendingApproval.id} for ${state.pendingApproval.desiredValue} is still waiting`,
    );
  }
  if (state.lastActionAt !== null && now.getTime() - state.lastActionAt.getTime() < rule.cooldownMs) {
    return noAction(`the last action was at ${state.lastActionAt.toISOString()}, within the cooldown`);
  }

  const wanted = wantedValue(limit, usage, rule);
  const value = rule.maxValue === null ? wanted : Math.min(wanted, rule.maxValue);
  if (value <= limit) {
    return noAction(`the ceiling ${rule.maxValue ?? '?'} leaves no room above the limit ${limit}`);
  }
  const capped = value < wanted ? ` (capped by the ceiling; ${wanted} wanted)` : '';
  const cost = input.unitPrice === null ? null : (value - limit) * input.unitPrice;
  const action: ActionKind = quota.adjustable ? 'increase' : 'support-case';
  const what =
    action === 'increase'
      ? `an increase to ${value}${capped}`
      : `a Support case for ${value}${capped} (not adjustable through the API)`;

  const approvalWhy: string[] = [];
  if (rule.level === 'auto_request') approvalWhy.push('auto_request waits for approval');
  if (rule.approvalRequired) approvalWhy.push('the rule requires approval');
  if (cost !== null && rule.costThreshold !== null && cost > rule.costThreshold) {
    approvalWhy.push(`its estimated cost ${money(cost)}/month is above ${money(rule.costThreshold)}`);
  }
  const acting = { ...alerting, value, cost };
  if (approvalWhy.length > 0) {
    return {
      ...acting,
      kind: 'propose',
      action,
      reason: `${bandText}; ${alertText}; proposes ${what}: ${approvalWhy.join(', ')}`,
    };
  }
  if (band !== 'emergency' && !inBusinessHours(rule.businessHours, now)) {
    return noAction(
      `outside business hours (${describeHours(rule.businessHours as NonNullable<RuleSettings['businessHours']>)}) only emergencies act`,
    );
  }
  return {
    ...acting,
    kind: action === 'increase' ? 'request' : 'support-case',
    action,
    reason: `${bandText}; ${alertText}; ${rule.level} ${action === 'increase' ? 'requests' : 'opens'} ${what}`,
  };
}
