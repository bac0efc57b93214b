import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CommitUnit, Container, OperationRecord, QualityCheck, World } from '@promote/core';
import { fcNumRuns } from '@promote/testkit';
import { createTestDatabase } from '@promote/test-postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgresStore, type PostgresStore } from './index.js';
import { testProp } from '@promote/testkit/vitest';

/*
 * JSON columns and timestamps give back exactly what was written. `expect().toEqual` is used
 * where a value may be a null-prototype object (fast-check makes some); it still tells `-0` from
 * `0`. Key order is compared separately.
 */

const container = (id: number, overrides: Partial<Container> = {}): Container =>
  ({
    id,
    datastore_id: 1,
    name: `container ${id}`,
    container_type: 'table',
    description: '',
    tags: [],
    additional_metadata: {},
    deleted_at: null,
    profiled: true,
    ...overrides,
  }) as Container;

const baseWorld: World = {
  users: [],
  teams: [],
  datastores: [
    { id: 1, name: 'warehouse', store_type: 'jdbc' },
    { id: 2, name: 'lake', store_type: 'dfs' },
  ],
  containers: [container(1)],
  fields: [],
  quality_checks: [],
  computed_fields: [],
  lineage: [],
};

const check = (overrides: Partial<Omit<QualityCheck, 'id'>> = {}): Omit<QualityCheck, 'id'> => ({
  container_id: 1,
  rule_type: 'between',
  description: 'Amount is plausible — «ünïcode» ✓ 💥',
  fields: ['b', 'a', 'B'],
  coverage: 0.95,
  filter: "region = 'EU'\n  and x",
  properties: {},
  tags: ['z', 'a'],
  additional_metadata: { zeta: '1', alpha: '2' },
  status: 'draft',
  inferred: true,
  created_at: '2026-03-10T16:30:00+02:00',
  updated_at: '2026-03-10T14:30:00.123456Z',
  ...overrides,
});

/** Every object's keys, depth first, so that two values with the same keys in another order differ. */
function keyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keyOrder);
  if (typeof value !== 'object' || value === null) return null;
  return Object.entries(value).map(([key, item]) => [key, keyOrder(item)]);
}

const connectionString = await createTestDatabase('round-trip');
let schemas = 0;

async function storeWithWorld(world: World = baseWorld) {
  const store = await openPostgresStore({ connectionString, schema: `round_trip_${(schemas += 1)}` });
  await store.importWorld(world);
  return store;
}

/*
 * The properties write new entities and operations into one store for all their runs (a schema
 * per run would be most of their time); `close` is the file's, after the last run.
 */
let shared: PostgresStore;
beforeAll(async () => {
  shared = await storeWithWorld();
});
afterAll(() => shared.close());
const sharedStore = () => ({ ...shared, close: async () => undefined }) as PostgresStore;

