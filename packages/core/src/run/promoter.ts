import { randomUUID } from 'node:crypto';
import { err, ok, okAsync, ResultAsync, safeTry } from 'neverthrow';
import type { User } from '../domain/entities.js';
import type { EntityType } from '../domain/enums.js';
import {
  messages,
  type OperationRecord,
  type OperationView,
  type Page,
  type PlanView,
  type PromoteResultView,
} from '../domain/operation.js';
import { parseWith } from '../domain/parse.js';
import {
  operationListQuerySchema,
  resultListQuerySchema,
  type OperationListQueryInput,
  type ResultListQueryInput,
} from '../domain/queries.js';
import { promoteRequestSchema, type PromoteRequest } from '../domain/requests.js';
import { conflict, describeError, notFound, unauthenticated, type PromoteError, type StoreFailureError } from '../errors.js';
import { isoTimestamp, systemClock, type Clock } from '../ports/clock.js';
import type { Dataplane, ValidationTarget } from '../ports/dataplane.js';
import type { Profiler, ProfileRequest } from '../ports/profiler.js';
import type { CommitLease, OperationPatch, Store } from '../ports/store.js';
import { executePlans, lostLeaseMessage, type ExecutionEnd } from './execute-plans.js';
import { planEntities, type PlanContext } from './plan-entities.js';
import { hasPermission } from './permissions.js';
import { prepareOperation, requirePermissions, type PreparedOperation } from './prepare.js';
import { fromStore, safeStore } from './safe-store.js';
import { startValidation } from './validate-plans.js';
import { operationEnvelope, resultViews } from './views.js';

/** Who acts: a user by id, email or bearer token. Unknown → `unauthenticated`. */
export type Actor = { readonly id: number } | { readonly email: string } | { readonly token: string };

/** Options of {@link createPromoter}. */
export interface PromoterOptions {
  /** Where the world, operations and results live. */
  readonly store: Store;
  /** Validates checks that will be active at the destination (§8). */
  readonly dataplane: Dataplane;
  /** Source of time. Default: the system clock. */
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
  /** Lifetime of a scope lease, extended by every commit and renewed on a timer every third of it (stores with `leases` only). Default 30 000 ms. */
  readonly leaseTtlMs?: number | undefined;
  /** How often to retry a scope lease held by another process. Default 100 ms. */
  readonly leasePollMs?: number | undefined;
  /** Identifies this engine instance as a lease holder. Default: a random UUID. */
  readonly holderId?: string | undefined;
}

