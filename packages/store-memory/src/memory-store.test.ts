import { guardStore, type CommitUnit, type QualityCheck, type Store, type World } from '@promote/core';
import {
  captureStoreState,
  checkValue,
  createdCheckUnit,
  failedCheckUnit,
  operationInput,
  sampleIds,
  sampleWorld,
  skippedCheckUnit,
  verifyingLinkClaims,
  WorldBuilder,
} from '@promote/testkit';
import { describe, expect, test } from 'vitest';
import { createMemoryStore } from './index.js';

const { containers, checks } = sampleIds;

/** A memory store under the store runtime, as the engine sees it, with one operation. */
async function withOperation(): Promise<{ store: Store; operationId: number }> {
  const store = guardStore(createMemoryStore({ world: sampleWorld() }));
  const operation = await store.createOperation(operationInput());
  return { store, operationId: operation.id };
}

describe('createMemoryStore', () => {
  test('trusts a link_current claim (records the result, no link); the testkit\'s verifyingLinkClaims refuses a false one, writing nothing', async () => {
    const { store, operationId } = await withOperation();
    const before = await captureStoreState(store, [operationId]);
    const linksBefore = (await store.exportWorld()).lineage;
    // The sample world's newest link of notNull in stagingOrders points at stagingDiscarded, not stagingArchived.
    const wrong: CommitUnit = { ...skippedCheckUnit({ operationId, seq: 0, sourceId: checks.notNull }, checks.stagingArchived), link_current: true };
    await expect(verifyingLinkClaims(store).commit([wrong])).rejects.toThrow(/says its lineage link to 22 is current, but the newest link in scope \d+ points at 40/);
    expect(await captureStoreState(store, [operationId])).toEqual(before);

    const right: CommitUnit = { ...skippedCheckUnit({ operationId, seq: 0, sourceId: checks.notNull }, checks.stagingDiscarded), link_current: true };
    await verifyingLinkClaims(store).commit([right]);
    expect((await store.exportWorld()).lineage).toEqual(linksBefore);
    expect((await store.listResults(operationId)).items).toHaveLength(1);
  });

  test('imports the world given at creation', async () => {
    const store = createMemoryStore({ world: sampleWorld() });
    expect(await store.isEmpty()).toBe(false);
    expect(await store.exportWorld()).toEqual(sampleWorld());
  });

  test('stores deep-frozen values and hands the same value to every reader instead of cloning', async () => {
    const store = createMemoryStore({ world: sampleWorld() });
    const [listed] = await store.listChecks(containers.orders);
    const [got] = await store.getChecks([checks.notNull]);
    expect(got).toBe(listed);
    expect(Object.isFrozen(got)).toBe(true);
    expect(Object.isFrozen(got!.fields)).toBe(true);
    const [between] = await store.getChecks([checks.between]);
    expect(Object.isFrozen((between!.properties as { inclusive: object }).inclusive)).toBe(true);
    const operation = await store.createOperation(operationInput());
    expect(Object.isFrozen(operation.status)).toBe(true);
    expect(Object.isFrozen(operation.request)).toBe(true);
  });

  test('drops properties whose value is undefined, as a serialising store does', async () => {
    const store = createMemoryStore();
    const operation = await store.createOperation({ ...operationInput(), as_draft: undefined, message: null });
    expect('as_draft' in operation).toBe(false);
    expect(operation.message).toBeNull();
    const world = new WorldBuilder();
    world.user({ id: 1, token: undefined });
    await store.importWorld(world.build());
    expect('token' in (await store.findUser({ id: 1 }))!).toBe(false);
  });

  test('a value read from the store can be written back as it is', async () => {
    const store = createMemoryStore({ world: sampleWorld() });
    const [check] = await store.getChecks([checks.between]);
    await store.applyEdits([{ kind: 'update_check', value: check! }]);
    expect(await store.getChecks([checks.between])).toEqual([check]);
  });
});

