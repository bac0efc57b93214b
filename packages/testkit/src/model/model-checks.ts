import {
  referenceValidationOutcome,
  ruleTypeCatalogue,
  type CheckDefinition,
  type Properties,
  type PromoteQualityCheckRequest,
  type QualityCheck,
} from '@promote/core';
import { changesBetween } from './model-changes.js';
import { availableNames } from './model-namespace.js';
import { normalisedFilter, pythonListRepr, pythonRepr, sameJson, sameNameSet, unique } from './model-text.js';
import { missingSource, type ModelResult, type ModelRunOptions, type ModelStartedOperation } from './model-types.js';
import type { WorldDraft } from './model-world.js';

/**
 * The `created_at` / `updated_at` the model writes on a check a promotion created or updated: the
 * engine takes them from its clock, which the model does not know. Compare worlds with
 * {@link normaliseWrittenTimestamps}.
 */
export const writtenTimestamp = '<written by the promotion>';

/** What §7 makes of a source check against the destination. */
export interface ModelResolvedCheck {
  readonly fields: readonly string[];
  readonly properties: Properties;
  /** Field names (fields, then field references) that did not resolve, source spelling, first occurrence. */
  readonly unresolvedFields: readonly string[];
  /** The source name of a reference container with no live namesake in the destination datastore. */
  readonly unresolvedContainer: string | undefined;
}

/**
 * §7 with decision 0003: fields and field references take the destination's spelling, unresolved
 * ones are dropped (a scalar reference is removed); a reference into the source datastore, when the
 * destination is in another datastore, is rewritten to the live namesake there (lowest id), or
 * removed with `ref_datastore_id` when there is none.
 */
export function modelResolveCheck(draft: WorldDraft, started: ModelStartedOperation, check: QualityCheck): ModelResolvedCheck {
  const destinationId = started.destinationContainerId as number;
  const names = availableNames(draft.fieldsOf(destinationId), draft.computedFieldsOf(destinationId));
  const unresolved: string[] = [];
  const resolve = (name: string): string | undefined => {
    const found = names.get(name.toLowerCase());
    if (found === undefined) unresolved.push(name);
    return found;
  };
  const fields = check.fields.flatMap((name) => resolve(name) ?? []);
  const properties: Record<string, unknown> = structuredClone({ ...check.properties });
  const spec = ruleTypeCatalogue.get(check.rule_type);
  for (const key of spec?.fieldReferenceKeys ?? []) {
    const value = properties[key];
    if (typeof value === 'string') {
      const found = resolve(value);
      if (found === undefined) delete properties[key];
      else properties[key] = found;
    } else if (Array.isArray(value)) {
      properties[key] = value.flatMap((item: unknown) => (typeof item === 'string' ? (resolve(item) ?? []) : [item]));
    }
  }
  let unresolvedContainer: string | undefined;
  const referenceId = properties['ref_container_id'];
  if (spec?.containerReference === true && typeof referenceId === 'number' && started.destinationDatastoreId !== started.sourceDatastoreId) {
    const referenced = draft.container(referenceId);
    if (referenced !== undefined && referenced.datastore_id === started.sourceDatastoreId) {
      const namesake = draft
        .containersOf(started.destinationDatastoreId)
        .find((candidate) => candidate.deleted_at === null && candidate.name.toLowerCase() === referenced.name.toLowerCase());
      if (namesake === undefined) {
        unresolvedContainer = referenced.name;
        delete properties['ref_container_id'];
        delete properties['ref_datastore_id'];
      } else {
        properties['ref_container_id'] = namesake.id;
        if ('ref_datastore_id' in properties) properties['ref_datastore_id'] = started.destinationDatastoreId;
      }
    }
  }
  return { fields, properties, unresolvedFields: unresolved.filter((name, index) => unresolved.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index), unresolvedContainer };
}

