/**
 * A sweep: every target's limits and usage, targets in parallel (the session's pacing and
 * concurrency cap keep AWS happy), read through the store's cache. A failing service or target
 * is recorded with its error on the snapshot and never stops the others.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { groupBy } from '../domain/collections.js';
import type { AwsSession } from '../aws/session.js';
import { describeFailure } from '../aws/errors.js';
import { IN_RESULT } from '../logging/logger.js';
import type {
  CollectError,
  CollectorOutcome,
  LimitSnapshot,
  Quota,
  UsageSnapshot,
  UsageSource,
} from '../domain/quota.js';
import { GLOBAL_QUOTA_HOME_REGION, type Target, targetKey } from '../domain/target.js';
import type { DefaultsSnapshot, Store } from '../storage/port.js';
import {
  type RegionDefaults,
  RecordedFailure,
  readRegionDefaults,
  readTargetLimits,
  type ServiceFilter,
  serviceSelected,
  storedRegionDefaults,
} from './limits.js';
import { countersFor, mergeCounted, runCounters } from './counters.js';
import {
  chooseUsageSource,
  ReportUnavailableError,
  readUsageFromCloudWatch,
  readUsageFromReport,
  type ReportOptions,
  usageWindow,
  withUsageMetric,
} from './usage.js';

export interface SweepTarget {
  readonly target: Target;
  readonly accountName: string | null;
}

export interface SweepOptions {
  readonly targets: readonly SweepTarget[];
  readonly filter: ServiceFilter;
  readonly limitsTtlMs: number;
  readonly usageTtlMs: number;
  /** Ignore the cache and fetch everything again. */
  readonly refresh: boolean;
  /**
   * Targets beside the swept ones that global homes are chosen among (every configured target),
   * so sweeping some of an account's regions alone does not record its global quotas elsewhere.
   */
  readonly homesAmong?: readonly Target[];
  readonly usage: {
    readonly source: 'auto' | UsageSource;
    readonly windowMs: number;
    readonly periodSeconds: number;
    readonly report?: ReportOptions;
  };
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Called as each target finishes. */
  readonly onTarget?: (result: TargetResult) => void;
}

export type Freshness = 'fetched' | 'cached' | 'failed';

export interface TargetResult {
  readonly target: Target;
  readonly limits: Freshness;
  readonly usage: Freshness | 'none';
  readonly usageSource: UsageSource | null;
  readonly quotaCount: number;
  readonly sampleCount: number;
  readonly complete: boolean;
  readonly errors: readonly CollectError[];
  /** The collectors that ran against AWS for this target (one served from the cache is not listed). */
  readonly collectors: readonly CollectorOutcome[];
}

export interface SweepResult {
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly targets: readonly TargetResult[];
  /** Every target read whole. */
  readonly complete: boolean;
}

/**
 * The target of each account that records its global quotas: us-east-1 when swept, else the
 * account's first region (ListServiceQuotas lists global quotas in every region).
 */
export function globalHomes(targets: readonly Target[]): Set<string> {
  const byAccount = groupBy(targets, (t) => t.accountId);
  const homes = new Set<string>();
  for (const list of byAccount.values()) {
    const home = list.find((t) => t.region === GLOBAL_QUOTA_HOME_REGION) ?? list[0];
    if (home) homes.add(targetKey(home));
  }
  return homes;
}

function fresh(at: Date | undefined, ttlMs: number, now: Date): boolean {
  return at !== undefined && now.getTime() - at.getTime() < ttlMs;
}

function failure(
  scope: CollectError['scope'],
  error: unknown,
  action: string,
  target: Target,
  endpoint: string | undefined,
): CollectError {
  return {
    scope,
    serviceCode: null,
    ...describeFailure(error, { action, where: targetKey(target), endpoint }),
  };
}

/**
 * Keeps the previous snapshot's quotas of services this read did not cover (a `--service` read
 * refreshes those services only) or could not read (their last known values stay, and the
 * snapshot says it is incomplete).
 */
function carryOver(
  previous: LimitSnapshot | undefined,
  next: LimitSnapshot,
  filter: ServiceFilter,
): LimitSnapshot {
  if (!previous) return next;
  const failed = new Set(next.errors.map((e) => e.serviceCode));
  const keep = (serviceCode: string) => !serviceSelected(serviceCode, filter) || failed.has(serviceCode);
  const read = new Set(next.quotas.map((q) => q.serviceCode));
  const kept = previous.quotas.filter((q) => keep(q.serviceCode) && !read.has(q.serviceCode));
  if (kept.length === 0 && filter.include.length === 0 && filter.exclude.length === 0) return next;
  const keptErrors = previous.errors.filter(
    (e) => e.serviceCode !== null && !serviceSelected(e.serviceCode, filter),
  );
  const quotas = [...kept, ...next.quotas].sort(
    (a, b) => a.serviceCode.localeCompare(b.serviceCode) || a.quotaCode.localeCompare(b.quotaCode),
  );
  const errors = [...keptErrors, ...next.errors];
  return { ...next, quotas, errors, complete: errors.length === 0 };
}

