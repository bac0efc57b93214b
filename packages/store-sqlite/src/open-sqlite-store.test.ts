import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardStore, type World } from '@promote/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { openSqliteStore, sqliteStoreMigrations } from './index.js';

const allMigrations = Object.keys(sqliteStoreMigrations).sort();

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
    assert.deepEqual(migrationNames(filename), allMigrations);

    const second = await openSqliteStore({ filename });
    assert.deepEqual(await second.exportWorld(), world);
    // The id rule survives reopening: sqlite_sequence is part of the file.
    assert.deepEqual(await second.applyEdits([{ kind: 'create_field', value: { container_id: 7, name: 'b', type: 'string', status: 'active' } }]), [4]);
    await second.close();
    assert.deepEqual(migrationNames(filename), allMigrations);
  });

  test('two opens of one new file in one process both succeed and share the data', async () => {
    const filename = join(directory, 'promote.db');
    const [left, right] = await Promise.all([openSqliteStore({ filename }), openSqliteStore({ filename })]);
    await left.importWorld(world);
    assert.deepEqual(await right.exportWorld(), world);
    await Promise.all([left.close(), right.close()]);
    assert.deepEqual(migrationNames(filename), allMigrations);
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

  describe('checkpoints on a thread of their own (decision 0904)', () => {
    /** Writes about 1 MB into the WAL: fewer pages than SQLite's own checkpoint waits for (1,000). */
    const writeSome = async (store: Awaited<ReturnType<typeof openSqliteStore>>) => {
      await store.importWorld(world);
      const text = 'x'.repeat(2_000);
      await store.applyEdits(Array.from({ length: 400 }, (_, index) => ({ kind: 'create_field' as const, value: { container_id: 7, name: `${text}${index}`, type: 'string' as const, status: 'active' as const } })));
    };
    /**
     * The database file's size (the pages in it, not those still in the WAL), polled for `ms` or
     * until `enough(start, size)`: by default any change. A checkpoint writes the file page after
     * page, so a slow machine shows it part-way through.
     */
    const fileSizeAfter = async (filename: string, ms: number, enough = (start: number, size: number) => size !== start) => {
      const start = statSync(filename).size;
      const until = Date.now() + ms;
      while (Date.now() < until && !enough(start, statSync(filename).size)) await new Promise((resolve) => setTimeout(resolve, 20));
      return { start, end: statSync(filename).size };
    };

    test('committed pages reach the database file without a checkpoint on the store\'s connection', async () => {
      const filename = join(directory, 'promote.db');
      const store = await openSqliteStore({ filename });
      try {
        await writeSome(store);
        const { start, end } = await fileSizeAfter(filename, 6_000, (first, size) => size > first + 500_000);
        assert.ok(end > start + 500_000, `the file grew from ${start} to ${end} bytes`);
      } finally {
        await store.close();
      }
    });

    test('without the thread (backgroundCheckpoints: false) they stay in the WAL until SQLite checkpoints', async () => {
      const filename = join(directory, 'promote.db');
      const store = await openSqliteStore({ filename, backgroundCheckpoints: false });
      try {
        await writeSome(store);
        const { start, end } = await fileSizeAfter(filename, 500);
        assert.equal(end, start);
      } finally {
        await store.close();
      }
    });

    test('close() ends the thread: the last connection closed removes the WAL', async () => {
      const filename = join(directory, 'promote.db');
      const store = await openSqliteStore({ filename });
      await writeSome(store);
      assert.ok(existsSync(`${filename}-wal`));
      await store.close();
      assert.equal(existsSync(`${filename}-wal`), false);
    });
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

  test('close() is idempotent, and every later call rejects with a clear error (under the store runtime, as the engine uses it)', async () => {
    const store = guardStore(await openSqliteStore({ filename: ':memory:' }));
    await store.importWorld(world);
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await assert.rejects(store.listDatastores(), /The store is closed/);
    await assert.rejects(store.findUser({ id: 1 }), /closed/);
    await assert.rejects(store.commit([]), /closed/);
    await assert.rejects(store.leases!.tryAcquire('container:7', 'a', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), /closed/);
  });

  test('calls made before close() finish before the handle is closed', async () => {
    const store = await openSqliteStore({ filename: ':memory:' });
    const importing = store.importWorld(world);
    const exporting = store.exportWorld();
    await store.close();
    await importing;
    assert.deepEqual(await exporting, world);
  });

  test('0002 rebuilds results and lineage without AUTOINCREMENT (and the result-filter index without skipped results), keeping every row, its id and the lineage order', async () => {
    const filename = join(directory, 'promote.db');
    // A file as the first release left it: only 0001, with results and lineage rows in it.
    const handle = new BetterSqlite3(filename);
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: handle }) });
    const only0001 = { getMigrations: () => Promise.resolve({ '0001_initial': sqliteStoreMigrations['0001_initial']! }) };
    assert.equal((await new Migrator({ db, provider: only0001 }).migrateToLatest()).error, undefined);
    handle.exec(`
      insert into operations (id, promote_type, result, start_time, triggered_by, datastore_id, datastore_name, destination_datastore_id, destination_datastore_name,
        total, created, updated, skipped, failed, request, selection, destination_scope)
        values (3, 'quality_check', 'success', '2026-01-01T00:00:00Z', 'admin@example.com', 1, 'warehouse', 1, 'warehouse', 2, 0, 0, 2, 0, '{}', '[10,11]', 'container:7');
      insert into results (id, operation_id, seq, entity_type, source_entity_id, result, destination_entity_id, search_text)
        values (4, 3, 0, 'quality_check', 10, 'skipped', 20, 'a'), (9, 3, 1, 'quality_check', 11, 'skipped', 21, 'b');
      insert into lineage (seq, entity_type, source_entity_id, destination_scope_id, destination_entity_id)
        values (2, 'quality_check', 10, 7, 30), (5, 'quality_check', 10, 7, 20);
    `);
    await db.destroy();
    handle.close();

    const store = await openSqliteStore({ filename });
    assert.deepEqual(migrationNames(filename), allMigrations);
    assert.deepEqual((await store.listResults(3)).items.map((result) => [result.id, result.source_entity_id]), [[4, 10], [9, 11]]);
    // 0005 moved the selection out of the operation's row.
    assert.deepEqual((await store.getOperation(3))?.selection, [10, 11]);
    assert.deepEqual((await store.findLineage('quality_check', 7, [10])).map((link) => link.destination_entity_id), [20, 30]);
    // New rows take the next ids, after the copied ones.
    const [recorded] = await store.commit([
      { operation_id: 3, seq: 2, entity_type: 'quality_check', source_entity_id: 12, result: 'failed', destination_entity_id: null, destination_scope_id: 7, message: 'x', changes: null, before: null, search_text: '' },
    ]);
    assert.equal(recorded?.id, 10);
    await store.close();
    const check = new BetterSqlite3(filename, { readonly: true });
    const definitions = check.prepare("select name, sql from sqlite_master where name in ('results', 'lineage', 'results_next', 'lineage_next') order by name").all() as { name: string; sql: string }[];
    const indexes = check.prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'results' and sql is not null order by name").all() as { name: string; sql: string }[];
    check.close();
    assert.deepEqual(definitions.map((table) => table.name), ['lineage', 'results']);
    for (const table of definitions) assert.doesNotMatch(table.sql, /autoincrement/i);
    assert.deepEqual(indexes.map((index) => index.name), ['results_operation_outcome', 'results_operation_seq']);
    assert.match(indexes[0]!.sql, /where "result" <> 'skipped'/i);
  });

  test('0007 rebuilds quality_checks and computed_fields with a stored summary, keeping every row, its id, the id rule and the indexes', async () => {
    const filename = join(directory, 'promote.db');
    // A file as 0006 left it, with checks and computed fields, the highest of each deleted.
    const handle = new BetterSqlite3(filename);
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: handle }) });
    const upTo0006 = { getMigrations: () => Promise.resolve(Object.fromEntries(Object.entries(sqliteStoreMigrations).filter(([name]) => name < '0007'))) };
    assert.equal((await new Migrator({ db, provider: upTo0006 }).migrateToLatest()).error, undefined);
    handle.exec(`
      insert into datastores (id, name, store_type) values (1, 'warehouse', 'jdbc');
      insert into containers (id, datastore_id, name, container_type, description, tags, additional_metadata, profiled) values (7, 1, 'orders', 'table', '', '[]', '{}', 1);
      insert into quality_checks (container_id, rule_type, description, fields, properties, tags, additional_metadata, status, inferred, created_at, updated_at)
        values (7, 'not_null', 'a "quoted"' || char(10) || 'description', '["id"]', '{}', '[]', '{}', 'active', 0, 't', 't'),
               (7, 'not_null', 'ünï', '["id"]', '{}', '[]', '{}', 'draft', 0, 't', 't'),
               (7, 'not_null', 'gone', '["id"]', '{}', '[]', '{}', 'active', 0, 't', 't');
      insert into computed_fields (container_id, name, transformation, source_fields, properties, description, tags, additional_metadata, status)
        values (7, 'f' || char(9) || '1', 'cast', '["id"]', '{}', '', '[]', '{}', 'active'), (7, 'gone', 'cast', '["id"]', '{}', '', '[]', '{}', 'active');
      delete from quality_checks where id = 3;
      delete from computed_fields where id = 2;
    `);
    await db.destroy();
    handle.close();
    const [c1, c2, c3, f1, f2] = [1, 2, 3, 1, 2];
    const check = (description: string, status: string) => ({
      kind: 'create_check' as const,
      value: { container_id: 7, rule_type: 'not_null' as const, description, fields: ['id'], coverage: null, filter: null, properties: {}, tags: [], additional_metadata: {}, status: status as 'active', inferred: false, created_at: 't', updated_at: 't' },
    });
    const field = (name: string) => ({
      kind: 'create_computed_field' as const,
      value: { container_id: 7, name, transformation: 'cast' as const, source_fields: ['id'], properties: {}, description: '', tags: [], additional_metadata: {}, status: 'active' as const },
    });
    // The summary column is the new schema's: the older one has none.
    const probe = new BetterSqlite3(filename, { readonly: true });
    assert.equal(probe.prepare("select count(*) from pragma_table_xinfo('quality_checks') where name = 'summary'").pluck().get(), 0);
    const before = probe.prepare('select * from quality_checks').all();
    const fieldsBefore = probe.prepare('select * from computed_fields').all();
    probe.close();

    const store = await openSqliteStore({ filename });
    assert.deepEqual(migrationNames(filename), allMigrations);
    const copied = new BetterSqlite3(filename, { readonly: true });
    const columnsOf = (table: string) => (copied.prepare(`select name from pragma_table_info('${table}')`).pluck().all() as string[]).map((name) => `"${name}"`).join(', ');
    assert.deepEqual(copied.prepare(`select ${columnsOf('quality_checks')} from quality_checks`).all(), before);
    assert.deepEqual(copied.prepare(`select ${columnsOf('computed_fields')} from computed_fields`).all(), fieldsBefore);
    copied.close();
    // New rows take ids above the deleted highest, as before the rebuild.
    const [c4, f3] = await store.applyEdits([check('new', 'active'), field('new')]);
    assert.equal(c4, c3! + 1);
    assert.equal(f3, f2! + 1);
    await store.applyEdits([{ kind: 'update_check', value: { ...(await store.getChecks([c2!]))[0]!, status: 'archived' } }]);
    await store.close();

    const after = new BetterSqlite3(filename, { readonly: true });
    const summaries = (table: string) => (after.prepare(`select "summary" from "${table}" order by "id"`).pluck().all() as string[]).map((text) => JSON.parse(text) as unknown);
    assert.deepEqual(summaries('quality_checks'), [
      { id: c1, description: 'a "quoted"\ndescription', rule_type: 'not_null', status: 'active' },
      { id: c2, description: 'ünï', rule_type: 'not_null', status: 'archived' },
      { id: c4, description: 'new', rule_type: 'not_null', status: 'active' },
    ]);
    assert.deepEqual(summaries('computed_fields'), [
      { id: f1, name: 'f\t1', transformation: 'cast', status: 'active' },
      { id: f3, name: 'new', transformation: 'cast', status: 'active' },
    ]);
    const tables = after.prepare("select name from sqlite_master where type = 'table' and name like '%_next'").pluck().all();
    const indexes = after.prepare("select name from sqlite_master where type = 'index' and tbl_name in ('quality_checks', 'computed_fields') and sql is not null order by name").pluck().all();
    const foreignKeys = after.prepare("select * from pragma_foreign_key_list('quality_checks') union all select * from pragma_foreign_key_list('computed_fields')").all() as { table: string; from: string; on_delete: string }[];
    after.close();
    assert.deepEqual(tables, []);
    assert.deepEqual(indexes, ['computed_fields_container', 'quality_checks_container']);
    assert.deepEqual(foreignKeys.map((key) => [key.table, key.from, key.on_delete]), [['containers', 'container_id', 'CASCADE'], ['containers', 'container_id', 'CASCADE']]);
  });

  test('a database migrated by a newer version is refused, and left as it was', async () => {
    const filename = join(directory, 'promote.db');
    await (await openSqliteStore({ filename })).close();
    const handle = new BetterSqlite3(filename);
    handle.prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00Z')").run();
    handle.close();
    await assert.rejects(openSqliteStore({ filename }), /Migrating the SQLite store failed/);
    assert.deepEqual(migrationNames(filename), [...allMigrations, '9999_future']);
  });
});
