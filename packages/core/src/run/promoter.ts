import { err, ok, okAsync, ResultAsync, safeTry, type Result } from 'neverthrow';
import type { User } from '../domain/entities.js';
import { messages, type AbortView, type ListedResult, type OperationEvent, type OperationRecord, type OperationView, type Page, type PromoteResultView } from '../domain/operation.js';
import { parseWith } from '../domain/parse.js';
import { operationListQuerySchema, resultListQuerySchema } from '../domain/queries.js';
import { operationRequestSchema, type OperationRequest } from '../domain/requests.js';
import { conflict, notFound, type PromoteError } from '../errors.js';
import type { EntityType, PermissionLevel } from '../domain/enums.js';
import { isoTimestamp, systemClock } from '../ports/clock.js';
import { engineEvents, type TurnTrigger } from '../ports/engine-events.js';
import { nextTurn } from './next-turn.js';
import { localLeaseHolders } from '../ports/lease-holders.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import type { ResultPosition } from '../ports/store.js';
import { createAccess, type Actor, type PermissionNeed } from './access.js';
import { dryRun, preparedNames } from './dry-run.js';
import { runOperation, type AbortReason, type RunnerOptions } from './operation-runner.js';
import { prepareOperation, type PreparedOperation } from './prepare.js';
import { orphanedOperations, recoverOperations } from './recover-operations.js';
import { ScopeQueue } from './scope-queue.js';
import { storeAuthorization } from './store-authorization.js';
import { operationEnvelope, resultViews } from './views.js';
import type { Promoter, PromoterOptions, WatchOptions } from './promoter-api.js';
import { createWorldReads } from './world-reads.js';

