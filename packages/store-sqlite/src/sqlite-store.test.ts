import assert from 'node:assert/strict';
import { guardStore, type CommitUnit, type Container, type OperationRecord, type QualityCheck, type Store, type World } from '@promote/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { openSqliteStore } from './index.js';

const table = (id: number, datastoreId: number, overrides: Partial<Container> = {}): Container =>
  ({
    id,
    datastore_id: datastoreId,
    name: `table ${id}`,
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
    ...overrides,
  }) as Container;

const checkValue = (containerId: number, overrides: Partial<Omit<QualityCheck, 'id'>> = {}): Omit<QualityCheck, 'id'> => ({
  container_id: containerId,
  rule_type: 'not_null',
  description: 'Identifier is present',
  fields: ['id'],
  coverage: null,
  filter: null,
  properties: {},
  tags: [],
  additional_metadata: {},
  status: 'active',
  inferred: false,
  created_at: '2026-03-10T14:30:00Z',
  updated_at: '2026-03-10T14:30:00Z',
  ...overrides,
});

/** Source container 10 (datastore 1) with checks 20 and 21; destination container 11 (datastore 2) with check 30. */
const world: World = {
  users: [
    { id: 1, email: 'Admin@Example.com', role: 'admin' },
    { id: 2, email: 'ünï@example.com', role: 'member', token: 'secret' },
  ],
  teams: [
    { id: 1, name: 'b', members: [2, 1], permissions: { 2: 'viewer', 1: 'editor' } },
    { id: 2, name: 'a', members: [1], permissions: {} },
  ],
  datastores: [
    { id: 1, name: 'warehouse', store_type: 'jdbc' },
    { id: 2, name: 'staging', store_type: 'jdbc' },
  ],
  containers: [
    table(10, 1),
    table(11, 2),
    table(12, 2, { container_type: 'file_pattern' }),
    {
      ...table(13, 2),
      container_type: 'computed_file',
      source_container_id: 12,
      select_clause: '*',
      where_clause: null,
      group_by_clause: null,
    },
  ],
  fields: [
    { id: 1, container_id: 10, name: 'id', type: 'integral', status: 'active' },
    { id: 2, container_id: 11, name: 'id', type: 'integral', status: 'active' },
  ],
  quality_checks: [
    { ...checkValue(10), id: 20 },
    { ...checkValue(10, { rule_type: 'unique' }), id: 21 },
    { ...checkValue(11), id: 30 },
  ],
  computed_fields: [],
  lineage: [
    { entity_type: 'quality_check', source_entity_id: 20, destination_scope_id: 11, destination_entity_id: 30 },
    { entity_type: 'quality_check', source_entity_id: 21, destination_scope_id: 11, destination_entity_id: 30 },
  ],
};

const operationInput = (overrides: Partial<Omit<OperationRecord, 'id'>> = {}): Omit<OperationRecord, 'id'> => ({
  promote_type: 'quality_check',
  result: 'running',
  start_time: '2026-03-10T14:30:00Z',
  end_time: null,
  triggered_by: 'admin@example.com',
  aborted_by: null,
  message: null,
  datastore: { id: 1, name: 'warehouse' },
  destination_datastore: { id: 2, name: 'staging' },
  container: { id: 10, name: 'table 10' },
  destination_container: { id: 11, name: 'table 11' },
  as_draft: true,
  status: { total: 2, created: 0, updated: 0, skipped: 0, failed: 0 },
  request: { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 11, as_draft: true },
  selection: [20, 21],
  destination_scope: 'container:11',
  ...overrides,
});

const unit = (operationId: number, seq: number, sourceId: number, overrides: Partial<CommitUnit> = {}): CommitUnit => ({
  operation_id: operationId,
  seq,
  entity_type: 'quality_check',
  source_entity_id: sourceId,
  result: 'created',
  write: { kind: 'create_check', value: checkValue(11, { description: `from ${sourceId}` }) },
  destination_entity_id: null,
  destination_scope_id: 11,
  message: null,
  changes: null,
  before: null,
  search_text: `check ${sourceId} not_null`,
  ...overrides,
});

