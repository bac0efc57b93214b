import { Hono } from 'hono';
import type { MetricsExposition } from './app-telemetry.js';

/** Options of {@link createMetricsApp}. */
export interface MetricsAppOptions {
  /** The exposition to answer (`createTelemetry().metrics`, bound). */
  readonly metrics: () => Promise<MetricsExposition>;
}

/**
 * `GET /metrics` alone, for a listener of its own (`promote serve --metrics-port`): Prometheus
 * scrapes it on a port that the load balancer does not expose. Every other path is a JSON 404.
 */
export function createMetricsApp(options: MetricsAppOptions): Hono {
  const app = new Hono();
  app.get('/metrics', async () => {
    const exposition = await options.metrics();
    return new Response(exposition.body, { status: 200, headers: { 'content-type': exposition.contentType, 'cache-control': 'no-store' } });
  });
  app.notFound((c) => c.json({ detail: `Not Found: ${c.req.method} ${new URL(c.req.url).pathname} (this port serves GET /metrics only)` }, 404));
  return app;
}
