import assert from 'node:assert/strict';
import type { OperationRecord, Store } from '@promote/core';
import { failedCheckUnit, operationInput } from '../commit-fixtures.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { datastores, checks } = sampleIds;

const ids = (operations: readonly OperationRecord[]) => operations.map((operation) => operation.id);

/**
 * Six operations: 1 checks warehouse→staging success, 2 computed tables warehouse→lake running,
 * 3 checks staging→staging failure, 4 computed fields lake→warehouse running, 5 checks
 * warehouse→staging aborted, 6 computed tables staging→lake success.
 */
async function sixOperations(store: Store): Promise<readonly OperationRecord[]> {
  const ref = (id: number) => ({ id, name: `datastore ${id}` });
  const specs: [OperationRecord['promote_type'], OperationRecord['result'], number, number][] = [
    ['quality_check', 'success', datastores.warehouse, datastores.staging],
    ['computed_table', 'running', datastores.warehouse, datastores.lake],
    ['quality_check', 'failure', datastores.staging, datastores.staging],
    ['computed_field', 'running', datastores.lake, datastores.warehouse],
    ['quality_check', 'aborted', datastores.warehouse, datastores.staging],
    ['computed_table', 'success', datastores.staging, datastores.lake],
  ];
  const created: OperationRecord[] = [];
  for (const [promoteType, result, source, destination] of specs) {
    created.push(
      await store.createOperation(
        operationInput({
          promote_type: promoteType,
          result,
          datastore: ref(source),
          destination_datastore: ref(destination),
          end_time: result === 'running' ? null : '2026-03-10T15:00:00Z',
        }),
      ),
    );
  }
  return created;
}

