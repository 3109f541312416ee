/**
 * One pass of the policy engine over what the store holds: every configured target's newest
 * limits and usage, each quota matched to its rule, decided (`decide`, pure), then acted on at
 * the edge (alerts to the outbox, proposals to approvals, requests and Support cases through the
 * requests module). Everything that changes something is written to the audit trail; a dry run
 * decides the same way and writes nothing.
 *
 * Before acting on anything the pass checks the rules against the limits they apply to: a ceiling
 * (maxValue) below a quota's limit is a rule error, and the engine then acts on nothing.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { SweepTarget } from '../collect/sweep.js';
import type { Approval } from '../domain/approval.js';
import { type AuditInput, canonicalJson } from '../domain/audit.js';
import { ConfigError } from '../domain/errors.js';
import type { AlertMessage, Notification, QuotaState } from '../domain/engine.js';
import { firstOfEachQuota, type Quota, quotaKey, usageByQuota } from '../domain/quota.js';
import type { HeadroomEvent } from '../domain/event.js';
import { FORECAST_HISTORY_MS, type Forecast, forecastUsage, type UsagePoint } from '../forecast/forecast.js';
import { detectSpike, type Spike } from '../forecast/spike.js';
import { OPEN_STATUSES, type QuotaRequestRecord } from '../domain/request.js';
import { chooseRule, type Rule, type RuleSettings } from '../domain/rule.js';
import { GLOBAL_QUOTA_HOME_REGION, type Target, targetKey } from '../domain/target.js';
import { notificationsFor } from '../notify/deliver.js';
import { carryOut, type ActionOutcome, type EngineDeps } from './actions.js';
import { expireApprovals, newApprovalId } from './approvals.js';
import { type Decision, decide, type DecisionState, FRESH_STATE, wantedValue } from './decide.js';

export interface EngineOptions {
  /** Decide, but write and file nothing. */
  readonly dryRun: boolean;
  /** The targets to evaluate (already resolved from the inventory). */
  readonly targets: readonly SweepTarget[];
  /** Who runs it, recorded as the proposer and requester (`engine (user@host)`). */
  readonly operator: string;
  readonly now?: Date;
}

/** One quota's evaluation in a pass. */
export interface Evaluation {
  readonly target: Target;
  readonly accountName: string | null;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly limit: number | null;
  readonly usage: number | null;
  /** The rule that applied ('defaults' when none matched). */
  readonly rule: string;
  readonly decision: Decision;
  /** The band changed since the last pass. */
  readonly changed: boolean;
  /** What came of the action, when one was taken (not on a dry run). */
  readonly outcome: ActionOutcome | null;
  /** The approval proposed, when one was. */
  readonly approvalId: string | null;
  /** The channels the alert was queued for. */
  readonly notified: readonly string[];
  /** The usage forecast, in words, when there was one. */
  readonly forecast: string | null;
}

/**
 * A quota of a dependent service (engine.dependencies) the pass proposes to raise because it
 * raised (or proposed to raise) a quota of the service that depends on it, in the same target.
 */
export interface DependentRaise {
  readonly target: Target;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly limit: number;
  readonly usage: number;
  /** Percent of the limit. */
  readonly utilization: number;
  readonly value: number;
  /** SERVICE/CODE of the quota whose raise it follows. */
  readonly because: string;
  readonly rule: string;
  /** proposed (an approval), would-propose (a dry run), recorded (its rule only monitors or alerts). */
  readonly outcome: 'proposed' | 'would-propose' | 'recorded';
  readonly approvalId: string | null;
  readonly reason: string;
}

/** A usage spike the pass found: the Quota Usage Spike event it makes, to be handled as any event. */
export interface SpikeFound {
  readonly target: Target;
  readonly accountName: string | null;
  readonly quotaName: string;
  readonly spike: Spike;
  readonly event: Extract<HeadroomEvent, { 'detail-type': 'Quota Usage Spike' }>;
}

