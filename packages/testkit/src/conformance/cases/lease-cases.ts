import assert from 'node:assert/strict';
import type { ScopeLeases, Store } from '@promote/core';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const at = (minute: number, second = 0) => `2026-03-10T14:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;

function leasesOf(store: Store): ScopeLeases {
  assert.ok(store.leases, 'the store offers leases');
  return store.leases;
}

/** ScopeLeases: cross-process exclusion per destination scope (optional part of the port). */
export const leaseCases: readonly StoreConformanceCase[] = [
  {
    name: 'leases: a free scope is taken; its holder renews it; another holder is refused until it expires',
    requires: 'leases',
    async run(store) {
      const leases = leasesOf(store);
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0), at(1)), true);
      assert.equal(await leases.tryAcquire('container:1', 'b', at(0, 30), at(1, 30)), false);
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0, 50), at(2)), true, 'renewed');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(1, 30), at(2, 30)), false, 'the renewal holds');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(2), at(3)), true, 'expired at its expiry time');
      assert.equal(await leases.tryAcquire('container:1', 'a', at(2, 30), at(3, 30)), false, 'b holds it now');
    },
  },
  {
    name: 'leases: timestamps compare as instants, with or without milliseconds or offset',
    requires: 'leases',
    async run(store) {
      const leases = leasesOf(store);
      assert.equal(await leases.tryAcquire('datastore:1', 'a', '2026-03-10T14:00:00Z', '2026-03-10T14:00:10Z'), true);
      assert.equal(await leases.tryAcquire('datastore:1', 'b', '2026-03-10T14:00:09.999Z', '2026-03-10T14:01:00Z'), false);
      assert.equal(await leases.tryAcquire('datastore:1', 'b', '2026-03-10T16:00:10+02:00', '2026-03-10T14:01:00Z'), true);
    },
  },
  {
    name: 'leases: release by another holder does nothing; release by the holder frees the scope',
    requires: 'leases',
    async run(store) {
      const leases = leasesOf(store);
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0), at(10)), true);
      await leases.release('container:1', 'b');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(1), at(11)), false);
      await leases.release('container:1', 'a');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(1), at(11)), true);
      await leases.release('container:2', 'a');
      await leases.release('container:1', 'b');
      await leases.release('container:1', 'b');
    },
  },
  {
    name: 'leases: scopes are independent',
    requires: 'leases',
    async run(store) {
      const leases = leasesOf(store);
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0), at(10)), true);
      assert.equal(await leases.tryAcquire('container:2', 'b', at(0), at(10)), true);
      assert.equal(await leases.tryAcquire('datastore:1', 'c', at(0), at(10)), true);
      assert.equal(await leases.tryAcquire('container:1', 'b', at(1), at(10)), false);
      await leases.release('container:2', 'b');
      assert.equal(await leases.tryAcquire('container:1', 'c', at(1), at(10)), false);
    },
  },
];
