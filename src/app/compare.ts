/**
 * The jobs behind `headroom compare`, `headroom fleet` and `headroom replicate`, as functions of a
 * Context (the CLI and the HTTP API call the same code). Both sides are read through the cache:
 * what is stale is collected first, the rest comes from the store.
 *
 * Global quotas (IAM, Route 53, CloudFront…) belong to an account, not a region, and are stored
 * once per account under its us-east-1 target. Between two accounts they are compared once, from
 * each account's us-east-1 target; between two regions of one account they are the same quota
 * and are left out.
 */
import { groupBy } from '../domain/collections.js';
import type { SweepTarget, TargetResult } from '../collect/sweep.js';
import { type Comparison, compareQuotas } from '../domain/compare.js';
import { IncompleteError, InputError } from '../domain/errors.js';
import { makePlan, type Plan } from '../domain/plan.js';
import { type Quota, quotaKey, splitQuotaKey, utilization } from '../domain/quota.js';
import { compareTargets, GLOBAL_QUOTA_HOME_REGION, type Target, targetKey } from '../domain/target.js';
import type { Context } from './context.js';
import { sweepTargets } from './quotas.js';

export interface CompareRequest {
  /** SRC and DST as the user wrote them: ACCOUNT:REGION, profile:REGION or an alias. */
  readonly source: string;
  readonly destination: string;
  /** Only these service codes; empty for every service. */
  readonly services: readonly string[];
  readonly suppressDefaults: boolean;
  readonly refresh: boolean;
  readonly onTarget?: (result: TargetResult) => void;
}

export interface CompareSideInfo extends SweepTarget {
  /** When the compared limits were read. */
  readonly limitsAt: Date;
  /** Where this side's global quotas came from; null when they are left out. */
  readonly globalsFrom: Target | null;
}

export interface CompareResult {
  readonly source: CompareSideInfo;
  readonly destination: CompareSideInfo;
  /** Both in one account: global quotas are the same quota on both sides and are left out. */
  readonly sameAccount: boolean;
  readonly comparison: Comparison;
  /** What could not be read (the comparison covers the rest). */
  readonly warnings: readonly string[];
}

/** The stored quotas of a target; a target with nothing stored is an error naming the sweep's problems. */
async function storedQuotas(
  ctx: Context,
  target: Target,
  results: readonly TargetResult[],
  label: string,
): Promise<{ quotas: readonly Quota[]; at: Date }> {
  const snapshot = await ctx.store.latestLimitSnapshot(target);
  if (snapshot) return { quotas: snapshot.quotas, at: snapshot.collectedAt };
  const problems = results
    .filter((r) => targetKey(r.target) === targetKey(target))
    .flatMap((r) => r.errors.map((e) => e.message));
  throw new IncompleteError(
    'HR_COLLECT_INCOMPLETE',
    `${label} ${targetKey(target)}: no quotas could be read${problems.length > 0 ? ` (${problems[0] ?? ''})` : ''}`,
    { hint: 'fix the cause, then run `headroom collect --refresh --target ' + targetKey(target) + '`' },
  );
}