/** The §7 message of an incomplete resolution, or `null` when everything resolved (decision 0003 joins parts with `; `). */
export function draftMessage(resolved: ModelResolvedCheck): string | null {
  const parts: string[] = [];
  if (resolved.unresolvedFields.length > 0) parts.push(`source fields ${pythonListRepr(resolved.unresolvedFields)} could not be resolved on the destination`);
  if (resolved.unresolvedContainer !== undefined) parts.push(`reference container ${pythonRepr(resolved.unresolvedContainer)} could not be resolved on the destination datastore`);
  return parts.length === 0 ? null : `Promoted as Draft: ${parts.join('; ')}`;
}

const isCandidate = (check: QualityCheck, destinationId: number) => check.container_id === destinationId && (check.status === 'active' || check.status === 'draft');

/** §4 overlap: same rule type, resolved fields as a case-insensitive set, resolved properties, normalised filter. */
function overlaps(source: QualityCheck, resolved: ModelResolvedCheck, destination: QualityCheck): boolean {
  return (
    destination.rule_type === source.rule_type &&
    sameNameSet(resolved.fields, destination.fields) &&
    sameJson(resolved.properties, destination.properties) &&
    normalisedFilter(source.filter) === normalisedFilter(destination.filter)
  );
}

const compared = ['fields', 'coverage', 'filter', 'properties', 'description', 'tags', 'additional_metadata', 'status'] as const;

type Plan =
  | { readonly kind: 'final'; readonly result: ModelResult }
  | { readonly kind: 'write'; readonly result: ModelResult; readonly check: QualityCheck | Omit<QualityCheck, 'id'>; readonly validate: boolean };

/**
 * Processes the quality checks `pending` (source ids, processing order) of a started operation on
 * `draft`: lineage then overlap matching (§4), comparison (§5), status and batched validation (§8).
 * `taken` holds destination checks already matched in this operation (a resume).
 */
