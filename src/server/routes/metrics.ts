/** `GET /metrics`: the exposition, read from the store (never from AWS) on each scrape. */
import { Hono } from 'hono';
import type { MetricsExporter } from '../../metrics/exporter.js';

export function metricsRoutes(metrics: MetricsExporter): Hono {
  const routes = new Hono();
  routes.get('/metrics', async (c) => {
    const text = await metrics.render();
    return c.body(text, 200, { 'content-type': metrics.contentType });
  });
  return routes;
}
