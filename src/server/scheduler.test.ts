import { describe, expect, it } from 'vitest';
import type { SweepResult, SweepTarget } from '../collect/sweep.js';
import { silentLogger } from '../logging/logger.js';
import { openSqliteStore } from '../storage/sqlite/index.js';
import { jobTtls, Scheduler, type SchedulerOptions, type SweepJob } from './scheduler.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INTERVALS = { accounts: DAY, limits: DAY, usage: HOUR };
const T0 = Date.parse('2026-11-20T06:00:00.000Z');

function targets(...regions: string[]): SweepTarget[] {
  return regions.map((region) => ({ target: { accountId: '123456789012', region }, accountName: 'prod' }));
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}
function deferred(): Deferred {
  let resolve: () => void = () => {
    throw new Error('not yet');
  };
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A scheduler on a fake clock: sweeps wait until released, sleeps until woken. Everything it
 * asked for is recorded.
 */
async function harness(overrides: Partial<SchedulerOptions> = {}) {
  const store = await openSqliteStore(':memory:');
  let now = T0;
  const sweeps: { job: SweepJob; regions: string[]; done: Deferred }[] = [];
  const sleeps: { ms: number; wake: () => void }[] = [];
  let found = targets('us-east-1', 'eu-west-1');
  const scheduler = new Scheduler({
    store,
    logger: silentLogger(),
    discover: () => Promise.resolve({ targets: found, problems: [] }),
    sweep: async (list, job) => {
      const done = deferred();
      sweeps.push({ job, regions: list.map((t) => t.target.region), done });
      await done.promise;
      return {
        runId: 'run',
        startedAt: new Date(now),
        finishedAt: new Date(now),
        complete: true,
        targets: list.map((t) => ({
          target: t.target,
          limits: 'fetched',
          usage: 'fetched',
          usageSource: 'cloudwatch',
          quotaCount: 1,
          sampleCount: 1,
          complete: true,
          errors: [],
          collectors: [{ collector: job, success: true, durationMs: 5, at: new Date(now) }],
        })),
      } satisfies SweepResult;
    },
    intervals: INTERVALS,
    jitter: 0.1,
    now: () => new Date(now),
    random: () => 0.5,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const wake = () => {
          now += ms;
          resolve();
        };
        sleeps.push({ ms, wake });
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => {
          resolve();
        });
      }),
    ...overrides,
  });
  /** Lets every pending promise chain run. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    store,
    scheduler,
    sweeps,
    sleeps,
    settle,
    setTargets: (list: SweepTarget[]) => (found = list),
  };
}

describe('the scheduler', () => {
  it('runs accounts first, then limits; usage finds every target busy and skips them', async () => {
    const h = await harness();
    h.scheduler.start();
    await h.settle();
    expect(h.sweeps.map((s) => [s.job, s.regions])).toEqual([['limits', ['us-east-1', 'eu-west-1']]]);
    expect(h.scheduler.status()).toEqual({ lastSweep: null, sweeping: true, stopped: false });
    // The usage job ran and found both targets held: it waits for its next turn.
    expect(h.sleeps.map((s) => s.ms).sort((a, b) => a - b)).toEqual([HOUR, DAY]);
    h.sweeps[0]?.done.resolve();
    await h.settle();
    expect(h.scheduler.status()).toMatchObject({ lastSweep: new Date(T0), sweeping: false });
    expect((await h.store.collectorHealth()).map((c) => [c.accountId, c.region, c.collector])).toEqual([
      ['', '', 'inventory'],
      ['123456789012', 'eu-west-1', 'limits'],
      ['123456789012', 'us-east-1', 'limits'],
    ]);
    await h.scheduler.stop();
    expect(h.scheduler.status().stopped).toBe(true);
    await h.store.close();
  });

  it('never sweeps one target twice at once: a job takes only the targets no sweep holds', async () => {
    const h = await harness();
    h.scheduler.start();
    await h.settle();
    // The accounts job finds a third target while the limits sweep still holds the first two.
    h.setTargets(targets('us-east-1', 'eu-west-1', 'ap-southeast-2'));
    const accountsSleep = h.sleeps.find((s) => s.ms === DAY);
    accountsSleep?.wake();
    await h.settle();
    const usageSleep = h.sleeps.find((s) => s.ms === HOUR);
    usageSleep?.wake();
    await h.settle();
    expect(h.sweeps.map((s) => [s.job, s.regions])).toEqual([
      ['limits', ['us-east-1', 'eu-west-1']],
      ['usage', ['ap-southeast-2']],
    ]);
    // Once released, every target can be swept again.
    for (const s of h.sweeps) s.done.resolve();
    await h.settle();
    h.sleeps
      .filter((s) => s.ms === HOUR)
      .at(-1)
      ?.wake();
    await h.settle();
    expect(h.sweeps.at(-1)?.regions).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2']);
    h.sweeps.at(-1)?.done.resolve();
    await h.scheduler.stop();
    await h.store.close();
  });

  it('stops after the sweep under way finishes, and records it', async () => {
    const h = await harness();
    h.scheduler.start();
    await h.settle();
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => (stopped = true));
    await h.settle();
    expect(stopped).toBe(false);
    h.sweeps[0]?.done.resolve();
    await stopping;
    expect(h.scheduler.status()).toMatchObject({ lastSweep: new Date(T0), stopped: true });
    expect(h.sweeps).toHaveLength(1);
    await h.store.close();
  });

  it.each([
    [0, 'usage', HOUR * 0.9],
    [0.5, 'usage', HOUR],
    [0.999_999, 'usage', HOUR * 1.1],
    [0, 'limits', DAY * 0.9],
    [0.25, 'accounts', DAY * 0.95],
  ] as const)('jitters each interval by up to ±10%%: random %s gives %s %s ms', async (random, job, ms) => {
    const h = await harness({ random: () => random });
    expect(h.scheduler.nextDelay(job)).toBeCloseTo(ms, -1);
    await h.store.close();
  });

  it('waits the jittered interval between runs', async () => {
    const draws = [0, 1 - 1e-9];
    const h = await harness({ random: () => draws.shift() ?? 0.5 });
    h.scheduler.start();
    await h.settle();
    expect(h.sleeps.map((s) => s.ms).sort((a, b) => a - b)).toEqual([
      Math.round(HOUR * 1.1),
      Math.round(DAY * 0.9),
    ]);
    h.sweeps[0]?.done.resolve();
    await h.scheduler.stop();
    await h.store.close();
  });

  it('records a failed discovery as the inventory collector and keeps the targets it had', async () => {
    let calls = 0;
    const h = await harness({
      discover: () => {
        calls += 1;
        return calls === 1
          ? Promise.resolve({ targets: targets('us-east-1'), problems: [] })
          : Promise.reject(new Error('Organizations is down'));
      },
    });
    await h.scheduler.run('accounts');
    await h.scheduler.run('accounts');
    expect(h.scheduler.targets).toHaveLength(1);
    expect(await h.store.collectorHealth()).toMatchObject([
      {
        collector: 'inventory',
        success: false,
        lastSuccessAt: new Date(T0),
        error: { code: 'HR_INTERNAL', message: 'Organizations is down' },
      },
    ]);
    await h.store.close();
  });

  it('refuses a jitter above one half', async () => {
    await expect(harness({ jitter: 0.6 })).rejects.toThrow('jitter must be from 0 to 0.5');
  });
});

describe('jobTtls', () => {
  it('makes the limits job read limits (and stale usage), the usage job read usage only', () => {
    expect(jobTtls('limits', INTERVALS)).toEqual({ limitsTtlMs: DAY / 2, usageTtlMs: HOUR / 2 });
    expect(jobTtls('usage', INTERVALS)).toEqual({
      limitsTtlMs: Number.MAX_SAFE_INTEGER,
      usageTtlMs: HOUR / 2,
    });
  });
});
