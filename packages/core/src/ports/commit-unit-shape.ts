import type { EntityType } from '../domain/enums.js';
import type { CommitUnit, EntityWrite } from './store.js';

/**
 * Throws when a unit contradicts itself — a defect of the caller, refused before anything is
 * written: `created` needs a create write and no destination id; `updated` an update write of its
 * destination entity; `skipped` no write and a destination entity (its lineage link points there);
 * `failed` no write; `link_current` only on `updated` and `skipped`. A write must be of the unit's
 * entity type. The store runtime calls it on every unit of `commit` before the adapter sees any, so
 * every store refuses the same contradictions, the same way.
 */
export function checkCommitUnitShape(unit: CommitUnit): void {
  const { write } = unit;
  switch (unit.result) {
    case 'created':
      if (write === undefined || !isCreate(write)) throw new Error(`${unitName(unit)} has no create write`);
      if (unit.destination_entity_id !== null) {
        throw new Error(`${unitName(unit)} must have destination_entity_id null: the store assigns it`);
      }
      break;
    case 'updated':
      if (write === undefined || isCreate(write)) throw new Error(`${unitName(unit)} has no update write`);
      if (write.value.id !== unit.destination_entity_id) {
        throw new Error(`${unitName(unit)} writes entity ${write.value.id} but names destination ${String(unit.destination_entity_id)}`);
      }
      break;
    case 'skipped':
      if (write !== undefined) throw new Error(`${unitName(unit)} must not write`);
      if (unit.destination_entity_id === null) throw new Error(`${unitName(unit)} has no destination entity`);
      break;
    case 'failed':
      if (write !== undefined) throw new Error(`${unitName(unit)} must not write`);
      break;
  }
  if (unit.link_current === true && (unit.result === 'created' || unit.result === 'failed')) {
    throw new Error(`${unitName(unit)} cannot have a current lineage link: it records none, or a new one`);
  }
  if (write !== undefined && !writeFits(unit.entity_type, write)) {
    throw new Error(`${unitName(unit)} carries a ${write.kind} write of another entity type`);
  }
}

type CreateWrite = Extract<EntityWrite, { readonly kind: `create_${string}` }>;

function isCreate(write: EntityWrite): write is CreateWrite {
  return write.kind === 'create_check' || write.kind === 'create_computed_field' || write.kind === 'create_container';
}

function writeFits(entityType: EntityType, write: EntityWrite): boolean {
  switch (write.kind) {
    case 'create_check':
    case 'update_check':
      return entityType === 'quality_check';
    case 'create_computed_field':
    case 'update_computed_field':
      return entityType === 'computed_field';
    case 'create_container':
    case 'update_container':
      return write.value.container_type === entityType;
  }
}

/** How an error names a unit. Only ever needed for an error: built on demand, not for each valid unit. */
function unitName(unit: CommitUnit): string {
  return `The ${unit.result} unit of ${unit.entity_type} ${unit.source_entity_id} in operation ${unit.operation_id}`;
}
