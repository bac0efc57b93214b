import type { ComputedField, Field, LineageLink } from '../domain/entities.js';
import { messages } from '../domain/operation.js';
import { jsonEqual, pythonList } from './compare.js';
import { namesUsedBy } from './computed-field-dependencies.js';
import { computedFieldAttributes, sameNameList } from './compared-attributes.js';
import { diffAttributes } from './diff.js';
import type { EntityPlan } from './entity-plan.js';
import { fieldNamespace } from './field-namespace.js';
import { matchEntities } from './match-entities.js';
import { mergedMetadata, mergedTags } from './merge.js';

/** Everything the computed-field planner looks at. */
export interface ComputedFieldPlanInput {
  /** The closed selection in topological order (§6). */
  readonly sources: readonly ComputedField[];
  /** Every computed field of the source container (to tell a failed parent from a plain missing field). */
  readonly sourceComputedFields: readonly ComputedField[];
  /** Plain fields of the source container. */
  readonly sourceFields: readonly Field[];
  readonly destinationContainerId: number;
  readonly destinationFields: readonly Field[];
  /** Every computed field of the destination container, any status. */
  readonly destinationComputedFields: readonly ComputedField[];
  /** Lineage of the selection in the destination container, newest first. */
  readonly lineage: readonly LineageLink[];
  readonly taken?: ReadonlySet<number> | undefined;
  readonly additionalTags: readonly string[];
}


/**
 * The pure planner for computed fields (§4–§6): matching by lineage then name, the availability of
 * every name a field uses (parents written earlier in the run count), comparison and reactivation.
 */
export function planComputedFields(input: ComputedFieldPlanInput): EntityPlan[] {
  const namespace = fieldNamespace(input.destinationFields, input.destinationComputedFields);
  const sourceNames = new Set([...input.sourceFields.map((field) => field.name.toLowerCase()), ...input.sourceComputedFields.map((field) => field.name.toLowerCase())]);
  const sourceComputedNames = new Set(input.sourceComputedFields.map((field) => field.name.toLowerCase()));
  const plainByName = new Map<string, Field>();
  for (const field of input.destinationFields) if (!plainByName.has(field.name.toLowerCase())) plainByName.set(field.name.toLowerCase(), field);
  const candidates = new Map(input.destinationComputedFields.map((field) => [field.id, field]));
  const byName = new Map<string, number[]>();
  for (const field of [...input.destinationComputedFields].sort((a, b) => a.id - b.id)) {
    const key = field.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), field.id]);
  }
  const matches = matchEntities({
    sources: input.sources,
    sourceId: (source) => source.id,
    lineage: input.lineage,
    isCandidate: (id) => candidates.has(id),
    fallback: (source) => byName.get(source.name.toLowerCase()) ?? [],
    taken: input.taken,
  });

  return input.sources.map((source, index): EntityPlan => {
    const base = { entity_type: 'computed_field' as const, source_entity_id: source.id, search_text: source.name.toLowerCase() };
    const linkCurrent = matches.throughNewestLink[index] === true;
    const failed = (message: string, destinationId: number | null = null): EntityPlan => ({
      ...base,
      result: 'failed',
      destination_entity_id: destinationId,
      message,
      changes: null,
      before: null,
    });
    const destinationId = matches.destinations[index];
    const destination = destinationId === undefined ? undefined : candidates.get(destinationId);
    if (destination === undefined && plainByName.has(source.name.toLowerCase())) {
      return failed(`Cannot promote over non-computed field '${source.name}' on destination`);
    }
    // Every source_fields name, and expression identifiers that name a field of the source container.
    const used = namesUsedBy(source).filter(
      (name, index) => index < source.source_fields.length || sourceNames.has(name.toLowerCase()),
    );
    const missing = used.filter(
      (name, index) =>
        name.toLowerCase() !== source.name.toLowerCase() &&
        namespace.resolve(name) === undefined &&
        used.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index,
    );
    if (missing.length > 0) {
      const parentFailed = missing.some((name) => sourceComputedNames.has(name.toLowerCase()));
      return failed(
        parentFailed
          ? `Source field(s) ${pythonList(missing)} not available on destination — their parent computed field may have failed to promote`
          : `Source field(s) ${pythonList(missing)} not available on destination`,
        destination?.id ?? null,
      );
    }
    const sourceFields = source.source_fields.map((name) => namespace.resolve(name) ?? name);
    if (destination === undefined) {
      const value: Omit<ComputedField, 'id'> = {
        container_id: input.destinationContainerId,
        name: source.name,
        transformation: source.transformation,
        source_fields: sourceFields,
        properties: source.properties,
        description: source.description,
        tags: mergedTags([], source.tags, input.additionalTags),
        additional_metadata: { ...source.additional_metadata },
        status: 'active',
      };
      namespace.add(source.name);
      return { ...base, result: 'created', destination_entity_id: null, message: null, changes: null, before: null, write: { kind: 'create_computed_field', value } };
    }
    const desired: ComputedField = {
      ...destination,
      transformation: source.transformation,
      source_fields: sameNameList(destination.source_fields, sourceFields) ? destination.source_fields : sourceFields,
      properties: jsonEqual(destination.properties, source.properties) ? destination.properties : source.properties,
      description: source.description,
      tags: mergedTags(destination.tags, source.tags, input.additionalTags),
      additional_metadata: mergedMetadata(destination.additional_metadata, source.additional_metadata),
      status: 'active',
    };
    const changes = diffAttributes(destination as unknown as Record<string, unknown>, desired as unknown as Record<string, unknown>, computedFieldAttributes);
    if (changes.length === 0) {
      return { ...base, result: 'skipped', destination_entity_id: destination.id, message: null, changes: null, before: null, link_current: linkCurrent };
    }
    namespace.add(destination.name);
    return {
      ...base,
      link_current: linkCurrent,
      result: 'updated',
      destination_entity_id: destination.id,
      message: destination.status === 'active' ? null : messages.reactivatedField,
      changes,
      before: destination,
      write: { kind: 'update_computed_field', value: desired },
    };
  });
}

