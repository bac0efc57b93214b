import assert from 'node:assert/strict';
import type { Container, Store, WorldEdit } from '@promote/core';
import { checkValue, computedFieldValue, computedTableValue, fieldValue, tableValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import { captureStoreState } from '../store-state.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { datastores, containers, fields, checks, computedFields } = sampleIds;

async function assertEditsRejectedWithoutTrace(store: Store, edits: readonly WorldEdit[]) {
  const before = await captureStoreState(store);
  await assert.rejects(store.applyEdits(edits));
  assert.deepEqual(await captureStoreState(store), before);
}

/** applyEdits: world changes made outside promotions, all or nothing. */
export const editCases: readonly StoreConformanceCase[] = [
  {
    name: 'applyEdits: creates, updates and deletes every kind, returning the ids in order',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      const newCheck = checkValue(containers.stagingOrders, { rule_type: 'unique', fields: ['ID'], status: 'draft' });
      const newComputed = computedFieldValue(containers.stagingOrders, { name: 'fresh' });
      const newField = fieldValue(containers.stagingOrders, { name: 'fresh_plain', type: 'boolean' });
      const newTable = tableValue(datastores.staging, { name: 'fresh_table', container_type: 'view' });
      const [check] = await store.getChecks([checks.notNull]);
      const [computed] = await store.getComputedFields([computedFields.amountUsd]);
      const [field] = await store.listFields(containers.orders);
      const container = (await store.getContainer(containers.revenue)) as Extract<Container, { container_type: 'computed_table' }>;
      const result = await store.applyEdits([
        { kind: 'create_check', value: newCheck },
        { kind: 'create_computed_field', value: newComputed },
        { kind: 'create_field', value: newField },
        { kind: 'create_container', value: newTable },
        { kind: 'update_check', value: { ...check!, status: 'archived', updated_at: '2026-03-12T00:00:00Z' } },
        { kind: 'update_computed_field', value: { ...computed!, status: 'missing' } },
        { kind: 'update_field', value: { ...field!, status: 'missing' } },
        { kind: 'update_container', value: { ...container, deleted_at: '2026-03-12T00:00:00Z', query: 'select 3' } },
        { kind: 'delete', entity: 'quality_check', id: checks.between },
        { kind: 'delete', entity: 'computed_field', id: computedFields.expression },
        { kind: 'delete', entity: 'field', id: fields.ordersEmail },
      ]);
      const ids = {
        check: checks.stagingDiscarded + 1,
        computed: computedFields.stagingAmountUsd + 1,
        field: fields.stagingAmount + 1,
        container: containers.eventsByCountry + 1,
      };
      assert.deepEqual(result, [
        ids.check,
        ids.computed,
        ids.field,
        ids.container,
        checks.notNull,
        computedFields.amountUsd,
        field!.id,
        containers.revenue,
        checks.between,
        computedFields.expression,
        fields.ordersEmail,
      ]);
      assert.deepEqual(await store.getChecks([ids.check, checks.notNull, checks.between]), [
        { ...check!, status: 'archived', updated_at: '2026-03-12T00:00:00Z' },
        { ...newCheck, id: ids.check },
      ]);
      assert.deepEqual(await store.listComputedFields(containers.orders), [{ ...computed!, status: 'missing' }]);
      assert.deepEqual(await store.getComputedFields([ids.computed]), [{ ...newComputed, id: ids.computed }]);
      assert.deepEqual((await store.listFields(containers.orders)).map((row) => [row.id, row.status]), [
        [fields.ordersId, 'missing'],
        [fields.ordersAmount, 'masked'],
      ]);
      assert.deepEqual((await store.listFields(containers.stagingOrders)).at(-1), { ...newField, id: ids.field });
      assert.deepEqual(await store.getContainer(ids.container), { ...newTable, id: ids.container });
      assert.deepEqual(await store.getContainer(containers.revenue), { ...container, deleted_at: '2026-03-12T00:00:00Z', query: 'select 3' });
      assert.deepEqual((await store.listContainers(datastores.staging)).map((row) => row.id), [
        containers.stagingOrders,
        containers.oldOrders,
        ids.container,
      ]);
    },
  },
  {
    name: 'applyEdits: no edits, no change',
    async run(store) {
      await store.importWorld(sampleWorld());
      const before = await captureStoreState(store);
      assert.deepEqual(await store.applyEdits([]), []);
      assert.deepEqual(await captureStoreState(store), before);
    },
  },
  {
    name: 'applyEdits: an update of an entity that does not exist makes the whole call write nothing',
    async run(store) {
      await store.importWorld(sampleWorld());
      const [check] = await store.getChecks([checks.notNull]);
      const [field] = await store.listFields(containers.orders);
      const [computed] = await store.getComputedFields([computedFields.amountUsd]);
      const container = (await store.getContainer(containers.orders))!;
      const valid: WorldEdit[] = [
        { kind: 'create_check', value: checkValue(containers.orders) },
        { kind: 'update_check', value: { ...check!, description: 'changed' } },
        { kind: 'delete', entity: 'field', id: fields.ordersEmail },
      ];
      for (const invalid of [
        { kind: 'update_check', value: { ...check!, id: 999 } },
        { kind: 'update_field', value: { ...field!, id: 999 } },
        { kind: 'update_computed_field', value: { ...computed!, id: 999 } },
        { kind: 'update_container', value: { ...container, id: 999 } },
      ] satisfies WorldEdit[]) {
        await assertEditsRejectedWithoutTrace(store, [...valid, invalid]);
      }
    },
  },
  {
    name: 'applyEdits: a delete of an entity that does not exist makes the whole call write nothing',
    async run(store) {
      await store.importWorld(sampleWorld());
      for (const entity of ['quality_check', 'computed_field', 'field', 'container'] as const) {
        await assertEditsRejectedWithoutTrace(store, [
          { kind: 'create_check', value: checkValue(containers.orders) },
          { kind: 'delete', entity: 'quality_check', id: checks.between },
          { kind: 'delete', entity, id: 999 },
        ]);
      }
    },
  },
  {
    name: 'applyEdits: a write into a container or datastore that does not exist makes the whole call write nothing',
    async run(store) {
      await store.importWorld(sampleWorld());
      const [check] = await store.getChecks([checks.notNull]);
      for (const invalid of [
        { kind: 'create_check', value: checkValue(999) },
        { kind: 'update_check', value: { ...check!, container_id: 999 } },
        { kind: 'create_computed_field', value: computedFieldValue(999) },
        { kind: 'create_field', value: fieldValue(999) },
        { kind: 'create_container', value: computedTableValue(999) },
      ] satisfies WorldEdit[]) {
        await assertEditsRejectedWithoutTrace(store, [
          { kind: 'create_check', value: checkValue(containers.orders) },
          { kind: 'delete', entity: 'computed_field', id: computedFields.amountUsd },
          invalid,
        ]);
      }
    },
  },
  {
    name: 'applyEdits: a later edit sees what an earlier edit of the same call did',
    async run(store) {
      await store.importWorld(sampleWorld());
      const containerId = containers.eventsByCountry + 1;
      const checkId = checks.stagingDiscarded + 1;
      const result = await store.applyEdits([
        { kind: 'create_container', value: tableValue(datastores.staging, { name: 'new' }) },
        { kind: 'create_field', value: fieldValue(containerId, { name: 'id' }) },
        { kind: 'create_check', value: checkValue(containerId) },
        { kind: 'update_check', value: { ...checkValue(containerId, { description: 'updated' }), id: checkId } },
      ]);
      assert.deepEqual(result, [containerId, fields.stagingAmount + 1, checkId, checkId]);
      assert.deepEqual(await store.listChecks(containerId), [{ ...checkValue(containerId, { description: 'updated' }), id: checkId }]);
      await assert.rejects(
        store.applyEdits([
          { kind: 'delete', entity: 'quality_check', id: checkId },
          { kind: 'delete', entity: 'quality_check', id: checkId },
        ]),
        'a deleted entity is gone for the rest of the call',
      );
      assert.equal((await store.getChecks([checkId])).length, 1);
    },
  },
  {
    name: 'applyEdits: an update can move a check to another container',
    async run(store) {
      await store.importWorld(sampleWorld());
      const [check] = await store.getChecks([checks.between]);
      await store.applyEdits([{ kind: 'update_check', value: { ...check!, container_id: containers.stagingOrders } }]);
      assert.deepEqual((await store.listChecks(containers.orders)).map((row) => row.id), [checks.notNull]);
      assert.deepEqual((await store.listChecks(containers.stagingOrders)).map((row) => row.id), [
        checks.between,
        checks.stagingArchived,
        checks.stagingDiscarded,
      ]);
    },
  },
  {
    name: 'applyEdits: deleting a container deletes its fields, checks and computed fields, not its lineage',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      await store.applyEdits([{ kind: 'delete', entity: 'container', id: containers.stagingOrders }]);
      assert.equal(await store.getContainer(containers.stagingOrders), undefined);
      assert.deepEqual(await store.listFields(containers.stagingOrders), []);
      assert.deepEqual(await store.listChecks(containers.stagingOrders), []);
      assert.deepEqual(await store.listComputedFields(containers.stagingOrders), []);
      assert.deepEqual(await store.getChecks([checks.stagingArchived, checks.stagingDiscarded]), []);
      const exported = await store.exportWorld();
      assert.deepEqual(exported.lineage, world.lineage);
      assert.deepEqual(exported.quality_checks, world.quality_checks.filter((check) => check.container_id !== containers.stagingOrders));
      assert.deepEqual(exported.fields, world.fields.filter((field) => field.container_id !== containers.stagingOrders));
    },
  },
  {
    name: 'applyEdits: a file pattern that a computed file uses as its source cannot be deleted',
    async run(store) {
      await store.importWorld(sampleWorld());
      await assertEditsRejectedWithoutTrace(store, [
        { kind: 'create_check', value: checkValue(containers.events) },
        { kind: 'delete', entity: 'container', id: containers.events },
      ]);
      const result = await store.applyEdits([
        { kind: 'delete', entity: 'container', id: containers.eventsByCountry },
        { kind: 'delete', entity: 'container', id: containers.events },
      ]);
      assert.deepEqual(result, [containers.eventsByCountry, containers.events]);
    },
  },
];
