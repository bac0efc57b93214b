import type { OperationRecord } from '../domain/operation.js';
import type { ValidationTarget } from '../ports/dataplane.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import type { PlanContext } from './plan-entities.js';

/** What the planner needs of an operation, stored or about to be. */
export type OperationLike = Pick<OperationRecord, 'promote_type' | 'request' | 'datastore' | 'destination_datastore' | 'destination_container'>;

/** The id of the destination scope: the container for checks and computed fields, the datastore for containers. */
export function destinationScopeId(operation: Pick<OperationRecord, 'promote_type' | 'destination_container' | 'destination_datastore'>): number {
  return operation.promote_type === 'quality_check' || operation.promote_type === 'computed_field'
    ? (operation.destination_container?.id ?? 0)
    : operation.destination_datastore.id;
}

/** What a planning pass is about, beside the operation (see {@link PlanContext}). */
export interface PlanPass {
  /** The source ids to plan, in processing order. */
  readonly remaining: readonly number[];
  /** Destinations already matched by earlier passes. */
  readonly taken: ReadonlySet<number>;
  /** The time written into what is created or updated. */
  readonly now: string;
  /** Whether `remaining` was read from the source container by this engine just now. */
  readonly justSelected: boolean;
}

/** The planner's view of an operation for one pass. */
export function planContext(operation: OperationLike, { remaining, taken, now, justSelected }: PlanPass): PlanContext {
  return {
    promote_type: operation.promote_type,
    request: operation.request,
    datastoreId: operation.datastore.id,
    destinationDatastoreId: operation.destination_datastore.id,
    destinationContainerId: operation.destination_container?.id ?? null,
    destinationScopeId: destinationScopeId(operation),
    remaining,
    taken,
    now,
    justSelected,
  };
}

/** What the Dataplane validates against: the destination container as it is now (§8). */
export function validationTarget(store: StoreRuntime, operation: Pick<OperationRecord, 'destination_container'>): () => Promise<ValidationTarget> {
  return async () => {
    const containerId = operation.destination_container?.id;
    if (containerId === undefined) throw new Error('defect: validation without a destination container');
    const [container, fields, computedFields] = await Promise.all([
      store.store.getContainer(containerId),
      store.store.listFields(containerId),
      store.store.listComputedFields(containerId),
    ]);
    if (container === undefined) throw new Error(`Container ${containerId} not found`);
    return { container, fields, computedFields };
  };
}
