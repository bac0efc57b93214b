import { randomUUID } from 'node:crypto';
import { err, ok, ResultAsync, safeTry } from 'neverthrow';
import type { ComputedField, Datastore, QualityCheck, User } from '../domain/entities.js';
import type { EntityType } from '../domain/enums.js';
import type { OperationRecord, OperationView, Page, PlanView, PromoteResultView } from '../domain/operation.js';
import { parseWith } from '../domain/parse.js';
import { operationListQuerySchema, resultListQuerySchema, type OperationListQueryInput, type ResultListQueryInput } from '../domain/queries.js';
import { promoteRequestSchema } from '../domain/requests.js';
import { conflict, notFound, type PromoteError } from '../errors.js';
import type { Authorization } from '../ports/authorization.js';
import { isoTimestamp, systemClock, type Clock } from '../ports/clock.js';
import type { Dataplane } from '../ports/dataplane.js';
import type { Profiler } from '../ports/profiler.js';
import type { Store } from '../ports/store.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import { createAccess, type Actor } from './access.js';
import { dryRun, preparedNames } from './dry-run.js';
import { runOperation, type AbortReason, type RunnerOptions } from './operation-runner.js';
import { prepareOperation, type PreparedOperation } from './prepare.js';
import { recoverOperations } from './recover-operations.js';
import { ScopeQueue } from './scope-queue.js';
import { storeAuthorization } from './store-authorization.js';
import { operationEnvelope, resultViews } from './views.js';
import { createWorldReads, type ContainerWithFields } from './world-reads.js';

export type { Actor } from './access.js';

/** Options of {@link createPromoter}. */
export interface PromoterOptions {
  /** Where the world, operations and results live. The engine reaches it through the store runtime (`guardStore`). */
  readonly store: Store;
  /** Validates checks that will be active at the destination (§8). */
  readonly dataplane: Dataplane;
  /** Who acts and what they may do (§11). Default: {@link storeAuthorization} over `store` — its users and teams. */
  readonly authorization?: Authorization | undefined;
  /** Source of time: timestamps, waits and the lease renewal. Default: the system clock. */
  readonly clock?: Clock | undefined;
  /** Told which destination containers need a profile after a run. Default: none. */
  readonly profiler?: Profiler | undefined;
  /** Checks per Dataplane call. Default 10 (§8). */
  readonly batchSize?: number | undefined;
  /** Dataplane calls in flight at most. Default 4. */
  readonly concurrency?: number | undefined;
  /**
   * Atomic units per store transaction at most. Default 2000: on SQLite, an all-skipped
   * re-promotion of 10,000 checks took a tenth longer in groups of 500, and 7-12 % longer again in
   * groups of 100 (each commit rewrites the rightmost page of every b-tree it touched; decision
   * 0301). Progress still moves every few tens of milliseconds, an abort still stops between two
   * units, and a unit waiting for validation flushes what is ready before it.
   */
  readonly commitBatchSize?: number | undefined;
  /** Lifetime of a scope lease, extended by every commit and renewed on the clock every third of it (stores with `leases` only). Default 30 000 ms. */
  readonly leaseTtlMs?: number | undefined;
  /** How often to retry a scope lease held by another process. Default 100 ms. */
  readonly leasePollMs?: number | undefined;
  /** Identifies this engine instance as a lease holder. Default: a random UUID. */
  readonly holderId?: string | undefined;
}

/**
 * The engine's service: every call identifies the actor, checks their permissions (§11) and answers
 * a typed error or a value; only defects throw.
 */
