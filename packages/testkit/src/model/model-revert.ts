import {
  messages,
  parseWith,
  permissionLevels,
  operationRequestSchema,
  referenceValidationOutcome,
  type Change,
  type CheckDefinition,
  type ComputedField,
  type Container,
  type EntityType,
  type PermissionLevel,
  type PromoteType,
  type QualityCheck,
  type RevertRequest,
  type User,
  type World,
} from '@promote/core';
import { writtenTimestamp } from './model-checks.js';
import { modelStatusOf } from './model-promote.js';
import { modelUser } from './model-start.js';
import { normalisedFilter, sameJson, sameNameSet } from './model-text.js';
import { refusal, type ModelActor, type ModelRefusal, type ModelResult, type ModelRunOptions, type ModelStatus } from './model-types.js';
import { toModelWorld, WorldDraft, type ModelWorld } from './model-world.js';

/*
 * The reference model of a revert (SPEC §16), written from the specification and decision 0500:
 * what an operation wrote is remembered by the model as before/after images of each written
 * destination entity; a revert walks the written results backwards and puts each entity back, or
 * says why it cannot.
 */

/** A destination entity of any promote type. */
export type ModelEntity = QualityCheck | ComputedField | Container;

/** What one `created`/`updated` result of an operation found and left on the destination. */
export interface ModelWriteImages {
  /** The destination entity before the write; `undefined` for a creation. */
  readonly before: ModelEntity | undefined;
  /** The entity as the write left it. */
  readonly after: ModelEntity;
}

/** An operation as the model remembers it, for a revert of it. */
export interface ModelRevertable {
  /** The engine's id of the operation. */
  readonly id: number;
  readonly promote_type: PromoteType;
  readonly sourceDatastoreId: number;
  readonly destinationDatastoreId: number;
  readonly destinationContainerId: number | null;
  readonly result: 'success' | 'failure' | 'aborted' | 'running';
  /** Every result, in processing order. */
  readonly results: readonly ModelResult[];
  /** The images of its written results, by source id. */
  readonly images: ReadonlyMap<number, ModelWriteImages>;
}

/** A revert the model accepted: what it will look at, fixed at start (§16 "what it selects"). */
export interface ModelStartedRevert {
  readonly kind: 'started_revert';
  readonly request: RevertRequest;
  readonly promote_type: PromoteType;
  readonly revertedOperationId: number;
  /** The reverted operation's datastores and destination container: the revert's too. */
  readonly sourceDatastoreId: number;
  readonly destinationDatastoreId: number;
  readonly destinationContainerId: number | null;
  /** Source ids of the reverted operation's `created`/`updated` results, last processed first. */
  readonly selection: readonly number[];
  /** What the reverted operation recorded for each selected source. */
  readonly written: ReadonlyMap<number, { readonly recorded: ModelResult; readonly images: ModelWriteImages }>;
}

/** The model's answer for a revert run to its end. */
export interface ModelRevertOperation {
  readonly kind: 'revert_operation';
  readonly started: ModelStartedRevert;
  readonly result: 'success' | 'failure';
  readonly message: string | null;
  readonly status: ModelStatus;
  readonly results: readonly ModelResult[];
  /** The images of what this revert wrote, by source id (for a revert of the revert). */
  readonly images: ReadonlyMap<number, ModelWriteImages>;
  readonly world: World;
  readonly model: ModelWorld;
  readonly validationCalls: number;
}

function hasLevel(world: World, user: User, datastoreId: number, level: PermissionLevel): boolean {
  if (user.role === 'admin') return true;
  const wanted = permissionLevels.indexOf(level);
  return world.teams.some((team) => {
    if (!team.members.includes(user.id)) return false;
    const granted = team.permissions[datastoreId];
    return granted !== undefined && permissionLevels.indexOf(granted) >= wanted;
  });
}

/**
 * §16 refusals, in the order shape → the operation exists (404) → reporter on both of its datastores
 * and editor on its destination (403) → ended (409) → its datastores and destination container still
 * exist (404); then the selection: its `created`/`updated` results, last first.
 */
