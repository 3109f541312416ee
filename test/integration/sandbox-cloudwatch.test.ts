/**
 * CloudWatch GetMetricData on the sandbox, through the real @aws-sdk/client-cloudwatch over HTTP, in
 * both of its protocols: the default JSON 1.0 with `x-amzn-query-mode` (awsQueryCompatible) and the
 * form-encoded query protocol of older SDKs and the AWS CLI. The shared semantics run once per
 * protocol; a few tests compare the two protocols with each other and with raw wire requests.
 *
 * Windows are whole minutes in the past, fixed when the suite starts, so every query of a window
 * sees the same stored datapoints whichever protocol asks and however long the suite takes.
 */
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  InvalidNextToken,
  type Metric,
  type MetricDataQuery,
  type MetricDataResult,
  ValidationException,
  paginateGetMetricData,
} from '@aws-sdk/client-cloudwatch';
import {
  GetRequestedServiceQuotaChangeCommand,
  GetServiceQuotaCommand,
  RequestServiceQuotaIncreaseCommand,
  type ServiceQuota,
  ServiceQuotasClient,
  paginateListServiceQuotas,
} from '@aws-sdk/client-service-quotas';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { clientSettings, sendRaw } from '../helpers/sandbox.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type ProtocolName = 'json' | 'query';

const PROTOCOLS: readonly { readonly protocol: ProtocolName; readonly label: string }[] = [
  { protocol: 'json', label: 'JSON 1.0 (default client, x-amzn-query-mode)' },
  { protocol: 'query', label: 'query protocol (AwsQueryProtocol, form-encoded)' },
];

const dimensions = (entries: Record<string, string>) =>
  Object.entries(entries).map(([Name, Value]) => ({ Name, Value }));

const EC2_VCPU_DIMENSIONS = {
  Class: 'Standard/OnDemand',
  Resource: 'vCPU',
  Service: 'EC2',
  Type: 'Resource',
};

/** ec2 L-1216C47A's usage metric, exactly as Service Quotas names it. */
const EC2_VCPU: Metric = {
  Namespace: 'AWS/Usage',
  MetricName: 'ResourceCount',
  Dimensions: dimensions(EC2_VCPU_DIMENSIONS),
};

/** lambda L-B99A9384's usage metric: AWS/Lambda, no dimensions at all. */
const LAMBDA_CONCURRENCY: Metric = {
  Namespace: 'AWS/Lambda',
  MetricName: 'ConcurrentExecutions',
  Dimensions: [],
};

const TOO_MANY_QUERIES = 'The collection MetricDataQueries must not have a size greater than 500.';

function cloudWatch(
  sandbox: Sandbox,
  protocol: ProtocolName,
  options: { account?: number; region?: string } = {},
): CloudWatchClient {
  const settings = clientSettings(sandbox, { ...options, maxAttempts: 1 });
  return protocol === 'query'
    ? new CloudWatchClient({ ...settings, protocol: AwsQueryProtocol })
    : new CloudWatchClient(settings);
}

function serviceQuotas(
  sandbox: Sandbox,
  options: { account?: number; region?: string } = {},
): ServiceQuotasClient {
  return new ServiceQuotasClient(clientSettings(sandbox, { ...options, maxAttempts: 1 }));
}

function stat(
  id: string,
  metric: Metric,
  statistic: string,
  period: number,
  extra: Partial<MetricDataQuery> = {},
): MetricDataQuery {
  return { Id: id, MetricStat: { Metric: metric, Period: period, Stat: statistic }, ...extra };
}

function expression(id: string, text: string, extra: Partial<MetricDataQuery> = {}): MetricDataQuery {
  return { Id: id, Expression: text, ...extra };
}

function getMetricData(
  client: CloudWatchClient,
  queries: MetricDataQuery[],
  start: number,
  end: number,
  extra: Partial<GetMetricDataCommandInput> = {},
): Promise<GetMetricDataCommandOutput> {
  return client.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date(start),
      EndTime: new Date(end),
      ...extra,
    }),
  );
}

interface Points {
  readonly times: number[];
  readonly values: number[];
}

function resultOf(output: GetMetricDataCommandOutput, id: string): MetricDataResult {
  const found = output.MetricDataResults?.find((r) => r.Id === id);
  if (!found) throw new Error(`the response has no result for '${id}'`);
  return found;
}

function pointsOf(output: GetMetricDataCommandOutput, id: string): Points {
  const result = resultOf(output, id);
  const times = (result.Timestamps ?? []).map((d) => d.getTime());
  const values = result.Values ?? [];
  expect(values).toHaveLength(times.length);
  return { times, values };
}

/** The value of a series at each of its timestamps. */
function byTime(points: Points): Map<number, number> {
  return new Map(points.times.map((t, i) => [t, points.values[i] ?? Number.NaN]));
}

function ascending(points: Points): Points {
  const order = points.times.map((_, i) => i).sort((a, b) => (points.times[a] ?? 0) - (points.times[b] ?? 0));
  return { times: order.map((i) => points.times[i] ?? 0), values: order.map((i) => points.values[i] ?? 0) };
}

/** Every page of a request, following NextToken (bounded). */
async function allPages(
  client: CloudWatchClient,
  input: GetMetricDataCommandInput,
): Promise<GetMetricDataCommandOutput[]> {
  const pages: GetMetricDataCommandOutput[] = [];
  let token: string | undefined;
  for (let i = 0; i < 200; i++) {
    const page = await client.send(new GetMetricDataCommand({ ...input, NextToken: token }));
    pages.push(page);
    token = page.NextToken;
    if (token === undefined) return pages;
  }
  throw new Error('more than 200 pages');
}

/** The pages' results concatenated per query id, in page order. */
function concatenate(pages: readonly GetMetricDataCommandOutput[]): Map<string, Points> {
  const merged = new Map<string, Points>();
  for (const page of pages) {
    for (const result of page.MetricDataResults ?? []) {
      const id = result.Id ?? '';
      const into = merged.get(id) ?? { times: [], values: [] };
      into.times.push(...(result.Timestamps ?? []).map((d) => d.getTime()));
      into.values.push(...(result.Values ?? []));
      merged.set(id, into);
    }
  }
  return merged;
}

function pointCount(output: GetMetricDataCommandOutput): number {
  return (output.MetricDataResults ?? []).reduce((n, r) => n + (r.Timestamps?.length ?? 0), 0);
}

