import { mkdtempSync, rmSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkpointEveryRows, startCheckpointer } from './checkpointer.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-checkpointer-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

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
    const filename = join(directory, 'promote.db');
    const writer = new BetterSqlite3(filename);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('create table t (x text)');
    const insert = writer.prepare('insert into t (x) values (?)');
    writer.transaction(() => {
      for (let index = 0; index < 500; index++) insert.run('x'.repeat(2_000));
    })();
    const checkpointer = startCheckpointer(filename, () => undefined, { activeDelayMs: 50, idleDelayMs: 600_000 });
    try {
      const start = statSync(filename).size;
      checkpointer.wrote(checkpointEveryRows - 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(statSync(filename).size, 'no checkpoint below the threshold').toBe(start);
      checkpointer.wrote(1);
      const until = Date.now() + 20_000;
      while (statSync(filename).size === start && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statSync(filename).size).toBeGreaterThan(start + 500_000);
    } finally {
      await checkpointer.stop();
      writer.close();
    }
  });
});