export function modelStartRevert(
  state: World | ModelWorld,
  actor: ModelActor,
  body: unknown,
  operations: readonly ModelRevertable[],
): ModelRefusal | ModelStartedRevert {
  const { world } = toModelWorld(state);
  const user = modelUser(world, actor);
  if (user === undefined) return refusal({ kind: 'unauthenticated', message: `Unknown user ${'id' in actor ? actor.id : actor.email}` });
  const parsed = parseWith(operationRequestSchema, body);
  if (parsed.isErr()) return refusal({ kind: 'invalid_request', issues: parsed.error.issues });
  if (parsed.value.type !== 'revert') throw new Error('modelStartRevert takes revert bodies only; use modelStart for promotions');
  const request = parsed.value;
  const reverted = operations.find((operation) => operation.id === request.operation_id);
  if (reverted === undefined) return refusal({ kind: 'not_found', message: `Operation ${request.operation_id} not found` });
  const datastoreName = (id: number) => world.datastores.find((datastore) => datastore.id === id)?.name ?? '';
  const needs: [number, PermissionLevel][] = [
    [reverted.sourceDatastoreId, 'reporter'],
    [reverted.destinationDatastoreId, 'reporter'],
    [reverted.destinationDatastoreId, 'editor'],
  ];
  for (const [datastoreId, level] of needs) {
    if (!hasLevel(world, user, datastoreId, level)) {
      return refusal({ kind: 'forbidden', message: `User ${user.email} needs ${level} permission on datastore ${datastoreId} (${datastoreName(datastoreId)})` });
    }
  }
  if (reverted.result === 'running') return refusal({ kind: 'conflict', message: `Operation ${reverted.id} is running; only an ended operation can be reverted` });
  for (const datastoreId of [reverted.sourceDatastoreId, reverted.destinationDatastoreId]) {
    if (!world.datastores.some((datastore) => datastore.id === datastoreId)) return refusal({ kind: 'not_found', message: `Datastore ${datastoreId} not found` });
  }
  const container = reverted.destinationContainerId;
  if (container !== null && !world.containers.some((candidate) => candidate.id === container)) return refusal({ kind: 'not_found', message: `Container ${container} not found` });

  const written = new Map<number, { recorded: ModelResult; images: ModelWriteImages }>();
  const selection: number[] = [];
  for (const recorded of [...reverted.results].reverse()) {
    if (recorded.result !== 'created' && recorded.result !== 'updated') continue;
    const images = reverted.images.get(recorded.source_entity_id);
    if (images === undefined) throw new Error(`The model has no images of operation ${reverted.id}'s result for source ${recorded.source_entity_id}`);
    written.set(recorded.source_entity_id, { recorded, images });
    selection.push(recorded.source_entity_id);
  }
  return {
    kind: 'started_revert',
    request,
    promote_type: reverted.promote_type,
    revertedOperationId: reverted.id,
    sourceDatastoreId: reverted.sourceDatastoreId,
    destinationDatastoreId: reverted.destinationDatastoreId,
    destinationContainerId: container,
    selection,
    written,
  };
}

/** One attribute as §5 compares it: whole (with its equality) or key by key (`properties.max`). */
type Attribute = { readonly path: string; readonly keys?: true; readonly equal?: (a: unknown, b: unknown) => boolean };

const sameCaseInsensitiveList = (a: unknown, b: unknown) => sameJson((a as string[]).map((name) => name.toLowerCase()), (b as string[]).map((name) => name.toLowerCase()));
const checkAttributes: readonly Attribute[] = [
  { path: 'fields', equal: (a, b) => sameNameSet(a as string[], b as string[]) },
  { path: 'coverage' },
  { path: 'filter', equal: (a, b) => normalisedFilter(a as string | null) === normalisedFilter(b as string | null) },
  { path: 'properties', keys: true },
  { path: 'description' },
  { path: 'tags' },
  { path: 'additional_metadata', keys: true },
  { path: 'status' },
];
const computedFieldAttributes: readonly Attribute[] = [
  { path: 'transformation' },
  { path: 'source_fields', equal: sameCaseInsensitiveList },
  { path: 'properties', keys: true },
  { path: 'description' },
  { path: 'tags' },
  { path: 'additional_metadata', keys: true },
  { path: 'status' },
];
const containerTail: readonly Attribute[] = [{ path: 'description' }, { path: 'tags' }, { path: 'additional_metadata', keys: true }, { path: 'deleted_at' }];
const tableAttributes: readonly Attribute[] = [
  ...['query', 'incremental_field_name', 'group_by_fields', 'volumetric_tracking', 'freshness_tracking'].map((path) => ({ path })),
  ...containerTail,
];
const fileAttributes: readonly Attribute[] = [...['select_clause', 'where_clause', 'group_by_clause', 'source_container_id'].map((path) => ({ path })), ...containerTail];

