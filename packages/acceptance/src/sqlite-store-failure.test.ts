import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, type Store } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { qcRequest, smallWorld } from './fixtures.js';
import { admin } from './support.js';

const directories: string[] = [];
afterEach(() => directories.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true })));

describe('a store error in the middle of a run (§9), on a real database', () => {
  test('another connection holding the write lock too long: failure with a clear message, what was recorded stays, the database is consistent', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'promote-locked-'));
    directories.push(directory);
    const filename = join(directory, 'locked.sqlite');
    const world = smallWorld(Array.from({ length: 30 }, (_, index) => ({ id: index + 1, description: `check ${index + 1}` })));
    const opened = await openSqliteStore({ filename, busyTimeoutMs: 50 });
    await opened.importWorld(world);

    const other = new BetterSqlite3(filename);
    let commits = 0;
    const store: Store = new Proxy(opened, {
      get(target, key, receiver) {
        if (key !== 'commit') return Reflect.get(target, key, receiver) as unknown;
        return async (...args: Parameters<Store['commit']>) => {
          const rows = await target.commit(...args);
          if (++commits === 1) {
            // Another process takes the write lock and keeps it for longer than the busy timeout.
            other.exec('BEGIN IMMEDIATE');
            setTimeout(() => other.exec('COMMIT'), 400);
          }
          return rows;
        };
      },
    });
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), commitBatchSize: 10 });
    const started = (await promoter.run(admin, qcRequest()))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    other.close();

    const operation = (await promoter.getOperation(admin, started.id))._unsafeUnwrap();
    expect(operation.result).toBe('failure');
    expect(operation.message).toMatch(/^Store failure: .*database is locked/);
    expect(operation.status).toEqual({ total: 30, created: 10, updated: 0, skipped: 0, failed: 0 });
    const destination = await opened.listChecks(20);
    expect(destination.map((check) => check.id).sort()).toEqual(operation.results.map((result) => result.destination_entity_id).sort());
    expect(new BetterSqlite3(filename).pragma('integrity_check', { simple: true })).toBe('ok');

    // The failed operation can be resumed once the database is free again.
    (await promoter.resume(admin, started.id))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    expect((await promoter.getOperation(admin, started.id))._unsafeUnwrap()).toMatchObject({ result: 'success', status: { total: 30, created: 30 } });
    await opened.close();
  });
});
