import type { CheckStatus, ComputedFieldStatus, FieldStatus, World, WorldEdit } from '@promote/core';
import fc from 'fast-check';
import { arbDestinationEdit, arbSourceEdit, editToWorldEdits, type EditIntent } from '../arbitraries/arb-edits.js';
import { applyCasing, arbCasing, type Casing } from '../arbitraries/casing.js';
import type { ModelScenarioWorld } from './arb-model-world.js';

/** Which side of a promotion an edit touches. */
export type Side = 'source' | 'destination';

/** A new spelling: the same name re-cased, or the name with `_<suffix>` appended. */
export type Rename = { readonly casing: Casing } | { readonly suffix: string };

/**
 * A user edit between promotions, described as data: the target is picked when the edit runs
 * (`pick % n` among the candidates, ascending id), so one intent applies to whatever world exists
 * then. Turned into core `WorldEdit`s by {@link scenarioEditToWorldEdits}.
 */
export type ScenarioEdit =
  | { readonly kind: 'check'; readonly side: Side; readonly edit: EditIntent }
  | { readonly kind: 'check_status'; readonly side: Side; readonly containerId: number; readonly pick: number; readonly status: CheckStatus }
  | { readonly kind: 'delete_check'; readonly side: Side; readonly containerId: number; readonly pick: number }
  | { readonly kind: 'rename_computed_field'; readonly side: Side; readonly containerId: number; readonly pick: number; readonly rename: Rename }
  | { readonly kind: 'computed_field_status'; readonly side: Side; readonly containerId: number; readonly pick: number; readonly status: ComputedFieldStatus }
  | { readonly kind: 'describe_computed_field'; readonly side: Side; readonly containerId: number; readonly pick: number; readonly description: string }
  | { readonly kind: 'delete_computed_field'; readonly side: Side; readonly containerId: number; readonly pick: number }
  | { readonly kind: 'field_status'; readonly containerId: number; readonly pick: number; readonly status: FieldStatus }
  /** Adds to `containerId` a field named like the `pick`-th field of `likeContainerId` whose name `containerId` lacks (re-cased). */
  | { readonly kind: 'add_field'; readonly containerId: number; readonly likeContainerId: number; readonly pick: number; readonly casing: Casing }
  | { readonly kind: 'rename_container'; readonly side: Side; readonly datastoreId: number; readonly type: 'computed_table' | 'computed_file'; readonly pick: number; readonly rename: Rename }
  | { readonly kind: 'soft_delete_container'; readonly side: Side; readonly datastoreId: number; readonly type: 'computed_table' | 'computed_file'; readonly pick: number }
  | { readonly kind: 'revive_container'; readonly side: Side; readonly datastoreId: number; readonly type: 'computed_table' | 'computed_file'; readonly pick: number }
  | { readonly kind: 'delete_container'; readonly side: Side; readonly datastoreId: number; readonly type: 'computed_table' | 'computed_file'; readonly pick: number }
  | { readonly kind: 'describe_container'; readonly side: Side; readonly datastoreId: number; readonly type: 'computed_table' | 'computed_file'; readonly pick: number; readonly description: string };

/** The edits of a scenario edit on `world` and what they did, in words; no edit when nothing fits. */
export interface ResolvedEdit {
  readonly edits: readonly WorldEdit[];
  readonly description: string;
}

/** When a soft delete happens in generated scenarios: after every generated timestamp. */
export const softDeleteTime = '2026-07-01T00:00:00.000Z';

const nth = <T>(list: readonly T[], pick: number): T | undefined => (list.length === 0 ? undefined : list[pick % list.length]);
const renamed = (name: string, rename: Rename) => ('casing' in rename ? applyCasing(name, rename.casing) : `${name}_${rename.suffix}`);

