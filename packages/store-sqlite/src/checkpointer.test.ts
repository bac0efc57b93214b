import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { catchUpEveryRows, checkpointEveryRows, startCheckpointer } from './checkpointer.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-checkpointer-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A database file in WAL mode that never checkpoints by itself, with a table to write 2 kB rows into. */
function walFile() {
  const filename = join(directory, 'promote.db');
  const writer = new BetterSqlite3(filename);
  writer.pragma('journal_mode = WAL');
  writer.pragma('wal_autocheckpoint = 0');
  writer.exec('create table t (x text)');
  const insert = writer.prepare('insert into t (x) values (?)');
  const write = (rows: number) =>
    writer.transaction(() => {
      for (let index = 0; index < rows; index++) insert.run('x'.repeat(2_000));
    })();
  return { filename, writer, write };
}

describe('the checkpoint thread (decision 0904)', () => {
  test('a thread that cannot open its file is reported lost, once, and stop() still resolves', async () => {
    const causes: unknown[] = [];
    let reported: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (reported = resolve));
    const checkpointer = startCheckpointer(join(directory, 'missing.db'), (cause) => {
      causes.push(cause);
      reported();
    });
    await lost;
    await checkpointer.stop();
    // Once, though the thread both fails and exits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(causes).toHaveLength(1);
    expect(causes[0]).toBeDefined();
  });

  test('a thread stopped on request is not reported lost', async () => {
    const causes: unknown[] = [];
    const checkpointer = startCheckpointer(join(directory, 'missing.db'), (cause) => causes.push(cause));
    await checkpointer.stop();
    expect(causes).toEqual([]);
  });

  test('it checkpoints once told of enough rows written, not before (its idle period made longer than the test)', async () => {
    const { filename, writer, write } = walFile();
    write(500);
    const checkpointer = startCheckpointer(filename, () => undefined, { activeDelayMs: 50, idleDelayMs: 600_000 });
    try {
      const start = statSync(filename).size;
      checkpointer.wrote(checkpointEveryRows - 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(statSync(filename).size, 'no checkpoint below the threshold').toBe(start);
      checkpointer.wrote(1);
      const until = Date.now() + 20_000;
      // The file grows while the checkpoint copies its pages: waited for until it holds them, not
      // only until it first grows (a loaded run saw 487 KB of the 500 rows' pages copied then).
      while (statSync(filename).size <= start + 500_000 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statSync(filename).size).toBeGreaterThan(start + 500_000);
    } finally {
      await checkpointer.stop();
      writer.close();
    }
  });

  test('every catchUpEveryRows rows, a write waits for the thread to checkpoint the whole WAL, and the write after it starts the WAL over', async () => {
    const { filename, writer, write } = walFile();
    // Frames in the WAL, as a checkpoint of nothing new tells them (the writer's own: nothing to copy past what the thread did).
    const framesInWal = () => (writer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? -1;
    // None of its timers fires during the test: what it checkpoints, it does on being asked, and
    // a catch-up is settled by its answer (or the test times out).
    const checkpointer = startCheckpointer(filename, () => undefined, { activeDelayMs: 600_000, idleDelayMs: 600_000, catchUpTimeoutMs: 600_000 });
    try {
      // Made active (it then ignores the cue to start, which would checkpoint by itself), and caught up once.
      checkpointer.wrote(Math.max(checkpointEveryRows, catchUpEveryRows));
      await checkpointer.beforeWrite();
      write(500);
      writer.pragma('user_version = 7');
      checkpointer.wrote(catchUpEveryRows - 1);
      expect(checkpointer.beforeWrite(), 'nothing to wait for below the threshold').toBeUndefined();
      checkpointer.wrote(1);
      const caughtUp = checkpointer.beforeWrite();
      expect(caughtUp).toBeInstanceOf(Promise);
      await caughtUp;
      expect(checkpointer.beforeWrite(), 'counted again from nothing').toBeUndefined();
      // Wholly checkpointed, the WAL was started over by the thread before the store's next write
      // (whose commit would otherwise write and sync the new header): a frame or two, not the 500 rows'.
      expect(framesInWal()).toBeGreaterThan(0);
      expect(framesInWal()).toBeLessThan(3);
      expect(writer.pragma('user_version', { simple: true }), 'the write of nothing changed nothing').toBe(7);
      write(1);
      expect(framesInWal()).toBeLessThan(10);
    } finally {
      await checkpointer.stop();
      writer.close();
    }
  });

  test('when a periodic checkpoint copies the whole WAL, the thread starts it over while the store waits, and writes nothing more while nothing else does', async () => {
    const { filename, writer, write } = walFile();
    // Another connection's commit moves the writer's data_version: the thread's write of nothing.
    const dataVersion = () => writer.pragma('data_version', { simple: true }) as number;
    // The WAL header's salts, read from the file (no checkpoint): new ones each time the WAL starts over.
    const salts = () => readFileSync(`${filename}-wal`).subarray(16, 24).toString('hex');
    const checkpointer = startCheckpointer(filename, () => undefined, { activeDelayMs: 20, idleDelayMs: 20, catchUpTimeoutMs: 600_000 });
    try {
      write(200);
      // Below catchUpEveryRows: no catch-up of the row count's.
      checkpointer.wrote(200);
      const before = dataVersion();
      const first = salts();
      const deadline = Date.now() + 10_000;
      while (dataVersion() === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(dataVersion(), 'the thread wrote').not.toBe(before);
      await checkpointer.beforeWrite();
      expect(salts(), 'the thread started the WAL over').not.toBe(first);
      // Idle: ten ticks later the thread has written nothing more, and left its frame uncopied, so
      // that the next write goes on after it rather than starting the WAL over (and syncing it) again.
      const started = dataVersion();
      const restarted = salts();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(dataVersion()).toBe(started);
      expect(checkpointer.beforeWrite()).toBeUndefined();
      write(1);
      expect(salts(), "the writer's next write went on in the thread's WAL").toBe(restarted);
    } finally {
      await checkpointer.stop();
      writer.close();
    }
  });

  test('without its thread, nothing is waited for', async () => {
    let reported: () => void = () => undefined;
    const lost = new Promise<void>((resolve) => (reported = resolve));
    const checkpointer = startCheckpointer(join(directory, 'missing.db'), () => reported());
    await lost;
    checkpointer.wrote(catchUpEveryRows);
    expect(checkpointer.beforeWrite()).toBeUndefined();
    await checkpointer.stop();
  });
});
