import type { ListedResult, OperationRecord, PromoteResultRecord, Store } from '@promote/core';
import { guardStore } from '@promote/core';
import { storeConformanceCases } from '@promote/testkit';
import { describe, expect, test } from 'vitest';
import { createMemoryStore } from './index.js';

/** A result row as `listResultsAfter` answers it. */
const withoutImages = ({ before: _before, after: _after, ...listed }: PromoteResultRecord): ListedResult => listed;

/**
 * The conformance suite must catch broken stores: each mutant below is the memory store with one
 * contract broken, and at least one case has to fail on it (run, as the engine and the suite run
 * every store, under the store runtime). A mutant no case catches means a gap in the suite. What
 * the runtime owns (use-after-close, page and patch checks) is pinned by its own tests in core.
 */
const mutants: Record<string, (store: Store) => Partial<Store>> = {
  'commit applies unit by unit (not atomic)': (store) => ({
    async commit(units) {
      const rows: PromoteResultRecord[] = [];
      for (const unit of units) rows.push(...(await store.commit([unit])));
      return rows;
    },
  }),
  'commit ignores its lease (no fence)': (store) => ({
    async commit(units) {
      return store.commit(units);
    },
  }),
  'commit does not extend its lease': (store) => ({
    async commit(units, options) {
      const rows = await store.commit(units, options);
      const lease = options?.lease;
      if (lease !== undefined) {
        // Put the lease back to expire a moment after `now`, as if the commit had not extended it.
        await store.leases?.release(lease.scope, lease.holder);
        await store.leases?.tryAcquire(lease.scope, lease.holder, lease.now, new Date(Date.parse(lease.now) + 1).toISOString());
      }
      return rows;
    },
  }),
  'applyEdits applies edit by edit (not atomic)': (store) => ({
    async applyEdits(edits) {
      const ids: number[] = [];
      for (const edit of edits) ids.push(...(await store.applyEdits([edit])));
      return ids;
    },
  }),
  'commit does not report the assigned id of created units': (store) => ({
    async commit(units) {
      return (await store.commit(units)).map((row) => (row.result === 'created' ? { ...row, destination_entity_id: null } : row));
    },
  }),
  'listCheckKeys includes the check at afterId': (store) => ({
    async listCheckKeys(containerId, afterId, limit) {
      return store.listCheckKeys!(containerId, afterId - 1, limit);
    },
  }),
  'listCheckKeys ignores its limit': (store) => ({
    async listCheckKeys(containerId, afterId) {
      return store.listCheckKeys!(containerId, afterId, 1_000_000);
    },
  }),
  'findLineage oldest first': (store) => ({
    async findLineage(...args) {
      return [...(await store.findLineage(...args))].reverse();
    },
  }),
  'exportWorld lineage newest first': (store) => ({
    async exportWorld() {
      const world = await store.exportWorld();
      return { ...world, lineage: [...world.lineage].reverse() };
    },
  }),
  'listResults total counts the page only': (store) => ({
    async listResults(operationId, query) {
      const page = await store.listResults(operationId, query);
      return { ...page, total: page.items.length };
    },
  }),
  'listResults search is case-sensitive': (store) => ({
    async listResults(operationId, query) {
      const page = await store.listResults(operationId, query);
      const search = query?.search;
      if (search === undefined || search === search.toLowerCase()) return page;
      return { ...page, items: [], total: 0 };
    },
  }),
  'listResults ignores the result filter': (store) => ({
    async listResults(operationId, query) {
      return store.listResults(operationId, { ...query, results: undefined });
    },
  }),
  'listResultsAfter includes the result at its position': (store) => ({
    async listResultsAfter(operationId, after, limit) {
      return store.listResultsAfter(operationId, after === undefined ? undefined : { seq: after.seq, id: Math.max(0, after.id - 1) }, limit);
    },
  }),
  'listResultsAfter skips the rest of the seq it starts in (seq alone compared)': (store) => ({
    async listResultsAfter(operationId, after, limit) {
      return store.listResultsAfter(operationId, after === undefined || after.id === 0 ? after : { seq: after.seq, id: Number.MAX_SAFE_INTEGER }, limit);
    },
  }),
  'listResultsAfter in commit (id) order': (store) => ({
    async listResultsAfter(operationId, after, limit) {
      const all = (await store.listResults(operationId)).items.map(withoutImages).sort((a, b) => a.id - b.id);
      return all.filter((row) => after === undefined || row.id > after.id).slice(0, limit);
    },
  }),
  'listResultsAfter ignores the limit': (store) => ({
    async listResultsAfter(operationId, after) {
      return store.listResultsAfter(operationId, after, Number.MAX_SAFE_INTEGER);
    },
  }),
  'listResultsAfter reads every operation\'s results': (store) => ({
    async listResultsAfter(operationId, after, limit) {
      const operations = (await store.listOperations({ page: 1, size: 1000 })).items.map((operation) => operation.id).sort((a, b) => a - b);
      const all = (await Promise.all([...new Set([...operations, operationId])].map(async (id) => (await store.listResults(id)).items.map(withoutImages)))).flat();
      all.sort((a, b) => a.seq - b.seq || a.id - b.id);
      return all.filter((row) => after === undefined || row.seq > after.seq || (row.seq === after.seq && row.id > after.id)).slice(0, limit);
    },
  }),
  'listOperations oldest first': (store) => ({
    async listOperations(query) {
      const page = await store.listOperations(query);
      return { ...page, items: [...page.items].reverse() };
    },
  }),
  'listOperations ignores visibleDatastores': (store) => ({
    async listOperations(query) {
      return store.listOperations({ ...query, visibleDatastores: undefined });
    },
  }),
  'listOperations pages before keeping the visible ones': (store) => ({
    async listOperations(query) {
      const page = await store.listOperations({ ...query, visibleDatastores: undefined });
      const visible = query.visibleDatastores === undefined ? undefined : new Set(query.visibleDatastores);
      const items = visible === undefined ? page.items : page.items.filter((operation) => visible.has(operation.datastore.id) && visible.has(operation.destination_datastore.id));
      return { ...page, items };
    },
  }),
  'listOperations ignores the datastore filter': (store) => ({
    async listOperations(query) {
      return store.listOperations({ ...query, datastore: undefined });
    },
  }),
  'listRunningOperations newest first': (store) => ({
    async listRunningOperations() {
      return [...(await store.listRunningOperations())].reverse();
    },
  }),
  'status counters miss skipped results': (store) => ({
    async getOperation(id) {
      const operation = await store.getOperation(id);
      return operation && { ...operation, status: { ...operation.status, skipped: 0 } };
    },
  }),
  'getChecks keeps the order and repeats of the ids asked': (store) => ({
    async getChecks(ids) {
      return (await Promise.all(ids.map((id) => store.getChecks([id])))).flat();
    },
  }),
  'findUser compares emails case-sensitively': (store) => ({
    async findUser(by) {
      const user = await store.findUser(by);
      return 'email' in by && user?.email !== by.email ? undefined : user;
    },
  }),
  'teamsOfUser in no particular order': (store) => ({
    async teamsOfUser(userId) {
      return [...(await store.teamsOfUser(userId))].reverse();
    },
  }),
  'isEmpty looks at datastores only': (store) => ({
    async isEmpty() {
      return (await store.listDatastores()).length === 0;
    },
  }),
  'getOperation hands out one mutable object that later reads update': (store) => {
    const handedOut = new Map<number, OperationRecord>();
    return {
      async getOperation(id) {
        const fresh = await store.getOperation(id);
        if (fresh === undefined) return undefined;
        const previous = handedOut.get(id);
        if (previous === undefined) {
          const copy = structuredClone(fresh);
          handedOut.set(id, copy);
          return copy;
        }
        return Object.assign(previous, structuredClone(fresh));
      },
    };
  },
  'importWorld into a non-empty store resolves': (store) => ({
    async importWorld(world) {
      if (await store.isEmpty()) await store.importWorld(world);
    },
  }),
  'listContainers leaves out soft-deleted containers': (store) => ({
    async listContainers(datastoreId) {
      return (await store.listContainers(datastoreId)).filter((container) => container.deleted_at === null);
    },
  }),
  'listChecks leaves out archived and discarded checks': (store) => ({
    async listChecks(containerId) {
      return (await store.listChecks(containerId)).filter((check) => check.status === 'active' || check.status === 'draft');
    },
  }),
  'updateOperation drops the fields it was not given': (store) => ({
    async updateOperation(id, patch) {
      return store.updateOperation(id, { message: null, aborted_by: null, ...patch });
    },
  }),
  'deleteOperation deletes whatever the result (a running operation too)': (store) => ({
    async deleteOperation(id) {
      return store.deleteOperation(id, ['running', 'success', 'failure', 'aborted']);
    },
  }),
  'deleteOperation answers the operation but deletes nothing': (store) => ({
    async deleteOperation(id, from) {
      const operation = await store.getOperation(id);
      return operation !== undefined && from.includes(operation.result) ? operation : undefined;
    },
  }),
  'deleteOperation gives the deleted ids out again': (store) => {
    // The next operation takes the id of the newest deleted one.
    const reusable: number[] = [];
    return {
      async deleteOperation(id, from) {
        const deleted = await store.deleteOperation(id, from);
        if (deleted !== undefined) reusable.push(deleted.id);
        return deleted;
      },
      async createOperation(operation) {
        const created = await store.createOperation(operation);
        const reused = reusable.pop();
        return reused === undefined ? created : { ...created, id: reused };
      },
    };
  },
  'leases never refuse': (store) => ({
    leases: {
      tryAcquire: async () => true,
      release: (scope, holder) => store.leases!.release(scope, holder),
    },
  }),
  'takeOver takes from any holder': (store) => ({
    leases: {
      ...store.leases!,
      takeOver: async (scope, _previous, holder, now, expiresAt) => {
        await store.leases!.release(scope, (await store.leases!.holderOf!(scope, now)) ?? holder);
        return store.leases!.tryAcquire(scope, holder, now, expiresAt);
      },
    },
  }),
  'holderOf still names the holder of an expired lease': (store) => ({
    leases: {
      ...store.leases!,
      holderOf: (scope) => store.leases!.holderOf!(scope, '1970-01-01T00:00:00Z'),
    },
  }),
};

describe('the conformance suite catches a broken store', () => {
  for (const [name, breakIt] of Object.entries(mutants)) {
    test(name, async () => {
      const failed: string[] = [];
      for (const conformanceCase of storeConformanceCases) {
        const inner = createMemoryStore();
        const store = guardStore({ ...inner, ...breakIt(inner) });
        try {
          await conformanceCase.run(store);
        } catch {
          failed.push(conformanceCase.name);
        } finally {
          await inner.close();
        }
      }
      expect(failed.length).toBeGreaterThan(0);
    });
  }
});
