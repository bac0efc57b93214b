import assert from 'node:assert/strict';
import type { LineageLink } from '@promote/core';
import { createdCheckUnit, failedCheckUnit, operationInput, skippedCheckUnit, updatedCheckUnit } from '../commit-fixtures.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';
import { WorldBuilder } from '../world-builder.js';

const { containers, checks, computedFields } = sampleIds;

const checkLink = (sourceId: number, destinationId: number, scope: number = containers.stagingOrders): LineageLink => ({
  entity_type: 'quality_check',
  source_entity_id: sourceId,
  destination_scope_id: scope,
  destination_entity_id: destinationId,
});

/** Lineage: recorded by commits, imported with the world, looked up newest first. */
export const lineageCases: readonly StoreConformanceCase[] = [
  {
    name: 'lineage: commit records a link for created, updated and skipped results, none for failed',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      const [destination] = await store.getChecks([checks.stagingArchived]);
      const [created] = await store.commit([
        createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1 }),
        updatedCheckUnit({ operationId: operation.id, seq: 1, sourceId: 2 }, destination!, { ...destination!, description: 'x' }),
        skippedCheckUnit({ operationId: operation.id, seq: 2, sourceId: 3 }, checks.stagingDiscarded),
        failedCheckUnit({ operationId: operation.id, seq: 3, sourceId: 4 }),
      ]);
      assert.deepEqual(await store.findLineage('quality_check', containers.stagingOrders, [1, 2, 3, 4]), [
        checkLink(3, checks.stagingDiscarded),
        checkLink(2, checks.stagingArchived),
        checkLink(1, created!.destination_entity_id!),
      ]);
      assert.deepEqual(await store.findLineage('quality_check', containers.stagingOrders, [4]), []);
    },
  },
  {
    name: 'lineage: findLineage is newest first; imported links are older than recorded ones, later in the snapshot newer',
    async run(store) {
      await store.importWorld(sampleWorld());
      const imported = await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull]);
      assert.deepEqual(imported, [checkLink(checks.notNull, checks.stagingDiscarded), checkLink(checks.notNull, checks.stagingArchived)]);

      const first = await store.createOperation(operationInput());
      const second = await store.createOperation(operationInput());
      // Recorded in the opposite order of the operation ids: the order of recording decides.
      await store.commit([skippedCheckUnit({ operationId: second.id, seq: 0, sourceId: checks.notNull }, checks.stagingArchived)]);
      const [created] = await store.commit([createdCheckUnit({ operationId: first.id, seq: 0, sourceId: checks.notNull })]);
      assert.deepEqual(await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull, checks.between]), [
        checkLink(checks.notNull, created!.destination_entity_id!),
        checkLink(checks.notNull, checks.stagingArchived),
        ...imported,
      ]);
    },
  },
  {
    name: 'lineage: a unit whose link is current (link_current) keeps the newest link as it was, and still records its result',
    async run(store) {
      await store.importWorld(sampleWorld());
      // Imported: notNull → stagingArchived, then (newer) notNull → stagingDiscarded.
      const operation = await store.createOperation(operationInput());
      const [recorded] = await store.commit([
        { ...skippedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }, checks.stagingDiscarded), link_current: true },
      ]);
      assert.equal(recorded?.result, 'skipped');
      assert.equal(recorded?.destination_entity_id, checks.stagingDiscarded);
      assert.equal((await store.getOperation(operation.id))?.status.skipped, 1);
      const links = await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull]);
      assert.deepEqual(links[0], checkLink(checks.notNull, checks.stagingDiscarded));

      // A unit without it records its link, which becomes the newest.
      const later = await store.createOperation(operationInput());
      await store.commit([skippedCheckUnit({ operationId: later.id, seq: 0, sourceId: checks.notNull }, checks.stagingArchived)]);
      const after = await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull]);
      assert.deepEqual(after[0], checkLink(checks.notNull, checks.stagingArchived));
      assert.equal(after.length, links.length + 1);
    },
  },
  {
    name: 'lineage: findLineage keeps to the entity type, the destination scope and the source ids asked',
    async run(store) {
      const world = new WorldBuilder();
      const datastore = world.datastore();
      world.table(datastore.id, { id: 1 });
      world.table(datastore.id, { id: 2 });
      world.link(checkLink(10, 100, 1));
      world.link(checkLink(10, 200, 2));
      world.link({ entity_type: 'computed_field', source_entity_id: 10, destination_scope_id: 1, destination_entity_id: 300 });
      world.link(checkLink(11, 400, 1));
      world.link(checkLink(12, 500, 1));
      await store.importWorld(world.build());
      assert.deepEqual(await store.findLineage('quality_check', 1, [10]), [checkLink(10, 100, 1)]);
      assert.deepEqual(await store.findLineage('quality_check', 1, [12, 10]), [checkLink(12, 500, 1), checkLink(10, 100, 1)]);
      assert.deepEqual(await store.findLineage('computed_field', 1, [10, 11]), [
        { entity_type: 'computed_field', source_entity_id: 10, destination_scope_id: 1, destination_entity_id: 300 },
      ]);
      assert.deepEqual(await store.findLineage('computed_table', 1, [10]), []);
      assert.deepEqual(await store.findLineage('quality_check', 3, [10]), []);
      assert.deepEqual(await store.findLineage('quality_check', 1, []), []);
      assert.deepEqual(await store.findLineage('quality_check', 1, [10, 10]), [checkLink(10, 100, 1)], 'a repeated id counts once');
    },
  },
  {
    name: 'lineage: exportWorld lists imported links then recorded ones, oldest first',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      const operation = await store.createOperation(operationInput());
      await store.commit([skippedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.between }, checks.stagingArchived)]);
      const [created] = await store.commit([createdCheckUnit({ operationId: operation.id, seq: 1, sourceId: computedFields.amountUsd })]);
      assert.deepEqual((await store.exportWorld()).lineage, [
        ...world.lineage,
        checkLink(checks.between, checks.stagingArchived),
        checkLink(computedFields.amountUsd, created!.destination_entity_id!),
      ]);
    },
  },
  {
    name: 'lineage: links stay after their destination entity is deleted',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      const [created] = await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.between })]);
      const id = created!.destination_entity_id!;
      await store.applyEdits([
        { kind: 'delete', entity: 'quality_check', id },
        { kind: 'delete', entity: 'quality_check', id: checks.stagingArchived },
      ]);
      assert.deepEqual(await store.findLineage('quality_check', containers.stagingOrders, [checks.between, checks.notNull]), [
        checkLink(checks.between, id),
        checkLink(checks.notNull, checks.stagingDiscarded),
        checkLink(checks.notNull, checks.stagingArchived),
      ]);
    },
  },
];
