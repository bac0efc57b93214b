import type { ComputedField, Container, Datastore, Field, LineageLink, QualityCheck, Team, User } from '../domain/entities.js';
import type { EntityType, OperationResult, PromoteResultValue, PromoteType } from '../domain/enums.js';
import type { EntitySummary, ListedResult, OperationRecord, Page, PromoteResultRecord } from '../domain/operation.js';
import type { World } from '../world/world.js';
// For the doc comments' links.
import type { LeaseLostError } from './commit-unit.js';
import type { guardStore } from './store-runtime.js';
import type { CommitOptions, CommitUnit, WorldEdit } from './commit-unit.js';

export type { CommitLease, CommitOptions, CommitUnit, DistributiveOmit, EntityWrite, WorldEdit } from './commit-unit.js';
export { isLeaseLost, LeaseLostError } from './commit-unit.js';

/** What the selection of checks (§3) reads of a check: see {@link Store.listCheckKeys}. */
export type CheckSelectionKey = Pick<QualityCheck, 'id' | 'status' | 'tags'>;

/** Filters of {@link Store.listResults} (§10). */
export interface ResultQuery {
  /** Case-insensitive substring of the stored `search_text`. */
  readonly search?: string | undefined;
  /** Only these result values; `undefined` or empty = all. */
  readonly results?: readonly PromoteResultValue[] | undefined;
  /** From 1. With `size`: one page. Without: every matching result. */
  readonly page?: number | undefined;
  readonly size?: number | undefined;
}

/**
 * A place in an operation's processing order (§10): results are ordered by `seq`, then id, and a
 * position is the `(seq, id)` of a result — the last one read, for {@link Store.listResultsAfter}.
 * `id: 0` stands before every result of that `seq` (ids start at 1), so `{ seq: k, id: 0 }` reads
 * from seq `k` on.
 */
export interface ResultPosition {
  readonly seq: number;
  readonly id: number;
}

/** What {@link Store.renderResultViews} answers: a page of result views as JSON. */
export interface RenderedResultViews {
  /** The views' JSON joined by commas, without brackets, as UTF-8; empty for no results. */
  readonly json: Uint8Array;
  /** How many results the page holds: as many as `listResultsAfter` would answer. */
  readonly count: number;
  /** The position of the page's last result; `undefined` when it holds none. */
  readonly last: ResultPosition | undefined;
}

/** Filters of {@link Store.listOperations}. */
export interface OperationQuery {
  readonly result?: OperationResult | undefined;
  readonly promote_type?: PromoteType | undefined;
  /** Operations whose source or destination datastore is this one. */
  readonly datastore?: number | undefined;
  /**
   * Only operations whose source **and** destination datastores are both among these (what a user
   * who is not an admin may read, §11); `undefined` = no such restriction. Applied before paging,
   * so `total` counts what the reader may see.
   */
  readonly visibleDatastores?: readonly number[] | undefined;
  readonly page: number;
  readonly size: number;
}

/** The fields of an operation that change after it is created. */
export interface OperationPatch {
  readonly result?: OperationRecord['result'];
  readonly end_time?: string | null;
  readonly aborted_by?: string | null;
  readonly message?: string | null;
}

/**
 * Cross-process exclusion per destination scope (§9). Optional: a store used by one process only
 * may omit it, and the engine then serialises scopes in-process alone.
 */
export interface ScopeLeases {
  /**
   * Takes the lease on `scope` for `holder` until `expiresAt` (ISO-8601) if it is free, expired
   * (`expiresAt <= now`, compared as instants, not as text), or already held by `holder` (then it is
   * renewed). MUST be atomic across processes. Returns whether `holder` holds the lease now.
   */
  tryAcquire(scope: string, holder: string, now: string, expiresAt: string): Promise<boolean>;
  /** Releases the lease if `holder` holds it; otherwise does nothing. */
  release(scope: string, holder: string): Promise<void>;
  /**
   * Who holds the lease on `scope` at `now`: the holder of an unexpired lease, `undefined` when the
   * scope is free or its lease expired. Optional, together with {@link takeOver}: with both, an
   * engine that recognises a holder as gone (a process of its own host that ended) takes its scope
   * at once instead of waiting out the lease.
   */
  holderOf?(scope: string, now: string): Promise<string | undefined>;
  /**
   * Takes the lease on `scope` for `holder` until `expiresAt` if `previous` holds it — expired or
   * not — or if it is free or expired. MUST be atomic across processes: when another holder has
   * taken it meanwhile, nothing changes. Returns whether `holder` holds the lease now.
   */
  takeOver?(scope: string, previous: string, holder: string, now: string, expiresAt: string): Promise<boolean>;
}