export interface Promoter {
  /** Validates a request (§2.1), creates the operation in `running` and returns it at once; the work goes on asynchronously. */
  run(actor: Actor, body: unknown): ResultAsync<OperationView, PromoteError>;
  /** Dry run (§9): the same checks, classifier and validation calls; nothing written, no operation stored. */
  plan(actor: Actor, body: unknown): ResultAsync<PlanView, PromoteError>;
  /** An operation with all its results (`GET /api/operations/{id}`). */
  getOperation(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** A page of an operation's results, filtered (§10). `entityType` restricts to one kind (the sub-endpoints). */
  listResults(actor: Actor, id: number, query?: ResultListQueryInput, entityType?: EntityType): ResultAsync<Page<PromoteResultView>, PromoteError>;
  /** Operations the actor may read, newest first, paginated in the store. */
  listOperations(actor: Actor, query?: OperationListQueryInput): ResultAsync<Page<Omit<OperationView, 'results'>>, PromoteError>;
  /** Stops a running operation between units (§9). Aborting a finished one changes nothing. */
  abort(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** Puts an aborted or failed operation back to `running` and processes what has no result yet. */
  resume(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** A new operation with the same request, triggered by the actor. */
  rerun(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** The datastores the actor may read (`GET /api/datastores`; `query`: `page`, `size`). */
  listDatastores(actor: Actor, query?: unknown): ResultAsync<Page<Datastore>, PromoteError>;
  /** Containers with their fields (`GET /api/containers`; `query`: `datastore`, `page`, `size`). */
  listContainers(actor: Actor, query?: unknown): ResultAsync<Page<ContainerWithFields>, PromoteError>;
  /** Checks of a container (`GET /api/quality-checks`; `query`: `container`, `page`, `size`). */
  listChecks(actor: Actor, query?: unknown): ResultAsync<Page<QualityCheck>, PromoteError>;
  /** Computed fields of a container (`GET /api/computed-fields`; `query`: `container`, `page`, `size`). */
  listComputedFields(actor: Actor, query?: unknown): ResultAsync<Page<ComputedField>, PromoteError>;
  /**
   * Who the actor is (`unauthenticated` when nobody): read once, then passed as `{ user }` to the
   * other calls of one request so that the user is not read again.
   */
  identify(actor: Actor): ResultAsync<User, PromoteError>;
  /** Resolves once the operation's in-process work (if any) has finished. */
  waitFor(id: number): Promise<void>;
  /**
   * Marks operations left `running` by a process that died as `aborted` (§9 recovery). Call once
   * when opening a store. With store leases, operations whose scope is held by a live process are left alone.
   */
  recover(): ResultAsync<readonly number[], PromoteError>;
  /** Waits for every in-process operation to finish. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Creates the engine's service over a store and a dataplane: a thin layer that parses, identifies,
 * authorises and hands the work to the scope queue, the operation runner or the dry run.
 *
 * @example
 * const promoter = createPromoter({ store: createMemoryStore({ world }), dataplane: createReferenceDataplane() });
 * const operation = await promoter.run({ email: 'jane@example.com' }, { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 });
 * if (operation.isOk()) await promoter.waitFor(operation.value.id);
 */
export function createPromoter(options: PromoterOptions): Promoter {
  const store = createStoreRuntime(options.store);
  const access = createAccess(options.authorization ?? storeAuthorization(store.store));
  const world = createWorldReads(store, access);
  const runner: RunnerOptions = {
    store,
    dataplane: options.dataplane,
    clock: options.clock ?? systemClock,
    profiler: options.profiler,
    batchSize: options.batchSize ?? 10,
    concurrency: options.concurrency ?? 4,
    commitBatchSize: options.commitBatchSize ?? 2000,
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    leasePollMs: options.leasePollMs ?? 100,
    holderId: options.holderId ?? randomUUID(),
  };
  const { clock } = runner;
  const queue = new ScopeQueue();
  const controllers = new Map<number, AbortController>();
  const now = () => isoTimestamp(clock.now());

  const loadOperation = (id: number): ResultAsync<OperationRecord, PromoteError> =>
    store.getOperation(id).andThen((operation) => (operation === undefined ? err(notFound('Operation', id)) : ok(operation)));

  /** The operation, if the actor may read it: `reporter` on both of its datastores (it keeps their names). */
  const readable = (actor: Actor, id: number) =>
    safeTry(async function* () {
      const user = yield* access.identify(actor);
      const operation = yield* loadOperation(id);
      yield* access.require(user, [
        { datastore: operation.datastore, level: 'reporter' },
        { datastore: operation.destination_datastore, level: 'reporter' },
      ]);
      return ok({ user, operation });
    });

  /** The operation, if the actor may change it: `editor` on its destination datastore. */
  const editable = (actor: Actor, id: number) =>
    safeTry(async function* () {
      const user = yield* access.identify(actor);
      const operation = yield* loadOperation(id);
      yield* access.require(user, [{ datastore: operation.destination_datastore, level: 'editor' }]);
      return ok({ user, operation });
    });

  const view = (operation: OperationRecord): ResultAsync<OperationView, PromoteError> =>
    store
      .listResults(operation.id)
      .andThen((page) => resultViews(store, page.items))
      .map((results) => ({ ...operationEnvelope(operation), results }));

  const prepare = (actor: Actor, body: unknown) =>
    safeTry(async function* () {
      const request = yield* parseWith(promoteRequestSchema, body);
      const user = yield* access.identify(actor);
      return prepareOperation(store, access, user, request);
    });

  const schedule = (operation: OperationRecord): void => {
    const controller = new AbortController();
    controllers.set(operation.id, controller);
    queue.enqueue(operation.id, operation.destination_scope, async () => {
      try {
        await runOperation(operation, controller.signal, runner);
      } finally {
        if (controllers.get(operation.id) === controller) controllers.delete(operation.id);
      }
    });
  };

  const start = (prepared: PreparedOperation): ResultAsync<OperationView, PromoteError> =>
    store
      .createOperation({
        promote_type: prepared.promote_type,
        result: 'running',
        start_time: now(),
        end_time: null,
        triggered_by: prepared.actor.email,
        aborted_by: null,
        message: null,
        ...preparedNames(prepared),
        ...(prepared.request.type === 'promote_quality_check' ? { as_draft: prepared.request.as_draft } : {}),
        status: { total: prepared.selection.length, created: 0, updated: 0, skipped: 0, failed: 0 },
        request: prepared.request,
        selection: prepared.selection,
        destination_scope: prepared.destinationScope,
      })
      .map((operation) => {
        schedule(operation);
        return { ...operationEnvelope(operation), results: [] };
      });

  const withUser = <T>(actor: Actor, read: (user: User) => ResultAsync<T, PromoteError>) => access.identify(actor).andThen(read);

  return {
    run: (actor, body) => prepare(actor, body).andThen(start),

    plan: (actor, body) => prepare(actor, body).andThen((prepared) => dryRun(prepared, runner)),

    getOperation: (actor, id) => readable(actor, id).andThen(({ operation }) => view(operation)),

    listResults: (actor, id, query = {}, entityType) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(resultListQuerySchema, query, ['query']);
        const { operation } = yield* readable(actor, id);
        if (entityType !== undefined && entityType !== operation.promote_type) {
          return ok({ items: [], total: 0, page: parsed.page, size: parsed.size });
        }
        const page = yield* store.listResults(id, { search: parsed.search, results: parsed.promote_result, page: parsed.page, size: parsed.size });
        const items = yield* resultViews(store, page.items);
        return ok({ items, total: page.total, page: parsed.page, size: parsed.size });
      }),

    listOperations: (actor, query = {}) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(operationListQuerySchema, query, ['query']);
        const user = yield* access.identify(actor);
        const visible = yield* access.visibleDatastores(user, 'reporter');
        const page = yield* store.listOperations({
          result: parsed.result,
          promote_type: parsed.promote_type,
          datastore: parsed.datastore,
          visibleDatastores: visible === 'all' ? undefined : visible,
          page: parsed.page,
          size: parsed.size,
        });
        return ok({ ...page, items: page.items.map(operationEnvelope) });
      }),

    abort: (actor, id) =>
      safeTry(async function* () {
        const { user, operation } = yield* editable(actor, id);
        if (operation.result !== 'running') return view(operation);
        if (queue.state(id) === 'started') {
          controllers.get(id)?.abort({ by: user.email } satisfies AbortReason);
          await queue.done(id);
        } else {
          // Queued behind another operation of its scope here, or running in another engine: recorded
          // at once (that engine stops before its next commit), without waiting for the queue.
          yield* store.transitionOperation(id, ['running'], { result: 'aborted', aborted_by: user.email, end_time: now() });
          if (queue.cancel(id)) controllers.get(id)?.abort({ by: user.email } satisfies AbortReason);
        }
        return loadOperation(id).andThen(view);
      }),

    resume: (actor, id) =>
      safeTry(async function* () {
        const { operation } = yield* editable(actor, id);
        const refusal = conflict(`Operation ${id} is ${operation.result}; only an aborted or failed operation can be resumed`);
        if (operation.result !== 'aborted' && operation.result !== 'failure') return err(refusal);
        // Compare-and-set: of concurrent resumes (in any engine) exactly one reopens the operation.
        const reopened = yield* store.transitionOperation(id, ['aborted', 'failure'], { result: 'running', end_time: null, aborted_by: null, message: null });
        if (reopened === undefined) return err(conflict(`Operation ${id} is being resumed or has changed; only an aborted or failed operation can be resumed`));
        schedule(reopened);
        return view(reopened);
      }),

    rerun: (actor, id) =>
      safeTry(async function* () {
        const user = yield* access.identify(actor);
        const operation = yield* loadOperation(id);
        const prepared = yield* prepareOperation(store, access, user, operation.request);
        return start(prepared);
      }),

    listDatastores: (actor, query = {}) => withUser(actor, (user) => world.listDatastores(user, query)),
    listContainers: (actor, query = {}) => withUser(actor, (user) => world.listContainers(user, query)),
    listChecks: (actor, query = {}) => withUser(actor, (user) => world.listChecks(user, query)),
    listComputedFields: (actor, query = {}) => withUser(actor, (user) => world.listComputedFields(user, query)),

    identify: (actor) => access.identify(actor),

    waitFor: (id) => queue.done(id),

    recover: () => recoverOperations({ store, clock, leaseTtlMs: runner.leaseTtlMs, holderId: runner.holderId, isLocal: (id) => queue.has(id) }),

    close: () => queue.idle(),
  };
}
