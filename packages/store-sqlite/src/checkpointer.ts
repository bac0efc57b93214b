import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies a WAL file's committed pages into the database from a thread of its own (decision 0904).
 *
 * SQLite checkpoints on the connection that commits, inside the commit that takes the WAL past
 * `wal_autocheckpoint` pages: with the default of 1,000 pages every few commits of a long promotion
 * also wrote and synced 4 MB, 10–20 ms more than the commit itself, on the event loop. A `PASSIVE`
 * checkpoint on another connection runs beside the writer without blocking it, so this thread does
 * them instead. It starts once the store has written {@link checkpointEveryRows} rows (`wrote`):
 * then it checkpoints every {@link activeDelayMs} for as long as the WAL grows, and every
 * {@link idleDelayMs} otherwise (other processes' writes, what is left). A short burst of writes (a
 * 10,000-check draft) sees no checkpoint beside it: checkpoints every 50 ms from the first write
 * made that ≈ 10 % slower than SQLite's own few. Beside writes a passive checkpoint never quite
 * catches up, and SQLite starts a WAL over only once it is wholly checkpointed: so every
 * {@link catchUpEveryRows} rows this thread checkpoints the rest while the store's next write
 * waits for it ({@link Checkpointer.beforeWrite}), and starts the WAL over itself (a write of
 * nothing), so that the fsync of the new WAL header is not in the store's next commit; a periodic
 * checkpoint that copies everything is followed by such a catch-up too. The store's own connection keeps a higher
 * `wal_autocheckpoint` ({@link inlineCheckpointPages}) as a bound should this thread fall behind,
 * and SQLite's default again should it fail.
 */
export interface Checkpointer {
  /** Tells the thread that `rows` more rows were written (inserted, updated or deleted). */
  wrote(rows: number): void;
  /**
   * Asked before each write transaction of the store: while a catch-up is under way, a promise that
   * settles when it is done (or after {@link catchUpTimeoutMs}); otherwise `undefined`. Once
   * {@link catchUpEveryRows} rows were written since the last one, {@link wrote} starts a catch-up:
   * the thread checkpoints the whole WAL while the engine works between two commits, and the
   * store's next write waits for it, off the event loop. With none of the store's writes beside it
   * the checkpoint copies everything (a write of another process still can), and SQLite starts the
   * WAL over at that write: the WAL then never reaches the store's own `wal_autocheckpoint`, whose
   * checkpoint inside a commit was 20–97 ms of one synchronous step. Every write asked while one
   * catch-up is under way gets the same promise, so they stay in the order they were asked.
   */
  beforeWrite(): Promise<void> | undefined;
  /** Ends the thread after its current checkpoint and closes its connection. */
  stop(): Promise<void>;
}

