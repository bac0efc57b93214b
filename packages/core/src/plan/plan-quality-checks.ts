import type { CheckDefinition, ComputedField, Container, Field, LineageLink, QualityCheck } from '../domain/entities.js';
import type { CheckStatus } from '../domain/enums.js';
import { canonicalJson, jsonEqual, nameSetKey, normaliseFilter, sameNameSet, union } from './compare.js';
import { diffAttributes, type AttributeDiff } from './diff.js';
import type { EntityPlan } from './entity-plan.js';
import { fieldNamespace } from './field-namespace.js';
import { matchEntities } from './match-entities.js';
import { resolveCheck, unresolvedMessage, type ContainerReferenceContext, type ResolvedCheck } from './resolve-check.js';

/** Everything the quality-check planner looks at: read from the store, never changed by it. */
export interface QualityCheckPlanInput {
  /** The selection, in processing order (ascending id). */
  readonly sources: readonly QualityCheck[];
  readonly destinationContainer: Container;
  readonly destinationFields: readonly Field[];
  readonly destinationComputedFields: readonly ComputedField[];
  /** Every check of the destination container, any status. */
  readonly destinationChecks: readonly QualityCheck[];
  /** Lineage links of the selection in the destination container, newest first. */
  readonly lineage: readonly LineageLink[];
  /** Destination checks already matched by this operation (on resume). */
  readonly taken?: ReadonlySet<number> | undefined;
  readonly references: ContainerReferenceContext;
  readonly additionalTags: readonly string[];
  readonly asDraft: boolean;
  /** ISO timestamp written as `created_at`/`updated_at` of what is written. */
  readonly now: string;
}

const comparedAttributes: readonly AttributeDiff[] = [
  { path: 'fields', kind: 'whole', equal: (a, b) => sameNameSet(a as string[], b as string[]) },
  { path: 'coverage', kind: 'whole' },
  { path: 'filter', kind: 'whole', equal: (a, b) => normaliseFilter(a as string | null) === normaliseFilter(b as string | null) },
  { path: 'properties', kind: 'keys' },
  { path: 'description', kind: 'whole' },
  { path: 'tags', kind: 'whole' },
  { path: 'additional_metadata', kind: 'keys' },
  { path: 'status', kind: 'whole' },
];

/** A check's key for overlap matching (§4): rule type, field set, properties, filter. */
export function overlapKey(check: Pick<CheckDefinition, 'rule_type' | 'fields' | 'properties' | 'filter'>): string {
  return `${check.rule_type}\u0000${nameSetKey(check.fields)}\u0000${canonicalJson(check.properties)}\u0000${normaliseFilter(check.filter)}`;
}

/** The text result search matches for a check: its description and rule type (§10). */
export function checkSearchText(check: Pick<CheckDefinition, 'description' | 'rule_type'>): string {
  return `${check.description}\n${check.rule_type}`.toLowerCase();
}

/**
 * The pure planner for quality checks: selection already made, it matches (§4), resolves (§7),
 * compares (§5) and applies the status rules (§8). One plan per source, in processing order.
 */
export function planQualityChecks(input: QualityCheckPlanInput): EntityPlan[] {
  const namespace = fieldNamespace(input.destinationFields, input.destinationComputedFields);
  const resolved = new Map<number, ResolvedCheck>();
  for (const source of input.sources) resolved.set(source.id, resolveCheck(source, namespace, input.references));

  const candidates = new Map<number, QualityCheck>();
  const byOverlap = new Map<string, number[]>();
  for (const check of [...input.destinationChecks].sort((a, b) => a.id - b.id)) {
    if (check.status !== 'active' && check.status !== 'draft') continue;
    candidates.set(check.id, check);
    const key = overlapKey(check);
    const list = byOverlap.get(key);
    if (list === undefined) byOverlap.set(key, [check.id]);
    else list.push(check.id);
  }
  const matches = matchEntities({
    sources: input.sources,
    sourceId: (source) => source.id,
    lineage: input.lineage,
    isCandidate: (id) => candidates.has(id),
    fallback: (source) => {
      const resolution = mustGet(resolved, source.id);
      return byOverlap.get(overlapKey({ ...source, fields: resolution.fields, properties: resolution.properties })) ?? [];
    },
    taken: input.taken,
  });

  return input.sources.map((source) => {
    const resolution = mustGet(resolved, source.id);
    const destinationId = matches.get(source.id);
    const destination = destinationId === undefined ? undefined : candidates.get(destinationId);
    return destination === undefined
      ? planCreate(source, resolution, input)
      : planUpdate(source, resolution, destination, input);
  });
}

function planCreate(source: QualityCheck, resolution: ResolvedCheck, input: QualityCheckPlanInput): EntityPlan {
  const message = unresolvedMessage(resolution);
  const status: CheckStatus = input.asDraft || message !== null ? 'draft' : 'active';
  const value: Omit<QualityCheck, 'id'> = {
    container_id: input.destinationContainer.id,
    rule_type: source.rule_type,
    description: source.description,
    fields: resolution.fields,
    coverage: source.coverage,
    filter: source.filter,
    properties: resolution.properties,
    tags: union(source.tags, input.additionalTags),
    additional_metadata: { ...source.additional_metadata },
    status,
    inferred: false,
    created_at: input.now,
    updated_at: input.now,
  };
  return {
    entity_type: 'quality_check',
    source_entity_id: source.id,
    result: 'created',
    destination_entity_id: null,
    message,
    changes: null,
    before: null,
    write: { kind: 'create_check', value },
    validation: status === 'active' ? definitionOf(value) : undefined,
    search_text: checkSearchText(source),
  };
}

function planUpdate(source: QualityCheck, resolution: ResolvedCheck, destination: QualityCheck, input: QualityCheckPlanInput): EntityPlan {
  const message = unresolvedMessage(resolution);
  const desired: QualityCheck = {
    ...destination,
    fields: sameNameSet(destination.fields, resolution.fields) ? destination.fields : resolution.fields,
    coverage: source.coverage,
    filter: normaliseFilter(destination.filter) === normaliseFilter(source.filter) ? destination.filter : source.filter,
    properties: jsonEqual(destination.properties, resolution.properties) ? destination.properties : resolution.properties,
    description: source.description,
    tags: union(destination.tags, source.tags, input.additionalTags),
    additional_metadata: { ...destination.additional_metadata, ...source.additional_metadata },
    status: message === null ? destination.status : 'draft',
  };
  const changes = diffAttributes(destination as never, desired as never, comparedAttributes);
  const base = {
    entity_type: 'quality_check' as const,
    source_entity_id: source.id,
    destination_entity_id: destination.id,
    message,
    search_text: checkSearchText(source),
  };
  if (changes.length === 0) {
    return { ...base, result: 'skipped', changes: null, before: null };
  }
  const value: QualityCheck = { ...desired, updated_at: input.now };
  return {
    ...base,
    result: 'updated',
    changes,
    before: destination,
    write: { kind: 'update_check', value },
    validation: value.status === 'active' ? definitionOf(value) : undefined,
  };
}

function definitionOf(check: CheckDefinition): CheckDefinition {
  return {
    rule_type: check.rule_type,
    description: check.description,
    fields: check.fields,
    coverage: check.coverage,
    filter: check.filter,
    properties: check.properties,
    tags: check.tags,
    additional_metadata: check.additional_metadata,
    status: check.status,
    inferred: check.inferred,
  };
}

function mustGet<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`defect: missing ${String(key)}`);
  return value;
}