/**
 * The Store port: the world, lineage, operations and results.
 *
 * General contract, for every method:
 * - Absence is `undefined` (never `null`); lists are arrays, ordered as stated.
 * - Methods MUST NOT return objects that later writes mutate (return copies or immutable values).
 * - A method that cannot do its work rejects its promise; the engine turns that into a
 *   `store_failure` error. It MUST then leave the stored state as it was before the call (a rejected
 *   call consumes no id either).
 * - Ids of created entities, operations and results are assigned by the store: MUST be
 *   `1 + the largest id that kind of entity has ever had in this store` (imported ids included), so
 *   that two stores given the same world and the same calls assign the same ids.
 * - Timestamps are ISO-8601 strings and round-trip exactly.
 *
 * The engine never calls an adapter directly: it goes through the store runtime
 * ({@link guardStore}, `ports/store-runtime.ts`), which owns what every adapter would otherwise
 * repeat, so an adapter need not do it. The runtime guarantees an adapter that: no call arrives
 * after `close()` was called (those reject in the runtime), and `close()` arrives once, after every
 * call made before it has settled; `page`, `size` and `limit` are whole numbers from 1, a result
 * position a whole `seq` and an id from 0; a patch holds only
 * the keys it gives a value to, and is never empty; `transitionOperation` and `deleteOperation` get at least one `from`;
 * every commit unit has passed `checkCommitUnitShape`.
 */
export interface Store {
  /** A user by id, email (case-insensitive) or token (case-sensitive). */
  findUser(by: { readonly id: number } | { readonly email: string } | { readonly token: string }): Promise<User | undefined>;
  /** Teams having `userId` among their members, ascending id. */
  teamsOfUser(userId: number): Promise<readonly Team[]>;

  getDatastore(id: number): Promise<Datastore | undefined>;
  /** Every datastore, ascending id. */
  listDatastores(): Promise<readonly Datastore[]>;
  /** A container by id, soft-deleted ones included. */
  getContainer(id: number): Promise<Container | undefined>;
  /** The containers with these ids that exist (soft-deleted included), ascending id, each once. */
  getContainers(ids: readonly number[]): Promise<readonly Container[]>;
  /** Every container of a datastore, soft-deleted ones included, ascending id. */
  listContainers(datastoreId: number): Promise<readonly Container[]>;
  /** Plain fields of a container, every status, ascending id. */
  listFields(containerId: number): Promise<readonly Field[]>;
  /** Checks of a container, every status, ascending id. */
  listChecks(containerId: number): Promise<readonly QualityCheck[]>;
  /** The checks with these ids that exist, ascending id, each once. */
  getChecks(ids: readonly number[]): Promise<readonly QualityCheck[]>;
  /**
   * Optional: a page of what the selection of checks (§3) reads of a container's checks — each
   * check's `id`, `status` and `tags` — for the checks of `containerId` with an id above `afterId`,
   * ascending id, at most `limit` of them (`limit` is a whole number from 1). MUST equal
   * `listChecks(containerId)` cut down to those keys and to that page. With it, fixing the
   * selection of a large container reads it a page at a time instead of decoding every check at
   * once (SPEC §19; a million checks did not fit); without it the engine lists the container whole.
   */
  listCheckKeys?(containerId: number, afterId: number, limit: number): Promise<readonly CheckSelectionKey[]>;
  /** Computed fields of a container, every status, ascending id. */
  listComputedFields(containerId: number): Promise<readonly ComputedField[]>;
  /** The computed fields with these ids that exist, ascending id, each once. */
  getComputedFields(ids: readonly number[]): Promise<readonly ComputedField[]>;

  /**
   * Optional: the summaries that result views show (§10) of the entities of `entityType` with these
   * ids that exist, ascending id, each once: `{ id, description, rule_type, status }` of a check,
   * `{ id, name, transformation, status }` of a computed field, `{ id, name, container_type }` of a
   * container (`computed_table`, `computed_file`: any container with that id). MUST equal what
   * `getChecks`, `getComputedFields` or `getContainers` answers, cut down to those keys. A store
   * offers it when it reads them cheaper than whole entities — the SQLite store skips decoding
   * every JSON column (the 20,000 checks behind a 10,000-result operation); without it the engine
   * reads whole entities.
   */
  summarise?(entityType: EntityType, ids: readonly number[]): Promise<readonly EntitySummary[]>;

