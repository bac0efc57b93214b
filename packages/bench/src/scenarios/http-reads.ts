import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import BetterSqlite3 from 'better-sqlite3';
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { createApp } from '@promote/http';
import { openSqliteStore } from '@promote/store-sqlite';
import { benchWorld, type BenchWorld } from '../bench-world.js';
import { runChild } from '../children/child-process.js';
import type { HttpLoadAnswer, HttpLoadPlan } from '../children/http-load.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, collectGarbageFully, expectEqual, percentile } from '../measure.js';
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
 * in turn (after the first read of a page it is kept in the file, decision 0910; a second case
 * reads them from a store that keeps none). The baseline is the same client against a bare
 * `node:http` server in this process that answers each URL with the very bytes the app answered,
 * precomputed: what the loopback, node's HTTP and the client cost alone. A third case reads the
 * whole operation, `GET /api/operations/{id}` with all N results, at a lower concurrency: after the
 * first read its pages are kept in the file and copied. A fourth reads it from a store that keeps
 * none (`viewCacheBytes: 0`), every view written by SQLite at each read. A fifth measures the
 * server's memory while it streams one whole operation of `httpMemoryResults` results, against one
 * of N ({@link servingMemoryFigure}), from stores that keep no pages: a read of kept pages holds
 * the same (a page or two on their way to the socket), but a read of 10,000 kept views is over
 * within the microtasks of one turn, before any sample.
 */
export async function httpReads(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const n = scale.httpResults;
  const bench = benchWorld({ seed, checks: n, destination: 'mixed' });
  const served = await serveOperation(bench, join(workDir, 'http.sqlite'));
  const { base, defects } = served;
  const operation = { id: served.operationId };
  const pages = Math.ceil(n / scale.httpPageSize);
  const pageUrls = Array.from({ length: pages }, (_, index) => `${base}/api/operations/${operation.id}/quality-checks?page=${index + 1}&size=${scale.httpPageSize}`);
  const fullUrls = [`${base}/api/operations/${operation.id}`];
  let unkept: Awaited<ReturnType<typeof serveOperation>>;
  try {
    unkept = await serveOperation(bench, join(workDir, 'http-unkept.sqlite'), { viewCacheBytes: 0 });
  } catch (error) {
    await served.close();
    throw error;
  }

  const figures: Figure[] = [];
  const cases = [
    { name: 'pages', label: `GET …/{id}/quality-checks, ${pages} pages of ${scale.httpPageSize}, ${scale.httpConcurrency} in flight`, base, urls: pageUrls, concurrency: scale.httpConcurrency, requests: scale.httpRequests },
    {
      name: 'pages-unkept',
      label: `GET …/{id}/quality-checks, ${pages} pages of ${scale.httpPageSize}, ${scale.httpConcurrency} in flight, no pages kept (written at each read)`,
      base: unkept.base,
      urls: pageUrls.map((url) => url.replace(base, unkept.base).replace(`/operations/${operation.id}/`, `/operations/${unkept.operationId}/`)),
      concurrency: scale.httpConcurrency,
      requests: scale.httpRequests,
    },
    { name: 'whole', label: `GET /api/operations/{id}, all ${count(n)} results, ${scale.httpFullConcurrency} in flight`, base, urls: fullUrls, concurrency: scale.httpFullConcurrency, requests: scale.httpFullRequests },
    {
      name: 'whole-unkept',
      label: `GET /api/operations/{id}, all ${count(n)} results, ${scale.httpFullConcurrency} in flight, no pages kept (written at each read)`,
      base: unkept.base,
      urls: [`${unkept.base}/api/operations/${unkept.operationId}`],
      concurrency: scale.httpFullConcurrency,
      requests: scale.httpFullRequests,
    },
  ];
  try {
    for (const { name, label, base, urls, concurrency, requests } of cases) {
      const bodies = await precompute(urls, bench.token);
      collectGarbage();
      const engine = await profiled(`http-${name}`, () => measure({ urls, token: bench.token, concurrency, requests, warmup: concurrency }));
      const defect = [...defects, ...unkept.defects][0];
      if (defect !== undefined) throw new Error(`the app reported defects: ${String(defect)}`);
      // The kept cases measure kept pages, or they say they did not (the result pages run first: what is kept then is theirs).
      if ((name === 'whole' || name === 'pages') && keptPageCount(served.file) === 0) throw new Error('the store kept no page of the operation it served: the case would measure pages written at each read');
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
    figures.push(await servingMemoryFigure(scale, seed, workDir, bench, unkept));
  } finally {
    await served.close();
    await unkept.close();
  }
  return figures;
}

/** An operation of every check of `bench` promoted into a SQLite file, served by the app on a loopback port. */
async function serveOperation(bench: BenchWorld, file: string, options: { readonly viewCacheBytes?: number } = {}) {
  await sqliteTemplate(file, bench.world);
  const store = await openSqliteStore({ filename: file, ...options });
  const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
  const operation = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true });
  const { created, updated, skipped } = bench.expected;
  expectEqual(`the operation the HTTP scenario reads`, operation.status, { total: created + updated + skipped, ...bench.expected, failed: 0 });
  const defects: unknown[] = [];
  const app = createApp({ promoter, onDefect: (error) => defects.push(error) });
  // Without a `createServer` option the adaptor makes a plain `node:http` server.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const base = await listen(server);
  return {
    base,
    file,
    operationId: operation.id,
    defects,
    async close() {
      await close(server);
      await promoter.close();
      await store.close();
      removeDatabase(file);
    },
  };
}

