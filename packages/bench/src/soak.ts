import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchWorld } from './bench-world.js';
import { median } from './measure.js';
import { seededRandom } from './random.js';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long the mixed traffic runs. */
  readonly durationMs: number;
  /** Clients sending requests one after another, all at once. */
  readonly clients: number;
  /** Checks on the source container of the soak world. */
  readonly checks: number;
  /** How often the server's RSS is read. */
  readonly sampleMs: number;
  /** SQLite file the server runs on (created here, from the soak world). */
  readonly database: string;
  readonly seed?: number | undefined;
  /**
   * `true`: go on past `durationMs` until every kind of request of the mix has been sent, so that a
   * short soak on a busy machine still sends each (default `false`: only the duration counts).
   */
  readonly everyKind?: boolean | undefined;
  /** Told of progress (one line per sample). */
  readonly log?: ((line: string) => void) | undefined;
}

/** One reading of the server's memory. */
export interface SoakSample {
  /** Milliseconds since the traffic started. */
  readonly atMs: number;
  readonly rssMiB: number;
  /** The server's V8 heap in use right after a full garbage collection (the latest probe reading). */
  readonly heapMiB: number | undefined;
  /** Requests answered so far. */
  readonly requests: number;
}

/** What a soak measured. */
export interface SoakReport {
  readonly durationMs: number;
  readonly samples: readonly SoakSample[];
  /** Answers by kind of request, and how many had a status of 500 or more (each a defect). */
  readonly requests: Readonly<Record<string, number>>;
  readonly serverErrors: number;
  /** Median RSS of the first and the last fifth of the samples (the first minute left out when the soak is long enough: warm-up). */
  readonly firstMiB: number;
  readonly lastMiB: number;
  readonly maxMiB: number;
  /** The same for the heap after garbage collection. */
  readonly firstHeapMiB: number;
  readonly lastHeapMiB: number;
  /** What the server printed on stderr (a defect when not empty). */
  readonly stderr: string;
}

type Kind = 'result-page' | 'operation-list' | 'plan' | 'run' | 'abort' | 'resume' | 'operation';

/** Operations running or queued at most: a run beyond that aborts the newest instead. */
const maxRunning = 3;

/** The mix of requests, as weights. */
const mix: readonly (readonly [Kind, number])[] = [
  ['result-page', 35],
  ['operation-list', 15],
  ['operation', 10],
  ['plan', 15],
  ['run', 12],
  ['abort', 8],
  ['resume', 5],
];

