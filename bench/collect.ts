/**
 * The collector's benchmark: a full sweep of a grid of targets (default 100 accounts × 4
 * regions) on the sandbox, run as its own process (a separate AWS endpoint, as real AWS is) with
 * AWS's rates and AWS-like latency. Side by side in one run:
 *
 *  - API calls per operation against the minimum the pagination rules allow for that data;
 *  - wall time against the floor AWS's rate limits set (the busiest (account, region, operation)
 *    bucket: its calls beyond the bucket's capacity at its rate);
 *  - the per-quota way (one GetServiceQuota + one GetAWSDefaultServiceQuota per quota, as the
 *    sample tools do), measured on one target, as ratios of calls and of rate-limited time;
 *  - peak RSS;
 *  - the same sweep with 10% of calls failing (5xx): quotas lost against the clean sweep.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  paginateListServiceQuotas,
  paginateListServices,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { AwsSession } from '../src/aws/session.js';
import { AWS_RATES } from '../src/aws/rates.js';
import { distinctMetrics, QUERIES_PER_CALL } from '../src/collect/usage.js';
import { globalHomes, type SweepTarget, sweep } from '../src/collect/sweep.js';
import { targetKey } from '../src/domain/target.js';
import { silentLogger } from '../src/logging/logger.js';
import { openSqliteStore } from '../src/storage/sqlite/index.js';

export interface CollectBenchOptions {
  readonly accounts: number;
  readonly regions: readonly string[];
  readonly latencyMs: number;
  readonly maxConcurrency: number;
}

/** CPU time a process has used, from /proc (Linux), in ms. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

interface SandboxProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

async function startSandboxProcess(options: CollectBenchOptions): Promise<SandboxProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'sandbox',
      '--port',
      '0',
      '--accounts',
      String(options.accounts),
      '--regions',
      options.regions.join(','),
      '--latency-ms',
      String(options.latencyMs),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    child.on('exit', (code) => {
      reject(new Error(`the sandbox exited with ${String(code)} before listening`));
    });
  });
  child.stdout.resume();
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.on('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

async function admin<T>(url: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

interface Info {
  accounts: { id: string; name: string; accessKeyId: string; secretAccessKey: string; management: boolean }[];
}
interface Calls {
  total: number;
  calls: { service: string; operation: string; outcome: string; count: number }[];
}
interface QuotaRow {
  serviceCode: string;
  global: boolean;
  listed: boolean;
}

function session(url: string, info: Info, options: CollectBenchOptions): AwsSession {
  const management = info.accounts.find((a) => a.management);
  if (!management) throw new Error('no management account');
  return new AwsSession({
    retryMode: 'standard',
    maxAttempts: 5,
    maxConcurrency: options.maxConcurrency,
    logger: silentLogger(),
    endpoint: url,
    credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
    accounts: info.accounts
      .filter((a) => !a.management)
      .map((a) => ({ accountId: a.id, roleArn: `arn:aws:iam::${a.id}:role/OrganizationAccountAccessRole` })),
  });
}

const pages = (n: number, size = 100) => Math.max(1, Math.ceil(n / size));

/** The fewest calls pagination allows for the data the sweep stored. */
async function minimumCalls(url: string, targets: readonly SweepTarget[], usageQueries: Map<string, number>) {
  const byOperation: Record<string, number> = {
    ListServices: 0,
    ListAWSDefaultServiceQuotas: 0,
    ListServiceQuotas: 0,
    GetMetricData: 0,
  };
  const regions = [...new Set(targets.map((t) => t.target.region))];
  const homes = globalHomes(targets.map((t) => t.target));
  for (const region of regions) {
    const first = targets.find((t) => t.target.region === region);
    if (!first) continue;
    const table = await admin<{ quotas: QuotaRow[] }>(
      url,
      `quotas?account=${first.target.accountId}&region=${region}`,
    );
    const services = new Map<string, number>();
    for (const row of table.quotas) services.set(row.serviceCode, (services.get(row.serviceCode) ?? 0) + 1);
    byOperation.ListServices = (byOperation.ListServices ?? 0) + pages(services.size);
    for (const n of services.values())
      byOperation.ListAWSDefaultServiceQuotas = (byOperation.ListAWSDefaultServiceQuotas ?? 0) + pages(n);
  }
  for (const { target } of targets) {
    const table = await admin<{ quotas: QuotaRow[] }>(
      url,
      `quotas?account=${target.accountId}&region=${target.region}`,
    );
    const services = new Map<string, QuotaRow[]>();
    for (const row of table.quotas)
      services.set(row.serviceCode, [...(services.get(row.serviceCode) ?? []), row]);
    const home = homes.has(targetKey(target));
    for (const rows of services.values()) {
      if (!home && rows.every((r) => r.global)) continue;
      byOperation.ListServiceQuotas =
        (byOperation.ListServiceQuotas ?? 0) + pages(rows.filter((r) => r.listed).length);
    }
    byOperation.GetMetricData =
      (byOperation.GetMetricData ?? 0) +
      Math.ceil((usageQueries.get(targetKey(target)) ?? 0) / QUERIES_PER_CALL);
  }
  return byOperation;
}

