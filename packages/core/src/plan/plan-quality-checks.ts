import type { CheckDefinition, ComputedField, Container, Field, LineageLink, QualityCheck } from '../domain/entities.js';
import type { CheckStatus } from '../domain/enums.js';
import type { Change } from '../domain/operation.js';
import { canonicalJson, jsonEqual, nameSetKey, normaliseFilter, sameNameSet, union } from './compare.js';
import { checkAttributes } from './compared-attributes.js';
import { diffAttributes } from './diff.js';
import type { EntityPlan } from './entity-plan.js';
import { fieldNamespace } from './field-namespace.js';
import { matchFallback, matchLineage } from './match-entities.js';
import { OverlapIndex } from './overlap-index.js';
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


/**
 * A check's overlap attributes (§4: rule type, field set, properties, filter) as one text: equal
 * for checks that overlap. The planner matches through {@link OverlapIndex} instead (a hash,
 * verified); this text is for tools that want a readable key.
 */
export function overlapKey(check: Pick<CheckDefinition, 'rule_type' | 'fields' | 'properties' | 'filter'>): string {
  return `${check.rule_type}\u0000${nameSetKey(check.fields)}\u0000${canonicalJson(check.properties)}\u0000${normaliseFilter(check.filter)}`;
}

/** The text result search matches for a check: its description and rule type (§10). */
export function checkSearchText(check: Pick<CheckDefinition, 'description' | 'rule_type'>): string {
  return `${check.description}\n${check.rule_type}`.toLowerCase();
}

/** What the quality-check planner reads once per operation: the destination side, and the request's settings. */
export type QualityCheckDestination = Omit<QualityCheckPlanInput, 'sources' | 'lineage' | 'taken'>;

/**
 * The pure planner for quality checks: selection already made, it matches (§4), resolves (§7),
 * compares (§5) and applies the status rules (§8). One plan per source, in processing order.
 */
export function planQualityChecks(input: QualityCheckPlanInput): EntityPlan[] {
  const planner = new QualityCheckPlanner(input, input.taken);
  const { sources } = input;
  const ids = new Array<number>(sources.length);
  for (let index = 0; index < sources.length; index++) ids[index] = (sources[index] as QualityCheck).id;
  planner.claimLineage(ids, input.lineage);
  return planner.planChunk(sources);
}

/**
 * {@link planQualityChecks} in chunks (SPEC §19): the destination is read once, then §4's first
 * phase runs over the whole selection chunk after chunk ({@link claimLineage}: only the ids of
 * sources that exist and their lineage links), and only then is each chunk of sources planned in
 * processing order ({@link planChunk}), the overlap fallback seeing what every earlier chunk took.
 * The plans equal those of `planQualityChecks` over the whole selection, whatever the chunks.
 */
export class QualityCheckPlanner {
  private readonly namespace: ReturnType<typeof fieldNamespace>;
  private readonly candidates = new Map<number, QualityCheck>();
  private readonly taken: Set<number>;
  /** Lineage matches by source id: the destination id, doubled, plus 1 when through the newest link. */
  private readonly claims = new Map<number, number>();
  private planning = false;
  // Built on the first source without lineage: a re-promotion matched wholly by lineage never needs it.
  private byOverlap: OverlapIndex | undefined;

  constructor(
    private readonly input: QualityCheckDestination,
    taken?: ReadonlySet<number>,
  ) {
    this.namespace = fieldNamespace(input.destinationFields, input.destinationComputedFields);
    // Indexed loops on the per-check paths: a `for…of` here allocated an iterator result per element.
    for (let index = 0; index < input.destinationChecks.length; index++) {
      const check = input.destinationChecks[index] as QualityCheck;
      if (check.status === 'active' || check.status === 'draft') this.candidates.set(check.id, check);
    }
    this.taken = new Set(taken ?? []);
  }

  /** Whether any destination check can be matched: without one, lineage and overlap find nothing. */
  get hasCandidates(): boolean {
    return this.candidates.size > 0;
  }

  /** Whether a lineage link to `destinationId` could match (the check exists, active or draft). */
  isCandidate(destinationId: number): boolean {
    return this.candidates.has(destinationId);
  }

  /**
   * §4 phase 1 for the next part of the selection: `sourceIds` are the sources that exist, in
   * processing order, after every part given before; `lineage` their links, newest first. Every
   * part comes before the first {@link planChunk}.
   */
  claimLineage(sourceIds: readonly number[], lineage: readonly LineageLink[]): void {
    if (this.planning) throw new Error('QualityCheckPlanner: lineage claimed after planning began');
    if (lineage.length === 0 || this.candidates.size === 0) return;
    const matches = matchLineage(sourceIds, lineage, (id) => this.candidates.has(id), this.taken);
    for (let index = 0; index < sourceIds.length; index++) {
      const destination = matches.destinations[index];
      if (destination !== undefined) this.claims.set(sourceIds[index] as number, destination * 2 + (matches.throughNewestLink[index] === true ? 1 : 0));
    }
  }

