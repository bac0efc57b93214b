import assert from 'node:assert/strict';
import { guardStore, type World } from '@promote/core';
import { createTestDatabase } from '@promote/test-postgres';
import { operationInput } from '@promote/testkit';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, test } from 'vitest';
import { columnTypes } from './column-types.js';
import { migrationLockClass, openPostgresStore, postgresStoreMigrations } from './index.js';

const allMigrations = Object.keys(postgresStoreMigrations).sort();
const connectionString = await createTestDatabase('open-postgres-store');

const admin = new pg.Pool({ connectionString, max: 2 });
afterAll(() => admin.end());

let schemas = 0;
const newSchema = () => `open_${(schemas += 1)}`;

const world: World = {
  users: [{ id: 1, email: 'Admin@Example.com', role: 'admin', token: 't' }],
  teams: [{ id: 4, name: 'editors', members: [1], permissions: { 1: 'editor' } }],
  datastores: [{ id: 1, name: 'warehouse', store_type: 'jdbc' }],
  containers: [
    { id: 7, datastore_id: 1, name: 'orders', container_type: 'table', description: '', tags: [], additional_metadata: {}, deleted_at: null, profiled: true },
  ],
  fields: [{ id: 3, container_id: 7, name: 'id', type: 'integral', status: 'active' }],
  quality_checks: [],
  computed_fields: [],
  lineage: [],
};

const migrationNames = async (schema: string): Promise<string[]> =>
  (await admin.query<{ name: string }>(`select name from ${pg.escapeIdentifier(schema)}.kysely_migration order by name`)).rows.map((row) => row.name);

