/**
 * GetMetricData over the sandbox's usage series: MetricStat queries aggregated into periods
 * (StartTime rounded down as CloudWatch rounds it, StartTime inclusive, EndTime exclusive, only
 * periods with data), metric math over them, at most 500 queries, and NextToken paging past
 * MaxDatapoints (100,800 by default).
 */
import type { Handler, RequestContext } from '../../core/service.js';
import type { Input } from '../../core/shapes.js';
import { metricIdentity } from '../../world/catalog.js';
import { type RawPoint, rawPoints } from '../../world/usage.js';
import {
  ExpressionError,
  type Expr,
  type Series,
  asSeries,
  evaluate,
  parseExpression,
  references,
} from './expression.js';
import { invalidNextToken, invalidParameterValue, validationError } from './errors.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;

interface Dimension {
  Name: string;
  Value: string;
}

interface MetricStatInput {
  Metric: { Namespace?: string; MetricName?: string; Dimensions?: Dimension[] };
  Period: number;
  Stat: string;
  Unit?: string;
}

interface QueryInput {
  Id: string;
  MetricStat?: MetricStatInput;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
  Period?: number;
  AccountId?: string;
}

const ID = /^[a-z][a-zA-Z0-9_]*$/;
const STAT = /^(Average|Sum|Minimum|Maximum|SampleCount|p(\d{1,2}(\.\d+)?|100))$/;
const HIGH_RESOLUTION_PERIODS = new Set([1, 5, 10, 20, 30]);

/** CloudWatch rounds StartTime down: to the minute within 15 days, 5 minutes within 63, else the hour. */
function roundStart(start: number, now: number): number {
  const age = now - start;
  const step = age <= 15 * DAY ? MINUTE : age <= 63 * DAY ? 5 * MINUTE : 60 * MINUTE;
  return Math.floor(start / step) * step;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function aggregate(points: readonly RawPoint[], stat: string): number {
  switch (stat) {
    case 'Maximum':
      return Math.max(...points.map((p) => p.max));
    case 'Minimum':
      return Math.min(...points.map((p) => p.min));
    case 'Sum':
      return points.reduce((s, p) => s + p.sum, 0);
    case 'SampleCount':
      return points.reduce((s, p) => s + p.count, 0);
    case 'Average':
      return points.reduce((s, p) => s + p.sum, 0) / points.reduce((s, p) => s + p.count, 0);
    default:
      return percentile(
        points.map((p) => p.max),
        Number.parseFloat(stat.slice(1)),
      );
  }
}

function metricUnit(namespace: string): string {
  return namespace === 'AWS/Usage' ? 'None' : 'Count';
}

function checkQueries(queries: readonly QueryInput[]): void {
  if (queries.length > MAX_QUERIES) {
    throw validationError(
      `The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`,
    );
  }
  const seen = new Set<string>();
  queries.forEach((q, i) => {
    const at = `MetricDataQueries.member.${i + 1}`;
    if (!ID.test(q.Id)) {
      throw validationError(
        `The value ${q.Id} for parameter ${at}.Id is not valid: an Id starts with a lowercase letter and holds only letters, numbers and underscores.`,
      );
    }
    if (seen.has(q.Id))
      throw validationError(`The values for parameter Id in MetricDataQueries are not unique: ${q.Id}.`);
    seen.add(q.Id);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw validationError(`Exactly one of MetricStat and Expression must be set for ${at} (${q.Id}).`);
    }
    if (q.MetricStat) {
      const { Period, Stat, Metric } = q.MetricStat;
      if (!(HIGH_RESOLUTION_PERIODS.has(Period) || Period % 60 === 0)) {
        throw invalidParameterValue(
          `The parameter ${at}.MetricStat.Period must be a multiple of 60 or one of 1, 5, 10, 20, 30.`,
        );
      }
      if (!STAT.test(Stat)) {
        throw invalidParameterValue(
          `The value ${Stat} for parameter ${at}.MetricStat.Stat is not supported.`,
        );
      }
      if (Metric.Namespace === undefined || Metric.MetricName === undefined) {
        throw validationError(`${at}.MetricStat.Metric must name a Namespace and a MetricName.`);
      }
    }
    if (q.Expression !== undefined && /^\s*SELECT\b/i.test(q.Expression)) {
      throw validationError(`Metrics Insights queries are not supported by the headroom sandbox (${at}).`);
    }
  });
}

