/**
 * Events as headroom handles them (`headroom event send`, `POST /api/v1/events`): checked, written
 * to the audit trail (accepted or rejected, with why), then acted on under the rules:
 *  - a threshold or spike event alerts the channels of the quota's rule;
 *  - scaling up pre-raises the named quotas (and the measured quotas of the named services) by the
 *    factor, as the quota's rule allows: requested (auto_approve, full_auto), proposed
 *    (auto_request, approval or cost), or only recorded; scaling down never lowers anything;
 *  - a DR failover replicates the primary's quotas to the DR target through the replicate/apply
 *    path (its idempotency and caps);
 *  - a DR failback restores nothing: it lists what the failovers raised, which stays.
 */
import { randomBytes } from 'node:crypto';
import type { SweepTarget } from '../collect/sweep.js';
import type { AuditInput } from '../domain/audit.js';
import { HeadroomError, InputError } from '../domain/errors.js';
import { type HeadroomEvent, parseEvent } from '../domain/event.js';
import { firstOfEachQuota, quotaKey, splitQuotaKey, usageByQuota } from '../domain/quota.js';
import { targetKey } from '../domain/target.js';
import { carryOut } from '../engine/actions.js';
import { roundUp } from '../engine/decide.js';
import { newProposal, priceOf, ruleFor } from '../engine/run.js';
import { notificationsFor } from '../notify/deliver.js';
import type { Context } from './context.js';
import { replicate } from './compare.js';
import { engineDeps } from './engine-deps.js';
import { applyPlanObject } from './requests.js';

export interface EventAction {
  readonly target: string;
  readonly quota: string | null;
  /** filed, proposed, would-file, recorded, skipped, … */
  readonly outcome: string;
  readonly message: string;
  readonly requestId: string | null;
  readonly approvalId: string | null;
}

export interface EventResult {
  readonly id: string;
  readonly type: HeadroomEvent['detail-type'];
  readonly dryRun: boolean;
  readonly summary: string;
  readonly actions: readonly EventAction[];
  /** The replicate plan a failover carried out. */
  readonly planId: string | null;
}

/**
 * An event refused (HR_EVENT_INVALID, or HR_EVENT_NO_LIMITS when its target has nothing stored):
 * the field at fault and why. It is in the audit trail as rejected before it is thrown.
 */
export class EventRejected extends InputError {
  readonly field: string;