let handle: BetterSqlite3.Database;
// Under the store runtime, as the engine uses every store: it owns the argument checks.
let store: Store;
beforeEach(async () => {
  handle = new BetterSqlite3(':memory:');
  handle.pragma('foreign_keys = ON');
  store = guardStore(await openSqliteStore({ database: handle }));
  await store.importWorld(world);
});
afterEach(async () => {
  await store.close();
  handle.close();
});

const count = (tableName: string) => handle.prepare(`select count(*) from "${tableName}"`).pluck().get();
const sequences = () => handle.prepare('select name, seq from sqlite_sequence order by name').all();

describe('commit', () => {
  test('the UNIQUE(operation_id, source_entity_id) constraint itself rejects a duplicate result row', async () => {
    const operation = await store.createOperation(operationInput());
    await store.commit([unit(operation.id, 0, 20, { result: 'failed', write: undefined })]);
    assert.throws(
      () =>
        handle
          .prepare(
            `insert into results (operation_id, seq, entity_type, source_entity_id, result, search_text) values (?, 1, 'quality_check', 20, 'failed', '')`,
          )
          .run(operation.id),
      (error: unknown) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE',
    );
  });

  test('a duplicate in a batch rolls back every write of it: entity, result, lineage, counters and ids', async () => {
    const operation = await store.createOperation(operationInput());
    await store.commit([unit(operation.id, 0, 20)]);
    const before = {
      checks: count('quality_checks'),
      results: count('results'),
      lineage: count('lineage'),
      sequences: sequences(),
      operation: await store.getOperation(operation.id),
    };
    await assert.rejects(store.commit([unit(operation.id, 1, 21), unit(operation.id, 2, 20)]), /UNIQUE/);
    assert.deepEqual(
      {
        checks: count('quality_checks'),
        results: count('results'),
        lineage: count('lineage'),
        sequences: sequences(),
        operation: await store.getOperation(operation.id),
      },
      before,
    );
    assert.equal(handle.inTransaction, false);
  });

  test('a created unit writes the entity, the result with its new id, the link and the counter together', async () => {
    const operation = await store.createOperation(operationInput());
    const [row] = await store.commit([unit(operation.id, 0, 20)]);
    assert.equal(row?.destination_entity_id, 31);
    assert.deepEqual(await store.getChecks([31]), [{ ...checkValue(11, { description: 'from 20' }), id: 31 }]);
    assert.deepEqual((await store.findLineage('quality_check', 11, [20]))[0], {
      entity_type: 'quality_check',
      source_entity_id: 20,
      destination_scope_id: 11,
      destination_entity_id: 31,
    });
    assert.deepEqual((await store.getOperation(operation.id))?.status, { total: 2, created: 1, updated: 0, skipped: 0, failed: 0 });
  });

  test('units that contradict themselves are refused', async () => {
    const operation = await store.createOperation(operationInput());
    await assert.rejects(store.commit([unit(operation.id, 0, 20, { destination_entity_id: 30 })]), /must have destination_entity_id null/);
    await assert.rejects(store.commit([unit(operation.id, 0, 20, { result: 'skipped', destination_entity_id: 30 })]), /must not write/);
    await assert.rejects(store.commit([unit(operation.id, 0, 20, { result: 'skipped', write: undefined })]), /no destination entity/);
    await assert.rejects(store.commit([unit(operation.id, 0, 20, { entity_type: 'computed_field' })]), /another entity type/);
    assert.equal(count('results'), 0);
  });
});

