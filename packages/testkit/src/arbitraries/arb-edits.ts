import { ruleTypeSpec, type Properties, type WorldEdit, type World } from '@promote/core';
import fc from 'fast-check';
import { checkTagPool, extraTagPool, type PromotionWorld } from './arb-promotion-world.js';
import { applyCasing, arbCasing, type Casing } from './casing.js';
import { nth } from './arb-helpers.js';

/**
 * A user edit described as data, so that counterexamples print readably and one edit can be applied
 * to whatever world exists when it runs (for instance after a promotion created new checks).
 *
 * `pick` chooses the target when the edit is turned into {@link WorldEdit}s by
 * {@link editToWorldEdits}: the `pick % n`-th of the container's `n` checks (or fields), in
 * ascending id order, whatever their status. `at` is the new `updated_at` of an edited check.
 */
export type EditIntent =
  | { readonly kind: 'describe_check'; readonly containerId: number; readonly pick: number; readonly description: string; readonly at: string }
  | {
      /**
       * Changes one property that is neither a field nor a container reference: a number gets
       * `+ amount`, a boolean is negated, a string gets `_v<amount>` appended; a check without such
       * a property gets `threshold: amount`.
       */
      readonly kind: 'change_check_property';
      readonly containerId: number;
      readonly pick: number;
      readonly keyPick: number;
      readonly amount: number;
      readonly at: string;
    }
  | { readonly kind: 'tag_check'; readonly containerId: number; readonly pick: number; readonly tag: string; readonly at: string }
  | {
      /**
       * Renames a field of the container: re-cased (`casing`), or a new name (`suffix` appended
       * after `_`). Produces no edit when another field or computed field of the container already
       * has the new name (case-insensitively).
       */
      readonly kind: 'rename_field';
      readonly containerId: number;
      readonly pick: number;
      readonly rename: { readonly casing: Casing } | { readonly suffix: string };
    };

const arbPick = fc.nat({ max: 1000 });
/** After every timestamp a generated world holds. */
const arbEditTime = fc
  .integer({ min: Date.UTC(2026, 5, 1), max: Date.UTC(2027, 11, 31) })
  .map((ms) => new Date(ms).toISOString());

function arbCheckEdit(containerId: number): fc.Arbitrary<EditIntent> {
  return fc.oneof(
    fc.record(
      { kind: fc.constant('describe_check' as const), containerId: fc.constant(containerId), pick: arbPick, description: fc.lorem({ maxCount: 5 }), at: arbEditTime },
      { noNullPrototype: true },
    ),
    fc.record(
      {
        kind: fc.constant('change_check_property' as const),
        containerId: fc.constant(containerId),
        pick: arbPick,
        keyPick: arbPick,
        amount: fc.integer({ min: 1, max: 100 }),
        at: arbEditTime,
      },
      { noNullPrototype: true },
    ),
    fc.record(
      {
        kind: fc.constant('tag_check' as const),
        containerId: fc.constant(containerId),
        pick: arbPick,
        tag: fc.constantFrom(...checkTagPool, ...extraTagPool),
        at: arbEditTime,
      },
      { noNullPrototype: true },
    ),
  );
}

function arbFieldRename(containerId: number): fc.Arbitrary<EditIntent> {
  return fc.record(
    {
      kind: fc.constant('rename_field' as const),
      containerId: fc.constant(containerId),
      pick: arbPick,
      rename: fc.oneof(
        { weight: 2, arbitrary: arbCasing.map((casing) => ({ casing })) },
        { weight: 1, arbitrary: fc.constantFrom('v2', 'renamed', 'new').map((suffix) => ({ suffix })) },
      ),
    },
    { noNullPrototype: true },
  );
}

/**
 * Edits a user makes on the source container: change a check's description (its visible name),
 * one of its properties, or add a tag. Turn one into core {@link WorldEdit}s with
 * {@link editToWorldEdits}, or apply it to a `World` with `applyWorldEdits(world, editToWorldEdits(world, edit))`.
 */
export function arbSourceEdit(pw: PromotionWorld): fc.Arbitrary<EditIntent> {
  return arbCheckEdit(pw.source.containerId);
}

/**
 * Edits a user makes on the destination container: the check edits of {@link arbSourceEdit} plus,
 * one time in four, renaming a field (re-casing it or giving it a new name).
 */
export function arbDestinationEdit(pw: PromotionWorld): fc.Arbitrary<EditIntent> {
  return fc.oneof(
    { weight: 3, arbitrary: arbCheckEdit(pw.destination.containerId) },
    { weight: 1, arbitrary: arbFieldRename(pw.destination.containerId) },
  );
}


function changeProperty(properties: Properties, fieldReferenceKeys: readonly string[], keyPick: number, amount: number): Properties {
  const editable = Object.keys(properties)
    .filter((key) => !key.startsWith('ref_') && !fieldReferenceKeys.includes(key))
    .filter((key) => ['number', 'boolean', 'string'].includes(typeof properties[key]))
    .sort();
  const key = nth(editable, keyPick);
  if (key === undefined) return { ...properties, threshold: amount };
  const value = properties[key];
  const changed = typeof value === 'number' ? value + amount : typeof value === 'boolean' ? !value : `${String(value)}_v${amount}`;
  return { ...properties, [key]: changed };
}

/**
 * The core {@link WorldEdit}s that carry out `edit` on `world`: one `update_check` or `update_field`
 * with the whole changed entity, or none when the container has nothing to edit (or a rename would
 * collide). Pure; `world` is not changed.
 */
export function editToWorldEdits(world: World, edit: EditIntent): WorldEdit[] {
  if (edit.kind === 'rename_field') {
    const fields = world.fields.filter((field) => field.container_id === edit.containerId);
    const field = nth(fields, edit.pick);
    if (field === undefined) return [];
    const name = 'casing' in edit.rename ? applyCasing(field.name, edit.rename.casing) : `${field.name}_${edit.rename.suffix}`;
    const taken = [
      ...fields.filter((other) => other.id !== field.id).map((other) => other.name),
      ...world.computed_fields.filter((computed) => computed.container_id === edit.containerId).map((computed) => computed.name),
    ].some((other) => other.toLowerCase() === name.toLowerCase());
    return taken || name === field.name ? [] : [{ kind: 'update_field', value: { ...field, name } }];
  }
  const check = nth(
    world.quality_checks.filter((candidate) => candidate.container_id === edit.containerId),
    edit.pick,
  );
  if (check === undefined) return [];
  switch (edit.kind) {
    case 'describe_check':
      return [{ kind: 'update_check', value: { ...check, description: edit.description, updated_at: edit.at } }];
    case 'change_check_property': {
      const properties = changeProperty(check.properties, ruleTypeSpec(check.rule_type).fieldReferenceKeys, edit.keyPick, edit.amount);
      return [{ kind: 'update_check', value: { ...check, properties, updated_at: edit.at } }];
    }
    case 'tag_check':
      return check.tags.includes(edit.tag) ? [] : [{ kind: 'update_check', value: { ...check, tags: [...check.tags, edit.tag], updated_at: edit.at } }];
  }
}
