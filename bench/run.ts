/**
 * `npm run bench`: measures the sandbox, side by side with baselines in the same run, and writes
 * the figures to bench/results/sandbox.json (and prints them). Machines here are shared and noisy,
 * so every figure that matters is a ratio of two things measured together.
 *
 *  1. Overhead per call: a Service Quotas call through the SDK against the sandbox, against the
 *     same SDK call answered by a bare HTTP server that returns a fixed body (no SigV4 check, no
 *     state). Interleaved rounds, medians.
 *  2. One target swept the way headroom will sweep it (ListServices, then per service
 *     ListServiceQuotas and ListAWSDefaultServiceQuotas at 100 per page, then GetMetricData with
 *     500 queries per call): calls made against the minimum pagination allows, and wall time with
 *     throttling off against with AWS's rates (the rate-limited floor).
 *  3. GetMetricData with 500 queries: 1 hour at 1 minute, and 14 days at 1 hour.
 *  4. Memory of a 100-account × 4-region world after every target's quotas were read once.
 *
 * `--only metrics` (bench/metrics.ts): `/metrics` for ~200,000 series from the store, against the
 * plain store read and prom-client alone; written to bench/results/metrics.json.
 *
 * `--only api` (bench/api.ts): the dashboard API's fleet and target answers over 200,000 stored
 * quotas, against the store reads they start from; written to bench/results/api.json.
 * `--only engine` (bench/engine.ts): one policy-engine pass over the same 200,000 quotas (dry,
 * first, steady), against the store read it starts from; written to bench/results/engine.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import {
  ListServicesCommand,
  type ServiceQuota,
  ServiceQuotasClient,
  paginateListAWSDefaultServiceQuotas,
  paginateListServiceQuotas,
  paginateListServices,
} from '@aws-sdk/client-service-quotas';
import { type Sandbox, startSandbox } from '../src/sandbox/index.js';
import { benchApi } from './api.js';
import { benchEngine } from './engine.js';
import { benchCollect } from './collect.js';
import { benchMetrics, median } from './metrics.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function settings(sandbox: Sandbox, account = 0, region = 'us-east-1') {
  const a = sandbox.admin.accounts()[account];
  if (!a) throw new Error(`no account ${account}`);
  return {
    region,
    endpoint: sandbox.url,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    maxAttempts: 10,
  };
}

async function overheadPerCall(): Promise<Record<string, number>> {
  const sandbox = await startSandbox({ throttle: 'off' });
  const body = JSON.stringify({ Services: [{ ServiceCode: 'ec2', ServiceName: 'Amazon EC2' }] });
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  const viaSandbox = new ServiceQuotasClient(settings(sandbox));
  const viaBare = new ServiceQuotasClient({ ...settings(sandbox), endpoint: bareUrl });
  const command = new ListServicesCommand({ MaxResults: 1 });
  const sandboxTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    await viaSandbox.send(command);
    await viaBare.send(command);
  }
  for (let round = 0; round < 600; round++) {
    sandboxTimes.push(await time(() => viaSandbox.send(command)));
    bareTimes.push(await time(() => viaBare.send(command)));
  }
  await sandbox.close();
  await new Promise<void>((resolve) =>
    bare.close(() => {
      resolve();
    }),
  );
  return {
    sandboxMedianMs: median(sandboxTimes),
    bareHttpMedianMs: median(bareTimes),
    ratio: median(sandboxTimes) / median(bareTimes),
  };
}

/**
 * A client-side pacer at AWS's documented rates, per operation (what headroom's collector will do
 * properly in src/aws): without it, hundreds of paginations at once exhaust the SDK's retry quota.
 */
class Pacer {
  readonly #next = new Map<string, number>();
  readonly #perSecond: Record<string, number>;

  constructor(perSecond: Record<string, number>) {
    this.#perSecond = perSecond;
  }

  async acquire(operation: string): Promise<void> {
    const rate = this.#perSecond[operation];
    if (rate === undefined) return;
    const now = performance.now();
    const slot = Math.max(now, this.#next.get(operation) ?? now);
    this.#next.set(operation, slot + 1000 / rate);
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }

  attach(client: ServiceQuotasClient | CloudWatchClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        await this.acquire(context.commandName?.replace(/Command$/, '') ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'benchPacer' },
    );
  }
}

const AWS_RATES = {
  ListServices: 10,
  ListServiceQuotas: 10,
  ListAWSDefaultServiceQuotas: 10,
  GetMetricData: 50,
};

/** One MetricStat query per quota usage metric, at a period, with the recommended statistic. */
function usageQueries(quotas: readonly ServiceQuota[], period: number): MetricDataQuery[] {
  return quotas.map((q, i) => ({
    Id: `m${i}`,
    MetricStat: {
      Metric: {
        Namespace: q.UsageMetric?.MetricNamespace,
        MetricName: q.UsageMetric?.MetricName,
        Dimensions: Object.entries(q.UsageMetric?.MetricDimensions ?? {}).map(([Name, Value]) => ({
          Name,
          Value,
        })),
      },
      Period: period,
      Stat: q.UsageMetric?.MetricStatisticRecommendation ?? 'Maximum',
    },
  }));
}