export interface EngineReport {
  readonly at: Date;
  readonly dryRun: boolean;
  /** Quotas evaluated (with a limit and usage). */
  readonly evaluated: number;
  /** Every evaluation above ok, or that changed, or that did something. */
  readonly evaluations: readonly Evaluation[];
  readonly counts: Readonly<Record<Decision['kind'], number>>;
  /** Approvals that expired in this pass. */
  readonly expired: readonly string[];
  /** Raises proposed for quotas of dependent services (engine.dependencies) of the quotas raised. */
  readonly dependents: readonly DependentRaise[];
  /** New usage spikes (not yet handled: the caller sends each event on). */
  readonly spikes: readonly SpikeFound[];
  /** Audit entries written. */
  readonly audited: number;
}

/** One quota as the pass reads it. */
interface Subject {
  readonly target: SweepTarget;
  readonly quota: Quota;
  readonly usage: number | null;
  readonly limitsAt: Date;
  /** Its usage forecast at the engine's horizon, when its history allows one. */
  readonly forecast: Extract<Forecast, { status: 'ok' }> | null;
  /** The spike its newest reading starts, when it starts one. */
  readonly spike: Spike | null;
}

export const DEFAULT_RULE_NAME = 'defaults';

/** The rule a quota gets: its most specific rule's settings, else engine.defaults. */
export function ruleFor(
  rules: readonly Rule[],
  defaults: RuleSettings,
  target: SweepTarget,
  quota: Pick<Quota, 'serviceCode' | 'quotaCode' | 'quotaName'>,
): { name: string; settings: RuleSettings; rule: Rule | null } {
  const { rule } = chooseRule(rules, {
    accountId: target.target.accountId,
    accountName: target.accountName,
    region: target.target.region,
    serviceCode: quota.serviceCode,
    quotaCode: quota.quotaCode,
    quotaName: quota.quotaName,
  });
  return rule === null
    ? { name: DEFAULT_RULE_NAME, settings: defaults, rule }
    : { name: rule.name, settings: rule, rule };
}

/** What `decide` needs to know of a quota: its stored state, and what is open for it. */
export function decisionState(
  stored: QuotaState | undefined,
  openRequest: Pick<QuotaRequestRecord, 'id' | 'desiredValue'> | undefined,
  pendingApproval: Pick<Approval, 'id' | 'desiredValue'> | undefined,
): DecisionState {
  return {
    ...FRESH_STATE,
    band: stored?.band ?? 'ok',
    lastAlert:
      stored?.lastAlertBand && stored.lastAlertAt
        ? { band: stored.lastAlertBand, at: stored.lastAlertAt }
        : null,
    lastActionAt: stored?.lastActionAt ?? null,
    openRequest: openRequest ? { id: openRequest.id, desiredValue: openRequest.desiredValue } : null,
    pendingApproval: pendingApproval
      ? { id: pendingApproval.id, desiredValue: pendingApproval.desiredValue }
      : null,
  };
}

/** `engine (user@host)`: who the engine acts as. */
export function engineActor(operator = `headroom@${hostname()}`): string {
  return `engine (${operator})`;
}

function stateKey(target: Target, quota: { serviceCode: string; quotaCode: string }): string {
  return `${targetKey(target)} ${quotaKey(quota)}`;
}

/** Where a quota's requests are filed and its state kept: a global quota's home region. */
function homeOf(target: Target, quota: Pick<Quota, 'global'>): Target {
  return quota.global ? { accountId: target.accountId, region: GLOBAL_QUOTA_HOME_REGION } : target;
}

