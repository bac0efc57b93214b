import assert from 'node:assert/strict';
import { createdCheckUnit, failedCheckUnit, operationInput } from '../commit-fixtures.js';
import { checkValue, computedFieldValue, computedTableValue, fieldValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { datastores, containers, fields, checks, computedFields } = sampleIds;

/** The id rule: 1 + the largest id that kind has ever had, imported ids included. */
export const idCases: readonly StoreConformanceCase[] = [
  {
    name: 'ids: a created entity gets 1 + the largest imported id of its kind',
    async run(store) {
      await store.importWorld(sampleWorld());
      const created = await store.applyEdits([
        { kind: 'create_check', value: checkValue(containers.orders) },
        { kind: 'create_computed_field', value: computedFieldValue(containers.orders, { name: 'fresh' }) },
        { kind: 'create_container', value: computedTableValue(datastores.warehouse, { name: 'fresh' }) },
        { kind: 'create_field', value: fieldValue(containers.orders, { name: 'fresh' }) },
        { kind: 'create_check', value: checkValue(containers.orders) },
      ]);
      assert.deepEqual(created, [
        checks.stagingDiscarded + 1,
        computedFields.stagingAmountUsd + 1,
        containers.eventsByCountry + 1,
        fields.stagingAmount + 1,
        checks.stagingDiscarded + 2,
      ]);
    },
  },
  {
    name: 'ids: deleting the entities with the largest ids does not lower the next id',
    async run(store) {
      await store.importWorld(sampleWorld());
      const [createdCheck] = await store.applyEdits([{ kind: 'create_check', value: checkValue(containers.stagingOrders) }]);
      assert.equal(createdCheck, checks.stagingDiscarded + 1);
      await store.applyEdits([
        { kind: 'delete', entity: 'quality_check', id: createdCheck! },
        { kind: 'delete', entity: 'quality_check', id: checks.stagingDiscarded },
        { kind: 'delete', entity: 'computed_field', id: computedFields.stagingAmountUsd },
        { kind: 'delete', entity: 'field', id: fields.stagingAmount },
        { kind: 'delete', entity: 'container', id: containers.eventsByCountry },
      ]);
      const created = await store.applyEdits([
        { kind: 'create_check', value: checkValue(containers.stagingOrders) },
        { kind: 'create_computed_field', value: computedFieldValue(containers.stagingOrders, { name: 'fresh' }) },
        { kind: 'create_field', value: fieldValue(containers.stagingOrders, { name: 'fresh' }) },
        { kind: 'create_container', value: computedTableValue(datastores.lake, { name: 'fresh' }) },
      ]);
      assert.deepEqual(created, [
        checks.stagingDiscarded + 2,
        computedFields.stagingAmountUsd + 1,
        fields.stagingAmount + 1,
        containers.eventsByCountry + 1,
      ]);
    },
  },
  {
    name: 'ids: deleting every entity of a kind does not reset its ids',
    async run(store) {
      await store.importWorld(sampleWorld());
      const world = await store.exportWorld();
      await store.applyEdits(world.quality_checks.map((check) => ({ kind: 'delete', entity: 'quality_check', id: check.id }) as const));
      assert.deepEqual((await store.exportWorld()).quality_checks, []);
      const [created] = await store.applyEdits([{ kind: 'create_check', value: checkValue(containers.orders) }]);
      assert.equal(created, checks.stagingDiscarded + 1);
    },
  },
  {
    name: 'ids: operations and results are numbered from 1, one more each time',
    async run(store) {
      await store.importWorld(sampleWorld());
      const first = await store.createOperation(operationInput());
      const second = await store.createOperation(operationInput());
      assert.deepEqual([first.id, second.id], [1, 2]);
      const rows = await store.commit([
        failedCheckUnit({ operationId: second.id, seq: 0, sourceId: checks.notNull }),
        failedCheckUnit({ operationId: first.id, seq: 0, sourceId: checks.notNull }),
        createdCheckUnit({ operationId: first.id, seq: 1, sourceId: checks.between }),
      ]);
      assert.deepEqual(rows.map((row) => row.id), [1, 2, 3]);
      const [later] = await store.commit([failedCheckUnit({ operationId: second.id, seq: 1, sourceId: checks.between })]);
      assert.equal(later?.id, 4);
      assert.equal((await store.createOperation(operationInput())).id, 3);
    },
  },
  {
    name: 'ids: a rejected commit or applyEdits consumes no id',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      await assert.rejects(
        store.commit([
          createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }),
          createdCheckUnit({ operationId: operation.id, seq: 1, sourceId: checks.notNull }),
        ]),
      );
      await assert.rejects(
        store.applyEdits([
          { kind: 'create_check', value: checkValue(containers.orders) },
          { kind: 'create_computed_field', value: computedFieldValue(containers.orders, { name: 'fresh' }) },
          { kind: 'delete', entity: 'quality_check', id: 999 },
        ]),
      );
      const [row] = await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);
      assert.equal(row?.id, 1);
      assert.equal(row?.destination_entity_id, checks.stagingDiscarded + 1);
      const created = await store.applyEdits([
        { kind: 'create_computed_field', value: computedFieldValue(containers.orders, { name: 'fresh' }) },
      ]);
      assert.deepEqual(created, [computedFields.stagingAmountUsd + 1]);
    },
  },
];