interface SweepResult {
  calls: number;
  minimumCalls: number;
  wallMs: number;
  quotas: number;
  usageQueries: number;
}

/** Sweeps one target as headroom's collector will, and counts the calls. */
async function sweep(sandbox: Sandbox, pacer?: Pacer): Promise<SweepResult> {
  const sq = new ServiceQuotasClient(settings(sandbox));
  const cw = new CloudWatchClient(settings(sandbox));
  pacer?.attach(sq);
  pacer?.attach(cw);
  sandbox.admin.resetCalls();
  const start = performance.now();
  const services: string[] = [];
  for await (const page of paginateListServices({ client: sq }, { MaxResults: 100 })) {
    services.push(...(page.Services ?? []).map((s) => s.ServiceCode ?? ''));
  }
  const quotas = new Map<string, ServiceQuota>();
  let minimumCalls = Math.ceil(services.length / 100);
  await Promise.all(
    services.map(async (serviceCode) => {
      let defaults = 0;
      let applied = 0;
      for await (const page of paginateListAWSDefaultServiceQuotas(
        { client: sq },
        { ServiceCode: serviceCode, MaxResults: 100 },
      )) {
        for (const q of page.Quotas ?? []) quotas.set(`${serviceCode}/${q.QuotaCode ?? ''}`, q);
        defaults += page.Quotas?.length ?? 0;
      }
      for await (const page of paginateListServiceQuotas(
        { client: sq },
        { ServiceCode: serviceCode, MaxResults: 100 },
      )) {
        for (const q of page.Quotas ?? []) quotas.set(`${serviceCode}/${q.QuotaCode ?? ''}`, q);
        applied += page.Quotas?.length ?? 0;
      }
      minimumCalls += Math.max(1, Math.ceil(defaults / 100)) + Math.max(1, Math.ceil(applied / 100));
    }),
  );
  const withMetric = [...quotas.values()].filter((q) => q.UsageMetric?.MetricName !== undefined);
  const end = new Date();
  const queries = usageQueries(withMetric, 3600);
  for (let i = 0; i < queries.length; i += 500) {
    await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - 3_600_000),
        EndTime: end,
        MetricDataQueries: queries.slice(i, i + 500),
      }),
    );
  }
  minimumCalls += Math.ceil(queries.length / 500);
  const wallMs = performance.now() - start;
  return {
    calls: sandbox.admin.callTotal(),
    minimumCalls,
    wallMs,
    quotas: quotas.size,
    usageQueries: queries.length,
  };
}

async function sweepSideBySide(): Promise<Record<string, unknown>> {
  const open = await startSandbox({ throttle: 'off' });
  const limited = await startSandbox({ throttle: 'aws' });
  const free = await sweep(open);
  const rateLimited = await sweep(limited, new Pacer(AWS_RATES));
  const throttled = limited.admin.callTotal({ outcome: 'throttled' });
  // The floor AWS's rates set: the busiest operation's calls at its rate.
  const rateFloorMs = Math.max(
    ...Object.entries(AWS_RATES).map(
      ([operation, rate]) => (1000 * limited.admin.callTotal({ operation, outcome: 'success' })) / rate,
    ),
  );
  await open.close();
  await limited.close();
  return {
    throttleOff: free,
    throttleAws: { ...rateLimited, throttledResponses: throttled },
    callsOverMinimum: free.calls / free.minimumCalls,
    rateLimitedOverUnlimitedWallTime: rateLimited.wallMs / free.wallMs,
    rateFloorMs,
    rateLimitedWallOverFloor: rateLimited.wallMs / rateFloorMs,
  };
}