/** The quotas of the targets, one per quota; a global quota once per account (its home region's reading when there is one). */
async function readSubjects(
  deps: EngineDeps,
  targets: readonly SweepTarget[],
  now: Date,
): Promise<Subject[]> {
  const wanted = new Map(targets.map((t) => [targetKey(t.target), t]));
  const { forecastHorizonMs: horizonMs, spikes } = deps.config.engine;
  const subjects: Subject[] = [];
  const globals = new Map<string, Subject>();
  for (const stored of await deps.store.latestSnapshots()) {
    const target = wanted.get(targetKey(stored.target));
    if (target === undefined || stored.limits === undefined) continue;
    const samples = usageByQuota(stored.usage?.samples ?? []);
    const histories =
      horizonMs > 0 || spikes.enabled
        ? await deps.store.usageHistories(stored.target, new Date(now.getTime() - FORECAST_HISTORY_MS))
        : new Map<string, UsagePoint[]>();
    for (const quota of firstOfEachQuota(stored.limits.quotas)) {
      const key = quotaKey(quota);
      const history = histories.get(key);
      const forecast =
        history === undefined || quota.value === null || horizonMs === 0
          ? null
          : forecastUsage(history, { horizonMs, limit: quota.value, now });
      const subject: Subject = {
        target,
        quota,
        usage: samples.get(key)?.value ?? null,
        limitsAt: stored.limits.collectedAt,
        forecast: forecast?.status === 'ok' ? forecast : null,
        spike:
          history !== undefined && spikes.enabled && stored.usage !== undefined
            ? detectSpike(readingLast(history, samples.get(key), stored.usage.collectedAt), spikes)
            : null,
      };
      if (!quota.global) {
        subjects.push(subject);
        continue;
      }
      const globalKey = `${target.target.accountId} ${key}`;
      const held = globals.get(globalKey);
      if (
        held === undefined ||
        (held.target.target.region !== GLOBAL_QUOTA_HOME_REGION &&
          target.target.region === GLOBAL_QUOTA_HOME_REGION)
      ) {
        globals.set(globalKey, subject);
      }
    }
  }
  return [...subjects, ...globals.values()];
}

/**
 * The history with this pass's reading last, which spike detection judges. History is ordered by
 * when each peak was observed, and an earlier collection's peak can fall later in its window than
 * the newest collection's does.
 */
function readingLast(
  history: readonly UsagePoint[],
  reading: { value: number; observedAt: Date | null } | undefined,
  collectedAt: Date,
): UsagePoint[] {
  if (reading === undefined) return [...history];
  const at = reading.observedAt ?? collectedAt;
  let index = -1;
  for (let i = history.length - 1; i >= 0; i--) {
    const p = history[i] as UsagePoint;
    if (p.at.getTime() === at.getTime() && p.value === reading.value) {
      index = i;
      break;
    }
  }
  const rest = index < 0 ? history : [...history.slice(0, index), ...history.slice(index + 1)];
  return [...rest, { at, value: reading.value }];
}

/**
 * Rules whose ceiling is below the limit of a quota they apply to: the first such, as a one-line
 * ConfigError naming the rule's file, the rule and the field.
 */
function checkCeilings(deps: EngineDeps, subjects: readonly Subject[]): void {
  const { rules } = deps.config.engine;
  for (const s of subjects) {
    if (s.quota.value === null) continue;
    const { rule, settings } = ruleFor(rules, deps.config.engine.defaults, s.target, s.quota);
    if (settings.maxValue === null || settings.maxValue >= s.quota.value) continue;
    const where = rule === null ? 'engine.defaults' : `${rule.file}: rules.${rule.index} (${rule.name})`;
    throw new ConfigError(
      'HR_CONFIG_RULE_CEILING',
      `${where}.maxValue (${settings.maxValue}) is below the limit ${s.quota.value} of ${quotaKey(s.quota)} in ${targetKey(s.target.target)}; the engine acted on nothing`,
      {
        hint: `raise maxValue to at least ${s.quota.value}, or narrow the rule's match so it leaves ${quotaKey(s.quota)} out`,
      },
    );
  }
}

function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'none':
      return 'no action';
    case 'alert':
      return `alert at ${d.band}`;
    case 'propose':
      return `proposed ${d.action === 'support-case' ? 'a Support case for' : 'an increase to'} ${d.value ?? '?'} (waits for approval)`;
    case 'request':
      return `requested an increase to ${d.value ?? '?'}`;
    case 'support-case':
      return `opened a Support case for ${d.value ?? '?'}`;
  }
}

