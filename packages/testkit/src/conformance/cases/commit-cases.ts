import assert from 'node:assert/strict';
import type { CommitUnit, ComputedField, Container, Store } from '@promote/core';
import { createdCheckUnit, failedCheckUnit, operationInput, skippedCheckUnit, updatedCheckUnit } from '../commit-fixtures.js';
import { checkValue, computedFieldValue, computedTableValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import { captureStoreState } from '../store-state.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { datastores, containers, checks, computedFields } = sampleIds;

async function startOperation(store: Store) {
  await store.importWorld(sampleWorld());
  return store.createOperation(operationInput());
}

/** A batch that must be refused: after the call, nothing of it — nor of anything else — changed. */
async function assertRejectedWithoutTrace(store: Store, operationIds: readonly number[], units: readonly CommitUnit[]) {
  const before = await captureStoreState(store, operationIds);
  await assert.rejects(store.commit(units));
  assert.deepEqual(await captureStoreState(store, operationIds), before);
}

/** commit: atomic units of write, result row, lineage link and status counters. */
export const commitCases: readonly StoreConformanceCase[] = [
  {
    name: 'commit: returns the stored rows with ids in the order of the units, as listResults shows them',
    async run(store) {
      const operation = await startOperation(store);
      const [destination] = await store.getChecks([checks.stagingArchived]);
      const units = [
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }),
        updatedCheckUnit({ operationId: operation.id, seq: 1, sourceId: checks.between }, destination!, { ...destination!, description: 'new' }),
        skippedCheckUnit({ operationId: operation.id, seq: 2, sourceId: 77 }, checks.stagingDiscarded),
        failedCheckUnit({ operationId: operation.id, seq: 3, sourceId: 78 }),
      ];
      const rows = await store.commit(units);
      const createdId = checks.stagingDiscarded + 1;
      assert.deepEqual(
        rows,
        units.map((unit, index) => ({
          id: index + 1,
          operation_id: unit.operation_id,
          seq: unit.seq,
          entity_type: unit.entity_type,
          source_entity_id: unit.source_entity_id,
          result: unit.result,
          destination_entity_id: unit.result === 'created' ? createdId : unit.destination_entity_id,
          message: unit.message,
          changes: unit.changes,
          before: unit.before,
          // What the unit wrote, as the store holds it now (its id included), for a revert (§16).
          after: unit.write === undefined ? null : { ...unit.write.value, id: unit.result === 'created' ? createdId : unit.destination_entity_id },
          search_text: unit.search_text,
        })),
      );
      assert.deepEqual(await store.listResults(operation.id), { items: rows, total: 4, page: 1, size: 4 });
      const written = new Map((await store.getChecks([createdId, checks.stagingArchived])).map((check) => [check.id, check]));
      assert.deepEqual([rows[0]!.after, rows[1]!.after], [written.get(createdId), written.get(checks.stagingArchived)]);
    },
  },
  {
    name: 'commit: a batch of hundreds of units returns rows with consecutive ids in unit order, as listResults shows them',
    async run(store) {
      const operation = await startOperation(store);
      const [first] = await store.commit([failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: 999 })]);
      // 237 rows: more than one block of any multi-row insert a store may use, and a remainder.
      const units = Array.from({ length: 237 }, (_, index): CommitUnit => {
        const position = { operationId: operation.id, seq: index + 1, sourceId: 1000 + index };
        if (index % 50 === 7) return createdCheckUnit(position, { description: `created ${index}` });
        return index % 3 === 0 ? failedCheckUnit(position, `failed ${index}`) : skippedCheckUnit(position, checks.stagingDiscarded);
      });
      const rows = await store.commit(units);
      assert.deepEqual(
        rows.map((row) => [row.id, row.seq, row.source_entity_id, row.result, row.message]),
        units.map((unit, index) => [first!.id + 1 + index, unit.seq, unit.source_entity_id, unit.result, unit.message]),
      );
      const created = rows.filter((row) => row.result === 'created').map((row) => row.destination_entity_id);
      assert.deepEqual(created, [1, 2, 3, 4, 5].map((offset) => checks.stagingDiscarded + offset));
      assert.deepEqual(await store.listResults(operation.id), { items: [first!, ...rows], total: 238, page: 1, size: 238 });
      assert.deepEqual((await store.getOperation(operation.id))?.status, { total: operation.status.total, created: 5, updated: 0, skipped: 155, failed: 78 });
    },
  },
  {
    name: 'commit: hundreds of created checks among updates and skips get consecutive ids in unit order; each result holds its check as stored, each link its id, in unit order',
    async run(store) {
      const operation = await startOperation(store);
      const [destination] = await store.getChecks([checks.stagingArchived]);
      const linksBefore = (await store.exportWorld()).lineage.length;
      // 237 units, 190 of them creations: more than one block of any multi-row insert a store may
      // use, and a remainder; an update, skips and failures between them.
      const units = Array.from({ length: 237 }, (_, index): CommitUnit => {
        const position = { operationId: operation.id, seq: index, sourceId: 1000 + index };
        if (index === 120) return updatedCheckUnit(position, destination!, { ...destination!, description: `updated ${index}` });
        if (index % 5 === 3) return index % 2 === 0 ? failedCheckUnit(position, `failed ${index}`) : skippedCheckUnit(position, checks.stagingDiscarded);
        return createdCheckUnit(position, { description: `created ${index}`, tags: index % 2 === 0 ? ['even'] : [], properties: { n: index } });
      });
      const rows = await store.commit(units);
      const created = rows.filter((row) => row.result === 'created');
      assert.equal(created.length, 189);
      assert.deepEqual(
        created.map((row) => row.destination_entity_id),
        created.map((_, index) => checks.stagingDiscarded + 1 + index),
      );
      const stored = new Map((await store.getChecks([...created.map((row) => row.destination_entity_id!), checks.stagingArchived])).map((check) => [check.id, check]));
      for (const row of rows) {
        if (row.result === 'created' || row.result === 'updated') assert.deepEqual(row.after, stored.get(row.destination_entity_id!));
        else assert.equal(row.after, null);
      }
      assert.deepEqual(await store.listResults(operation.id), { items: rows, total: 237, page: 1, size: 237 });
      const links = (await store.exportWorld()).lineage.slice(linksBefore);
      assert.deepEqual(
        links.map((link) => [link.source_entity_id, link.destination_entity_id]),
        rows.filter((row) => row.result !== 'failed').map((row) => [row.source_entity_id, row.destination_entity_id]),
      );
    },
  },
  {
    name: 'commit: a batch of creations that fails late writes nothing, and consumes no check id',
    async run(store) {
      const operation = await startOperation(store);
      // 150 creations (blocks a store may write only at the end), then a duplicate (operation, source).
      const units = Array.from({ length: 151 }, (_, index) => createdCheckUnit({ operationId: operation.id, seq: index, sourceId: index === 150 ? 1003 : 1000 + index }, { description: `created ${index}` }));
      await assertRejectedWithoutTrace(store, [operation.id], units);
      const [row] = await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1000 })]);
      assert.equal(row!.destination_entity_id, checks.stagingDiscarded + 1);
    },
  },
  {
    name: 'commit: a duplicate (operation, source) deep in a large batch makes the whole batch write nothing',
    async run(store) {
      const operation = await startOperation(store);
      const units = Array.from({ length: 180 }, (_, index) => skippedCheckUnit({ operationId: operation.id, seq: index, sourceId: 1000 + (index === 151 ? 3 : index) }, checks.stagingDiscarded));
      await assertRejectedWithoutTrace(store, [operation.id], units);
    },
  },
  {
    name: 'commit: a unit with record_link false records no lineage link, whatever its result (a revert\'s units)',
    async run(store) {
      const operation = await startOperation(store);
      const [destination] = await store.getChecks([checks.stagingArchived]);
      const lineageBefore = (await store.exportWorld()).lineage;
      await store.commit([
        { ...updatedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.between }, destination!, { ...destination!, status: 'archived' }), record_link: false },
        { ...skippedCheckUnit({ operationId: operation.id, seq: 1, sourceId: 77 }, checks.stagingDiscarded), record_link: false },
      ]);
      assert.deepEqual((await store.exportWorld()).lineage, lineageBefore);
      assert.equal((await store.getChecks([checks.stagingArchived]))[0]?.status, 'archived');
    },
  },
  {
    name: 'commit: an empty batch returns no rows and changes nothing',
    async run(store) {
      const operation = await startOperation(store);
      const before = await captureStoreState(store, [operation.id]);
      assert.deepEqual(await store.commit([]), []);
      assert.deepEqual(await captureStoreState(store, [operation.id]), before);
    },
  },
  {
    name: 'commit: a created unit gets the id assigned to its write, and the entity is stored with that id',
    async run(store) {
      const operation = await startOperation(store);
      const [row] = await store.commit([
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.between }, { description: 'new one', tags: ['x'] }),
      ]);
      const id = checks.stagingDiscarded + 1;
      assert.equal(row?.destination_entity_id, id);
      assert.deepEqual(await store.getChecks([id]), [
        { ...checkValue(containers.stagingOrders, { description: 'new one', tags: ['x'] }), id },
      ]);
      assert.deepEqual((await store.listChecks(containers.stagingOrders)).map((check) => check.id), [
        checks.stagingArchived,
        checks.stagingDiscarded,
        id,
      ]);
    },
  },
  {
    name: 'commit: writes of computed fields and containers are stored, created and updated',
    async run(store) {
      await store.importWorld(sampleWorld());
      const fieldOperation = await store.createOperation(operationInput({ promote_type: 'computed_field' }));
      const tableOperation = await store.createOperation(
        operationInput({ promote_type: 'computed_table', container: null, destination_container: null, destination_scope: 'datastore:2' }),
      );
      const [existingField] = await store.getComputedFields([computedFields.stagingAmountUsd]);
      const replacementField: ComputedField = { ...existingField!, status: 'active', source_fields: ['ID'] };
      const [revenue] = await store.getContainers([containers.revenue]);
      const base = { message: null, changes: null, before: null, search_text: 'x' } as const;
      const rows = await store.commit([
        {
          ...base,
          operation_id: fieldOperation.id,
          seq: 0,
          entity_type: 'computed_field',
          source_entity_id: computedFields.amountUsd,
          result: 'updated',
          write: { kind: 'update_computed_field', value: replacementField },
          destination_entity_id: existingField!.id,
          destination_scope_id: containers.stagingOrders,
          message: 'Reactivated non-active field on destination',
          before: existingField,
        },
        {
          ...base,
          operation_id: fieldOperation.id,
          seq: 1,
          entity_type: 'computed_field',
          source_entity_id: computedFields.expression,
          result: 'created',
          write: { kind: 'create_computed_field', value: computedFieldValue(containers.stagingOrders, { name: 'doubled' }) },
          destination_entity_id: null,
          destination_scope_id: containers.stagingOrders,
        },
        {
          ...base,
          operation_id: tableOperation.id,
          seq: 0,
          entity_type: 'computed_table',
          source_entity_id: containers.revenue,
          result: 'created',
          write: { kind: 'create_container', value: computedTableValue(datastores.staging, { name: 'revenue' }) },
          destination_entity_id: null,
          destination_scope_id: datastores.staging,
        },
        {
          ...base,
          operation_id: tableOperation.id,
          seq: 1,
          entity_type: 'computed_table',
          source_entity_id: 500,
          result: 'updated',
          write: { kind: 'update_container', value: { ...revenue!, query: 'select 2' } as Container },
          destination_entity_id: containers.revenue,
          destination_scope_id: datastores.warehouse,
        },
      ]);
      const newFieldId = computedFields.stagingAmountUsd + 1;
      const newContainerId = containers.eventsByCountry + 1;
      assert.deepEqual(rows.map((row) => row.destination_entity_id), [existingField!.id, newFieldId, newContainerId, containers.revenue]);
      assert.deepEqual(await store.listComputedFields(containers.stagingOrders), [
        replacementField,
        { ...computedFieldValue(containers.stagingOrders, { name: 'doubled' }), id: newFieldId },
      ]);
      assert.deepEqual(await store.getContainer(newContainerId), {
        ...computedTableValue(datastores.staging, { name: 'revenue' }),
        id: newContainerId,
      });
      assert.deepEqual(await store.getContainer(containers.revenue), { ...revenue!, query: 'select 2' });
      assert.deepEqual((await store.getOperation(fieldOperation.id))?.status, { total: 4, created: 1, updated: 1, skipped: 0, failed: 0 });
      assert.deepEqual((await store.getOperation(tableOperation.id))?.status, { total: 4, created: 1, updated: 1, skipped: 0, failed: 0 });
    },
  },
  {
    name: 'commit: status counters follow the results, across commits, and total is kept',
    async run(store) {
      const operation = await startOperation(store);
      const other = await store.createOperation(operationInput({ status: { total: 9, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      const [destination] = await store.getChecks([checks.stagingArchived]);
      await store.commit([
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1 }),
        failedCheckUnit({ operationId: operation.id, seq: 1, sourceId: 2 }),
        failedCheckUnit({ operationId: operation.id, seq: 2, sourceId: 3 }),
      ]);
      assert.deepEqual((await store.getOperation(operation.id))?.status, { total: 4, created: 1, updated: 0, skipped: 0, failed: 2 });
      await store.commit([
        updatedCheckUnit({ operationId: operation.id, seq: 3, sourceId: 4 }, destination!, { ...destination!, description: 'x' }),
        skippedCheckUnit({ operationId: other.id, seq: 0, sourceId: 1 }, checks.stagingDiscarded),
      ]);
      assert.deepEqual((await store.getOperation(operation.id))?.status, { total: 4, created: 1, updated: 1, skipped: 0, failed: 2 });
      assert.deepEqual((await store.getOperation(other.id))?.status, { total: 9, created: 0, updated: 0, skipped: 1, failed: 0 });
    },
  },
  {
    name: 'commit: the same source entity may have a result in each of two operations',
    async run(store) {
      const first = await startOperation(store);
      const second = await store.createOperation(operationInput());
      await store.commit([failedCheckUnit({ operationId: first.id, seq: 0, sourceId: checks.notNull })]);
      await store.commit([failedCheckUnit({ operationId: second.id, seq: 0, sourceId: checks.notNull })]);
      assert.equal((await store.listResults(first.id)).total, 1);
      assert.equal((await store.listResults(second.id)).total, 1);
    },
  },
  {
    name: 'commit: a unit whose (operation, source) already has a result makes the whole batch write nothing',
    async run(store) {
      const operation = await startOperation(store);
      await store.commit([failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);
      await assertRejectedWithoutTrace(store, [operation.id], [
        createdCheckUnit({ operationId: operation.id, seq: 1, sourceId: checks.between }),
        createdCheckUnit({ operationId: operation.id, seq: 2, sourceId: checks.notNull }),
      ]);
    },
  },
  {
    name: 'commit: two units with the same (operation, source) in one batch write nothing at all',
    async run(store) {
      const operation = await startOperation(store);
      await assertRejectedWithoutTrace(store, [operation.id], [
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }),
        skippedCheckUnit({ operationId: operation.id, seq: 1, sourceId: checks.between }, checks.stagingArchived),
        createdCheckUnit({ operationId: operation.id, seq: 2, sourceId: checks.notNull }),
      ]);
    },
  },
  {
    name: 'commit: an update of a missing entity makes the whole batch write nothing',
    async run(store) {
      const operation = await startOperation(store);
      const [destination] = await store.getChecks([checks.stagingArchived]);
      await assertRejectedWithoutTrace(store, [operation.id], [
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }),
        failedCheckUnit({ operationId: operation.id, seq: 1, sourceId: 5 }),
        updatedCheckUnit({ operationId: operation.id, seq: 2, sourceId: checks.between }, { ...destination!, id: 999 }, { ...destination!, id: 999 }),
      ]);
    },
  },
  {
    name: 'commit: a write into a container that does not exist makes the whole batch write nothing',
    async run(store) {
      const operation = await startOperation(store);
      await assertRejectedWithoutTrace(store, [operation.id], [
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }),
        createdCheckUnit({ operationId: operation.id, seq: 1, sourceId: checks.between, containerId: 999 }),
      ]);
    },
  },
  {
    name: 'commit: a unit of an operation that does not exist makes the whole batch write nothing',
    async run(store) {
      const operation = await startOperation(store);
      await assertRejectedWithoutTrace(store, [operation.id], [
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }),
        failedCheckUnit({ operationId: 999, seq: 0, sourceId: checks.notNull }),
      ]);
    },
  },
];
