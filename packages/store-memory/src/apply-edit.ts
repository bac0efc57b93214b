import type { WorldEdit } from '@promote/core';
import { frozenCopy } from './frozen-copy.js';
import type { WorldDraft } from './world-tables.js';

/**
 * Checks one edit against the world as `draft` sees it and stages it there. Throws, staging
 * nothing, when the edit cannot be applied: an update or delete of an entity that does not exist, a
 * write into a container or datastore that does not exist, a computed file whose source container
 * does not exist, or the delete of a container that a computed file still uses as its source.
 * Deleting a container also deletes its fields, checks and computed fields. Returns the id of the
 * entity (the assigned one for a creation).
 */
export function applyEdit(draft: WorldDraft, edit: WorldEdit): number {
  switch (edit.kind) {
    case 'create_check': {
      requireContainer(draft, edit.value.container_id, 'a quality check');
      const id = draft.ids.next('quality_check');
      draft.checks.put(frozenCopy({ ...edit.value, id }));
      return id;
    }
    case 'update_check':
      requireExisting(draft.checks.has(edit.value.id), 'Quality check', edit.value.id);
      requireContainer(draft, edit.value.container_id, 'a quality check');
      draft.checks.put(frozenCopy(edit.value));
      return edit.value.id;
    case 'create_computed_field': {
      requireContainer(draft, edit.value.container_id, 'a computed field');
      const id = draft.ids.next('computed_field');
      draft.computedFields.put(frozenCopy({ ...edit.value, id }));
      return id;
    }
    case 'update_computed_field':
      requireExisting(draft.computedFields.has(edit.value.id), 'Computed field', edit.value.id);
      requireContainer(draft, edit.value.container_id, 'a computed field');
      draft.computedFields.put(frozenCopy(edit.value));
      return edit.value.id;
    case 'create_field': {
      requireContainer(draft, edit.value.container_id, 'a field');
      const id = draft.ids.next('field');
      draft.fields.put(frozenCopy({ ...edit.value, id }));
      return id;
    }
    case 'update_field':
      requireExisting(draft.fields.has(edit.value.id), 'Field', edit.value.id);
      requireContainer(draft, edit.value.container_id, 'a field');
      draft.fields.put(frozenCopy(edit.value));
      return edit.value.id;
    case 'create_container': {
      requireDatastore(draft, edit.value.datastore_id);
      if (edit.value.container_type === 'computed_file') requireContainer(draft, edit.value.source_container_id, 'the source of a computed file');
      const id = draft.ids.next('container');
      draft.containers.put(frozenCopy({ ...edit.value, id }));
      return id;
    }
    case 'update_container':
      requireExisting(draft.containers.has(edit.value.id), 'Container', edit.value.id);
      requireDatastore(draft, edit.value.datastore_id);
      if (edit.value.container_type === 'computed_file') requireContainer(draft, edit.value.source_container_id, 'the source of a computed file');
      draft.containers.put(frozenCopy(edit.value));
      return edit.value.id;
    case 'delete':
      deleteEntity(draft, edit.entity, edit.id);
      return edit.id;
  }
}

function deleteEntity(draft: WorldDraft, entity: Extract<WorldEdit, { kind: 'delete' }>['entity'], id: number): void {
  switch (entity) {
    case 'quality_check':
      requireExisting(draft.checks.has(id), 'Quality check', id);
      draft.checks.delete(id);
      return;
    case 'computed_field':
      requireExisting(draft.computedFields.has(id), 'Computed field', id);
      draft.computedFields.delete(id);
      return;
    case 'field':
      requireExisting(draft.fields.has(id), 'Field', id);
      draft.fields.delete(id);
      return;
    case 'container': {
      requireExisting(draft.containers.has(id), 'Container', id);
      for (const container of draft.containers.rows()) {
        if (container.container_type === 'computed_file' && container.source_container_id === id && container.id !== id) {
          throw new Error(`Cannot delete container ${id}: computed file ${container.id} uses it as its source`);
        }
      }
      for (const childId of draft.fields.childIds(id)) draft.fields.delete(childId);
      for (const childId of draft.checks.childIds(id)) draft.checks.delete(childId);
      for (const childId of draft.computedFields.childIds(id)) draft.computedFields.delete(childId);
      draft.containers.delete(id);
      return;
    }
  }
}

function requireExisting(exists: boolean, entity: string, id: number): void {
  if (!exists) throw new Error(`${entity} ${id} does not exist`);
}

function requireContainer(draft: WorldDraft, containerId: number, what: string): void {
  if (!draft.containers.has(containerId)) throw new Error(`Container ${containerId} of ${what} does not exist`);
}

function requireDatastore(draft: WorldDraft, datastoreId: number): void {
  if (!draft.datastores.has(datastoreId)) throw new Error(`Datastore ${datastoreId} of a container does not exist`);
}