export async function runEngine(deps: EngineDeps, options: EngineOptions): Promise<EngineReport> {
  const now = options.now ?? new Date();
  const { config, store } = deps;
  const actor = engineActor(options.operator);
  const subjects = await readSubjects(deps, options.targets, now);
  checkCeilings(deps, subjects);

  const audit: AuditInput[] = [];
  if (!options.dryRun) audit.push(...(await rulesChange(deps, actor, now)));
  const expired = options.dryRun ? [] : await expireApprovals(deps, now, audit);

  const states = new Map((await store.quotaStates()).map((s) => [stateKey(s.target, s), s]));
  const open = new Map<string, QuotaRequestRecord>();
  for (const r of await store.listRequests({ statuses: [...OPEN_STATUSES, 'QUEUED'] })) {
    const key = stateKey(r.target, r);
    if (!open.has(key)) open.set(key, r);
  }
  const pending = new Map<string, Approval>();
  for (const a of await store.listApprovals({ statuses: ['PENDING'] })) pending.set(stateKey(a.target, a), a);

  const evaluations: Evaluation[] = [];
  const newStates: QuotaState[] = [];
  const outbox: Notification[] = [];
  const counts: Record<Decision['kind'], number> = {
    none: 0,
    alert: 0,
    propose: 0,
    request: 0,
    'support-case': 0,
  };
  let evaluated = 0;
  const spikes = subjects.flatMap((s) => (s.spike === null ? [] : [spikeFound(s, s.spike)]));
  /** The quotas this pass raises or proposes to raise, and the value. */
  const raised = new Map<string, { subject: Subject; value: number }>();

  for (const s of subjects) {
    if (s.quota.value === null || s.usage === null) continue;
    evaluated++;
    const home = homeOf(s.target.target, s.quota);
    const key = stateKey(home, s.quota);
    const stored = states.get(key);
    const { name, settings } = ruleFor(config.engine.rules, config.engine.defaults, s.target, s.quota);
    const state = decisionState(stored, open.get(key), pending.get(key));
    const decision = decide({
      quota: { limit: s.quota.value, usage: s.usage, adjustable: s.quota.adjustable, unit: s.quota.unit },
      rule: settings,
      forecastUsage: s.forecast?.atHorizon.mean ?? null,
      state,
      now,
      unitPrice: priceOf(config.prices, s.quota),
    });
    counts[decision.kind]++;
    if (decision.kind !== 'none' && decision.kind !== 'alert' && decision.value !== null)
      raised.set(key, { subject: s, value: decision.value });
    const changed = decision.band !== state.band;
    const subject = `${targetKey(home)} ${quotaKey(s.quota)}`;
    const data = {
      account: home.accountId,
      region: home.region,
      service: s.quota.serviceCode,
      quota: s.quota.quotaCode,
      quotaName: s.quota.quotaName,
      limit: s.quota.value,
      usage: s.usage,
      utilization: decision.utilization === null ? null : Number(decision.utilization.toFixed(2)),
      rule: name,
      level: settings.level,
      band: decision.band,
      previousBand: state.band,
      decision: decision.kind,
      value: decision.value,
      cost: decision.cost,
      reason: decision.reason,
      basis: decision.basis,
      forecast: s.forecast?.explanation ?? null,
    };

    let outcome: ActionOutcome | null = null;
    let approvalId: string | null = null;
    let notified: string[] = [];
    let acted = false;
    if (!options.dryRun) {
      if (changed) {
        audit.push({
          at: now,
          kind: 'evaluation',
          actor,
          subject,
          summary: `${quotaKey(s.quota)} in ${targetKey(home)}: ${state.band} → ${decision.band} (${decision.utilization === null ? '?' : decision.utilization.toFixed(1)}% of ${s.quota.value}, rule ${name})`,
          data,
        });
      }
      if (decision.kind !== 'none') {
        audit.push({
          at: now,
          kind: 'decision',
          actor,
          subject,
          summary: `${quotaKey(s.quota)} in ${targetKey(home)}: ${describeDecision(decision)} (rule ${name})`,
          data,
        });
      }
      if (decision.kind === 'propose' && decision.value !== null && decision.action !== null) {
        const proposal = newProposal({
          target: home,
          quota: s.quota,
          action: decision.action,
          value: decision.value,
          cost: decision.cost,
          rule: name,
          actor,
          reason: decision.reason,
          now,
          ttlMs: config.engine.approvalTtlMs,
        });
        await store.saveApproval(proposal);
        approvalId = proposal.id;
        acted = true;
        audit.push({
          at: now,
          kind: 'approval',
          actor,
          subject: proposal.id,
          summary: `${proposal.id} proposed: ${quotaKey(s.quota)} in ${targetKey(home)} ${s.quota.value} → ${decision.value}${decision.cost === null ? '' : ` (~${decision.cost.toFixed(2)}/month)`}, expires ${proposal.expiresAt.toISOString()}`,
          data: {
            ...data,
            approval: proposal.id,
            status: 'PENDING',
            expiresAt: proposal.expiresAt.toISOString(),
          },
        });
      }
      if ((decision.kind === 'request' || decision.kind === 'support-case') && decision.value !== null) {
        outcome = await carryOut(
          deps,
          {
            target: home,
            accountName: s.target.accountName,
            quota: s.quota,
            action: decision.kind === 'request' ? 'increase' : 'support-case',
            fromValue: s.quota.value,
            desiredValue: decision.value,
            rule: name,
            reason: decision.reason,
            requestedBy: actor,
            limitsAt: s.limitsAt,
          },
          { now, casesPerHour: config.engine.supportCasesPerHour },
        );
        acted = outcome.status !== 'held' && outcome.status !== 'failed';
        audit.push({
          at: now,
          kind: 'action',
          actor,
          subject,
          summary: `${quotaKey(s.quota)} in ${targetKey(home)}: ${outcome.status}: ${outcome.message}`,
          data: { ...data, outcome: outcome.status, message: outcome.message, request: outcome.requestId },
        });
      }
      if (decision.alert !== null) {
        notified = decision.muted ? [] : [...settings.notify];
        const message: AlertMessage = {
          kind: 'alert',
          band: decision.band,
          accountId: home.accountId,
          accountName: s.target.accountName,
          region: home.region,
          serviceCode: s.quota.serviceCode,
          quotaCode: s.quota.quotaCode,
          quotaName: s.quota.quotaName,
          limit: s.quota.value,
          usage: s.usage,
          utilization: data.utilization,
          rule: name,
          decision: outcome ? `${describeDecision(decision)}: ${outcome.status}` : describeDecision(decision),
          reason: decision.reason,
          at: now.toISOString(),
        };
        outbox.push(...notificationsFor(message, notified, now));
        if (decision.muted) {
          audit.push({
            at: now,
            kind: 'notification',
            actor,
            subject,
            summary: `${quotaKey(s.quota)} in ${targetKey(home)}: alert at ${decision.band} muted by rule ${name}`,
            data: { ...data, muted: true },
          });
        }
      }
      newStates.push({
        target: home,
        serviceCode: s.quota.serviceCode,
        quotaCode: s.quota.quotaCode,
        band: decision.band,
        lastAlertBand: decision.alert ?? (decision.band === 'ok' ? null : (stored?.lastAlertBand ?? null)),
        lastAlertAt:
          decision.alert !== null ? now : decision.band === 'ok' ? null : (stored?.lastAlertAt ?? null),
        lastActionAt: acted ? now : (stored?.lastActionAt ?? null),
        updatedAt: now,
      });
    }
    if (decision.band !== 'ok' || changed || decision.kind !== 'none') {
      evaluations.push({
        target: home,
        accountName: s.target.accountName,
        serviceCode: s.quota.serviceCode,
        quotaCode: s.quota.quotaCode,
        quotaName: s.quota.quotaName,
        limit: s.quota.value,
        usage: s.usage,
        rule: name,
        decision,
        changed,
        outcome,
        approvalId,
        notified,
        forecast: s.forecast?.explanation ?? null,
      });
    }
  }

  const dependents = await raiseDependents(deps, {
    subjects,
    raised,
    busy: (key) => raised.has(key) || open.has(key) || pending.has(key),
    actor,
    dryRun: options.dryRun,
    now,
    audit,
  });

  if (!options.dryRun) {
    // Only the quotas whose state moved are written: most of a fleet stays ok pass after pass.
    await store.saveQuotaStates(newStates.filter((n) => !sameState(states.get(stateKey(n.target, n)), n)));
    await store.enqueueNotifications(outbox);
    await store.appendAudit(audit);
  }
  return {
    at: now,
    dryRun: options.dryRun,
    evaluated,
    evaluations,
    counts,
    expired,
    dependents,
    spikes,
    audited: options.dryRun ? 0 : audit.length,
  };
}

