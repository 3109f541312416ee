/**
 * `headroom serve`'s jobs: `accounts` (discover the targets again; recorded as the `inventory`
 * collector), `limits` and `usage` (sweep every target through the store's cache), each first at
 * start (accounts before the others, which need its targets), then every interval, varied at
 * random by up to `jitter` of itself so several servers do not call AWS in step.
 *
 * Never two sweeps of one target at once: a job takes the targets no other job holds and skips
 * the busy ones this time (the sweep holding them reads them anyway, through the same cache), so
 * a slow daily limits sweep never queues hourly usage sweeps behind it.
 *
 * Time is injected (`now`, `sleep`, `random`), so tests drive the scheduler without waiting.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SweepResult, SweepTarget } from '../collect/sweep.js';
import { HeadroomError } from '../domain/errors.js';
import type { CollectError } from '../domain/quota.js';
import { targetKey } from '../domain/target.js';
import type { Store } from '../storage/port.js';
import type { SweepStatus } from './routes/health.js';

export type JobName = 'accounts' | 'limits' | 'usage';
export type SweepJob = Exclude<JobName, 'accounts'>;

/** What the accounts job finds: the targets, and what stopped it from finding some. */
export interface Discovery {
  readonly targets: readonly SweepTarget[];
  readonly problems: readonly CollectError[];
}

export interface SchedulerOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** The accounts job. */
  discover(): Promise<Discovery>;
  /** A limits or usage sweep of these targets (see `jobTtls` for what each reads). */
  sweep(targets: readonly SweepTarget[], job: SweepJob): Promise<SweepResult>;
  /** Each job's interval, in ms. */
  readonly intervals: Readonly<Record<JobName, number>>;
  /** How much each interval varies, as a fraction of it (0.1: ±10%); at most 0.5. */
  readonly jitter: number;
  readonly now?: () => Date;
  /** Uniform in [0, 1). */
  readonly random?: () => number;
  /** Waits `ms`; resolves early (or rejects) once `signal` aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The cache TTLs each sweep job reads with. A job reads what is older than half its interval, so
 * its next run (at least half an interval later, jitter being at most 0.5) finds it stale again,
 * while a job run right after another (the usage job after the limits job at start) finds it
 * fresh. The limits job also reads usage older than half the usage interval; the usage job reads
 * limits only where none are stored.
 */
export function jobTtls(
  job: SweepJob,
  intervals: Readonly<Record<JobName, number>>,
): { limitsTtlMs: number; usageTtlMs: number } {
  return {
    limitsTtlMs: job === 'limits' ? intervals.limits / 2 : Number.MAX_SAFE_INTEGER,
    usageTtlMs: intervals.usage / 2,
  };
}

/** The longest one timer waits: Node's timers overflow past 2^31-1 ms (24.8 days). */
const MAX_TIMER_MS = 86_400_000;

