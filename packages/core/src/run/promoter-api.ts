import type { Result, ResultAsync } from 'neverthrow';
import type { ComputedField, Datastore, QualityCheck, User } from '../domain/entities.js';
import type { EntityType } from '../domain/enums.js';
import type { AbortView, OperationDetails, OperationEvent, OperationSummaryView, OperationView, Page, PlanView, PromoteResultView } from '../domain/operation.js';
import type { OperationListQueryInput, ResultListQueryInput } from '../domain/queries.js';
import type { PromoteError, StoreFailureError } from '../errors.js';
import type { Authorization } from '../ports/authorization.js';
import type { Clock } from '../ports/clock.js';
import type { Dataplane } from '../ports/dataplane.js';
import type { EngineEvent, EngineEvents } from '../ports/engine-events.js';
import type { LeaseHolders } from '../ports/lease-holders.js';
import type { Profiler } from '../ports/profiler.js';
import type { Store } from '../ports/store.js';
import type { Actor } from './access.js';
import type { ContainerWithFields } from './world-reads.js';
// For the doc comments' links.
import type { createPromoter } from './promoter.js';
import type { storeAuthorization } from './store-authorization.js';

/*
 * The engine's service as embedders see it: its options and its calls. `createPromoter` in
 * promoter.ts builds it.
 */

/** What a running operation does (see `PromoterOptions.onProgress`). */
export type OperationProgress =
  | { readonly operationId: number; readonly phase: 'waiting' | 'planning' | 'validating' }
  | { readonly operationId: number; readonly phase: 'writing'; readonly processed: number; readonly total: number }
  /** This engine continues an operation another engine left `running` when its lease lapsed (§18 takeover; {@link Promoter.takeOver}). */
  | { readonly operationId: number; readonly phase: 'taken_over' };

/** What {@link Promoter.streamOperation} answers. */
export interface OperationStream {
  readonly envelope: Omit<OperationView, 'results'>;
  /** The results in processing order, a page at a time. */
  readonly results: AsyncIterable<Result<readonly PromoteResultView[], PromoteError>>;
  /**
   * The same pages as JSON, for writing the answer out: each page the UTF-8 of its views joined by
   * commas without brackets (`JSON.stringify(page).slice(1, -1)`), so that the pages joined by
   * commas inside `[` `]` are the JSON of `results`. Written by the store when it offers
   * `Store.renderResultViews` (no view objects are built), else serialised by the engine. Iterate
   * one of `results` and `json`: each reads the store as it is iterated.
   */
  readonly json: AsyncIterable<Result<Uint8Array, PromoteError>>;
}