/**
 * For each quota raised in the pass, the quotas of the services that depend on it
 * (engine.dependencies) in the same target whose utilization is at or above dependencyThreshold:
 * each proposed for a raise under its own rule (multiplier, buffer, ceiling), once, unless
 * something is open or pending for it already. A dependent whose rule only monitors or alerts is
 * recorded, not proposed.
 */
async function raiseDependents(
  deps: EngineDeps,
  pass: {
    subjects: readonly Subject[];
    raised: ReadonlyMap<string, { subject: Subject; value: number }>;
    busy: (key: string) => boolean;
    actor: string;
    dryRun: boolean;
    now: Date;
    audit: AuditInput[];
  },
): Promise<DependentRaise[]> {
  const { config, store } = deps;
  const { dependencies, dependencyThreshold } = config.engine;
  const byTarget = new Map<string, Subject[]>();
  for (const s of pass.subjects) {
    const home = targetKey(homeOf(s.target.target, s.quota));
    byTarget.set(home, [...(byTarget.get(home) ?? []), s]);
  }
  const found: DependentRaise[] = [];
  const chosen = new Set<string>();
  for (const { subject: cause } of pass.raised.values()) {
    const services = dependencies[cause.quota.serviceCode] ?? [];
    if (services.length === 0) continue;
    const home = homeOf(cause.target.target, cause.quota);
    for (const s of byTarget.get(targetKey(home)) ?? []) {
      if (!services.includes(s.quota.serviceCode) || s.quota.value === null || s.usage === null) continue;
      if (s.quota.value <= 0) continue;
      const key = stateKey(homeOf(s.target.target, s.quota), s.quota);
      if (chosen.has(key) || pass.busy(key)) continue;
      const utilization = (s.usage / s.quota.value) * 100;
      if (utilization < dependencyThreshold) continue;
      const { name, settings } = ruleFor(config.engine.rules, config.engine.defaults, s.target, s.quota);
      const wanted = wantedValue(s.quota.value, s.usage, settings);
      const value = settings.maxValue === null ? wanted : Math.min(wanted, settings.maxValue);
      if (value <= s.quota.value) continue;
      chosen.add(key);
      const target = homeOf(s.target.target, s.quota);
      const reason = `${quotaKey(cause.quota)} is being raised in ${targetKey(home)}, and ${s.quota.serviceCode} depends on it: ${quotaKey(s.quota)} is at ${utilization.toFixed(1)}% of ${s.quota.value} (dependencyThreshold ${dependencyThreshold}%); rule ${name} raises it to ${value}`;
      const records = settings.level === 'monitor_only' || settings.level === 'alert_only';
      const price = priceOf(config.prices, s.quota);
      let approvalId: string | null = null;
      if (!records && !pass.dryRun) {
        const proposal = newProposal({
          target,
          quota: s.quota,
          action: s.quota.adjustable ? 'increase' : 'support-case',
          value,
          cost: price === null ? null : (value - s.quota.value) * price,
          rule: name,
          actor: pass.actor,
          reason,
          now: pass.now,
          ttlMs: config.engine.approvalTtlMs,
        });
        await store.saveApproval(proposal);
        approvalId = proposal.id;
      }
      if (!pass.dryRun) {
        pass.audit.push({
          at: pass.now,
          kind: records ? 'decision' : 'approval',
          actor: pass.actor,
          subject: approvalId ?? `${targetKey(target)} ${quotaKey(s.quota)}`,
          summary: `${approvalId === null ? 'dependent raise recorded' : `${approvalId} proposed`}: ${quotaKey(s.quota)} in ${targetKey(target)} ${s.quota.value} → ${value}, following ${quotaKey(cause.quota)}`,
          data: {
            account: target.accountId,
            region: target.region,
            service: s.quota.serviceCode,
            quota: s.quota.quotaCode,
            limit: s.quota.value,
            usage: s.usage,
            value,
            because: quotaKey(cause.quota),
            rule: name,
            level: settings.level,
            reason,
            ...(approvalId === null ? {} : { approval: approvalId, status: 'PENDING' }),
          },
        });
      }
      found.push({
        target,
        serviceCode: s.quota.serviceCode,
        quotaCode: s.quota.quotaCode,
        quotaName: s.quota.quotaName,
        limit: s.quota.value,
        usage: s.usage,
        utilization,
        value,
        because: quotaKey(cause.quota),
        rule: name,
        outcome: records ? 'recorded' : pass.dryRun ? 'would-propose' : 'proposed',
        approvalId,
        reason,
      });
    }
  }
  return found;
}

