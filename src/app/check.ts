/**
 * The job behind `headroom check`: does a deployment fit the target's quotas? The needs come from
 * a Terraform plan (each resource family's use, creates in, deletes out) and/or a requirements
 * file; each is checked as (usage now + what is added) × (1 + buffer) against the limit now.
 * `request` files increases for the short, adjustable quotas through the requests module (its
 * idempotency and caps); `wait` follows them, then checks again with the limits read afresh.
 */
import { readFile } from 'node:fs/promises';
import { familyOf } from '../check/families/index.js';
import { type Contribution, planNeeds, type PlanNeeds } from '../check/needs.js';
import { parsePlan } from '../check/plan.js';
import { parseRequirements, type Requirement } from '../check/requirements.js';
import type { SweepTarget } from '../collect/sweep.js';
import { HeadroomError, InputError, UndecidedError, UsageError } from '../domain/errors.js';
import { firstOfEachQuota, type Quota, quotaKey, usageByQuota } from '../domain/quota.js';
import type { QuotaRequestRecord } from '../domain/request.js';
import { targetKey } from '../domain/target.js';
import { carryOut } from '../engine/actions.js';
import { roundUp } from '../engine/decide.js';
import { watchRequests } from '../requests/track.js';
import type { Context } from './context.js';
import { engineDeps } from './engine-deps.js';
import { sweepTargets } from './quotas.js';

export interface CheckRequest {
  readonly planFile?: string | undefined;
  readonly requirementsFile?: string | undefined;
  /** ACCOUNT:REGION; else the credentials' account and `region`, else the plan's region. */
  readonly target?: string | undefined;
  readonly region?: string | undefined;
  /** Percent added to each need. */
  readonly bufferPct: number;
  readonly request: boolean;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly requestedBy: string;
  readonly onWaiting?: (message: string) => void;
}

export type RowStatus = 'fits' | 'short' | 'unknown';

export interface CheckRow {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly adjustable: boolean;
  readonly limit: number | null;
  /** Usage now; null when nothing measures it (then counted as 0, and said). */
  readonly usage: number | null;
  /** What the plan and the requirements add (net of what they free). */
  readonly delta: number;
  /** A requirement's total, when one gives it. */
  readonly total: number | null;
  /** (usage + delta, or the total if larger) × (1 + buffer). */
  readonly need: number | null;
  readonly status: RowStatus;
  readonly reason: string;
  readonly contributions: readonly Contribution[];
  /** The increase filed (or found open) for it with --request. */
  readonly request: { readonly id: string; readonly status: string; readonly desiredValue: number } | null;
}

export interface CheckResult {
  readonly target: SweepTarget;
  readonly bufferPct: number;
  readonly plan: { readonly file: string; readonly formatVersion: string; readonly counted: number } | null;
  readonly requirements: { readonly file: string; readonly count: number } | null;
  readonly rows: readonly CheckRow[];
  readonly unknownTypes: PlanNeeds['unknownTypes'];
  readonly undecided: PlanNeeds['undecided'];
  /**
   * short: a quota does not fit; undecided: none is short, but a quota needed could not be read.
   * Resource types no family knows and values known only after apply are listed, not a verdict.
   */
  readonly verdict: 'fits' | 'short' | 'undecided';
  /** With --wait: whether the requests were decided in time. */
  readonly waited: { readonly settled: boolean; readonly timedOut: boolean } | null;
}