describe('commit refuses units that contradict themselves, writing nothing', () => {
  const cases: Record<string, (operationId: number, existing: QualityCheck) => CommitUnit> = {
    'created with a destination id': (operationId) => ({ ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }), destination_entity_id: 5 }),
    'created without a write': (operationId) => ({ ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }), write: undefined }),
    'created with an update write': (operationId, existing) => ({
      ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }),
      write: { kind: 'update_check', value: existing },
    }),
    'updated with a create write': (operationId, existing) => ({
      ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }),
      result: 'updated',
      destination_entity_id: existing.id,
    }),
    'updated naming another destination than its write': (operationId, existing) => ({
      ...skippedCheckUnit({ operationId, seq: 0, sourceId: 1 }, checks.stagingDiscarded),
      result: 'updated',
      write: { kind: 'update_check', value: existing },
    }),
    'skipped with a write': (operationId) => ({ ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }), result: 'skipped', destination_entity_id: 5 }),
    'skipped without a destination': (operationId) => ({ ...skippedCheckUnit({ operationId, seq: 0, sourceId: 1 }, 5), destination_entity_id: null }),
    'failed with a write': (operationId) => ({ ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }), result: 'failed' }),
    'a check write in a computed-field unit': (operationId) => ({ ...createdCheckUnit({ operationId, seq: 0, sourceId: 1 }), entity_type: 'computed_field' }),
  };
  for (const [name, makeUnit] of Object.entries(cases)) {
    test(name, async () => {
      const { store, operationId } = await withOperation();
      const [existing] = await store.getChecks([checks.stagingArchived]);
      const before = await captureStoreState(store, [operationId]);
      await expect(
        store.commit([failedCheckUnit({ operationId, seq: 1, sourceId: 2 }), makeUnit(operationId, existing!)]),
      ).rejects.toThrow(Error);
      expect(await captureStoreState(store, [operationId])).toEqual(before);
    });
  }
});

describe('pagination arguments', () => {
  test('a page or size below 1, or not an integer, rejects', async () => {
    const { store, operationId } = await withOperation();
    await expect(store.listOperations({ page: 0, size: 10 })).rejects.toThrow(RangeError);
    await expect(store.listOperations({ page: 1, size: 0 })).rejects.toThrow(RangeError);
    await expect(store.listResults(operationId, { page: 1.5, size: 10 })).rejects.toThrow(RangeError);
  });

  test('listResults with a size and no page gives the first page; without a size, every row on page 1', async () => {
    const { store, operationId } = await withOperation();
    await store.commit([1, 2, 3].map((sourceId) => failedCheckUnit({ operationId, seq: sourceId, sourceId })));
    const first = await store.listResults(operationId, { size: 2 });
    expect({ ...first, items: first.items.map((row) => row.source_entity_id) }).toEqual({ items: [1, 2], total: 3, page: 1, size: 2 });
    const all = await store.listResults(operationId, { page: 2 });
    expect({ ...all, items: all.items.map((row) => row.source_entity_id) }).toEqual({ items: [1, 2, 3], total: 3, page: 1, size: 3 });
  });
});

describe('lineage imported after links were recorded', () => {
  test('stays older than every recorded link', async () => {
    const store = createMemoryStore();
    const world = new WorldBuilder();
    world.team({ id: 1 });
    world.link({ entity_type: 'quality_check', source_entity_id: 1, destination_scope_id: 1, destination_entity_id: 10 });
    await store.importWorld(world.build());
    const later = new WorldBuilder();
    later.link({ entity_type: 'quality_check', source_entity_id: 1, destination_scope_id: 1, destination_entity_id: 20 });
    later.link({ entity_type: 'quality_check', source_entity_id: 1, destination_scope_id: 1, destination_entity_id: 30 });
    await store.importWorld(later.build());
    const found = await store.findLineage('quality_check', 1, [1]);
    expect(found.map((link) => link.destination_entity_id)).toEqual([10, 30, 20]);
    expect((await store.exportWorld()).lineage.map((link) => link.destination_entity_id)).toEqual([20, 30, 10]);
  });
});

describe('scale', () => {
  // Measures nothing: it shows that 100k checks work through the indexes, not how fast.
  test('100 000 checks in 100 containers: import, list one container, commit, export', async () => {
    const builder = new WorldBuilder();
    const datastore = builder.datastore();
    for (let container = 1; container <= 100; container += 1) builder.table(datastore.id, { id: container });
    const world: World = builder.build();
    const quality_checks = Array.from({ length: 100_000 }, (_, index): QualityCheck => ({
      ...checkValue((index % 100) + 1, { description: `check ${index}` }),
      id: index + 1,
    }));
    const store = createMemoryStore({ world: { ...world, quality_checks } });
    expect(await store.listChecks(42)).toHaveLength(1000);
    const operation = await store.createOperation(operationInput({ destination_scope: 'container:42' }));
    const units = Array.from({ length: 1000 }, (_, seq) => createdCheckUnit({ operationId: operation.id, seq, sourceId: seq + 1, containerId: 42 }));
    const rows = await store.commit(units);
    expect(rows.at(-1)?.destination_entity_id).toBe(101_000);
    expect(await store.listChecks(42)).toHaveLength(2000);
    expect((await store.listResults(operation.id, { search: 'check 999', page: 1, size: 50 })).total).toBe(1);
    expect((await store.exportWorld()).quality_checks).toHaveLength(101_000);
  });
});