const attributesOf: Readonly<Record<EntityType, readonly Attribute[]>> = {
  quality_check: checkAttributes,
  computed_field: computedFieldAttributes,
  computed_table: tableAttributes,
  computed_file: fileAttributes,
};

/** The changes from `from` to `to` in the compared, merged and status attributes; a key by key attribute lists `from`'s keys, then those only `to` has. */
function differences(entityType: EntityType, from: ModelEntity, to: ModelEntity): Change[] {
  const left = from as unknown as Record<string, unknown>;
  const right = to as unknown as Record<string, unknown>;
  const changes: Change[] = [];
  for (const attribute of attributesOf[entityType]) {
    const a = left[attribute.path];
    const b = right[attribute.path];
    if (attribute.keys !== true) {
      if (!(attribute.equal ?? sameJson)(a ?? null, b ?? null)) changes.push({ path: attribute.path, from: a ?? null, to: b ?? null });
      continue;
    }
    const fromKeys = (a ?? {}) as Record<string, unknown>;
    const toKeys = (b ?? {}) as Record<string, unknown>;
    const keys = [...Object.keys(fromKeys), ...Object.keys(toKeys).filter((key) => !Object.hasOwn(fromKeys, key))];
    for (const key of keys) {
      if (!sameJson(fromKeys[key] ?? null, toKeys[key] ?? null) || Object.hasOwn(fromKeys, key) !== Object.hasOwn(toKeys, key)) {
        changes.push({ path: `${attribute.path}.${key}`, from: fromKeys[key] ?? null, to: toKeys[key] ?? null });
      }
    }
  }
  return changes;
}

function entityOf(draft: WorldDraft, entityType: EntityType, id: number): ModelEntity | undefined {
  switch (entityType) {
    case 'quality_check':
      return draft.check(id);
    case 'computed_field':
      return draft.computedField(id);
    case 'computed_table':
    case 'computed_file':
      return draft.container(id);
  }
}

function put(draft: WorldDraft, entity: ModelEntity): void {
  if ('rule_type' in entity) draft.putCheck(entity);
  else if ('transformation' in entity) draft.putComputedField(entity);
  else draft.putContainer(entity);
}

/** Retired: an archived check, a deleted computed field, a soft-deleted container (§16: never hard-deleted). */
function isRetired(entity: ModelEntity): boolean {
  if ('rule_type' in entity) return entity.status === 'archived';
  if ('transformation' in entity) return entity.status === 'deleted';
  return entity.deleted_at !== null;
}

function retire(entity: ModelEntity): ModelEntity {
  if ('rule_type' in entity) return { ...entity, status: 'archived', updated_at: writtenTimestamp };
  if ('transformation' in entity) return { ...entity, status: 'deleted' };
  return { ...entity, deleted_at: writtenTimestamp };
}

/** `current` with `before`'s value of every compared, merged and status attribute. */
function restore(entityType: EntityType, current: ModelEntity, before: ModelEntity): ModelEntity {
  const value: Record<string, unknown> = { ...current };
  for (const attribute of attributesOf[entityType]) value[attribute.path] = (before as unknown as Record<string, unknown>)[attribute.path] ?? null;
  if ('rule_type' in current) value['updated_at'] = writtenTimestamp;
  return value as unknown as ModelEntity;
}

type Step =
  | { readonly kind: 'final'; readonly result: ModelResult }
  | { readonly kind: 'write'; readonly result: ModelResult; readonly before: ModelEntity; readonly entity: ModelEntity; readonly validate: boolean };

/**
 * Runs a started revert to its end on `state` (§16): per selected source not yet in
 * `options.previousResults`, the destination entity now against what the reverted operation wrote.
 * Restored active checks are validated in batches of `options.batchSize` (§8). Records no lineage.
 */