/** Options of {@link Promoter.watchOperation}. */
export interface WatchOptions {
  /** How often the store is read, in ms of the engine's clock. Default 250. */
  readonly intervalMs?: number | undefined;
  /** Ends the iteration (the client went away). */
  readonly signal?: AbortSignal | undefined;
}

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
  /**
   * Quality checks a run plans, validates and commits per chunk (SPEC §19). Default 2000. A run
   * holds one chunk of source checks and plans at a time, not its whole selection: the destination
   * container is read once and §4's lineage phase runs over the whole selection (ids and links
   * only) before the first chunk, so the results are those of one chunk, whatever the size. A
   * reviewed plan (`expected_plan_fingerprint`) is still planned whole: nothing is written before
   * all of it is compared. Must be a whole number from 1 (`createPromoter` throws a `RangeError`).
   */
  readonly chunkSize?: number | undefined;
  /**
   * About how long one commit may keep the event loop busy, in ms. Default 7 (decision 0909).
   * Each commit's size follows the busy time per unit of the commits before it (decision 0909;
   * from 1 unit up to `commitBatchSize`; the first at most 100): a
   * synchronous store such as SQLite blocks the event loop for a whole commit, and an abort takes
   * effect between two commits, so this bounds how long a server stops answering and how much work
   * an abort lets through (decision 0405). `Infinity` commits `commitBatchSize` units each time.
   * Must be above 0 (`createPromoter` throws a `RangeError` otherwise).
   */
  readonly commitBudgetMs?: number | undefined;
  /** Lifetime of a scope lease, extended by every commit and renewed on the clock every third of it (stores with `leases` only). Default 30 000 ms; must be above 0 (`createPromoter` throws a `RangeError` otherwise). */
  readonly leaseTtlMs?: number | undefined;
  /** How often to retry a scope lease held by another process. Default 100 ms; must be above 0. */
  readonly leasePollMs?: number | undefined;
  /**
   * How often a running operation reads its own record, to stop when another engine (another
   * instance on the same database) aborted it — also while it waits for the Dataplane, between
   * commits (§18: "stops wherever it runs within about a second"). Default 500 ms; must be above 0.
   */
  readonly abortPollMs?: number | undefined;
  /**
   * Identifies this engine instance as a lease holder. Default: `leaseHolders.newHolderId()` — on
   * Linux the process's boot id, pid namespace, pid and start time and a random UUID, so that an
   * engine restarted on the same host recognises the scopes of a process that died at once.
   */
  readonly holderId?: string | undefined;
  /**
   * Makes holder ids and tells which holders are certainly gone, whose scope leases are then taken
   * at once rather than after they expire (recovery after a SIGKILL and an immediate restart).
   * Default: `localLeaseHolders` (processes of this host; never gone when unsure).
   */
  readonly leaseHolders?: LeaseHolders | undefined;
  /**
   * Told what each running operation does, for a progress display: `waiting` for its scope,
   * `planning` what has no result yet, `validating` (when some of it needs the Dataplane) and
   * `writing`, then after every commit how many entities have a result. Called synchronously; keep
   * it cheap and never throw from it.
   */
  readonly onProgress?: ((progress: OperationProgress) => void) | undefined;
  /**
   * Told what the engine does, for logs and metrics ({@link EngineEvent}): each operation turn's
   * start and end, abort requests, operations recovery marked interrupted, scope leases taken over,
   * every commit and every Dataplane call with its duration. Called synchronously; keep it cheap.
   * Whatever it throws is ignored. Default: none. `@promote/http/telemetry` turns the events into
   * JSON log lines and Prometheus metrics (`createTelemetry(…).onEvent`).
   */
  readonly onEvent?: EngineEvents | undefined;
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
  /**
   * The same operation as {@link getOperation}, for answers that stream: the envelope at once, then
   * its results read from the store a page at a time (`pageSize`, default 1000) as the iterable is
   * consumed — memory does not grow with the number of results. The results are those the counts
   * of the envelope count (a running operation's later results are left to the next read). A page
   * the store fails to read is an `err`, and the last item.
   */
  streamOperation(actor: Actor, id: number, pageSize?: number): ResultAsync<OperationStream, PromoteError>;
  /** A page of an operation's results, filtered (§10). `entityType` restricts to one kind (the sub-endpoints). */
  listResults(actor: Actor, id: number, query?: ResultListQueryInput, entityType?: EntityType): ResultAsync<Page<PromoteResultView>, PromoteError>;
  /**
   * {@link listResults} as the UTF-8 of its answer's JSON (`JSON.stringify` of the page), for
   * writing it out: an unfiltered page of a complete operation is written by the store when it
   * offers `Store.renderResultRange` (no view objects are built), any other page serialised here.
   * `entityTypes` restricts to those kinds (`/containers`: computed tables and files); an operation
   * of another promote type answers an empty page.
   */
  listResultsJson(actor: Actor, id: number, query?: ResultListQueryInput, entityTypes?: readonly EntityType[]): ResultAsync<Uint8Array<ArrayBuffer>, PromoteError>;
  /** Operations the actor may read, newest first, paginated in the store. */
  listOperations(actor: Actor, query?: OperationListQueryInput): ResultAsync<Page<Omit<OperationView, 'results'>>, PromoteError>;
  /** Stops a running operation between units (§9); `stopped` says whether it did, or the operation had already ended (then nothing changes). */
  abort(actor: Actor, id: number): ResultAsync<AbortView, PromoteError>;
  /** Puts an aborted or failed operation back to `running` and processes what has no result yet. */
  resume(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /** A new operation with the same request, triggered by the actor. */
  rerun(actor: Actor, id: number): ResultAsync<OperationView, PromoteError>;
  /**
   * Deletes an ended operation's record and results (`DELETE /api/operations/{id}`), never what it
   * wrote; lineage links stay. Needs the permission of abort (`editor` on the destination); a
   * running operation is a `conflict`. Answers the operation as it was, without results.
   */
  deleteOperation(actor: Actor, id: number): ResultAsync<OperationSummaryView, PromoteError>;
  /**
   * The operation's envelope, the request it ran and what the actor may do with it now — a read of
   * it (`reporter` on both datastores); each action is offered only in its state and with its
   * permission (§11), as the calls themselves check.
   */
  describeOperation(actor: Actor, id: number): ResultAsync<OperationDetails, PromoteError>;
  /**
   * The operation as it moves (`GET /api/operations/{id}/events`), authorised like a read: a
   * `progress` event at once and whenever its counts or result change — looked at every
   * `intervalMs` of the engine's clock (default 250, so at most four a second) — then `end` when it
   * has ended, and the iteration finishes. Stops early when `signal` aborts. Works for an
   * operation running in any engine on the same store.
   */
  watchOperation(actor: Actor, id: number, options?: WatchOptions): ResultAsync<AsyncIterable<OperationEvent>, PromoteError>;
  /**
   * The datastores the actor may read (`GET /api/datastores`; `query`: `permission` — only those
   * where the actor holds at least this level, default `reporter` —, `page`, `size`).
   */
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
  /**
   * §18 takeover, for several engine instances on one database (instead of {@link recover}): every
   * `running` operation that has no turn in this engine and whose scope lease is free, expired or
   * held by a holder known to be gone (its engine died) is continued here, from where it stopped —
   * its results kept, the rest processed once (the lease orders the engines, every commit is
   * fenced by it, and a turn reads what is recorded before it plans). Answers the ids it took.
   * Call it on a timer of about a third of `leaseTtlMs`: an instance that dies is then taken over
   * within about one lease lifetime of its last renewal.
   */
  takeOver(): ResultAsync<readonly number[], PromoteError>;
  /**
   * Whether the store can serve (`GET /readyz`): its database answers and holds the schema this
   * version works with (`Store.checkReady`; a store without it is asked `isEmpty()`). A
   * `store_failure` says why not.
   */
  checkReady(): ResultAsync<void, StoreFailureError>;
  /** Waits for every in-process operation to finish. Does not close the store. */
  close(): Promise<void>;
}