async function readInput(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'HR_CHECK_INPUT',
      `cannot read the ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      {
        hint: 'give the path of an existing file',
        cause: error,
      },
    );
  }
}

export async function check(ctx: Context, request: CheckRequest): Promise<CheckResult> {
  if (request.planFile === undefined && request.requirementsFile === undefined) {
    throw new UsageError('give a Terraform plan in JSON, --requirements FILE, or both', {
      hint: 'terraform show -json plan.out > plan.json && headroom check plan.json',
    });
  }
  const plan =
    request.planFile === undefined
      ? null
      : parsePlan(await readInput(request.planFile, 'plan'), request.planFile);
  const requirements =
    request.requirementsFile === undefined
      ? []
      : parseRequirements(
          await readInput(request.requirementsFile, 'requirements'),
          request.requirementsFile,
        );
  const needs = planNeeds(plan?.changes ?? [], familyOf, plan?.expressions);
  const target = await checkTarget(ctx, request, plan?.region ?? null);

  const services = [
    ...new Set([...needs.deltas.map((d) => d.serviceCode), ...requirements.map((r) => r.serviceCode)]),
  ];
  const first = await evaluate(ctx, target, services, needs, requirements, request, false);
  if (!request.request || first.verdict !== 'short') {
    return {
      ...first,
      plan: planInfo(request, plan, needs),
      requirements: requirementsInfo(request, requirements),
      waited: null,
    };
  }
  const rows = await fileIncreases(ctx, target, first.rows, request);
  if (!request.wait) {
    return {
      ...first,
      rows,
      plan: planInfo(request, plan, needs),
      requirements: requirementsInfo(request, requirements),
      waited: null,
    };
  }
  const ids = rows.flatMap((r) => (r.request === null ? [] : [r.request.id]));
  request.onWaiting?.(
    `waiting up to ${Math.round(request.timeoutMs / 60_000)} min for ${ids.length} increase requests`,
  );
  const watched = await watchRequests(engineDeps(ctx), {
    ids,
    intervalMs: request.pollMs,
    timeoutMs: request.timeoutMs,
    onChange: (change) =>
      request.onWaiting?.(`${change.record.id} ${quotaKey(change.record)}: ${change.from} → ${change.to}`),
  });
  // The limits read afresh: an approved increase is the new limit.
  const after = await evaluate(ctx, target, services, needs, requirements, request, true);
  const byKey = new Map(watched.requests.map((r) => [quotaKey(r), r]));
  return {
    ...after,
    rows: after.rows.map((row) => ({
      ...row,
      request:
        requestOf(byKey.get(quotaKey(row))) ??
        rows.find((r) => quotaKey(r) === quotaKey(row))?.request ??
        null,
    })),
    plan: planInfo(request, plan, needs),
    requirements: requirementsInfo(request, requirements),
    waited: { settled: watched.settled, timedOut: watched.timedOut },
  };
}

function planInfo(
  request: CheckRequest,
  plan: ReturnType<typeof parsePlan> | null,
  needs: PlanNeeds,
): CheckResult['plan'] {
  return plan === null
    ? null
    : { file: request.planFile ?? '', formatVersion: plan.formatVersion, counted: needs.counted };
}

function requirementsInfo(
  request: CheckRequest,
  requirements: readonly Requirement[],
): CheckResult['requirements'] {
  return request.requirementsFile === undefined
    ? null
    : { file: request.requirementsFile, count: requirements.length };
}

function requestOf(record: QuotaRequestRecord | undefined): CheckRow['request'] {
  return record === undefined
    ? null
    : { id: record.id, status: record.status, desiredValue: record.desiredValue };
}

/** The target: --target, else the credentials' account in --region or the plan's region. */
async function checkTarget(
  ctx: Context,
  request: CheckRequest,
  planRegion: string | null,
): Promise<SweepTarget> {
  let spec = request.target;
  if (spec === undefined) {
    const region = request.region ?? planRegion;
    if (region === null) {
      throw new UsageError("no region: the plan's aws provider sets none as a constant", {
        hint: 'pass --region us-east-1, or --target ACCOUNT:REGION',
      });
    }
    let account: string;
    try {
      account = (await ctx.session.callerIdentity()).accountId;
    } catch (error) {
      throw undecided(error, 'could not tell which account the credentials are for');
    }
    spec = `${account}:${region}`;
  }
  const [target] = await ctx.resolveTargets([spec], '--target');
  if (target === undefined) throw new UsageError(`--target '${spec}' names no target`);
  return target;
}

function undecided(error: unknown, what: string): UndecidedError {
  const reason = error instanceof Error ? error.message : String(error);
  return new UndecidedError('HR_CHECK_UNDECIDED', `${what}: ${reason}`, {
    hint: 'headroom could not decide; this says nothing about the quotas. Fix the cause and run it again',
    cause: error,
  });
}

async function evaluate(
  ctx: Context,
  target: SweepTarget,
  services: readonly string[],
  needs: PlanNeeds,
  requirements: readonly Requirement[],
  request: CheckRequest,
  refresh: boolean,
): Promise<Pick<CheckResult, 'target' | 'bufferPct' | 'rows' | 'unknownTypes' | 'undecided' | 'verdict'>> {
  if (services.length > 0) {
    let swept;
    try {
      swept = await sweepTargets(ctx, [target], { services, refresh });
    } catch (error) {
      if (error instanceof HeadroomError && error.exitCode === 2) throw error;
      throw undecided(error, `could not read ${targetKey(target.target)}`);
    }
    const [result] = swept.targets;
    if (result?.limits === 'failed') {
      const why = result.errors[0]?.message ?? 'no quotas could be read';
      throw new UndecidedError(
        'HR_CHECK_UNDECIDED',
        `could not read the quotas of ${targetKey(target.target)}: ${why}`,
        {
          hint: 'headroom could not decide; this says nothing about the quotas. Fix the cause and run it again',
        },
      );
    }
  }
  const limits = await ctx.store.latestLimitSnapshot(target.target);
  const quotas = new Map(firstOfEachQuota(limits?.quotas ?? []).map((q) => [quotaKey(q), q]));
  for (const r of requirements) {
    if (!quotas.has(quotaKey(r))) {
      throw new InputError(
        'HR_CHECK_INPUT',
        `${r.from}: ${quotaKey(r)} is not a quota of ${targetKey(target.target)}`,
        {
          hint: `list its quotas with headroom quotas --target ${targetKey(target.target)} --service ${r.serviceCode}`,
        },
      );
    }
  }
  const usage = usageByQuota((await ctx.store.latestUsageSnapshot(target.target))?.samples ?? []);
  // Each quota once, in the order the plan and then the requirements name it.
  const needed = new Map(
    [...needs.deltas, ...requirements].map((q) => [
      quotaKey(q),
      { serviceCode: q.serviceCode, quotaCode: q.quotaCode },
    ]),
  );
  const factor = 1 + request.bufferPct / 100;
  const rows = [...needed].map(([key, { serviceCode, quotaCode }]): CheckRow => {
    const planned = needs.deltas.find((d) => quotaKey(d) === key);
    const wanted = requirements.filter((r) => quotaKey(r) === key);
    const delta =
      (planned?.amount ?? 0) + wanted.filter((r) => r.kind === 'delta').reduce((n, r) => n + r.amount, 0);
    const totals = wanted.filter((r) => r.kind === 'total').map((r) => r.amount);
    const total = totals.length === 0 ? null : Math.max(...totals);
    const quota: Quota | undefined = quotas.get(key);
    const used = usage.get(key)?.value ?? null;
    const base = {
      serviceCode,
      quotaCode,
      quotaName: quota?.quotaName ?? '',
      adjustable: quota?.adjustable ?? false,
      limit: quota?.value ?? null,
      usage: used,
      delta,
      total,
      contributions: planned?.contributions ?? [],
      request: null,
    };
    if (quota === undefined || quota.value === null) {
      return {
        ...base,
        need: null,
        status: 'unknown',
        reason:
          quota === undefined
            ? `${targetKey(target.target)} lists no such quota`
            : 'AWS shows no limit for it',
      };
    }
    const need = Math.round(Math.max((used ?? 0) + delta, total ?? 0) * factor * 100) / 100;
    const usageWords = used === null ? 'usage unknown (counted as 0)' : `${used} used`;
    const scope = planned?.scope ? ` in the busiest ${planned.scope}` : '';
    const sum = `${usageWords} + ${delta}${scope} = ${(used ?? 0) + delta}${total === null ? '' : `, or ${total} in all`}; × ${factor} = ${need}`;
    if (delta <= 0 && total === null) {
      return { ...base, need, status: 'fits', reason: delta < 0 ? `frees ${-delta}` : 'adds nothing' };
    }
    return need > quota.value
      ? { ...base, need, status: 'short', reason: `${sum} > limit ${quota.value}` }
      : { ...base, need, status: 'fits', reason: `${sum} ≤ limit ${quota.value}` };
  });
  const verdict = rows.some((r) => r.status === 'short')
    ? 'short'
    : rows.some((r) => r.status === 'unknown')
      ? 'undecided'
      : 'fits';
  return {
    target,
    bufferPct: request.bufferPct,
    rows,
    unknownTypes: needs.unknownTypes,
    undecided: needs.undecided,
    verdict,
  };
}

/** Increases for the short, adjustable quotas, through the requests module: nothing filed twice. */
async function fileIncreases(
  ctx: Context,
  target: SweepTarget,
  rows: readonly CheckRow[],
  request: CheckRequest,
): Promise<CheckRow[]> {
  const limits = await ctx.store.latestLimitSnapshot(target.target);
  const deps = engineDeps(ctx);
  const out: CheckRow[] = [];
  for (const row of rows) {
    const quota = limits?.quotas.find(
      (q) => q.serviceCode === row.serviceCode && q.quotaCode === row.quotaCode,
    );
    if (
      row.status !== 'short' ||
      !row.adjustable ||
      quota === undefined ||
      row.limit === null ||
      row.need === null ||
      limits === undefined
    ) {
      out.push(row);
      continue;
    }
    const outcome = await carryOut(
      deps,
      {
        target: target.target,
        accountName: target.accountName,
        quota,
        action: 'increase',
        fromValue: row.limit,
        desiredValue: roundUp(row.need),
        rule: 'check',
        reason: `headroom check: the deployment needs ${row.need} (${row.reason})`,
        requestedBy: request.requestedBy,
        limitsAt: limits.collectedAt,
      },
      { now: new Date(), casesPerHour: 0 },
    );
    const record = outcome.requestId === null ? undefined : await ctx.store.getRequest(outcome.requestId);
    out.push({
      ...row,
      reason: `${row.reason}; ${outcome.status}: ${outcome.message}`,
      request: requestOf(record) ?? null,
    });
  }
  return out;
}
