/**
 * `GET /healthz`: 200 while the store can be read and the scheduler has finished a sweep or is
 * running its first; 503 when the store cannot be read (through the app's error boundary) or the
 * scheduler stopped before any sweep finished.
 */
import { Hono } from 'hono';
import type { Store } from '../../storage/port.js';

/** Where the scheduler stands. */
export interface SweepStatus {
  /** When the last limits or usage sweep finished; null before the first. */
  readonly lastSweep: Date | null;
  /** A sweep is under way. */
  readonly sweeping: boolean;
  /** The scheduler has stopped (or never started). */
  readonly stopped: boolean;
}

/** The JSON `/healthz` answers with. */
export interface HealthReport {
  /** `ok`; `degraded` when a collector's latest run failed; `starting` during the first sweep; `unavailable`. */
  readonly status: 'ok' | 'degraded' | 'starting' | 'unavailable';
  readonly lastSweep: string | null;
  /** Targets the store lists. */
  readonly targets: number;
  /** Collectors (per target) whose latest run failed. */
  readonly failing: number;
}

export function healthRoutes(store: Store, status: () => SweepStatus): Hono {
  const routes = new Hono();
  routes.get('/healthz', async (c) => {
    // A store that cannot be read throws a StorageError: the boundary answers 503 with its code.
    const [targets, health] = await Promise.all([store.listTargets(), store.collectorHealth()]);
    const now = status();
    const failing = health.filter((h) => !h.success).length;
    const ready = now.lastSweep !== null || (now.sweeping && !now.stopped);
    const report: HealthReport = {
      status: !ready ? 'unavailable' : now.lastSweep === null ? 'starting' : failing > 0 ? 'degraded' : 'ok',
      lastSweep: now.lastSweep?.toISOString() ?? null,
      targets: targets.length,
      failing,
    };
    return c.json(report, ready ? 200 : 503);
  });
  return routes;
}
