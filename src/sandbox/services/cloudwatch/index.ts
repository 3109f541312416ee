/**
 * CloudWatch (`monitoring`) GetMetricData in both of its protocols: JSON 1.0 with
 * `awsQueryCompatible` (current SDK v3 and botocore) and the form-encoded query protocol (older
 * SDKs, Debian's AWS CLI). Its rate is the account's applied "Rate of GetMetricData requests"
 * quota (L-5E141212, default 50 per second), so raising that quota in the sandbox raises the rate.
 */
import type { RequestContext, ServiceDefinition } from '../../core/service.js';
import { boolean, integer, list, string, structure, timestamp } from '../../core/shapes.js';
import { cloudWatchDialect } from './errors.js';
import { getMetricData } from './metric-data.js';

const dimension = structure({ Name: string({ min: 1, max: 255 }), Value: string({ min: 1, max: 1024 }) }, [
  'Name',
  'Value',
]);
const metric = structure({
  Namespace: string({ min: 1, max: 255, pattern: '[^:].*' }),
  MetricName: string({ min: 1, max: 255 }),
  Dimensions: list(dimension, { max: 30 }),
});
const period = integer({ min: 1 });
const metricStat = structure(
  {
    Metric: metric,
    Period: period,
    Stat: string(),
    Unit: string({
      enum: [
        'Seconds',
        'Microseconds',
        'Milliseconds',
        'Bytes',
        'Kilobytes',
        'Megabytes',
        'Gigabytes',
        'Terabytes',
        'Bits',
        'Kilobits',
        'Megabits',
        'Gigabits',
        'Terabits',
        'Percent',
        'Count',
        'Bytes/Second',
        'Kilobytes/Second',
        'Megabytes/Second',
        'Gigabytes/Second',
        'Terabytes/Second',
        'Bits/Second',
        'Kilobits/Second',
        'Megabits/Second',
        'Gigabits/Second',
        'Terabits/Second',
        'Count/Second',
        'None',
      ],
    }),
  },
  ['Metric', 'Period', 'Stat'],
);
const metricDataQuery = structure(
  {
    Id: string({ min: 1, max: 255 }),
    MetricStat: metricStat,
    Expression: string({ min: 1, max: 2048 }),
    Label: string(),
    ReturnData: boolean(),
    Period: period,
    AccountId: string({ min: 1, max: 255 }),
  },
  ['Id'],
);

const getMetricDataInput = structure(
  {
    MetricDataQueries: list(metricDataQuery),
    StartTime: timestamp(),
    EndTime: timestamp(),
    NextToken: string(),
    ScanBy: string({ enum: ['TimestampDescending', 'TimestampAscending'] }),
    MaxDatapoints: integer(),
    LabelOptions: structure({ Timezone: string() }),
  },
  ['MetricDataQueries', 'StartTime', 'EndTime'],
);

const GET_METRIC_DATA_RATE_QUOTA = 'L-5E141212';

export const cloudWatch: ServiceDefinition = {
  signingName: 'monitoring',
  actionPrefix: 'cloudwatch',
  json: { version: '1.0', targetPrefix: 'GraniteServiceVersion20100801', queryCompatible: true },
  query: { apiVersion: '2010-08-01', xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/' },
  dialect: cloudWatchDialect,
  operations: {
    GetMetricData: {
      input: getMetricDataInput,
      handler: getMetricData,
      rate: (ctx: RequestContext) => {
        const quota = ctx.world.catalog.quota('monitoring', GET_METRIC_DATA_RATE_QUOTA);
        const perSecond = (quota && ctx.world.quotas.applied(ctx.account, ctx.region, quota)) ?? 50;
        return { perSecond, burst: 0 };
      },
    },
  },
};