interface Computed {
  readonly query: QueryInput;
  readonly series: Series;
}

/** Evaluates every query (MetricStat series, then expressions in dependency order). */
function computeAll(
  ctx: RequestContext,
  queries: readonly QueryInput[],
  start: number,
  end: number,
  now: number,
): Computed[] {
  const { world, account, region } = ctx;
  const byId = new Map(queries.map((q) => [q.Id, q]));
  const done = new Map<string, Series>();
  const visiting = new Set<string>();
  const parsed = new Map<string, Expr>();

  const quotaOf = (q: QueryInput) => {
    const metric = q.MetricStat?.Metric;
    if (!metric?.Namespace || !metric.MetricName) return undefined;
    const dims = (metric.Dimensions ?? []).map((d) => [d.Name, d.Value] as const);
    return world.catalog.quotaForMetric(metricIdentity(metric.Namespace, metric.MetricName, dims));
  };

  const metricSeries = (q: QueryInput): Series => {
    const stat = q.MetricStat as MetricStatInput;
    const quota = quotaOf(q);
    const profile = quota ? world.quotas.profile(account, region, quota) : null;
    const namespace = stat.Metric.Namespace ?? '';
    if (!profile || (stat.Unit !== undefined && stat.Unit !== metricUnit(namespace)))
      return { times: [], values: [] };
    if (q.AccountId !== undefined && q.AccountId !== account.id) return { times: [], values: [] };
    const periodMs = stat.Period * 1000;
    const first = roundStart(start, now);
    const buckets = new Map<number, RawPoint[]>();
    for (const point of rawPoints(profile, first, end, now)) {
      // A period shorter than the stored resolution finds no data, as in CloudWatch.
      if (periodMs % point.resolutionMs !== 0) continue;
      const bucket = first + Math.floor((point.time - first) / periodMs) * periodMs;
      const list = buckets.get(bucket) ?? [];
      list.push(point);
      buckets.set(bucket, list);
    }
    const times = [...buckets.keys()].sort((a, b) => a - b);
    return { times, values: times.map((t) => aggregate(buckets.get(t) ?? [], stat.Stat)) };
  };

  const seriesOf = (id: string, from: string): Series => {
    const cached = done.get(id);
    if (cached) return cached;
    const q = byId.get(id);
    if (!q) throw validationError(`Error in expression '${from}': Unrecognized identifier '${id}'.`);
    if (visiting.has(id))
      throw validationError(`Error in expression '${from}': circular reference through '${id}'.`);
    visiting.add(id);
    let series: Series;
    if (q.MetricStat) {
      series = metricSeries(q);
    } else {
      const expr = parsed.get(id) as Expr;
      try {
        series = asSeries(
          evaluate(expr, {
            series: (ref) => seriesOf(ref, id),
            serviceQuota: (ref) => {
              const target = byId.get(ref);
              if (!target)
                throw validationError(`Error in expression '${id}': Unrecognized identifier '${ref}'.`);
              const quota = target.MetricStat ? quotaOf(target) : undefined;
              if (!quota) {
                throw validationError(
                  `Error in expression '${id}': SERVICE_QUOTA needs a usage metric of a quota integrated with Service Quotas, and '${ref}' is not one.`,
                );
              }
              const usage = seriesOf(ref, id);
              const limits = usage.times.map(
                (t) => world.quotas.appliedAt(account, region, quota, t) ?? Number.NaN,
              );
              const times: number[] = [];
              const values: number[] = [];
              usage.times.forEach((t, i) => {
                const v = limits[i];
                if (v !== undefined && Number.isFinite(v)) {
                  times.push(t);
                  values.push(v);
                }
              });
              return { times, values };
            },
          }),
        );
      } catch (error) {
        if (error instanceof ExpressionError)
          throw validationError(`Error in expression '${id}': ${error.message}.`);
        throw error;
      }
    }
    visiting.delete(id);
    done.set(id, series);
    return series;
  };

  for (const q of queries) {
    if (q.Expression === undefined) continue;
    try {
      const expr = parseExpression(q.Expression);
      parsed.set(q.Id, expr);
      for (const ref of references(expr)) {
        if (!byId.has(ref))
          throw validationError(`Error in expression '${q.Id}': Unrecognized identifier '${ref}'.`);
      }
    } catch (error) {
      if (error instanceof ExpressionError)
        throw validationError(`Error in expression '${q.Id}': ${error.message}.`);
      throw error;
    }
  }
  return queries.map((query) => ({ query, series: seriesOf(query.Id, query.Id) }));
}

