import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { World } from '@promote/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { openSqliteStore } from './index.js';

const world: World = {
  users: [{ id: 1, email: 'admin@example.com', role: 'admin', token: 't' }],
  teams: [{ id: 4, name: 'editors', members: [1], permissions: { 1: 'editor' } }],
  datastores: [{ id: 1, name: 'warehouse', store_type: 'jdbc' }],
  containers: [
    {
      id: 7,
      datastore_id: 1,
      name: 'orders',
      container_type: 'table',
      description: '',
      tags: [],
      additional_metadata: {},
      deleted_at: null,
      profiled: true,
    },
  ],
  fields: [{ id: 3, container_id: 7, name: 'id', type: 'integral', status: 'active' }],
  quality_checks: [],
  computed_fields: [],
  lineage: [],
};

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-store-sqlite-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const migrationNames = (filename: string) => {
  const handle = new BetterSqlite3(filename, { readonly: true });
  try {
    return handle.prepare('select name from kysely_migration order by name').pluck().all();
  } finally {
    handle.close();
  }
};

describe('openSqliteStore', () => {
  test('migrations run on open, and running them again on reopen is harmless', async () => {
    const filename = join(directory, 'promote.db');
    const first = await openSqliteStore({ filename });
    await first.importWorld(world);
    await first.close();
    assert.deepEqual(migrationNames(filename), ['0001_initial']);

    const second = await openSqliteStore({ filename });
    assert.deepEqual(await second.exportWorld(), world);
    // The id rule survives reopening: sqlite_sequence is part of the file.
    assert.deepEqual(await second.applyEdits([{ kind: 'create_field', value: { container_id: 7, name: 'b', type: 'string', status: 'active' } }]), [4]);
    await second.close();
    assert.deepEqual(migrationNames(filename), ['0001_initial']);
  });

  test('two opens of one new file in one process both succeed and share the data', async () => {
    const filename = join(directory, 'promote.db');
    const [left, right] = await Promise.all([openSqliteStore({ filename }), openSqliteStore({ filename })]);
    await left.importWorld(world);
    assert.deepEqual(await right.exportWorld(), world);
    await Promise.all([left.close(), right.close()]);
    assert.deepEqual(migrationNames(filename), ['0001_initial']);
  });

  test('a file database is in WAL mode', async () => {
    const filename = join(directory, 'promote.db');
    const store = await openSqliteStore({ filename });
    const handle = new BetterSqlite3(filename);
    try {
      assert.equal(handle.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      handle.close();
      await store.close();
    }
  });

  test('a handle passed in is migrated, used, and not closed by close()', async () => {
    const handle = new BetterSqlite3(':memory:');
    const store = await openSqliteStore({ database: handle });
    await store.importWorld(world);
    await store.close();
    assert.equal(handle.open, true);
    assert.equal(handle.prepare('select count(*) from users').pluck().get(), 1);
    // The data is the handle's: a new store over it sees it.
    const again = await openSqliteStore({ database: handle });
    assert.deepEqual(await again.exportWorld(), world);
    await again.close();
    handle.close();
  });

  test('a closed handle is refused', async () => {
    const handle = new BetterSqlite3(':memory:');
    handle.close();
    await assert.rejects(openSqliteStore({ database: handle }), /closed/);
  });

  test('close() is idempotent, and every later call rejects with a clear error', async () => {
    const store = await openSqliteStore({ filename: ':memory:' });
    await store.importWorld(world);
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await assert.rejects(store.listDatastores(), /The SQLite store is closed/);
    await assert.rejects(store.findUser({ id: 1 }), /closed/);
    await assert.rejects(store.commit([]), /closed/);
    await assert.rejects(store.leases.tryAcquire('container:7', 'a', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), /closed/);
  });

  test('calls made before close() finish before the handle is closed', async () => {
    const store = await openSqliteStore({ filename: ':memory:' });
    const importing = store.importWorld(world);
    const exporting = store.exportWorld();
    await store.close();
    await importing;
    assert.deepEqual(await exporting, world);
  });

  test('a database migrated by a newer version is refused, and left as it was', async () => {
    const filename = join(directory, 'promote.db');
    await (await openSqliteStore({ filename })).close();
    const handle = new BetterSqlite3(filename);
    handle.prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00Z')").run();
    handle.close();
    await assert.rejects(openSqliteStore({ filename }), /Migrating the SQLite store failed/);
    assert.deepEqual(migrationNames(filename), ['0001_initial', '9999_future']);
  });
});
