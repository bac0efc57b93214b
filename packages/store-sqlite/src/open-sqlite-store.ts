import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { guardStore } from '@promote/core';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type SqliteDatabase } from 'kysely';
import { defaultCheckpointPages, inlineCheckpointPages, startCheckpointer, type Checkpointer } from './checkpointer.js';
import { sqliteStoreMigrationProvider } from './migrations.js';
import { startRenderThreads, type RenderThreads } from './render-threads.js';
import type { Database } from './schema.js';
import { defaultViewCacheBytes } from './kept-views.js';
import { createSqliteStore, type SqliteStore } from './sqlite-store.js';

/** Default of {@link SqliteStoreOptions} `busyTimeoutMs`: how long a write waits for another process. */
export const defaultBusyTimeoutMs = 10_000;

/** Default of {@link SqliteStoreOptions} `renderThreads`: two, or one on a machine of one core. */
export const defaultRenderThreads = Math.min(2, availableParallelism());

/** The most render threads a store starts. */
export const maxRenderThreads = 16;

/**
 * Where {@link openSqliteStore} keeps its data: a database file it opens (and closes), or a
 * better-sqlite3 handle the caller opened (and closes).
 */
export type SqliteStoreOptions = ViewCacheOption &
  (
  | {
      /** A file path (created if missing; its directory must exist), or `':memory:'`. */
      readonly filename: string;
      /**
       * Milliseconds a statement waits for another connection's write lock before failing with
       * `SQLITE_BUSY`. Default {@link defaultBusyTimeoutMs} (10 s).
       */
      readonly busyTimeoutMs?: number | undefined;
      /**
       * Whether a thread of the store's own checkpoints the WAL into the file beside the writes
       * (decision 0904), so that no commit on the event loop also does. Default `true`; ignored for
       * `':memory:'`.
       */
      readonly backgroundCheckpoints?: boolean | undefined;
      /**
       * Told once should the checkpoint thread fail or end on its own (it could not open the file,
       * for one): the store goes on, checkpointing on its own connection as SQLite does by default.
       */
      readonly onCheckpointThreadLost?: ((cause: unknown) => void) | undefined;
      /**
       * How many threads of the store's own write large pages of result views as JSON — a whole
       * operation's pages of 1,000; see `renderThreadsFrom` — on read-only connections of their
       * own, beside the event loop (decision 0908). Default {@link defaultRenderThreads}; `0` writes
       * every page on the store's connection. They start at the first such read, which the store's
       * connection answers meanwhile (or at open: `renderThreadsAtOpen`). A whole number from 0 to
       * {@link maxRenderThreads}; ignored for `':memory:'`.
       */
      readonly renderThreads?: number | undefined;
      /**
       * The fewest views a render thread writes (a page's limit, a range's count); smaller pages are
       * written on the store's connection, in one turn of the event loop. Default 200 (a result page
       * of 50 stays on the connection, a whole operation's pages of 1,000 go to the threads).
       */
      readonly renderThreadsFrom?: number | undefined;
      /** Whether the render threads start at open — the promise resolves once they are ready — rather than at the first read. Default `false`. */
      readonly renderThreadsAtOpen?: boolean | undefined;
      /**
       * Told for each render thread that fails or ends on its own: what it was writing and every
       * later page are written by the other threads or the store's connection. MUST NOT throw.
       */
      readonly onRenderThreadLost?: ((cause: unknown) => void) | undefined;
    }
  | {
      /**
       * An open handle. The store uses it as it is configured (it sets no pragma on it: choose WAL,
       * `foreign_keys` and `busy_timeout` yourself) and `close()` leaves it open.
       */
      readonly database: BetterSqlite3.Database;
    }
  );

/** The option both kinds of {@link SqliteStoreOptions} take. */
export interface ViewCacheOption {
  /**
   * The most bytes of result views the store keeps in the database (`rendered_views`, decision
   * 0910), so that reading a finished operation again — `GET /api/operations/{id}`, the Activity
   * page's polls — copies stored text instead of writing every view anew. A kept page is answered
   * only while nothing it shows has changed (triggers count every change of an entity's details,
   * by any connection). Keeping a page is a small write after the first read, which never waits
   * for another connection's lock. An operation whose views would take more than half of the budget
   * is not kept (≈ 75,000 results with the default); a store in memory or on a read-only handle
   * keeps none. Default {@link defaultViewCacheBytes} (64 MiB); `0` keeps none. A whole number of 0
   * or more.
   */
  readonly viewCacheBytes?: number | undefined;
}