/** The error a call fails with; fails the test when the call succeeds. */
async function failureOf(call: Promise<unknown>): Promise<CloudWatchServiceException> {
  try {
    await call;
  } catch (error) {
    if (error instanceof CloudWatchServiceException) return error;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The query-protocol error code the SDK keeps beside the error name (`Code`, from <Code> or x-amzn-query-error). */
function queryCodeOf(error: Error): unknown {
  return Reflect.get(error, 'Code');
}

async function appliedValue(
  sandbox: Sandbox,
  serviceCode: string,
  quotaCode: string,
  options: { account?: number; region?: string } = {},
): Promise<number> {
  const out = await serviceQuotas(sandbox, options).send(
    new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: quotaCode }),
  );
  const value = out.Quota?.Value;
  if (value === undefined) throw new Error(`${serviceCode}/${quotaCode} has no applied value`);
  return value;
}

/** The CloudWatch API-rate quotas (per second) with a CallCount usage metric, from Service Quotas. */
async function callCountQuotas(sandbox: Sandbox): Promise<ServiceQuota[]> {
  const found: ServiceQuota[] = [];
  for await (const page of paginateListServiceQuotas(
    { client: serviceQuotas(sandbox) },
    { ServiceCode: 'monitoring' },
  )) {
    for (const quota of page.Quotas ?? []) {
      if (
        quota.UsageMetric?.MetricName === 'CallCount' &&
        quota.Period?.PeriodUnit === 'SECOND' &&
        quota.Period.PeriodValue === 1
      ) {
        found.push(quota);
      }
    }
  }
  return found;
}

function metricOfQuota(quota: ServiceQuota): Metric {
  const usage = quota.UsageMetric;
  return {
    Namespace: usage?.MetricNamespace,
    MetricName: usage?.MetricName,
    Dimensions: dimensions(usage?.MetricDimensions ?? {}),
  };
}

function isWholeNumber(value: number): boolean {
  return Number.isInteger(value);
}

let sandbox: Sandbox;
/** The sandbox clock when the suite started. */
let startedAt: number;
/** A whole hour between three and four hours before the suite started: the base of fixed windows. */
let t0: number;

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: 'off' });
  startedAt = sandbox.admin.now().getTime();
  t0 = Math.floor(startedAt / HOUR) * HOUR - 3 * HOUR;
});

afterAll(async () => {
  await sandbox.close();
});

