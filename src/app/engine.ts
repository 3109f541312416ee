/**
 * The jobs behind `headroom engine`, `rules`, `approvals` and `audit`, as functions of a Context:
 * one engine pass (and the alerts it queued, delivered), which rule applies to a quota and why,
 * what a person does with an approval, and the audit trail with its check.
 */
import type { SweepTarget } from '../collect/sweep.js';
import type { Approval, ApprovalFilter } from '../domain/approval.js';
import type { AuditEntry, AuditKind } from '../domain/audit.js';
import { InputError, UsageError } from '../domain/errors.js';
import { type Quota, quotaKey, splitQuotaKey, usageByQuota } from '../domain/quota.js';
import { isOpen } from '../domain/request.js';
import { chooseRule, type Rule, type RuleFit, type RuleSettings, SETTING_KEYS } from '../domain/rule.js';
import { GLOBAL_QUOTA_HOME_REGION, targetKey } from '../domain/target.js';
import { type AuditVerdict, verifyAudit } from '../audit/verify.js';
import * as approvals from '../engine/approvals.js';
import { type Decision, decide } from '../engine/decide.js';
import {
  decisionState,
  engineActor,
  type EngineReport,
  priceOf,
  runEngine,
  type SpikeFound,
} from '../engine/run.js';
import { deliverPending, type DeliverySummary } from '../notify/deliver.js';
import type { Context } from './context.js';
import { engineDeps } from './engine-deps.js';
import { type EventResult, handleEvent } from './events.js';
import { operator } from './requests.js';

export interface SpikeHandled {
  readonly spike: SpikeFound;
  /** What handling its event did (its alert); null when it had been handled before. */
  readonly result: EventResult | null;
}

export interface EngineRunResult {
  readonly report: EngineReport;
  /** The pass's new spikes, each handled as its Quota Usage Spike event. */
  readonly spikes: readonly SpikeHandled[];
  /** The alerts delivered (or left for a retry) after the pass; null on a dry run. */
  readonly delivery: DeliverySummary | null;
}

/**
 * One engine pass over the targets (every configured one when `specs` is empty), then a bounded
 * delivery of the alerts it queued: what cannot be delivered now stays in the outbox for the
 * next pass.
 */
export async function engineRun(
  ctx: Context,
  options: { specs: readonly string[]; dryRun: boolean; deliver?: boolean; now?: Date },
): Promise<EngineRunResult> {
  const targets = options.specs.length > 0 ? await ctx.resolveTargets(options.specs) : await ctx.targets();
  const deps = engineDeps(ctx);
  const report = await runEngine(deps, {
    dryRun: options.dryRun,
    targets,
    operator: operator(),
    ...(options.now ? { now: options.now } : {}),
  });
  const spikes = await handleSpikes(ctx, report, engineActor(operator()));
  const delivery =
    options.dryRun || options.deliver === false ? null : await deliverPending(deps, { rounds: 1, waitMs: 0 });
  return { report, spikes, delivery };
}

/**
 * Each spike a pass found, handled as the Quota Usage Spike event it is: recorded in the audit
 * trail and alerted under the quota's rule, once (a spike whose event is recorded already is
 * left alone, so passes that see the same reading do not repeat it).
 */
async function handleSpikes(ctx: Context, report: EngineReport, actor: string): Promise<SpikeHandled[]> {
  const handled: SpikeHandled[] = [];
  for (const spike of report.spikes) {
    const { id } = spike.event;
    const seen = await ctx.store.auditEntries({ kinds: ['event'], subject: id, limit: 1 });
    if (seen.some((e) => e.subject === id)) {
      handled.push({ spike, result: null });
      continue;
    }
    const result = await handleEvent(ctx, spike.event, { actor, dryRun: report.dryRun, now: report.at });
    handled.push({ spike, result });
  }
  return handled;
}

/** Where a rule's settings came from, setting by setting. */
export interface SettingOrigin {
  readonly setting: keyof RuleSettings;
  readonly value: unknown;
  readonly from: 'rule' | 'defaults';
}

