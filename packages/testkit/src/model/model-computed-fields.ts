import { messages, type ComputedField, type PromoteComputedFieldRequest } from '@promote/core';
import { changesBetween } from './model-changes.js';
import { expressionIdentifiers, expressionOf } from './model-dependencies.js';
import { availableNames } from './model-namespace.js';
import { pythonListRepr, unique } from './model-text.js';
import { missingSource, type ModelResult, type ModelStartedOperation } from './model-types.js';
import type { WorldDraft } from './model-world.js';

const compared = ['transformation', 'source_fields', 'properties', 'description', 'tags', 'additional_metadata', 'status'] as const;

/**
 * §6: the names a computed field uses — its `source_fields`, and the identifiers of its expression
 * that name a field or another computed field of the source container — first spelling of each.
 */
export function usedNames(field: ComputedField, sourceFieldNames: ReadonlySet<string>): string[] {
  const expressionNames = expressionIdentifiers(expressionOf(field)).filter(
    (token) => sourceFieldNames.has(token.toLowerCase()) && token.toLowerCase() !== field.name.toLowerCase(),
  );
  const seen = new Set<string>();
  return [...field.source_fields, ...expressionNames].filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Processes the computed fields `pending` (source ids, topological order) of a started operation
 * on `draft`: lineage then name matching (§4), availability of every used name — parents written
 * earlier in the run count (§6) — comparison, reactivation and writes (§5). Each write is visible
 * to the fields after it.
 */
export function modelExecuteComputedFields(draft: WorldDraft, started: ModelStartedOperation, pending: readonly number[], taken: Set<number>): ModelResult[] {
  const request = started.request as PromoteComputedFieldRequest;
  const sourceId = started.sourceContainerId as number;
  const destinationId = started.destinationContainerId as number;
  const additionalTags = request.computed_field_additional_tags ?? [];
  const sources = pending.map((id) => draft.computedField(id));

  const matches = new Map<number, ComputedField>();
  const newestFirst = [...draft.lineage].reverse();
  for (const source of sources) {
    if (source === undefined) continue;
    for (const link of newestFirst) {
      if (link.entity_type !== 'computed_field' || link.source_entity_id !== source.id || link.destination_scope_id !== destinationId) continue;
      const destination = draft.computedField(link.destination_entity_id);
      if (destination !== undefined && destination.container_id === destinationId && !taken.has(destination.id)) {
        matches.set(source.id, destination);
        taken.add(destination.id);
        break;
      }
    }
  }
  for (const source of sources) {
    if (source === undefined || matches.has(source.id)) continue;
    const destination = draft
      .computedFieldsOf(destinationId)
      .find((candidate) => !taken.has(candidate.id) && candidate.name.toLowerCase() === source.name.toLowerCase());
    if (destination !== undefined) {
      matches.set(source.id, destination);
      taken.add(destination.id);
    }
  }

  return pending.map((id, index): ModelResult => {
    const source = sources[index];
    if (source === undefined) return missingSource('computed_field', id);
    const matched = matches.get(source.id);
    const failed = (message: string, destinationEntityId: number | null): ModelResult => ({
      source_entity_id: source.id,
      entity_type: 'computed_field',
      result: 'failed',
      destination_entity_id: destinationEntityId,
      message,
    });

    if (matched === undefined && draft.fieldsOf(destinationId).some((field) => field.name.toLowerCase() === source.name.toLowerCase())) {
      return failed(`Cannot promote over non-computed field '${source.name}' on destination`, null);
    }
    const sourceComputedNames = new Set(draft.computedFieldsOf(sourceId).map((field) => field.name.toLowerCase()));
    const sourceNames = new Set([...draft.fieldsOf(sourceId).map((field) => field.name.toLowerCase()), ...sourceComputedNames]);
    const available = availableNames(draft.fieldsOf(destinationId), draft.computedFieldsOf(destinationId));
    const used = usedNames(source, sourceNames);
    const missing = used.filter((name) => !available.has(name.toLowerCase()));
    if (missing.length > 0) {
      const parentMayHaveFailed = missing.some((name) => sourceComputedNames.has(name.toLowerCase()));
      return failed(
        parentMayHaveFailed
          ? `Source field(s) ${pythonListRepr(missing)} not available on destination — their parent computed field may have failed to promote`
          : `Source field(s) ${pythonListRepr(missing)} not available on destination`,
        matched?.id ?? null,
      );
    }

    const sourceFields = source.source_fields.map((name) => available.get(name.toLowerCase()) ?? name);
    if (matched === undefined) {
      const newId = draft.nextId('computed_field');
      draft.putComputedField({
        id: newId,
        container_id: destinationId,
        name: source.name,
        transformation: source.transformation,
        source_fields: sourceFields,
        properties: structuredClone({ ...source.properties }),
        description: source.description,
        tags: unique([...source.tags, ...additionalTags]),
        additional_metadata: { ...source.additional_metadata },
        status: 'active',
      });
      return { source_entity_id: source.id, entity_type: 'computed_field', result: 'created', destination_entity_id: newId, message: null };
    }

    // Like a check's fields (decision 0006), names equal case-insensitively keep the destination's spelling.
    const sameSourceFields =
      matched.source_fields.length === sourceFields.length && matched.source_fields.every((name, position) => name.toLowerCase() === sourceFields[position]?.toLowerCase());
    const desired: ComputedField = {
      ...matched,
      transformation: source.transformation,
      source_fields: sameSourceFields ? matched.source_fields : sourceFields,
      properties: structuredClone({ ...source.properties }),
      description: source.description,
      tags: unique([...matched.tags, ...source.tags, ...additionalTags]),
      additional_metadata: { ...matched.additional_metadata, ...source.additional_metadata },
      status: 'active',
    };
    const changes = changesBetween(matched, desired, compared);
    if (changes.length === 0) {
      return { source_entity_id: source.id, entity_type: 'computed_field', result: 'skipped', destination_entity_id: matched.id, message: null };
    }
    draft.putComputedField(desired);
    return {
      source_entity_id: source.id,
      entity_type: 'computed_field',
      result: 'updated',
      destination_entity_id: matched.id,
      message: matched.status === 'active' ? null : messages.reactivatedField,
      changes,
    };
  });
}
