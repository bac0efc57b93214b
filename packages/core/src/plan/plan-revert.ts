import type { CheckDefinition, ComputedField, Container, QualityCheck } from '../domain/entities.js';
import { messages, type PromoteResultRecord } from '../domain/operation.js';
import type { EntityWrite } from '../ports/commit-unit.js';
import { comparedAttributesOf } from './compared-attributes.js';
import { diffAttributes, type AttributeDiff } from './diff.js';
import type { EntityPlan } from './entity-plan.js';

/** A destination entity of any promote type, as the store answers it. */
export type DestinationEntity = QualityCheck | ComputedField | Container;

/** One entity a revert looks at: what the reverted operation recorded of it, and the destination entity now. */
export interface RevertItem {
  /** The reverted operation's `created` or `updated` result. */
  readonly recorded: PromoteResultRecord;
  /** The destination entity now; `undefined` when it no longer exists. */
  readonly current: DestinationEntity | undefined;
}

/** Everything the revert planner looks at. */
export interface RevertPlanInput {
  readonly revertedOperationId: number;
  /** In the revert's processing order: the reverse of the reverted operation's. */
  readonly items: readonly RevertItem[];
  /** ISO timestamp of what is written (`updated_at` of a check, `deleted_at` of a retired container). */
  readonly now: string;
}

type Definition = Readonly<Record<string, unknown>>;

/**
 * The pure planner of a revert (§16). Per entity, with `after` = what the reverted operation wrote:
 * gone → `failed`; already as before (an update) or already retired (a creation) → `skipped`;
 * different from `after` in a compared, merged or status attribute → `failed` with the paths;
 * otherwise an update restores `before` in exactly those attributes and a creation is retired (a
 * check archived, a computed field deleted, a container soft-deleted) → `updated` with `changes`. A
 * restored check that is `active` is validated first (§8). No unit records a lineage link.
 */
export function planRevert(input: RevertPlanInput): EntityPlan[] {
  return input.items.map(({ recorded, current }): EntityPlan => {
    const base = {
      entity_type: recorded.entity_type,
      source_entity_id: recorded.source_entity_id,
      search_text: recorded.search_text,
      record_link: false,
      changes: null,
      before: null,
    } as const;
    if (current === undefined) {
      return { ...base, result: 'failed', destination_entity_id: recorded.destination_entity_id, message: messages.noLongerExists };
    }
    const attributes = comparedAttributesOf(recorded.entity_type);
    const now = current as unknown as Definition;
    const skipped: EntityPlan = { ...base, result: 'skipped', destination_entity_id: current.id, message: null };
    if (recorded.result === 'updated' && diffAttributes(asCompared(now), asCompared(recorded.before as Definition), attributes).length === 0) return skipped;
    if (recorded.result === 'created' && isRetired(current)) return skipped;
    if (recorded.after === null || recorded.after === undefined) {
      return { ...base, result: 'failed', destination_entity_id: current.id, message: messages.writtenBeforeAfterImages };
    }
    const changedSince = diffAttributes(asCompared(recorded.after as Definition), asCompared(now), attributes);
    if (changedSince.length > 0) {
      const paths = changedSince.map((change) => change.path).join(', ');
      return { ...base, result: 'failed', destination_entity_id: current.id, message: `Changed on the destination since operation ${input.revertedOperationId}: ${paths}` };
    }
    const desired = recorded.result === 'updated' ? restored(current, recorded.before as Definition, attributes, input.now) : retired(current, input.now);
    const changes = diffAttributes(now, desired as unknown as Definition, attributes);
    if (changes.length === 0) return skipped;
    return {
      ...base,
      result: 'updated',
      destination_entity_id: current.id,
      message: null,
      changes,
      before: current,
      write: updateOf(recorded.entity_type, desired),
      validation: recorded.entity_type === 'quality_check' && (desired as QualityCheck).status === 'active' ? checkDefinition(desired as QualityCheck) : undefined,
    };
  });
}

/**
 * A definition as a revert compares it: a container's `deleted_at` is its status, so two
 * soft-deleted states are the same whatever their times. Otherwise a container retired by a revert
 * and retired again by the rerun of that revert would count as "changed since" the first: the
 * revert of the first revert (§16) must still revive it.
 */
function asCompared(definition: Definition): Definition {
  const deletedAt = (definition as { deleted_at?: unknown }).deleted_at;
  return deletedAt === undefined || deletedAt === null ? definition : ({ ...definition, deleted_at: 'soft-deleted' } as Definition);
}

/** Whether a created entity is retired already: an archived check, a deleted computed field, a soft-deleted container. */
function isRetired(entity: DestinationEntity): boolean {
  if ('rule_type' in entity) return entity.status === 'archived';
  if ('transformation' in entity) return entity.status === 'deleted';
  return entity.deleted_at !== null;
}

/** The entity with `before`'s value of every compared attribute (the rest as it is now). */
function restored(current: DestinationEntity, before: Definition, attributes: readonly AttributeDiff[], now: string): DestinationEntity {
  const value: Record<string, unknown> = { ...current };
  for (const attribute of attributes) value[attribute.path] = before[attribute.path] ?? null;
  if ('rule_type' in current) value['updated_at'] = now;
  return value as unknown as DestinationEntity;
}

/** A created entity retired, never hard-deleted (§16). */
function retired(current: DestinationEntity, now: string): DestinationEntity {
  if ('rule_type' in current) return { ...current, status: 'archived', updated_at: now };
  if ('transformation' in current) return { ...current, status: 'deleted' };
  return { ...current, deleted_at: now };
}

function updateOf(entityType: PromoteResultRecord['entity_type'], value: DestinationEntity): EntityWrite {
  switch (entityType) {
    case 'quality_check':
      return { kind: 'update_check', value: value as QualityCheck };
    case 'computed_field':
      return { kind: 'update_computed_field', value: value as ComputedField };
    case 'computed_table':
    case 'computed_file':
      return { kind: 'update_container', value: value as Container };
  }
}

function checkDefinition(check: QualityCheck): CheckDefinition {
  const { id: _id, container_id: _container, created_at: _created, updated_at: _updated, ...definition } = check;
  return definition;
}