export function modelExecuteChecks(
  draft: WorldDraft,
  started: ModelStartedOperation,
  pending: readonly number[],
  taken: Set<number>,
  options: ModelRunOptions,
): { results: ModelResult[]; validationCalls: number } {
  const request = started.request as PromoteQualityCheckRequest;
  const destinationId = started.destinationContainerId as number;
  const additionalTags = request.check_additional_tags ?? [];
  const sources = pending.map((id) => draft.check(id));
  const resolved = new Map(sources.flatMap((source) => (source === undefined ? [] : [[source.id, modelResolveCheck(draft, started, source)] as const])));

  const matches = new Map<number, QualityCheck>();
  const newestFirst = [...draft.lineage].reverse();
  for (const source of sources) {
    if (source === undefined) continue;
    for (const link of newestFirst) {
      if (link.entity_type !== 'quality_check' || link.source_entity_id !== source.id || link.destination_scope_id !== destinationId) continue;
      const destination = draft.check(link.destination_entity_id);
      if (destination !== undefined && isCandidate(destination, destinationId) && !taken.has(destination.id)) {
        matches.set(source.id, destination);
        taken.add(destination.id);
        break;
      }
    }
  }
  for (const source of sources) {
    if (source === undefined || matches.has(source.id)) continue;
    const resolution = resolved.get(source.id) as ModelResolvedCheck;
    const destination = draft
      .checksOf(destinationId)
      .find((candidate) => isCandidate(candidate, destinationId) && !taken.has(candidate.id) && overlaps(source, resolution, candidate));
    if (destination !== undefined) {
      matches.set(source.id, destination);
      taken.add(destination.id);
    }
  }

  const plans: Plan[] = pending.map((sourceId, index): Plan => {
    const source = sources[index];
    if (source === undefined) return { kind: 'final', result: missingSource('quality_check', sourceId) };
    const resolution = resolved.get(source.id) as ModelResolvedCheck;
    const message = draftMessage(resolution);
    const incomplete = message !== null;
    const destination = matches.get(source.id);
    if (destination === undefined) {
      const status = request.as_draft || incomplete ? 'draft' : 'active';
      const created: Omit<QualityCheck, 'id'> = {
        container_id: destinationId,
        rule_type: source.rule_type,
        description: source.description,
        fields: [...resolution.fields],
        coverage: source.coverage,
        filter: source.filter,
        properties: resolution.properties,
        tags: unique([...source.tags, ...additionalTags]),
        additional_metadata: { ...source.additional_metadata },
        status,
        inferred: false,
        created_at: writtenTimestamp,
        updated_at: writtenTimestamp,
      };
      return {
        kind: 'write',
        check: created,
        validate: status === 'active',
        result: { source_entity_id: source.id, entity_type: 'quality_check', result: 'created', destination_entity_id: null, message },
      };
    }
    const status = incomplete ? 'draft' : destination.status;
    const sameFields = sameNameSet(resolution.fields, destination.fields);
    const sameFilter = normalisedFilter(source.filter) === normalisedFilter(destination.filter);
    const sameProperties = sameJson(resolution.properties, destination.properties);
    const desired: QualityCheck = {
      ...destination,
      fields: sameFields ? destination.fields : [...resolution.fields],
      coverage: source.coverage,
      filter: sameFilter ? destination.filter : source.filter,
      properties: sameProperties ? destination.properties : resolution.properties,
      description: source.description,
      tags: unique([...destination.tags, ...source.tags, ...additionalTags]),
      additional_metadata: { ...destination.additional_metadata, ...source.additional_metadata },
      status,
    };
    const changes = changesBetween(destination, desired, compared);
    if (changes.length === 0) {
      return { kind: 'final', result: { source_entity_id: source.id, entity_type: 'quality_check', result: 'skipped', destination_entity_id: destination.id, message } };
    }
    return {
      kind: 'write',
      check: { ...desired, updated_at: writtenTimestamp },
      validate: status === 'active',
      result: { source_entity_id: source.id, entity_type: 'quality_check', result: 'updated', destination_entity_id: destination.id, message, changes },
    };
  });

  const toValidate = plans.flatMap((plan, index) => (plan.kind === 'write' && plan.validate ? [index] : []));
  const batchSize = Math.max(1, options.batchSize ?? 10);
  const failures = new Map<number, string>();
  const target = {
    container: draft.container(destinationId) as NonNullable<ReturnType<WorldDraft['container']>>,
    fields: draft.fieldsOf(destinationId),
    computedFields: draft.computedFieldsOf(destinationId),
  };
  let validationCalls = 0;
  for (let start = 0; start < toValidate.length; start += batchSize) {
    const batch = toValidate.slice(start, start + batchSize);
    const batchFailure = options.failBatch?.(validationCalls);
    validationCalls++;
    for (const index of batch) {
      const plan = plans[index] as Extract<Plan, { kind: 'write' }>;
      if (batchFailure !== undefined) {
        failures.set(index, batchFailure);
        continue;
      }
      const outcome = referenceValidationOutcome(target, plan.check as CheckDefinition);
      if (!outcome.valid) failures.set(index, outcome.reason);
    }
  }

  return {
    validationCalls,
    results: plans.map((plan, index) => {
      if (plan.kind === 'final') return plan.result;
      const failure = failures.get(index);
      if (failure !== undefined) {
        return {
          source_entity_id: plan.result.source_entity_id,
          entity_type: 'quality_check',
          result: 'failed',
          destination_entity_id: plan.result.result === 'updated' ? plan.result.destination_entity_id : null,
          message: `Validation failed: ${failure}`,
        };
      }
      if ('id' in plan.check) {
        draft.putCheck(plan.check);
        return plan.result;
      }
      const id = draft.nextId('quality_check');
      draft.putCheck({ ...plan.check, id });
      return { ...plan.result, destination_entity_id: id };
    }),
  };
}