export interface RuleExplanation {
  readonly quota: { serviceCode: string; quotaCode: string; quotaName: string | null };
  readonly target: SweepTarget;
  /** The rule that applies; null: none matched, so engine.defaults apply. */
  readonly rule: Rule | null;
  readonly settings: RuleSettings;
  readonly origins: readonly SettingOrigin[];
  /** Every rule and how it fits the quota. */
  readonly fits: readonly { rule: Rule; fit: RuleFit; chosen: boolean }[];
  /** What the engine would decide now, from the stored limit and usage (null when none is stored). */
  readonly now: { limit: number | null; usage: number | null; decision: Decision } | null;
}

/** Which rule applies to SERVICE/CODE in a target, why, and what the engine would do now. */
export async function explainRule(
  ctx: Context,
  quotaArgument: string,
  targetSpec: string,
): Promise<RuleExplanation> {
  const found = splitQuotaKey(quotaArgument);
  if (found === null) {
    throw new UsageError(`quota '${quotaArgument}' is not SERVICE/QUOTA_CODE`, {
      hint: 'write it as ec2/L-1216C47A (see `headroom quotas` for codes)',
    });
  }
  const { serviceCode, quotaCode } = found;
  const [target] = await ctx.resolveTargets([targetSpec]);
  if (target === undefined) throw new UsageError(`--target '${targetSpec}' names no target`);
  const limits = await ctx.store.latestLimitSnapshot(target.target);
  let quota: Quota | undefined = limits?.quotas.find(
    (q) => q.serviceCode === serviceCode && q.quotaCode === quotaCode,
  );
  let usageSnapshot = await ctx.store.latestUsageSnapshot(target.target);
  // A global quota is read in its home region.
  if (quota === undefined && target.target.region !== GLOBAL_QUOTA_HOME_REGION) {
    const home = { accountId: target.target.accountId, region: GLOBAL_QUOTA_HOME_REGION };
    const homeQuota = (await ctx.store.latestLimitSnapshot(home))?.quotas.find(
      (q) => q.serviceCode === serviceCode && q.quotaCode === quotaCode && q.global,
    );
    if (homeQuota) {
      quota = homeQuota;
      usageSnapshot = await ctx.store.latestUsageSnapshot(home);
    }
  }
  const { rules, defaults } = ctx.config.engine;
  const subject = {
    accountId: target.target.accountId,
    accountName: target.accountName,
    region: target.target.region,
    serviceCode,
    quotaCode,
    quotaName: quota?.quotaName ?? '',
  };
  const choice = chooseRule(rules, subject);
  const settings: RuleSettings = choice.rule ?? defaults;
  const own = new Set(choice.rule?.own ?? []);
  const origins = SETTING_KEYS.map((setting) => ({
    setting,
    value: settings[setting],
    from: own.has(setting) ? ('rule' as const) : ('defaults' as const),
  }));

  let now: RuleExplanation['now'] = null;
  if (quota !== undefined) {
    const usage = usageByQuota(usageSnapshot?.samples ?? []).get(quotaKey(quota))?.value ?? null;
    const home = quota.global
      ? { accountId: target.target.accountId, region: GLOBAL_QUOTA_HOME_REGION }
      : target.target;
    const state = (await ctx.store.quotaStates()).find(
      (s) => targetKey(s.target) === targetKey(home) && quotaKey(s) === quotaKey(quota),
    );
    const openRequest = (await ctx.store.listRequests({ target: home })).find(
      (r) => quotaKey(r) === quotaKey(quota) && (isOpen(r.status) || r.status === 'QUEUED'),
    );
    const pending = (await ctx.store.listApprovals({ statuses: ['PENDING'], target: home, quota })).at(0);
    const decision = decide({
      quota: { limit: quota.value, usage, adjustable: quota.adjustable, unit: quota.unit },
      rule: settings,
      state: decisionState(state, openRequest, pending),
      now: new Date(),
      unitPrice: priceOf(ctx.config.prices, quota),
    });
    now = { limit: quota.value, usage, decision };
  }
  return {
    quota: { serviceCode, quotaCode, quotaName: quota?.quotaName ?? null },
    target,
    rule: choice.rule,
    settings,
    origins,
    fits: choice.fits.map((f) => ({ ...f, chosen: f.rule === choice.rule })),
    now,
  };
}