/** A warning per failure, for the log file (the sweep's result carries the same to the caller). */
function warnEach(logger: Logger, target: string, what: string, errors: readonly CollectError[]): void {
  for (const e of errors) {
    logger.warn(
      { [IN_RESULT]: true, target, service: e.serviceCode ?? undefined, code: e.code, hint: e.hint },
      `${what}: ${e.message}`,
    );
  }
}

export async function sweep(session: AwsSession, store: Store, options: SweepOptions): Promise<SweepResult> {
  const now = options.now ?? (() => new Date());
  const runId = randomUUID();
  const startedAt = now();
  const callsBefore = session.stats.snapshot();
  const { logger } = options;
  await store.upsertTargets(options.targets.map((t) => ({ ...t, seenAt: startedAt })));
  const homes = globalHomes([...options.targets.map((t) => t.target), ...(options.homesAmong ?? [])]);
  const reportUnavailable = new Set<string>();

  // AWS's defaults per region, read once (by the first account there that can) and shared.
  const defaultsByRegion = new Map<string, Promise<RegionDefaults>>();
  const defaultsFor = (target: Target): Promise<RegionDefaults> => {
    let pending = defaultsByRegion.get(target.region);
    if (!pending) {
      pending = (async () => {
        const cached = options.refresh ? undefined : await store.latestDefaults(target.region);
        if (
          cached?.complete &&
          fresh(cached.collectedAt, options.limitsTtlMs, now()) &&
          coversFilter(cached)
        ) {
          return storedRegionDefaults(cached);
        }
        const reading = readRegionDefaults(session.serviceQuotas(target), target.region, options.filter, {
          now,
          endpoint: session.endpoint,
        });
        // ListServices failing (this account cannot read Service Quotas) lets the next account try.
        reading.services.catch(() => {
          if (defaultsByRegion.get(target.region) === pending) defaultsByRegion.delete(target.region);
        });
        savedDefaults.push(
          reading.snapshot.then(
            (snapshot) => store.saveDefaults(snapshot),
            () => undefined,
          ),
        );
        return reading;
      })();
      defaultsByRegion.set(target.region, pending);
    }
    return pending;
  };
  const savedDefaults: Promise<void>[] = [];
  // Cached defaults serve only if they hold every service this sweep selects.
  const coversFilter = (cached: DefaultsSnapshot): boolean =>
    cached.unread.every((code) => !serviceSelected(code, options.filter));

  const one = async ({ target }: SweepTarget): Promise<TargetResult> => {
    const key = targetKey(target);
    const errors: CollectError[] = [];
    const collectors: CollectorOutcome[] = [];
    const outcome = (collector: string, started: number, failures: readonly CollectError[]): void => {
      collectors.push({
        collector,
        success: failures.length === 0,
        durationMs: performance.now() - started,
        at: now(),
        error: failures[0],
      });
    };
    let limits: Freshness = 'failed';
    let quotas: readonly Quota[] = [];
    let complete = false;

    const previous = await store.latestLimitSnapshot(target);
    if (
      !options.refresh &&
      previous &&
      previous.complete &&
      fresh(previous.collectedAt, options.limitsTtlMs, now())
    ) {
      limits = 'cached';
      quotas = previous.quotas;
      complete = true;
    } else {
      const started = performance.now();
      try {
        const defaults = await defaultsFor(target);
        const read = await readTargetLimits(session.serviceQuotas(target), target, defaults, {
          globalHome: homes.has(key),
          filter: options.filter,
          now,
          endpoint: session.endpoint,
        });
        const snapshot = carryOver(previous, read, options.filter);
        await store.saveLimitSnapshot(snapshot);
        limits = 'fetched';
        quotas = snapshot.quotas;
        complete = snapshot.complete;
        errors.push(...read.errors);
        warnEach(logger, key, 'partial limits', read.errors);
        outcome('limits', started, read.errors);
      } catch (error) {
        const failed: CollectError =
          error instanceof RecordedFailure
            ? { ...error.failure, scope: 'target' }
            : failure('target', error, 'servicequotas:ListServices', target, session.endpoint);
        errors.push(failed);
        warnEach(logger, key, 'limits failed', [failed]);
        outcome('limits', started, [failed]);
        if (previous) quotas = previous.quotas;
      }
    }

    // Usage, for the quotas we know (fresh or from the last good snapshot): CloudWatch (or the
    // utilization report) for quotas with a usage metric, the usage counters for the rest.
    let usage: Freshness | 'none' = 'none';
    let usageSource: UsageSource | null = null;
    let sampleCount = 0;
    const watched = withUsageMetric(quotas);
    const counterRuns = countersFor(quotas, { filter: options.filter, globalHome: homes.has(key) });
    if (watched.length > 0 || counterRuns.length > 0) {
      const previousUsage = options.refresh ? undefined : await store.latestUsageSnapshot(target);
      if (previousUsage?.complete && fresh(previousUsage.collectedAt, options.usageTtlMs, now())) {
        usage = 'cached';
        usageSource = previousUsage.source;
        sampleCount = previousUsage.samples.length;
      } else {
        const started = performance.now();
        const counting = runCounters(session, target, counterRuns, now);
        // The counters' outcomes and failures are recorded whether or not the usage read succeeds.
        const counted = async () => {
          const results = await counting;
          const outcomes = results.map((c) => c.outcome);
          collectors.push(...outcomes);
          const failures = outcomes.flatMap((o) => (o.error ? [o.error] : []));
          warnEach(logger, key, 'usage counter failed', failures);
          return { samples: results.flatMap((c) => c.samples), failures };
        };
        try {
          const read =
            watched.length > 0
              ? await readUsage(session, target, watched, options, reportUnavailable, now)
              : emptyUsage(target, options, now);
          const { samples, failures } = await counted();
          const snapshot: UsageSnapshot = {
            ...read,
            samples: mergeCounted(read.samples, samples),
            errors: [...read.errors, ...failures],
            complete: read.complete && failures.length === 0,
          };
          await store.saveUsageSnapshot(snapshot);
          usage = 'fetched';
          usageSource = snapshot.source;
          sampleCount = snapshot.samples.length;
          errors.push(...snapshot.errors);
          warnEach(logger, key, 'partial usage', read.errors);
          if (watched.length > 0) outcome('usage', started, read.errors);
          complete &&= snapshot.complete;
        } catch (error) {
          usage = 'failed';
          complete = false;
          const failed = failure('usage', error, 'usage', target, session.endpoint);
          errors.push(failed);
          warnEach(logger, key, 'usage failed', [failed]);
          outcome('usage', started, [failed]);
          // What the counters counted is kept, on a snapshot that says the usage read failed.
          const { samples, failures } = await counted();
          if (samples.length > 0) {
            await store
              .saveUsageSnapshot({
                ...emptyUsage(target, options, now),
                samples: mergeCounted([], samples),
                complete: false,
                errors: [failed, ...failures],
              })
              .catch(() => undefined);
          }
        }
      }
    }
    const result: TargetResult = {
      target,
      limits,
      usage,
      usageSource,
      quotaCount: quotas.length,
      sampleCount,
      complete: complete && limits !== 'failed',
      errors,
      collectors,
    };
    options.onTarget?.(result);
    return result;
  };

  const targets = await Promise.all(options.targets.map(one));
  await Promise.all(savedDefaults);
  const finishedAt = now();
  // This run's calls only: the session may have made others before (an earlier sweep).
  await store.recordApiCalls(session.stats.since(callsBefore).map((c) => ({ ...c, runId, at: finishedAt })));
  return { runId, startedAt, finishedAt, targets, complete: targets.every((t) => t.complete) };
}

