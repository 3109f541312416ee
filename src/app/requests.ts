/**
 * The jobs behind `headroom apply` and `headroom requests`, as functions of a Context: reading a
 * plan file, carrying it out, and following what was filed.
 */
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { InputError } from '../domain/errors.js';
import { parsePlan, type Plan } from '../domain/plan.js';
import type { QuotaRequestRecord, RequestEvent, RequestFilter } from '../domain/request.js';
import { type ApplyOptions, type ApplyResult, applyPlan } from '../requests/apply.js';
import {
  type RefreshResult,
  refreshRequests,
  type WatchOptions,
  type WatchResult,
  watchRequests,
} from '../requests/track.js';
import type { Context } from './context.js';

/**
 * Who is running headroom, as requests record it: HEADROOM_USER when set (a CI job's name, a
 * ticket), else `user@host`.
 */
export function operator(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.HEADROOM_USER?.trim();
  if (named) return named;
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's name, if any.
    user = env.USER ?? env.LOGNAME ?? user;
  }
  return `${user}@${hostname()}`;
}

/** Reads and checks a plan file: one line naming the file and the problem when it is not a plan. */
export async function loadPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError('HR_PLAN_NOT_FOUND', `cannot read the plan ${file} (${code})`, {
      hint: 'give the path `headroom replicate --out` wrote',
      cause: error,
    });
  }
  return parsePlan(text, file);
}

/** Carries out a plan file (a dry run unless `confirm`). */
export async function applyPlanFile(
  ctx: Context,
  file: string,
  options: ApplyOptions,
): Promise<{ plan: Plan; result: ApplyResult }> {
  const plan = await loadPlan(file);
  return { plan, result: await applyPlanObject(ctx, plan, options, `${file}: destination`) };
}

/**
 * Carries out a plan already read and checked (a dry run unless `confirm`); `label` names the
 * plan's destination in errors.
 */
export async function applyPlanObject(
  ctx: Context,
  plan: Plan,
  options: ApplyOptions,
  label = 'destination',
): Promise<ApplyResult> {
  // The destination must be an account headroom is configured to reach.
  await ctx.resolveTargets([`${plan.destination.accountId}:${plan.destination.region}`], label);
  return applyPlan(ctx, plan, {
    caps: {
      perRegion: ctx.config.requests.maxOpenPerRegion,
      perAccount: ctx.config.requests.maxOpenPerAccount,
    },
    ...options,
  });
}

function requestNotFound(id: string): InputError {
  return new InputError('HR_REQUEST_NOT_FOUND', `no request ${id} is recorded`, {
    hint: 'list them with `headroom requests list`; ids are hr-… or AWS request ids',
  });
}

/** Recorded requests, refreshed from AWS first unless `refresh` is false. */
export async function listRequests(
  ctx: Context,
  filter: RequestFilter,
  options: { refresh: boolean },
): Promise<{ requests: QuotaRequestRecord[]; refresh: RefreshResult | null }> {
  const refresh = options.refresh ? await refreshRequests(ctx) : null;
  return { requests: await ctx.store.listRequests(filter), refresh };
}

/** One request (by headroom's or AWS's id) with its trail, refreshed first. */
export async function showRequest(
  ctx: Context,
  id: string,
  options: { refresh: boolean },
): Promise<{ request: QuotaRequestRecord; events: RequestEvent[]; refresh: RefreshResult | null }> {
  const known = await ctx.store.getRequest(id);
  if (!known) {
    throw requestNotFound(id);
  }
  const refresh = options.refresh ? await refreshRequests(ctx, { ids: [known.id] }) : null;
  const request = (await ctx.store.getRequest(known.id)) ?? known;
  return { request, events: await ctx.store.requestEvents(known.id), refresh };
}

/** Follows requests until each is final or the timeout passes. */
export async function watch(ctx: Context, options: WatchOptions): Promise<WatchResult> {
  for (const id of options.ids ?? []) {
    if (!(await ctx.store.getRequest(id))) {
      throw requestNotFound(id);
    }
  }
  return watchRequests(ctx, options);
}
