import { err, ok, okAsync, ResultAsync, safeTry } from 'neverthrow';
import type { EntityType, PromoteType } from '../domain/enums.js';
import type { OperationRequest, PromoteQualityCheckRequest } from '../domain/requests.js';
import { notFound, type PromoteError } from '../errors.js';
import type { EntityPlan } from '../plan/entity-plan.js';
import { planComputedContainers } from '../plan/plan-containers.js';
import { planComputedFields } from '../plan/plan-computed-fields.js';
import { QualityCheckPlanner } from '../plan/plan-quality-checks.js';
import { planRevert, type DestinationEntity, type RevertItem } from '../plan/plan-revert.js';
import { containerReferenceContext } from '../plan/resolve-check.js';
import type { LineageLink, QualityCheck } from '../domain/entities.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import { growingSizes } from './growing-sizes.js';
import { nextTurn } from './next-turn.js';

/** What the planner needs to know about an operation, whether it is about to start or resuming. */
export interface PlanContext {
  readonly promote_type: PromoteType;
  readonly request: OperationRequest;
  readonly datastoreId: number;
  readonly destinationDatastoreId: number;
  readonly destinationContainerId: number | null;
  readonly destinationScopeId: number;
  /** Source ids still to process, in processing order. */
  readonly remaining: readonly number[];
  /** Destination entities already matched by this operation's recorded results. */
  readonly taken: ReadonlySet<number>;
  /** Timestamp for what is written. */
  readonly now: string;
  /**
   * Whether every id of `remaining` was just selected from the source container's checks by this
   * engine (a dry run, or the first turn of an operation it created): they existed then, so §4's
   * lineage phase does not read their existence again. A resumed or taken-over turn reads it.
   */
  readonly justSelected: boolean;
}

/** The plans of one chunk of the remaining sources, in processing order. */
export interface PlanChunk {
  /** The source ids of the chunk: a slice of `PlanContext.remaining`, in its order. */
  readonly ids: readonly number[];
  /** One plan per id, in the same order. */
  readonly plans: EntityPlan[];
}

/** The chunks of a promotion, planned one at a time. */
export interface PlanChunks {
  /** Plans the next chunk; `undefined` after the last. */
  next(): ResultAsync<PlanChunk | undefined, PromoteError>;
}

/**
 * Plans the remaining sources chunk after chunk (SPEC §19): quality checks at most `chunkSize` at
 * a time (the first chunks of a selection longer than that smaller: cold code, see {@link growingSizes}) —
 * the destination read once, §4's lineage phase run over the whole selection first (ids and links
 * only), then each chunk's checks read and planned when it is asked for, so a promotion holds one
 * chunk of sources and plans, not its whole selection. The plans equal {@link planEntities}'s,
 * whatever `chunkSize`. The other entity types come as one chunk: a container holds few.
 */
