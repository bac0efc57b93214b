import { parseWorldSnapshot, toWorldSnapshot, type World } from '@promote/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { applyWorldEdits } from './apply-world-edits.js';
import { arbDestinationEdit, arbSourceEdit, editToWorldEdits, type EditIntent } from './arb-edits.js';
import { arbPromotionWorld } from './arb-promotion-world.js';
import { fcNumRuns } from './fc-num-runs.js';
import { testProp } from '../properties/test-prop.js';

const numRuns = fcNumRuns(60);

const arbWorldAndEdits = arbPromotionWorld().chain((pw) =>
  fc.tuple(fc.constant(pw), fc.array(fc.oneof(arbSourceEdit(pw), arbDestinationEdit(pw)), { minLength: 1, maxLength: 6 })),
);

function applyAll(world: World, intents: readonly EditIntent[]): World {
  return intents.reduce((current, intent) => applyWorldEdits(current, editToWorldEdits(current, intent)), world);
}

const roundTrip = (world: World) => {
  const parsed = parseWorldSnapshot(toWorldSnapshot(world));
  return parsed.isOk() ? parsed.value : parsed.error;
};

describe('arbSourceEdit / arbDestinationEdit', () => {
  testProp('keep the world a valid snapshot that round-trips', [arbWorldAndEdits], ([pw, intents]) => {
    const edited = applyAll(pw.world, intents);
    expect(roundTrip(edited)).toStrictEqual(edited);
  }, { numRuns });

  testProp('touch only their own container and keep every id', [arbWorldAndEdits], ([pw, intents]) => {
    for (const intent of intents) {
      for (const edit of editToWorldEdits(pw.world, intent)) {
        expect(edit.kind === 'update_check' || edit.kind === 'update_field').toBe(true);
        if (edit.kind === 'update_check' || edit.kind === 'update_field') expect(edit.value.container_id).toBe(intent.containerId);
      }
    }
    const edited = applyAll(pw.world, intents);
    const ids = (world: World) => [world.quality_checks, world.fields, world.containers].map((list) => list.map((entity) => entity.id));
    expect(ids(edited)).toStrictEqual(ids(pw.world));
    expect(edited.lineage).toStrictEqual(pw.world.lineage);
  }, { numRuns });

  testProp('a source edit changes exactly one source check, or nothing when there is none', [arbPromotionWorld().chain((pw) => fc.tuple(fc.constant(pw), arbSourceEdit(pw)))], ([pw, intent]) => {
      const edited = applyAll(pw.world, [intent]);
      const changed = edited.quality_checks.filter((check, index) => JSON.stringify(check) !== JSON.stringify(pw.world.quality_checks[index]));
      const sourceChecks = pw.world.quality_checks.filter((check) => check.container_id === pw.source.containerId);
      expect(changed.length).toBeLessThanOrEqual(1);
      if (sourceChecks.length === 0) expect(changed).toStrictEqual([]);
      for (const check of changed) expect(check.container_id).toBe(pw.source.containerId);
      expect(edited.fields).toStrictEqual(pw.world.fields);
    }, { numRuns });

  testProp('a destination field rename keeps names unique case-insensitively', [arbPromotionWorld().chain((pw) => fc.tuple(fc.constant(pw), arbDestinationEdit(pw)))], ([pw, intent]) => {
      const edited = applyAll(pw.world, [intent]);
      const names = edited.fields.filter((field) => field.container_id === pw.destination.containerId).map((field) => field.name.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
    }, { numRuns });

  test('produce every kind of edit across a sample, and renames that change the name', () => {
    const sample = fc.sample(arbWorldAndEdits, { numRuns: 200, seed: 3 });
    const kinds = new Set(sample.flatMap(([, intents]) => intents.map((intent) => intent.kind)));
    expect(kinds).toStrictEqual(new Set(['describe_check', 'change_check_property', 'tag_check', 'rename_field']));
    const renames = sample.flatMap(([pw, intents]) => intents.flatMap((intent) => editToWorldEdits(pw.world, intent))).filter((edit) => edit.kind === 'update_field');
    expect(renames.length).toBeGreaterThan(10);
  });
});

describe('applyWorldEdits', () => {
  testProp('creates with the next id, updates in place, and deletes a container with what it holds', [arbPromotionWorld()], ({ world, destination }) => {
      const created = applyWorldEdits(world, [{ kind: 'create_field', value: { container_id: destination.containerId, name: 'added_later', type: 'string', status: 'active' } }]);
      const added = created.fields.at(-1);
      expect(added?.id).toBe(Math.max(...world.fields.map((field) => field.id)) + 1);
      if (added === undefined) throw new Error('no field was created');
      expect(added.name).toBe('added_later');

      const renamed = applyWorldEdits(created, [{ kind: 'update_field', value: { ...added, name: 'Added_Later' } }]);
      expect(renamed.fields.map((field) => field.id)).toStrictEqual(created.fields.map((field) => field.id));
      expect(renamed.fields.at(-1)?.name).toBe('Added_Later');

      const deleted = applyWorldEdits(renamed, [{ kind: 'delete', entity: 'container', id: destination.containerId }]);
      expect(deleted.containers.some((container) => container.id === destination.containerId)).toBe(false);
      expect(deleted.fields.some((field) => field.container_id === destination.containerId)).toBe(false);
      expect(deleted.quality_checks.some((check) => check.container_id === destination.containerId)).toBe(false);
      expect(deleted.computed_fields.some((computed) => computed.container_id === destination.containerId)).toBe(false);
      expect(deleted.lineage).toStrictEqual(world.lineage);
    }, { numRuns: fcNumRuns(30) });

  testProp('treats an update of a missing entity as a defect', [arbPromotionWorld()], ({ world }) => {
    const missing = { id: 1 + Math.max(...world.fields.map((field) => field.id)), container_id: 1, name: 'x', type: 'string', status: 'active' } as const;
    expect(() => applyWorldEdits(world, [{ kind: 'update_field', value: missing }])).toThrow(/defect/);
  }, { numRuns: fcNumRuns(10) });
});