export function listApprovals(ctx: Context, filter: ApprovalFilter): Promise<Approval[]> {
  return approvals.listApprovals(engineDeps(ctx), filter);
}

/** One approval (expiring it first if it is past due). */
export async function showApproval(ctx: Context, id: string): Promise<Approval> {
  await listApprovals(ctx, { statuses: ['PENDING'] });
  const found = await ctx.store.getApproval(id);
  if (!found) {
    throw new InputError('HR_APPROVAL_NOT_FOUND', `no approval ${id} is recorded`, {
      hint: 'list them with `headroom approvals list --all`; ids are ap- and 12 hex digits',
    });
  }
  return found;
}

export function approve(
  ctx: Context,
  id: string,
  by: string,
  reason: string | null,
): Promise<approvals.ApprovalResult> {
  return approvals.approve(engineDeps(ctx), id, by, reason);
}

export function deny(
  ctx: Context,
  id: string,
  by: string,
  reason: string,
): Promise<approvals.ApprovalResult> {
  return approvals.deny(engineDeps(ctx), id, by, reason);
}

export function auditTrail(
  ctx: Context,
  filter: { since?: Date; kinds?: readonly AuditKind[]; limit?: number },
): Promise<AuditEntry[]> {
  return ctx.store.auditEntries(filter);
}

export function verifyAuditTrail(ctx: Context): Promise<AuditVerdict> {
  return verifyAudit(ctx.store);
}

/** The engine as `headroom serve` runs it: a pass after each collection, alerts retried on a timer. */
export interface EngineLoop {
  /** One pass over the targets just collected; passes never overlap, and a failed one is logged, not thrown. */
  afterSweep(targets: readonly SweepTarget[]): Promise<void>;
  stop(): Promise<void>;
}

/** How often serve retries alerts that could not be delivered. */
const DELIVERY_INTERVAL_MS = 30_000;

export function engineLoop(ctx: Context): EngineLoop {
  const deps = engineDeps(ctx);
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const deliver = async () => {
    try {
      await deliverPending(deps, { rounds: 1, waitMs: 0 });
    } catch (error) {
      ctx.logger.error({ err: error }, 'engine: alert delivery failed; the next round tries again');
    }
  };
  const timer = setInterval(() => {
    chain = chain.then(deliver);
  }, DELIVERY_INTERVAL_MS);
  timer.unref();
  return {
    afterSweep(targets) {
      if (stopped || targets.length === 0) return chain;
      chain = chain.then(async () => {
        try {
          const report = await runEngine(deps, { dryRun: false, targets, operator: operator() });
          const spikes = await handleSpikes(ctx, report, engineActor(operator()));
          for (const { spike, result } of spikes) {
            if (result === null) continue;
            ctx.logger.warn(
              { event: spike.event.id, severity: spike.spike.severity, ratio: spike.spike.ratio },
              `engine: ${result.summary} (${spike.event.detail.quota} in ${spike.event.detail.target})`,
            );
          }
          const c = report.counts;
          ctx.logger.info(
            { evaluated: report.evaluated, ...c, expired: report.expired.length, audited: report.audited },
            `engine: ${report.evaluated} quotas evaluated: ${c.alert} alerts, ${c.propose} proposals, ${c.request} requests, ${c['support-case']} Support cases`,
          );
        } catch (error) {
          ctx.logger.error(
            { err: error },
            `engine: the pass acted on nothing: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        await deliver();
      });
      return chain;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