export function planInChunks(store: StoreRuntime, context: PlanContext, chunkSize: number): ResultAsync<PlanChunks, PromoteError> {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be a whole number from 1, got ${chunkSize}`);
  if (context.request.type === 'promote_quality_check') return qualityCheckChunks(store, context, context.request, chunkSize);
  let done = false;
  return okAsync({
    next: () => {
      if (done) return okAsync(undefined);
      done = true;
      return planEntities(store, context).map((plans) => ({ ids: context.remaining, plans }));
    },
  });
}

/** Reads a chunk at most this many sources long when §4's lineage phase looks at the selection (ids and links only). */
const lineageChunkSize = 5_000;

function qualityCheckChunks(store: StoreRuntime, context: PlanContext, request: PromoteQualityCheckRequest, chunkSize: number): ResultAsync<PlanChunks, PromoteError> {
  return safeTry(async function* () {
    const destinationContainer = yield* store.getContainer(request.destination_container_id);
    if (destinationContainer === undefined) return err(notFound('Container', request.destination_container_id));
    const [fields, computedFields, destinationChecks, sourceContainers, destinationContainers] = yield* ResultAsync.combine([
      store.listFields(destinationContainer.id),
      store.listComputedFields(destinationContainer.id),
      store.listChecks(destinationContainer.id),
      store.listContainers(context.datastoreId),
      store.listContainers(destinationContainer.datastore_id),
    ] as const);
    const planner = new QualityCheckPlanner(
      {
        destinationContainer,
        destinationFields: fields,
        destinationComputedFields: computedFields,
        destinationChecks,
        references: containerReferenceContext(context.datastoreId, destinationContainer.datastore_id, sourceContainers, destinationContainers),
        additionalTags: request.check_additional_tags ?? [],
        asDraft: request.as_draft,
        now: context.now,
      },
      context.taken,
    );
    const { remaining } = context;
    // §4 phase 1 over the whole selection before any chunk is planned. Into a container without a
    // check that could match (a first promotion) no link can: nothing to read. A store whose calls
    // do not block the thread (PostgreSQL) is asked for a slice's links and which of its sources
    // exist at once, and for the next slice's while this one is claimed: the four reads of a
    // 10,000-check re-promotion one after the other were a sixth of its time.
    const concurrent = store.commitBlocks === false;
    const readSlice = (start: number): LineageSlice => {
      const ids = remaining.slice(start, start + lineageChunkSize);
      return { ids, lineage: store.findLineage('quality_check', destinationContainer.id, ids), existing: concurrent && !context.justSelected ? existingChecks(store, ids) : undefined };
    };
    let slice = planner.hasCandidates && remaining.length > 0 ? readSlice(0) : undefined;
    for (let start = 0; slice !== undefined; start += lineageChunkSize) {
      const current: LineageSlice = slice;
      slice = concurrent && start + lineageChunkSize < remaining.length ? readSlice(start + lineageChunkSize) : undefined;
      const lineage = yield* current.lineage;
      const linked = new Set<number>();
      for (const link of lineage) if (planner.isCandidate(link.destination_entity_id)) linked.add(link.source_entity_id);
      if (linked.size > 0) {
        // Only a source that still exists claims its destination, as when the whole selection is planned.
        const existing = context.justSelected ? undefined : yield* (current.existing ?? existingChecks(store, current.ids.filter((id) => linked.has(id))));
        planner.claimLineage(
          current.ids.filter((id) => linked.has(id) && (existing === undefined || existing.has(id))),
          lineage,
        );
      }
      if (start + lineageChunkSize < remaining.length) {
        slice ??= readSlice(start + lineageChunkSize);
        await nextTurn();
      }
    }
    let start = 0;
    // The first chunks run cold (before V8 optimises the planner, the decoding and the commits):
    // they start at an eighth of the chunk size and grow to it. A selection that fits in one chunk
    // is one chunk (a dry run and a reviewed plan are planned whole).
    const nextSize = growingSizes(remaining.length > chunkSize ? Math.ceil(chunkSize / 8) : chunkSize, chunkSize);
    return ok({
      next: (): ResultAsync<PlanChunk | undefined, PromoteError> => {
        if (start >= remaining.length) return okAsync(undefined);
        const ids = remaining.slice(start, start + nextSize());
        start += ids.length;
        // On a store whose reads block the thread (SQLite) the chunk is read in slices, each in a
        // turn of the event loop of its own, and planned in the next: a chunk's read of 2,000
        // checks and their decoding were the longest steps of a large promotion (SPEC §19, ≈ 20 ms
        // per step) once commits were sized by time.
        const ready = concurrent ? store.getChecks(ids) : readInSlices(store, ids);
        return ready.map((found) => ({ ids, plans: withMissingSources(ids, 'quality_check', planner.planChunk(inOrderOf(ids, found)), 'Source quality check') }));
      },
    });
  });
}

/** How many checks a store whose reads block the thread is asked for at once when a chunk is read. */
const blockingReadSize = 500;

/** The checks of `ids` (those that exist), read `blockingReadSize` at a time with a turn of the event loop after each read. */
function readInSlices(store: StoreRuntime, ids: readonly number[]): ResultAsync<readonly QualityCheck[], PromoteError> {
  return safeTry(async function* () {
    const found: QualityCheck[] = [];
    for (let start = 0; start < ids.length; start += blockingReadSize) {
      const slice = yield* store.getChecks(ids.slice(start, start + blockingReadSize));
      for (const check of slice) found.push(check);
      await nextTurn();
    }
    return ok(found);
  });
}

/** One slice of §4's lineage phase: its source ids, their links, and (read beside them) which of them exist. */
interface LineageSlice {
  readonly ids: readonly number[];
  readonly lineage: ResultAsync<readonly LineageLink[], PromoteError>;
  readonly existing: ResultAsync<ReadonlySet<number>, PromoteError> | undefined;
}

/** The ids among `ids` of checks that exist: from their summaries when the store offers them (no JSON to decode). */
function existingChecks(store: StoreRuntime, ids: readonly number[]): ResultAsync<ReadonlySet<number>, PromoteError> {
  const found: ResultAsync<readonly { readonly id: number }[], PromoteError> = store.summarise === undefined ? store.getChecks(ids) : store.summarise('quality_check', ids);
  return found.map((entities) => new Set(entities.map((entity) => entity.id)));
}

/** Reads what the pure planner needs from the store and plans the remaining entities. */
export function planEntities(store: StoreRuntime, context: PlanContext): ResultAsync<EntityPlan[], PromoteError> {
  const request = context.request;
  switch (request.type) {
    case 'revert':
      return safeTry(async function* () {
        // What the reverted operation wrote, for the entities still to revert, in the revert's order.
        const written = yield* store.listResults(request.operation_id, { results: ['created', 'updated'] });
        const bySource = new Map(written.items.map((result) => [result.source_entity_id, result]));
        const recorded = context.remaining.flatMap((id) => bySource.get(id) ?? []);
        const ids = recorded.flatMap((result) => (result.destination_entity_id === null ? [] : [result.destination_entity_id]));
        const current: readonly DestinationEntity[] =
          context.promote_type === 'quality_check'
            ? yield* store.getChecks(ids)
            : context.promote_type === 'computed_field'
              ? yield* store.getComputedFields(ids)
              : yield* store.getContainers(ids);
        const byId = new Map(current.map((entity) => [entity.id, entity]));
        const items = recorded.map((result): RevertItem => ({ recorded: result, current: result.destination_entity_id === null ? undefined : byId.get(result.destination_entity_id) }));
        return ok(planRevert({ revertedOperationId: request.operation_id, items, now: context.now }));
      });
    case 'promote_quality_check':
      return planInChunks(store, context, Math.max(1, context.remaining.length)).andThen((chunks) => chunks.next().map((chunk) => chunk?.plans ?? []));
    case 'promote_computed_field':
      return safeTry(async function* () {
        const [sourceComputedFields, sourceFields, destinationFields, destinationComputedFields, lineage] = yield* ResultAsync.combine([
          store.listComputedFields(request.container_id),
          store.listFields(request.container_id),
          store.listFields(request.destination_container_id),
          store.listComputedFields(request.destination_container_id),
          store.findLineage('computed_field', request.destination_container_id, context.remaining),
        ] as const);
        const byId = new Map(sourceComputedFields.map((field) => [field.id, field]));
        const sources = context.remaining.flatMap((id) => byId.get(id) ?? []);
        const plans = planComputedFields({
          sources,
          sourceComputedFields,
          sourceFields,
          destinationContainerId: request.destination_container_id,
          destinationFields,
          destinationComputedFields,
          lineage,
          taken: context.taken,
          additionalTags: request.computed_field_additional_tags ?? [],
        });
        return ok(withMissingSources(context.remaining, 'computed_field', plans, 'Source computed field'));
      });
    case 'promote_computed_table':
    case 'promote_computed_file':
      return safeTry(async function* () {
        const [found, destinationContainers, lineage] = yield* ResultAsync.combine([
          store.getContainers(context.remaining),
          store.listContainers(request.destination_datastore_id),
          store.findLineage(context.promote_type, request.destination_datastore_id, context.remaining),
        ] as const);
        const kind = request.type === 'promote_computed_table' ? ('computed_table' as const) : ('computed_file' as const);
        const byId = new Map(found.map((container) => [container.id, container]));
        const sources = context.remaining.flatMap((id) => {
          const container = byId.get(id);
          return container !== undefined && container.container_type === kind ? [container] : [];
        });
        const plans = planComputedContainers({
          kind,
          sources,
          destinationDatastoreId: request.destination_datastore_id,
          destinationContainers,
          mappings:
            request.type === 'promote_computed_file'
              ? new Map(request.source_container_mappings.map((mapping) => [mapping.container_id, mapping.destination_container_id]))
              : undefined,
          lineage,
          taken: context.taken,
          additionalTags: request.container_additional_tags ?? [],
        });
        return ok(withMissingSources(context.remaining, kind, plans, kind === 'computed_table' ? 'Source computed table' : 'Source computed file'));
      });
  }
}

/**
 * The entities of `found` (ascending id) in the order of `ids`, those not found left out. Usually
 * both are the same ascending list, and then no map is built: at 100,000 checks, building one
 * cost more per entry than at 10,000 (cache misses).
 */
function inOrderOf<T extends { readonly id: number }>(ids: readonly number[], found: readonly T[]): readonly T[] {
  if (found.length === ids.length && found.every((entity, index) => entity.id === ids[index])) return found;
  const byId = new Map(found.map((entity) => [entity.id, entity]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Plans in the order of `remaining`; a source that no longer exists fails with a message saying so. */
function withMissingSources(remaining: readonly number[], entityType: EntityType, plans: readonly EntityPlan[], label: string): EntityPlan[] {
  // The planners answer in processing order: when nothing is missing, the plans are the answer.
  if (plans.length === remaining.length && plans.every((plan, index) => plan.source_entity_id === remaining[index])) return [...plans];
  const planned = new Map(plans.map((plan) => [plan.source_entity_id, plan]));
  return remaining.map(
    (id): EntityPlan =>
      planned.get(id) ?? {
        entity_type: entityType,
        source_entity_id: id,
        result: 'failed',
        destination_entity_id: null,
        message: `${label} ${id} no longer exists`,
        changes: null,
        before: null,
        search_text: '',
      },
  );
}
