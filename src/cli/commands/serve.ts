/**
 * `headroom serve`: the dashboard, its JSON API, `/metrics` and `/healthz` on 127.0.0.1 (by
 * default), with the scheduler collecting every target on its intervals. `--once` runs one sweep and serves what it read
 * without collecting again (for tests and one-off looks). Stops on SIGINT or SIGTERM: a sweep
 * under way finishes and is recorded, the listener closes, then the store.
 *
 * `headroom prometheus-rules` and `headroom grafana-dashboard` print the alerting rules and the
 * dashboard for these metrics.
 */
import { type Command, InvalidArgumentError } from 'commander';
import type { Context } from '../../app/context.js';
import { engineLoop } from '../../app/engine.js';
import { sweepTargets } from '../../app/quotas.js';
import { loadConfig } from '../../config/load.js';
import type { SweepTarget } from '../../collect/sweep.js';
import { problemAsCollectError } from '../../domain/inventory.js';
import { renderDashboard } from '../../metrics/dashboard.js';
import { createMetrics } from '../../metrics/exporter.js';
import { renderRules, DEFAULT_RULE_OPTIONS } from '../../metrics/rules.js';
import { createApp } from '../../server/app.js';
import { operator } from '../../app/requests.js';
import { listen } from '../../server/listen.js';
import { checkExposure, createSecurity, resolveAuth } from '../../server/security.js';
import { HEADROOM_VERSION } from '../../server/version.js';
import { jobTtls, type JobName, Scheduler } from '../../server/scheduler.js';
import { configPathOf, withContext, write } from './shared.js';

export interface ServeFlags {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly once: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new InvalidArgumentError('expected a port from 0 to 65535 (0 picks a free one).');
  }
  return port;
}

/** Resolves once SIGINT or SIGTERM arrives (and stops listening for them). */
function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Serves until `until` resolves: binds (loopback unless allowed), starts the scheduler (or runs
 * one sweep with `once`), then stops the scheduler and closes the listener. The caller closes
 * the context.
 */
export async function serve(
  ctx: Context,
  flags: ServeFlags,
  options: {
    until: Promise<unknown>;
    stderr?: NodeJS.WritableStream;
    env?: NodeJS.ProcessEnv;
    /** Where the dashboard's built assets are (dist/web by default). */
    assetsDir?: string;
  },
): Promise<void> {
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const { serve: settings } = ctx.config;
  const host = flags.host ?? settings.host;
  const auth = resolveAuth(settings.auth, env);
  checkExposure(host, settings.allowRemote, auth, flags.host === undefined ? 'serve.host' : '--host');
  const security = createSecurity({ auth, operator: operator(env) });
  const intervals: Record<JobName, number> = {
    accounts: settings.schedule.accountsMs,
    limits: settings.schedule.limitsMs,
    usage: settings.schedule.usageMs,
  };
  // Serve sweeps some targets at a time (a job skips the busy ones, a refresh reads one): each
  // account's global quotas stay home, chosen among every target the accounts job found.
  const sweepSome = (
    targets: readonly SweepTarget[],
    options: Omit<Parameters<typeof sweepTargets>[2], 'homesAmong'>,
  ) => sweepTargets(ctx, targets, { ...options, homesAmong: scheduler.targets });
  const engine = engineLoop(ctx);
  const scheduler: Scheduler = new Scheduler({
    store: ctx.store,
    logger: ctx.logger,
    // Every account source asked again (their caches bypassed); each problem is one line.
    discover: async () => {
      const found = await ctx.inventory({ refresh: true });
      return {
        targets: found.targets,
        problems: found.problems.map(problemAsCollectError),
      };
    },
    // The engine decides on what each collection read, once it is stored.
    sweep: async (targets, job) => {
      const result = await sweepSome(targets, { refresh: false, ...jobTtls(job, intervals) });
      await engine.afterSweep(targets);
      return result;
    },
    intervals,
    jitter: settings.jitter,
  });
  const app = createApp({
    metrics: createMetrics(ctx.store),
    store: ctx.store,
    status: () => scheduler.status(),
    logger: ctx.logger,
    security,
    api: {
      ctx,
      security,
      version: HEADROOM_VERSION,
      refreshTargets: (targets) =>
        scheduler.sweepNow(targets, async (held) => {
          const result = await sweepSome(held, { refresh: true });
          await engine.afterSweep(held);
          return result;
        }),
    },
    ...(options.assetsDir === undefined ? {} : { assetsDir: options.assetsDir }),
  });
  const listener = await listen(app, { host, port: flags.port ?? settings.port });
  stderr.write(
    `headroom: serving the dashboard at ${listener.url}/ (API ${listener.url}/api/v1, ${listener.url}/metrics, ${listener.url}/healthz)` +
      `${auth.token !== undefined || auth.basic !== undefined ? '; sign-in required' : ''}\n`,
  );
  try {
    if (flags.once) {
      await scheduler.runOnce();
      stderr.write('headroom: one sweep done; serving what it read until interrupted\n');
    } else {
      scheduler.start();
    }
    await options.until;
    stderr.write('headroom: stopping (a sweep under way finishes first)\n');
  } finally {
    await scheduler.stop();
    await engine.stop();
    await listener.close();
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the dashboard, its JSON API, Prometheus /metrics and /healthz, collecting every target on a schedule',
    )
    .option('--host <host>', 'address to listen on (default: serve.host, 127.0.0.1)')
    .option('--port <port>', 'port to listen on; 0 picks a free one (default: serve.port, 9877)', parsePort)
    .option('--once', 'run one sweep, then serve it without collecting again', false)
    .action(async (flags: ServeFlags, command: Command) => {
      const until = interrupted();
      await withContext(command, (ctx) => serve(ctx, flags, { until }));
    });

  program
    .command('prometheus-rules')
    .description('print Prometheus alerting rules for the metrics of headroom serve (YAML)')
    .action(async (_flags: unknown, command: Command) => {
      const { config } = await loadConfig({ path: configPathOf(command) });
      write(
        renderRules({
          ...DEFAULT_RULE_OPTIONS,
          intervals: {
            accountsMs: config.serve.schedule.accountsMs,
            limitsMs: config.serve.schedule.limitsMs,
            usageMs: config.serve.schedule.usageMs,
          },
        }),
      );
    });

  program
    .command('grafana-dashboard')
    .description('print a Grafana dashboard for the metrics of headroom serve (JSON)')
    .action(() => {
      write(renderDashboard());
    });
}
