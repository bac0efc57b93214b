import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { EntityType, ResultPosition } from '@promote/core';
import { holdsSurrogate, kindOf, nothing, prepareRenderStatements, renderFrom, renderResultRange, renderResultViews, renderSql, type StampedResultViews } from './render-result-views.js';

/**
 * Threads of the store's own that write result views as JSON (`renderResultViews`,
 * `renderResultRange`) on read-only connections of their own, beside the event loop (decision
 * 0908). Writing the 10,000 views of a whole operation is ≈ 25 ms of SQLite's work on this
 * machine: on the store's connection that is 25 ms in which the process answers nothing else and
 * the store runs no other call; on a thread the event loop goes on, and two requests are written
 * on two cores at once.
 *
 * A thread runs the very functions the store's connection does (their source text, see
 * render-result-views.ts) on a connection opened read-only on the same WAL file, so it writes the
 * same bytes from the same snapshot rules: a read transaction sees every commit that ended before
 * it began, which is every commit the caller awaited.
 */
export interface RenderThreads {
  /**
   * A page of views as `renderResultViews` answers it, written by a thread — or by `onConnection`
   * (the store's connection) when no thread is ready (they start at the first call), when the page
   * is smaller than {@link RenderThreadsOptions.smallest}, or when its thread is lost before it
   * answers.
   */
  views(operationId: number, after: ResultPosition | undefined, limit: number, onConnection: () => Promise<StampedResultViews | undefined>): Promise<StampedResultViews | undefined>;
  /** A seq range of views as `renderResultRange` answers it, written by a thread or by `onConnection` as for {@link views}. */
  range(operationId: number, entityType: EntityType, from: number, count: number, onConnection: () => Promise<Uint8Array | undefined>): Promise<Uint8Array | undefined>;
  /** Starts the threads now, settling once every one is ready or lost. */
  start(): Promise<void>;
  /** Ends the threads once they answered what they were asked, closing their connections. */
  stop(): Promise<void>;
}

/** What a thread is asked (with an `id` its answer repeats). */
type Request =
  | { readonly kind: 'views'; readonly operationId: number; readonly after: ResultPosition | undefined; readonly limit: number }
  | { readonly kind: 'range'; readonly operationId: number; readonly entityType: EntityType; readonly from: number; readonly count: number };

/** What a thread answers: `ready` once its statements are prepared and tried, then one answer per request. */
type Answer = 'ready' | { readonly id: number; readonly value: unknown } | { readonly id: number; readonly error: { readonly message: string; readonly code: unknown } };

/**
 * The thread's code, evaluated (`eval: true`) so that it runs the same from the TypeScript sources
 * under test and from the built package: the render functions' own text, better-sqlite3 by the
 * path the store's package resolves, the SQL as the store's connection prepares it.
 */