/**
 * The engine's service: every call checks the acting user's permissions (§11) and answers a typed
 * error or a value; only defects throw.
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
  /** Operations the actor may read, newest first. */
  listOperations(actor: Actor, query?: OperationListQueryInput): ResultAsync<Page<Omit<OperationView, 'results'>>, PromoteError>;
  /** Stops a running operation between units (§9). Aborting a finished one changes nothing. */
  abort(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** Puts an aborted or failed operation back to `running` and processes what has no result yet. */
  resume(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** A new operation with the same request, triggered by the actor. */
  rerun(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
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

interface Task {
  readonly controller: AbortController;
  abortedBy: string | null;
  done: Promise<void>;
  /** Whether its turn on the scope has come (it may still be waiting for the lease). */
  started: boolean;
  /** Aborted before its turn: `abort` recorded it in the store, the task must not touch it again. */
  abortRecorded: boolean;
  /** The scope's lease lapsed or another process took it: the task stops (decision 0008). */
  leaseLost: boolean;
  /** Epoch ms until which this engine last made its lease run: past it, the lease may be another's. */
  leaseUntil: number;
}

/**
 * Creates the engine's service over a store and a dataplane.
 *
 * @example
 * const promoter = createPromoter({ store: createMemoryStore({ world }), dataplane: createReferenceDataplane() });
 * const operation = await promoter.run({ email: 'jane@example.com' }, { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20 });
 * if (operation.isOk()) await promoter.waitFor(operation.value.id);
 */
export function createPromoter(options: PromoterOptions): Promoter {
  const store = safeStore(options.store);
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 10;
  const concurrency = options.concurrency ?? 4;
  const commitBatchSize = options.commitBatchSize ?? 2000;
  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const leasePollMs = options.leasePollMs ?? 100;
  const holderId = options.holderId ?? randomUUID();
  const finishRetries = 6;
  const finishRetryMs = 100;
  const tasks = new Map<number, Task>();
  const scopeTails = new Map<string, Promise<void>>();
  const now = () => isoTimestamp(clock.now());

  const resolveActor = (actor: Actor): ResultAsync<User, PromoteError> =>
    store.findUser(actor).andThen((user) => (user === undefined ? err(unauthenticated('Unknown user')) : ok(user)));

  const loadOperation = (id: number): ResultAsync<OperationRecord, PromoteError> =>
    store.getOperation(id).andThen((operation) => (operation === undefined ? err(notFound('Operation', id)) : ok(operation)));

  // The operation keeps its datastores' names: no store read beyond the user's teams.
  const readable = (user: User, operation: OperationRecord) =>
    requirePermissions(store, user, [
      { datastore: operation.datastore, level: 'reporter' },
      { datastore: operation.destination_datastore, level: 'reporter' },
    ]);

  const destinationEditor = (user: User, operation: OperationRecord) =>
    requirePermissions(store, user, [{ datastore: operation.destination_datastore, level: 'editor' }]);

  const view = (operation: OperationRecord): ResultAsync<OperationView, PromoteError> =>
    store
      .listResults(operation.id)
      .andThen((page) => resultViews(store, page.items))
      .map((results) => ({ ...operationEnvelope(operation), results }));

  const prepare = (actor: Actor, body: unknown) =>
    safeTry(async function* () {
      const request = yield* parseWith(promoteRequestSchema, body);
      const user = yield* resolveActor(actor);
      return prepareOperation(store, user, request);
    });

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
        datastore: { id: prepared.datastore.id, name: prepared.datastore.name },
        destination_datastore: { id: prepared.destinationDatastore.id, name: prepared.destinationDatastore.name },
        container: prepared.container === null ? null : { id: prepared.container.id, name: prepared.container.name },
        destination_container: prepared.destinationContainer === null ? null : { id: prepared.destinationContainer.id, name: prepared.destinationContainer.name },
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

  function schedule(operation: OperationRecord): void {
    const task: Task = { controller: new AbortController(), abortedBy: null, done: Promise.resolve(), started: false, abortRecorded: false, leaseLost: false, leaseUntil: 0 };
    const previous = scopeTails.get(operation.destination_scope) ?? Promise.resolve();
    const done = previous.then(() => processOperation(operation, task)).catch((defect: unknown) => finishWithDefect(operation.id, defect));
    task.done = done;
    tasks.set(operation.id, task);
    scopeTails.set(operation.destination_scope, done);
    void done.then(() => {
      if (tasks.get(operation.id) === task) tasks.delete(operation.id);
      if (scopeTails.get(operation.destination_scope) === done) scopeTails.delete(operation.destination_scope);
    });
  }

  async function finishWithDefect(id: number, defect: unknown): Promise<void> {
    const text = defect instanceof Error ? defect.message : String(defect);
    await recordEnd(id, { result: 'failure', end_time: now(), message: `Internal error: ${text}` });
  }

  /**
   * Records how an operation ended. The store may be failing right then (the reason the operation
   * ends), so this retries with a growing pause before giving up; an operation that still could not
   * be finished stays `running` and is found by `recover()` later.
   */
  async function recordEnd(id: number, patch: OperationPatch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      // Only from `running`: an abort recorded meanwhile by another engine is never overwritten.
      const updated = await store.transitionOperation(id, ['running'], patch);
      if (updated.isOk() || attempt >= finishRetries) return;
      await clock.sleep(finishRetryMs * 2 ** attempt);
    }
  }

  /**
   * Takes (or renews) this instance's lease on a scope; a store failure is returned, not thrown.
   * Taken, the task (when given) knows until when.
   */
  const tryLease = (scope: string, at = clock.now(), task?: Task): ResultAsync<boolean, StoreFailureError> => {
    const leases = options.store.leases;
    if (leases === undefined) return okAsync(true);
    const until = at.getTime() + leaseTtlMs;
    return fromStore(() => leases.tryAcquire(scope, holderId, at.toISOString(), new Date(until).toISOString())).map((taken) => {
      if (taken && task !== undefined) task.leaseUntil = until;
      return taken;
    });
  };

  /**
   * The lease each commit of a scope is made under: held by this engine at the clock's now, and
   * extended to a lease lifetime from it by the commit's own transaction (no write of its own). The
   * clock is read once per commit. A commit that goes through has extended it (one that does not
   * ends the execution), so the task counts on the new expiry from here.
   */
  function commitLease(scope: string, task: Task): () => CommitLease {
    return () => {
      const at = clock.now();
      const until = at.getTime() + leaseTtlMs;
      task.leaseUntil = until;
      return { scope, holder: holderId, now: at.toISOString(), expiresAt: new Date(until).toISOString() };
    };
  }

  /**
   * Renews the lease on the timer — but only one still running: once the clock has passed the last
   * expiry this engine set, another process may have taken the scope, written, and released it
   * meanwhile, and taking the lease again would let this engine commit plans made before that.
   * So a lapsed lease is lost, as is one found taken.
   */
  async function renew(scope: string, task: Task, at = clock.now()): Promise<void> {
    if (task.leaseLost) return;
    if (at.getTime() >= task.leaseUntil) {
      task.leaseLost = true;
      return;
    }
    const renewed = await tryLease(scope, at, task);
    if (renewed.isOk() && !renewed.value) task.leaseLost = true;
  }

  /** Waits for the scope's lease (§9): `acquired`, or how the operation ends without it. */
  async function acquireLease(scope: string, task: Task): Promise<'acquired' | ExecutionEnd> {
    for (;;) {
      if (task.controller.signal.aborted) return { kind: 'aborted' };
      const acquired = await tryLease(scope, clock.now(), task);
      if (acquired.isErr()) return { kind: 'store_failure', message: acquired.error.message };
      if (acquired.value) return 'acquired';
      await clock.sleep(leasePollMs);
    }
  }

  async function processOperation(initial: OperationRecord, task: Task): Promise<void> {
    if (task.abortRecorded) return;
    task.started = true;
    const scope = initial.destination_scope;
    const lease = await acquireLease(scope, task);
    // Renewed on a timer too, not only after commits: a long Dataplane call or a long plan must not
    // let the lease expire while this engine still works on the scope.
    const renewal = lease === 'acquired' && options.store.leases !== undefined ? setInterval(() => void renew(scope, task), leaseTtlMs / 3) : undefined;
    renewal?.unref();
    try {
      const end = lease === 'acquired' ? (task.controller.signal.aborted ? { kind: 'aborted' as const } : await execute(initial, task)) : lease;
      if (task.leaseLost || end.kind === 'lease_lost') {
        // This engine no longer owns the scope, nor so the operation: another engine may have
        // recovered and resumed it. It records the end only if it can take the scope again (then
        // nobody else works on it); otherwise the operation is left to its new owner, or to
        // recover() as an interrupted one (decision 0008).
        const regained = await tryLease(scope, clock.now(), task);
        if (regained.isOk() && regained.value) await finish(initial.id, { kind: 'store_failure', message: lostLeaseMessage(scope) }, task);
      } else {
        await finish(initial.id, end, task);
      }
    } finally {
      clearInterval(renewal);
      if (lease === 'acquired') await options.store.leases?.release(scope, holderId).catch(() => undefined);
    }
    await requestProfiles(initial);
  }

  /** Tells the Profiler which destination containers changed (§12); a rejection goes into the operation's message. */
  async function requestProfiles(operation: OperationRecord): Promise<void> {
    const profiler = options.profiler;
    if (profiler === undefined || operation.promote_type === 'quality_check') return;
    const recorded = await store.listResults(operation.id, { results: ['created', 'updated'] });
    if (recorded.isErr() || recorded.value.items.length === 0) return;
    const requests: ProfileRequest[] =
      operation.promote_type === 'computed_field'
        ? [{ containerId: operation.destination_container?.id ?? 0, depth: 'slim' }]
        : recorded.value.items.flatMap((result) => (result.destination_entity_id === null ? [] : [{ containerId: result.destination_entity_id, depth: 'full' as const }]));
    try {
      await profiler.requestProfiles(operation.id, requests);
    } catch (error) {
      const current = await store.getOperation(operation.id);
      const previous = current.isOk() ? (current.value?.message ?? null) : null;
      const text = `Profiling request failed: ${error instanceof Error ? error.message : String(error)}`;
      await store.updateOperation(operation.id, { message: previous === null ? text : `${previous}; ${text}` });
    }
  }

  async function execute(initial: OperationRecord, task: Task): Promise<ExecutionEnd> {
    const loaded = await store.getOperation(initial.id).andThen((operation) =>
      store.listResults(initial.id).map((recorded) => ({ operation: operation ?? initial, recorded: recorded.items })),
    );
    if (loaded.isErr()) return { kind: 'store_failure', message: loaded.error.message };
    const { operation, recorded } = loaded.value;
    // Aborted (from another engine) while it waited for its turn: no planning, no Dataplane call.
    if (operation.result !== 'running') return { kind: 'aborted' };
    const processed = new Set(recorded.map((result) => result.source_entity_id));
    const taken = new Set(recorded.flatMap((result) => (result.destination_entity_id === null ? [] : [result.destination_entity_id])));
    const seq = new Map<number, number>();
    for (let index = 0; index < operation.selection.length; index++) seq.set(operation.selection[index] as number, index);
    const context = planContext(operation, operation.selection.filter((id) => !processed.has(id)), taken);
    const planned = await planEntities(store, context);
    if (planned.isErr()) return { kind: 'store_failure', message: describeError(planned.error) };
    const plans = planned.value;
    const validation = startValidation(plans, () => validationTarget(operation), {
      dataplane: options.dataplane,
      batchSize,
      concurrency,
      signal: task.controller.signal,
    });
    const leases = options.store.leases;
    return executePlans(plans, {
      store,
      operationId: operation.id,
      destinationScopeId: destinationScopeId(operation),
      seqOf: (id) => seq.get(id) ?? 0,
      commitBatchSize,
      signal: task.controller.signal,
      validation,
      stopRequested: async () => {
        if (task.leaseLost) return true;
        const current = await store.getOperation(operation.id);
        return current.isOk() && current.value?.result === 'aborted';
      },
      // The store checks the lease inside each commit and extends it (a fence: decision 0008);
      // the timer of processOperation keeps it through long Dataplane calls between commits.
      lease: leases === undefined ? undefined : commitLease(operation.destination_scope, task),
    });
  }

  async function finish(id: number, end: Exclude<ExecutionEnd, { readonly kind: 'lease_lost' }>, task: Task): Promise<void> {
    if (end.kind === 'aborted') {
      // Aborted from another engine: that engine recorded who and when, and recordEnd keeps it.
      await recordEnd(id, { result: 'aborted', aborted_by: task.abortedBy, end_time: now() });
      return;
    }
    if (end.kind === 'store_failure') {
      await recordEnd(id, { result: 'failure', end_time: now(), message: end.message });
      return;
    }
    const operation = await store.getOperation(id);
    if (operation.isErr() || operation.value === undefined) {
      const message = operation.isErr() ? operation.error.message : `Operation ${id} not found`;
      await recordEnd(id, { result: 'failure', end_time: now(), message });
      return;
    }
    const { status } = operation.value;
    const succeeded = status.created + status.updated + status.skipped > 0;
    await recordEnd(id, {
      result: status.total === 0 || succeeded ? 'success' : 'failure',
      end_time: now(),
      message: status.total === 0 ? messages.noEntities : null,
    });
  }

  function planContext(operation: Pick<OperationRecord, 'promote_type' | 'request' | 'datastore' | 'destination_datastore' | 'destination_container'>, remaining: readonly number[], taken: ReadonlySet<number>): PlanContext {
    return {
      promote_type: operation.promote_type,
      request: operation.request,
      datastoreId: operation.datastore.id,
      destinationDatastoreId: operation.destination_datastore.id,
      destinationContainerId: operation.destination_container?.id ?? null,
      destinationScopeId: destinationScopeId(operation),
      remaining,
      taken,
      now: now(),
    };
  }

  async function validationTarget(operation: Pick<OperationRecord, 'destination_container'>): Promise<ValidationTarget> {
    const containerId = operation.destination_container?.id;
    if (containerId === undefined) throw new Error('defect: validation without a destination container');
    const [container, fields, computedFields] = await Promise.all([
      options.store.getContainer(containerId),
      options.store.listFields(containerId),
      options.store.listComputedFields(containerId),
    ]);
    if (container === undefined) throw new Error(`Container ${containerId} not found`);
    return { container, fields, computedFields };
  }

  const planView = (prepared: PreparedOperation): ResultAsync<PlanView, PromoteError> =>
    safeTry(async function* () {
      const operationLike = {
        promote_type: prepared.promote_type,
        request: prepared.request,
        datastore: prepared.datastore,
        destination_datastore: prepared.destinationDatastore,
        destination_container: prepared.destinationContainer,
      };
      const plans = yield* planEntities(store, planContext(operationLike, prepared.selection, new Set()));
      const validation = startValidation(plans, () => validationTarget(operationLike), {
        dataplane: options.dataplane,
        batchSize,
        concurrency,
        signal: new AbortController().signal,
      });
      const finals = await Promise.all(plans.map((plan, index) => validation.get(index)?.outcome ?? Promise.resolve(plan)));
      // Plans carry no id: their views get `id: null` (copying every plan to add one was a tenth of a 10,000-check plan).
      const results = yield* resultViews(store, finals);
      const status = {
        total: finals.length,
        created: finals.filter((plan) => plan.result === 'created').length,
        updated: finals.filter((plan) => plan.result === 'updated').length,
        skipped: finals.filter((plan) => plan.result === 'skipped').length,
        failed: finals.filter((plan) => plan.result === 'failed').length,
      };
      const time = now();
      return ok({
        id: null,
        type: 'promote' as const,
        promote_type: prepared.promote_type,
        result: status.total === 0 || status.failed < status.total ? ('success' as const) : ('failure' as const),
        start_time: time,
        end_time: time,
        triggered_by: prepared.actor.email,
        aborted_by: null,
        message: status.total === 0 ? messages.noEntities : null,
        datastore: { id: prepared.datastore.id, name: prepared.datastore.name },
        destination_datastore: { id: prepared.destinationDatastore.id, name: prepared.destinationDatastore.name },
        container: prepared.container === null ? null : { id: prepared.container.id, name: prepared.container.name },
        destination_container: prepared.destinationContainer === null ? null : { id: prepared.destinationContainer.id, name: prepared.destinationContainer.name },
        ...(prepared.request.type === 'promote_quality_check' ? { as_draft: prepared.request.as_draft } : {}),
        status,
        results,
      });
    });

  return {
    run: (actor, body) => prepare(actor, body).andThen(start),

    plan: (actor, body) => prepare(actor, body).andThen(planView),

    getOperation: (actor, id) =>
      safeTry(async function* () {
        const user = yield* resolveActor(actor);
        const operation = yield* loadOperation(id);
        yield* readable(user, operation);
        return view(operation);
      }),

    listResults: (actor, id, query = {}, entityType) =>
      safeTry(async function* () {
        const parsed = yield* parseWith(resultListQuerySchema, query, ['query']);
        const user = yield* resolveActor(actor);
        const operation = yield* loadOperation(id);
        yield* readable(user, operation);
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
        const user = yield* resolveActor(actor);
        const filters = { result: parsed.result, promote_type: parsed.promote_type, datastore: parsed.datastore };
        if (user.role === 'admin') {
          const page = yield* store.listOperations({ ...filters, page: parsed.page, size: parsed.size });
          return ok({ ...page, items: page.items.map(operationEnvelope) });
        }
        const all = yield* store.listOperations({ ...filters, page: 1, size: Number.MAX_SAFE_INTEGER });
        const teams = yield* store.teamsOfUser(user.id);
        const visible = all.items.filter(
          (operation) => hasPermission(user, teams, operation.datastore.id, 'reporter') && hasPermission(user, teams, operation.destination_datastore.id, 'reporter'),
        );
        const from = (parsed.page - 1) * parsed.size;
        return ok({ items: visible.slice(from, from + parsed.size).map(operationEnvelope), total: visible.length, page: parsed.page, size: parsed.size });
      }),

    abort: (actor, id) =>
      safeTry(async function* () {
        const user = yield* resolveActor(actor);
        const operation = yield* loadOperation(id);
        yield* destinationEditor(user, operation);
        if (operation.result !== 'running') return view(operation);
        const task = tasks.get(id);
        if (task?.started === true) {
          task.abortedBy = user.email;
          task.controller.abort();
          await task.done;
        } else {
          // Queued behind another operation of its scope here, or running in another engine: recorded
          // at once (that engine stops before its next commit), without waiting for the queue.
          yield* store.transitionOperation(id, ['running'], { result: 'aborted', aborted_by: user.email, end_time: now() });
          if (task !== undefined) {
            task.abortRecorded = true;
            task.controller.abort();
          }
        }
        return loadOperation(id).andThen(view);
      }),

    resume: (actor, id) =>
      safeTry(async function* () {
        const user = yield* resolveActor(actor);
        const operation = yield* loadOperation(id);
        yield* destinationEditor(user, operation);
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
        const user = yield* resolveActor(actor);
        const operation = yield* loadOperation(id);
        const request: PromoteRequest = operation.request;
        const prepared = yield* prepareOperation(store, user, request);
        return start(prepared);
      }),

    waitFor: async (id) => {
      await tasks.get(id)?.done;
    },

    recover: () =>
      safeTry(async function* () {
        const running = yield* store.listRunningOperations();
        const recovered: number[] = [];
        for (const operation of running) {
          if (tasks.has(operation.id)) continue;
          const leases = options.store.leases;
          if (leases !== undefined) {
            const at = clock.now();
            const probe = `recovery:${holderId}`;
            const free = await leases.tryAcquire(operation.destination_scope, probe, at.toISOString(), new Date(at.getTime() + leaseTtlMs).toISOString()).catch(() => false);
            if (!free) continue;
            await leases.release(operation.destination_scope, probe).catch(() => undefined);
          }
          const interrupted = yield* store.transitionOperation(operation.id, ['running'], { result: 'aborted', aborted_by: null, end_time: now(), message: messages.interrupted });
          if (interrupted !== undefined) recovered.push(operation.id);
        }
        return ok(recovered);
      }),

    close: async () => {
      await Promise.all([...tasks.values()].map((task) => task.done));
    },
  };
}

function destinationScopeId(operation: Pick<OperationRecord, 'promote_type' | 'destination_container' | 'destination_datastore'>): number {
  return operation.promote_type === 'quality_check' || operation.promote_type === 'computed_field'
    ? (operation.destination_container?.id ?? 0)
    : operation.destination_datastore.id;
}