/**
 * A long-running `promote serve` on SQLite under mixed traffic (issue 17 point 3): `clients`
 * clients each send, one after another, result pages, operation lists and whole operations, dry
 * runs, runs (drafts and active checks, into a destination that already holds part of them; at
 * most `maxRunning` running or queued, beyond that a run aborts the newest instead), aborts of the
 * newest operation and resumes of aborted ones, while the server's resident
 * set size is read from `/proc/<pid>/status` every `sampleMs`. The server is the CLI itself, in a
 * child process; nothing else runs in it.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const bench = benchWorld({ seed: options.seed ?? 1, checks: options.checks, destination: 'mixed' });
  const { sqliteTemplate } = await import('./sqlite-files.js');
  await sqliteTemplate(options.database, bench.world);
  const probe = `${options.database}.probe.jsonl`;
  const server = await startServer(options.database, probe, options.sampleMs);
  const counts: Record<string, number> = {};
  let requests = 0;
  let serverErrors = 0;
  const operations: number[] = [];
  const random = seededRandom(options.seed ?? 1);
  const call = async (kind: Kind, method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${server.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${bench.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    requests += 1;
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (response.status >= 500) serverErrors += 1;
    return response.ok ? (JSON.parse(text) as unknown) : undefined;
  };
  const request = (asDraft: boolean) => ({ ...bench.request, as_draft: asDraft });
  const newest = () => operations.at(-1);

  const pick = (): Kind => {
    let roll = random.next() * mix.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [kind, weight] of mix) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'result-page';
  };

  const once = async (): Promise<void> => {
    const kind = pick();
    const id = operations.length === 0 ? undefined : operations[Math.floor(random.next() * operations.length)];
    switch (kind) {
      case 'run': {
        // A bounded backlog, as people would keep it: runs on one destination queue behind each
        // other, and without this the queue (not a leak) would grow for as long as the soak lasts.
        const running = (await call('operation-list', 'GET', '/api/operations?result=running&page=1&size=1')) as { total: number } | undefined;
        if (running !== undefined && running.total >= maxRunning) {
          if (newest() !== undefined) await call('abort', 'PUT', `/api/operations/abort/${newest()}`);
          return;
        }
        const started = (await call(kind, 'POST', '/api/operations/run', request(random.next() < 0.5))) as { id: number } | undefined;
        if (started !== undefined) operations.push(started.id);
        // Keep the list of known operations short: the traffic stays the same over the whole soak.
        if (operations.length > 50) operations.shift();
        return;
      }
      case 'plan':
        await call(kind, 'POST', '/api/operations/plan', request(random.next() < 0.5));
        return;
      case 'abort':
        if (newest() !== undefined) await call(kind, 'PUT', `/api/operations/abort/${newest()}`);
        return;
      case 'resume':
        if (id !== undefined) await call(kind, 'PUT', `/api/operations/resume/${id}`);
        return;
      case 'operation-list':
        await call(kind, 'GET', `/api/operations?page=${1 + Math.floor(random.next() * 3)}&size=20`);
        return;
      case 'operation':
        if (id !== undefined) await call(kind, 'GET', `/api/operations/${id}`);
        return;
      case 'result-page':
        if (id !== undefined) await call(kind, 'GET', `/api/operations/${id}/quality-checks?page=${1 + Math.floor(random.next() * 20)}&size=50`);
        return;
    }
  };

  const samples: SoakSample[] = [];
  const started = performance.now();
  const deadline = started + options.durationMs;
  const sample = () => {
    const reading = { atMs: Math.round(performance.now() - started), rssMiB: rssMiB(server.process.pid!), heapMiB: latestHeapMiB(probe), requests };
    samples.push(reading);
    options.log?.(`${(reading.atMs / 1000).toFixed(0).padStart(5)} s  RSS ${reading.rssMiB.toFixed(1)} MiB  heap after GC ${reading.heapMiB?.toFixed(1) ?? '–'} MiB  ${reading.requests} requests`);
  };
  sample();
  const sampler = setInterval(sample, options.sampleMs);
  try {
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        const missingKind = () => options.everyKind === true && mix.some(([kind]) => counts[kind] === undefined);
        while (performance.now() < deadline || missingKind()) await once();
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  sample();
  const stderr = await server.stop();

  const warmUp = options.durationMs >= 5 * 60_000 ? 60_000 : 0;
  const steady = samples.filter((reading) => reading.atMs >= warmUp);
  const fifth = Math.max(1, Math.floor(steady.length / 5));
  return {
    durationMs: Math.round(performance.now() - started),
    samples,
    requests: counts,
    serverErrors,
    firstMiB: median(steady.slice(0, fifth).map((reading) => reading.rssMiB)),
    lastMiB: median(steady.slice(-fifth).map((reading) => reading.rssMiB)),
    maxMiB: Math.max(...samples.map((reading) => reading.rssMiB)),
    firstHeapMiB: median(steady.slice(0, fifth).map((reading) => reading.heapMiB ?? 0)),
    lastHeapMiB: median(steady.slice(-fifth).map((reading) => reading.heapMiB ?? 0)),
    stderr,
  };
}

/** RSS of a process in MiB, from `/proc/<pid>/status` (Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${pid}`);
  return kib / 1024;
}

/** The heap of the probe's last line, in MiB, or `undefined` before its first. */
function latestHeapMiB(probe: string): number | undefined {
  if (!existsSync(probe)) return undefined;
  const last = readFileSync(probe, 'utf8').trim().split('\n').at(-1);
  return last === undefined || last === '' ? undefined : (JSON.parse(last) as { heapUsed: number }).heapUsed / 2 ** 20;
}

/** A `promote serve` child process of {@link startServer}. */
export interface ServerProcess {
  readonly process: ChildProcessWithoutNullStreams;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly base: string;
  /** Ends it (SIGTERM) and answers what it printed on stderr. */
  stop(): Promise<string>;
}

/**
 * `promote serve` on `database` in a child process (the CLI from its sources when the bench runs
 * from its own), on a free port; with the soak's memory probe loaded (`soak-probe`) when `probe`
 * names its file.
 */
export async function startServer(database: string, probe?: string, probeMs = 5_000): Promise<ServerProcess> {
  const fromSources = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`../../cli/${fromSources ? 'src/main.ts' : 'dist/main.js'}`, import.meta.url));
  const probeScript = fileURLToPath(new URL(`./soak-probe.${fromSources ? 'ts' : 'js'}`, import.meta.url));
  const args = [...(fromSources ? ['--conditions=source', '--import', 'tsx'] : []), ...(probe === undefined ? [] : ['--expose-gc', '--import', probeScript]), main, 'serve', '--db', database, '--port', '0'];
  const env = probe === undefined ? process.env : { ...process.env, PROMOTE_SOAK_PROBE: probe, PROMOTE_SOAK_PROBE_MS: String(Math.max(200, Math.floor(probeMs / 2))) };
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = await new Promise<string>((resolve, reject) => {
    // Once it listens, the rest of stdout is its log lines (a line per request): read and dropped,
    // not kept for the whole soak.
    let stdout: string | undefined = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout === undefined) return;
      stdout += chunk;
      const listening = /Listening on (http:\/\/\S+)/.exec(stdout);
      if (listening?.[1] !== undefined) {
        resolve(listening[1].replace(/\/$/, ''));
        stdout = undefined;
      }
    });
    child.once('exit', (code) => reject(new Error(`promote serve exited with ${String(code)} before listening: ${stderr}${stdout ?? ''}`)));
  });
  return {
    process: child,
    base,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return stderr;
    },
  };
}
