import assert from 'node:assert/strict';
import type { CommitUnit, OperationRecord, QualityCheck, WorldEdit } from '@promote/core';
import { createdCheckUnit, failedCheckUnit, operationInput, updatedCheckUnit } from '../commit-fixtures.js';
import { checkValue } from '../entity-values.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { containers, checks, computedFields, fields, users } = sampleIds;

/** Tries to change a value in place; a frozen value refuses (TypeError), which is as good. */
function tamper(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** Returned values are copies or immutable; stored values are copies of the arguments. */
export const copyCases: readonly StoreConformanceCase[] = [
  {
    name: 'copies: values read earlier do not change when the store is written afterwards',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      await store.commit([failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);

      const [check] = await store.getChecks([checks.notNull]);
      const readAll = async () => ({
        check: (await store.getChecks([checks.notNull]))[0],
        checks: await store.listChecks(containers.orders),
        container: await store.getContainer(containers.orders),
        computed: await store.listComputedFields(containers.orders),
        fields: await store.listFields(containers.orders),
        operation: await store.getOperation(operation.id),
        running: await store.listRunningOperations(),
        operations: await store.listOperations({ page: 1, size: 10 }),
        results: await store.listResults(operation.id),
        lineage: await store.findLineage('quality_check', containers.stagingOrders, [checks.notNull, checks.between]),
        world: await store.exportWorld(),
      });
      const reads = await readAll();
      const snapshot = structuredClone(reads);

      const [container] = await store.getContainers([containers.orders]);
      await store.applyEdits([
        { kind: 'update_check', value: { ...check!, description: 'changed', properties: { changed: true } } },
        { kind: 'update_container', value: { ...container!, description: 'changed', tags: ['changed'] } },
        { kind: 'delete', entity: 'computed_field', id: computedFields.amountUsd },
        { kind: 'delete', entity: 'field', id: fields.ordersId },
        { kind: 'create_check', value: checkValue(containers.orders) },
      ]);
      await store.commit([
        createdCheckUnit({ operationId: operation.id, seq: 1, sourceId: checks.between }),
        updatedCheckUnit(
          { operationId: operation.id, seq: 2, sourceId: checks.stagingArchived },
          check!,
          { ...check!, description: 'changed again' },
        ),
      ]);
      await store.updateOperation(operation.id, { result: 'success', end_time: '2026-03-10T15:00:00Z', message: 'done' });

      // Read everything again (a store reusing the objects it handed out would update them now).
      const later = await readAll();
      assert.equal(later.operation?.result, 'success');
      assert.equal(later.check?.description, 'changed again');
      assert.deepEqual(reads, snapshot);
    },
  },
  {
    name: 'copies: changing an argument after the call does not change what was stored',
    async run(store) {
      const world = sampleWorld();
      await store.importWorld(world);
      (world.quality_checks[0]!.properties as Record<string, unknown>).injected = true;
      (world.quality_checks[0]!.fields as string[]).push('injected');
      (world.users[0] as Mutable<(typeof world.users)[0]>).email = 'injected@example.com';
      assert.deepEqual(await store.exportWorld(), sampleWorld());

      const properties: Record<string, unknown> = { nested: { value: 1 } };
      const tags = ['a'];
      const edit: WorldEdit = { kind: 'create_check', value: checkValue(containers.orders, { properties, tags }) };
      const [checkId] = await store.applyEdits([edit]);
      (properties.nested as Record<string, unknown>).value = 2;
      tags.push('b');
      (edit.value as Mutable<Omit<QualityCheck, 'id'>>).description = 'injected';
      const [stored] = await store.getChecks([checkId!]);
      assert.deepEqual(stored, { ...checkValue(containers.orders, { properties: { nested: { value: 1 } }, tags: ['a'] }), id: checkId });

      const input = operationInput();
      const operation = await store.createOperation(input);
      (input.status as Mutable<OperationRecord['status']>).created = 99;
      (input.selection as number[]).push(99);
      assert.deepEqual(await store.getOperation(operation.id), { ...operationInput(), id: operation.id });

      const unit = failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull });
      const changes = [{ path: 'description', from: 'a', to: { deep: ['b'] } }];
      const units: CommitUnit[] = [{ ...unit, changes, before: { kept: [1] } }];
      await store.commit(units);
      changes[0]!.path = 'injected';
      (units[0] as Mutable<CommitUnit>).message = 'injected';
      const [row] = (await store.listResults(operation.id)).items;
      assert.equal(row?.message, unit.message);
      assert.deepEqual(row?.changes, [{ path: 'description', from: 'a', to: { deep: ['b'] } }]);
      assert.deepEqual(row?.before, { kept: [1] });
    },
  },
  {
    name: 'copies: changing a returned value does not change the store',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull })]);
      const before = {
        checks: await store.listChecks(containers.orders),
        user: await store.findUser({ id: users.admin }),
        operation: await store.getOperation(operation.id),
        results: await store.listResults(operation.id),
        world: await store.exportWorld(),
      };
      const expected = structuredClone(before);

      const [check] = await store.listChecks(containers.orders);
      tamper(() => ((check as Mutable<QualityCheck>).description = 'tampered'));
      tamper(() => ((check!.properties as Record<string, unknown>).tampered = true));
      tamper(() => (check!.tags as string[]).push('tampered'));
      const user = await store.findUser({ id: users.admin });
      tamper(() => ((user as { email: string }).email = 'tampered@example.com'));
      const read = await store.getOperation(operation.id);
      tamper(() => ((read!.status as Mutable<OperationRecord['status']>).failed = 99));
      tamper(() => (read!.selection as number[]).push(99));
      const results = await store.listResults(operation.id);
      tamper(() => ((results.items as unknown[]).length = 0));
      tamper(() => ((results.items[0] as { message: string | null }).message = 'tampered'));
      const world = await store.exportWorld();
      tamper(() => (world.lineage as unknown[]).pop());
      tamper(() => ((world.containers[0] as { name: string }).name = 'tampered'));

      assert.deepEqual(
        {
          checks: await store.listChecks(containers.orders),
          user: await store.findUser({ id: users.admin }),
          operation: await store.getOperation(operation.id),
          results: await store.listResults(operation.id),
          world: await store.exportWorld(),
        },
        expected,
      );
    },
  },
];
