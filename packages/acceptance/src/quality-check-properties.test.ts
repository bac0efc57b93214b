import fc from 'fast-check';
import { describe, expect } from 'vitest';
import type { Actor, OperationView, QualityCheck, World } from '@promote/core';
import { arbPromotionWorld, fcNumRuns, type PromotionWorld } from '@promote/testkit';
import { engine, runToEnd } from './support.js';
import { testProp } from '@promote/testkit/vitest';

const runs = { numRuns: fcNumRuns(25) };

/** A quality-check request for a generated world: everything, some ids, or some tags. */
function arbRequest(pw: PromotionWorld, asDraft: fc.Arbitrary<boolean | undefined> = fc.constantFrom(true, false, undefined)) {
  const sourceIds = pw.world.quality_checks.filter((check) => check.container_id === pw.source.containerId).map((check) => check.id);
  const selection = fc.oneof(
    fc.constant({}),
    sourceIds.length === 0 ? fc.constant({}) : fc.subarray(sourceIds, { minLength: 1 }).map((ids) => ({ check_ids: ids })),
    fc.subarray([...pw.tagPool], { minLength: 1 }).map((tags) => ({ check_tags: tags })),
  );
  return fc.record({ selection, additional: fc.option(fc.subarray(['promoted', 'reviewed'], { minLength: 1 }), { nil: undefined }), asDraft }).map(({ selection, additional, asDraft }) => ({
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

// Idempotence, plan = run, counts, lineage, no orphans, denial and abort are the testkit's engine
// properties (engine-properties.test.ts); this file keeps what is specific to checks.
describe('quality-check promotion properties', () => {
  testProp('field resolution is case-insensitive and keeps the destination casing', [worldAndRequest(fc.constant(true))], async ({ pw, request }) => {
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
  }, runs);
});
