import assert from 'node:assert/strict';
import { isLeaseLost, type CommitLease, type ScopeLeases, type Store } from '@promote/core';
import { createdCheckUnit, operationInput } from '../commit-fixtures.js';
import { sampleWorld } from '../sample-world.js';
import { captureStoreState } from '../store-state.js';
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
      // Where text and instants disagree: 15:00:05+02:00 sorts after 14:00:10Z as text, yet is 13:00:05Z.
      assert.equal(await leases.tryAcquire('datastore:2', 'a', '2026-03-10T14:00:00Z', '2026-03-10T14:00:10Z'), true);
      assert.equal(await leases.tryAcquire('datastore:2', 'b', '2026-03-10T15:00:05+02:00', '2026-03-10T14:01:00Z'), false, 'before the expiry as an instant');
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
    name: 'leases: commit under a lease its holder holds writes and extends the lease to the given expiry',
    requires: 'leases',
    async run(store) {
      const leases = leasesOf(store);
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0), at(1)), true);
      const lease: CommitLease = { scope: 'container:1', holder: 'a', now: at(0, 30), expiresAt: at(5) };
      const [row] = await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1 })], { lease });
      assert.equal(row?.result, 'created');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(3), at(6)), false, 'extended past its first expiry');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(5), at(6)), true, 'until the new expiry');
    },
  },
  {
    name: 'leases: commit under a lease another holder took, or that expired, or that was never taken, rejects with LeaseLostError and writes nothing',
    requires: 'leases',
    async run(store) {
      const leases = leasesOf(store);
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      const unit = createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1 });
      const refused = async (lease: CommitLease, why: string) => {
        const before = await captureStoreState(store, [operation.id]);
        await assert.rejects(store.commit([unit], { lease }), (error: unknown) => isLeaseLost(error), why);
        assert.deepEqual(await captureStoreState(store, [operation.id]), before, `${why}: nothing written`);
      };
      await refused({ scope: 'container:1', holder: 'a', now: at(0), expiresAt: at(1) }, 'never taken');
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0), at(1)), true);
      await refused({ scope: 'container:1', holder: 'a', now: at(1), expiresAt: at(2) }, 'expired at its expiry time');
      assert.equal(await leases.tryAcquire('container:1', 'b', at(1), at(2)), true);
      await refused({ scope: 'container:1', holder: 'a', now: at(1, 30), expiresAt: at(2, 30) }, 'taken by another holder');
      // The holder's own lease of another scope does not count.
      assert.equal(await leases.tryAcquire('container:2', 'a', at(1, 30), at(5)), true);
      await refused({ scope: 'container:1', holder: 'a', now: at(1, 40), expiresAt: at(2, 40) }, 'held for another scope');
      // And the refused commits did not disturb b's lease.
      assert.equal(await leases.tryAcquire('container:1', 'a', at(1, 50), at(3)), false);
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
  {
    name: 'leases: holderOf names the holder of an unexpired lease, and nobody for a free, released or expired scope',
    requires: 'lease-takeover',
    async run(store) {
      const leases = leasesOf(store);
      const holderOf = takeoverOf(leases).holderOf;
      assert.equal(await holderOf('container:1', at(0)), undefined, 'never taken');
      assert.equal(await leases.tryAcquire('container:1', 'a', at(0), at(1)), true);
      assert.equal(await holderOf('container:1', at(0, 59)), 'a');
      assert.equal(await holderOf('container:2', at(0, 30)), undefined, 'scopes are independent');
      assert.equal(await holderOf('container:1', at(1)), undefined, 'expired at its expiry time');
      assert.equal(await holderOf('container:1', '2026-03-10T16:00:30+02:00'), 'a', 'compared as instants');
      await leases.release('container:1', 'a');
      assert.equal(await holderOf('container:1', at(0, 30)), undefined, 'released');
    },
  },
  {
    name: 'leases: takeOver takes an unexpired lease only from the holder named, and a free or expired one from anybody',
    requires: 'lease-takeover',
    async run(store) {
      const leases = leasesOf(store);
      const { takeOver, holderOf } = takeoverOf(leases);
      assert.equal(await leases.tryAcquire('container:1', 'dead', at(0), at(10)), true);
      assert.equal(await takeOver('container:1', 'somebody-else', 'b', at(1), at(2)), false, 'not from a holder it does not name');
      assert.equal(await holderOf('container:1', at(1)), 'dead', 'a refused take-over changes nothing');
      assert.equal(await takeOver('container:1', 'dead', 'b', at(1), at(3)), true, 'from the holder named, unexpired');
      assert.equal(await holderOf('container:1', at(2)), 'b');
      assert.equal(await leases.tryAcquire('container:1', 'dead', at(2), at(12)), false, 'the old holder is refused now');
      assert.equal(await takeOver('container:1', 'dead', 'c', at(2), at(4)), false, 'a second take-over from the same holder loses');
      assert.equal(await leases.tryAcquire('container:1', 'c', at(2, 59), at(4)), false, "b's lease runs to its new expiry");
      assert.equal(await takeOver('container:1', 'dead', 'c', at(3), at(4)), true, 'an expired lease from anybody');
      assert.equal(await takeOver('container:2', 'nobody', 'c', at(3), at(4)), true, 'a free scope');
      assert.equal(await takeOver('container:2', 'nobody', 'c', at(3, 30), at(5)), true, 'its own lease: renewed');
      assert.equal(await leases.tryAcquire('container:2', 'd', at(4, 30), at(6)), false, 'to the new expiry');
    },
  },
  {
    name: 'leases: a commit under a lease taken over is fenced for the holder it was taken from',
    requires: 'lease-takeover',
    async run(store) {
      const leases = leasesOf(store);
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      assert.equal(await leases.tryAcquire('container:1', 'dead', at(0), at(10)), true);
      assert.equal(await takeoverOf(leases).takeOver('container:1', 'dead', 'b', at(1), at(3)), true);
      const unit = createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1 });
      const before = await captureStoreState(store, [operation.id]);
      await assert.rejects(store.commit([unit], { lease: { scope: 'container:1', holder: 'dead', now: at(1, 30), expiresAt: at(20) } }), (error: unknown) => isLeaseLost(error));
      assert.deepEqual(await captureStoreState(store, [operation.id]), before, 'nothing written');
      const [row] = await store.commit([unit], { lease: { scope: 'container:1', holder: 'b', now: at(2), expiresAt: at(4) } });
      assert.equal(row?.result, 'created');
    },
  },
];

/** The two take-over calls of a store that offers them (`requires: 'lease-takeover'`). */
function takeoverOf(leases: ScopeLeases): Required<Pick<ScopeLeases, 'holderOf' | 'takeOver'>> {
  const { holderOf, takeOver } = leases;
  assert.ok(holderOf !== undefined && takeOver !== undefined, 'the store offers holderOf and takeOver');
  return { holderOf: holderOf.bind(leases), takeOver: takeOver.bind(leases) };
}
