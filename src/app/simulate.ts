/**
 * The job behind `headroom engine simulate`: the stored usage history of the chosen targets
 * replayed through the rules (the config's, or those of a rules file tried before adopting it),
 * reporting what the engine would have done. Reads the store only; writes, files and sends
 * nothing.
 */
import { isAbsolute, relative } from 'node:path';
import { InputError } from '../domain/errors.js';
import { firstOfEachQuota, quotaKey } from '../domain/quota.js';
import { loadConfig } from '../config/load.js';
import { type Simulation, type SimulatedQuota, simulate } from '../engine/simulate.js';
import { FORECAST_HISTORY_MS } from '../forecast/forecast.js';
import type { Context } from './context.js';

export interface SimulateRequest {
  readonly specs: readonly string[];
  readonly from: Date;
  readonly to?: Date;
  /** A rules file standing in for the config's rules. */
  readonly rulesFile?: string | undefined;
  readonly stepMs?: number;
  readonly cwd?: string;
}

export interface SimulateResult extends Simulation {
  /** Where the rules came from: the config file, or the rules file. */
  readonly rulesFrom: string;
  readonly rules: number;
}

const HOUR = 3_600_000;

/** A path as the user would write it: relative to the working directory when inside it. */
function shownPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}

export async function simulateEngine(ctx: Context, request: SimulateRequest): Promise<SimulateResult> {
  const to = request.to ?? new Date();
  const stepMs = request.stepMs ?? HOUR;
  if (request.from.getTime() > to.getTime() - stepMs) {
    throw new InputError(
      'HR_SIMULATE_RANGE',
      `--from ${request.from.toISOString()} leaves nothing to replay before now`,
      {
        hint: 'replay a stretch of the past, such as --from 30d',
      },
    );
  }
  const { engine, prices } =
    request.rulesFile === undefined
      ? ctx.config
      : (
          await loadConfig({
            ...(ctx.configFile === null ? {} : { path: ctx.configFile }),
            rulesFile: request.rulesFile,
            ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
          })
        ).config;
  const targets = request.specs.length > 0 ? await ctx.resolveTargets(request.specs) : await ctx.targets();
  const quotas: SimulatedQuota[] = [];
  for (const target of targets) {
    const limits = await ctx.store.latestLimitSnapshot(target.target);
    if (limits === undefined) continue;
    const histories = await ctx.store.usageHistories(
      target.target,
      new Date(request.from.getTime() - FORECAST_HISTORY_MS),
    );
    for (const quota of firstOfEachQuota(limits.quotas)) {
      const history = histories.get(quotaKey(quota));
      if (history !== undefined && history.length > 0) quotas.push({ target, quota, history });
    }
  }
  const result = simulate(quotas, {
    from: request.from,
    to,
    stepMs,
    forecastEveryMs: 6 * HOUR,
    engine,
    prices,
  });
  return {
    ...result,
    rulesFrom:
      request.rulesFile ?? (ctx.configFile === null ? 'the built-in defaults' : shownPath(ctx.configFile)),
    rules: engine.rules.length,
  };
}