export async function compare(ctx: Context, request: CompareRequest): Promise<CompareResult> {
  const [source] = await ctx.resolveTargets([request.source], 'SRC');
  const [destination] = await ctx.resolveTargets([request.destination], 'DST');
  if (!source || !destination) throw new Error('resolveTargets returned no target');
  if (targetKey(source.target) === targetKey(destination.target)) {
    throw new InputError(
      'HR_COMPARE_SAME_TARGET',
      `SRC and DST are the same target (${targetKey(source.target)})`,
      { hint: 'compare two different accounts or regions' },
    );
  }
  const sameAccount = source.target.accountId === destination.target.accountId;
  // Between accounts, each account's global quotas come from its us-east-1 target.
  const homes: SweepTarget[] = sameAccount
    ? []
    : [source, destination]
        .filter((side) => side.target.region !== GLOBAL_QUOTA_HOME_REGION)
        .map((side) => ({
          target: { accountId: side.target.accountId, region: GLOBAL_QUOTA_HOME_REGION },
          accountName: side.accountName,
        }));
  const sweep = await sweepTargets(ctx, [source, destination, ...homes], {
    refresh: request.refresh,
    ...(request.onTarget ? { onTarget: request.onTarget } : {}),
  });
  const warnings: string[] = [];
  const side = async (chosen: SweepTarget, label: string) => {
    const own = await storedQuotas(ctx, chosen.target, sweep.targets, label);
    const regional = own.quotas.filter((q) => !q.global);
    if (sameAccount) return { quotas: regional, at: own.at, globalsFrom: null };
    const home: Target = { accountId: chosen.target.accountId, region: GLOBAL_QUOTA_HOME_REGION };
    const homeSnapshot =
      targetKey(home) === targetKey(chosen.target) ? own : await ctx.store.latestLimitSnapshot(home);
    const globals = homeSnapshot?.quotas.filter((q) => q.global) ?? [];
    if (globals.length === 0) {
      warnings.push(
        `${label}: the global quotas of account ${chosen.target.accountId} could not be read from ${targetKey(home)}; they are not compared`,
      );
      return { quotas: regional, at: own.at, globalsFrom: null };
    }
    return { quotas: [...regional, ...globals], at: own.at, globalsFrom: home };
  };
  const src = await side(source, 'SRC');
  const dst = await side(destination, 'DST');
  for (const result of sweep.targets) {
    for (const error of result.errors) warnings.push(`${targetKey(result.target)}: ${error.message}`);
  }
  return {
    source: { ...source, limitsAt: src.at, globalsFrom: src.globalsFrom },
    destination: { ...destination, limitsAt: dst.at, globalsFrom: dst.globalsFrom },
    sameAccount,
    comparison: compareQuotas(src.quotas, dst.quotas, {
      services: request.services,
      suppressDefaults: request.suppressDefaults,
    }),
    warnings,
  };
}

/** A compared side as JSON carries it: times as ISO strings. */
export interface CompareSideDocument {
  readonly target: Target;
  readonly accountName: string | null;
  readonly limitsAt: string;
  readonly globalsFrom: Target | null;
}

/**
 * A comparison as `headroom compare --format json` prints it and `GET /api/v1/compare` answers:
 * the same document, so a script and the dashboard see the same numbers. `onlyDiff` leaves out
 * the equal rows.
 */
export function compareDocument(result: CompareResult, options: { onlyDiff: boolean }) {
  const side = (info: CompareSideInfo): CompareSideDocument => ({
    target: { accountId: info.target.accountId, region: info.target.region },
    accountName: info.accountName,
    limitsAt: info.limitsAt.toISOString(),
    globalsFrom: info.globalsFrom,
  });
  const { comparison } = result;
  return {
    source: side(result.source),
    destination: side(result.destination),
    sameAccount: result.sameAccount,
    summary: comparison.summary,
    rows: options.onlyDiff ? comparison.rows.filter((r) => r.status !== 'equal') : comparison.rows,
    warnings: result.warnings,
  };
}

// ---- replicate ---------------------------------------------------------------------------

export interface ReplicateRequest {
  readonly source: string;
  readonly destination: string;
  readonly services: readonly string[];
  readonly refresh: boolean;
  /** Who makes the plan (see operator.ts). */
  readonly createdBy: string;
  /** Why; recorded on every request the plan files. */
  readonly reason?: string | undefined;
  readonly now?: Date;
  readonly onTarget?: (result: TargetResult) => void;
}

