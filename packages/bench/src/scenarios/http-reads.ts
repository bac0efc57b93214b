import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { createApp } from '@promote/http';
import { openSqliteStore } from '@promote/store-sqlite';
import { benchWorld } from '../bench-world.js';
import { runChild } from '../children/child-process.js';
import type { HttpLoadAnswer, HttpLoadPlan } from '../children/http-load.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, percentile } from '../measure.js';
import { profiled } from '../profiling.js';
import { count, type BenchScale } from '../scale.js';
import { removeDatabase, sqliteTemplate } from '../sqlite-files.js';
import { promoteToEnd } from './draft-promotion.js';

interface Measured {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly answer: HttpLoadAnswer;
}

/**
 * Reads of an operation with N results through the real HTTP stack: the Hono app of
 * `@promote/http` on `@hono/node-server`, listening on a loopback port, over a SQLite file. The
 * load comes from a child process (`httpConcurrency` requests in flight over as many keep-alive
 * connections), asking for every page of `GET /api/operations/{id}/quality-checks?page=P&size=50`
 * in turn. The baseline is the same client against a bare `node:http` server in this process that
 * answers each URL with the very bytes the app answered, precomputed: what the loopback, node's
 * HTTP and the client cost alone. A second case reads the whole operation,
 * `GET /api/operations/{id}` with all N results, at a lower concurrency.
 */
export async function httpReads(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const n = scale.httpResults;
  const bench = benchWorld({ seed, checks: n, destination: 'mixed' });
  const file = join(workDir, 'http.sqlite');
  await sqliteTemplate(file, bench.world);
  const store = await openSqliteStore({ filename: file });
  const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
  const operation = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true });
  expectEqual(`the operation the HTTP scenario reads`, operation.status, { total: n, ...bench.expected, failed: 0 });

  const defects: unknown[] = [];
  const app = createApp({ promoter, onDefect: (error) => defects.push(error) });
  // Without a `createServer` option the adaptor makes a plain `node:http` server.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const base = await listen(server);
  const pages = Math.ceil(n / scale.httpPageSize);
  const pageUrls = Array.from({ length: pages }, (_, index) => `${base}/api/operations/${operation.id}/quality-checks?page=${index + 1}&size=${scale.httpPageSize}`);
  const fullUrls = [`${base}/api/operations/${operation.id}`];

  const figures: Figure[] = [];
  const cases = [
    { label: `GET …/{id}/quality-checks, ${pages} pages of ${scale.httpPageSize}, ${scale.httpConcurrency} in flight`, urls: pageUrls, concurrency: scale.httpConcurrency, requests: scale.httpRequests },
    { label: `GET /api/operations/{id}, all ${count(n)} results, ${scale.httpFullConcurrency} in flight`, urls: fullUrls, concurrency: scale.httpFullConcurrency, requests: scale.httpFullRequests },
  ];
  try {
    for (const { label, urls, concurrency, requests } of cases) {
      const bodies = await precompute(urls, bench.token);
      collectGarbage();
      const engine = await profiled(`http-${urls === pageUrls ? 'pages' : 'whole'}`, () => measure({ urls, token: bench.token, concurrency, requests, warmup: concurrency }));
      if (defects.length > 0) throw new Error(`the app reported defects: ${String(defects[0])}`);
      const staticServer = createServer((request, response) => {
        const body = bodies.get(request.url ?? '');
        response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
        response.end(body);
      });
      const staticBase = await listen(staticServer);
      collectGarbage();
      const floor = await measure({ urls: urls.map((url) => url.replace(base, staticBase)), token: bench.token, concurrency, requests, warmup: concurrency });
      await close(staticServer);
      const bytesPerAnswer = Math.round(engine.answer.bytes / engine.answer.requests);
      figures.push(
        {
          scenario: 'http',
          case: label,
          measure: 'requests per second',
          value: engine.rps,
          unit: 'req/s',
          baseline: { label: 'bare node:http serving the same bytes', value: floor.rps, unit: 'req/s' },
          ratio: ratioOf(floor.rps, engine.rps),
          note: `${engine.answer.requests} requests in ${engine.answer.ms.toFixed(0)} ms; ${bytesPerAnswer} bytes per answer; p50 ${engine.p50.toFixed(1)} ms (bare ${floor.p50.toFixed(1)} ms)`,
        },
        {
          scenario: 'http',
          case: label,
          measure: 'p99 latency',
          value: engine.p99,
          unit: 'ms',
          baseline: { label: 'bare node:http serving the same bytes', value: floor.p99, unit: 'ms' },
          ratio: ratioOf(engine.p99, floor.p99),
        },
      );
    }
  } finally {
    await close(server);
    await promoter.close();
    await store.close();
    removeDatabase(file);
  }
  return figures;
}

async function measure(plan: HttpLoadPlan): Promise<Measured> {
  const answer = await runChild<HttpLoadAnswer>('http-load', [JSON.stringify(plan)]);
  if (Object.keys(answer.failures).length > 0) throw new Error(`HTTP answers other than 200: ${JSON.stringify(answer.failures)}`);
  return { rps: (answer.requests / answer.ms) * 1000, p50: percentile(answer.latencies, 50), p99: percentile(answer.latencies, 99), answer };
}

/** The app's answer to each URL (path and query as the bare server sees them). */
async function precompute(urls: readonly string[], token: string): Promise<Map<string, Buffer>> {
  const bodies = new Map<string, Buffer>();
  for (const url of urls) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    const parsed = new URL(url);
    bodies.set(parsed.pathname + parsed.search, Buffer.from(await response.arrayBuffer()));
  }
  return bodies;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
