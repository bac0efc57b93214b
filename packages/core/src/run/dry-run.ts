import { ok, ResultAsync, safeTry } from 'neverthrow';
import { messages, type PlanView } from '../domain/operation.js';
import type { PromoteError } from '../errors.js';
import { isoTimestamp, type Clock } from '../ports/clock.js';
import type { Dataplane } from '../ports/dataplane.js';
import type { EngineEvents } from '../ports/engine-events.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import { planContext, validationTarget, type OperationLike } from './plan-context.js';
import { planEntities } from './plan-entities.js';
import type { PreparedOperation } from './prepare.js';
import { startValidation } from './validate-plans.js';
import { planFingerprint } from '../plan/plan-fingerprint.js';
import { operationKind, resultViews } from './views.js';

/** What a dry run needs: the ports and the validation settings. */
export interface DryRunOptions {
  readonly store: StoreRuntime;
  readonly dataplane: Dataplane;
  readonly clock: Clock;
  readonly batchSize: number;
  readonly concurrency: number;
  /** Told about each Dataplane call (with `operationId: null`). */
  readonly events?: EngineEvents | undefined;
}

/**
 * The dry run of a prepared request (§9): the same planner and the same validation calls as a run,
 * answered as the operation that would result — `id: null`, nothing written, no operation stored.
 */
export function dryRun(prepared: PreparedOperation, options: DryRunOptions): ResultAsync<PlanView, PromoteError> {
  const { store } = options;
  return safeTry(async function* () {
    const operation: OperationLike = {
      promote_type: prepared.promote_type,
      request: prepared.request,
      datastore: prepared.datastore,
      destination_datastore: prepared.destinationDatastore,
      destination_container: prepared.destinationContainer,
    };
    const plans = yield* planEntities(store, planContext(operation, { remaining: prepared.selection, taken: new Set(), now: isoTimestamp(options.clock.now()), justSelected: true }));
    const validation = startValidation(plans, validationTarget(store, operation), {
      dataplane: options.dataplane,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      signal: new AbortController().signal,
      operationId: null,
      events: options.events,
    });
    const finals = await Promise.all(plans.map((plan, index) => validation.get(index)?.outcome ?? Promise.resolve(plan)));
    // Plans carry no id: their views get `id: null` (copying every plan to add one was a tenth of a 10,000-check plan).
    const results = yield* resultViews(store, finals);
    const status = { total: finals.length, created: 0, updated: 0, skipped: 0, failed: 0 };
    for (const plan of finals) status[plan.result] += 1;
    const time = isoTimestamp(options.clock.now());
    return ok({
      id: null,
      ...operationKind(prepared.request),
      promote_type: prepared.promote_type,
      result: status.total === 0 || status.failed < status.total ? ('success' as const) : ('failure' as const),
      start_time: time,
      end_time: time,
      triggered_by: prepared.actor.email,
      aborted_by: null,
      message: status.total === 0 ? messages.noEntities : null,
      ...preparedNames(prepared),
      ...(prepared.request.type === 'promote_quality_check' ? { as_draft: prepared.request.as_draft } : {}),
      status,
      results,
      plan_fingerprint: planFingerprint(finals),
    });
  });
}

/** The datastores and containers of a prepared request, as an operation names them. */
export function preparedNames(prepared: PreparedOperation) {
  return {
    datastore: { id: prepared.datastore.id, name: prepared.datastore.name },
    destination_datastore: { id: prepared.destinationDatastore.id, name: prepared.destinationDatastore.name },
    container: prepared.container === null ? null : { id: prepared.container.id, name: prepared.container.name },
    destination_container: prepared.destinationContainer === null ? null : { id: prepared.destinationContainer.id, name: prepared.destinationContainer.name },
  };
}