/** Turns `edit` into core edits against `world` (pure). */
export function scenarioEditToWorldEdits(world: World, edit: ScenarioEdit): ResolvedEdit {
  const none = (what: string): ResolvedEdit => ({ edits: [], description: `${what}: nothing to edit` });
  switch (edit.kind) {
    case 'check': {
      const edits = editToWorldEdits(world, edit.edit);
      const first = edits[0];
      if (first === undefined) return none(`${edit.edit.kind} on the ${edit.side}`);
      if (first.kind === 'update_field') return { edits, description: `rename ${edit.side} field ${first.value.id} → '${first.value.name}'` };
      return { edits, description: `${edit.edit.kind.replace(/_/g, ' ')} of ${edit.side} check ${first.kind === 'update_check' ? first.value.id : '?'}` };
    }
    case 'check_status':
    case 'delete_check': {
      const check = nth(world.quality_checks.filter((candidate) => candidate.container_id === edit.containerId), edit.pick);
      if (check === undefined) return none(`${edit.kind} on the ${edit.side}`);
      if (edit.kind === 'delete_check') return { edits: [{ kind: 'delete', entity: 'quality_check', id: check.id }], description: `delete ${edit.side} check ${check.id}` };
      return { edits: [{ kind: 'update_check', value: { ...check, status: edit.status } }], description: `set ${edit.side} check ${check.id} ${check.status} → ${edit.status}` };
    }
    case 'rename_computed_field':
    case 'computed_field_status':
    case 'describe_computed_field':
    case 'delete_computed_field': {
      const field = nth(world.computed_fields.filter((candidate) => candidate.container_id === edit.containerId), edit.pick);
      if (field === undefined) return none(`${edit.kind} on the ${edit.side}`);
      const label = `${edit.side} computed field ${field.id} '${field.name}'`;
      switch (edit.kind) {
        case 'rename_computed_field': {
          const name = renamed(field.name, edit.rename);
          return name === field.name ? none(`rename ${label}`) : { edits: [{ kind: 'update_computed_field', value: { ...field, name } }], description: `rename ${label} → '${name}'` };
        }
        case 'computed_field_status':
          return { edits: [{ kind: 'update_computed_field', value: { ...field, status: edit.status } }], description: `set ${label} ${field.status} → ${edit.status}` };
        case 'describe_computed_field':
          return { edits: [{ kind: 'update_computed_field', value: { ...field, description: edit.description } }], description: `describe ${label} as '${edit.description}'` };
        case 'delete_computed_field':
          return { edits: [{ kind: 'delete', entity: 'computed_field', id: field.id }], description: `delete ${label}` };
      }
      break;
    }
    case 'field_status': {
      const field = nth(world.fields.filter((candidate) => candidate.container_id === edit.containerId), edit.pick);
      if (field === undefined) return none('field status');
      return { edits: [{ kind: 'update_field', value: { ...field, status: edit.status } }], description: `set field ${field.id} '${field.name}' of container ${edit.containerId} ${field.status} → ${edit.status}` };
    }
    case 'add_field': {
      const present = new Set(world.fields.filter((field) => field.container_id === edit.containerId).map((field) => field.name.toLowerCase()));
      const like = nth(
        world.fields.filter((candidate) => candidate.container_id === edit.likeContainerId && !present.has(candidate.name.toLowerCase())),
        edit.pick,
      );
      if (like === undefined) return none(`add a field to container ${edit.containerId}`);
      const name = applyCasing(like.name, edit.casing);
      return {
        edits: [{ kind: 'create_field', value: { container_id: edit.containerId, name, type: like.type, status: 'active' } }],
        description: `add field '${name}' (${like.type}) to container ${edit.containerId}`,
      };
    }
    case 'rename_container':
    case 'soft_delete_container':
    case 'revive_container':
    case 'delete_container':
    case 'describe_container': {
      const container = nth(
        world.containers.filter((candidate) => candidate.datastore_id === edit.datastoreId && candidate.container_type === edit.type),
        edit.pick,
      );
      if (container === undefined) return none(`${edit.kind} on the ${edit.side}`);
      const label = `${edit.side} ${edit.type.replace('_', ' ')} ${container.id} '${container.name}'`;
      switch (edit.kind) {
        case 'rename_container': {
          const name = renamed(container.name, edit.rename);
          return name === container.name ? none(`rename ${label}`) : { edits: [{ kind: 'update_container', value: { ...container, name } }], description: `rename ${label} → '${name}'` };
        }
        case 'soft_delete_container':
          return container.deleted_at !== null
            ? none(`soft-delete ${label} (already)`)
            : { edits: [{ kind: 'update_container', value: { ...container, deleted_at: softDeleteTime } }], description: `soft-delete ${label}` };
        case 'revive_container':
          return container.deleted_at === null
            ? none(`revive ${label} (live)`)
            : { edits: [{ kind: 'update_container', value: { ...container, deleted_at: null } }], description: `revive ${label}` };
        case 'delete_container':
          return { edits: [{ kind: 'delete', entity: 'container', id: container.id }], description: `delete ${label}` };
        case 'describe_container':
          return { edits: [{ kind: 'update_container', value: { ...container, description: edit.description } }], description: `describe ${label} as '${edit.description}'` };
      }
    }
  }
  return none('edit');
}

/** How an edit reads before it runs (the target is only known then). */
export function describeScenarioEdit(edit: ScenarioEdit): string {
  switch (edit.kind) {
    case 'check':
      return `${edit.edit.kind.replace(/_/g, ' ')} on the ${edit.side} (pick ${edit.edit.pick})`;
    case 'add_field':
      return `add to container ${edit.containerId} a field like #${edit.pick} of container ${edit.likeContainerId}`;
    case 'field_status':
      return `set field #${edit.pick} of container ${edit.containerId} ${edit.status}`;
    default:
      return `${edit.kind.replace(/_/g, ' ')} on the ${edit.side} (pick ${edit.pick})`;
  }
}

