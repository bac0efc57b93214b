import assert from 'node:assert/strict';
import type { StoreConformanceCase } from '../store-conformance-case.js';
import { sampleWorld } from '../sample-world.js';
import { captureStoreState } from '../store-state.js';

/** checkReady (optional): what readiness probes ask. */
export const readyCases: readonly StoreConformanceCase[] = [
  {
    name: 'checkReady: a store just opened is ready, empty or not, and asking writes nothing',
    requires: 'ready',
    async run(store) {
      const checkReady = store.checkReady?.bind(store);
      assert.ok(checkReady);
      assert.equal(await checkReady(), undefined);
      await store.importWorld(sampleWorld());
      const before = await captureStoreState(store);
      assert.equal(await checkReady(), undefined);
      assert.deepEqual(await captureStoreState(store), before);
    },
  },
];
