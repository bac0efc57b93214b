import { ResultAsync } from 'neverthrow';
import { lostLease, storeFailure, type LostLeaseError, type StoreFailureError } from '../errors.js';
import type { OperationRecord, PromoteResultRecord } from '../domain/operation.js';
import { isLeaseLost, type CommitOptions, type CommitUnit } from './commit-unit.js';
import { checkCommitUnitShape } from './commit-unit-shape.js';
import type { CheckSelectionKey, OperationPatch, RenderedResultViews, ResultPosition, Store } from './store.js';

/** A page of {@link StoreRuntime.checkKeyPage}. */
export interface CheckKeyPage {
  readonly keys: readonly CheckSelectionKey[];
  /** Whether no check above the page's last id is left. */
  readonly last: boolean;
}

/*
 * The core side of the Store port, in the shape of kysely's RuntimeDriver: what every adapter would
 * otherwise repeat is done once here — use-after-close, the argument checks of the contract (pages,
 * patches, commit units), and turning rejections into typed errors. Two faces: `guardStore` is the
 * adapter under those checks (still a `Store`, what the conformance suite tests), and
 * `createStoreRuntime` is that `Store` as `ResultAsync`s, what the engine calls.
 */

const guarded = new WeakSet<Store>();

/**
 * The adapter under the runtime's checks, still a {@link Store}: a call after `close()` rejects
 * without reaching the adapter; `close()` waits for every call in flight, then closes the adapter
 * once; a `deleteOperation` with no `from` answers `undefined` without reaching it; a page, size
 * or `listResultsAfter` limit that is not a whole number from 1 rejects (`RangeError`), and so does
 * a result position that is not a whole `seq` and an id from 0; a patch reaches the
 * adapter without its `undefined` keys, and an empty patch not at all (the operation is read
 * instead); a commit unit that contradicts itself rejects the whole commit before the adapter sees
 * it. Guarding a guarded store returns it.
 */
