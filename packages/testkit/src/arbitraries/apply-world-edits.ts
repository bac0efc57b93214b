import type { World, WorldEdit } from '@promote/core';

function nextId(list: readonly { readonly id: number }[]): number {
  return 1 + Math.max(0, ...list.map((entity) => entity.id));
}

function replace<T extends { readonly id: number }>(list: readonly T[], value: T, kind: string): T[] {
  if (!list.some((entity) => entity.id === value.id)) throw new Error(`defect: ${kind} ${value.id} does not exist`);
  return list.map((entity) => (entity.id === value.id ? value : entity));
}

const byId = <T extends { readonly id: number }>(list: readonly T[]): T[] => [...list].sort((a, b) => a.id - b.id);

/**
 * `world` with `edits` applied in order, as a store's `applyEdits` would — a pure helper for
 * reference models and tests that need no store. Created entities get `1 + the largest id of their
 * kind present` (a store also counts deleted ones); `update_*` replaces the entity with that id
 * (a missing one is a defect and throws); `delete` removes the entity, and deleting a container also
 * removes its fields, checks and computed fields. Lineage is never touched. Lists stay ascending id.
 */
export function applyWorldEdits(world: World, edits: readonly WorldEdit[]): World {
  let next: World = world;
  for (const edit of edits) {
    switch (edit.kind) {
      case 'create_check':
        next = { ...next, quality_checks: [...next.quality_checks, { ...edit.value, id: nextId(next.quality_checks) }] };
        break;
      case 'update_check':
        next = { ...next, quality_checks: replace(next.quality_checks, edit.value, 'quality check') };
        break;
      case 'create_computed_field':
        next = { ...next, computed_fields: [...next.computed_fields, { ...edit.value, id: nextId(next.computed_fields) }] };
        break;
      case 'update_computed_field':
        next = { ...next, computed_fields: replace(next.computed_fields, edit.value, 'computed field') };
        break;
      case 'create_container':
        next = { ...next, containers: [...next.containers, { ...edit.value, id: nextId(next.containers) }] };
        break;
      case 'update_container':
        next = { ...next, containers: replace(next.containers, edit.value, 'container') };
        break;
      case 'create_field':
        next = { ...next, fields: [...next.fields, { ...edit.value, id: nextId(next.fields) }] };
        break;
      case 'update_field':
        next = { ...next, fields: replace(next.fields, edit.value, 'field') };
        break;
      case 'delete': {
        const { id } = edit;
        switch (edit.entity) {
          case 'quality_check':
            next = { ...next, quality_checks: next.quality_checks.filter((check) => check.id !== id) };
            break;
          case 'computed_field':
            next = { ...next, computed_fields: next.computed_fields.filter((computed) => computed.id !== id) };
            break;
          case 'field':
            next = { ...next, fields: next.fields.filter((field) => field.id !== id) };
            break;
          case 'container':
            next = {
              ...next,
              containers: next.containers.filter((container) => container.id !== id),
              fields: next.fields.filter((field) => field.container_id !== id),
              quality_checks: next.quality_checks.filter((check) => check.container_id !== id),
              computed_fields: next.computed_fields.filter((computed) => computed.container_id !== id),
            };
            break;
        }
        break;
      }
    }
  }
  return {
    ...next,
    containers: byId(next.containers),
    fields: byId(next.fields),
    quality_checks: byId(next.quality_checks),
    computed_fields: byId(next.computed_fields),
  };
}