export const getMetricData: Handler = (ctx, input: Input) => {
  const queries = (input.MetricDataQueries ?? []) as QueryInput[];
  const start = (input.StartTime as Date).getTime();
  const end = (input.EndTime as Date).getTime();
  const scanBy = (input.ScanBy as string | undefined) ?? 'TimestampDescending';
  const maxDatapoints = (input.MaxDatapoints as number | undefined) ?? DEFAULT_MAX_DATAPOINTS;
  checkQueries(queries);
  if (start >= end) throw validationError('The parameter StartTime must be less than the parameter EndTime.');
  if (maxDatapoints < 1) throw invalidParameterValue('The parameter MaxDatapoints must be greater than 0.');

  // A continuation reuses the first page's clock, so pages line up even if time moved between them.
  const { NextToken: _token, ...request } = input;
  const scope = `GetMetricData|${ctx.account.id}|${ctx.region}|${JSON.stringify(request)}`;
  let offset = 0;
  let now = ctx.now;
  const token = input.NextToken as string | undefined;
  if (token !== undefined) {
    const decoded = ctx.pageTokens.decodeWithPin(token, scope);
    if (decoded?.pinned === undefined) throw invalidNextToken();
    offset = decoded.offset;
    now = decoded.pinned;
  }

  const returned = computeAll(ctx, queries, start, end, now).filter((c) => c.query.ReturnData !== false);
  const descending = scanBy === 'TimestampDescending';
  const results = returned.map(({ query, series }) => {
    const order = series.times.map((_, i) => i);
    if (descending) order.reverse();
    return {
      query,
      times: order.map((i) => series.times[i] ?? 0),
      values: order.map((i) => series.values[i] ?? 0),
    };
  });
  const total = results.reduce((n, r) => n + r.times.length, 0);
  if (offset > total) throw invalidNextToken();

  const pageEnd = offset + maxDatapoints;
  const out: Record<string, unknown>[] = [];
  let cursor = 0;
  for (const r of results) {
    const from = Math.max(offset - cursor, 0);
    const to = Math.min(pageEnd - cursor, r.times.length);
    const hasPoints = from < to;
    // A query without points is reported on the first page.
    if (hasPoints || (offset === 0 && r.times.length === 0)) {
      out.push({
        Id: r.query.Id,
        Label: r.query.Label ?? (r.query.MetricStat ? r.query.MetricStat.Metric.MetricName : r.query.Id),
        Timestamps: r.times.slice(from, to).map((t) => new Date(t)),
        Values: r.values.slice(from, to),
        StatusCode: to < r.times.length ? 'PartialData' : 'Complete',
        Messages: [],
      });
    }
    cursor += r.times.length;
  }
  return {
    MetricDataResults: out,
    NextToken: pageEnd < total ? ctx.pageTokens.encode(scope, pageEnd, now) : undefined,
    Messages: [],
  };
};
