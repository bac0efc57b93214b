import assert from 'node:assert/strict';
import { emptyWorld } from '@promote/core';
import { operationInput, createdCheckUnit } from '../commit-fixtures.js';
import { checkValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import { captureStoreState } from '../store-state.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';
import { WorldBuilder } from '../world-builder.js';

const { containers, checks } = sampleIds;

/** isEmpty, importWorld and exportWorld. */
export const worldCases: readonly StoreConformanceCase[] = [
  {
    name: 'isEmpty: a new store is empty and exports an empty world',
    async run(store) {
      assert.equal(await store.isEmpty(), true);
      assert.deepEqual(await store.exportWorld(), emptyWorld);
    },
  },
  {
    name: 'isEmpty: a store holding only a user is not empty',
    async run(store) {
      const world = new WorldBuilder();
      world.user();
      await store.importWorld(world.build());
      assert.equal(await store.isEmpty(), false);
    },
  },
  {
    name: 'isEmpty: a store holding only a datastore is not empty',
    async run(store) {
      const world = new WorldBuilder();
      world.datastore();
      await store.importWorld(world.build());
      assert.equal(await store.isEmpty(), false);
    },
  },
  {
    name: 'importWorld: exportWorld gives the imported world back exactly (nested JSON, unicode, timestamps, lineage)',
    async run(store) {
      await store.importWorld(sampleWorld());
      assert.deepEqual(await store.exportWorld(), sampleWorld());
    },
  },
  {
    name: 'importWorld: ids are kept as given, gaps included',
    async run(store) {
      const world = new WorldBuilder();
      const datastore = world.datastore({ id: 7 });
      world.table(datastore.id, { id: 1000 });
      world.check(1000, { id: 123456 });
      await store.importWorld(world.build());
      assert.equal((await store.getContainer(1000))?.id, 1000);
      assert.deepEqual((await store.getChecks([123456])).map((check) => check.id), [123456]);
    },
  },
  {
    name: 'importWorld: into a store that is not empty rejects and changes nothing',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);
      const before = await captureStoreState(store, [operation.id]);

      const other = new WorldBuilder();
      const datastore = other.datastore({ id: 50, name: 'other' });
      other.user({ id: 50 });
      other.table(datastore.id, { id: 500 });
      other.check(500, { id: 5000 });
      await assert.rejects(store.importWorld(other.build()));

      assert.deepEqual(await captureStoreState(store, [operation.id]), before);
      // The rejected world's ids did not raise the next ids.
      const [created] = await store.applyEdits([{ kind: 'create_check', value: checkValue(containers.orders) }]);
      assert.equal(created, checks.stagingDiscarded + 2);
    },
  },
  {
    name: 'importWorld: an empty world leaves the store empty',
    async run(store) {
      await store.importWorld(emptyWorld);
      assert.equal(await store.isEmpty(), true);
      assert.deepEqual(await store.exportWorld(), emptyWorld);
    },
  },
  {
    name: 'exportWorld: every list is ascending id after edits across containers',
    async run(store) {
      await store.importWorld(sampleWorld());
      await store.applyEdits([
        { kind: 'create_check', value: checkValue(containers.stagingOrders) },
        { kind: 'create_check', value: checkValue(containers.orders) },
        { kind: 'create_field', value: { container_id: containers.orders, name: 'late', type: 'date', status: 'active' } },
        { kind: 'update_check', value: { ...checkValue(containers.stagingOrders), id: checks.notNull } },
      ]);
      const world = await store.exportWorld();
      for (const [name, list] of Object.entries(world)) {
        if (name === 'lineage') continue;
        const ids = (list as readonly { id: number }[]).map((row) => row.id);
        assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `${name} ascending id`);
      }
    },
  },
];
