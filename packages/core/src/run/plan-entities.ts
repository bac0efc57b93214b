import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import type { PromoteType } from '../domain/enums.js';
import type { PromoteRequest } from '../domain/requests.js';
import { notFound, unprocessable, type PromoteError } from '../errors.js';
import type { EntityPlan } from '../plan/entity-plan.js';
import { planQualityChecks } from '../plan/plan-quality-checks.js';
import { containerReferenceContext } from '../plan/resolve-check.js';
import type { SafeStore } from './safe-store.js';

/** What the planner needs to know about an operation, whether it is about to start or resuming. */
export interface PlanContext {
  readonly promote_type: PromoteType;
  readonly request: PromoteRequest;
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
export function planEntities(store: SafeStore, context: PlanContext): ResultAsync<EntityPlan[], PromoteError> {
  const request = context.request;
  switch (request.type) {
    case 'promote_quality_check':
      return safeTry(async function* () {
        const destinationContainer = yield* store.getContainer(request.destination_container_id);
        if (destinationContainer === undefined) return err(notFound('Container', request.destination_container_id));
        const found = yield* store.getChecks(context.remaining);
        const byId = new Map(found.map((check) => [check.id, check]));
        const sources = context.remaining.flatMap((id) => {
          const check = byId.get(id);
          return check === undefined ? [] : [check];
        });
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
        const planned = new Map(plans.map((plan) => [plan.source_entity_id, plan]));
        return ok(
          context.remaining.map(
            (id): EntityPlan =>
              planned.get(id) ?? {
                entity_type: 'quality_check',
                source_entity_id: id,
                result: 'failed',
                destination_entity_id: null,
                message: `Source quality check ${id} no longer exists`,
                changes: null,
                before: null,
                search_text: '',
              },
          ),
        );
      });
    case 'promote_computed_field':
    case 'promote_computed_table':
    case 'promote_computed_file':
      return ResultAsync.fromSafePromise(Promise.resolve()).andThen(() =>
        err(unprocessable(`${request.type} is not supported by this engine version`)),
      );
  }
}