  constructor(
    field: string,
    message: string,
    options: { code?: `HR_EVENT_${string}`; hint?: string; cause?: unknown } = {},
  ) {
    super(options.code ?? 'HR_EVENT_INVALID', message, {
      hint: options.hint ?? 'see docs/events.md for each event type and its detail',
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.field = field;
  }
}

/** A configured target named by an event's field, or the event rejected naming that field. */
async function eventTarget(ctx: Context, spec: string, field: string): Promise<SweepTarget> {
  try {
    const [target] = await ctx.resolveTargets([spec], field);
    if (target !== undefined) return target;
  } catch (error) {
    if (error instanceof HeadroomError && error.exitCode === 2) {
      throw new EventRejected(field, error.message, {
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        cause: error,
      });
    }
    throw error;
  }
  throw new EventRejected(field, `${field} '${spec}' names no target`);
}

export function eventId(input: unknown): string {
  const given = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  return typeof given === 'string' && given !== ''
    ? given.slice(0, 128)
    : `ev-${randomBytes(6).toString('hex')}`;
}

/** Records an event as rejected (unless a dry run), then throws the rejection. */
export async function rejectEvent(
  ctx: Context,
  id: string,
  input: unknown,
  rejected: EventRejected,
  options: { actor: string; dryRun: boolean; now?: Date },
): Promise<never> {
  if (!options.dryRun) {
    await ctx.store.appendAudit([
      {
        at: options.now ?? new Date(),
        kind: 'event',
        actor: options.actor,
        subject: id,
        summary: `event ${id} rejected: ${rejected.message}`,
        data: {
          status: 'rejected',
          code: rejected.code,
          field: rejected.field,
          problem: rejected.message,
          input: (typeof input === 'string' ? input : JSON.stringify(input ?? null)).slice(0, 2000),
        },
      },
    ]);
  }
  throw rejected;
}

/** Checks, records and handles one event; a bad one is recorded as rejected and thrown (HR_EVENT_INVALID). */
export async function handleEvent(
  ctx: Context,
  input: unknown,
  options: { actor: string; dryRun: boolean; now?: Date },
): Promise<EventResult> {
  const now = options.now ?? new Date();
  const id = eventId(input);
  const reject = (rejected: EventRejected) => rejectEvent(ctx, id, input, rejected, { ...options, now });
  const parsed = parseEvent(input);
  if ('problem' in parsed) {
    const { field, problem } = parsed.problem;
    return reject(
      new EventRejected(field, `event ${id}: ${field} ${problem}`, {
        hint: 'see docs/events.md for each event type and its detail; the rejection is in the audit trail',
      }),
    );
  }
  const event = parsed.event;
  let handled: Handled;
  try {
    handled = await handle(ctx, event, id, options.dryRun, options.actor, now);
  } catch (error) {
    if (error instanceof EventRejected) return reject(error);
    throw error;
  }
  if (!options.dryRun) {
    const audit: AuditInput[] = [
      {
        at: now,
        kind: 'event',
        actor: options.actor,
        subject: id,
        summary: `event ${id} (${event['detail-type']}) accepted: ${handled.summary}`,
        data: { status: 'accepted', type: event['detail-type'], event, planId: handled.planId },
      },
      ...handled.actions.map((a): AuditInput => ({
        at: now,
        kind: 'action',
        actor: options.actor,
        subject: `${a.target}${a.quota ? ` ${a.quota}` : ''}`,
        summary: `event ${id}: ${a.quota ?? a.target}: ${a.outcome}: ${a.message}`,
        data: { event: id, ...a },
      })),
    ];
    await ctx.store.appendAudit(audit);
  }
  return { id, type: event['detail-type'], dryRun: options.dryRun, ...handled };
}

type Handled = Pick<EventResult, 'summary' | 'actions' | 'planId'>;

async function handle(
  ctx: Context,
  event: HeadroomEvent,
  id: string,
  dryRun: boolean,
  actor: string,
  now: Date,
): Promise<Handled> {
  switch (event['detail-type']) {
    case 'Quota Threshold Exceeded':
    case 'Quota Usage Spike':
      return alertFor(ctx, event, id, dryRun, now);
    case 'Infrastructure Scaling':
      return scale(ctx, event, dryRun, actor, now);
    case 'DR Failover':
      return failover(ctx, event, id, dryRun, actor);
    case 'DR Failback':
      return failback(ctx, event);
  }
}

async function alertFor(
  ctx: Context,
  event: Extract<HeadroomEvent, { 'detail-type': 'Quota Threshold Exceeded' | 'Quota Usage Spike' }>,
  id: string,
  dryRun: boolean,
  now: Date,
): Promise<Handled> {
  const target = await eventTarget(ctx, event.detail.target, 'detail.target');
  // The schema checked it is SERVICE/CODE.
  const { serviceCode, quotaCode } = splitQuotaKey(event.detail.quota) ?? { serviceCode: '', quotaCode: '' };
  const limits = await ctx.store.latestLimitSnapshot(target.target);
  const quota = limits?.quotas.find((q) => q.serviceCode === serviceCode && q.quotaCode === quotaCode);
  const { name, settings } = ruleFor(ctx.config.engine.rules, ctx.config.engine.defaults, target, {
    serviceCode,
    quotaCode,
    quotaName: quota?.quotaName ?? '',
  });
  const spike = event['detail-type'] === 'Quota Usage Spike' ? event.detail : null;
  const threshold = event['detail-type'] === 'Quota Threshold Exceeded' ? event.detail : null;
  const band = spike ? (spike.severity === 'high' ? 'critical' : 'warning') : 'critical';
  const channels = settings.mute || settings.level === 'monitor_only' ? [] : settings.notify;
  const reason = spike
    ? `usage spike: ${spike.usage} against a baseline of ${spike.baseline} (${spike.severity})`
    : `threshold exceeded: ${threshold?.utilization ?? '?'}% of the limit`;
  if (!dryRun && channels.length > 0) {
    await ctx.store.enqueueNotifications(
      notificationsFor(
        {
          kind: 'alert',
          band,
          accountId: target.target.accountId,
          accountName: target.accountName,
          region: target.target.region,
          serviceCode,
          quotaCode,
          quotaName: quota?.quotaName ?? quotaCode,
          limit: quota?.value ?? null,
          usage: spike?.usage ?? null,
          utilization: threshold?.utilization ?? null,
          rule: name,
          decision: `event ${id}`,
          reason,
          at: now.toISOString(),
        },
        channels,
        now,
      ),
    );
  }
  return {
    summary: `${reason}; ${channels.length === 0 ? `rule ${name} sends no alert` : `alert to ${channels.join(', ')}`}`,
    actions: [],
    planId: null,
  };
}

async function scale(
  ctx: Context,
  event: Extract<HeadroomEvent, { 'detail-type': 'Infrastructure Scaling' }>,
  dryRun: boolean,
  actor: string,
  now: Date,
): Promise<Handled> {
  const { detail } = event;
  const target = await eventTarget(ctx, detail.target, 'detail.target');
  const where = targetKey(target.target);
  if (detail.direction === 'down') {
    return {
      summary: `scaling down by ${detail.factor}: headroom never lowers a quota; nothing to do`,
      actions: [],
      planId: null,
    };
  }
  const limits = await ctx.store.latestLimitSnapshot(target.target);
  if (limits === undefined) {
    throw new EventRejected('detail.target', `no limits are stored for ${where}`, {
      code: 'HR_EVENT_NO_LIMITS',
      hint: `collect it first: headroom collect --target ${detail.target}`,
    });
  }
  const measured = usageByQuota((await ctx.store.latestUsageSnapshot(target.target))?.samples ?? []);
  const named = new Set(detail.quotas ?? []);
  const services = new Set(detail.services ?? []);
  const quotas = firstOfEachQuota(limits.quotas);
  const known = new Set(quotas.map(quotaKey));
  const chosen = quotas.filter((q) => {
    const key = quotaKey(q);
    return named.has(key) || (services.has(q.serviceCode) && measured.has(key));
  });
  const unknown = [...named].filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new EventRejected(
      'detail.quotas',
      `detail.quotas: ${unknown.join(', ')} is not a quota of ${where}`,
      {
        hint: `list them with headroom quotas --target ${detail.target}`,
      },
    );
  }
  const deps = engineDeps(ctx);
  const actions: EventAction[] = [];
  for (const q of chosen) {
    const key = quotaKey(q);
    const act = (
      outcome: string,
      message: string,
      ids: { requestId?: string | null; approvalId?: string | null } = {},
    ) =>
      actions.push({
        target: where,
        quota: key,
        outcome,
        message,
        requestId: ids.requestId ?? null,
        approvalId: ids.approvalId ?? null,
      });
    if (q.value === null) {
      act('skipped', 'AWS shows no limit for it');
      continue;
    }
    const { name, settings } = ruleFor(ctx.config.engine.rules, ctx.config.engine.defaults, target, q);
    const wanted = roundUp(q.value * detail.factor);
    const value = settings.maxValue === null ? wanted : Math.min(wanted, settings.maxValue);
    if (value <= q.value) {
      act('skipped', `rule ${name}'s ceiling ${settings.maxValue ?? '?'} leaves no room above ${q.value}`);
      continue;
    }
    if (settings.level === 'monitor_only' || settings.level === 'alert_only') {
      act('recorded', `rule ${name} is ${settings.level}: ${q.value} → ${value} is not requested`);
      continue;
    }
    const price = priceOf(ctx.config.prices, q);
    const cost = price === null ? null : (value - q.value) * price;
    const needsApproval =
      settings.level === 'auto_request' ||
      settings.approvalRequired ||
      (cost !== null && settings.costThreshold !== null && cost > settings.costThreshold);
    const reason = `scaling up ×${detail.factor} in ${where}: ${q.value} → ${value} (rule ${name})`;
    if (dryRun) {
      act(needsApproval ? 'would-propose' : 'would-file', reason);
      continue;
    }
    if (needsApproval) {
      const approval = newProposal({
        target: target.target,
        quota: q,
        action: q.adjustable ? 'increase' : 'support-case',
        value,
        cost,
        rule: name,
        actor,
        reason,
        now,
        ttlMs: ctx.config.engine.approvalTtlMs,
      });
      await ctx.store.saveApproval(approval);
      act('proposed', reason, { approvalId: approval.id });
      continue;
    }
    const outcome = await carryOut(
      deps,
      {
        target: target.target,
        accountName: target.accountName,
        quota: q,
        action: q.adjustable ? 'increase' : 'support-case',
        fromValue: q.value,
        desiredValue: value,
        rule: name,
        reason,
        requestedBy: actor,
        limitsAt: limits.collectedAt,
      },
      { now, casesPerHour: ctx.config.engine.supportCasesPerHour },
    );
    act(outcome.status, outcome.message, { requestId: outcome.requestId });
  }
  const filed = actions.filter((a) => a.outcome === 'filed').length;
  return {
    summary: `scaling up ×${detail.factor} in ${where}: ${chosen.length} quotas, ${filed} requests filed`,
    actions,
    planId: null,
  };
}

async function failover(
  ctx: Context,
  event: Extract<HeadroomEvent, { 'detail-type': 'DR Failover' }>,
  id: string,
  dryRun: boolean,
  actor: string,
): Promise<Handled> {
  const { primary, dr, services = [] } = event.detail;
  const from = await eventTarget(ctx, primary, 'detail.primary');
  const to = await eventTarget(ctx, dr, 'detail.dr');
  if (targetKey(from.target) === targetKey(to.target)) {
    throw new EventRejected('detail.dr', `detail.dr is the primary itself (${targetKey(to.target)})`, {
      hint: 'name the DR account and region the primary fails over to',
    });
  }
  const { plan } = await replicate(ctx, {
    source: primary,
    destination: dr,
    services,
    refresh: false,
    createdBy: actor,
    reason: `DR failover event ${id}: ${primary} to ${dr}`,
  });
  const result = await applyPlanObject(
    ctx,
    plan,
    { confirm: !dryRun, supportCases: false, requestedBy: actor },
    'detail.dr',
  );
  const where = `${plan.destination.accountId}:${plan.destination.region}`;
  const actions = result.items.map((item): EventAction => ({
    target: `${plan.destination.accountId}:${item.item.region}`,
    quota: quotaKey(item.item),
    outcome: item.outcome,
    message: item.message,
    requestId: item.requestId,
    approvalId: null,
  }));
  const filed = actions.filter((a) => a.outcome === 'filed').length;
  return {
    summary: `DR failover ${primary} → ${dr}: plan ${plan.id} with ${plan.items.length} items, ${filed} requests filed in ${where}`,
    actions,
    planId: plan.id,
  };
}

/** Failback restores nothing: it lists the raises the failovers of this pair made, which stay. */
async function failback(
  ctx: Context,
  event: Extract<HeadroomEvent, { 'detail-type': 'DR Failback' }>,
): Promise<Handled> {
  const { primary, dr } = event.detail;
  const failovers = (await ctx.store.auditEntries({ kinds: ['event'] })).filter((e) => {
    const data = e.data as {
      status?: string;
      type?: string;
      event?: { detail?: { primary?: string; dr?: string } };
    };
    return (
      data.status === 'accepted' &&
      data.type === 'DR Failover' &&
      data.event?.detail?.primary === primary &&
      data.event.detail.dr === dr
    );
  });
  const planIds = failovers
    .map((e) => (e.data as { planId?: string | null }).planId)
    .filter((p): p is string => typeof p === 'string');
  const raised = (await Promise.all(planIds.map((planId) => ctx.store.listRequests({ planId })))).flat();
  const actions = raised.map((r): EventAction => ({
    target: targetKey(r.target),
    quota: quotaKey(r),
    outcome: 'kept',
    message: `raised by failover plan ${r.planId ?? '?'} to ${r.desiredValue} (${r.status}); headroom never lowers a quota`,
    requestId: r.id,
    approvalId: null,
  }));
  return {
    summary: `DR failback ${dr} → ${primary}: nothing restored; ${raised.length} raises from ${planIds.length} failovers stay`,
    actions,
    planId: null,
  };
}