/** Operations: create, get, list with filters, running ones, update. */
export const operationCases: readonly StoreConformanceCase[] = [
  {
    name: 'createOperation, getOperation: stored exactly with the assigned id; undefined when absent',
    async run(store) {
      const input = operationInput({ as_draft: false, message: 'ünïcode — message', start_time: '2026-03-10T14:30:00.001Z' });
      const operation = await store.createOperation(input);
      assert.deepEqual(operation, { ...input, id: 1 });
      assert.deepEqual(await store.getOperation(operation.id), operation);
      assert.equal(await store.getOperation(2), undefined);
      const withoutDraft = operationInput({ promote_type: 'computed_table', container: null, destination_container: null });
      delete (withoutDraft as { as_draft?: boolean }).as_draft;
      const second = await store.createOperation(withoutDraft);
      assert.deepEqual(await store.getOperation(second.id), { ...withoutDraft, id: 2 });
    },
  },
  {
    name: 'listOperations: newest first, one page at a time, total counts every match',
    async run(store) {
      const operations = await sixOperations(store);
      const first = await store.listOperations({ page: 1, size: 4 });
      assert.deepEqual(ids(first.items), [6, 5, 4, 3]);
      assert.deepEqual({ total: first.total, page: first.page, size: first.size }, { total: 6, page: 1, size: 4 });
      const second = await store.listOperations({ page: 2, size: 4 });
      assert.deepEqual(ids(second.items), [2, 1]);
      assert.equal(second.total, 6);
      assert.deepEqual(await store.listOperations({ page: 3, size: 4 }), { items: [], total: 6, page: 3, size: 4 });
      const all = await store.listOperations({ page: 1, size: 100 });
      assert.deepEqual(all.items, [...operations].reverse());
    },
  },
  {
    name: 'listOperations: filters by result, promote_type and datastore (source or destination), combined',
    async run(store) {
      await sixOperations(store);
      const list = async (query: Omit<Parameters<Store['listOperations']>[0], 'page' | 'size'>) => {
        const page = await store.listOperations({ ...query, page: 1, size: 50 });
        assert.equal(page.total, page.items.length);
        return ids(page.items);
      };
      assert.deepEqual(await list({ result: 'running' }), [4, 2]);
      assert.deepEqual(await list({ result: 'success' }), [6, 1]);
      assert.deepEqual(await list({ promote_type: 'quality_check' }), [5, 3, 1]);
      assert.deepEqual(await list({ promote_type: 'computed_file' }), []);
      assert.deepEqual(await list({ datastore: datastores.lake }), [6, 4, 2]);
      assert.deepEqual(await list({ datastore: datastores.staging }), [6, 5, 3, 1]);
      assert.deepEqual(await list({ datastore: datastores.warehouse, promote_type: 'quality_check' }), [5, 1]);
      assert.deepEqual(await list({ datastore: datastores.warehouse, result: 'running', promote_type: 'computed_field' }), [4]);
      assert.deepEqual(await list({ datastore: 999 }), []);
      const page = await store.listOperations({ datastore: datastores.staging, page: 2, size: 3 });
      assert.deepEqual({ ...page, items: ids(page.items) }, { items: [1], total: 4, page: 2, size: 3 });
    },
  },
  {
    name: 'listOperations: visibleDatastores keeps the operations whose source and destination are both visible, before paging',
    async run(store) {
      await sixOperations(store);
      const list = async (visibleDatastores: readonly number[], size = 50, extra: { result?: OperationRecord['result'] } = {}) => {
        const page = await store.listOperations({ visibleDatastores, ...extra, page: 1, size });
        return { ids: ids(page.items), total: page.total };
      };
      assert.deepEqual(await list([datastores.warehouse, datastores.staging]), { ids: [5, 3, 1], total: 3 });
      assert.deepEqual(await list([datastores.staging]), { ids: [3], total: 1 });
      assert.deepEqual(await list([datastores.lake, datastores.warehouse, datastores.staging], 2), { ids: [6, 5], total: 6 });
      assert.deepEqual(await list([datastores.warehouse, datastores.lake], 50, { result: 'running' }), { ids: [4, 2], total: 2 });
      assert.deepEqual(await list([]), { ids: [], total: 0 });
      const both = await store.listOperations({ visibleDatastores: [datastores.staging, datastores.lake], datastore: datastores.lake, page: 1, size: 50 });
      assert.deepEqual(ids(both.items), [6]);
    },
  },
  {
    name: 'listRunningOperations: the running operations, ascending id, following updates',
    async run(store) {
      await sixOperations(store);
      assert.deepEqual(ids(await store.listRunningOperations()), [2, 4]);
      await store.updateOperation(2, { result: 'aborted', aborted_by: null, message: 'Interrupted: the process stopped before the operation finished' });
      await store.updateOperation(5, { result: 'running', end_time: null, aborted_by: null });
      await store.updateOperation(1, { result: 'running' });
      assert.deepEqual(ids(await store.listRunningOperations()), [1, 4, 5]);
      assert.deepEqual((await store.listRunningOperations())[2], await store.getOperation(5));
    },
  },
  {
    name: 'updateOperation: changes the given fields only, returns the operation, keeps the counters',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput({ aborted_by: 'someone@example.com' }));
      await store.commit([failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);
      const counted = (await store.getOperation(operation.id))!;

      const ended = await store.updateOperation(operation.id, { result: 'failure', end_time: '2026-03-10T15:00:00.5Z' });
      assert.deepEqual(ended, { ...counted, result: 'failure', end_time: '2026-03-10T15:00:00.5Z' });
      assert.deepEqual(await store.getOperation(operation.id), ended);

      const cleared = await store.updateOperation(operation.id, { aborted_by: null, message: 'Store failure: disk full' });
      assert.deepEqual(cleared, { ...ended, aborted_by: null, message: 'Store failure: disk full' });

      const unchanged = await store.updateOperation(operation.id, {});
      assert.deepEqual(unchanged, cleared);
      assert.deepEqual(unchanged.status, { total: 4, created: 0, updated: 0, skipped: 0, failed: 1 });
    },
  },
  {
    name: 'transitionOperation: applies the patch only from the given results, and says whether it did',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput({}));
      assert.equal(operation.result, 'running');
      assert.equal(await store.transitionOperation(operation.id, ['aborted', 'failure'], { result: 'running', message: 'x' }), undefined);
      assert.deepEqual(await store.getOperation(operation.id), operation);
      const aborted = await store.transitionOperation(operation.id, ['running'], { result: 'aborted', aborted_by: 'a@example.com', end_time: '2026-03-10T15:00:00Z' });
      assert.deepEqual(aborted, { ...operation, result: 'aborted', aborted_by: 'a@example.com', end_time: '2026-03-10T15:00:00Z' });
      assert.deepEqual(await store.getOperation(operation.id), aborted);
      // A second engine finishing the same operation loses: the abort stays.
      assert.equal(await store.transitionOperation(operation.id, ['running'], { result: 'success', end_time: '2026-03-10T15:00:01Z' }), undefined);
      assert.deepEqual(await store.getOperation(operation.id), aborted);
      assert.equal(await store.transitionOperation(operation.id, [], { result: 'running' }), undefined);
      const resumed = await store.transitionOperation(operation.id, ['aborted', 'failure'], { result: 'running', aborted_by: null, end_time: null });
      assert.deepEqual(resumed, { ...aborted, result: 'running', aborted_by: null, end_time: null });
    },
  },
  {
    name: 'transitionOperation: an operation that does not exist rejects',
    async run(store) {
      await assert.rejects(store.transitionOperation(1, ['running'], { result: 'aborted' }));
    },
  },
  {
    name: 'updateOperation: an operation that does not exist rejects',
    async run(store) {
      await assert.rejects(store.updateOperation(1, { result: 'aborted' }));
      assert.equal(await store.getOperation(1), undefined);
    },
  },
];