describe('lineage', () => {
  test('newest first: recorded links before imported ones, later before earlier, only the asked sources', async () => {
    const operation = await store.createOperation(operationInput());
    const second = await store.createOperation(operationInput());
    await store.commit([unit(operation.id, 0, 20, { result: 'skipped', write: undefined, destination_entity_id: 30 })]);
    await store.commit([unit(second.id, 0, 20)]);
    assert.deepEqual(
      (await store.findLineage('quality_check', 11, [21, 20, 20])).map((link) => [link.source_entity_id, link.destination_entity_id]),
      [
        [20, 31],
        [20, 30],
        [21, 30],
        [20, 30],
      ],
    );
    assert.deepEqual(await store.findLineage('quality_check', 12, [20]), []);
    assert.deepEqual(await store.findLineage('computed_field', 11, [20]), []);
    assert.deepEqual(await store.findLineage('quality_check', 11, []), []);
    // Export lists them oldest first, and deleting the destination keeps the links.
    await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: 31 }]);
    assert.deepEqual((await store.exportWorld()).lineage.map((link) => link.destination_entity_id), [30, 30, 30, 31]);
  });

  test('any number of ids is one query (beyond SQLite’s bound-parameter limit)', async () => {
    const ids = Array.from({ length: 40_000 }, (_, index) => index + 1);
    assert.equal((await store.findLineage('quality_check', 11, ids)).length, 2);
    assert.deepEqual((await store.getChecks(ids)).map((check) => check.id), [20, 21, 30]);
    assert.deepEqual((await store.getContainers(ids)).map((container) => container.id), [10, 11, 12, 13]);
    assert.deepEqual(await store.getComputedFields(ids), []);
  });
});

describe('applyEdits', () => {
  test('deleting a container deletes its fields, checks and computed fields, and keeps lineage', async () => {
    await store.applyEdits([{ kind: 'delete', entity: 'container', id: 11 }]);
    assert.equal(await store.getContainer(11), undefined);
    assert.deepEqual(await store.listFields(11), []);
    assert.deepEqual(await store.listChecks(11), []);
    assert.equal((await store.exportWorld()).lineage.length, 2);
  });

  test('a container that a computed file uses as its source cannot be deleted', async () => {
    await assert.rejects(store.applyEdits([{ kind: 'delete', entity: 'container', id: 12 }]), /computed file 13 uses it/);
    await store.applyEdits([
      { kind: 'delete', entity: 'container', id: 13 },
      { kind: 'delete', entity: 'container', id: 12 },
    ]);
    assert.deepEqual((await store.listContainers(2)).map((container) => container.id), [11]);
  });

  test('writes that reference a missing container or datastore are refused, also without foreign_keys', async () => {
    handle.pragma('foreign_keys = OFF');
    await assert.rejects(store.applyEdits([{ kind: 'create_check', value: checkValue(99) }]), /Container 99 of a quality check/);
    await assert.rejects(
      store.applyEdits([{ kind: 'create_container', value: { ...table(0, 9), id: undefined } as never }]),
      /Datastore 9 of a container/,
    );
    await assert.rejects(store.applyEdits([{ kind: 'delete', entity: 'field', id: 99 }]), /Field 99 does not exist/);
    assert.equal(count('quality_checks'), 3);
  });
});