export type { Actor } from './access.js';
export type { OperationProgress, OperationStream, Promoter, PromoterOptions, WatchOptions } from './promoter-api.js';

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
    // About 20 ms at worst for the slowest commits (decision 0909).
    commitBudgetMs: options.commitBudgetMs ?? 7,
    chunkSize: options.chunkSize ?? 2_000,
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    leasePollMs: options.leasePollMs ?? 100,
    abortPollMs: options.abortPollMs ?? 500,
    holderId: options.holderId ?? (options.leaseHolders ?? localLeaseHolders).newHolderId(),
    isGone: (holder) => (options.leaseHolders ?? localLeaseHolders).isGone(holder),
    onProgress: options.onProgress,
    events: engineEvents(options.onEvent),
  };
  if (!Number.isInteger(runner.chunkSize) || runner.chunkSize < 1) throw new RangeError(`chunkSize must be a whole number from 1, got ${runner.chunkSize}`);
  if (!(runner.commitBudgetMs > 0)) throw new RangeError(`commitBudgetMs must be above 0 ms, got ${runner.commitBudgetMs}`);
  if (!(runner.leaseTtlMs > 0) || !(runner.leasePollMs > 0) || !(runner.abortPollMs > 0)) {
    throw new RangeError(`leaseTtlMs, leasePollMs and abortPollMs must be above 0 ms, got ${runner.leaseTtlMs}, ${runner.leasePollMs} and ${runner.abortPollMs}`);
  }
  const { clock } = runner;
  const queue = new ScopeQueue();
  const controllers = new Map<number, AbortController>();
  const now = () => isoTimestamp(clock.now());
  const utf8 = new TextEncoder();

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

  /** A keyset page of an operation's results read by {@link pagesOf}: what it holds, how many, and its last position. */
  interface KeysetPage<T> {
    readonly items: T;
    readonly count: number;
    readonly last: ResultPosition | undefined;
  }

  /**
   * The first `count` results of an operation, `size` at a time, each page read by `read` from the
   * last result of the one before: keyset pages, so no page counts or skips over the results before
   * it, and only one page is held at a time. Empty pages are not yielded.
   */
  async function* pagesOf<T extends { readonly length: number }>(
    count: number,
    size: number,
    read: (after: ResultPosition | undefined, limit: number) => ResultAsync<KeysetPage<T>, PromoteError>,
  ): AsyncGenerator<Result<T, PromoteError>> {
    let after: ResultPosition | undefined;
    for (let left = count; left > 0; ) {
      const limit = Math.min(size, left);
      const page = await read(after, limit);
      if (page.isErr()) {
        yield err(page.error);
        return;
      }
      const { items, count: got, last } = page.value;
      if (items.length > 0) yield ok(items);
      if (got < limit || last === undefined) return;
      left -= got;
      after = last;
    }
  }

  /** A keyset page of result views, each page's summaries in one store read. */
  const viewPage = (operationId: number, after: ResultPosition | undefined, limit: number): ResultAsync<KeysetPage<readonly PromoteResultView[]>, PromoteError> =>
    store.listResultsAfter(operationId, after, limit).andThen((rows) =>
      resultViews(store, rows).map((views) => {
        const last = rows.at(-1);
        return { items: views, count: rows.length, last: last === undefined ? undefined : { seq: last.seq, id: last.id } };
      }),
    );

  /**
   * A keyset page of result views as JSON (`OperationStream.json`): written by the store
   * when it can (`Store.renderResultViews`), else built and serialised here — one serialisation per
   * page, the array's brackets cut off.
   */
  const jsonPage = (operationId: number, after: ResultPosition | undefined, limit: number): ResultAsync<KeysetPage<Uint8Array>, PromoteError> =>
    (store.renderResultViews === undefined ? okAsync(undefined) : store.renderResultViews(operationId, after, limit)).andThen((rendered) =>
      rendered !== undefined
        ? okAsync({ items: rendered.json, count: rendered.count, last: rendered.last })
        : viewPage(operationId, after, limit).map((page) => ({ ...page, items: page.items.length === 0 ? new Uint8Array(0) : utf8.encode(JSON.stringify(page.items).slice(1, -1)) })),
    );

  /**
   * The seq range of one page of an operation's unfiltered results, when every selected entity has its result: then
   * their `seq` are the positions 0 … total − 1 in the selection, each once (the runner numbers
   * units by their entity's place in the selection, which holds each entity once), so page N is the
   * seq range from (N − 1) × size — an index range, not an `OFFSET` — and the total is the
   * operation's counters, not a count. `undefined` when that does not hold: the operation is not
   * complete (results may still arrive, out of seq order), or the rows read are not that range
   * (results not written by the runner); the caller then lists the page with a count and offset.
   */
  const seqRange = (operation: OperationRecord, page: number, size: number): { readonly from: number; readonly count: number; readonly total: number } | undefined => {
    const { total, created, updated, skipped, failed } = operation.status;
    const recorded = created + updated + skipped + failed;
    if (recorded !== total || total === 0) return undefined;
    const from = (page - 1) * size;
    return { from, count: Math.max(0, Math.min(size, total - from)), total };
  };

  /** {@link seqRange}'s page read from the store: its rows, or `undefined` when they are not that range. */
  const seqRangePage = (operation: OperationRecord, page: number, size: number): ResultAsync<Page<ListedResult> | undefined, PromoteError> => {
    const range = seqRange(operation, page, size);
    if (range === undefined) return okAsync(undefined);
    const { from, count, total } = range;
    if (count === 0) return okAsync({ items: [], total, page, size });
    // One row more than the page: a second result at the page's last seq is not the next seq's.
    return store.listResultsAfter(operation.id, { seq: from, id: 0 }, count + 1).map((rows) => {
      const items = rows.slice(0, count);
      const exact = items.length === count && items.every((row, index) => row.seq === from + index) && (rows[count]?.seq ?? Infinity) >= from + count;
      return exact ? { items, total, page, size } : undefined;
    });
  };

  /**
   * The page `listResults` answers, before its views: its listed results — or, when `render` and
   * the store can (`Store.renderResultRange`: an unfiltered page of a complete operation), their
   * views' JSON written by the store, and no results. `entityTypes` restricts to those kinds (the
   * sub-endpoints): an operation of another promote type answers an empty page.
   */
  const resultPage = (actor: Actor, id: number, query: unknown, entityTypes: readonly EntityType[] | undefined, render: boolean) =>
    safeTry(async function* () {
      const parsed = yield* parseWith(resultListQuerySchema, query, ['query']);
      const { operation } = yield* readable(actor, id);
      const listed = (page: Page<ListedResult>) => ok({ items: page.items, total: page.total, page: parsed.page, size: parsed.size, rendered: undefined });
      if (entityTypes !== undefined && !entityTypes.includes(operation.promote_type)) return listed({ items: [], total: 0, page: parsed.page, size: parsed.size });
      const unfiltered = (parsed.search === undefined || parsed.search === '') && (parsed.promote_result === undefined || parsed.promote_result.length === 0);
      if (unfiltered && render && store.renderResultRange !== undefined) {
        const range = seqRange(operation, parsed.page, parsed.size);
        if (range !== undefined && range.count > 0) {
          const rendered = yield* store.renderResultRange(operation.id, operation.promote_type, range.from, range.count);
          if (rendered !== undefined) return ok({ items: [] as readonly ListedResult[], total: range.total, page: parsed.page, size: parsed.size, rendered });
        }
      }
      const ranged = unfiltered ? yield* seqRangePage(operation, parsed.page, parsed.size) : undefined;
      return listed(ranged ?? (yield* store.listResults(id, { search: parsed.search, results: parsed.promote_result, page: parsed.page, size: parsed.size })));
    });

  const prepare = (actor: Actor, body: unknown) =>
    safeTry(async function* () {
      const request = yield* parseWith(operationRequestSchema, body);
      const user = yield* access.identify(actor);
      return prepareOperation(store, access, user, request);
    });

  const schedule = (operation: OperationRecord, trigger: TurnTrigger): void => {
    const controller = new AbortController();
    controllers.set(operation.id, controller);
    queue.enqueue(operation.id, operation.destination_scope, async () => {
      try {
        await runOperation(operation, controller.signal, runner, trigger);
      } finally {
        if (controllers.get(operation.id) === controller) controllers.delete(operation.id);
      }
    });
  };

  const start = (prepared: PreparedOperation): ResultAsync<OperationView, PromoteError> =>
    // A turn of the event loop first: the selection's last page and the operation's write (which
    // encodes the selection) were one step of ≈ 30 ms at a million checks (SPEC §19).
    ResultAsync.fromSafePromise(nextTurn())
      .andThen(() =>
        store.createOperation({
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
        }),
      )
      .map((operation) => {
        schedule(operation, 'new');
        return { ...operationEnvelope(operation), results: [] };
      });

  /** Whether `user` holds every need: a `forbidden` answer is `false`, any other error stays one. */
  const holds = (user: User, needs: readonly PermissionNeed[]): ResultAsync<boolean, PromoteError> =>
    access
      .require(user, needs)
      .map(() => true)
      .orElse((error) => (error.kind === 'forbidden' ? ok(false) : err(error)));

  const editorOn = (...datastores: OperationRecord['datastore'][]): PermissionNeed[] =>
    datastores.map((datastore) => ({ datastore, level: 'editor' satisfies PermissionLevel }));

  async function* watch(first: OperationRecord, options: WatchOptions): AsyncGenerator<OperationEvent> {
    const intervalMs = options.intervalMs ?? 250;
    const stopped = () => options.signal?.aborted === true;
    let operation = first;
    let shown: string | undefined;
    for (;;) {
      const envelope = operationEnvelope(operation);
      const ended = operation.result !== 'running';
      const key = JSON.stringify([operation.result, operation.status, operation.end_time, operation.message]);
      if (ended) {
        yield { kind: 'end', operation: envelope };
        return;
      }
      if (key !== shown) {
        shown = key;
        yield { kind: 'progress', operation: envelope };
      }
      if (stopped()) return;
      await clock.sleep(intervalMs);
      if (stopped()) return;
      const next = await store.getOperation(operation.id);
      if (next.isErr() || next.value === undefined) {
        const error = next.isErr() ? next.error : notFound('Operation', operation.id);
        yield { kind: 'error', error: { kind: error.kind, message: next.isErr() ? error.message : messages.operationDeleted } };
        return;
      }
      operation = next.value;
    }
  }

  const withUser = <T>(actor: Actor, read: (user: User) => ResultAsync<T, PromoteError>) => access.identify(actor).andThen(read);

  return {
    run: (actor, body) =>
      prepare(actor, body).andThen((prepared) => {
        const expected = prepared.request.expected_plan_fingerprint;
        if (expected === undefined) return start(prepared);
        // Stale already: refused before anything is enqueued. Checked again at the operation's turn.
        return dryRun(prepared, runner).andThen((plan) => (plan.plan_fingerprint === expected ? start(prepared) : err(conflict(messages.planChanged))));
      }),

    plan: (actor, body) => prepare(actor, body).andThen((prepared) => dryRun(prepared, runner)),

    getOperation: (actor, id) => readable(actor, id).andThen(({ operation }) => view(operation)),

    streamOperation: (actor, id, pageSize = 1000) =>
      readable(actor, id).map(({ operation }) => {
        const { created, updated, skipped, failed } = operation.status;
        const recorded = created + updated + skipped + failed;
        return {
          envelope: operationEnvelope(operation),
          results: pagesOf(recorded, pageSize, (after, limit) => viewPage(operation.id, after, limit)),
          json: pagesOf(recorded, pageSize, (after, limit) => jsonPage(operation.id, after, limit)),
        };
      }),

    listResults: (actor, id, query = {}, entityType) =>
      resultPage(actor, id, query, entityType === undefined ? undefined : [entityType], false).andThen((page) =>
        resultViews(store, page.items).map((items) => ({ items, total: page.total, page: page.page, size: page.size })),
      ),

    listResultsJson: (actor, id, query = {}, entityTypes) =>
      resultPage(actor, id, query, entityTypes, true).andThen((page) => {
        if (page.rendered === undefined) {
          return resultViews(store, page.items).map((items) => utf8.encode(JSON.stringify({ items, total: page.total, page: page.page, size: page.size })));
        }
        // What JSON.stringify writes for the same page: its keys in the order of `Page`.
        const head = utf8.encode('{"items":[');
        const tail = utf8.encode(`],"total":${page.total},"page":${page.page},"size":${page.size}}`);
        const bytes = new Uint8Array(head.length + page.rendered.length + tail.length);
        bytes.set(head, 0);
        bytes.set(page.rendered, head.length);
        bytes.set(tail, head.length + page.rendered.length);
        return okAsync(bytes);
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
        const answer = (stopped: boolean) => (current: OperationRecord) => view(current).map((shown): AbortView => ({ ...shown, stopped }));
        if (operation.result !== 'running') return answer(false)(operation);
        runner.events?.({ type: 'operation_abort_requested', operationId: id, by: user.email });
        if (queue.state(id) === 'started') {
          controllers.get(id)?.abort({ by: user.email } satisfies AbortReason);
          await queue.done(id);
          // It may have ended on its own in the meantime (its last commit was under way).
          const ended = yield* loadOperation(id);
          return answer(ended.result === 'aborted')(ended);
        }
        // Queued behind another operation of its scope here, or running in another engine: recorded
        // at once (that engine stops before its next commit), without waiting for the queue.
        const recorded = yield* store.transitionOperation(id, ['running'], { result: 'aborted', aborted_by: user.email, end_time: now() });
        // Its turn may have come meanwhile: then it stops at once too (and records nothing, the
        // abort being recorded); otherwise its turn is skipped.
        if (queue.state(id) !== undefined) controllers.get(id)?.abort({ by: user.email } satisfies AbortReason);
        if (queue.cancel(id)) controllers.delete(id);
        return loadOperation(id).andThen(answer(recorded !== undefined));
      }),

    resume: (actor, id) =>
      safeTry(async function* () {
        const { operation } = yield* editable(actor, id);
        const refusal = conflict(`Operation ${id} is ${operation.result}; only an aborted or failed operation can be resumed`);
        if (operation.result !== 'aborted' && operation.result !== 'failure') return err(refusal);
        // Compare-and-set: of concurrent resumes (in any engine) exactly one reopens the operation.
        const reopened = yield* store.transitionOperation(id, ['aborted', 'failure'], { result: 'running', end_time: null, aborted_by: null, message: null });
        if (reopened === undefined) return err(conflict(`Operation ${id} is being resumed or has changed; only an aborted or failed operation can be resumed`));
        schedule(reopened, 'resume');
        return view(reopened);
      }),

    rerun: (actor, id) =>
      safeTry(async function* () {
        const user = yield* access.identify(actor);
        const operation = yield* loadOperation(id);
        // A new operation of the same request, not of the same reviewed plan: that plan was done.
        const { expected_plan_fingerprint: _reviewed, ...request } = operation.request;
        const prepared = yield* prepareOperation(store, access, user, request as OperationRequest);
        return start(prepared);
      }),

    deleteOperation: (actor, id) =>
      safeTry(async function* () {
        const { operation } = yield* editable(actor, id);
        const running = conflict(`Operation ${id} is running; only an ended operation can be deleted (abort it first)`);
        if (operation.result === 'running') return err(running);
        const deleted = yield* store.deleteOperation(id, ['success', 'failure', 'aborted']);
        if (deleted !== undefined) return ok(operationEnvelope(deleted));
        // Resumed or deleted by someone else in the meantime.
        const now = yield* store.getOperation(id);
        return err(now === undefined ? notFound('Operation', id) : running);
      }),

    describeOperation: (actor, id) =>
      safeTry(async function* () {
        const { user, operation } = yield* readable(actor, id);
        const onDestination = yield* holds(user, editorOn(operation.destination_datastore));
        const onBoth = onDestination && (yield* holds(user, editorOn(operation.datastore)));
        const ended = operation.result !== 'running';
        // A revert needs `editor` on the destination only (§16), and so does its rerun.
        const isRevert = operation.request.type === 'revert';
        const actions = {
          abort: !ended && onDestination,
          resume: (operation.result === 'aborted' || operation.result === 'failure') && onDestination,
          rerun: ended && (isRevert ? onDestination : onBoth),
          revert: ended && onDestination,
          delete: ended && onDestination,
        };
        return ok({ operation: operationEnvelope(operation), request: operation.request, actions });
      }),

    watchOperation: (actor, id, options = {}) => readable(actor, id).map(({ operation }) => watch(operation, options)),

    listDatastores: (actor, query = {}) => withUser(actor, (user) => world.listDatastores(user, query)),
    listContainers: (actor, query = {}) => withUser(actor, (user) => world.listContainers(user, query)),
    listChecks: (actor, query = {}) => withUser(actor, (user) => world.listChecks(user, query)),
    listComputedFields: (actor, query = {}) => withUser(actor, (user) => world.listComputedFields(user, query)),

    identify: (actor) => access.identify(actor),

    waitFor: (id) => queue.done(id),

    recover: () =>
      recoverOperations({ store, clock, leaseTtlMs: runner.leaseTtlMs, holderId: runner.holderId, isGone: runner.isGone, isLocal: (id) => queue.has(id), events: runner.events }),

    takeOver: () =>
      orphanedOperations({ store, clock, leaseTtlMs: runner.leaseTtlMs, holderId: runner.holderId, isGone: runner.isGone, isLocal: (id) => queue.has(id), events: runner.events }).map((orphans) =>
        orphans.flatMap((operation) => {
          // Checked again: a turn of its own may have been scheduled here while the scopes were probed.
          if (queue.has(operation.id)) return [];
          runner.onProgress?.({ operationId: operation.id, phase: 'taken_over' });
          schedule(operation, 'takeover');
          return [operation.id];
        }),
      ),

    checkReady: () => store.checkReady(),

    close: () => queue.idle(),
  };
}