  /**
   * Lineage links of `entityType` in `destinationScopeId` for any of `sourceIds`, **newest first**
   * (the link recorded last comes first; imported links are older than every recorded one, and among
   * themselves later in the snapshot = newer). A source id listed twice counts once; a link recorded
   * twice (imported twice, or recorded again by a unit without `link_current`) is returned twice. Links are never removed, even
   * when their destination entity is deleted: the engine decides which are still usable.
   */
  findLineage(entityType: EntityType, destinationScopeId: number, sourceIds: readonly number[]): Promise<readonly LineageLink[]>;

  /** Stores a new operation and returns it with its id. */
  createOperation(operation: Omit<OperationRecord, 'id'>): Promise<OperationRecord>;
  getOperation(id: number): Promise<OperationRecord | undefined>;
  /** Operations matching the query, newest (highest id) first. */
  listOperations(query: OperationQuery): Promise<Page<OperationRecord>>;
  /** Operations whose `result` is `running`, ascending id. */
  listRunningOperations(): Promise<readonly OperationRecord[]>;
  /** Changes the given fields of an operation and returns it. Status counters are not patched: they follow the results. */
  updateOperation(id: number, patch: OperationPatch): Promise<OperationRecord>;
  /**
   * Compare-and-set on an operation's `result`: applies `patch` only when the operation's current
   * result is one of `from`, atomically with that check (across processes too), and returns the
   * updated operation; returns `undefined` and changes nothing when it is not. Rejects for an unknown
   * id. This is how two engines agree on who resumes, aborts or finishes an operation.
   */
  transitionOperation(id: number, from: readonly OperationRecord['result'][], patch: OperationPatch): Promise<OperationRecord | undefined>;

  /**
   * Deletes an operation and every result row of it, only when its current `result` is one of
   * `from`: the check and the delete are atomic (across processes too, like
   * {@link transitionOperation}), so an operation resumed meanwhile is never deleted. Returns the
   * operation as it was, or `undefined` — changing nothing — when there is no such operation or its
   * result is not one of `from`. What its results wrote into the world stays, and so do the
   * lineage links they recorded. Ids are never reused: the next operation and result ids stay
   * `1 +` the largest ever assigned, deleted ones included.
   */
  deleteOperation(id: number, from: readonly OperationRecord['result'][]): Promise<OperationRecord | undefined>;

  /**
   * Applies units in order. The whole call is atomic: either every unit's write, result row, lineage
   * link and status-counter increment becomes visible, or none does, and nothing is visible to other
   * readers before the call returns. A unit whose `(operation_id, source_entity_id)` already has a
   * result MUST make the call fail (so that a duplicate creation is impossible even under a race),
   * as MUST a unit naming an unknown operation, an update of a missing entity, or a write into a
   * missing container or datastore. Units that contradict themselves (a `created` unit with a
   * destination id, a `skipped` unit with a write) never arrive: the runtime refuses them. Properties
   * whose value is `undefined` are not stored; `before: undefined` is stored as `null`.
   * With `options.lease`, a store that has {@link Store.leases} MUST, in the same transaction as the
   * writes (atomically across processes), check that `lease.holder` holds the lease on `lease.scope`
   * and that it has not expired at `lease.now`, and extend it to `lease.expiresAt`; when it does not
   * hold it, the call MUST reject with a {@link LeaseLostError} and write nothing. A store without
   * `leases` ignores the option.
   * Returns the stored result rows, in the order of `units`.
   */
  commit(units: readonly CommitUnit[], options?: CommitOptions): Promise<readonly PromoteResultRecord[]>;

  /**
   * Results of an operation matching the query, in processing order (`seq`, then id). Without `size`
   * every match is returned as page 1 with `size` = the number of items.
   */
  listResults(operationId: number, query?: ResultQuery): Promise<Page<PromoteResultRecord>>;

  /**
   * Keyset reading of an operation's results: at most `limit` of them, in processing order (`seq`,
   * then id), every one coming strictly after `after` in that order — `(seq, id) > (after.seq,
   * after.id)` — or from the first when `after` is `undefined`. Fewer than `limit` (or none) means
   * there are no more. An unknown operation has none. Each row equals that of
   * {@link Store.listResults} without its `before` and `after` keys (a {@link ListedResult}: a store
   * need not read or decode those columns). The engine reads whole operations (`GET /api/operations/{id}`) and
   * unfiltered result pages with it, so its cost MUST grow with `limit`, not with how far into the
   * operation `after` lies: an index range from `after`, without counting the operation's results
   * and without skipping rows (`OFFSET`).
   */
  listResultsAfter(operationId: number, after: ResultPosition | undefined, limit: number): Promise<readonly ListedResult[]>;