describe('reads', () => {
  test('findUser compares emails case-insensitively, unicode included; tokens exactly', async () => {
    assert.equal((await store.findUser({ email: 'admin@EXAMPLE.com' }))?.id, 1);
    assert.equal((await store.findUser({ email: 'ÜNÏ@example.com' }))?.id, 2);
    assert.deepEqual(await store.findUser({ token: 'secret' }), world.users[1]);
    assert.equal(await store.findUser({ token: 'SECRET' }), undefined);
    assert.equal('token' in ((await store.findUser({ id: 1 })) ?? {}), false);
  });

  test('teamsOfUser keeps member order and permissions, ascending team id', async () => {
    assert.deepEqual(await store.teamsOfUser(1), world.teams);
    assert.deepEqual(await store.teamsOfUser(2), [world.teams[0]]);
    assert.deepEqual(await store.teamsOfUser(3), []);
  });

  test('listResults filters by search (case-insensitive) and result, pages in seq order', async () => {
    const operation = await store.createOperation(operationInput({ status: { total: 5, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    await store.commit([
      unit(operation.id, 3, 103, { result: 'failed', write: undefined, search_text: 'ünïque check' }),
      unit(operation.id, 0, 100, { search_text: 'not null' }),
      unit(operation.id, 2, 102, { result: 'skipped', write: undefined, destination_entity_id: 30, search_text: 'between 100%' }),
      unit(operation.id, 1, 101, { result: 'failed', write: undefined, search_text: 'not_null_x' }),
    ]);
    const sources = async (query: Parameters<Store['listResults']>[1]) => {
      const page = await store.listResults(operation.id, query);
      return { sources: page.items.map((row) => row.source_entity_id), total: page.total, page: page.page, size: page.size };
    };
    assert.deepEqual(await sources({}), { sources: [100, 101, 102, 103], total: 4, page: 1, size: 4 });
    assert.deepEqual(await sources({ search: 'NOT' }), { sources: [100, 101], total: 2, page: 1, size: 2 });
    assert.deepEqual(await sources({ search: 'ÜNÏ' }), { sources: [103], total: 1, page: 1, size: 1 });
    assert.deepEqual(await sources({ search: '_' }), { sources: [101], total: 1, page: 1, size: 1 });
    assert.deepEqual(await sources({ search: '%' }), { sources: [102], total: 1, page: 1, size: 1 });
    assert.deepEqual(await sources({ results: ['failed', 'created'] }), { sources: [100, 101, 103], total: 3, page: 1, size: 3 });
    assert.deepEqual(await sources({ results: [] }), { sources: [100, 101, 102, 103], total: 4, page: 1, size: 4 });
    assert.deepEqual(await sources({ page: 2, size: 3 }), { sources: [103], total: 4, page: 2, size: 3 });
    assert.deepEqual(await sources({ page: 3, size: 3 }), { sources: [], total: 4, page: 3, size: 3 });
    assert.deepEqual(await sources({ size: 2 }), { sources: [100, 101], total: 4, page: 1, size: 2 });
    await assert.rejects(store.listResults(operation.id, { page: 0, size: 3 }), RangeError);
    assert.deepEqual(await store.listResults(999), { items: [], total: 0, page: 1, size: 0 });
  });

  test('listOperations filters by result, type and either datastore, newest first, paged', async () => {
    const first = await store.createOperation(operationInput());
    const second = await store.createOperation(
      operationInput({ promote_type: 'computed_table', datastore: { id: 2, name: 's' }, destination_datastore: { id: 3, name: 'x' } }),
    );
    const third = await store.createOperation(operationInput({ result: 'success' }));
    const ids = async (query: Partial<Parameters<Store['listOperations']>[0]>) =>
      (await store.listOperations({ page: 1, size: 10, ...query })).items.map((operation) => operation.id);
    assert.deepEqual(await ids({}), [third.id, second.id, first.id]);
    assert.deepEqual(await ids({ result: 'running' }), [second.id, first.id]);
    assert.deepEqual(await ids({ promote_type: 'computed_table' }), [second.id]);
    assert.deepEqual(await ids({ datastore: 1 }), [third.id, first.id]);
    assert.deepEqual(await ids({ datastore: 3 }), [second.id]);
    assert.deepEqual(await ids({ datastore: 2 }), [third.id, second.id, first.id]);
    const page = await store.listOperations({ page: 2, size: 2 });
    assert.deepEqual([page.items.map((operation) => operation.id), page.total, page.page, page.size], [[first.id], 3, 2, 2]);
    assert.deepEqual((await store.listRunningOperations()).map((operation) => operation.id), [first.id, second.id]);
  });

  test('updateOperation changes only the given fields, null included, and rejects an unknown id', async () => {
    const operation = await store.createOperation(operationInput());
    const aborted = await store.updateOperation(operation.id, { result: 'aborted', aborted_by: 'a@example.com', end_time: undefined });
    assert.deepEqual(aborted, { ...operation, result: 'aborted', aborted_by: 'a@example.com' });
    const resumed = await store.updateOperation(operation.id, { result: 'running', aborted_by: null, message: null });
    assert.deepEqual(resumed, operation);
    assert.deepEqual(await store.updateOperation(operation.id, {}), operation);
    await assert.rejects(store.updateOperation(999, { result: 'success' }), /Operation 999 not found/);
  });
});