/**
 * Opens the Store port on SQLite, bringing the schema up to date first (embedded kysely
 * migrations, run inside one `BEGIN IMMEDIATE` transaction, so two processes opening the same new
 * file migrate it once). It is async because kysely's `Migrator` is; every store method is usable
 * as soon as the promise resolves. It rejects, closing what it opened, when the file cannot be
 * opened or was migrated by a newer version of this package.
 *
 * A file database is put in WAL mode (readers never wait for the writer) with
 * `synchronous = NORMAL` (a killed process loses nothing committed; a power cut may lose the last
 * transactions, never half of one), `foreign_keys = ON`, and a busy timeout, so that processes
 * sharing the file queue for the write lock instead of failing. Its checkpoints run on a thread of
 * the store's own (`backgroundCheckpoints`), which `close()` ends.
 *
 * @example
 * ```ts
 * const store = await openSqliteStore({ filename: 'promote.db' });
 * if (await store.isEmpty()) await store.importWorld(world);
 * // … run the engine on `store` …
 * await store.close();
 * ```
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const ownsHandle = 'filename' in options;
  const handle = ownsHandle ? new BetterSqlite3(options.filename) : options.database;
  if (!handle.open) throw new Error('openSqliteStore was given a closed better-sqlite3 handle');
  let checkpointer: Checkpointer | undefined;
  let renderThreads: RenderThreads | undefined;
  const threads = ownsHandle ? (options.renderThreads ?? defaultRenderThreads) : 0;
  if (!Number.isInteger(threads) || threads < 0 || threads > maxRenderThreads) {
    if (ownsHandle) handle.close();
    throw new RangeError(`openSqliteStore: renderThreads must be a whole number from 0 to ${maxRenderThreads}, not ${String(threads)}`);
  }
  const from = ownsHandle ? options.renderThreadsFrom : undefined;
  if (from !== undefined && (!Number.isSafeInteger(from) || from < 1)) {
    if (ownsHandle) handle.close();
    throw new RangeError(`openSqliteStore: renderThreadsFrom must be a whole number from 1, not ${String(from)}`);
  }
  const viewCacheBytes = options.viewCacheBytes ?? defaultViewCacheBytes;
  if (!Number.isSafeInteger(viewCacheBytes) || viewCacheBytes < 0) {
    if (ownsHandle) handle.close();
    throw new RangeError(`openSqliteStore: viewCacheBytes must be a whole number of 0 or more, not ${String(options.viewCacheBytes)}`);
  }
  try {
    if (ownsHandle) configure(handle, options.busyTimeoutMs ?? defaultBusyTimeoutMs);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparingOnce(handle) }) });
    await migrateInTurn(handle, db);
    if (ownsHandle && !handle.memory && options.backgroundCheckpoints !== false) {
      handle.pragma(`wal_autocheckpoint = ${inlineCheckpointPages}`);
      // The path as this process resolves it now: the thread opens the same file whatever the cwd later.
      checkpointer = startCheckpointer(resolve(options.filename), (cause) => {
        // Without the thread, commits checkpoint 4 MB at a time again rather than 64 MB.
        if (handle.open) handle.pragma(`wal_autocheckpoint = ${defaultCheckpointPages}`);
        options.onCheckpointThreadLost?.(cause);
      });
    }
    if (ownsHandle && !handle.memory && threads > 0) {
      const onThreadLost = options.onRenderThreadLost ?? (() => undefined);
      renderThreads = startRenderThreads({ filename: resolve(options.filename), count: threads, busyTimeoutMs: options.busyTimeoutMs ?? defaultBusyTimeoutMs, smallest: options.renderThreadsFrom, onThreadLost });
      if (options.renderThreadsAtOpen === true) await renderThreads.start();
    }
    // Handed out under the store runtime, as the engine uses every store.
    return guardStore(
      createSqliteStore({ handle, db, ownsHandle, beforeClose: checkpointer?.stop, afterWrite: checkpointer === undefined ? undefined : rowsWritten(handle, checkpointer), beforeWrite: checkpointer?.beforeWrite, renderThreads, viewCacheBytes }),
    ) as SqliteStore;
  } catch (error) {
    await renderThreads?.stop();
    await checkpointer?.stop();
    if (ownsHandle) handle.close();
    throw error;
  }
}

/** After each write transaction: tells `checkpointer` how many rows the connection wrote since the last one (`total_changes()`). */
function rowsWritten(handle: BetterSqlite3.Database, checkpointer: Checkpointer): () => void {
  const totalChanges = handle.prepare('select total_changes()').pluck();
  let last = 0;
  return () => {
    const now = totalChanges.get() as number;
    checkpointer.wrote(now - last);
    last = now;
  };
}

/** Distinct SQL texts whose prepared statements {@link preparingOnce} keeps. */
const cachedStatements = 256;

/**
 * The handle as kysely sees it, with each SQL text prepared once: kysely prepares every query it
 * runs, which was a tenth of the time of an HTTP read of a result page (docs/performance.md). Every
 * query kysely builds here binds its values as parameters, so the texts are few; the oldest
 * statement is dropped past {@link cachedStatements}. kysely runs a statement to completion (`all`,
 * `run`) before the next one, so sharing it is safe.
 */
function preparingOnce(handle: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => handle.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = handle.prepare(sql);
        if (statements.size >= cachedStatements) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

function configure(handle: BetterSqlite3.Database, busyTimeoutMs: number): void {
  // First, so that switching to WAL also waits for a process that holds the file.
  handle.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  if (!handle.memory) {
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
  }
  handle.pragma('foreign_keys = ON');
}

/** The migrations of this process, one after the other (see {@link migrateInTurn}). */
let migrations: Promise<unknown> = Promise.resolve();

/**
 * Runs {@link migrate} after every migration this process started before. Two opens of one file in
 * one process would otherwise deadlock: the second `BEGIN IMMEDIATE` blocks the thread (busy
 * timeout) while the first migration, which must continue on that same thread, holds the lock.
 */
function migrateInTurn(handle: BetterSqlite3.Database, db: Kysely<Database>): Promise<void> {
  const run = migrations.then(() => migrate(handle, db));
  migrations = run.catch(() => undefined);
  return run;
}

/**
 * Runs the pending migrations. kysely's own migration transaction would start with a plain
 * `BEGIN`, which lets two processes both read "not migrated" and then fail to upgrade to a write
 * lock; holding `BEGIN IMMEDIATE` around the whole run makes the second one wait and then find
 * nothing to do.
 */
async function migrate(handle: BetterSqlite3.Database, db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: sqliteStoreMigrationProvider, disableTransactions: true });
  handle.exec('begin immediate');
  try {
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw new Error('Migrating the SQLite store failed', { cause: error });
    handle.exec('commit');
  } catch (error) {
    if (handle.inTransaction) handle.exec('rollback');
    throw error;
  }
}