/** A usage read with no samples, for a target whose quotas have no usage metric (counters only). */
function emptyUsage(target: Target, options: SweepOptions, now: () => Date): UsageSnapshot {
  const window = usageWindow(now(), options.usage.windowMs, options.usage.periodSeconds);
  return {
    target,
    collectedAt: now(),
    source: 'cloudwatch',
    windowStart: window.start,
    windowEnd: window.end,
    complete: true,
    samples: [],
    errors: [],
  };
}

async function readUsage(
  session: AwsSession,
  target: Target,
  quotas: readonly Quota[],
  options: SweepOptions,
  reportUnavailable: Set<string>,
  now: () => Date,
): Promise<UsageSnapshot> {
  const { source } = chooseUsageSource(quotas, {
    reportAvailable: !reportUnavailable.has(target.accountId),
    preferred: options.usage.source,
  });
  if (source === 'utilization-report') {
    try {
      return await readUsageFromReport(
        session.serviceQuotas(target),
        target,
        quotas,
        options.usage.report,
        now,
      );
    } catch (error) {
      if (!(error instanceof ReportUnavailableError)) throw error;
      reportUnavailable.add(target.accountId);
      options.logger.info(
        { target: targetKey(target) },
        'the account does not offer the quota utilization report; reading usage from CloudWatch',
      );
    }
  }
  const window = usageWindow(now(), options.usage.windowMs, options.usage.periodSeconds);
  return readUsageFromCloudWatch(session.cloudWatch(target), target, quotas, window, {
    now,
    endpoint: session.endpoint,
  });
}