/** The rate-limit floor: the slowest bucket's calls beyond its capacity, at its rate. */
function rateFloorMs(stats: ReturnType<AwsSession['stats']['snapshot']>): {
  floorMs: number;
  bucket: string;
} {
  let floorMs = 0;
  let bucket = '';
  for (const s of stats) {
    const rate = AWS_RATES[s.service]?.[s.operation];
    if (!rate) continue;
    const ms = (Math.max(0, s.calls - rate.perSecond - rate.burst) / rate.perSecond) * 1000;
    if (ms > floorMs) {
      floorMs = ms;
      bucket = `${s.accountId}:${s.region} ${s.service}:${s.operation} (${s.calls} calls)`;
    }
  }
  return { floorMs, bucket };
}

/** The per-quota way on one target: list the quotas, then two Get calls per quota. */
async function perQuotaWay(url: string, info: Info, region: string, concurrency: number) {
  const management = info.accounts.find((a) => a.management);
  if (!management) throw new Error('no management account');
  const client = new ServiceQuotasClient({
    region,
    endpoint: url,
    credentials: { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey },
    maxAttempts: 5,
  });
  let calls = 0;
  const codes: { service: string; quota: string }[] = [];
  for await (const page of paginateListServices({ client }, { MaxResults: 100 })) {
    calls++;
    for (const s of page.Services ?? []) {
      for await (const quotas of paginateListServiceQuotas(
        { client },
        { ServiceCode: s.ServiceCode, MaxResults: 100 },
      )) {
        calls++;
        codes.push(
          ...(quotas.Quotas ?? []).map((q) => ({ service: s.ServiceCode ?? '', quota: q.QuotaCode ?? '' })),
        );
      }
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < codes.length) {
      const item = codes[next++];
      if (!item) break;
      await client
        .send(new GetServiceQuotaCommand({ ServiceCode: item.service, QuotaCode: item.quota }))
        .catch(() => undefined);
      await client.send(
        new GetAWSDefaultServiceQuotaCommand({ ServiceCode: item.service, QuotaCode: item.quota }),
      );
      calls += 2;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const getRate = AWS_RATES.servicequotas?.GetServiceQuota?.perSecond ?? 5;
  client.destroy();
  return { calls, quotas: codes.length, rateFloorMs: (codes.length / getRate) * 1000 };
}

export async function benchCollect(options: CollectBenchOptions): Promise<Record<string, unknown>> {
  const sandbox = await startSandboxProcess(options);
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-'));
  try {
    const info = await admin<Info>(sandbox.url, 'info');
    const targets: SweepTarget[] = info.accounts.flatMap((a) =>
      options.regions.map((region) => ({ target: { accountId: a.id, region }, accountName: a.name })),
    );
    const sweepOptions = {
      targets,
      filter: { include: [], exclude: [] },
      limitsTtlMs: 86_400_000,
      usageTtlMs: 3_600_000,
      refresh: true,
      usage: { source: 'auto' as const, windowMs: 3_600_000, periodSeconds: 60 },
      logger: silentLogger(),
    };

    // 1. The clean sweep, paced at AWS's rates.
    await admin(sandbox.url, 'reset', {});
    const clean = session(sandbox.url, info, options);
    const cleanStore = await openSqliteStore(join(dir, 'clean.sqlite'));
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const sandboxCpuBefore = cpuMsOf(sandbox.child.pid);
    const result = await sweep(clean, cleanStore, sweepOptions);
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const collectorCpuMs = (cpu.user + cpu.system) / 1000;
    const sandboxCpuMs = cpuMsOf(sandbox.child.pid) - sandboxCpuBefore;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const sandboxCalls = await admin<Calls>(sandbox.url, 'calls');
    const stats = clean.stats.snapshot();
    const callsByOperation: Record<string, number> = {};
    for (const s of stats) callsByOperation[s.operation] = (callsByOperation[s.operation] ?? 0) + s.calls;
    const usageQueries = new Map<string, number>();
    let quotasStored = 0;
    const cleanQuotas = new Map<string, string>();
    for (const { target } of targets) {
      const snapshot = await cleanStore.latestLimitSnapshot(target);
      quotasStored += snapshot?.quotas.length ?? 0;
      usageQueries.set(targetKey(target), distinctMetrics(snapshot?.quotas ?? []).size);
      for (const q of snapshot?.quotas ?? [])
        cleanQuotas.set(
          `${targetKey(target)}|${q.serviceCode}/${q.quotaCode}`,
          `${String(q.value)}|${q.source}`,
        );
    }
    const minimum = await minimumCalls(sandbox.url, targets, usageQueries);
    const floor = rateFloorMs(stats);
    const totalCalls = Object.entries(callsByOperation)
      .filter(([op]) => op in minimum)
      .reduce((n, [, c]) => n + c, 0);
    const totalMinimum = Object.values(minimum).reduce((n, c) => n + c, 0);

    // 2. The per-quota way, one target, measured with the sandbox's throttling off (at AWS's
    //    rates it would take the rate floor given), side by side with ours for that target.
    await admin(sandbox.url, 'config', { throttle: 'off' });
    const perQuota = await perQuotaWay(sandbox.url, info, options.regions[0] ?? 'us-east-1', 32);
    const firstTarget = targets[0]?.target;
    const oursOneTarget = stats
      .filter((s) => s.accountId === firstTarget?.accountId && s.region === firstTarget.region)
      .reduce((n, s) => n + s.calls, 0);
    const regionDefaultsShare = (callsByOperation.ListAWSDefaultServiceQuotas ?? 0) / targets.length;

    // 3. The same sweep with 10% of calls failing: quotas lost against the clean sweep.
    await admin(sandbox.url, 'config', { throttle: 'aws', faultRate: 0.1 });
    await admin(sandbox.url, 'reset', {});
    const faulty = session(sandbox.url, info, options);
    const faultyStore = await openSqliteStore(join(dir, 'faulty.sqlite'));
    const faultStarted = performance.now();
    const faultResult = await sweep(faulty, faultyStore, sweepOptions);
    const faultWallMs = performance.now() - faultStarted;
    const faultCalls = await admin<Calls>(sandbox.url, 'calls');
    const faultyQuotas = new Map<string, string>();
    for (const { target } of targets) {
      const snapshot = await faultyStore.latestLimitSnapshot(target);
      for (const q of snapshot?.quotas ?? []) {
        faultyQuotas.set(
          `${targetKey(target)}|${q.serviceCode}/${q.quotaCode}`,
          `${String(q.value)}|${q.source}`,
        );
      }
    }
    let lost = 0;
    let differing = 0;
    for (const [key, value] of cleanQuotas) {
      const other = faultyQuotas.get(key);
      if (other === undefined) lost++;
      else if (other !== value) differing++;
    }
    const outcome = (calls: Calls, name: string) =>
      calls.calls.filter((c) => c.outcome === name).reduce((n, c) => n + c.count, 0);
    clean.close();
    faulty.close();
    await cleanStore.close();
    await faultyStore.close();
    const callsRatio = perQuota.calls / oursOneTarget;
    return {
      // The targets, each as measured here.
      targets: {
        'calls <= 1.05 x minimum': {
          value: totalCalls / totalMinimum,
          met: totalCalls / totalMinimum <= 1.05,
        },
        'wall <= 1.25 x rate floor': { value: wallMs / floor.floorMs, met: wallMs / floor.floorMs <= 1.25 },
        '>= 10x fewer calls than per-quota': { value: callsRatio, met: callsRatio >= 10 },
        '0 quotas lost with 10% faults': { value: lost, met: lost === 0 },
      },
      grid: { accounts: options.accounts, regions: options.regions, targets: targets.length },
      latencyMs: options.latencyMs,
      maxConcurrency: options.maxConcurrency,
      sweep: {
        complete: result.complete,
        quotasStored,
        usageValues: result.targets.reduce((n, t) => n + t.sampleCount, 0),
        usageSources: Object.fromEntries(
          ['cloudwatch', 'utilization-report'].map((s) => [
            s,
            result.targets.filter((t) => t.usageSource === s).length,
          ]),
        ),
        callsByOperation,
        minimumByOperation: minimum,
        calls: totalCalls,
        minimumCalls: totalMinimum,
        callsOverMinimum: totalCalls / totalMinimum,
        throttledBySandbox: outcome(sandboxCalls, 'throttled'),
        wallMs,
        rateFloorMs: floor.floorMs,
        rateFloorBucket: floor.bucket,
        wallOverFloor: wallMs / floor.floorMs,
        // Both processes share this machine's cores: CPU per call says how far a grid can go.
        collectorCpuMs,
        sandboxCpuMs,
        collectorCpuMsPerCall: collectorCpuMs / totalCalls,
        sandboxCpuMsPerCall: sandboxCpuMs / totalCalls,
        cores: availableParallelism(),
        rssBeforeMiB: rssBefore / 2 ** 20,
        peakRssMiB,
      },
      perQuotaWay: {
        target: firstTarget ? targetKey(firstTarget) : null,
        quotas: perQuota.quotas,
        calls: perQuota.calls,
        oursForThatTarget: oursOneTarget,
        oursPerTargetWithSharedDefaults: totalCalls / targets.length,
        callsRatio,
        regionDefaultsCallsPerTarget: regionDefaultsShare,
        rateFloorMs: perQuota.rateFloorMs,
        rateFloorRatio: perQuota.rateFloorMs / floor.floorMs,
      },
      withFaults: {
        faultRate: 0.1,
        faults: outcome(faultCalls, 'fault'),
        throttled: outcome(faultCalls, 'throttled'),
        attempts: faultCalls.total,
        complete: faultResult.complete,
        wallMs: faultWallMs,
        quotasLost: lost,
        quotasDiffering: differing,
      },
    };
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