  /**
   * Optional: the results {@link Store.listResultsAfter} answers for the same arguments, as the
   * JSON of their result views (§10) — each view what the engine builds from the listed result and
   * the **current** summaries of its entities (see {@link Store.summarise}; the kind of the page's
   * first result picks the table, as the engine does), serialised as `JSON.stringify` writes it —
   * joined by commas without the array's brackets: `JSON.stringify(views).slice(1, -1)`, as UTF-8.
   * A store offers it when it writes that text cheaper than the engine builds and serialises the
   * views (the SQLite store writes it in SQL: a 10,000-result operation is ≈ 5× cheaper to serve).
   * It MAY answer `undefined` for a page it cannot write exactly (the SQLite store: a page whose
   * `changes` hold a negative zero, which `JSON.stringify` writes as `0`); the engine then builds
   * that page itself. The testkit's conformance suite compares it with the views byte for byte.
   */
  renderResultViews?(operationId: number, after: ResultPosition | undefined, limit: number): Promise<RenderedResultViews | undefined>;

  /**
   * Optional: the JSON of a seq range of results, as {@link Store.renderResultViews} writes it —
   * the views of the results of `operationId` at seq `from`, `from + 1`, … `from + count − 1`, in
   * that order, joined by commas without brackets, as UTF-8 — when those seq hold **exactly one
   * result each** and every one is of `entityType` (whose table gives the summaries). Anything
   * else — a seq of the range without a result or with two, a result of another kind — MUST answer
   * `undefined`, as MAY a range the store cannot write exactly (see `renderResultViews`); the
   * engine then reads the page itself. It is how the engine answers an unfiltered result page of a
   * complete operation (`GET /api/operations/{id}/quality-checks?page=N`: the seq range of its
   * positions, decision 0900) without building a view per result, so its cost MUST grow with
   * `count`, not with `from`. `count` is a whole number from 1.
   */
  renderResultRange?(operationId: number, entityType: EntityType, from: number, count: number): Promise<Uint8Array | undefined>;

  /**
   * Applies edits in order, atomically (all or none); a later edit sees what earlier ones did.
   * An update or delete of a missing entity, a write into a missing container or datastore, or the
   * delete of a file pattern a computed file still uses MUST reject the whole call. Deleting a
   * container deletes its fields, checks and computed fields (lineage is kept). Returns the ids of
   * the entities, in order.
   */
  applyEdits(edits: readonly WorldEdit[]): Promise<readonly number[]>;

  /** Whether the store holds no user and no datastore yet (what `importWorld` requires). */
  isEmpty(): Promise<boolean>;
  /**
   * Loads a validated world (ids kept as given) into an empty store, atomically. MUST fail without
   * writing anything when the store is not empty.
   */
  importWorld(world: World): Promise<void>;
  /** The whole world, every list ascending id (lineage oldest first). */
  exportWorld(): Promise<World>;

  /** Optional cross-process exclusion per destination scope. */
  readonly leases?: ScopeLeases | undefined;
  /**
   * Whether a `commit` keeps the event loop busy while it runs, as a synchronous driver does
   * (better-sqlite3; the memory store). Default `true`: the engine then sizes commits by the event
   * loop's busy time during them (`commitBudgetMs`, decisions 0405 and 0909). A store over the
   * network, whose commit mostly waits for its server, says `false`: its commits are
   * `commitBatchSize` units each — sized by the clock, they shrank to one unit when other commits
   * held the database's write lock (sized by busy time they grow with whatever else the process
   * does meanwhile).
   */
  readonly commitBlocks?: boolean | undefined;

  /**
   * Optional: resolves when the store can serve — its database answers and holds the schema this
   * version of the store works with (every migration it knows applied, none it does not know);
   * rejects otherwise, with an `Error` whose message says what is wrong in a few words and names no
   * secret. Asked by readiness probes (`GET /readyz`), so it MUST be cheap (a query or two) and
   * MUST NOT write. Without it the engine asks {@link Store.isEmpty} instead.
   */
  checkReady?(): Promise<void>;

  /** Releases what the store opened. The runtime calls it once, after every earlier call has settled, and rejects later calls itself. */
  close(): Promise<void>;
}