  /** Plans the next chunk of sources (processing order, after every chunk planned before): one plan per source. */
  planChunk(sources: readonly QualityCheck[]): EntityPlan[] {
    this.planning = true;
    const { input, candidates, taken } = this;
    // Resolutions by position, next to the sources: at 100,000 checks, looking them up by id was a
    // tenth of the planner's time (cache misses in a large map), and pairing each with its source in
    // an object of its own was 100,000 more objects for the collector to copy.
    const resolutions = sources.map((source) => resolveCheck(source, this.namespace, input.references));
    const plans = new Array<EntityPlan>(sources.length);
    for (let index = 0; index < sources.length; index++) {
      const source = sources[index] as QualityCheck;
      const resolution = resolutions[index] as ResolvedCheck;
      const claim = this.claims.get(source.id);
      let destinationId: number | undefined;
      if (claim !== undefined) {
        destinationId = Math.floor(claim / 2);
        // Held until planned, once: a chunk's claims leave the map with it.
        this.claims.delete(source.id);
      } else if (candidates.size > 0) {
        // Into an empty container (a first promotion) there is nothing to overlap with: no key needed.
        this.byOverlap ??= new OverlapIndex([...candidates.values()].sort((a, b) => a.id - b.id));
        destinationId = matchFallback(this.byOverlap.find({ rule_type: source.rule_type, filter: source.filter, fields: resolution.fields, properties: resolution.properties }), taken);
      }
      const destination = destinationId === undefined ? undefined : candidates.get(destinationId);
      plans[index] = destination === undefined ? planCreate(source, resolution, input) : planUpdate(source, resolution, destination, input, claim !== undefined && claim % 2 === 1);
    }
    return plans;
  }
}

function planCreate(source: QualityCheck, resolution: ResolvedCheck, input: QualityCheckDestination): EntityPlan {
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
    // Shared with the source rather than copied: a store copies or encodes what it writes.
    additional_metadata: source.additional_metadata,
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

function planUpdate(source: QualityCheck, resolution: ResolvedCheck, destination: QualityCheck, input: QualityCheckDestination, linkCurrent: boolean): EntityPlan {
  const message = unresolvedMessage(resolution);
  // Most matched checks of a re-promotion are identical: said without building the desired check
  // and its diff (a fifth of a 10,000-check re-promotion's planning, and most of its garbage).
  if (isUnchanged(source, resolution, destination, input.additionalTags, message)) return skipped(source, destination, message, linkCurrent);
  const desired = desiredCheck(source, resolution, destination, input.additionalTags, message);
  const changes = checkChanges(destination, desired);
  // Plans are written out in full rather than spread from a shared base: a spread copy with keys
  // added after it took four times the memory, and a promotion holds one plan per check.
  if (changes.length === 0) return skipped(source, destination, message, linkCurrent);
  const value: QualityCheck = { ...desired, updated_at: input.now };
  return {
    entity_type: 'quality_check',
    source_entity_id: source.id,
    result: 'updated',
    destination_entity_id: destination.id,
    message,
    changes,
    before: destination,
    write: { kind: 'update_check', value },
    validation: value.status === 'active' ? definitionOf(value) : undefined,
    search_text: checkSearchText(source),
    link_current: linkCurrent,
  };
}

/** What an update makes of `destination` (§5: merged tags and metadata, status rules of §8), before `updated_at`. */
export function desiredCheck(source: QualityCheck, resolution: ResolvedCheck, destination: QualityCheck, additionalTags: readonly string[], message: string | null): QualityCheck {
  return {
    ...destination,
    fields: sameNameSet(destination.fields, resolution.fields) ? destination.fields : resolution.fields,
    coverage: source.coverage,
    filter: destination.filter === source.filter || normaliseFilter(destination.filter) === normaliseFilter(source.filter) ? destination.filter : source.filter,
    properties: jsonEqual(destination.properties, resolution.properties) ? destination.properties : resolution.properties,
    description: source.description,
    tags: union(destination.tags, source.tags, additionalTags),
    additional_metadata: { ...destination.additional_metadata, ...source.additional_metadata },
    status: message === null ? destination.status : 'draft',
  };
}

/** The `changes` of an update from `before` to `after` (§5). */
export function checkChanges(before: QualityCheck, after: QualityCheck): Change[] {
  return diffAttributes(before as never, after as never, checkAttributes);
}

function skipped(source: QualityCheck, destination: QualityCheck, message: string | null, linkCurrent: boolean): EntityPlan {
  return {
    entity_type: 'quality_check',
    source_entity_id: source.id,
    result: 'skipped',
    destination_entity_id: destination.id,
    message,
    changes: null,
    before: null,
    search_text: checkSearchText(source),
    link_current: linkCurrent,
  };
}

/**
 * Whether {@link planUpdate}'s desired check would equal `destination` in every compared attribute
 * (§5), decided without building it (`checkChanges(destination, desiredCheck(…))` would be empty). Only a sufficient condition: `false` sends the check through
 * the full comparison, which may still find no change.
 */
export function isUnchanged(source: QualityCheck, resolution: ResolvedCheck, destination: QualityCheck, additionalTags: readonly string[], message: string | null): boolean {
  return (
    (message === null || destination.status === 'draft') &&
    destination.coverage === source.coverage &&
    destination.description === source.description &&
    (destination.filter === source.filter || normaliseFilter(destination.filter) === normaliseFilter(source.filter)) &&
    sameNameSet(destination.fields, resolution.fields) &&
    jsonEqual(destination.properties, resolution.properties) &&
    containsEvery(destination.tags, source.tags) &&
    containsEvery(destination.tags, additionalTags) &&
    keepsEveryKey(destination.additional_metadata, source.additional_metadata)
  );
}

/** Whether every item of `part` is in `whole` (tag lists are short: a linear search). */
function containsEvery(whole: readonly string[], part: readonly string[]): boolean {
  // A store may hand out one decoded value for equal columns (the SQLite store does).
  if (whole === part) return true;
  for (let index = 0; index < part.length; index++) if (!whole.includes(part[index] as string)) return false;
  return true;
}

/** Whether merging `part` over `whole` would change no key of `whole` and add none. */
function keepsEveryKey(whole: Readonly<Record<string, unknown>>, part: Readonly<Record<string, unknown>>): boolean {
  if (whole === part) return true;
  for (const key in part) {
    if (Object.hasOwn(part, key) && !jsonEqual(Object.hasOwn(whole, key) ? whole[key] : undefined, part[key])) return false;
  }
  return true;
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