/** The plan that raises DST to SRC, with the comparison it was made from. */
export async function replicate(
  ctx: Context,
  request: ReplicateRequest,
): Promise<{ plan: Plan; result: CompareResult }> {
  const result = await compare(ctx, {
    source: request.source,
    destination: request.destination,
    services: request.services,
    suppressDefaults: false,
    refresh: request.refresh,
    ...(request.onTarget ? { onTarget: request.onTarget } : {}),
  });
  const sideOf = (info: CompareSideInfo) => ({
    accountId: info.target.accountId,
    accountName: info.accountName,
    region: info.target.region,
    limitsAt: info.limitsAt.toISOString(),
  });
  const source = sideOf(result.source);
  const destination = sideOf(result.destination);
  const plan = makePlan({
    comparison: result.comparison,
    source,
    destination,
    services: request.services,
    createdAt: request.now ?? new Date(),
    createdBy: request.createdBy,
    reason:
      request.reason ??
      `replicate ${result.source.accountName ?? source.accountId}:${source.region} to ${result.destination.accountName ?? destination.accountId}:${destination.region}`,
  });
  return { plan, result };
}

// ---- fleet -------------------------------------------------------------------------------

export interface FleetRequest {
  /** SERVICE/CODE: one quota across every target. */
  readonly quota?: string | undefined;
  /** Every quota of one service across every target (a summary per quota). */
  readonly service?: string | undefined;
  /** Only these targets; empty for every configured target. */
  readonly targets: readonly string[];
  readonly refresh: boolean;
  readonly onStart?: (targets: readonly SweepTarget[]) => void;
  readonly onTarget?: (result: TargetResult) => void;
}

/** One quota in one target of the fleet. */
export interface FleetRow {
  readonly accountId: string;
  readonly accountName: string | null;
  /** The target's region; for a global quota, the account's home region (one row per account). */
  readonly region: string;
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly global: boolean;
  readonly value: number | null;
  readonly source: Quota['source'];
  readonly defaultValue: number | null;
  readonly adjustable: boolean;
  readonly usage: number | null;
  readonly utilization: number | null;
  /** Below the fleet's most common value. */
  readonly outlier: boolean;
}

/** One quota across the fleet, summarised. */
export interface FleetQuotaSummary {
  readonly serviceCode: string;
  readonly quotaCode: string;
  readonly quotaName: string;
  readonly global: boolean;
  readonly adjustable: boolean;
  readonly targets: number;
  /** The most common value (the higher one on a tie); null when no target has a value. */
  readonly commonValue: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly defaultValue: number | null;
  /** Targets below the common value. */
  readonly outliers: readonly string[];
  /** The highest utilization in the fleet (0–1), where usage is known. */
  readonly peakUtilization: number | null;
}

export interface FleetResult {
  readonly rows: readonly FleetRow[];
  readonly summaries: readonly FleetQuotaSummary[];
  /** Targets with nothing stored (their problems are in `warnings`). */
  readonly missing: readonly Target[];
  readonly warnings: readonly string[];
}

/** The fleet's most common value: the higher one on a tie. */
export function commonValue(values: readonly (number | null)[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [value, n] of counts) {
    if (n > bestCount || (n === bestCount && best !== null && value > best)) {
      best = value;
      bestCount = n;
    }
  }
  return best;
}

function parseQuotaRef(text: string): { serviceCode: string; quotaCode: string } {
  const quota = splitQuotaKey(text);
  if (quota === null) {
    throw new InputError('HR_QUOTA_UNKNOWN', `--quota '${text}' is not SERVICE/CODE`, {
      hint: 'write it as a service code and a quota code, e.g. ec2/L-1216C47A',
    });
  }
  return quota;
}