export function guardStore(adapter: Store): Store {
  if (guarded.has(adapter)) return adapter;
  const inFlight = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;

  const call = <T>(work: () => Promise<T>): Promise<T> => {
    if (closing !== undefined) return Promise.reject(new Error('The store is closed'));
    const running = (async () => work())();
    inFlight.add(running);
    const forget = () => inFlight.delete(running);
    running.then(forget, forget);
    return running;
  };

  const existing = async (id: number): Promise<OperationRecord> => {
    const operation = await adapter.getOperation(id);
    if (operation === undefined) throw new Error(`Operation ${id} not found`);
    return operation;
  };

  const leases = adapter.leases;
  const store: Store = {
    findUser: (by) => call(() => adapter.findUser(by)),
    teamsOfUser: (userId) => call(() => adapter.teamsOfUser(userId)),
    getDatastore: (id) => call(() => adapter.getDatastore(id)),
    listDatastores: () => call(() => adapter.listDatastores()),
    getContainer: (id) => call(() => adapter.getContainer(id)),
    getContainers: (ids) => call(() => adapter.getContainers(ids)),
    listContainers: (datastoreId) => call(() => adapter.listContainers(datastoreId)),
    listFields: (containerId) => call(() => adapter.listFields(containerId)),
    listChecks: (containerId) => call(() => adapter.listChecks(containerId)),
    getChecks: (ids) => call(() => adapter.getChecks(ids)),
    listComputedFields: (containerId) => call(() => adapter.listComputedFields(containerId)),
    getComputedFields: (ids) => call(() => adapter.getComputedFields(ids)),
    ...(adapter.summarise === undefined ? {} : { summarise: (entityType, ids) => call(() => adapter.summarise!(entityType, ids)) }),
    ...(adapter.listCheckKeys === undefined
      ? {}
      : {
          listCheckKeys: (containerId, afterId, limit) =>
            call(async () => {
              if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer from 1, got ${limit}`);
              return adapter.listCheckKeys!(containerId, afterId, limit);
            }),
        }),
    findLineage: (entityType, scopeId, sourceIds) => call(() => adapter.findLineage(entityType, scopeId, sourceIds)),
    createOperation: (operation) => call(() => adapter.createOperation(operation)),
    getOperation: (id) => call(() => adapter.getOperation(id)),
    listOperations: (query) =>
      call(async () => {
        checkPage(query.page, query.size);
        return adapter.listOperations(query);
      }),
    listRunningOperations: () => call(() => adapter.listRunningOperations()),
    updateOperation: (id, patch) =>
      call(async () => {
        const clean = cleanPatch(patch);
        return clean === undefined ? existing(id) : adapter.updateOperation(id, clean);
      }),
    transitionOperation: (id, from, patch) =>
      call(async () => {
        const clean = cleanPatch(patch);
        if (from.length > 0 && clean !== undefined) return adapter.transitionOperation(id, from, clean);
        // Nothing to write: a read answers it (and still rejects for an unknown id).
        const operation = await existing(id);
        return from.includes(operation.result) ? operation : undefined;
      }),
    deleteOperation: (id, from) =>
      call(async () => (from.length === 0 ? undefined : adapter.deleteOperation(id, from))),
    commit: (units, options) =>
      call(async () => {
        for (const unit of units) checkCommitUnitShape(unit);
        return adapter.commit(units, options);
      }),
    listResults: (operationId, query) =>
      call(async () => {
        if (query?.size !== undefined) checkPage(query.page ?? 1, query.size);
        return adapter.listResults(operationId, query);
      }),
    listResultsAfter: (operationId, after, limit) =>
      call(async () => {
        checkLimit(limit);
        if (after !== undefined) checkPosition(after);
        return adapter.listResultsAfter(operationId, after, limit);
      }),
    ...(adapter.renderResultViews === undefined
      ? {}
      : {
          renderResultViews: (operationId, after, limit) =>
            call(async () => {
              checkLimit(limit);
              if (after !== undefined) checkPosition(after);
              const rendered = await adapter.renderResultViews!(operationId, after, limit);
              if (rendered !== undefined) requireRenderedPage(rendered, after, limit);
              return rendered;
            }),
        }),
    ...(adapter.renderResultRange === undefined
      ? {}
      : {
          renderResultRange: (operationId, entityType, from, count) =>
            call(async () => {
              checkLimit(count);
              if (!Number.isSafeInteger(from)) throw new RangeError(`a seq range starts at a whole number, got ${from}`);
              const rendered = await adapter.renderResultRange!(operationId, entityType, from, count);
              if (rendered !== undefined && (!(rendered instanceof Uint8Array) || rendered.length === 0)) {
                throw new Error(`renderResultRange gave ${rendered instanceof Uint8Array ? 'no bytes' : typeof rendered} for ${count} results`);
              }
              return rendered;
            }),
        }),
    applyEdits: (edits) => call(() => adapter.applyEdits(edits)),
    isEmpty: () => call(() => adapter.isEmpty()),
    importWorld: (world) => call(() => adapter.importWorld(world)),
    exportWorld: () => call(() => adapter.exportWorld()),
    ...(adapter.commitBlocks === undefined ? {} : { commitBlocks: adapter.commitBlocks }),
    ...(adapter.checkReady === undefined ? {} : { checkReady: () => call(() => adapter.checkReady!()) }),
    ...(leases === undefined
      ? {}
      : {
          leases: {
            tryAcquire: (scope, holder, now, expiresAt) => call(() => leases.tryAcquire(scope, holder, now, expiresAt)),
            release: (scope, holder) => call(() => leases.release(scope, holder)),
            ...(leases.holderOf === undefined || leases.takeOver === undefined
              ? {}
              : {
                  holderOf: (scope: string, now: string) => call(() => leases.holderOf!(scope, now)),
                  takeOver: (scope: string, previous: string, holder: string, now: string, expiresAt: string) =>
                    call(() => leases.takeOver!(scope, previous, holder, now, expiresAt)),
                }),
          },
        }),
    close() {
      closing ??= (async () => {
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        await adapter.close();
      })();
      return closing;
    },
  };
  guarded.add(store);
  return store;
}

type StoreMethod = Exclude<keyof Store, 'leases' | 'commitBlocks' | 'close' | 'commit' | 'checkReady' | 'listCheckKeys'>;

/**
 * The Store as the engine calls it: every method of the guarded store as a `ResultAsync` whose error
 * is a `store_failure`; `commit` answers `lease_lost` when the store fenced it (decision 0008); the
 * leases as two calls that answer a store without leases as "always held".
 */
export type StoreRuntime = {
  readonly [K in StoreMethod as NonNullable<Store[K]> extends (...args: never[]) => Promise<unknown> ? K : never]: NonNullable<Store[K]> extends (
    ...args: infer A
  ) => Promise<infer R>
    ? (...args: A) => ResultAsync<R, StoreFailureError>
    : never;
} & {
  /** The store, guarded: for the few readers that want promises (validation targets). */
  readonly store: Store;
  /** Whether the store offers cross-process scope leases. */
  readonly hasLeases: boolean;
  /** `Store.commitBlocks`, `true` when the store does not say. */
  readonly commitBlocks: boolean;
  commit(units: readonly CommitUnit[], options?: CommitOptions): ResultAsync<readonly PromoteResultRecord[], StoreFailureError | LostLeaseError>;
  /** Takes or renews a scope lease (see `ScopeLeases.tryAcquire`); without leases, `true`. */
  tryAcquireLease(scope: string, holder: string, now: string, expiresAt: string): ResultAsync<boolean, StoreFailureError>;
  /** Releases a scope lease if `holder` holds it; without leases, nothing. */
  releaseLease(scope: string, holder: string): ResultAsync<void, StoreFailureError>;
  /**
   * The holder of the unexpired lease on `scope` (see `ScopeLeases.holderOf`); `undefined` also
   * when the store cannot say (no leases, or no `holderOf`/`takeOver`).
   */
  leaseHolder(scope: string, now: string): ResultAsync<string | undefined, StoreFailureError>;
  /** Takes a scope lease from `previous` (see `ScopeLeases.takeOver`); `false` when the store cannot. */
  takeOverLease(scope: string, previous: string, holder: string, now: string, expiresAt: string): ResultAsync<boolean, StoreFailureError>;
  /**
   * A page of the selection keys of a container's checks above `afterId` (see
   * `Store.listCheckKeys`), and whether it is the last page. A store without `listCheckKeys`
   * answers every check above `afterId` at once, decoded whole and cut down: one last page.
   */
  checkKeyPage(containerId: number, afterId: number, limit: number): ResultAsync<CheckKeyPage, StoreFailureError>;
  /** Whether the store can serve (see `Store.checkReady`); a store without it is asked `isEmpty()`. */
  checkReady(): ResultAsync<void, StoreFailureError>;
  close(): Promise<void>;
};

/**
 * Calls a Store method and turns a rejection (or a synchronous throw) into a `store_failure` error.
 */
export function fromStore<T>(call: () => Promise<T>): ResultAsync<T, StoreFailureError> {
  return ResultAsync.fromPromise((async () => call())(), storeFailure);
}

/** The runtime over an adapter (guarded first, see {@link guardStore}). */
export function createStoreRuntime(adapter: Store): StoreRuntime {
  const store = guardStore(adapter);
  const leases = store.leases;
  const methods: Record<string, unknown> = {};
  for (const key of Object.keys(store) as (keyof Store)[]) {
    const method = store[key];
    if (typeof method !== 'function' || key === 'close' || key === 'commit' || key === 'checkReady') continue;
    methods[key] = (...args: unknown[]) => fromStore(() => (method as (...a: unknown[]) => Promise<unknown>).apply(store, args));
  }
  return {
    ...(methods as Omit<StoreRuntime, 'store' | 'hasLeases' | 'commitBlocks' | 'commit' | 'tryAcquireLease' | 'releaseLease' | 'leaseHolder' | 'takeOverLease' | 'checkReady' | 'checkKeyPage' | 'close'>),
    store,
    hasLeases: leases !== undefined,
    commitBlocks: store.commitBlocks !== false,
    commit: (units, options) =>
      ResultAsync.fromPromise(store.commit(units, options), (cause) =>
        options?.lease !== undefined && isLeaseLost(cause) ? lostLease(options.lease.scope) : storeFailure(cause),
      ),
    tryAcquireLease: (scope, holder, now, expiresAt) =>
      leases === undefined ? fromStore(async () => true) : fromStore(() => leases.tryAcquire(scope, holder, now, expiresAt)),
    releaseLease: (scope, holder) => (leases === undefined ? fromStore(async () => undefined) : fromStore(() => leases.release(scope, holder))),
    leaseHolder: (scope, now) => fromStore(async () => (leases?.takeOver === undefined ? undefined : leases.holderOf?.(scope, now))),
    takeOverLease: (scope, previous, holder, now, expiresAt) =>
      fromStore(async () => (leases?.holderOf === undefined || leases.takeOver === undefined ? false : leases.takeOver(scope, previous, holder, now, expiresAt))),
    checkKeyPage: (containerId, afterId, limit) =>
      fromStore(async () => {
        if (store.listCheckKeys !== undefined) {
          const keys = await store.listCheckKeys(containerId, afterId, limit);
          requireKeyOrder(keys, afterId, limit);
          return { keys, last: keys.length < limit };
        }
        const keys = (await store.listChecks(containerId)).flatMap((check) => (check.id > afterId ? [{ id: check.id, status: check.status, tags: check.tags }] : []));
        return { keys, last: true };
      }),
    checkReady: () => fromStore(async () => void (store.checkReady === undefined ? await store.isEmpty() : await store.checkReady())),
    close: () => store.close(),
  };
}

/**
 * A page of `listCheckKeys` must hold at most `limit` keys, ascending by id from above `afterId`:
 * the selection relies on it (each check once, in processing order). A store that breaks it fails
 * the promotion with `store_failure`, saying so, rather than selecting wrongly.
 */
function requireKeyOrder(keys: readonly CheckSelectionKey[], afterId: number, limit: number): void {
  if (keys.length > limit) throw new Error(`listCheckKeys gave ${keys.length} keys for a limit of ${limit}`);
  let last = afterId;
  for (const key of keys) {
    if (!(key.id > last)) throw new Error(`listCheckKeys gave check ${key.id} after ${last}: keys must ascend by id from above ${afterId}`);
    last = key.id;
  }
}

/**
 * A rendered page must hold at most `limit` results, end after `after`, and have a last position
 * exactly when it holds any: the stream reads the next page from it. A store that breaks it fails
 * the read with `store_failure` rather than repeating or skipping results.
 */
function requireRenderedPage(rendered: RenderedResultViews, after: ResultPosition | undefined, limit: number): void {
  const { count, last, json } = rendered;
  if (!Number.isInteger(count) || count < 0 || count > limit) throw new Error(`renderResultViews gave ${count} results for a limit of ${limit}`);
  if ((count === 0) !== (last === undefined) || (count === 0) !== (json.length === 0)) {
    throw new Error(`renderResultViews gave ${count} results with ${last === undefined ? 'no' : 'a'} last position and ${json.length} bytes`);
  }
  if (last !== undefined && after !== undefined && !(last.seq > after.seq || (last.seq === after.seq && last.id > after.id))) {
    throw new Error(`renderResultViews ended at ${JSON.stringify(last)}, not after ${JSON.stringify(after)}`);
  }
}

/** Refuses a page or size that is not a whole number from 1 (a caller's defect: the engine parses them). */
function checkPage(page: number, size: number): void {
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be an integer from 1, got ${page}`);
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be an integer from 1, got ${size}`);
}

/** Refuses a `listResultsAfter` limit that is not a whole number from 1. */
function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be an integer from 1, got ${limit}`);
}

/** Refuses a result position that is not two whole numbers (a `seq` and an id from 0). */
function checkPosition(position: ResultPosition): void {
  if (!Number.isSafeInteger(position.seq) || !Number.isSafeInteger(position.id) || position.id < 0) {
    throw new RangeError(`a result position is a whole seq and an id from 0, got ${JSON.stringify(position)}`);
  }
}

/** The keys of a patch that give a value (`null` included), or `undefined` when none does. */
function cleanPatch(patch: OperationPatch): OperationPatch | undefined {
  const clean: { -readonly [K in keyof OperationPatch]: OperationPatch[K] } = {};
  if (patch.result !== undefined) clean.result = patch.result;
  if (patch.end_time !== undefined) clean.end_time = patch.end_time;
  if (patch.aborted_by !== undefined) clean.aborted_by = patch.aborted_by;
  if (patch.message !== undefined) clean.message = patch.message;
  return Object.keys(clean).length === 0 ? undefined : clean;
}
