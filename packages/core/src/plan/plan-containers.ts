import type { ComputedFileContainer, ComputedTableContainer, Container, LineageLink } from '../domain/entities.js';
import { messages } from '../domain/operation.js';
import type { DistributiveOmit } from '../ports/store.js';
import { jsonEqual } from './compare.js';
import { containerAttributes } from './compared-attributes.js';
import { diffAttributes } from './diff.js';
import type { EntityPlan } from './entity-plan.js';
import { matchEntities } from './match-entities.js';
import { mergedMetadata, mergedTags } from './merge.js';

type ComputedContainer = ComputedTableContainer | ComputedFileContainer;

/** Everything the computed-table / computed-file planner looks at. */
export interface ComputedContainerPlanInput {
  readonly kind: 'computed_table' | 'computed_file';
  /** The selection in processing order (ascending id). */
  readonly sources: readonly ComputedContainer[];
  readonly destinationDatastoreId: number;
  /** Every container of the destination datastore, soft-deleted included. */
  readonly destinationContainers: readonly Container[];
  /** Computed files: source container id → destination file pattern id (§2, `source_container_mappings`). */
  readonly mappings?: ReadonlyMap<number, number> | undefined;
  /** Lineage of the selection in the destination datastore, newest first. */
  readonly lineage: readonly LineageLink[];
  readonly taken?: ReadonlySet<number> | undefined;
  readonly additionalTags: readonly string[];
}


/**
 * The pure planner for computed tables and computed files (§4, §5): matching by lineage, then by
 * name among every container of the destination datastore (soft-deleted included), type mismatch,
 * comparison and reactivation.
 */
export function planComputedContainers(input: ComputedContainerPlanInput): EntityPlan[] {
  const candidates = new Map(input.destinationContainers.map((container) => [container.id, container]));
  const byName = new Map<string, number[]>();
  for (const container of [...input.destinationContainers].sort((a, b) => a.id - b.id)) {
    const key = container.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), container.id]);
  }
  const matches = matchEntities({
    sources: input.sources,
    sourceId: (source) => source.id,
    lineage: input.lineage,
    isCandidate: (id) => candidates.has(id),
    fallback: (source) => byName.get(source.name.toLowerCase()) ?? [],
    taken: input.taken,
  });
  const attributes = containerAttributes(input.kind);
  const typeName = input.kind === 'computed_table' ? 'computed-table' : 'computed-file';

  return input.sources.map((source, index): EntityPlan => {
    const base = { entity_type: input.kind, source_entity_id: source.id, search_text: source.name.toLowerCase() };
    const linkCurrent = matches.throughNewestLink[index] === true;
    const destinationId = matches.destinations[index];
    const destination = destinationId === undefined ? undefined : candidates.get(destinationId);
    if (destination !== undefined && destination.container_type !== input.kind) {
      return {
        ...base,
        result: 'failed',
        destination_entity_id: destination.id,
        message: `Cannot promote over non-${typeName} container (type: ${destination.container_type})`,
        changes: null,
        before: null,
      };
    }
    const definition = definitionOf(source, input.mappings);
    if (destination === undefined) {
      const value = {
        datastore_id: input.destinationDatastoreId,
        name: source.name,
        description: source.description,
        tags: mergedTags([], source.tags, input.additionalTags),
        additional_metadata: { ...source.additional_metadata },
        deleted_at: null,
        profiled: false,
        ...definition,
      } as unknown as DistributiveOmit<Container, 'id'>;
      return { ...base, result: 'created', destination_entity_id: null, message: null, changes: null, before: null, write: { kind: 'create_container', value } };
    }
    const desired = {
      ...destination,
      ...keepEqual(destination as ComputedContainer, definition),
      description: source.description,
      tags: mergedTags(destination.tags, source.tags, input.additionalTags),
      additional_metadata: mergedMetadata(destination.additional_metadata, source.additional_metadata),
      deleted_at: null,
    } as Container;
    const changes = diffAttributes(destination as unknown as Record<string, unknown>, desired as unknown as Record<string, unknown>, attributes);
    if (changes.length === 0) {
      return { ...base, result: 'skipped', destination_entity_id: destination.id, message: null, changes: null, before: null, link_current: linkCurrent };
    }
    return {
      ...base,
      link_current: linkCurrent,
      result: 'updated',
      destination_entity_id: destination.id,
      message: destination.deleted_at === null ? null : messages.reactivatedContainer,
      changes,
      before: destination,
      write: { kind: 'update_container', value: desired },
    };
  });
}

function definitionOf(source: ComputedContainer, mappings: ReadonlyMap<number, number> | undefined): Record<string, unknown> {
  if (source.container_type === 'computed_table') {
    return {
      container_type: 'computed_table',
      query: source.query,
      incremental_field_name: source.incremental_field_name,
      group_by_fields: source.group_by_fields,
      volumetric_tracking: source.volumetric_tracking,
      freshness_tracking: source.freshness_tracking,
    };
  }
  return {
    container_type: 'computed_file',
    source_container_id: mappings?.get(source.id) ?? source.source_container_id,
    select_clause: source.select_clause,
    where_clause: source.where_clause,
    group_by_clause: source.group_by_clause,
  };
}

/** The source definition, keeping the destination's own value where it is already equal. */
function keepEqual(destination: ComputedContainer, definition: Record<string, unknown>): Record<string, unknown> {
  const current = destination as unknown as Record<string, unknown>;
  return Object.fromEntries(Object.entries(definition).map(([key, value]) => [key, jsonEqual(current[key], value) ? current[key] : value]));
}
