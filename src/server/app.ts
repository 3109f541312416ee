/**
 * headroom's HTTP surface as a hono app: `/metrics` (Prometheus), `/healthz`, and, when given
 * their dependencies, the JSON API (`/api/v1`) and the dashboard. Every request passes the
 * security middleware first (authentication, CSRF, Host, headers: security.ts). One `onError`
 * boundary maps a HeadroomError to `{error: {code, message, hint, field}}` with its HTTP status;
 * anything else is a 500 without details (logged), so no internal message or stack reaches a client.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import {
  AwsError,
  ConfigError,
  HeadroomError,
  IncompleteError,
  InputError,
  StorageError,
  UsageError,
} from '../domain/errors.js';
import type { MetricsExporter } from '../metrics/exporter.js';
import type { Store } from '../storage/port.js';
import { ApiError, INPUT_ERROR_STATUS } from './errors.js';
import { API_BASE, type ApiDeps, apiRoutes } from './routes/api/index.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes, type SweepStatus } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { createSecurity, NO_AUTH, type Security, type ServerEnv } from './security.js';

export interface AppDeps {
  readonly metrics: MetricsExporter;
  readonly store: Store;
  /** Where the scheduler stands: `/healthz` reports it. */
  readonly status: () => SweepStatus;
  readonly logger?: Logger | undefined;
  /** Authentication and cross-site protection; none (loopback only) when not given. */
  readonly security?: Security;
  /** The API and the dashboard, served when given. */
  readonly api?: ApiDeps;
  /** Where the dashboard's built assets are (dist/web by default). */
  readonly assetsDir?: string;
}

/** The HTTP status of an error a client sees. */
export function httpStatusOf(error: HeadroomError): ContentfulStatusCode {
  if (error instanceof ApiError) return error.status;
  if (error instanceof StorageError) return 503;
  if (error instanceof IncompleteError) return 502;
  if (error instanceof AwsError) return 502;
  if (error instanceof InputError) return INPUT_ERROR_STATUS[error.code] ?? 400;
  if (error instanceof UsageError || error instanceof ConfigError) return 400;
  return 500;
}

/**
 * The app; serve it with `listen()` (src/server/listen.ts), or call it in-process.
 *
 * @example
 * const app = createApp({ metrics: createMetrics(store), store, status: () => scheduler.status() });
 * const response = await app.request('/metrics');
 */
export function createApp(deps: AppDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const security =
    deps.security ?? deps.api?.security ?? createSecurity({ auth: NO_AUTH, operator: 'headroom' });
  app.use('*', security.middleware);
  app.route('/', security.routes);
  app.route('/', metricsRoutes(deps.metrics));
  app.route('/', healthRoutes(deps.store, deps.status));
  if (deps.api) {
    // A target's quotas are ~2 MB of JSON, ~6% of it gzipped; /metrics is left as it was.
    app.use(`${API_BASE}/*`, compress());
    app.use('/assets/*', compress());
    app.route(API_BASE, apiRoutes(deps.api));
    app.route('/', dashboardRoutes(deps.assetsDir));
  }
  app.notFound((c) =>
    c.json({ error: { code: 'HR_HTTP_NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      // hono's own refusals: a body that is not JSON, mostly.
      return c.json(
        {
          error: {
            code: 'HR_API_INVALID',
            message: `body ${error.message.replace(/^Malformed JSON in request body$/, 'is not JSON')}`,
            hint: 'send a JSON object with Content-Type: application/json',
            field: 'body',
          },
        },
        error.status,
      );
    }
    if (error instanceof HeadroomError) {
      deps.logger?.warn({ code: error.code, path: c.req.path }, error.message);
      return c.json(
        {
          error: {
            code: error.code,
            message: error.message,
            ...(error.hint === undefined ? {} : { hint: error.hint }),
            ...(error instanceof ApiError && error.field !== undefined ? { field: error.field } : {}),
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