export async function fleet(ctx: Context, request: FleetRequest): Promise<FleetResult> {
  if ((request.quota === undefined) === (request.service === undefined)) {
    throw new InputError('HR_FLEET_SELECTION', 'give one of --quota SERVICE/CODE or --service SERVICE', {
      hint: 'e.g. headroom fleet --quota ec2/L-1216C47A',
    });
  }
  const wanted = request.quota === undefined ? undefined : parseQuotaRef(request.quota);
  const serviceCode = wanted?.serviceCode ?? request.service ?? '';
  const targets =
    request.targets.length > 0 ? await ctx.resolveTargets(request.targets) : await ctx.targets();
  request.onStart?.(targets);
  const sweep = await sweepTargets(ctx, targets, {
    refresh: request.refresh,
    ...(request.onTarget ? { onTarget: request.onTarget } : {}),
  });
  const warnings = sweep.targets.flatMap((r) => r.errors.map((e) => `${targetKey(r.target)}: ${e.message}`));

  const rows: FleetRow[] = [];
  const missing: Target[] = [];
  const globalSeen = new Set<string>();
  let serviceSeen = false;
  for (const { target, accountName } of [...targets].sort((a, b) => compareTargets(a.target, b.target))) {
    const limits = await ctx.store.latestLimitSnapshot(target);
    if (!limits) {
      missing.push(target);
      continue;
    }
    const usage = await ctx.store.latestUsageSnapshot(target);
    const samples = new Map((usage?.samples ?? []).map((s) => [quotaKey(s), s.value]));
    for (const q of limits.quotas) {
      if (q.serviceCode !== serviceCode) continue;
      serviceSeen = true;
      if (wanted && q.quotaCode !== wanted.quotaCode) continue;
      if (q.appliedAtLevel === 'RESOURCE') continue;
      if (q.global) {
        // Once per account, from whichever of its targets holds it (us-east-1 when swept).
        const key = `${target.accountId}/${quotaKey(q)}`;
        if (globalSeen.has(key)) continue;
        globalSeen.add(key);
      }
      const used = samples.get(quotaKey(q)) ?? null;
      rows.push({
        accountId: target.accountId,
        accountName,
        region: target.region,
        serviceCode: q.serviceCode,
        quotaCode: q.quotaCode,
        quotaName: q.quotaName,
        global: q.global,
        value: q.value,
        source: q.source,
        defaultValue: q.defaultValue,
        adjustable: q.adjustable,
        usage: used,
        utilization: utilization(used, q.value),
        outlier: false,
      });
    }
  }
  if (rows.length === 0 && missing.length < targets.length) {
    const what = wanted ? `quota ${wanted.quotaCode} of service ${serviceCode}` : `service ${serviceCode}`;
    throw new InputError(
      'HR_QUOTA_UNKNOWN',
      `${wanted ? `--quota '${request.quota ?? ''}'` : `--service '${serviceCode}'`}: no target has ${what}`,
      {
        hint:
          wanted && serviceSeen
            ? `list the service's quota codes with \`headroom quotas --service ${serviceCode}\``
            : 'list service codes with `headroom quotas --format csv`; codes are lower-case, e.g. ec2',
      },
    );
  }

  // Outliers and summaries, per quota.
  const marked: FleetRow[] = [];
  const summaries: FleetQuotaSummary[] = [];
  for (const group of groupBy(rows, quotaKey).values()) {
    const common = commonValue(group.map((r) => r.value));
    const values = group.map((r) => r.value).filter((v): v is number => v !== null);
    const ratios = group.map((r) => r.utilization).filter((v): v is number => v !== null);
    const withFlags = group.map((r) => ({
      ...r,
      outlier: common !== null && r.value !== null && r.value < common,
    }));
    marked.push(...withFlags);
    const first = group[0] as FleetRow;
    summaries.push({
      serviceCode: first.serviceCode,
      quotaCode: first.quotaCode,
      quotaName: first.quotaName,
      global: first.global,
      adjustable: first.adjustable,
      targets: group.length,
      commonValue: common,
      min: values.length > 0 ? Math.min(...values) : null,
      max: values.length > 0 ? Math.max(...values) : null,
      defaultValue: first.defaultValue,
      outliers: withFlags.filter((r) => r.outlier).map((r) => `${r.accountId}:${r.region}`),
      peakUtilization: ratios.length > 0 ? Math.max(...ratios) : null,
    });
  }
  summaries.sort((a, b) => b.outliers.length - a.outliers.length || a.quotaCode.localeCompare(b.quotaCode));
  return { rows: marked, summaries, missing, warnings };
}
