import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies a WAL file's committed pages into the database from a thread of its own (decision 0904).
 *
 * SQLite checkpoints on the connection that commits, inside the commit that takes the WAL past
 * `wal_autocheckpoint` pages: with the default of 1,000 pages every few commits of a long promotion
 * also wrote and synced 4 MB, 10–20 ms more than the commit itself, on the event loop. A `PASSIVE`
 * checkpoint on another connection runs beside the writer without blocking it, so this thread does
 * them instead, every {@link activeDelayMs} while the WAL grows and less and less often (up to
 * {@link idleDelayMs}) while it does not. The store's own connection keeps a higher
 * `wal_autocheckpoint` ({@link inlineCheckpointPages}) as a bound should this thread fall behind,
 * and SQLite's default again should it fail.
 */
export interface Checkpointer {
  /** Ends the thread after its current checkpoint and closes its connection. */
  stop(): Promise<void>;
}

/** Milliseconds between checkpoints while they find new pages. */
export const activeDelayMs = 50;
/** The longest wait between checkpoints while the WAL does not grow. */
export const idleDelayMs = 2_000;
/** `wal_autocheckpoint` of the store's own connection while a {@link Checkpointer} runs (64 MB of pages). */
export const inlineCheckpointPages = 16_000;
/** SQLite's own `wal_autocheckpoint`, put back when the thread is lost. */
export const defaultCheckpointPages = 1_000;

/**
 * The thread's code. Evaluated (`eval: true`), so that it runs the same from the TypeScript
 * sources under test and from the built package; better-sqlite3 comes by the path the store's
 * package resolves.
 */
const threadCode = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('busy_timeout = 0');
let delay = workerData.activeDelayMs;
let last = '';
let timer;
const tick = () => {
  let state = last;
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    state = row.log + '/' + row.checkpointed;
  } catch {
    // Busy or failing: the store's own connection still checkpoints past its bound.
  }
  delay = state === last ? Math.min(workerData.idleDelayMs, delay * 2) : workerData.activeDelayMs;
  last = state;
  timer = setTimeout(tick, delay);
};
timer = setTimeout(tick, delay);
parentPort.once('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Starts a {@link Checkpointer} on the database file `filename` (in WAL mode already). `onLost` is
 * called once should the thread fail or end before `stop()` (it could not open the file, load
 * better-sqlite3, or start at all): the store then checkpoints on its own connection again, as
 * SQLite does by default. Never throws.
 */
export function startCheckpointer(filename: string, onLost: (cause: unknown) => void): Checkpointer {
  let worker: Worker;
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(threadCode, { eval: true, workerData: { module, filename, activeDelayMs, idleDelayMs } });
  } catch (cause) {
    onLost(cause);
    return { stop: () => Promise.resolve() };
  }
  // Never what keeps a process alive, and never what fails it.
  worker.unref();
  let exited = false;
  let asked = false;
  let lost = false;
  const lose = (cause: unknown) => {
    if (asked || lost) return;
    lost = true;
    onLost(cause);
  };
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      exited = true;
      lose(new Error(`the checkpoint thread ended with code ${code}`));
      resolve();
    });
  });
  worker.on('error', lose);
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      // Referenced again while it ends: a process awaiting `close()` must not exit with its await
      // unsettled because the only thing left is an unreferenced thread.
      asked = true;
      stopping ??= exited
        ? Promise.resolve()
        : (worker.ref(), worker.postMessage('stop'), exit);
      return stopping;
    },
  };
}
