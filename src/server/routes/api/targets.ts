/**
 * The fleet, one target's quotas and a quota's usage history: read from the store (what the
 * scheduler collected), never from AWS.
 */
import { createRoute } from '@hono/zod-openapi';
import { fleetOverview } from '../../../app/overview.js';
import { quotaRows, targetsWithCache } from '../../../app/quotas.js';
import { parseDuration } from '../../../config/duration.js';
import { targetKey } from '../../../domain/target.js';
import {
  FORECAST_HISTORY_MS,
  type Forecast,
  type ForecastPoint,
  forecastUsage,
} from '../../../forecast/forecast.js';
import {
  FleetQuerySchema,
  FleetResponseSchema,
  type ForecastJson,
  HistoryParamSchema,
  HistoryQuerySchema,
  HistoryResponseSchema,
  TargetParamSchema,
  TargetQuotasQuerySchema,
  TargetQuotasResponseSchema,
  TargetsResponseSchema,
} from '../../api/schemas.js';
import { ApiError, invalidField } from '../../errors.js';
import {
  type ApiDeps,
  apiApp,
  cacheOf,
  configuredTarget,
  errorResponses,
  isoOrNull,
  jsonResponse,
  quotaRowJson,
  targetInfo,
} from './shared.js';

/** The default threshold of the fleet page: the percent of a limit that counts as close. */
export const DEFAULT_THRESHOLD_PERCENT = 80;
/** The fleet page lists at most this many quotas above the threshold. */
const MAX_FLEET_QUOTAS = 500;
/** History reaches back at most this far. */
const MAX_HISTORY_MS = 400 * 86_400_000;
const HOUR_MS = 3_600_000;
/** Forecasts reach ahead at most this far. */
const MAX_FORECAST_MS = 90 * 86_400_000;

function forecastJson(forecast: Forecast, now: Date, horizonMs: number): ForecastJson {
  if (forecast.status === 'insufficient') return forecast;
  const point = (p: ForecastPoint) => ({ ...p, at: p.at.toISOString() });
  return {
    status: 'ok',
    method: forecast.method,
    points: forecast.points,
    current: forecast.current,
    trendPerDay: forecast.trendPerDay,
    horizon: new Date(now.getTime() + horizonMs).toISOString(),
    atHorizon: point(forecast.atHorizon),
    utilization: forecast.utilization,
    exhaustion: isoOrNull(forecast.exhaustion),
    path: forecast.path.map(point),
    explanation: forecast.explanation,
  };
}

const targets = createRoute({
  method: 'get',
  path: '/targets',
  summary: 'Every configured target, with the age of what is cached for it',
  tags: ['targets'],
  responses: { ...jsonResponse(TargetsResponseSchema, 'The targets'), ...errorResponses(401) },
});

const fleet = createRoute({
  method: 'get',
  path: '/fleet',
  summary: 'Every target, worst headroom first, and the quotas above a threshold',
  tags: ['targets'],
  request: { query: FleetQuerySchema },
  responses: { ...jsonResponse(FleetResponseSchema, 'The fleet'), ...errorResponses(400, 401) },
});

const quotas = createRoute({
  method: 'get',
  path: '/targets/{target}/quotas',
  summary: "A target's quotas with limit, default, usage and utilization",
  tags: ['targets'],
  request: { params: TargetParamSchema, query: TargetQuotasQuerySchema },
  responses: {
    ...jsonResponse(TargetQuotasResponseSchema, 'The quotas, by service then code'),
    ...errorResponses(400, 401, 404),
  },
});

const history = createRoute({
  method: 'get',
  path: '/targets/{target}/quotas/{service}/{code}/history',
  summary: "A quota's stored usage samples over time, with its limit",
  tags: ['targets'],
  request: { params: HistoryParamSchema, query: HistoryQuerySchema },
  responses: {
    ...jsonResponse(HistoryResponseSchema, 'The samples, oldest first'),
    ...errorResponses(400, 401, 404),
  },
});

