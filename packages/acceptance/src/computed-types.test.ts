import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseWorldSnapshot, type Profiler, type ProfileRequest, type World, type WorldSnapshot } from '@promote/core';
import { admin, engine, exampleWorld, jane, runToEnd } from './support.js';

const request = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../../docs/examples/requests/${name}`, import.meta.url)), 'utf8')) as Record<string, unknown>;

const outcomes = (results: readonly { source_entity_id: number; result: string; message: string | null }[]) =>
  results.map((result) => [result.source_entity_id, result.result, result.message]);

function recordingProfiler(): Profiler & { readonly requests: ProfileRequest[][] } {
  const requests: ProfileRequest[][] = [];
  return { requests, requestProfiles: async (_operationId, batch) => void requests.push([...batch]) };
}

describe("the seed's examples for the computed types, against the example world", () => {
  test('computed fields: the chain 101 ← 102 ← 103 into container 30', async () => {
    const profiler = recordingProfiler();
    const { promoter, store } = engine(exampleWorld(), { profiler });
    const operation = await runToEnd(promoter, jane, request('computed-field-seed.json'));
    expect(operation).toMatchObject({
      promote_type: 'computed_field',
      result: 'success',
      container: { id: 10, name: 'orders' },
      destination_container: { id: 30, name: 'orders_enriched' },
      status: { total: 3, created: 1, updated: 1, skipped: 1, failed: 0 },
    });
    expect(operation).not.toHaveProperty('as_draft');
    expect(outcomes(operation.results)).toEqual([
      [101, 'skipped', null],
      [102, 'created', null],
      [103, 'updated', 'Reactivated non-active field on destination'],
    ]);
    const reactivated = operation.results[2];
    expect(reactivated?.entity_type).toBe('computed_field');
    expect(reactivated?.destination_entity).toMatchObject({ name: 'Amount_Bucket', status: 'active', transformation: 'custom_expression' });
    expect(reactivated?.changes).toContainEqual({ path: 'status', from: 'missing', to: 'active' });
    expect((await store.listComputedFields(30)).every((field) => field.status === 'active' || field.id !== reactivated?.destination_entity_id)).toBe(true);
    expect(profiler.requests).toEqual([[{ containerId: 30, depth: 'slim' }]]);
  });

  test('computed fields: a plain field of the same name and a missing source field fail with the seed texts', async () => {
    const { promoter } = engine(exampleWorld());
    const operation = await runToEnd(promoter, jane, { type: 'promote_computed_field', datastore_id: 1, container_id: 10, destination_container_id: 30 });
    const byId = new Map(operation.results.map((result) => [result.source_entity_id, result]));
    expect(byId.get(104)?.message).toBe("Cannot promote over non-computed field 'email_domain' on destination");
    expect(byId.get(106)?.message).toBe("Source field(s) ['discount_text'] not available on destination");
    expect(byId.has(107)).toBe(false);
  });

  test('computed tables: revived, created, and a type mismatch', async () => {
    const profiler = recordingProfiler();
    const { promoter } = engine(exampleWorld(), { profiler });
    const operation = await runToEnd(promoter, jane, request('computed-table-seed.json'));
    expect(operation).toMatchObject({ promote_type: 'computed_table', container: null, destination_container: null, status: { total: 3, created: 1, updated: 1, failed: 1 } });
    expect(outcomes(operation.results)).toEqual([
      [40, 'updated', 'Reactivated soft-deleted container on destination'],
      [41, 'created', null],
      [42, 'failed', 'Cannot promote over non-computed-table container (type: table)'],
    ]);
    expect(operation.results[0]?.changes).toContainEqual(expect.objectContaining({ path: 'deleted_at', to: null }));
    expect(operation.results[2]).toMatchObject({ destination_entity_id: 47, destination_entity: { id: 47, name: 'top_products', container_type: 'table' } });
    expect(profiler.requests[0]?.map((item) => item.depth)).toEqual(['full', 'full']);
  });

  test("computed files: the seed's body names a JDBC source (422); from the DFS staging lake it promotes", async () => {
    const { promoter, store } = engine(exampleWorld());
    expect((await promoter.run(jane, request('computed-file-seed.json')))._unsafeUnwrapErr()).toMatchObject({ kind: 'unprocessable' });
    const operation = await runToEnd(promoter, jane, request('computed-file-lake.json'));
    expect(operation).toMatchObject({ promote_type: 'computed_file', result: 'success', status: { total: 2, created: 1, updated: 1 } });
    const created = operation.results.find((result) => result.result === 'created');
    const file = (await store.getContainer(created?.destination_entity_id as number)) as { source_container_id: number; datastore_id: number };
    expect(file.datastore_id).toBe(3);
    const mapping = (request('computed-file-lake.json').source_container_mappings as { container_id: number; destination_container_id: number }[]).find(
      (item) => item.container_id === created?.source_entity_id,
    );
    expect(file.source_container_id).toBe(mapping?.destination_container_id);
  });
});

/** A world for computed-type edge cases: JDBC 1 → 2 and DFS 3 → 4. */
function world(extra: Partial<WorldSnapshot>): World {
  const parsed = parseWorldSnapshot({
    users: [{ id: 1, email: 'admin@example.com', role: 'admin' }],
    datastores: [
      { id: 1, name: 'Staging', store_type: 'jdbc' },
      { id: 2, name: 'Production', store_type: 'jdbc' },
      { id: 3, name: 'Staging Lake', store_type: 'dfs' },
      { id: 4, name: 'Production Lake', store_type: 'dfs' },
    ],
    ...extra,
    containers: [
      { id: 10, datastore_id: 1, name: 'orders', container_type: 'table', fields: [{ name: 'amount', type: 'fractional' }, { name: 'rate', type: 'fractional' }] },
      { id: 20, datastore_id: 2, name: 'orders', container_type: 'table', fields: [{ name: 'AMOUNT', type: 'fractional' }] },
      { id: 30, datastore_id: 3, name: 'raw', container_type: 'file_pattern' },
      { id: 40, datastore_id: 4, name: 'raw', container_type: 'file_pattern' },
      { id: 41, datastore_id: 4, name: 'unprofiled', container_type: 'file_pattern', profiled: false },
      { id: 42, datastore_id: 4, name: 'old', container_type: 'file_pattern', deleted_at: '2026-01-01T00:00:00Z' },
      ...(extra.containers ?? []),
    ],
  });
  if (parsed.isErr()) throw new Error(JSON.stringify(parsed.error.problems));
  return parsed.value;
}

describe('computed fields (§6)', () => {
  const chain = world({
    computed_fields: [
      { id: 1, container_id: 10, name: 'amount_usd', transformation: 'cast', source_fields: ['amount'], properties: { target_type: 'fractional' } },
      { id: 2, container_id: 10, name: 'amount_with_tax', transformation: 'custom_expression', properties: { column_expression: 'amount_usd * (1 + rate)' } },
      { id: 3, container_id: 10, name: 'amount_bucket', transformation: 'custom_expression', properties: { column_expression: 'CASE WHEN `Amount_With_Tax` > 100 THEN 1 END' } },
    ],
  });
  const body = { type: 'promote_computed_field', datastore_id: 1, container_id: 10, destination_container_id: 20 };

  test('a chain of three where the middle one fails: the child fails with the seed message, exact counts', async () => {
    const operation = await runToEnd(engine(chain).promoter, admin, { ...body, computed_field_ids: [3] });
    expect(operation.status).toEqual({ total: 3, created: 1, updated: 0, skipped: 0, failed: 2 });
    expect(outcomes(operation.results)).toEqual([
      [1, 'created', null],
      [2, 'failed', "Source field(s) ['rate'] not available on destination"],
      [3, 'failed', "Source field(s) ['Amount_With_Tax'] not available on destination — their parent computed field may have failed to promote"],
    ]);
  });

  test('parents created earlier in the run count as available; promoted fields are active; casing of destination kept', async () => {
    const withRate = world({
      containers: [],
      computed_fields: [
        { id: 1, container_id: 10, name: 'amount_usd', transformation: 'cast', source_fields: ['Amount'] },
        { id: 2, container_id: 10, name: 'doubled', transformation: 'custom_expression', properties: { column_expression: 'amount_usd * 2' } },
      ],
    });
    const { promoter, store } = engine(withRate);
    const operation = await runToEnd(promoter, admin, { ...body, computed_field_ids: [2] });
    expect(outcomes(operation.results)).toEqual([
      [1, 'created', null],
      [2, 'created', null],
    ]);
    const created = await store.listComputedFields(20);
    expect(created.map((field) => [field.name, field.status, field.source_fields])).toEqual([
      ['amount_usd', 'active', ['AMOUNT']],
      ['doubled', 'active', []],
    ]);
  });

  test('a dependency cycle is a 422 naming it, and nothing is written', async () => {
    const cyclic = world({
      computed_fields: [
        { id: 1, container_id: 10, name: 'a', transformation: 'custom_expression', properties: { column_expression: 'c + 1' } },
        { id: 2, container_id: 10, name: 'b', transformation: 'cast', source_fields: ['a'] },
        { id: 3, container_id: 10, name: 'c', transformation: 'cast', source_fields: ['B'] },
      ],
    });
    const { promoter, store } = engine(cyclic);
    const refused = await promoter.run(admin, { ...body, computed_field_ids: [2] });
    expect(refused._unsafeUnwrapErr()).toEqual({ kind: 'unprocessable', message: 'Dependency cycle among computed fields: a → b → c → a' });
    expect((await store.listOperations({ page: 1, size: 5 })).total).toBe(0);
  });

  test.each([
    ['same container', { ...body, destination_container_id: 10 }, 'Source and destination must be different'],
    ['ids outside the source container', { ...body, computed_field_ids: [1, 77] }, 'Computed field(s) [77] are not computed fields of container 10'],
  ])('%s → 422', async (_name, request, message) => {
    expect((await engine(chain).promoter.run(admin, request))._unsafeUnwrapErr()).toEqual({ kind: 'unprocessable', message });
  });
});

describe('computed tables and files (§4, §5)', () => {
  const tables = world({
    containers: [
      { id: 50, datastore_id: 1, name: 'daily', container_type: 'computed_table', query: 'select 1', tags: ['a'] },
      { id: 51, datastore_id: 1, name: 'weekly', container_type: 'computed_table', query: 'select 7' },
      { id: 60, datastore_id: 2, name: 'DAILY', container_type: 'computed_table', query: 'select 0', deleted_at: '2026-01-01T00:00:00Z', tags: ['b'] },
      { id: 61, datastore_id: 2, name: 'weekly', container_type: 'view' },
      { id: 70, datastore_id: 3, name: 'big', container_type: 'computed_file', source_container_id: 30, select_clause: 'a' },
      { id: 71, datastore_id: 3, name: 'raw2', container_type: 'computed_file', source_container_id: 30, select_clause: 'b' },
      { id: 72, datastore_id: 3, name: 'small', container_type: 'computed_file', source_container_id: 30, select_clause: 'c' },
      { id: 80, datastore_id: 4, name: 'Raw2', container_type: 'file_pattern' },
    ],
  });
  const tableBody = { type: 'promote_computed_table', datastore_id: 1, destination_datastore_id: 2 };
  const fileBody = { type: 'promote_computed_file', datastore_id: 3, destination_datastore_id: 4 };

  test('a soft-deleted destination table is revived and updated; a namesake view is a type mismatch', async () => {
    const { promoter, store } = engine(tables);
    const operation = await runToEnd(promoter, admin, { ...tableBody, container_additional_tags: ['promoted'] });
    expect(outcomes(operation.results)).toEqual([
      [50, 'updated', 'Reactivated soft-deleted container on destination'],
      [51, 'failed', 'Cannot promote over non-computed-table container (type: view)'],
    ]);
    expect(await store.getContainer(60)).toMatchObject({ name: 'DAILY', deleted_at: null, query: 'select 1', tags: ['b', 'a', 'promoted'] });
    const again = await runToEnd(promoter, admin, { ...tableBody, container_additional_tags: ['promoted'] });
    expect(outcomes(again.results)).toEqual([
      [50, 'skipped', null],
      [51, 'failed', 'Cannot promote over non-computed-table container (type: view)'],
    ]);
  });

  test("a computed file's created copy points at the mapped file pattern; a namesake file pattern is a type mismatch", async () => {
    const { promoter, store } = engine(tables);
    const operation = await runToEnd(promoter, admin, {
      ...fileBody,
      source_container_mappings: [
        { container_id: 72, destination_container_id: 40 },
        { container_id: 70, destination_container_id: 40 },
        { container_id: 71, destination_container_id: 40 },
      ],
    });
    expect(outcomes(operation.results)).toEqual([
      [70, 'created', null],
      [71, 'failed', 'Cannot promote over non-computed-file container (type: file_pattern)'],
      [72, 'created', null],
    ]);
    const created = await store.getContainer(operation.results[0]?.destination_entity_id as number);
    expect(created).toMatchObject({ container_type: 'computed_file', datastore_id: 4, name: 'big', source_container_id: 40, select_clause: 'a' });
  });

  test.each([
    ['same datastore (tables)', { ...tableBody, destination_datastore_id: 1 }, 'Source and destination must be different'],
    ['same datastore (files)', { ...fileBody, destination_datastore_id: 3, source_container_mappings: [{ container_id: 70, destination_container_id: 30 }] }, 'Source and destination must be different'],
    ['tables need JDBC', { ...tableBody, destination_datastore_id: 4 }, 'Computed tables can only be promoted between JDBC datastores: datastore 4 is DFS'],
    ['files need DFS', { ...fileBody, destination_datastore_id: 2, source_container_mappings: [{ container_id: 70, destination_container_id: 20 }] }, 'Computed files can only be promoted between DFS datastores: datastore 2 is JDBC'],
    ['table ids outside the source datastore', { ...tableBody, container_ids: [50, 60, 10] }, 'Container(s) [60, 10] are not computed tables of datastore 1'],
    ['mapped source that is not a computed file', { ...fileBody, source_container_mappings: [{ container_id: 30, destination_container_id: 40 }] }, 'Container(s) [30] are not computed files of datastore 3'],
    ['mapping onto an unprofiled file pattern', { ...fileBody, source_container_mappings: [{ container_id: 70, destination_container_id: 41 }] }, 'Destination container(s) [41] are not live, profiled file patterns of datastore 4'],
    ['mapping onto a soft-deleted file pattern', { ...fileBody, source_container_mappings: [{ container_id: 70, destination_container_id: 42 }] }, 'Destination container(s) [42] are not live, profiled file patterns of datastore 4'],
    ['mapping onto a computed file', { ...fileBody, source_container_mappings: [{ container_id: 70, destination_container_id: 80 }, { container_id: 71, destination_container_id: 20 }] }, 'Destination container(s) [20] are not live, profiled file patterns of datastore 4'],
  ])('%s → 422', async (_name, body, message) => {
    const { promoter, store } = engine(tables);
    expect((await promoter.run(admin, body))._unsafeUnwrapErr()).toEqual({ kind: 'unprocessable', message });
    expect((await store.listOperations({ page: 1, size: 5 })).total).toBe(0);
  });

  test('a source container mapped twice is a 422 listing the issue', async () => {
    const result = await engine(tables).promoter.run(admin, {
      ...fileBody,
      source_container_mappings: [
        { container_id: 70, destination_container_id: 40 },
        { container_id: 70, destination_container_id: 40 },
      ],
    });
    expect(result._unsafeUnwrapErr()).toMatchObject({ kind: 'invalid_request', issues: [{ type: 'duplicate_mapping' }] });
  });

  test('results of containers are searchable by name', async () => {
    const { promoter } = engine(tables);
    const operation = await runToEnd(promoter, admin, tableBody);
    const page = (await promoter.listResults(admin, operation.id, { search: 'WEEK' }, 'computed_table'))._unsafeUnwrap();
    expect(page.items.map((item) => item.source_entity_id)).toEqual([51]);
  });
});

describe('a name a promotion makes available to an entity processed before it (§6)', () => {
  // Found by the idempotence property (seed 767972014): source 6 is linked to destination
  // IS_ACTIVE (renamed there, and missing); source 1, processed first (ascending id, no
  // dependency between them: `is_active` is a plain field of the source), needs `is_active`.
  const world = (): World => ({
    users: [{ id: 1, email: 'admin@example.com', role: 'admin', token: 'token-admin' }],
    teams: [],
    datastores: [
      { id: 5, name: 'analytics', store_type: 'jdbc' },
      { id: 51, name: 'analytics', store_type: 'jdbc' },
    ],
    containers: [
      { id: 5, datastore_id: 51, name: 'invoices', container_type: 'table', description: '', tags: [], additional_metadata: {}, deleted_at: null, profiled: true },
      { id: 57, datastore_id: 5, name: 'Invoices', container_type: 'table', description: '', tags: [], additional_metadata: {}, deleted_at: null, profiled: true },
    ],
    fields: [
      { id: 1, container_id: 5, name: 'is_active', type: 'boolean', status: 'active' },
      { id: 2, container_id: 5, name: 'customer_id', type: 'integral', status: 'active' },
      { id: 3, container_id: 57, name: 'customer_id', type: 'integral', status: 'active' },
    ],
    quality_checks: [],
    computed_fields: [
      { id: 1, container_id: 5, name: 'amount_usd', description: '', tags: [], additional_metadata: {}, transformation: 'cast', source_fields: ['is_active'], properties: { target_type: 'string' }, status: 'active' },
      { id: 6, container_id: 5, name: 'amount_with_tax', description: 'tax', tags: [], additional_metadata: {}, transformation: 'custom_expression', source_fields: [], properties: { column_expression: 'COALESCE(customer_id, 0)' }, status: 'active' },
      { id: 9, container_id: 57, name: 'IS_ACTIVE', description: '', tags: [], additional_metadata: {}, transformation: 'custom_expression', source_fields: [], properties: { column_expression: 'NULL' }, status: 'missing' },
    ],
    lineage: [{ entity_type: 'computed_field', source_entity_id: 6, destination_scope_id: 57, destination_entity_id: 9 }],
  });
  const body = { type: 'promote_computed_field', datastore_id: 51, container_id: 5, destination_container_id: 57, computed_field_ids: [6, 1] };

  test('a child of it fails the first time too ("their parent … may have failed"), and both are promoted the second time', async () => {
    const base = world();
    const withChild: World = {
      ...base,
      computed_fields: [...base.computed_fields, { id: 7, container_id: 5, name: 'usd_text', description: '', tags: [], additional_metadata: {}, transformation: 'cast', source_fields: ['amount_usd'], properties: { target_type: 'string' }, status: 'active' }],
    };
    const { promoter } = engine(withChild);
    const request = { ...body, computed_field_ids: [6, 1, 7] };
    expect(outcomes((await runToEnd(promoter, admin, request)).results)).toEqual([
      [1, 'failed', "Source field(s) ['is_active'] not available on destination"],
      [6, 'updated', 'Reactivated non-active field on destination'],
      [7, 'failed', "Source field(s) ['amount_usd'] not available on destination — their parent computed field may have failed to promote"],
    ]);
    expect(outcomes((await runToEnd(promoter, admin, request)).results)).toEqual([
      [1, 'created', null],
      [6, 'skipped', null],
      [7, 'created', null],
    ]);
    expect((await runToEnd(promoter, admin, request)).results.map((result) => result.result)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  test('it fails the first time, is promoted the second, and the third promotion is all skipped', async () => {
    const { promoter } = engine(world());
    const first = await runToEnd(promoter, admin, body);
    expect(outcomes(first.results)).toEqual([
      [1, 'failed', "Source field(s) ['is_active'] not available on destination"],
      [6, 'updated', 'Reactivated non-active field on destination'],
    ]);
    expect(outcomes((await runToEnd(promoter, admin, body)).results)).toEqual([
      [1, 'created', null],
      [6, 'skipped', null],
    ]);
    expect(outcomes((await runToEnd(promoter, admin, body)).results)).toEqual([
      [1, 'skipped', null],
      [6, 'skipped', null],
    ]);
  });
});