const arbPick = fc.nat({ max: 1000 });
const arbRename: fc.Arbitrary<Rename> = fc.oneof(
  { weight: 2, arbitrary: arbCasing.map((casing) => ({ casing })) },
  { weight: 1, arbitrary: fc.constantFrom('v2', 'renamed').map((suffix) => ({ suffix })) },
);
const arbSide: fc.Arbitrary<Side> = fc.constantFrom('source', 'destination');
const arbDescription = fc.constantFrom('edited', 'Reviewed by data team', 'temporary');

/**
 * Edits across a scenario world: check edits and renames of destination fields (the testkit's
 * `arbSourceEdit` / `arbDestinationEdit`), check status changes and deletes, computed-field renames,
 * status changes, descriptions and deletes, destination field statuses and new destination fields,
 * computed table and file renames, soft deletes, revivals, deletes and descriptions — on either side.
 */
export function arbScenarioEdit(scenario: ModelScenarioWorld): fc.Arbitrary<ScenarioEdit> {
  const { checks, computedFields, tables, files } = scenario;
  const checkContainer = (side: Side) => (side === 'source' ? checks.source.containerId : checks.destination.containerId);
  const fieldContainer = (side: Side) => (side === 'source' ? computedFields.source.containerId : computedFields.destination.containerId);
  const arbContainerTarget = fc.tuple(arbSide, fc.constantFrom(tables, files)).map(([side, part]) => ({
    side,
    datastoreId: side === 'source' ? part.source.datastoreId : part.destination.datastoreId,
    type: part.kind,
  }));
  return fc.oneof(
    { weight: 2, arbitrary: arbSourceEdit(checks).map((edit): ScenarioEdit => ({ kind: 'check', side: 'source', edit })) },
    { weight: 2, arbitrary: arbDestinationEdit(checks).map((edit): ScenarioEdit => ({ kind: 'check', side: 'destination', edit })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(arbSide, arbPick, fc.constantFrom<CheckStatus>('active', 'draft', 'archived', 'discarded'))
        .map(([side, pick, status]): ScenarioEdit => ({ kind: 'check_status', side, containerId: checkContainer(side), pick, status })),
    },
    { weight: 1, arbitrary: fc.tuple(arbSide, arbPick).map(([side, pick]): ScenarioEdit => ({ kind: 'delete_check', side, containerId: checkContainer(side), pick })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(checks.destination.containerId, computedFields.destination.containerId), arbPick, fc.constantFrom<FieldStatus>('active', 'masked', 'missing', 'excluded'))
        .map(([containerId, pick, status]): ScenarioEdit => ({ kind: 'field_status', containerId, pick, status })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(checks, computedFields), arbPick, arbCasing)
        .map(([part, pick, casing]): ScenarioEdit => ({ kind: 'add_field', containerId: part.destination.containerId, likeContainerId: part.source.containerId, pick, casing })),
    },
    { weight: 1, arbitrary: fc.tuple(arbSide, arbPick, arbRename).map(([side, pick, rename]): ScenarioEdit => ({ kind: 'rename_computed_field', side, containerId: fieldContainer(side), pick, rename })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(arbSide, arbPick, fc.constantFrom<ComputedFieldStatus>('active', 'missing', 'deleted'))
        .map(([side, pick, status]): ScenarioEdit => ({ kind: 'computed_field_status', side, containerId: fieldContainer(side), pick, status })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(arbSide, arbPick, arbDescription).map(([side, pick, description]): ScenarioEdit => ({ kind: 'describe_computed_field', side, containerId: fieldContainer(side), pick, description })),
    },
    { weight: 1, arbitrary: fc.tuple(arbSide, arbPick).map(([side, pick]): ScenarioEdit => ({ kind: 'delete_computed_field', side, containerId: fieldContainer(side), pick })) },
    { weight: 1, arbitrary: fc.tuple(arbContainerTarget, arbPick, arbRename).map(([target, pick, rename]): ScenarioEdit => ({ kind: 'rename_container', ...target, pick, rename })) },
    { weight: 1, arbitrary: fc.tuple(arbContainerTarget, arbPick).map(([target, pick]): ScenarioEdit => ({ kind: 'soft_delete_container', ...target, pick })) },
    { weight: 1, arbitrary: fc.tuple(arbContainerTarget, arbPick).map(([target, pick]): ScenarioEdit => ({ kind: 'revive_container', ...target, pick })) },
    { weight: 1, arbitrary: fc.tuple(arbContainerTarget, arbPick).map(([target, pick]): ScenarioEdit => ({ kind: 'delete_container', ...target, pick })) },
    {
      weight: 1,
      arbitrary: fc.tuple(arbContainerTarget, arbPick, arbDescription).map(([target, pick, description]): ScenarioEdit => ({ kind: 'describe_container', ...target, pick, description })),
    },
  );
}