describe.each(PROTOCOLS)('CloudWatch GetMetricData over $label', ({ protocol }) => {
  let client: CloudWatchClient;
  /** CloudWatch CallCount quotas of account 0 in us-east-1 with their data over [t0 - 1h, t0). */
  let probe: { quota: ServiceQuota; sums: Points }[];

  beforeAll(async () => {
    client = cloudWatch(sandbox, protocol);
    const candidates = await callCountQuotas(sandbox);
    const out = await getMetricData(
      client,
      candidates.map((quota, i) => stat(`c${i}`, metricOfQuota(quota), 'Sum', 60)),
      t0 - HOUR,
      t0,
    );
    probe = candidates.map((quota, i) => ({ quota, sums: pointsOf(out, `c${i}`) }));
  });

  /** The first CloudWatch API-rate quota the account uses (its CallCount series has data). */
  const usedCallCountQuota = (): { quota: ServiceQuota; metric: Metric } => {
    const used = probe.find((p) => p.sums.times.length > 0);
    if (!used) throw new Error('no CloudWatch CallCount quota has data');
    return { quota: used.quota, metric: metricOfQuota(used.quota) };
  };

  describe('usage metrics', () => {
    it('reads EC2 vCPU usage (AWS/Usage ResourceCount, Maximum) in every listed region and none elsewhere', async () => {
      const regions = sandbox.admin.info().regions;
      expect(regions).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
      for (const region of regions) {
        const out = await getMetricData(
          cloudWatch(sandbox, protocol, { region }),
          [stat('m1', EC2_VCPU, 'Maximum', 300)],
          t0,
          t0 + HOUR,
        );
        const { times, values } = pointsOf(out, 'm1');
        expect(times).toHaveLength(12);
        expect(values.every((v) => isWholeNumber(v) && v > 0)).toBe(true);
        expect(resultOf(out, 'm1').StatusCode).toBe('Complete');
      }
      const elsewhere = await getMetricData(
        cloudWatch(sandbox, protocol, { region: 'ap-southeast-2' }),
        [stat('m1', EC2_VCPU, 'Maximum', 300)],
        t0,
        t0 + HOUR,
      );
      expect(pointsOf(elsewhere, 'm1').times).toEqual([]);
      expect(resultOf(elsewhere, 'm1').StatusCode).toBe('Complete');
    });

    it('reads Lambda ConcurrentExecutions with no dimensions, and nothing once a dimension is added', async () => {
      const { Dimensions: _none, ...withoutDimensions } = LAMBDA_CONCURRENCY;
      const out = await getMetricData(
        client,
        [
          stat('empty', LAMBDA_CONCURRENCY, 'Maximum', 300),
          stat('omitted', withoutDimensions, 'Maximum', 300),
          stat(
            'byfunction',
            { ...LAMBDA_CONCURRENCY, Dimensions: dimensions({ FunctionName: 'checkout' }) },
            'Maximum',
            300,
          ),
        ],
        t0,
        t0 + HOUR,
      );
      const empty = pointsOf(out, 'empty');
      expect(empty.times).toHaveLength(12);
      expect(empty.values.every((v) => v > 0)).toBe(true);
      expect(pointsOf(out, 'omitted')).toEqual(empty);
      expect(pointsOf(out, 'byfunction').times).toEqual([]);
    });

    it('finds CallCount/Sum data only for the API-rate quotas the account uses', () => {
      expect(probe.length).toBeGreaterThan(10);
      const used = probe.filter((p) => p.sums.times.length > 0);
      const unused = probe.filter((p) => p.sums.times.length === 0);
      expect(used.length).toBeGreaterThan(0);
      expect(unused.length).toBeGreaterThan(0);
      for (const { quota, sums } of used) {
        expect(quota.UsageMetric?.MetricStatisticRecommendation).toBe('Sum');
        expect(quota.UsageMetric?.MetricDimensions?.Type).toBe('API');
        expect(sums.times).toHaveLength(60);
        expect(sums.values.every((v) => isWholeNumber(v) && v >= 0)).toBe(true);
        // A minute's Sum over 60 is the per-second rate the quota limits.
        expect(Math.max(...sums.values) / 60).toBeLessThanOrEqual(quota.Value ?? Number.NaN);
      }
      expect(usedCallCountQuota().quota.QuotaCode).toMatch(/^L-[0-9A-F]{8}$/);
    });
  });

  describe('periods and windows', () => {
    it('gives exactly one datapoint, at StartTime, for the window [t, t + Period)', async () => {
      const out = await getMetricData(
        client,
        [stat('n', EC2_VCPU, 'SampleCount', 300), stat('max', EC2_VCPU, 'Maximum', 300)],
        t0,
        t0 + 5 * MINUTE,
      );
      expect(pointsOf(out, 'n')).toEqual({ times: [t0], values: [5] });
      expect(pointsOf(out, 'max').times).toEqual([t0]);
    });

    it('opens a second period holding one minute for the window [t, t + Period + 1 ms)', async () => {
      const out = await getMetricData(
        client,
        [stat('n', EC2_VCPU, 'SampleCount', 300)],
        t0,
        t0 + 5 * MINUTE + 1,
      );
      expect(ascending(pointsOf(out, 'n'))).toEqual({ times: [t0, t0 + 5 * MINUTE], values: [5, 1] });
    });

    it('keeps EndTime exclusive: a minute starting at EndTime is left out', async () => {
      const out = await getMetricData(
        client,
        [stat('n', EC2_VCPU, 'SampleCount', 300), stat('minutes', EC2_VCPU, 'Maximum', 60)],
        t0,
        t0 + 4 * MINUTE,
      );
      expect(pointsOf(out, 'n')).toEqual({ times: [t0], values: [4] });
      expect(ascending(pointsOf(out, 'minutes')).times).toEqual([
        t0,
        t0 + MINUTE,
        t0 + 2 * MINUTE,
        t0 + 3 * MINUTE,
      ]);
    });

    it('rounds StartTime down to the minute and keeps it inclusive', async () => {
      const reference = await getMetricData(
        client,
        [stat('m', EC2_VCPU, 'Maximum', 60)],
        t0,
        t0 + 3 * MINUTE,
      );
      const rounded = await getMetricData(
        client,
        [stat('m', EC2_VCPU, 'Maximum', 60), stat('n', EC2_VCPU, 'SampleCount', 300)],
        t0 + 59_999,
        t0 + 3 * MINUTE,
      );
      expect(pointsOf(rounded, 'm')).toEqual(pointsOf(reference, 'm'));
      expect(pointsOf(rounded, 'm').times).toContain(t0);
      expect(pointsOf(rounded, 'n')).toEqual({ times: [t0], values: [3] });

      const shifted = await getMetricData(
        client,
        [stat('n', EC2_VCPU, 'SampleCount', 300)],
        t0 + 30_000,
        t0 + 10 * MINUTE + 30_000,
      );
      expect(ascending(pointsOf(shifted, 'n'))).toEqual({
        times: [t0, t0 + 5 * MINUTE, t0 + 10 * MINUTE],
        values: [5, 5, 1],
      });
    });

    it('puts datapoints at StartTime + k * Period, also when StartTime is off the Period grid', async () => {
      const start = t0 + 2 * MINUTE;
      const out = await getMetricData(
        client,
        [stat('n', EC2_VCPU, 'SampleCount', 300), stat('h', EC2_VCPU, 'Maximum', 3600)],
        start,
        start + 3 * 5 * MINUTE,
      );
      expect(ascending(pointsOf(out, 'n'))).toEqual({
        times: [start, start + 5 * MINUTE, start + 10 * MINUTE],
        values: [5, 5, 5],
      });
      expect(pointsOf(out, 'h').times).toEqual([start]);
    });

    it('omits periods that have no data', async () => {
      // The window runs 50 minutes into the future: only minutes already past have datapoints.
      const start = Math.floor(sandbox.admin.now().getTime() / MINUTE) * MINUTE - 10 * MINUTE;
      const out = await getMetricData(client, [stat('m', EC2_VCPU, 'Maximum', 60)], start, start + HOUR);
      const after = sandbox.admin.now().getTime();
      const { times } = ascending(pointsOf(out, 'm'));
      expect(times.length).toBeGreaterThanOrEqual(9);
      expect(times.length).toBeLessThan(60);
      expect(times).toEqual(times.map((_, k) => start + k * MINUTE));
      expect(times.every((t) => t + MINUTE <= after)).toBe(true);

      // Twenty days back only 5-minute rollups are kept: a 60 s Period finds nothing, 300 s finds them.
      const old = Math.floor((startedAt - 20 * DAY) / HOUR) * HOUR;
      const rollups = await getMetricData(
        client,
        [stat('p60', EC2_VCPU, 'Maximum', 60), stat('p300', EC2_VCPU, 'Maximum', 300)],
        old,
        old + HOUR,
      );
      expect(pointsOf(rollups, 'p60').times).toEqual([]);
      expect(ascending(pointsOf(rollups, 'p300')).times).toEqual(
        Array.from({ length: 12 }, (_, k) => old + k * 5 * MINUTE),
      );
    });

    it('finds no data for a dimension set that does not match exactly', async () => {
      const { Class: _class, ...withoutClass } = EC2_VCPU_DIMENSIONS;
      const variants: Record<string, Record<string, string>> = {
        missing: withoutClass,
        extra: { ...EC2_VCPU_DIMENSIONS, InstanceType: 'm5.large' },
        cased: { ...EC2_VCPU_DIMENSIONS, Resource: 'vcpu' },
        other: { ...EC2_VCPU_DIMENSIONS, Class: 'Standard/Spot' },
      };
      const out = await getMetricData(
        client,
        [
          stat('exact', EC2_VCPU, 'Maximum', 300),
          ...Object.entries(variants).map(([id, dims]) =>
            stat(id, { ...EC2_VCPU, Dimensions: dimensions(dims) }, 'Maximum', 300),
          ),
        ],
        t0,
        t0 + HOUR,
      );
      expect(pointsOf(out, 'exact').times).toHaveLength(12);
      for (const id of Object.keys(variants)) {
        expect(pointsOf(out, id), id).toEqual({ times: [], values: [] });
        expect(resultOf(out, id).StatusCode, id).toBe('Complete');
      }
    });

    it('keeps Sum, Average, SampleCount, Minimum, Maximum and percentiles consistent over one window', async () => {
      const stats = ['Sum', 'Average', 'SampleCount', 'Minimum', 'Maximum', 'p90', 'p100'];
      const queries = stats.map((s) => stat(s.toLowerCase(), EC2_VCPU, s, 300));
      const minutes = ['Sum', 'Minimum', 'Maximum'].map((s) => stat(`minute${s}`, EC2_VCPU, s, 60));
      const out = await getMetricData(client, [...queries, ...minutes], t0, t0 + 3 * HOUR, {
        ScanBy: 'TimestampAscending',
      });
      const series = Object.fromEntries(stats.map((s) => [s, pointsOf(out, s.toLowerCase())]));
      const grid = Array.from({ length: 36 }, (_, k) => t0 + k * 5 * MINUTE);
      for (const s of stats) expect(series[s]?.times, s).toEqual(grid);
      const at = (s: string, k: number): number => series[s]?.values[k] ?? Number.NaN;
      const minuteSum = byTime(pointsOf(out, 'minuteSum'));
      const minuteMin = byTime(pointsOf(out, 'minuteMinimum'));
      const minuteMax = byTime(pointsOf(out, 'minuteMaximum'));
      grid.forEach((t, k) => {
        expect(at('SampleCount', k)).toBe(5);
        expect(at('Average', k) * at('SampleCount', k)).toBeCloseTo(at('Sum', k), 6);
        expect(at('Minimum', k)).toBeLessThanOrEqual(at('Average', k));
        expect(at('Average', k)).toBeLessThanOrEqual(at('Maximum', k));
        expect(at('p90', k)).toBeGreaterThanOrEqual(at('Minimum', k));
        expect(at('p90', k)).toBeLessThanOrEqual(at('Maximum', k));
        expect(at('p100', k)).toBe(at('Maximum', k));
        // A 5-minute period aggregates the five 1-minute datapoints it covers.
        const covered = [0, 1, 2, 3, 4].map((i) => t + i * MINUTE);
        expect(covered.reduce((s, m) => s + (minuteSum.get(m) ?? Number.NaN), 0)).toBe(at('Sum', k));
        expect(Math.min(...covered.map((m) => minuteMin.get(m) ?? Number.NaN))).toBe(at('Minimum', k));
        expect(Math.max(...covered.map((m) => minuteMax.get(m) ?? Number.NaN))).toBe(at('Maximum', k));
      });
      // Over the window the minima and maxima really differ, so the relations above are not trivial.
      expect(grid.some((_, k) => at('Minimum', k) < at('Maximum', k))).toBe(true);
    });

    it('returns the newest datapoint first by default and the oldest first with TimestampAscending', async () => {
      const queries = [stat('m1', EC2_VCPU, 'Maximum', 300), stat('l1', LAMBDA_CONCURRENCY, 'Maximum', 300)];
      const byDefault = await getMetricData(client, queries, t0, t0 + HOUR);
      const descending = await getMetricData(client, queries, t0, t0 + HOUR, {
        ScanBy: 'TimestampDescending',
      });
      const oldestFirst = await getMetricData(client, queries, t0, t0 + HOUR, {
        ScanBy: 'TimestampAscending',
      });
      for (const id of ['m1', 'l1']) {
        const down = pointsOf(byDefault, id);
        const up = pointsOf(oldestFirst, id);
        expect(down.times).toHaveLength(12);
        expect(down.times.every((t, i) => i === 0 || t < (down.times[i - 1] ?? 0))).toBe(true);
        expect(up.times.every((t, i) => i === 0 || t > (up.times[i - 1] ?? 0))).toBe(true);
        expect(pointsOf(descending, id)).toEqual(down);
        expect(up).toEqual({ times: [...down.times].reverse(), values: [...down.values].reverse() });
      }
    });
  });

  describe('limits and paging', () => {
    it('answers 500 queries and refuses 501 with a 400 ValidationError', async () => {
      const queries = (n: number) =>
        Array.from({ length: n }, (_, i) => stat(`q${i}`, EC2_VCPU, 'Maximum', 300));
      const ok = await getMetricData(client, queries(500), t0, t0 + 5 * MINUTE);
      expect(ok.MetricDataResults).toHaveLength(500);
      expect(pointsOf(ok, 'q499').times).toEqual([t0]);

      const error = await failureOf(getMetricData(client, queries(501), t0, t0 + 5 * MINUTE));
      // Both protocols surface the modelled ValidationException, whose query code is ValidationError.
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.name).toBe('ValidationException');
      expect(queryCodeOf(error)).toBe('ValidationError');
      expect(error.$fault).toBe('client');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(TOO_MANY_QUERIES);
    });

    it('pages past a small MaxDatapoints, and the pages add up to the single-call result', async () => {
      const queries = [
        stat('m1', EC2_VCPU, 'Maximum', 300),
        stat('l1', LAMBDA_CONCURRENCY, 'Maximum', 300),
        stat('m2', EC2_VCPU, 'Minimum', 300),
      ];
      for (const scanBy of ['TimestampDescending', 'TimestampAscending'] as const) {
        const input: GetMetricDataCommandInput = {
          MetricDataQueries: queries,
          StartTime: new Date(t0),
          EndTime: new Date(t0 + HOUR),
          ScanBy: scanBy,
        };
        const single = await client.send(new GetMetricDataCommand(input));
        expect(single.NextToken).toBeUndefined();
        expect(pointCount(single)).toBe(36);

        const pages = await allPages(client, { ...input, MaxDatapoints: 7 });
        expect(pages.map(pointCount)).toEqual([7, 7, 7, 7, 7, 1]);
        expect(pages.slice(0, -1).every((p) => typeof p.NextToken === 'string' && p.NextToken !== '')).toBe(
          true,
        );
        const merged = concatenate(pages);
        for (const id of ['m1', 'l1', 'm2']) expect(merged.get(id), id).toEqual(pointsOf(single, id));

        // A result cut off by the page is PartialData; it is Complete on the page holding its last point.
        const first = pages[0];
        if (!first) throw new Error('no first page');
        expect(resultOf(first, 'm1').StatusCode).toBe('PartialData');
        expect(resultOf(first, 'm1').Timestamps).toHaveLength(7);
        const second = pages[1];
        if (!second) throw new Error('no second page');
        expect(resultOf(second, 'm1').StatusCode).toBe('Complete');
        expect(resultOf(second, 'm1').Timestamps).toHaveLength(5);
        expect(resultOf(second, 'l1').StatusCode).toBe('PartialData');

        // The SDK's own paginator walks the same pages.
        const viaPaginator: GetMetricDataCommandOutput[] = [];
        for await (const page of paginateGetMetricData({ client, pageSize: 7 }, input))
          viaPaginator.push(page);
        expect(viaPaginator.map((p) => p.MetricDataResults)).toEqual(pages.map((p) => p.MetricDataResults));
      }
    });

    it('pages past the default 100,800 datapoints, and the second page completes the result', async () => {
      // Eight 1-minute series over about 14 days: ~20,000 points each, ~160,000 in all.
      const start = Math.ceil((startedAt - 14 * DAY) / HOUR) * HOUR;
      const end = t0;
      const perQuery = (end - start) / MINUTE;
      expect(perQuery * 8).toBeGreaterThan(100_800);
      expect(perQuery).toBeLessThan(100_800);
      const ids = Array.from({ length: 8 }, (_, i) => `m${i + 1}`);
      const input: GetMetricDataCommandInput = {
        MetricDataQueries: ids.map((id) => stat(id, EC2_VCPU, 'Maximum', 60)),
        StartTime: new Date(start),
        EndTime: new Date(end),
      };
      const pages = await allPages(client, input);
      expect(pages).toHaveLength(2);
      const [first, second] = pages as [GetMetricDataCommandOutput, GetMetricDataCommandOutput];
      expect(pointCount(first)).toBe(100_800);
      expect(typeof first.NextToken).toBe('string');
      expect(pointCount(second)).toBe(perQuery * 8 - 100_800);
      expect(second.NextToken).toBeUndefined();

      const cut = Math.floor(100_800 / perQuery);
      const split = ids[cut] ?? '';
      expect(resultOf(first, split).StatusCode).toBe('PartialData');
      expect(resultOf(second, split).StatusCode).toBe('Complete');
      for (const id of ids.slice(0, cut)) expect(resultOf(first, id).StatusCode, id).toBe('Complete');

      const alone = await getMetricData(client, [stat('m1', EC2_VCPU, 'Maximum', 60)], start, end);
      expect(alone.NextToken).toBeUndefined();
      const expected = pointsOf(alone, 'm1');
      expect(expected.times).toHaveLength(perQuery);
      const merged = concatenate(pages);
      for (const id of ids) expect(merged.get(id), id).toEqual(expected);
    });

    it('rejects an altered NextToken with InvalidNextToken', async () => {
      const input: GetMetricDataCommandInput = {
        MetricDataQueries: [stat('m1', EC2_VCPU, 'Maximum', 300)],
        StartTime: new Date(t0),
        EndTime: new Date(t0 + HOUR),
        MaxDatapoints: 5,
      };
      const first = await client.send(new GetMetricDataCommand(input));
      const token = first.NextToken ?? '';
      expect(token).not.toBe('');
      const next = await client.send(new GetMetricDataCommand({ ...input, NextToken: token }));
      expect(pointsOf(next, 'm1').times).toHaveLength(5);

      const middle = Math.floor(token.length / 2);
      const altered = token.slice(0, middle) + (token[middle] === 'A' ? 'B' : 'A') + token.slice(middle + 1);
      for (const bad of [altered, 'not-a-token', `${token}AAAA`]) {
        const error = await failureOf(client.send(new GetMetricDataCommand({ ...input, NextToken: bad })));
        expect(error).toBeInstanceOf(InvalidNextToken);
        expect(error.name).toBe('InvalidNextToken');
        expect(queryCodeOf(error)).toBe('InvalidNextToken');
        expect(error.$metadata.httpStatusCode).toBe(400);
      }
    });
  });

  describe('metric math', () => {
    it('computes m1/SERVICE_QUOTA(m1)*100 from the applied quota value', async () => {
      const ec2Applied = await appliedValue(sandbox, 'ec2', 'L-1216C47A');
      const lambdaApplied = await appliedValue(sandbox, 'lambda', 'L-B99A9384');
      const calls = usedCallCountQuota();
      const callsApplied = await appliedValue(sandbox, 'monitoring', calls.quota.QuotaCode ?? '');
      const out = await getMetricData(
        client,
        [
          stat('m1', EC2_VCPU, 'Maximum', 300),
          expression('q1', 'SERVICE_QUOTA(m1)'),
          expression('u1', 'm1/SERVICE_QUOTA(m1)*100'),
          stat('m2', LAMBDA_CONCURRENCY, 'Maximum', 300),
          expression('u2', 'm2/SERVICE_QUOTA(m2)*100'),
          stat('m3', calls.metric, 'Sum', 60),
          expression('q3', 'SERVICE_QUOTA(m3)'),
          expression('u3', 'm3/60/SERVICE_QUOTA(m3)*100'),
        ],
        t0,
        t0 + HOUR,
      );
      const cases = [
        { usage: 'm1', utilization: 'u1', applied: ec2Applied, perSecond: 1 },
        { usage: 'm2', utilization: 'u2', applied: lambdaApplied, perSecond: 1 },
        { usage: 'm3', utilization: 'u3', applied: callsApplied, perSecond: 60 },
      ];
      for (const { usage, utilization, applied, perSecond } of cases) {
        const m = pointsOf(out, usage);
        const u = pointsOf(out, utilization);
        expect(m.times.length, usage).toBeGreaterThan(0);
        expect(u.times).toEqual(m.times);
        u.values.forEach((v, i) => {
          expect(v).toBeCloseTo(((m.values[i] ?? Number.NaN) / perSecond / applied) * 100, 9);
        });
      }
      expect(pointsOf(out, 'q1')).toEqual({
        times: pointsOf(out, 'm1').times,
        values: Array(12).fill(ec2Applied),
      });
      const q3 = pointsOf(out, 'q3');
      expect(q3.times).toEqual(pointsOf(out, 'm3').times);
      expect(new Set(q3.values)).toEqual(new Set([callsApplied]));
    });

    it('refuses SERVICE_QUOTA on a metric that is not a quota usage metric with a 400', async () => {
      const { Class: _class, ...withoutClass } = EC2_VCPU_DIMENSIONS;
      const notQuotaMetrics: Metric[] = [
        {
          Namespace: 'AWS/EC2',
          MetricName: 'CPUUtilization',
          Dimensions: dimensions({ InstanceId: 'i-0abc' }),
        },
        { ...EC2_VCPU, Dimensions: dimensions(withoutClass) },
      ];
      for (const metric of notQuotaMetrics) {
        const error = await failureOf(
          getMetricData(
            client,
            [stat('m1', metric, 'Maximum', 300), expression('e1', 'm1/SERVICE_QUOTA(m1)*100')],
            t0,
            t0 + HOUR,
          ),
        );
        expect(error).toBeInstanceOf(ValidationException);
        expect(queryCodeOf(error)).toBe('ValidationError');
        expect(error.$metadata.httpStatusCode).toBe(400);
        expect(error.message).toContain('SERVICE_QUOTA');
      }
    });

    it('refuses an expression naming an unknown id with a 400', async () => {
      for (const text of ['m1 + m9', 'SERVICE_QUOTA(m9)']) {
        const error = await failureOf(
          getMetricData(
            client,
            [stat('m1', EC2_VCPU, 'Maximum', 300), expression('e1', text)],
            t0,
            t0 + HOUR,
          ),
        );
        expect(error, text).toBeInstanceOf(ValidationException);
        expect(queryCodeOf(error)).toBe('ValidationError');
        expect(error.$metadata.httpStatusCode).toBe(400);
        expect(error.message).toContain('m9');
      }
    });

    it('refuses an expression with a syntax error with a 400', async () => {
      for (const text of ['m1 +* 2', '(m1 + 1', 'm1 m1', 'm1 # 2', 'm1 +']) {
        const error = await failureOf(
          getMetricData(
            client,
            [stat('m1', EC2_VCPU, 'Maximum', 300), expression('e1', text)],
            t0,
            t0 + HOUR,
          ),
        );
        expect(error, text).toBeInstanceOf(ValidationException);
        expect(queryCodeOf(error), text).toBe('ValidationError');
        expect(error.$metadata.httpStatusCode, text).toBe(400);
      }
    });

    it('follows arithmetic precedence, associativity and unary minus', async () => {
      const cases: Record<string, { text: string; f: (v: number) => number }> = {
        a: { text: 'm1*2+1', f: (v) => v * 2 + 1 },
        b: { text: '1+m1*2', f: (v) => 1 + v * 2 },
        c: { text: '(m1+1)*2', f: (v) => (v + 1) * 2 },
        d: { text: '-m1', f: (v) => -v },
        e: { text: 'm1-m1*2', f: (v) => -v },
        f: { text: 'm1/2/2', f: (v) => v / 4 },
        g: { text: '10-m1-1', f: (v) => 9 - v },
        h: { text: '-m1+10', f: (v) => 10 - v },
        i: { text: '2*-m1', f: (v) => -2 * v },
        j: { text: ' ( m1 ) * ( 3 - 1 ) ', f: (v) => v * 2 },
      };
      const out = await getMetricData(
        client,
        [
          stat('m1', EC2_VCPU, 'Maximum', 300),
          ...Object.entries(cases).map(([id, { text }]) => expression(id, text)),
        ],
        t0,
        t0 + 30 * MINUTE,
      );
      const m1 = pointsOf(out, 'm1');
      expect(m1.times).toHaveLength(6);
      for (const [id, { text, f }] of Object.entries(cases)) {
        expect(pointsOf(out, id), text).toEqual({ times: m1.times, values: m1.values.map(f) });
      }
    });

    it('hides ReturnData false queries that expressions still use, and passes labels through', async () => {
      const label = 'vCPUs <in use> & "peak" (Standard)';
      const out = await getMetricData(
        client,
        [
          stat('m1', EC2_VCPU, 'Maximum', 300, { ReturnData: false }),
          stat('m2', EC2_VCPU, 'Maximum', 300, { Label: label }),
          expression('double', 'm1*2', { Label: 'twice m1' }),
          expression('pct', 'm1/SERVICE_QUOTA(m1)*100', { Label: '% of quota', ReturnData: true }),
        ],
        t0,
        t0 + HOUR,
      );
      expect(out.MetricDataResults?.map((r) => r.Id)).toEqual(['m2', 'double', 'pct']);
      expect(resultOf(out, 'm2').Label).toBe(label);
      expect(resultOf(out, 'double').Label).toBe('twice m1');
      expect(resultOf(out, 'pct').Label).toBe('% of quota');
      const m2 = pointsOf(out, 'm2');
      expect(m2.times).toHaveLength(12);
      expect(pointsOf(out, 'double')).toEqual({ times: m2.times, values: m2.values.map((v) => v * 2) });
      expect(pointsOf(out, 'pct').times).toEqual(m2.times);
    });
  });

  describe('usage data realism', () => {
    it('gives whole-number EC2 vCPU counts that vary over a day', async () => {
      const end = Math.floor(startedAt / HOUR) * HOUR;
      const out = await getMetricData(
        client,
        [stat('minutes', EC2_VCPU, 'Maximum', 60), stat('hours', EC2_VCPU, 'Average', 3600)],
        end - DAY,
        end,
      );
      const minutes = pointsOf(out, 'minutes');
      expect(minutes.times).toHaveLength(1440);
      expect(minutes.values.every(isWholeNumber)).toBe(true);
      const hours = pointsOf(out, 'hours').values;
      expect(hours).toHaveLength(24);
      expect(new Set(hours).size).toBeGreaterThan(12);
      // Not constant: the day's busiest hour is well above its quietest.
      expect(Math.max(...hours)).toBeGreaterThan(Math.min(...hours) * 1.05);
    });

    it('gives Lambda ConcurrentExecutions that vary over a day', async () => {
      const end = Math.floor(startedAt / HOUR) * HOUR;
      const out = await getMetricData(
        client,
        [stat('lambda', LAMBDA_CONCURRENCY, 'Maximum', 60)],
        end - DAY,
        end,
      );
      const lambda = pointsOf(out, 'lambda');
      expect(lambda.times).toHaveLength(1440);
      expect(new Set(lambda.values).size).toBeGreaterThan(10);
      expect(Math.max(...lambda.values)).toBeGreaterThan(Math.min(...lambda.values) * 1.05);
    });

    // ConcurrentExecutions is "the number of active concurrent invocations at a given point in time"
    // (Lambda developer guide, Monitoring concurrency), so its Maximum is a whole number.
    it('gives whole-number Lambda ConcurrentExecutions maxima (Maximum of a count)', async () => {
      const end = Math.floor(startedAt / HOUR) * HOUR;
      const out = await getMetricData(
        client,
        [stat('lambda', LAMBDA_CONCURRENCY, 'Maximum', 60)],
        end - DAY,
        end,
      );
      const lambda = pointsOf(out, 'lambda');
      expect(lambda.times).toHaveLength(1440);
      expect(lambda.values.filter((v) => !isWholeNumber(v))).toEqual([]);
    });

    it('keeps usage within the applied quota everywhere but the one seeded over-limit series', async () => {
      const accounts = sandbox.admin.accounts();
      expect(accounts).toHaveLength(3);
      const end = Math.floor(startedAt / HOUR) * HOUR;
      const overLimit: string[] = [];
      for (const [account] of accounts.entries()) {
        for (const region of sandbox.admin.info().regions) {
          const ec2 = await appliedValue(sandbox, 'ec2', 'L-1216C47A', { account, region });
          const lambda = await appliedValue(sandbox, 'lambda', 'L-B99A9384', { account, region });
          const out = await getMetricData(
            cloudWatch(sandbox, protocol, { account, region }),
            [stat('ec2', EC2_VCPU, 'Maximum', 3600), stat('lambda', LAMBDA_CONCURRENCY, 'Maximum', 3600)],
            end - DAY,
            end,
          );
          const ec2Peak = Math.max(...pointsOf(out, 'ec2').values);
          const lambdaPeak = Math.max(...pointsOf(out, 'lambda').values);
          expect(pointsOf(out, 'ec2').times).toHaveLength(24);
          expect(lambdaPeak, `lambda ${account} ${region}`).toBeLessThanOrEqual(lambda);
          if (ec2Peak > ec2) overLimit.push(`${account}/${region}`);
        }
      }
      expect(overLimit).toEqual(['1/us-east-1']);

      for (const { quota, sums } of probe.filter((p) => p.sums.times.length > 0)) {
        expect(Math.max(...sums.values) / 60, quota.QuotaCode).toBeLessThanOrEqual(quota.Value ?? Number.NaN);
      }
    });

    it('shows production (account 1) over 100% of EC2 L-1216C47A in us-east-1, and account 0 under it', async () => {
      const now = sandbox.admin.now().getTime();
      const queries = [stat('m1', EC2_VCPU, 'Maximum', 60), expression('pct', 'm1/SERVICE_QUOTA(m1)*100')];
      const latest = async (account: number): Promise<number> => {
        const out = await getMetricData(
          cloudWatch(sandbox, protocol, { account }),
          queries,
          now - 30 * MINUTE,
          now,
        );
        const pct = pointsOf(out, 'pct');
        expect(pct.times.length).toBeGreaterThan(20);
        return pct.values[0] ?? Number.NaN;
      };
      expect(await latest(1)).toBeGreaterThan(100);
      expect(await latest(0)).toBeLessThan(100);
      expect(await latest(2)).toBeLessThan(100);
    });
  });
});

