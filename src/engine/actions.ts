/**
 * The engine's actions at the edge: an increase request or a Support case, carried out through
 * the requests module of compare/replicate (`applyPlanObject`: the same re-read of the current
 * value, the same idempotency against open requests, the same caps on open requests, the same
 * records). Each action is a one-item plan with its own id (`en-…`), so its request is recorded
 * with the engine as the asker and the rule's reason.
 *
 * When the API refuses an increase (or the quota cannot be raised through it), the fallback is
 * an AWS Support case, at most `supportCasesPerHour` per account, counting the engine's cases of
 * the last hour.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AwsSession } from '../aws/session.js';
import type { Config } from '../config/schema.js';
import { PLAN_KIND, PLAN_VERSION, type Plan, type PlanAction } from '../domain/plan.js';
import type { QuotaIdentity } from '../domain/quota.js';
import { GLOBAL_QUOTA_HOME_REGION, type Target } from '../domain/target.js';
import { applyPlan, type ItemResult } from '../requests/apply.js';
import type { Store } from '../storage/port.js';
import type { ActionKind } from './decide.js';

/** What the engine works with: the store, AWS and the configuration. */
export interface EngineDeps {
  readonly store: Store;
  readonly session: AwsSession;
  readonly logger: Logger;
  readonly config: Config;
}

/** Plans the engine makes start with this; their requests are the engine's. */
export const ENGINE_PLAN_PREFIX = 'en-';

export interface EngineAction {
  /** The target the quota was read in (a global quota is filed in its home region). */
  readonly target: Target;
  readonly accountName: string | null;
  readonly quota: QuotaIdentity;
  readonly action: ActionKind;
  /** The limit the decision was made on: the request is refused as stale if it has moved. */
  readonly fromValue: number;
  readonly desiredValue: number;
  readonly rule: string;
  readonly reason: string;
  /** `engine (operator)`, or the person who approved. */
  readonly requestedBy: string;
  /** When the limits were read. */
  readonly limitsAt: Date;
}

export type ActionStatus =
  'filed' | 'case-opened' | 'already-open' | 'queued' | 'satisfied' | 'held' | 'failed';

export interface ActionOutcome {
  readonly status: ActionStatus;
  /** One line: what happened. */
  readonly message: string;
  /** headroom's request id, when a request or case was recorded. */
  readonly requestId: string | null;
  /** The items the requests module reported (the increase, then the Support-case fallback). */
  readonly items: readonly ItemResult[];
}

function planFor(action: EngineAction, kind: PlanAction, now: Date): Plan {
  const side = {
    accountId: action.target.accountId,
    accountName: action.accountName,
    region: action.target.region,
    limitsAt: action.limitsAt.toISOString(),
  };
  return {
    kind: PLAN_KIND,
    version: PLAN_VERSION,
    id: `${ENGINE_PLAN_PREFIX}${randomBytes(6).toString('hex')}`,
    createdAt: now.toISOString(),
    createdBy: action.requestedBy,
    reason: `rule ${action.rule}: ${action.reason}`,
    source: side,
    destination: side,
    services: [action.quota.serviceCode],
    items: [
      {
        ...action.quota,
        region: action.quota.global ? GLOBAL_QUOTA_HOME_REGION : action.target.region,
        action: kind,
        sourceValue: action.desiredValue,
        destinationValue: action.fromValue,
        desiredValue: action.desiredValue,
      },
    ],
    skipped: [],
  };
}

/** Support cases the engine opened for an account within the last hour. */
async function casesThisHour(deps: EngineDeps, accountId: string, now: Date): Promise<number> {
  const since = now.getTime() - 3_600_000;
  const cases = await deps.store.listRequests({ kind: 'support-case' });
  return cases.filter(
    (r) =>
      r.target.accountId === accountId &&
      (r.planId ?? '').startsWith(ENGINE_PLAN_PREFIX) &&
      r.createdAt.getTime() >= since &&
      r.status !== 'QUEUED',
  ).length;
}

async function applyOne(
  deps: EngineDeps,
  action: EngineAction,
  kind: PlanAction,
  now: Date,
): Promise<ItemResult> {
  const plan = planFor(action, kind, now);
  const result = await applyPlan(deps, plan, {
    caps: {
      perRegion: deps.config.requests.maxOpenPerRegion,
      perAccount: deps.config.requests.maxOpenPerAccount,
    },
    confirm: true,
    supportCases: true,
    requestedBy: action.requestedBy,
    reason: plan.reason,
    now: () => now,
  });
  return result.items[0] as ItemResult;
}

const STATUS_OF: Partial<Record<ItemResult['outcome'], ActionStatus>> = {
  filed: 'filed',
  'case-opened': 'case-opened',
  'already-open': 'already-open',
  'already-filed': 'already-open',
  queued: 'queued',
  satisfied: 'satisfied',
};

/**
 * Carries out an action: files the increase (or opens the Support case) and says what came of
 * it. An increase the API refuses falls back to a Support case under the hourly cap.
 */
export async function carryOut(
  deps: EngineDeps,
  action: EngineAction,
  options: { now: Date; casesPerHour: number },
): Promise<ActionOutcome> {
  const items: ItemResult[] = [];
  const outcomeOf = (item: ItemResult, prefix = ''): ActionOutcome => ({
    status: STATUS_OF[item.outcome] ?? 'failed',
    message: `${prefix}${item.message}`,
    requestId: item.requestId,
    items,
  });
  const supportCase = async (why: string): Promise<ActionOutcome> => {
    const opened = await casesThisHour(deps, action.target.accountId, options.now);
    if (opened >= options.casesPerHour) {
      return {
        status: 'held',
        message: `${why}a Support case is needed, but the engine opened ${opened} in account ${action.target.accountId} this hour (engine.supportCasesPerHour: ${options.casesPerHour}); the next pass tries again`,
        requestId: null,
        items,
      };
    }
    const item = await applyOne(deps, action, 'support-case', options.now);
    items.push(item);
    return outcomeOf(item, why);
  };

  if (action.action === 'support-case') return supportCase('');
  const item = await applyOne(deps, action, 'request-increase', options.now);
  items.push(item);
  if (item.outcome === 'refused') {
    return supportCase(`the API refused the increase (${item.message}); `);
  }
  return outcomeOf(item);
}
