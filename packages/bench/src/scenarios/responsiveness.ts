import { join } from 'node:path';
import type { OperationStatus } from '@promote/core';
import { benchWorld } from '../bench-world.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual } from '../measure.js';
import { count, type BenchScale } from '../scale.js';
import { startServer, type ServerProcess } from '../soak.js';
import { copyDatabase, removeDatabase, sqliteTemplate } from '../sqlite-files.js';

/** Issue 15 point 2's targets for the reads during the promotion. */
const maxP99Ms = 100;
const maxLatencyMs = 250;
/** How often the client reads, and how many reads the idle baseline takes. */
const readEveryMs = 50;
const idleReads = 60;
/** Checks of the small operation whose result pages are read. */
const smallChecks = 1_000;

/**
 * Responsiveness (issue 15 point 2): `promote serve` on a SQLite file runs a draft promotion of N
 * new checks while a client reads a page of another operation's results every 50 ms. Measured:
 * each read's latency (p99 and maximum) against the same reads of the idle server before the
 * promotion, and the server's own event-loop delay during the promotion (its `/metrics`:
 * prom-client's `monitorEventLoopDelay`, reset by the scrape just before the promotion starts).
 */
export async function responsiveness(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const n = scale.responsivenessChecks;
  const template = join(workDir, 'responsiveness-template.sqlite');
  // Only the request and token are kept: the world of a million checks held here made this
  // process's own garbage collections (≈ 0.4 s each) part of the read latencies measured.
  const bench = await (async () => {
    const { world, request, token } = benchWorld({ seed, checks: n, destination: 'empty' });
    await sqliteTemplate(template, world);
    return { request, token };
  })();
  const file = copyDatabase(template, join(workDir, 'responsiveness-run.sqlite'));
  removeDatabase(template);
  collectGarbage();
  const server = await startServer(file);
  try {
    const call = client(server, bench.token);
    // The other operation: its first checks, into the other destination container (another scope).
    const small = await call('POST', '/api/operations/run', {
      ...bench.request,
      destination_container_id: 22,
      check_ids: Array.from({ length: Math.min(smallChecks, n) }, (_, index) => index + 1),
      as_draft: true,
    });
    const smallId = (small.body as { id: number }).id;
    await untilEnded(call, smallId, 100);
    const pages = Math.max(1, Math.ceil(Math.min(smallChecks, n) / 50));
    let page = 0;
    const readPage = async (): Promise<number> => {
      page = (page % pages) + 1;
      const started = performance.now();
      const answer = await call('GET', `/api/operations/${smallId}/quality-checks?page=${page}&size=50`);
      if (answer.status !== 200) throw new Error(`page ${page} answered ${answer.status}`);
      return performance.now() - started;
    };

    const idle: number[] = [];
    for (let index = 0; index < idleReads; index++) {
      idle.push(await readPage());
      await sleep(readEveryMs);
    }

    await call('GET', '/metrics'); // resets the event-loop delay histogram
    const started = performance.now();
    const big = await call('POST', '/api/operations/run', { ...bench.request, as_draft: true });
    const bigId = (big.body as { id: number }).id;
    const busy: number[] = [];
    let ended = false;
    const watching = untilEnded(call, bigId, 1_000).then((operation) => {
      ended = true;
      return operation;
    });
    while (!ended) {
      const tick = performance.now();
      busy.push(await readPage());
      await sleep(Math.max(0, readEveryMs - (performance.now() - tick)));
    }
    const operation = await watching;
    const wallMs = performance.now() - started;
    const metrics = (await call('GET', '/metrics')).text;
    expectEqual(`draft promotion of ${n} under reads`, { result: operation.result, status: operation.status }, { result: 'success', status: { total: n, created: n, updated: 0, skipped: 0, failed: 0 } });

    const idleP99 = percentile(idle, 0.99);
    const busyP99 = percentile(busy, 0.99);
    const busyMax = Math.max(...busy);
    const loopMaxMs = gauge(metrics, 'nodejs_eventloop_lag_max_seconds') * 1000;
    const loopP99Ms = gauge(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000;
    const label = `${count(n)} new → empty in promote serve, a page read every ${readEveryMs} ms`;
    const baseline = { label: `the same reads of the idle server (${idle.length})`, value: idleP99, unit: 'ms' };
    return [
      { scenario: 'responsiveness', case: label, measure: 'read latency p99', value: busyP99, unit: 'ms', baseline, ratio: ratioOf(busyP99, idleP99), target: { text: `≤ ${maxP99Ms} ms`, met: busyP99 <= maxP99Ms }, note: `${busy.length} reads during ${(wallMs / 1000).toFixed(1)} s` },
      { scenario: 'responsiveness', case: label, measure: 'read latency max', value: busyMax, unit: 'ms', baseline: { ...baseline, label: `max of the same reads of the idle server`, value: Math.max(...idle) }, ratio: ratioOf(busyMax, Math.max(...idle)), target: { text: `≤ ${maxLatencyMs} ms`, met: busyMax <= maxLatencyMs } },
      { scenario: 'responsiveness', case: label, measure: 'event-loop delay max', value: loopMaxMs, unit: 'ms', note: `the server's monitorEventLoopDelay (prom-client, 10 ms resolution) over the promotion; p99 ${loopP99Ms.toFixed(1)} ms` },
    ];
  } finally {
    await server.stop();
    removeDatabase(file);
  }
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown; text: string }>;

function client(server: ServerProcess, token: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${server.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as unknown) : undefined;
    if (response.status >= 400) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return { status: response.status, body: json, text };
  };
}

interface Ended {
  readonly result: string;
  readonly status: OperationStatus;
}

/** Polls the operation list every `everyMs` until the operation `id` is no longer running. */
async function untilEnded(call: Call, id: number, everyMs: number): Promise<Ended> {
  for (;;) {
    const listed = (await call('GET', '/api/operations?page=1&size=5')).body as { items: (Ended & { id: number })[] };
    const operation = listed.items.find((item) => item.id === id);
    if (operation !== undefined && operation.result !== 'running') return { result: operation.result, status: operation.status };
    await sleep(everyMs);
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

/** A gauge without labels from the Prometheus text. */
function gauge(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in the server's metrics`);
  return Number(line.slice(name.length + 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
