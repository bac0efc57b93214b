import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Actor, OperationView, QualityCheck, World } from '@promote/core';
import { arbPromotionWorld, fcNumRuns, type PromotionWorld } from '@promote/testkit';
import { engine, runToEnd } from './support.js';

const runs = { numRuns: fcNumRuns(25) };

/** A quality-check request for a generated world: everything, some ids, or some tags. */
function arbRequest(pw: PromotionWorld, asDraft: fc.Arbitrary<boolean | undefined> = fc.constantFrom(true, false, undefined)) {
  const sourceIds = pw.world.quality_checks.filter((check) => check.container_id === pw.source.containerId).map((check) => check.id);
  const selection = fc.oneof(
    fc.constant({}),
    sourceIds.length === 0 ? fc.constant({}) : fc.subarray(sourceIds, { minLength: 1 }).map((ids) => ({ check_ids: ids })),
    fc.subarray([...pw.tagPool], { minLength: 1 }).map((tags) => ({ check_tags: tags })),
  );
  return fc.record({ selection, additional: fc.option(fc.subarray(['promoted', 'reviewed']), { nil: undefined }), asDraft }).map(({ selection, additional, asDraft }) => ({
    type: 'promote_quality_check',
    datastore_id: pw.source.datastoreId,
    container_id: pw.source.containerId,
    destination_container_id: pw.destination.containerId,
    ...selection,
    ...(additional === undefined ? {} : { check_additional_tags: additional }),
    ...(asDraft === undefined ? {} : { as_draft: asDraft }),
  }));
}

const worldAndRequest = (asDraft?: fc.Arbitrary<boolean | undefined>) =>
  arbPromotionWorld().chain((pw) => arbRequest(pw, asDraft).map((request) => ({ pw, request })));

const actorOf = (pw: PromotionWorld): Actor => ({ id: pw.actor.userId });

function entities(world: World) {
  return { checks: world.quality_checks, computed: world.computed_fields, containers: world.containers, fields: world.fields };
}

function checksOf(world: World, containerId: number): QualityCheck[] {
  return world.quality_checks.filter((check) => check.container_id === containerId);
}

const outcome = (operation: Pick<OperationView, 'results'>) =>
  operation.results.map((result) => ({
    source: result.source_entity_id,
    result: result.result,
    message: result.message,
    destination: result.result === 'created' ? null : result.destination_entity_id,
    changes: result.changes ?? null,
  }));