describe('CloudWatch GetMetricData: the two protocols side by side', () => {
  /** Records what each request put on the wire, after the SDK serialized and signed it. */
  function recordWire(client: CloudWatchClient): { headers: Record<string, string>; body: string }[] {
    const seen: { headers: Record<string, string>; body: string }[] = [];
    client.middlewareStack.add(
      (next) => (args) => {
        // The JSON protocol's body is a string adapter object, the query protocol's a string.
        const request = args.request as {
          headers?: Record<string, string>;
          body?: string | { toString(): string };
        };
        seen.push({
          headers: Object.fromEntries(
            Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
          ),
          body: request.body === undefined ? '' : request.body.toString(),
        });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordWireForTest' },
    );
    return seen;
  }

  it('sends form-encoded Action=GetMetricData with AwsQueryProtocol and JSON 1.0 by default', async () => {
    const json = cloudWatch(sandbox, 'json');
    const query = cloudWatch(sandbox, 'query');
    const jsonWire = recordWire(json);
    const queryWire = recordWire(query);
    const before = sandbox.admin.callTotal({
      service: 'monitoring',
      operation: 'GetMetricData',
      outcome: 'success',
    });
    const queries = [stat('m1', EC2_VCPU, 'Maximum', 300)];
    await getMetricData(json, queries, t0, t0 + HOUR);
    await getMetricData(query, queries, t0, t0 + HOUR);
    const after = sandbox.admin.callTotal({
      service: 'monitoring',
      operation: 'GetMetricData',
      outcome: 'success',
    });
    expect(after - before).toBe(2);

    expect(jsonWire).toHaveLength(1);
    const [jsonRequest] = jsonWire;
    expect(jsonRequest?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(jsonRequest?.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(jsonRequest?.headers['x-amzn-query-mode']).toBe('true');
    expect(JSON.parse(jsonRequest?.body ?? '')).toMatchObject({ MetricDataQueries: [{ Id: 'm1' }] });

    expect(queryWire).toHaveLength(1);
    const [queryRequest] = queryWire;
    expect(queryRequest?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(queryRequest?.headers['x-amz-target']).toBeUndefined();
    const form = new URLSearchParams(queryRequest?.body ?? '');
    expect(form.get('Action')).toBe('GetMetricData');
    expect(form.get('Version')).toBe('2010-08-01');
    expect(form.get('MetricDataQueries.member.1.Id')).toBe('m1');
    expect(form.get('MetricDataQueries.member.1.MetricStat.Metric.Namespace')).toBe('AWS/Usage');
  });

  it('returns identical results in both protocols', async () => {
    const json = cloudWatch(sandbox, 'json');
    const query = cloudWatch(sandbox, 'query');
    const queries = [
      stat('m1', EC2_VCPU, 'Maximum', 300, { Label: 'EC2 <vCPU> & co' }),
      stat('m2', EC2_VCPU, 'Average', 300, { ReturnData: false }),
      stat('l1', LAMBDA_CONCURRENCY, 'p90', 600),
      expression('pct', 'm1/SERVICE_QUOTA(m1)*100', { Label: '% of quota' }),
      expression('avg', '-(m2 - 1) / 3'),
      stat('none', { ...EC2_VCPU, Dimensions: [] }, 'Maximum', 300),
    ];
    for (const extra of [{}, { ScanBy: 'TimestampAscending' as const }]) {
      const a = await getMetricData(json, queries, t0 + 30_000, t0 + 2 * HOUR, extra);
      const b = await getMetricData(query, queries, t0 + 30_000, t0 + 2 * HOUR, extra);
      expect(a.MetricDataResults).toHaveLength(5);
      expect(pointCount(a)).toBeGreaterThan(50);
      expect(b.MetricDataResults).toEqual(a.MetricDataResults);
      expect(b.Messages ?? []).toEqual(a.Messages ?? []);
    }
    const jsonPages = await allPages(json, {
      MetricDataQueries: queries,
      StartTime: new Date(t0),
      EndTime: new Date(t0 + HOUR),
      MaxDatapoints: 10,
    });
    const queryPages = await allPages(query, {
      MetricDataQueries: queries,
      StartTime: new Date(t0),
      EndTime: new Date(t0 + HOUR),
      MaxDatapoints: 10,
    });
    expect(jsonPages.length).toBeGreaterThan(2);
    expect(queryPages.map((p) => p.MetricDataResults)).toEqual(jsonPages.map((p) => p.MetricDataResults));
  });

  it('answers a raw form-encoded request with GetMetricDataResponse XML holding the same datapoints', async () => {
    const form = new URLSearchParams({
      Action: 'GetMetricData',
      Version: '2010-08-01',
      'MetricDataQueries.member.1.Id': 'm1',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/Usage',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'ResourceCount',
      'MetricDataQueries.member.1.MetricStat.Period': '300',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Maximum',
      StartTime: new Date(t0).toISOString(),
      EndTime: new Date(t0 + HOUR).toISOString(),
      ScanBy: 'TimestampAscending',
    });
    Object.entries(EC2_VCPU_DIMENSIONS).forEach(([name, value], i) => {
      form.set(`MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.${i + 1}.Name`, name);
      form.set(`MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.${i + 1}.Value`, value);
    });
    const raw = await sendRaw(sandbox, {
      service: 'monitoring',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(raw.status).toBe(200);
    expect(raw.text).toContain(
      '<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">',
    );
    expect(raw.text).toContain('<GetMetricDataResult>');
    const members = (element: string): string[] => {
      const inner = new RegExp(`<${element}>(.*?)</${element}>`, 's').exec(raw.text)?.[1] ?? '';
      return [...inner.matchAll(/<member>(.*?)<\/member>/g)].map((m) => m[1] ?? '');
    };
    const sdk = await getMetricData(
      cloudWatch(sandbox, 'json'),
      [stat('m1', EC2_VCPU, 'Maximum', 300)],
      t0,
      t0 + HOUR,
      { ScanBy: 'TimestampAscending' },
    );
    const expected = pointsOf(sdk, 'm1');
    expect(members('Timestamps').map((s) => Date.parse(s))).toEqual(expected.times);
    expect(members('Values').map(Number)).toEqual(expected.values);
  });

  it('spells the 501-query error in each wire format', async () => {
    const start = new Date(t0);
    const end = new Date(t0 + 5 * MINUTE);
    const queries = Array.from({ length: 501 }, (_, i) => stat(`q${i}`, EC2_VCPU, 'Maximum', 300));
    const json = await sendRaw(sandbox, {
      service: 'monitoring',
      body: JSON.stringify({
        MetricDataQueries: queries,
        StartTime: start.getTime() / 1000,
        EndTime: end.getTime() / 1000,
      }),
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
        'x-amzn-query-mode': 'true',
      },
    });
    expect(json.status).toBe(400);
    expect(json.headers.get('x-amzn-query-error')).toBe('ValidationError;Sender');
    expect(json.json()).toMatchObject({ message: TOO_MANY_QUERIES });
    expect(String(json.json().__type)).toMatch(/(^|#)ValidationException$/);

    const form = new URLSearchParams({
      Action: 'GetMetricData',
      Version: '2010-08-01',
      StartTime: start.toISOString(),
      EndTime: end.toISOString(),
    });
    queries.forEach((_, i) => {
      const at = `MetricDataQueries.member.${i + 1}`;
      form.set(`${at}.Id`, `q${i}`);
      form.set(`${at}.MetricStat.Metric.Namespace`, 'AWS/Usage');
      form.set(`${at}.MetricStat.Metric.MetricName`, 'ResourceCount');
      form.set(`${at}.MetricStat.Period`, '300');
      form.set(`${at}.MetricStat.Stat`, 'Maximum');
    });
    const query = await sendRaw(sandbox, {
      service: 'monitoring',
      body: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(query.status).toBe(400);
    expect(query.text).toContain('<ErrorResponse');
    expect(query.text).toContain('<Type>Sender</Type>');
    expect(query.text).toContain('<Code>ValidationError</Code>');
    expect(query.text).toContain(`<Message>${TOO_MANY_QUERIES}</Message>`);
  });
});

describe.each(PROTOCOLS)('SERVICE_QUOTA across an approved increase, over $label', ({ protocol }) => {
  let own: Sandbox;

  beforeAll(async () => {
    own = await startSandbox({ throttle: 'off' });
  });

  afterAll(async () => {
    await own.close();
  });

  it('gives the old applied value before the approval and the new one after it', async () => {
    const quotas = serviceQuotas(own);
    const before = await appliedValue(own, 'ec2', 'L-1216C47A');
    const desired = before * 1.5;
    const requested = await quotas.send(
      new RequestServiceQuotaIncreaseCommand({
        ServiceCode: 'ec2',
        QuotaCode: 'L-1216C47A',
        DesiredValue: desired,
      }),
    );
    const requestId = requested.RequestedQuota?.Id ?? '';
    expect(requested.RequestedQuota?.Status).toBe('PENDING');

    own.admin.advanceClock(2 * 3600);
    const change = await quotas.send(new GetRequestedServiceQuotaChangeCommand({ RequestId: requestId }));
    expect(change.RequestedQuota?.Status).toBe('APPROVED');
    const approvedAt = change.RequestedQuota?.LastUpdated?.getTime() ?? Number.NaN;
    expect(await appliedValue(own, 'ec2', 'L-1216C47A')).toBe(desired);

    const now = own.admin.now().getTime();
    expect(approvedAt).toBeGreaterThan(now - 3 * HOUR);
    expect(approvedAt).toBeLessThan(now);
    const out = await getMetricData(
      cloudWatch(own, protocol),
      [
        stat('m1', EC2_VCPU, 'Maximum', 300),
        expression('q1', 'SERVICE_QUOTA(m1)'),
        expression('u1', 'm1/SERVICE_QUOTA(m1)*100'),
      ],
      now - 3 * HOUR,
      now,
      { ScanBy: 'TimestampAscending' },
    );
    const m1 = pointsOf(out, 'm1');
    const q1 = pointsOf(out, 'q1');
    const u1 = pointsOf(out, 'u1');
    expect(m1.times.length).toBeGreaterThanOrEqual(35);
    expect(q1.times).toEqual(m1.times);
    expect(u1.times).toEqual(m1.times);
    const olds = q1.times.filter((t) => t < approvedAt);
    const news = q1.times.filter((t) => t >= approvedAt);
    expect(olds.length).toBeGreaterThan(5);
    expect(news.length).toBeGreaterThan(5);
    q1.times.forEach((t, i) => {
      const applied = t < approvedAt ? before : desired;
      expect(q1.values[i], new Date(t).toISOString()).toBe(applied);
      expect(u1.values[i]).toBeCloseTo(((m1.values[i] ?? Number.NaN) / applied) * 100, 9);
    });
  });
});
