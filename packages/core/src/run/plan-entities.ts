import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import type { EntityType, PromoteType } from '../domain/enums.js';
import type { OperationRequest } from '../domain/requests.js';
import { notFound, type PromoteError } from '../errors.js';
import type { EntityPlan } from '../plan/entity-plan.js';
import { planComputedContainers } from '../plan/plan-containers.js';
import { planComputedFields } from '../plan/plan-computed-fields.js';
import { planQualityChecks } from '../plan/plan-quality-checks.js';
import { planRevert, type DestinationEntity, type RevertItem } from '../plan/plan-revert.js';
import { containerReferenceContext } from '../plan/resolve-check.js';
import type { StoreRuntime } from '../ports/store-runtime.js';

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
      return safeTry(async function* () {
        const destinationContainer = yield* store.getContainer(request.destination_container_id);
        if (destinationContainer === undefined) return err(notFound('Container', request.destination_container_id));
        const found = yield* store.getChecks(context.remaining);
        const sources = inOrderOf(context.remaining, found);
        const [fields, computedFields, destinationChecks, lineage, sourceContainers, destinationContainers] = yield* ResultAsync.combine([
          store.listFields(destinationContainer.id),
          store.listComputedFields(destinationContainer.id),
          store.listChecks(destinationContainer.id),
          store.findLineage('quality_check', destinationContainer.id, context.remaining),
          store.listContainers(context.datastoreId),
          store.listContainers(destinationContainer.datastore_id),
        ] as const);
        const plans = planQualityChecks({
          sources,
          destinationContainer,
          destinationFields: fields,
          destinationComputedFields: computedFields,
          destinationChecks,
          lineage,
          taken: context.taken,
          references: containerReferenceContext(context.datastoreId, destinationContainer.datastore_id, sourceContainers, destinationContainers),
          additionalTags: request.check_additional_tags ?? [],
          asDraft: request.as_draft,
          now: context.now,
        });
        return ok(withMissingSources(context, 'quality_check', plans, 'Source quality check'));
      });
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
        return ok(withMissingSources(context, 'computed_field', plans, 'Source computed field'));
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
        return ok(withMissingSources(context, kind, plans, kind === 'computed_table' ? 'Source computed table' : 'Source computed file'));
      });
  }
}

/**
 * The entities of `found` (ascending id) in the order of `ids`, those not found left out. Usually
 * both are the same ascending list, and then no map is built: at 100,000 checks, building one
 * cost more per entry than at 10,000 (cache misses).
 */
function inOrderOf<T extends { readonly id: number }>(ids: readonly number[], found: readonly T[]): T[] {
  if (found.length === ids.length && found.every((entity, index) => entity.id === ids[index])) return [...found];
  const byId = new Map(found.map((entity) => [entity.id, entity]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Plans in the order of `remaining`; a source that no longer exists fails with a message saying so. */
function withMissingSources(context: PlanContext, entityType: EntityType, plans: readonly EntityPlan[], label: string): EntityPlan[] {
  // The planners answer in processing order: when nothing is missing, the plans are the answer.
  if (plans.length === context.remaining.length && plans.every((plan, index) => plan.source_entity_id === context.remaining[index])) return [...plans];
  const planned = new Map(plans.map((plan) => [plan.source_entity_id, plan]));
  return context.remaining.map(
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