/** Waits `ms` in timers of at most a day; resolves early when `signal` aborts. */
export async function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  let left = ms;
  try {
    while (left > 0 && !signal.aborted) {
      const step = Math.min(left, MAX_TIMER_MS);
      await delay(step, undefined, { signal });
      left -= step;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

function failureOf(error: unknown): CollectError {
  return {
    scope: 'target',
    serviceCode: null,
    code: error instanceof HeadroomError ? error.code : 'HR_INTERNAL',
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof HeadroomError && error.hint !== undefined ? { hint: error.hint } : {}),
  };
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #abort = new AbortController();
  /** Keys of the targets a sweep holds. */
  readonly #busy = new Set<string>();
  readonly #running = new Set<Promise<unknown>>();
  #targets: readonly SweepTarget[] = [];
  #lastSweep: Date | null = null;
  #sweeps = 0;
  #started = false;

  constructor(options: SchedulerOptions) {
    if (!(options.jitter >= 0 && options.jitter <= 0.5)) {
      throw new RangeError(`jitter must be from 0 to 0.5, not ${options.jitter}`);
    }
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? sleepFor;
  }

  /** Where the scheduler stands, for `/healthz`. */
  status(): SweepStatus {
    return {
      lastSweep: this.#lastSweep,
      sweeping:
        this.#sweeps > 0 || (this.#started && this.#lastSweep === null && !this.#abort.signal.aborted),
      stopped: !this.#started || this.#abort.signal.aborted,
    };
  }

  /** The targets the last accounts job found. */
  get targets(): readonly SweepTarget[] {
    return this.#targets;
  }

  /** The wait before a job's next run: its interval, varied by up to ±jitter of it. */
  nextDelay(job: JobName): number {
    const interval = this.#options.intervals[job];
    return Math.round(interval * (1 + this.#options.jitter * (2 * this.#random() - 1)));
  }

  /** Starts every job: accounts now, then limits and usage, then each on its interval. */
  start(): void {
    if (this.#started) throw new Error('the scheduler was started already');
    this.#started = true;
    this.#track(
      (async () => {
        await this.run('accounts');
        await Promise.all([this.#loop('accounts', true), this.#loop('limits'), this.#loop('usage')]);
      })(),
    );
  }

  /** One round for `--once`: accounts, then limits (which reads usage too); no further runs. */
  async runOnce(): Promise<void> {
    this.#started = true;
    try {
      await this.run('accounts');
      await this.run('limits');
    } finally {
      this.#abort.abort();
    }
  }

  /** Stops scheduling; a sweep under way finishes (and is recorded) first. */
  async stop(): Promise<void> {
    this.#abort.abort();
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /**
   * Runs one job now. A sweep job sweeps the targets no other sweep holds; it skips the rest
   * (and does nothing when every target is busy). Failures are logged and recorded, never thrown.
   */
  async run(job: JobName): Promise<void> {
    const running = job === 'accounts' ? this.#discover() : this.#sweep(job);
    this.#running.add(running);
    try {
      await running;
    } finally {
      this.#running.delete(running);
    }
  }

  /**
   * Sweeps these targets now with `sweep` (the API's "refresh"), holding them as a job does and
   * recording their collectors' outcomes; `busy`, sweeping nothing, when a sweep holds any of them.
   */
  async sweepNow(
    targets: readonly SweepTarget[],
    sweep: (targets: readonly SweepTarget[]) => Promise<SweepResult>,
  ): Promise<SweepResult | 'busy'> {
    if (targets.some((t) => this.#busy.has(targetKey(t.target)))) return 'busy';
    const work = this.#holding(targets, sweep);
    this.#running.add(work);
    try {
      return await work;
    } finally {
      this.#running.delete(work);
    }
  }

  /**
   * Holds the targets (no other sweep takes them) while `sweep` reads them, and records each
   * target's collector outcomes; the caller checked they were free.
   */
  async #holding(
    targets: readonly SweepTarget[],
    sweep: (targets: readonly SweepTarget[]) => Promise<SweepResult>,
  ): Promise<SweepResult> {
    const keys = targets.map((t) => targetKey(t.target));
    for (const key of keys) this.#busy.add(key);
    this.#sweeps += 1;
    try {
      const result = await sweep(targets);
      for (const target of result.targets) {
        await this.#options.store.saveCollectorOutcomes(target.target, target.collectors);
      }
      return result;
    } finally {
      this.#sweeps -= 1;
      for (const key of keys) this.#busy.delete(key);
    }
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'the scheduler stopped on an unexpected error');
    });
    this.#running.add(tracked);
    void tracked.finally(() => this.#running.delete(tracked));
  }

  async #loop(job: JobName, waitFirst = false): Promise<void> {
    let wait = waitFirst;
    while (!this.#stopping()) {
      if (wait) await this.#sleep(this.nextDelay(job), this.#abort.signal);
      if (this.#stopping()) return;
      wait = true;
      await this.run(job);
    }
  }

  /** A method, not a property read, so no narrowing outlives an await. */
  #stopping(): boolean {
    return this.#abort.signal.aborted;
  }

  async #discover(): Promise<void> {
    const { store, logger } = this.#options;
    const started = performance.now();
    let problems: readonly CollectError[];
    try {
      const found = await this.#options.discover();
      this.#targets = found.targets;
      problems = found.problems;
      logger.info({ targets: found.targets.length, problems: problems.length }, 'accounts discovered');
    } catch (error) {
      problems = [failureOf(error)];
      logger.warn({ err: error }, 'discovering the accounts failed; keeping the targets known before');
    }
    await store
      .saveCollectorOutcomes(null, [
        {
          collector: 'inventory',
          success: problems.length === 0,
          durationMs: performance.now() - started,
          at: this.#now(),
          error: problems[0],
        },
      ])
      .catch((error: unknown) => {
        logger.error({ err: error }, 'cannot record the inventory outcome');
      });
  }

  async #sweep(job: SweepJob): Promise<void> {
    const { logger } = this.#options;
    const free = this.#targets.filter((t) => !this.#busy.has(targetKey(t.target)));
    const skipped = this.#targets.length - free.length;
    if (skipped > 0)
      logger.info({ job, skipped }, `${job}: ${skipped} targets are being swept already; skipped`);
    if (free.length === 0) return;
    try {
      const result = await this.#holding(free, (held) => this.#options.sweep(held, job));
      this.#lastSweep = this.#now();
      logger.info(
        { job, targets: result.targets.length, complete: result.complete },
        `${job} sweep finished`,
      );
    } catch (error) {
      logger.error({ err: error, job }, `${job} sweep failed`);
    }
  }
}