/** Rows written (about 15–20 MB of WAL in a promotion: four rows per check) that make the thread active. */
export const checkpointEveryRows = 50_000;
/** Rows written between two catch-ups ({@link Checkpointer.beforeWrite}): 15–20 MB of WAL, well below {@link inlineCheckpointPages}. */
export const catchUpEveryRows = 50_000;
/** How long a write waits for a catch-up at most: a thread that does not answer does not hold writes back. */
export const catchUpTimeoutMs = 1_000;
/** Milliseconds between checkpoints while active. */
export const activeDelayMs = 50;
/** The longest wait between two checkpoints of the thread. */
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
let active = false;
let last = '';
let timer;
const checkpoint = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    return row;
  } catch {
    // Busy or failing: the store's own connection still checkpoints past its bound.
    return undefined;
  }
};
const stateOf = (row) => (row === undefined ? last : row.log + '/' + row.checkpointed);
// A WAL wholly checkpointed starts over at the next write, which first writes the WAL's header and
// syncs it: an fsync on the connection that writes, 1-8 ms (more beside the checkpoint's own
// writeback) inside one of the store's commits, on the event loop. A write of nothing here (the
// header's user_version, set to what it is) makes this thread's connection the one that starts it
// over, while the store's next write waits for the catch-up anyway. Busy (another process
// writing) or failing: that write starts it over, as before.
// data_version right after this thread started the WAL over; undefined once another connection wrote since.
let startedOverAt;
const dataVersion = () => db.pragma('data_version', { simple: true });
const startOver = () => {
  try {
    db.exec('begin immediate');
  } catch {
    return;
  }
  try {
    db.pragma('user_version = ' + Number(db.pragma('user_version', { simple: true })));
    db.exec('commit');
    startedOverAt = dataVersion();
  } catch {
    if (db.inTransaction) db.exec('rollback');
  }
};
const wholly = (row) => row !== undefined && row.log > 0 && row.log === row.checkpointed;
const tick = () => {
  // Nothing written since this thread started the WAL over: its own frame stays uncopied, so that
  // the store's next write goes on after it instead of starting the WAL over itself.
  const untouched = startedOverAt !== undefined && dataVersion() === startedOverAt;
  if (!untouched) startedOverAt = undefined;
  const row = untouched ? undefined : checkpoint();
  const state = stateOf(row);
  // Copied everything new: the store's next write would start the WAL over. The store decides
  // whether to hold its writes back for a catch-up, which starts it over here (writing now could
  // meet one of its commits, which would then wait for this thread's lock on the event loop).
  if (wholly(row) && state !== last) parentPort.postMessage({ wholly: true });
  // Active until the WAL stops growing between two checkpoints.
  if (state === last) active = false;
  last = state;
  timer = setTimeout(tick, active ? workerData.activeDelayMs : workerData.idleDelayMs);
};
timer = setTimeout(tick, workerData.idleDelayMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    if (!active) {
      active = true;
      clearTimeout(timer);
      tick();
    }
    return;
  }
  if (typeof message === 'object' && message !== null && message.type === 'catch-up') {
    // The store's next write waits for this answer (its id: a late answer to a catch-up that
    // timed out settles nothing else).
    const row = checkpoint();
    if (wholly(row)) startOver();
    last = stateOf(row);
    parentPort.postMessage({ caughtUp: message.id });
    return;
  }
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/** How often the thread checkpoints: {@link activeDelayMs} and {@link idleDelayMs} unless a test says otherwise. */
export interface CheckpointDelays {
  readonly activeDelayMs: number;
  readonly idleDelayMs: number;
  /** How long a write waits for a catch-up at most; {@link catchUpTimeoutMs} by default. */
  readonly catchUpTimeoutMs?: number;
}

/**
 * Starts a {@link Checkpointer} on the database file `filename` (in WAL mode already). `onLost` is
 * called once should the thread fail or end before `stop()` (it could not open the file, load
 * better-sqlite3, or start at all): the store then checkpoints on its own connection again, as
 * SQLite does by default. Never throws.
 */
export function startCheckpointer(filename: string, onLost: (cause: unknown) => void, delays: CheckpointDelays = { activeDelayMs, idleDelayMs }): Checkpointer {
  let worker: Worker;
  try {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(threadCode, { eval: true, workerData: { module, filename, ...delays } });
  } catch (cause) {
    onLost(cause);
    return { wrote: () => undefined, beforeWrite: () => undefined, stop: () => Promise.resolve() };
  }
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
  let written = 0;
  let sinceCatchUp = 0;
  /** The catch-up under way: its id, the promise writes wait for, and what settles it. */
  let catchUp: { readonly id: number; readonly done: Promise<void>; readonly settle: () => void } | undefined;
  let catchUps = 0;
  worker.on('message', (message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    if ('caughtUp' in message && message.caughtUp === catchUp?.id) catchUp?.settle();
    // The thread's own checkpoint copied the whole WAL: the store's next write would start it over
    // and sync its new header on the event loop. A catch-up makes the thread do it while that write
    // waits (only after the store wrote since the last one: an idle store writes nothing).
    if ('wholly' in message && catchUp === undefined && sinceCatchUp > 0 && !exited && !asked && !lost) {
      sinceCatchUp = 0;
      startCatchUp();
    }
  });
  // Never what keeps a process alive, and never what fails it. After the listeners: adding a
  // 'message' listener references the thread's port again (a store left open kept its process).
  worker.unref();
  void exit.then(() => catchUp?.settle());
  const startCatchUp = () => {
    const id = ++catchUps;
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(() => settle(), delays.catchUpTimeoutMs ?? catchUpTimeoutMs);
      settle = () => {
        clearTimeout(timer);
        if (catchUp?.id === id) catchUp = undefined;
        resolve();
      };
    });
    catchUp = { id, done, settle };
    worker.postMessage({ type: 'catch-up', id });
  };
  return {
    wrote(rows) {
      written += rows;
      sinceCatchUp += rows;
      if (exited || asked || lost) return;
      if (written >= checkpointEveryRows) {
        written = 0;
        worker.postMessage('checkpoint');
      }
      if (sinceCatchUp >= catchUpEveryRows && catchUp === undefined) {
        sinceCatchUp = 0;
        startCatchUp();
      }
    },
    beforeWrite: () => catchUp?.done,
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