/** A PENDING approval the engine proposes (a pass, a dependent's raise, a scaling event). */
export function newProposal(p: {
  target: Target;
  quota: Quota;
  action: Approval['action'];
  value: number;
  cost: number | null;
  rule: string;
  actor: string;
  reason: string;
  now: Date;
  ttlMs: number;
}): Approval {
  return {
    id: newApprovalId(),
    status: 'PENDING',
    target: p.target,
    serviceCode: p.quota.serviceCode,
    quotaCode: p.quota.quotaCode,
    quotaName: p.quota.quotaName,
    unit: p.quota.unit,
    global: p.quota.global,
    action: p.action,
    fromValue: p.quota.value ?? 0,
    desiredValue: p.value,
    estimatedCost: p.cost,
    rule: p.rule,
    proposedBy: p.actor,
    reason: p.reason,
    createdAt: p.now,
    expiresAt: new Date(p.now.getTime() + p.ttlMs),
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    requestId: null,
    outcome: null,
  };
}

/**
 * A spike as the event it makes. Its id is fixed by the quota and the reading, so the same spike
 * is one event however many passes see it.
 */
function spikeFound(s: Subject, spike: Spike): SpikeFound {
  const home = homeOf(s.target.target, s.quota);
  return {
    target: home,
    accountName: s.target.accountName,
    quotaName: s.quota.quotaName,
    spike,
    event: {
      version: '0',
      id: `spike-${home.accountId}-${home.region}-${s.quota.serviceCode}-${s.quota.quotaCode}-${Math.floor(spike.at.getTime() / 1000)}`,
      source: 'headroom.engine',
      'detail-type': 'Quota Usage Spike',
      time: spike.at.toISOString(),
      detail: {
        target: targetKey(home),
        quota: quotaKey(s.quota),
        usage: spike.usage,
        baseline: spike.baseline,
        severity: spike.severity,
      },
    },
  };
}

