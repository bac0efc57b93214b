import assert from 'node:assert/strict';
import { emptyWorld, type Store } from '@promote/core';
import { operationInput } from '../commit-fixtures.js';
import { checkValue } from '../entity-values.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

/** One call of every method of the port (but close, and the optional ones). */
const everyCall: Readonly<Record<Exclude<keyof Store, 'close' | 'leases' | 'commitBlocks' | 'summarise' | 'listCheckKeys' | 'checkReady' | 'renderResultViews' | 'renderResultRange'>, (store: Store) => Promise<unknown>>> = {
  findUser: (store) => store.findUser({ id: 1 }),
  teamsOfUser: (store) => store.teamsOfUser(1),
  getDatastore: (store) => store.getDatastore(1),
  listDatastores: (store) => store.listDatastores(),
  getContainer: (store) => store.getContainer(1),
  getContainers: (store) => store.getContainers([1]),
  listContainers: (store) => store.listContainers(1),
  listFields: (store) => store.listFields(1),
  listChecks: (store) => store.listChecks(1),
  getChecks: (store) => store.getChecks([1]),
  listComputedFields: (store) => store.listComputedFields(1),
  getComputedFields: (store) => store.getComputedFields([1]),
  findLineage: (store) => store.findLineage('quality_check', 1, [1]),
  createOperation: (store) => store.createOperation(operationInput()),
  getOperation: (store) => store.getOperation(1),
  listOperations: (store) => store.listOperations({ page: 1, size: 10 }),
  listRunningOperations: (store) => store.listRunningOperations(),
  updateOperation: (store) => store.updateOperation(1, { result: 'aborted' }),
  transitionOperation: (store) => store.transitionOperation(1, ['running'], { result: 'aborted' }),
  deleteOperation: (store) => store.deleteOperation(1, ['success']),
  commit: (store) => store.commit([]),
  listResults: (store) => store.listResults(1),
  listResultsAfter: (store) => store.listResultsAfter(1, undefined, 10),
  applyEdits: (store) => store.applyEdits([{ kind: 'create_check', value: checkValue(1) }]),
  isEmpty: (store) => store.isEmpty(),
  importWorld: (store) => store.importWorld(emptyWorld),
  exportWorld: (store) => store.exportWorld(),
};

/** close(): later calls reject; close itself is idempotent. */
export const closeCases: readonly StoreConformanceCase[] = [
  {
    name: 'close: every later call rejects, and closing again is fine',
    async run(store) {
      await store.close();
      for (const [method, call] of Object.entries(everyCall)) {
        await assert.rejects(call(store), Error, `${method} after close`);
      }
      if (store.summarise !== undefined) await assert.rejects(store.summarise('quality_check', [1]), Error, 'summarise after close');
      if (store.checkReady !== undefined) await assert.rejects(store.checkReady(), Error, 'checkReady after close');
      if (store.leases !== undefined) {
        await assert.rejects(store.leases.tryAcquire('container:1', 'a', '2026-03-10T14:00:00Z', '2026-03-10T14:01:00Z'), Error);
        await assert.rejects(store.leases.release('container:1', 'a'), Error);
      }
      await store.close();
    },
  },
];
