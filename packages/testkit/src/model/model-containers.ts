import {
  messages,
  type ComputedFileContainer,
  type ComputedTableContainer,
  type Container,
  type PromoteComputedFileRequest,
  type PromoteComputedTableRequest,
} from '@promote/core';
import { changesBetween } from './model-changes.js';
import { unique } from './model-text.js';
import { missingSource, type ModelResult, type ModelStartedOperation } from './model-types.js';
import type { WorldDraft } from './model-world.js';

const comparedTable = ['query', 'incremental_field_name', 'group_by_fields', 'volumetric_tracking', 'freshness_tracking', 'description', 'tags', 'additional_metadata', 'deleted_at'] as const;
const comparedFile = ['select_clause', 'where_clause', 'group_by_clause', 'source_container_id', 'description', 'tags', 'additional_metadata', 'deleted_at'] as const;

/**
 * Processes the computed tables or files `pending` (source ids, ascending) of a started operation
 * on `draft`: lineage then name matching among all containers of the destination datastore,
 * soft-deleted ones included (§4); a match of another type fails; otherwise compare, revive, write (§5).
 */
export function modelExecuteContainers(draft: WorldDraft, started: ModelStartedOperation, pending: readonly number[], taken: Set<number>): ModelResult[] {
  const kind = started.promote_type === 'computed_table' ? 'computed_table' : 'computed_file';
  const request = started.request as PromoteComputedTableRequest | PromoteComputedFileRequest;
  const additionalTags = request.container_additional_tags ?? [];
  const destinationDatastoreId = started.destinationDatastoreId;
  const mappedPattern = (sourceId: number) =>
    request.type === 'promote_computed_file' ? request.source_container_mappings.find((mapping) => mapping.container_id === sourceId)?.destination_container_id : undefined;
  const sources = pending.map((id) => draft.container(id));

  const matches = new Map<number, Container>();
  const newestFirst = [...draft.lineage].reverse();
  for (const source of sources) {
    if (source === undefined) continue;
    for (const link of newestFirst) {
      if (link.entity_type !== kind || link.source_entity_id !== source.id || link.destination_scope_id !== destinationDatastoreId) continue;
      const destination = draft.container(link.destination_entity_id);
      if (destination !== undefined && destination.datastore_id === destinationDatastoreId && !taken.has(destination.id)) {
        matches.set(source.id, destination);
        taken.add(destination.id);
        break;
      }
    }
  }
  for (const source of sources) {
    if (source === undefined || matches.has(source.id)) continue;
    const destination = draft
      .containersOf(destinationDatastoreId)
      .find((candidate) => !taken.has(candidate.id) && candidate.name.toLowerCase() === source.name.toLowerCase());
    if (destination !== undefined) {
      matches.set(source.id, destination);
      taken.add(destination.id);
    }
  }

  return pending.map((id, index): ModelResult => {
    const source = sources[index];
    if (source === undefined || source.container_type !== kind) return missingSource(kind, id);
    const matched = matches.get(source.id);
    if (matched !== undefined && matched.container_type !== kind) {
      const label = kind === 'computed_table' ? 'non-computed-table' : 'non-computed-file';
      return { source_entity_id: source.id, entity_type: kind, result: 'failed', destination_entity_id: matched.id, message: `Cannot promote over ${label} container (type: ${matched.container_type})` };
    }
    const definition =
      source.container_type === 'computed_table'
        ? {
            query: source.query,
            incremental_field_name: source.incremental_field_name,
            group_by_fields: [...source.group_by_fields],
            volumetric_tracking: source.volumetric_tracking,
            freshness_tracking: source.freshness_tracking,
          }
        : {
            select_clause: (source as ComputedFileContainer).select_clause,
            where_clause: (source as ComputedFileContainer).where_clause,
            group_by_clause: (source as ComputedFileContainer).group_by_clause,
            source_container_id: mappedPattern(source.id) as number,
          };

    if (matched === undefined) {
      const newId = draft.nextId('container');
      draft.putContainer({
        id: newId,
        datastore_id: destinationDatastoreId,
        name: source.name,
        container_type: kind,
        description: source.description,
        tags: unique([...source.tags, ...additionalTags]),
        additional_metadata: { ...source.additional_metadata },
        deleted_at: null,
        profiled: false,
        ...definition,
      } as ComputedTableContainer | ComputedFileContainer);
      return { source_entity_id: source.id, entity_type: kind, result: 'created', destination_entity_id: newId, message: null };
    }

    const desired = {
      ...matched,
      ...definition,
      description: source.description,
      tags: unique([...matched.tags, ...source.tags, ...additionalTags]),
      additional_metadata: { ...matched.additional_metadata, ...source.additional_metadata },
      deleted_at: null,
    } as Container;
    const changes = changesBetween<Record<string, unknown>>({ ...matched }, { ...desired }, kind === 'computed_table' ? comparedTable : comparedFile);
    if (changes.length === 0) {
      return { source_entity_id: source.id, entity_type: kind, result: 'skipped', destination_entity_id: matched.id, message: null };
    }
    draft.putContainer(desired);
    return {
      source_entity_id: source.id,
      entity_type: kind,
      result: 'updated',
      destination_entity_id: matched.id,
      message: matched.deleted_at === null ? null : messages.reactivatedContainer,
      changes,
    };
  });
}