/**
 * An audit entry when the policy differs from the one the last pass recorded (its hash over the
 * rules, defaults and prices): which policy every later decision was made under.
 */
async function rulesChange(deps: EngineDeps, actor: string, now: Date): Promise<AuditInput[]> {
  const { rules, defaults, supportCasesPerHour, approvalTtlMs } = deps.config.engine;
  const policy = { rules, defaults, supportCasesPerHour, approvalTtlMs, prices: deps.config.prices };
  const hash = createHash('sha256').update(canonicalJson(policy)).digest('hex');
  const [last] = await deps.store.auditEntries({ kinds: ['rules'], limit: 1 });
  if (last?.data.hash === hash) return [];
  const files = [...new Set(rules.map((r) => r.file))];
  return [
    {
      at: now,
      kind: 'rules',
      actor,
      subject: 'rules',
      summary: `${last === undefined ? 'policy' : 'policy changed'}: ${rules.length} rules${files.length > 0 ? ` from ${files.join(', ')}` : ''}; defaults ${defaults.level} (policy ${hash.slice(0, 12)})`,
      data: {
        hash,
        previous: last?.data.hash ?? null,
        rules: rules.map((r) => ({ name: r.name, file: r.file, level: r.level })),
        policy,
      },
    },
  ];
}

function sameState(before: QuotaState | undefined, after: QuotaState): boolean {
  if (before === undefined)
    return after.band === 'ok' && after.lastActionAt === null && after.lastAlertAt === null;
  return (
    before.band === after.band &&
    before.lastAlertBand === after.lastAlertBand &&
    before.lastAlertAt?.getTime() === after.lastAlertAt?.getTime() &&
    before.lastActionAt?.getTime() === after.lastActionAt?.getTime()
  );
}

/** The monthly price of one unit of a quota: `SERVICE/CODE`, else `SERVICE/*`; null when the table has neither. */
export function priceOf(
  prices: Readonly<Record<string, number>>,
  quota: { serviceCode: string; quotaCode: string },
): number | null {
  return prices[quotaKey(quota)] ?? prices[`${quota.serviceCode}/*`] ?? null;
}
