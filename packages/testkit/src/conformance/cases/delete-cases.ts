import assert from 'node:assert/strict';
import type { OperationRecord } from '@promote/core';
import { createdCheckUnit, failedCheckUnit, operationInput } from '../commit-fixtures.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { containers, checks } = sampleIds;

const ended: readonly OperationRecord['result'][] = ['success', 'failure', 'aborted'];

/** Deleting an ended operation: its record and results go, what it wrote and its lineage stay, no id comes back. */
export const deleteCases: readonly StoreConformanceCase[] = [
  {
    name: 'deleteOperation: removes the operation and its results, returns it as it was, leaves the others',
    async run(store) {
      await store.importWorld(sampleWorld());
      const first = await store.createOperation(operationInput({}));
      const second = await store.createOperation(operationInput({}));
      await store.commit([
        failedCheckUnit({ operationId: first.id, seq: 0, sourceId: checks.notNull }),
        failedCheckUnit({ operationId: second.id, seq: 0, sourceId: checks.notNull }),
      ]);
      const finished = await store.updateOperation(first.id, { result: 'success', end_time: '2026-03-10T15:00:00Z' });

      assert.deepEqual(await store.deleteOperation(first.id, ended), finished);
      assert.equal(await store.getOperation(first.id), undefined);
      assert.deepEqual(await store.listResults(first.id), { items: [], total: 0, page: 1, size: 0 });
      const listed = await store.listOperations({ page: 1, size: 10 });
      assert.deepEqual({ ids: listed.items.map((operation) => operation.id), total: listed.total }, { ids: [second.id], total: 1 });
      assert.equal((await store.listResults(second.id)).total, 1);
      assert.equal(await store.deleteOperation(first.id, ended), undefined);
    },
  },
  {
    name: 'deleteOperation: changes nothing for an operation whose result is not one of from, or that does not exist',
    async run(store) {
      await store.importWorld(sampleWorld());
      const running = await store.createOperation(operationInput({}));
      await store.commit([failedCheckUnit({ operationId: running.id, seq: 0, sourceId: checks.notNull })]);
      const counted = await store.getOperation(running.id);
      assert.equal(await store.deleteOperation(running.id, ended), undefined);
      assert.deepEqual(await store.getOperation(running.id), counted);
      assert.equal((await store.listResults(running.id)).total, 1);
      assert.deepEqual(await store.listRunningOperations(), [counted]);
      assert.equal(await store.deleteOperation(99, ended), undefined);
      assert.deepEqual((await store.deleteOperation(running.id, ['running']))?.id, running.id);
      assert.deepEqual(await store.listRunningOperations(), []);
    },
  },
  {
    name: 'deleteOperation: what the operation wrote stays, and so do its lineage links',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput({}));
      const [row] = await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);
      const createdId = row!.destination_entity_id!;
      const linksBefore = await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull]);
      assert.ok(linksBefore.some((link) => link.destination_entity_id === createdId));
      await store.updateOperation(operation.id, { result: 'success', end_time: '2026-03-10T15:00:00Z' });

      assert.ok((await store.deleteOperation(operation.id, ended)) !== undefined);
      assert.deepEqual(await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull]), linksBefore);
      assert.deepEqual((await store.getChecks([createdId])).map((check) => check.id), [createdId]);
    },
  },
  {
    name: 'deleteOperation: the next operation and result ids are 1 + the largest ever assigned, deleted ones included',
    async run(store) {
      await store.importWorld(sampleWorld());
      const kept = await store.createOperation(operationInput({}));
      const [keptRow] = await store.commit([failedCheckUnit({ operationId: kept.id, seq: 0, sourceId: checks.notNull })]);
      const newest = await store.createOperation(operationInput({}));
      const rows = await store.commit([
        failedCheckUnit({ operationId: newest.id, seq: 0, sourceId: checks.notNull }),
        failedCheckUnit({ operationId: newest.id, seq: 1, sourceId: checks.between }),
      ]);
      await store.updateOperation(newest.id, { result: 'aborted', end_time: '2026-03-10T15:00:00Z' });
      assert.ok((await store.deleteOperation(newest.id, ended)) !== undefined);
      // An empty commit in between must not forget the deleted ids.
      assert.deepEqual(await store.commit([]), []);

      const next = await store.createOperation(operationInput({}));
      assert.equal(next.id, newest.id + 1);
      const [first, second] = await store.commit([
        failedCheckUnit({ operationId: next.id, seq: 0, sourceId: checks.notNull }),
        failedCheckUnit({ operationId: next.id, seq: 1, sourceId: checks.between }),
      ]);
      assert.deepEqual([first!.id, second!.id], [rows[1]!.id + 1, rows[1]!.id + 2]);
      assert.ok(keptRow!.id < rows[0]!.id);

      // A large batch after another delete: its first row takes the floor, the others follow it.
      await store.updateOperation(next.id, { result: 'aborted', end_time: '2026-03-10T16:00:00Z' });
      assert.ok((await store.deleteOperation(next.id, ended)) !== undefined);
      const last = await store.createOperation(operationInput({}));
      const many = await store.commit(Array.from({ length: 123 }, (_, index) => failedCheckUnit({ operationId: last.id, seq: index, sourceId: 500 + index })));
      assert.deepEqual(many.map((row) => row.id), many.map((_, index) => second!.id + 1 + index));

      // Creations after another delete: the first result takes the floor with its check, the rest
      // (creations a store may write in blocks) follow it; check ids run on in unit order.
      await store.updateOperation(last.id, { result: 'aborted', end_time: '2026-03-10T17:00:00Z' });
      assert.ok((await store.deleteOperation(last.id, ended)) !== undefined);
      const created = await store.createOperation(operationInput({}));
      const creations = await store.commit(Array.from({ length: 130 }, (_, index) => createdCheckUnit({ operationId: created.id, seq: index, sourceId: 700 + index }, { description: `after the floor ${index}` })));
      assert.deepEqual(creations.map((row) => row.id), creations.map((_, index) => many.at(-1)!.id + 1 + index));
      assert.deepEqual(creations.map((row) => row.destination_entity_id), creations.map((_, index) => checks.stagingDiscarded + 1 + index));
      const stored = await store.getChecks(creations.map((row) => row.destination_entity_id!));
      assert.deepEqual(creations.map((row) => row.after), stored);
    },
  },
];