export function modelExecuteRevert(state: World | ModelWorld, started: ModelStartedRevert, options: ModelRunOptions = {}): ModelRevertOperation {
  const draft = new WorldDraft(toModelWorld(state));
  const previous = options.previousResults ?? [];
  const done = new Set(previous.map((result) => result.source_entity_id));
  const pending = started.selection.filter((id) => !done.has(id));

  const steps = pending.map((sourceId): Step => {
    const { recorded, images } = started.written.get(sourceId) as { recorded: ModelResult; images: ModelWriteImages };
    const entityType = recorded.entity_type;
    const id = recorded.destination_entity_id as number;
    const final = (result: ModelResult['result'], destination: number | null, message: string | null): Step => ({
      kind: 'final',
      result: { source_entity_id: sourceId, entity_type: entityType, result, destination_entity_id: destination, message },
    });
    const current = entityOf(draft, entityType, id);
    if (current === undefined) return final('failed', id, messages.noLongerExists);
    if (recorded.result === 'updated' && differences(entityType, current, images.before as ModelEntity).length === 0) return final('skipped', id, null);
    if (recorded.result === 'created' && isRetired(current)) return final('skipped', id, null);
    const changedSince = differences(entityType, images.after, current);
    if (changedSince.length > 0) {
      return final('failed', id, `Changed on the destination since operation ${started.revertedOperationId}: ${changedSince.map((change) => change.path).join(', ')}`);
    }
    const entity = recorded.result === 'updated' ? restore(entityType, current, images.before as ModelEntity) : retire(current);
    const changes = differences(entityType, current, entity);
    if (changes.length === 0) return final('skipped', id, null);
    return {
      kind: 'write',
      before: current,
      entity,
      validate: 'rule_type' in entity && entity.status === 'active',
      result: { source_entity_id: sourceId, entity_type: entityType, result: 'updated', destination_entity_id: id, message: null, changes },
    };
  });

  const toValidate = steps.flatMap((step, index) => (step.kind === 'write' && step.validate ? [index] : []));
  const batchSize = Math.max(1, options.batchSize ?? 10);
  const failures = new Map<number, string>();
  let validationCalls = 0;
  for (let start = 0; start < toValidate.length; start += batchSize) {
    const batchFailure = options.failBatch?.(validationCalls);
    validationCalls++;
    for (const index of toValidate.slice(start, start + batchSize)) {
      if (batchFailure !== undefined) {
        failures.set(index, batchFailure);
        continue;
      }
      const { entity } = steps[index] as Extract<Step, { kind: 'write' }>;
      const check = entity as QualityCheck;
      const container = draft.container(check.container_id) as Container;
      const { id: _id, container_id: _container, created_at: _created, updated_at: _updated, ...definition } = check;
      const outcome = referenceValidationOutcome(
        { container, fields: draft.fieldsOf(container.id), computedFields: draft.computedFieldsOf(container.id) },
        definition as CheckDefinition,
      );
      if (!outcome.valid) failures.set(index, outcome.reason);
    }
  }

  const images = new Map<number, ModelWriteImages>();
  const fresh = steps.map((step, index): ModelResult => {
    if (step.kind === 'final') return step.result;
    const failure = failures.get(index);
    if (failure !== undefined) return { ...step.result, result: 'failed', message: `Validation failed: ${failure}`, changes: undefined };
    put(draft, step.entity);
    images.set(step.result.source_entity_id, { before: step.before, after: step.entity });
    return step.result;
  });
  const position = new Map(started.selection.map((id, index) => [id, index]));
  const results = [...previous, ...fresh].sort((a, b) => (position.get(a.source_entity_id) ?? 0) - (position.get(b.source_entity_id) ?? 0));
  const status = modelStatusOf(started.selection.length, results);
  const model = draft.done();
  return {
    kind: 'revert_operation',
    started,
    result: status.total === 0 || status.failed < status.total ? 'success' : 'failure',
    message: status.total === 0 ? messages.noEntities : null,
    status,
    results,
    images,
    world: model.world,
    model,
    validationCalls,
  };
}

/**
 * The images of a promotion's written results: each `created`/`updated` result's destination entity
 * in the world before the run (`undefined` for a creation) and after it. A run writes each
 * destination entity at most once (§4: one source per destination), so the worlds around the run
 * are the worlds around each write.
 */
export function modelWriteImages(before: World | ModelWorld, after: World | ModelWorld, results: readonly ModelResult[]): Map<number, ModelWriteImages> {
  const earlier = new WorldDraft(toModelWorld(before));
  const later = new WorldDraft(toModelWorld(after));
  const images = new Map<number, ModelWriteImages>();
  for (const result of results) {
    if ((result.result !== 'created' && result.result !== 'updated') || result.destination_entity_id === null) continue;
    const written = entityOf(later, result.entity_type, result.destination_entity_id);
    if (written === undefined) throw new Error(`The model wrote no ${result.entity_type} ${result.destination_entity_id}`);
    images.set(result.source_entity_id, {
      before: result.result === 'created' ? undefined : entityOf(earlier, result.entity_type, result.destination_entity_id),
      after: written,
    });
  }
  return images;
}