/**
 * The server's memory while it answers one `GET /api/operations/{id}` of `httpMemoryResults`
 * results, next to one of the scenario's `httpResults` (the baseline, same run, same process): the
 * growth of this process's V8 heap and external memory (buffers) over their level after a full
 * collection just before the request, at its highest, measured after a full collection every 25 ms
 * while it is served (timers run between the pages of the stream) — what the request holds, not
 * the garbage it leaves until the next collection (that peak is in the note). Each collection is
 * two (`collectGarbageFully`: dead buffers are freed by the second). Median of 3–5 rounds,
 * the two sizes alternating. A read that held every result would grow ten times for ten times the
 * results.
 */
async function servingMemoryFigure(scale: BenchScale, seed: number, workDir: string, smallWorld: BenchWorld, smallServed: { readonly base: string; readonly operationId: number }): Promise<Figure> {
  const large = benchWorld({ seed, checks: scale.httpMemoryResults, destination: 'mixed' });
  const largeServed = await serveOperation(large, join(workDir, 'http-large.sqlite'), { viewCacheBytes: 0 });
  try {
    const small: { live: number[]; peak: number[] } = { live: [], peak: [] };
    const big: { live: number[]; peak: number[]; rss: number[] } = { live: [], peak: [], rss: [] };
    let largeBytes = 0;
    const rounds = Math.max(3, Math.min(scale.repetitions, 5));
    for (let round = 0; round < rounds; round++) {
      const smallRead = await servingMemory(`${smallServed.base}/api/operations/${smallServed.operationId}`, smallWorld.token);
      small.live.push(smallRead.live);
      small.peak.push(smallRead.peak);
      const largeRead = await servingMemory(`${largeServed.base}/api/operations/${largeServed.operationId}`, large.token);
      big.live.push(largeRead.live);
      big.peak.push(largeRead.peak);
      big.rss.push(largeRead.rssGrowth);
      largeBytes = largeRead.bytes;
    }
    if (largeServed.defects.length > 0) throw new Error(`the app reported defects: ${String(largeServed.defects[0])}`);
    const mib = (bytes: number) => bytes / 1024 / 1024;
    const list = (values: readonly number[]) => values.map((bytes) => mib(bytes).toFixed(1)).join(', ');
    const value = mib(median(big.live));
    const baseline = mib(median(small.live));
    return {
      scenario: 'http',
      case: `GET /api/operations/{id}, all ${count(scale.httpMemoryResults)} results, one request`,
      measure: 'server memory growth (heap after GC + buffers), peak',
      value,
      unit: 'MiB',
      baseline: { label: `the same for all ${count(scale.httpResults)} results`, value: baseline, unit: 'MiB' },
      ratio: ratioOf(value, baseline),
      note:
        `median of ${rounds}, alternating; after GC ${count(scale.httpMemoryResults)}: ${list(big.live)} MiB, ${count(scale.httpResults)}: ${list(small.live)} MiB; ` +
        `peak between those collections ${count(scale.httpMemoryResults)}: ${list(big.peak)} MiB, ${count(scale.httpResults)}: ${list(small.peak)} MiB; ` +
        `RSS growth at ${count(scale.httpMemoryResults)}: ${list(big.rss)} MiB; ${largeBytes} bytes per answer`,
    };
  } finally {
    await largeServed.close();
  }
}

/** How many pages of result views the SQLite file keeps (decision 0910), read on a connection of its own. */
function keptPageCount(file: string): number {
  const handle = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return handle.prepare('select count(*) from "rendered_views"').pluck().get() as number;
  } finally {
    handle.close();
  }
}

/**
 * How often a read's memory is sampled after a full collection (a collection of this process takes
 * a few milliseconds: more often would measure a read slowed by them).
 */
const collectionEveryMs = 25;

/**
 * One GET of `url` from a client child while this process samples its own memory (see
 * {@link servingMemoryFigure}): every millisecond the level as it is (garbage included), and every
 * {@link collectionEveryMs} after a full collection (what the request holds; without `--expose-gc`, as it is).
 */
async function servingMemory(url: string, token: string): Promise<{ readonly live: number; readonly peak: number; readonly rssGrowth: number; readonly bytes: number }> {
  collectGarbageFully();
  const level = () => {
    const usage = process.memoryUsage();
    return { held: usage.heapUsed + usage.external, rss: usage.rss };
  };
  const before = level();
  let peak = before.held;
  let live = before.held;
  let rssPeak = before.rss;
  let collected = performance.now();
  const sample = () => {
    if (performance.now() - collected >= collectionEveryMs) {
      collectGarbageFully();
      collected = performance.now();
      live = Math.max(live, level().held);
    }
    const now = level();
    peak = Math.max(peak, now.held);
    rssPeak = Math.max(rssPeak, now.rss);
  };
  const timer = setInterval(sample, 1);
  let answer: Measured;
  try {
    answer = await measure({ urls: [url], token, concurrency: 1, requests: 1, warmup: 0 });
  } finally {
    clearInterval(timer);
  }
  return { live: live - before.held, peak: peak - before.held, rssGrowth: rssPeak - before.rss, bytes: answer.answer.bytes };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
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
