/**
 * headroom's HTTP surface as a hono app: `/metrics` (Prometheus) and `/healthz`. One `onError`
 * boundary maps a HeadroomError to `{error: {code, message, hint}}` with its HTTP status; anything
 * else is a 500 without details (logged), so no internal message or stack reaches a client.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import {
  AwsError,
  ConfigError,
  HeadroomError,
  InputError,
  StorageError,
  UsageError,
} from '../domain/errors.js';
import type { MetricsExporter } from '../metrics/exporter.js';
import type { Store } from '../storage/port.js';
import { healthRoutes, type SweepStatus } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';

export interface AppDeps {
  readonly metrics: MetricsExporter;
  readonly store: Store;
  /** Where the scheduler stands: `/healthz` reports it. */
  readonly status: () => SweepStatus;
  readonly logger?: Logger | undefined;
}

/** The HTTP status of an error a client sees. */
export function httpStatusOf(error: HeadroomError): ContentfulStatusCode {
  if (error instanceof StorageError) return 503;
  if (error instanceof AwsError) return 502;
  if (error instanceof UsageError || error instanceof InputError || error instanceof ConfigError) return 400;
  return 500;
}

/**
 * The app; serve it with `listen()` (src/server/listen.ts), or call it in-process.
 *
 * @example
 * const app = createApp({ metrics: createMetrics(store), store, status: () => scheduler.status() });
 * const response = await app.request('/metrics');
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route('/', metricsRoutes(deps.metrics));
  app.route('/', healthRoutes(deps.store, deps.status));
  app.notFound((c) =>
    c.json({ error: { code: 'HR_HTTP_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    if (error instanceof HeadroomError) {
      deps.logger?.warn({ code: error.code, path: c.req.path }, error.message);
      return c.json(
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.hint === undefined ? {} : { hint: error.hint }),
          },
        },
        httpStatusOf(error),
      );
    }
    deps.logger?.error({ err: error, path: c.req.path }, 'unexpected error serving a request');
    return c.json({ error: { code: 'HR_INTERNAL', message: 'internal error' } }, 500);
  });
  return app;
}