export function targetRoutes(deps: ApiDeps) {
  const { ctx } = deps;
  return apiApp()
    .openapi(targets, async (c) => {
      const list = await targetsWithCache(ctx);
      return c.json({ targets: list.map(({ target, cache }) => targetInfo(target, cache)) }, 200);
    })
    .openapi(fleet, async (c) => {
      const query = c.req.valid('query');
      const threshold = query.threshold ?? DEFAULT_THRESHOLD_PERCENT;
      const overview = await fleetOverview(ctx, {
        thresholdPercent: threshold,
        account: query.account,
        region: query.region,
        service: query.service,
        search: query.q,
        maxQuotas: MAX_FLEET_QUOTAS,
      });
      return c.json(
        {
          threshold,
          targets: overview.targets.map((t) => ({
            key: targetKey(t.target.target),
            accountId: t.target.target.accountId,
            accountName: t.target.accountName,
            region: t.target.target.region,
            quotas: t.quotas,
            withUsage: t.withUsage,
            above: t.above,
            worst:
              t.worst?.usage != null && t.worst.limit !== null && t.worst.utilization !== null
                ? {
                    serviceCode: t.worst.serviceCode,
                    quotaCode: t.worst.quotaCode,
                    quotaName: t.worst.quotaName,
                    usage: t.worst.usage,
                    limit: t.worst.limit,
                    utilization: t.worst.utilization,
                  }
                : null,
            limitsAt: isoOrNull(t.limitsAt),
            usageAt: isoOrNull(t.usageAt),
          })),
          quotas: overview.quotas.map(quotaRowJson),
          quotasTotal: overview.quotasTotal,
          choices: {
            accounts: [...overview.choices.accounts],
            regions: [...overview.choices.regions],
            services: [...overview.choices.services],
          },
        },
        200,
      );
    })
    .openapi(quotas, async (c) => {
      const { target: spec } = c.req.valid('param');
      const query = c.req.valid('query');
      const target = await configuredTarget(ctx, spec, 'target');
      const { rows } = await quotaRows(ctx, [target], {
        services: query.service ?? [],
        adjustable: query.adjustable ?? false,
        changed: query.changed ?? false,
        abovePercent: query.above,
        search: query.q,
        sort: 'service',
      });
      return c.json(
        {
          target: targetInfo(target, await cacheOf(ctx, target.target)),
          quotas: rows.map(quotaRowJson),
        },
        200,
      );
    })
    .openapi(history, async (c) => {
      const params = c.req.valid('param');
      const query = c.req.valid('query');
      const target = await configuredTarget(ctx, params.target, 'target');
      const sinceMs = parseDuration(query.since ?? '7d');
      if (sinceMs === null || sinceMs <= 0 || sinceMs > MAX_HISTORY_MS) {
        throw invalidField('since', `must be a duration from 1m to 400d (got '${query.since ?? ''}')`);
      }
      const limits = await ctx.store.latestLimitSnapshot(target.target);
      const quota = limits?.quotas.find(
        (q) => q.serviceCode === params.service && q.quotaCode === params.code,
      );
      if (!quota) {
        throw new ApiError(
          'HR_API_QUOTA_UNKNOWN',
          404,
          `code ${params.service}/${params.code} is not a quota of ${targetKey(target.target)}${limits ? '' : ' (nothing is stored for it yet)'}`,
          { field: 'code', hint: `GET /api/v1/targets/${targetKey(target.target)}/quotas lists its quotas` },
        );
      }
      const horizonMs = query.forecast === undefined ? null : parseDuration(query.forecast);
      if (horizonMs !== null && (horizonMs < HOUR_MS || horizonMs > MAX_FORECAST_MS)) {
        throw invalidField('forecast', `must be a duration from 1h to 90d (got '${query.forecast ?? ''}')`);
      }
      const now = new Date();
      const which = { serviceCode: params.service, quotaCode: params.code, resource: query.resource };
      const points = await ctx.store.usageHistory(target.target, which, new Date(now.getTime() - sinceMs));
      const forecast =
        horizonMs === null
          ? null
          : forecastJson(
              forecastUsage(
                sinceMs >= FORECAST_HISTORY_MS
                  ? points.filter((p) => p.at.getTime() >= now.getTime() - FORECAST_HISTORY_MS)
                  : await ctx.store.usageHistory(
                      target.target,
                      which,
                      new Date(now.getTime() - FORECAST_HISTORY_MS),
                    ),
                { horizonMs, limit: quota.value, now },
              ),
              now,
              horizonMs,
            );
      return c.json(
        {
          target: targetKey(target.target),
          serviceCode: quota.serviceCode,
          quotaCode: quota.quotaCode,
          quotaName: quota.quotaName,
          unit: quota.unit,
          limit: quota.value,
          resource: query.resource ?? null,
          points: points.map((p) => ({ at: p.at.toISOString(), value: p.value })),
          forecast,
        },
        200,
      );
    });
}