const threadCode = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const kindOf = ${JSON.stringify(kindOf)};
const nothing = { json: new Uint8Array(0), count: 0, last: undefined };
${prepareRenderStatements.toString()}
${holdsSurrogate.toString()}
${renderFrom.toString()}
${renderResultViews.toString()}
${renderResultRange.toString()}
const db = new Database(workerData.filename, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const statements = prepareRenderStatements(db, workerData.sql);
const views = db.transaction((operationId, after, limit) => renderResultViews(statements, operationId, after, limit));
// Tried once before 'ready': code that cannot run here (a build that renamed what these
// functions refer to) fails the thread's start, and its work stays with the store's connection.
views(-1, undefined, 1);
renderResultRange(statements, -1, 'quality_check', 0, 1);
// Its own buffer, handed over rather than copied (a Buffer may be a view of a larger one).
const own = (bytes) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes));
parentPort.on('message', (request) => {
  if (request === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    if (request.kind === 'views') {
      const page = views(request.operationId, request.after, request.limit);
      if (page === undefined) return parentPort.postMessage({ id: request.id, value: undefined });
      const json = own(page.json);
      parentPort.postMessage({ id: request.id, value: page.generation === undefined ? { json, count: page.count, last: page.last } : { json, count: page.count, last: page.last, generation: page.generation, processed: page.processed } }, [json.buffer]);
    } else {
      const range = renderResultRange(statements, request.operationId, request.entityType, request.from, request.count);
      if (range === undefined) return parentPort.postMessage({ id: request.id, value: undefined });
      const json = own(range);
      parentPort.postMessage({ id: request.id, value: json }, [json.buffer]);
    }
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: { message: error instanceof Error ? error.message : String(error), code: error?.code } });
  }
});
parentPort.postMessage('ready');
`;

/**
 * Default of {@link RenderThreadsOptions} `smallest`: the fewest views a thread writes. A smaller
 * page — a result page of the Activity page, 50 by default — is written on the store's connection:
 * through a thread its answer needs two turns of the event loop instead of one, and on a server
 * busy with a long promotion each turn waits for the step under way (reads every 50 ms during a
 * million-check promotion had a p99 of 36–40 ms through threads against 20–22 ms without).
 */
export const defaultThreadedViews = 200;

/** Options of {@link startRenderThreads}. */
export interface RenderThreadsOptions {
  /** The database file (in WAL mode already), as this process resolves it. */
  readonly filename: string;
  /** How many threads; at least 1. */
  readonly count: number;
  /** The busy timeout of their connections (a reader waits only while the WAL is being recovered). */
  readonly busyTimeoutMs: number;
  /** The fewest views a thread writes (a page `limit`, a range `count`); default {@link defaultThreadedViews}. */
  readonly smallest?: number | undefined;
  /** Given each thread as it starts (tests end one to see its work go elsewhere). */
  readonly onSpawn?: ((worker: Worker) => void) | undefined;
  /** Told for each thread that fails or ends before `stop()`: its requests and the later ones go to the other threads or the store's connection. MUST NOT throw. */
  readonly onThreadLost: (cause: unknown) => void;
}

interface Thread {
  readonly worker: Worker;
  ready: boolean;
  lost: boolean;
  /** Requests asked and not answered, by id; `redo` writes one elsewhere should the thread be lost. */
  readonly pending: Map<number, { readonly resolve: (value: unknown) => void; readonly reject: (error: Error) => void; readonly redo: () => void }>;
  readonly exited: Promise<void>;
  readonly settled: Promise<void>;
}

/**
 * {@link RenderThreads} on `filename`, started by the first request (which the caller writes
 * itself meanwhile) or by `start()`. Never throws: a thread that cannot start is told to
 * `onThreadLost` and its work stays with the store's connection.
 */
export function startRenderThreads(options: RenderThreadsOptions): RenderThreads {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const smallest = options.smallest ?? defaultThreadedViews;
  let threads: Thread[] | undefined;
  let stopping: Promise<void> | undefined;
  let requests = 0;

  const spawn = (): Thread | undefined => {
    let worker: Worker;
    try {
      worker = new Worker(threadCode, { eval: true, workerData: { module, filename: options.filename, busyTimeoutMs: options.busyTimeoutMs, sql: renderSql } });
    } catch (cause) {
      options.onThreadLost(cause);
      return undefined;
    }
    options.onSpawn?.(worker);
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const thread: Thread = {
      worker,
      ready: false,
      lost: false,
      pending: new Map(),
      settled,
      exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    };
    const lose = (cause: unknown) => {
      if (thread.lost) return;
      thread.lost = true;
      thread.ready = false;
      settle();
      if (stopping === undefined) options.onThreadLost(cause);
      // What it owed is written again, by another thread or the store's connection.
      const owed = [...thread.pending.values()];
      thread.pending.clear();
      for (const request of owed) request.redo();
    };
    worker.on('message', (answer: Answer) => {
      if (answer === 'ready') {
        thread.ready = !thread.lost;
        if (thread.pending.size === 0) worker.unref();
        settle();
        return;
      }
      const request = thread.pending.get(answer.id);
      if (request === undefined) return;
      thread.pending.delete(answer.id);
      if (thread.pending.size === 0) worker.unref();
      if ('error' in answer) request.reject(Object.assign(new Error(`a render thread of the SQLite store: ${answer.error.message}`), { code: answer.error.code }));
      else request.resolve(answer.value);
    });
    worker.on('error', lose);
    void thread.exited.then(() => lose(new Error('the render thread ended')));
    // Referenced until it is ready (a `start()` awaits that), then only while it owes an answer:
    // never what keeps a process alive while idle. (Adding a 'message' listener references the
    // thread's port again, so the first `unref` comes after the listeners.)
    return thread;
  };

  const started = (): Thread[] => (threads ??= Array.from({ length: options.count }, spawn).filter((thread): thread is Thread => thread !== undefined));

  /** The ready thread with the fewest requests under way, or `undefined` (starting them if they are not). */
  const pick = (): Thread | undefined => {
    if (stopping !== undefined) return undefined;
    let best: Thread | undefined;
    for (const thread of started()) if (thread.ready && (best === undefined || thread.pending.size < best.pending.size)) best = thread;
    return best;
  };

  /** `request` written by the ready thread with the fewest requests under way, else by `onConnection`. */
  const threaded = <T>(size: number, request: Request, onConnection: () => Promise<T>): Promise<T> => {
    const thread = size < smallest ? undefined : pick();
    if (thread === undefined) return onConnection();
    return new Promise<T>((resolve, reject) => {
      const id = ++requests;
      const redo = () => threaded(size, request, onConnection).then(resolve, reject);
      thread.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, redo });
      // Referenced while it owes an answer: a process awaiting one must not exit under it.
      thread.worker.ref();
      thread.worker.postMessage({ ...request, id });
    });
  };

  return {
    views: (operationId, after, limit, onConnection) => threaded(limit, { kind: 'views', operationId, after, limit }, onConnection),
    range: (operationId, entityType, from, count, onConnection) => threaded(count, { kind: 'range', operationId, entityType, from, count }, onConnection),
    async start() {
      if (stopping !== undefined) return;
      await Promise.all(started().map((thread) => thread.settled));
    },
    stop() {
      stopping ??= Promise.all(
        (threads ?? []).map((thread) => {
          if (thread.lost) return thread.exited;
          // After the requests under way: a thread answers its messages in order.
          thread.worker.ref();
          thread.worker.postMessage('stop');
          return thread.exited;
        }),
      ).then(() => undefined);
      return stopping;
    },
  };
}