async function getMetricDataAt500(): Promise<Record<string, number>> {
  const sandbox = await startSandbox({ throttle: 'off' });
  const sq = new ServiceQuotasClient(settings(sandbox));
  const usage: ServiceQuota[] = [];
  for (const serviceCode of [
    'ec2',
    'vpc',
    'ebs',
    'lambda',
    'sns',
    'monitoring',
    'connect',
    'sagemaker',
    'kms',
    'apigateway',
    'geo',
  ]) {
    for await (const page of paginateListAWSDefaultServiceQuotas(
      { client: sq },
      { ServiceCode: serviceCode, MaxResults: 100 },
    )) {
      usage.push(...(page.Quotas ?? []).filter((q) => q.UsageMetric?.MetricName !== undefined));
    }
  }
  const queries = (period: number): MetricDataQuery[] => usageQueries(usage.slice(0, 500), period);
  const json = new CloudWatchClient(settings(sandbox));
  const form = new CloudWatchClient({ ...settings(sandbox), protocol: AwsQueryProtocol });
  const end = new Date();
  const run = async (
    hours: number,
    period: number,
    cw: CloudWatchClient = json,
  ): Promise<{ ms: number; points: number; calls: number }> => {
    let points = 0;
    let calls = 0;
    const ms = await time(async () => {
      let token: string | undefined;
      do {
        const page = await cw.send(
          new GetMetricDataCommand({
            StartTime: new Date(end.getTime() - hours * 3_600_000),
            EndTime: end,
            MetricDataQueries: queries(period),
            NextToken: token,
          }),
        );
        calls++;
        points += (page.MetricDataResults ?? []).reduce((n, r) => n + (r.Values?.length ?? 0), 0);
        token = page.NextToken;
      } while (token !== undefined);
    });
    return { ms, points, calls };
  };
  await run(1, 60);
  await run(1, 60, form);
  // The same 500-query request in both of CloudWatch's protocols, interleaved, medians.
  const jsonMs: number[] = [];
  const formMs: number[] = [];
  for (let round = 0; round < 10; round++) {
    jsonMs.push((await run(1, 60)).ms);
    formMs.push((await run(1, 60, form)).ms);
  }
  const hour = await run(1, 60);
  const fortnight = await run(14 * 24, 3600);
  await sandbox.close();
  return {
    queries: queries(60).length,
    oneHourAt60sMs: hour.ms,
    jsonProtocolMedianMs: median(jsonMs),
    queryProtocolMedianMs: median(formMs),
    queryOverJsonRatio: median(formMs) / median(jsonMs),
    oneHourAt60sDatapoints: hour.points,
    fourteenDaysAt3600sMs: fortnight.ms,
    fourteenDaysAt3600sDatapoints: fortnight.points,
    fourteenDaysAt3600sCalls: fortnight.calls,
  };
}

async function memoryOfALargeWorld(): Promise<Record<string, number>> {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const sandbox = await startSandbox({
    accounts: 100,
    regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'],
    throttle: 'off',
  });
  let touched = 0;
  for (const [account] of sandbox.admin.accounts().entries()) {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2']) {
      const sq = new ServiceQuotasClient(settings(sandbox, account, region));
      for await (const page of paginateListServiceQuotas(
        { client: sq },
        { ServiceCode: 'ec2', MaxResults: 100 },
      )) {
        touched += page.Quotas?.length ?? 0;
      }
    }
  }
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  await sandbox.close();
  return {
    targets: 400,
    quotasRead: touched,
    heapGrowthMiB: (after - before) / 2 ** 20,
    heapPerTargetKiB: (after - before) / 400 / 1024,
  };
}

/** `npm run bench -- --accounts 10 --regions 2 --only collect`: a smaller grid, or one part. */
function flags(argv: readonly string[]) {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const regionsFlag = value('regions') ?? '4';
  const allRegions = [
    'us-east-1',
    'us-west-2',
    'eu-west-1',
    'ap-southeast-2',
    'eu-central-1',
    'ap-northeast-1',
  ];
  const regions = /^\d+$/.test(regionsFlag)
    ? allRegions.slice(0, Number(regionsFlag))
    : regionsFlag.split(',');
  return {
    only: value('only'),
    collect: {
      accounts: Number(value('accounts') ?? 100),
      regions,
      latencyMs: Number(value('latency-ms') ?? 30),
      maxConcurrency: Number(value('max-concurrency') ?? 256),
    },
  };
}

const options = flags(process.argv.slice(2));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
if (options.only === undefined || options.only === 'collect') {
  const collect = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    ...(await benchCollect(options.collect)),
  };
  // The default grid writes collect.json; a smaller one its own file beside it.
  const { accounts, regions } = options.collect;
  const name = accounts === 100 && regions.length === 4 ? 'collect' : `collect-${accounts}x${regions.length}`;
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify(collect, null, 2)}\n`);
  console.log(JSON.stringify(collect, null, 2));
  console.log(`written to bench/results/${name}.json`);
}
if (options.only === undefined || options.only === 'metrics') {
  const metrics = { measuredAt: new Date().toISOString(), node: process.version, ...(await benchMetrics()) };
  writeFileSync(new URL('./results/metrics.json', import.meta.url), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log(JSON.stringify(metrics, null, 2));
  console.log('written to bench/results/metrics.json');
}
if (options.only === undefined || options.only === 'api') {
  const api = { measuredAt: new Date().toISOString(), node: process.version, ...(await benchApi()) };
  writeFileSync(new URL('./results/api.json', import.meta.url), `${JSON.stringify(api, null, 2)}\n`);
  console.log(JSON.stringify(api, null, 2));
  console.log('written to bench/results/api.json');
}
if (options.only === undefined || options.only === 'engine') {
  const engine = { measuredAt: new Date().toISOString(), node: process.version, ...(await benchEngine()) };
  writeFileSync(new URL('./results/engine.json', import.meta.url), `${JSON.stringify(engine, null, 2)}\n`);
  console.log(JSON.stringify(engine, null, 2));
  console.log('written to bench/results/engine.json');
}
if (options.only === undefined || options.only === 'sandbox') {
  const results = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    overheadPerCall: await overheadPerCall(),
    oneTargetSweep: await sweepSideBySide(),
    getMetricData500: await getMetricDataAt500(),
    largeWorldMemory: await memoryOfALargeWorld(),
  };
  writeFileSync(new URL('./results/sandbox.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  console.log('written to bench/results/sandbox.json');
}