describe('openPostgresStore', () => {
  test('migrations run on open, and running them again on reopen is harmless; data and the id rule survive', async () => {
    const schema = newSchema();
    const first = await openPostgresStore({ connectionString, schema });
    await first.importWorld(world);
    await first.close();
    assert.deepEqual(await migrationNames(schema), allMigrations);

    const second = await openPostgresStore({ connectionString, schema });
    assert.deepEqual(await second.exportWorld(), world);
    // The id counters are rows of the schema: the next field id follows the imported one.
    assert.deepEqual(await second.applyEdits([{ kind: 'create_field', value: { container_id: 7, name: 'b', type: 'string', status: 'active' } }]), [4]);
    await second.close();
    assert.deepEqual(await migrationNames(schema), allMigrations);
  });

  test('several instances opening one new database at the same moment migrate it once, and all of them work on it', async () => {
    // A database of its own: nothing exists yet, not even kysely's tables.
    const fresh = await createTestDatabase('concurrent-migration');
    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore({ connectionString: fresh })));
    try {
      const check = new pg.Client({ connectionString: fresh });
      await check.connect();
      try {
        const { rows } = await check.query<{ name: string }>('select name from public.kysely_migration order by name');
        assert.deepEqual(rows.map((row) => row.name), allMigrations);
        const { rows: counters } = await check.query<{ kinds: string }>('select count(*)::text as kinds from public.id_counters');
        assert.equal(counters[0]?.kinds, '7', 'the counters were inserted once');
      } finally {
        await check.end();
      }
      // One of them imports; every one sees it, and a second import is refused.
      const imports = await Promise.allSettled(stores.map((store) => store.importWorld(world)));
      assert.equal(imports.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      for (const store of stores) assert.deepEqual(await store.exportWorld(), world);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  test('an open waits for the migration lock another instance holds, and gives up after migrationLockTimeoutMs', async () => {
    const schema = newSchema();
    const holder = new pg.Client({ connectionString });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1::int4, hashtext($2::text))', [migrationLockClass, schema]);
      await assert.rejects(openPostgresStore({ connectionString, schema, migrationLockTimeoutMs: 200 }), /lock timeout/);
      const opening = openPostgresStore({ connectionString, schema });
      let opened = false;
      void opening.then(() => (opened = true), () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(opened, false, 'still waiting for the lock');
      assert.deepEqual((await admin.query('select 1 from pg_namespace where nspname = $1', [schema])).rows, [], 'nothing was created while waiting');
      await holder.query('select pg_advisory_unlock($1::int4, hashtext($2::text))', [migrationLockClass, schema]);
      const store = await opening;
      assert.equal(await store.isEmpty(), true);
      await store.close();
    } finally {
      await holder.end();
    }
  });

  test('stores in two schemas of one database are independent, each with its own ids', async () => {
    const [left, right] = await Promise.all([openPostgresStore({ connectionString, schema: newSchema() }), openPostgresStore({ connectionString, schema: newSchema() })]);
    try {
      await left.importWorld(world);
      assert.equal(await right.isEmpty(), true);
      await right.importWorld({ ...world, fields: [] });
      assert.deepEqual(await left.applyEdits([{ kind: 'create_field', value: { container_id: 7, name: 'b', type: 'string', status: 'active' } }]), [4]);
      assert.deepEqual(await right.applyEdits([{ kind: 'create_field', value: { container_id: 7, name: 'b', type: 'string', status: 'active' } }]), [1]);
    } finally {
      await Promise.all([left.close(), right.close()]);
    }
  });

  test('ids past 2^31 are kept, and the next one follows them', async () => {
    const store = await openPostgresStore({ connectionString, schema: newSchema() });
    try {
      const big = 2 ** 40;
      await store.importWorld({ ...world, fields: [{ id: big, container_id: 7, name: 'id', type: 'integral', status: 'active' }] });
      assert.equal((await store.listFields(7))[0]?.id, big);
      assert.deepEqual(await store.applyEdits([{ kind: 'create_field', value: { container_id: 7, name: 'b', type: 'string', status: 'active' } }]), [big + 1]);
    } finally {
      await store.close();
    }
  });

  test('a schema migrated by a newer version is refused, and left as it was', async () => {
    const schema = newSchema();
    await (await openPostgresStore({ connectionString, schema })).close();
    await admin.query(`insert into ${pg.escapeIdentifier(schema)}.kysely_migration (name, timestamp) values ('9999_future', '2030-01-01T00:00:00Z')`);
    await assert.rejects(openPostgresStore({ connectionString, schema }), /Migrating the PostgreSQL store \(schema open_\d+\) failed/);
    assert.deepEqual(await migrationNames(schema), [...allMigrations, '9999_future']);
  });

  test('checkReady says what is wrong with a schema that changed under an open store: a newer migration, a missing one, no migrations table', async () => {
    const schema = newSchema();
    const store = await openPostgresStore({ connectionString, schema });
    const table = `${pg.escapeIdentifier(schema)}.kysely_migration`;
    try {
      await store.checkReady();
      await admin.query(`insert into ${table} (name, timestamp) values ('9999_future', '2030-01-01T00:00:00Z')`);
      await assert.rejects(store.checkReady(), { message: `schema ${schema} was migrated by a newer version (9999_future)` });
      await admin.query(`delete from ${table}`);
      await assert.rejects(store.checkReady(), { message: `schema ${schema} is not migrated (${allMigrations.join(', ')} pending)` });
      await admin.query(`drop table ${table}`);
      await assert.rejects(store.checkReady(), { message: `schema ${schema} is not migrated (it has no kysely_migration table)` });
    } finally {
      await store.close();
    }
  });

  test('a migration that fails leaves nothing behind: the next open starts from scratch', async () => {
    const schema = newSchema();
    // A table in the way of the first migration: its `create table` fails.
    await admin.query(`create schema ${pg.escapeIdentifier(schema)}; create table ${pg.escapeIdentifier(schema)}.operations (x int)`);
    await assert.rejects(openPostgresStore({ connectionString, schema }), /Migrating the PostgreSQL store/);
    const tables = await admin.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = $1 and table_name not like 'kysely%' order by 1`, [schema]);
    assert.deepEqual(tables.rows.map((row) => row.name), ['operations'], 'the transaction of the migration was rolled back');
    await admin.query(`drop table ${pg.escapeIdentifier(schema)}.operations`);
    await (await openPostgresStore({ connectionString, schema })).close();
    assert.deepEqual(await migrationNames(schema), allMigrations);
  });

  test('a server that refuses the connection, or the credentials, makes open reject', async () => {
    const url = new URL(connectionString);
    const wrongPassword = new URL(url);
    wrongPassword.password = 'not-the-password';
    await assert.rejects(openPostgresStore({ connectionString: wrongPassword.toString() }), /password authentication failed/);
    const closedPort = new URL(url);
    closedPort.port = '1';
    await assert.rejects(openPostgresStore({ connectionString: closedPort.toString(), connectTimeoutMs: 2_000 }), /ECONNREFUSED/);
  });

  test('close() is idempotent, calls made before it finish first, and later calls reject (under the store runtime)', async () => {
    const store = guardStore(await openPostgresStore({ connectionString, schema: newSchema() }));
    const importing = store.importWorld(world);
    const exporting = store.exportWorld();
    await Promise.all([store.close(), store.close()]);
    await importing;
    const exported = await exporting;
    assert.ok(exported.users.length === 0 || exported.users.length === 1, 'a snapshot from before or after the import');
    await assert.rejects(store.listDatastores(), /The store is closed/);
    await assert.rejects(store.leases!.tryAcquire('container:7', 'a', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z'), /closed/);
  });

  test('0003 keys the results of an existing schema by (operation_id, seq, id): their rows and reading order survive', async () => {
    const schema = newSchema();
    const store = await openPostgresStore({ connectionString, schema });
    await store.importWorld(world);
    const { id: operationId } = await store.createOperation({
      ...operationInput(),
      datastore: { id: 1, name: 'warehouse' },
      destination_datastore: { id: 1, name: 'warehouse' },
      container: null,
      destination_container: null,
      status: { total: 3, created: 0, updated: 0, skipped: 0, failed: 0 },
      request: { type: 'promote_quality_check', datastore_id: 1, container_id: 7, destination_container_id: 7, as_draft: true },
      selection: [30, 20, 10],
      destination_scope: 'container:7',
    });
    // Seqs out of id order, so that the key's order shows.
    await store.commit([2, 0, 1].map((seq) => ({ operation_id: operationId, seq, entity_type: 'quality_check', source_entity_id: 10 + seq, result: 'failed', destination_entity_id: null, destination_scope_id: 7, message: 'gone', changes: null, before: null, search_text: `check ${seq}` })));
    const before = (await store.listResults(operationId)).items;
    await store.close();
    // The schema as 0002 left it: keyed by id, with its reading order in an index of its own.
    const table = `${pg.escapeIdentifier(schema)}.results`;
    await admin.query(`alter table ${table} drop constraint results_pkey; alter table ${table} add constraint results_pkey primary key (id); create index results_operation_seq on ${table} (operation_id, seq, id)`);
    await admin.query(`delete from ${pg.escapeIdentifier(schema)}.kysely_migration where name = '0003_results_keyed_by_order'`);

    const reopened = await openPostgresStore({ connectionString, schema });
    assert.deepEqual(await migrationNames(schema), allMigrations);
    assert.deepEqual((await reopened.listResults(operationId)).items, before);
    assert.deepEqual(before.map((result) => result.seq), [0, 1, 2]);
    await reopened.close();
    const { rows } = await admin.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 and tablename = 'results' order by indexname`, [schema]);
    assert.deepEqual(
      rows.map((row) => row.indexdef.replace(/ ON \S+/, ' ON results')),
      [
        'CREATE INDEX results_operation_outcome ON results USING btree (operation_id, result, seq, id) WHERE (result <> \'skipped\'::text)',
        'CREATE UNIQUE INDEX results_operation_source ON results USING btree (operation_id, source_entity_id)',
        'CREATE UNIQUE INDEX results_pkey ON results USING btree (operation_id, seq, id)',
      ],
    );
  });

  test('the column types that bulk inserts cast to are those the migrations made', async () => {
    const schema = newSchema();
    await (await openPostgresStore({ connectionString, schema })).close();
    const actual = (await tableColumns(schema)).filter((column) => !column.startsWith('kysely_'));
    const declared = Object.entries(columnTypes).flatMap(([table, columns]) => Object.entries(columns).map(([column, type]) => `${table}.${column} ${type}`));
    assert.deepEqual([...actual].sort(), [...declared].sort());
  });

  test('the schema-only introspection leads kysely’s Migrator to the same tables as its stock introspection does', async () => {
    const schema = newSchema();
    await (await openPostgresStore({ connectionString, schema })).close();
    const ours = await tableColumns(schema);
    // The same migrations through a plain kysely Migrator on a plain dialect give the same tables.
    const other = newSchema();
    const pool = new pg.Pool({ connectionString, max: 1, options: `-c search_path=${other}` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => ({ ...postgresStoreMigrations }) }, migrationTableSchema: other }).migrateToLatest();
      assert.equal(error, undefined);
    } finally {
      await db.destroy();
    }
    assert.deepEqual(await tableColumns(other), ours);
    assert.ok(ours.some((column) => column === 'scope_leases.expires_at_ms bigint'));
  });
});

async function tableColumns(schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ column: string }>(
    `select table_name || '.' || column_name || ' ' || data_type as column from information_schema.columns where table_schema = $1 order by table_name, ordinal_position`,
    [schema],
  );
  return rows.map((row) => row.column);
}