describe('quality-check promotion properties', () => {
  test.prop([worldAndRequest(fc.constantFrom(true, undefined))], runs)('promoting twice gives only skipped and writes nothing', async ({ pw, request }) => {
    const { promoter, store } = engine(pw.world);
    const first = await runToEnd(promoter, actorOf(pw), request);
    const between = entities(await store.exportWorld());
    const second = await runToEnd(promoter, actorOf(pw), request);
    // A draft promotion fails only when updating an active destination check fails validation;
    // such a source fails again, the same way. Everything else is skipped.
    expect(second.results.map((result) => result.result)).toEqual(first.results.map((result) => (result.result === 'failed' ? 'failed' : 'skipped')));
    expect(second.results.filter((result) => result.result === 'failed').map((result) => result.message)).toEqual(
      first.results.filter((result) => result.result === 'failed').map((result) => result.message),
    );
    expect(entities(await store.exportWorld())).toEqual(between);
    expect(second.results.map((result) => result.destination_entity_id)).toEqual(first.results.map((result) => result.destination_entity_id));
  });

  test.prop([worldAndRequest()], runs)('a plan equals the run that follows it, and writes nothing', async ({ pw, request }) => {
    const { promoter, store } = engine(pw.world);
    const before = await store.exportWorld();
    const plan = (await promoter.plan(actorOf(pw), request))._unsafeUnwrap();
    expect(await store.exportWorld()).toEqual(before);
    expect((await store.listOperations({ page: 1, size: 1 })).total).toBe(0);
    const run = await runToEnd(promoter, actorOf(pw), request);
    expect(outcome(plan)).toEqual(outcome(run));
    expect(plan.status).toEqual(run.status);
    expect(plan.result).toBe(run.result);
  });

  test.prop([worldAndRequest()], runs)('counts add up to total, and total is the selection', async ({ pw, request }) => {
    const { promoter, store } = engine(pw.world);
    const operation = await runToEnd(promoter, actorOf(pw), request);
    const { total, created, updated, skipped, failed } = operation.status;
    expect(created + updated + skipped + failed).toBe(total);
    expect(operation.results).toHaveLength(total);
    for (const value of ['created', 'updated', 'skipped', 'failed'] as const) {
      expect(operation.results.filter((result) => result.result === value)).toHaveLength(operation.status[value]);
    }
    const destination = checksOf(await store.exportWorld(), pw.destination.containerId);
    expect(destination.length).toBe(checksOf(pw.world, pw.destination.containerId).length + created);
    expect(operation.result).toBe(total === 0 || failed < total ? 'success' : 'failure');
  });

  test.prop([worldAndRequest(fc.constant(true)), fc.string({ minLength: 1, maxLength: 12 }), fc.string({ minLength: 1, maxLength: 12 })], runs)(
    'lineage survives edits and renames on either side: update, never a duplicate',
    async ({ pw, request }, sourceText, destinationText) => {
      const { promoter, store } = engine(pw.world);
      const first = await runToEnd(promoter, actorOf(pw), request);
      const promoted = first.results.filter((result) => result.result !== 'failed');
      const world = await store.exportWorld();
      const byId = new Map(world.quality_checks.map((check) => [check.id, check]));
      const edits = promoted.flatMap((result, index) => {
        const source = byId.get(result.source_entity_id) as QualityCheck;
        const destination = byId.get(result.destination_entity_id as number) as QualityCheck;
        return [
          { kind: 'update_check' as const, value: { ...source, description: `${sourceText} ${index}`, properties: { ...source.properties, edited: index } } },
          { kind: 'update_check' as const, value: { ...destination, description: `${destinationText} ${index}`, tags: [...destination.tags, 'renamed'] } },
        ];
      });
      await store.applyEdits(edits);
      const countBefore = checksOf(await store.exportWorld(), pw.destination.containerId).length;
      const second = await runToEnd(promoter, actorOf(pw), request);
      const secondBySource = new Map(second.results.map((result) => [result.source_entity_id, result]));
      for (const result of promoted) {
        const again = secondBySource.get(result.source_entity_id);
        // An update of an active destination check is validated and may fail; either way it is the same entity.
        expect(['updated', 'failed']).toContain(again?.result);
        expect(again?.destination_entity_id).toBe(result.destination_entity_id);
      }
      expect(checksOf(await store.exportWorld(), pw.destination.containerId).length).toBe(countBefore + second.status.created);
      expect(second.status.created).toBe(0);
    },
  );

  test.prop([worldAndRequest(fc.constant(true))], runs)('field resolution is case-insensitive and keeps the destination casing', async ({ pw, request }) => {
    const { promoter, store } = engine(pw.world);
    const operation = await runToEnd(promoter, actorOf(pw), request);
    const world = await store.exportWorld();
    const available = world.fields.filter((field) => field.container_id === pw.destination.containerId && (field.status === 'active' || field.status === 'masked'));
    const computed = world.computed_fields.filter((field) => field.container_id === pw.destination.containerId && field.status === 'active');
    const casing = new Map<string, string>();
    for (const name of [...available].sort((a, b) => a.id - b.id).map((field) => field.name).concat(computed.sort((a, b) => a.id - b.id).map((field) => field.name))) {
      if (!casing.has(name.toLowerCase())) casing.set(name.toLowerCase(), name);
    }
    const checks = new Map(world.quality_checks.map((check) => [check.id, check]));
    for (const result of operation.results.filter((r) => r.result === 'created')) {
      const source = checks.get(result.source_entity_id) as QualityCheck;
      const created = checks.get(result.destination_entity_id as number) as QualityCheck;
      const expected = source.fields.flatMap((name) => {
        const resolved = casing.get(name.toLowerCase());
        return resolved === undefined ? [] : [resolved];
      });
      expect(created.fields).toEqual(expected);
      const unresolved = source.fields.filter((name) => !casing.has(name.toLowerCase()));
      if (unresolved.length > 0) {
        expect(created.status).toBe('draft');
        expect(result.message).toContain('could not be resolved on the destination');
      }
    }
  });
});