describe('round trip of JSON columns and timestamps', () => {
  test('a check keeps numbers, nesting, key order, unicode, -0 and its timestamps exactly', async () => {
    const store = await storeWithWorld();
    const properties = {
      one: 1.0,
      negativeZero: -0,
      nested: { z: 1, a: [{ y: null, b: 'x', list: [-0, 0, 1.5] }], empty: {}, emptyList: [] },
      big: 1e300,
      tiny: 5e-324,
      sum: 0.1 + 0.2,
      '10': 'an integer-like key',
      'ünïcode ✓': '💥 "quoted" \\ back\nslash',
      flag: false,
      nothing: null,
    };
    const [id] = await store.applyEdits([{ kind: 'create_check', value: check({ properties }) }]);
    const [read] = await store.getChecks([id!]);
    assert.deepEqual(read, { ...check({ properties }), id });
    assert.ok(Object.is(read!.properties['negativeZero'], -0));
    assert.deepEqual(keyOrder(read!.properties), keyOrder(properties));
    assert.deepEqual(keyOrder(read!.additional_metadata), keyOrder({ zeta: '1', alpha: '2' }));
    await store.close();
  });

  test('a coverage of -0 reads back as -0, created, imported and updated', async () => {
    const store = await storeWithWorld({ ...baseWorld, quality_checks: [{ ...check({ coverage: -0 }), id: 7 }] });
    try {
      const [id] = await store.applyEdits([{ kind: 'create_check', value: check({ coverage: -0 }) }]);
      await store.applyEdits([{ kind: 'update_check', value: { ...check({ coverage: -0, description: 'updated' }), id: 7 } }]);
      const read = await store.getChecks([7, id!]);
      assert.deepEqual(read.map((row) => Object.is(row.coverage, -0)), [true, true]);
      assert.equal(read[0]?.description, 'updated');
    } finally {
      await store.close();
    }
  });

  test('keys whose value is undefined are dropped, as JSON drops them; null is kept', async () => {
    const store = await storeWithWorld();
    const [id] = await store.applyEdits([
      { kind: 'create_check', value: check({ properties: { gone: undefined, kept: null, inner: { gone: undefined } } }) },
    ]);
    const [read] = await store.getChecks([id!]);
    assert.deepEqual(read!.properties, { kept: null, inner: {} });
    await store.close();
  });

  test('containers of every type keep exactly the attributes of their type', async () => {
    const containers: Container[] = [
      container(1),
      container(2, { container_type: 'view', deleted_at: '2026-01-02T03:04:05.678Z', tags: ['b', 'a'] }),
      container(3, { datastore_id: 2, container_type: 'file_pattern', profiled: false }),
      container(4, {
        container_type: 'computed_table',
        query: "select 'a\\nb'",
        incremental_field_name: null,
        group_by_fields: ['region', 'Country'],
        volumetric_tracking: true,
        freshness_tracking: false,
      }),
      container(5, {
        container_type: 'computed_table',
        query: '',
        incremental_field_name: 'updated_at',
        group_by_fields: [],
        volumetric_tracking: false,
        freshness_tracking: true,
      }),
      // A computed file over a container with a larger id: import order does not matter.
      container(6, {
        datastore_id: 2,
        container_type: 'computed_file',
        source_container_id: 7,
        select_clause: 'country, count(*)',
        where_clause: null,
        group_by_clause: 'country',
      }),
      container(7, { datastore_id: 2, container_type: 'file_pattern', additional_metadata: { 'key with space': 'välue' } }),
    ];
    const store = await storeWithWorld({ ...baseWorld, containers });
    assert.deepEqual(await store.getContainers(containers.map((row) => row.id)), containers);
    for (const row of containers) {
      assert.deepEqual(keyOrder((await store.getContainer(row.id))?.additional_metadata), keyOrder(row.additional_metadata));
    }
    await store.close();
  });

  test('operations keep as_draft absent, false or true, null containers, the request and the selection', async () => {
    const store = await storeWithWorld();
    const operation = (overrides: Partial<Omit<OperationRecord, 'id'>>): Omit<OperationRecord, 'id'> => ({
      promote_type: 'computed_table',
      result: 'running',
      start_time: '2026-03-10T14:30:00Z',
      end_time: null,
      triggered_by: 'Admin@Example.com',
      aborted_by: null,
      message: null,
      datastore: { id: 1, name: 'warehouse' },
      destination_datastore: { id: 2, name: 'lake' },
      container: null,
      destination_container: null,
      status: { total: 3, created: 0, updated: 0, skipped: 0, failed: 0 },
      request: { type: 'promote_computed_table', datastore_id: 1, destination_datastore_id: 2, container_tags: ['a', 'ü'] },
      selection: [3, 1, 2],
      destination_scope: 'datastore:2',
      ...overrides,
    });
    const inputs = [
      operation({}),
      operation({ promote_type: 'quality_check', as_draft: false, container: { id: 1, name: 'o' }, destination_container: { id: 1, name: 'O' } }),
      operation({ promote_type: 'quality_check', as_draft: true, end_time: '2026-03-10T14:31:00.5Z', result: 'aborted', aborted_by: 'x@example.com', message: 'm' }),
    ];
    for (const input of inputs) {
      const created = await store.createOperation(input);
      assert.deepEqual(created, { ...input, id: created.id });
      assert.deepEqual(await store.getOperation(created.id), { ...input, id: created.id });
      assert.equal('as_draft' in created, input.as_draft !== undefined);
    }
    await store.close();
  });

  test('results keep before and changes of any JSON shape, and null', async () => {
    const store = await storeWithWorld();
    const { id: operationId } = await store.createOperation({
      promote_type: 'quality_check',
      result: 'running',
      start_time: '2026-03-10T14:30:00Z',
      end_time: null,
      triggered_by: 'a@example.com',
      aborted_by: null,
      message: null,
      datastore: { id: 1, name: 'warehouse' },
      destination_datastore: { id: 1, name: 'warehouse' },
      container: null,
      destination_container: null,
      status: { total: 5, created: 0, updated: 0, skipped: 0, failed: 0 },
      request: { type: 'promote_quality_check', datastore_id: 1, container_id: 1, destination_container_id: 1, as_draft: true },
      selection: [],
      destination_scope: 'container:1',
    });
    const befores: unknown[] = [{ b: 1, a: { deep: [-0, null, 'x'] } }, 'text', 0, false, null];
    const units: CommitUnit[] = befores.map((before, seq) => ({
      operation_id: operationId,
      seq,
      entity_type: 'quality_check',
      source_entity_id: 100 + seq,
      result: 'failed',
      destination_entity_id: null,
      destination_scope_id: 1,
      message: `Validation failed: field 'é' not found on destination container`,
      changes: seq === 0 ? [{ path: 'properties.max', from: null, to: { b: [1.5, -0] } }] : null,
      before,
      search_text: 'ünïcode',
    }));
    const rows = await store.commit(units);
    const expected = units.map(({ write: _write, destination_scope_id: _scope, ...unit }, index) => ({ ...unit, id: index + 1, after: null }));
    assert.deepEqual(rows, expected);
    assert.deepEqual((await store.listResults(operationId)).items, expected);
    assert.ok(Object.is((rows[0]!.before as { a: { deep: number[] } }).a.deep[0], -0));
    await store.close();
  });

  testProp('any JSON object given as check properties reads back equal, in the same key order', [fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue(), { noNullPrototype: true })], async (properties) => {
    const store = sharedStore();
    try {
      const [id] = await store.applyEdits([{ kind: 'create_check', value: check({ properties }) }]);
      const [read] = await store.getChecks([id!]);
      expect(read!.properties).toEqual(properties);
      expect(keyOrder(read!.properties)).toEqual(keyOrder(properties));
    } finally {
      await store.close();
    }
  }, {
    numRuns: fcNumRuns(50),
  });

  testProp('any JSON `before` and any ISO timestamp read back exactly', [fc.jsonValue(), fc.date({ noInvalidDate: true }), fc.constantFrom('Z', '+02:00', '-05:30', '.000Z', '.5Z')], async (before, date, suffix) => {
    const store = sharedStore();
    try {
      const timestamp = date.toISOString().replace(/\.\d{3}Z$/, suffix);
      const [id] = await store.applyEdits([{ kind: 'create_check', value: check({ created_at: timestamp, updated_at: timestamp }) }]);
      const [read] = await store.getChecks([id!]);
      expect([read!.created_at, read!.updated_at]).toEqual([timestamp, timestamp]);
      const { id: operationId } = await store.createOperation({
        promote_type: 'quality_check',
        result: 'running',
        start_time: timestamp,
        end_time: null,
        triggered_by: 'a@example.com',
        aborted_by: null,
        message: null,
        datastore: { id: 1, name: 'warehouse' },
        destination_datastore: { id: 1, name: 'warehouse' },
        container: null,
        destination_container: null,
        status: { total: 1, created: 0, updated: 0, skipped: 0, failed: 0 },
        request: { type: 'promote_quality_check', datastore_id: 1, container_id: 1, destination_container_id: 1, as_draft: true },
        selection: [1],
        destination_scope: 'container:1',
      });
      expect((await store.getOperation(operationId))?.start_time).toBe(timestamp);
      const [row] = await store.commit([
        {
          operation_id: operationId,
          seq: 0,
          entity_type: 'quality_check',
          source_entity_id: 1,
          result: 'failed',
          destination_entity_id: null,
          destination_scope_id: 1,
          message: null,
          changes: null,
          before,
          search_text: '',
        },
      ]);
      expect(row!.before).toEqual(before);
      expect((await store.listResults(operationId)).items[0]!.before).toEqual(before);
    } finally {
      await store.close();
    }
  }, { numRuns: fcNumRuns(50) });

  test('text columns cannot hold U+0000 (PostgreSQL text refuses it, as a byte or as a JSON escape): the call rejects and writes nothing; JSON columns keep it, escaped', async () => {
    const store = await storeWithWorld();
    try {
      await expect(store.applyEdits([{ kind: 'create_check', value: check({ description: 'a\u0000b' }) }])).rejects.toThrow(/0x00|unsupported Unicode escape sequence/);
      assert.deepEqual(await store.listChecks(1), []);
      const [id] = await store.applyEdits([{ kind: 'create_check', value: check({ properties: { 'k\u0000': 'v\u0000' } }) }]);
      assert.deepEqual((await store.getChecks([id!]))[0]?.properties, { 'k\u0000': 'v\u0000' });
    } finally {
      await store.close();
    }
  });
});
