import type {
  ComputedField,
  Container,
  Datastore,
  Field,
  LineageLink,
  QualityCheck,
  Team,
  User,
} from '../domain/entities.js';
import type { EntityType, OperationResult, PromoteResultValue, PromoteType } from '../domain/enums.js';
import type { Change, EntitySummary, OperationRecord, Page, PromoteResultRecord } from '../domain/operation.js';
import type { World } from '../world/world.js';

/**
 * A write to one destination entity. `create_*` values carry no id: the store assigns it.
 * `update_*` values replace the whole entity with the given id.
 */
export type EntityWrite =
  | { readonly kind: 'create_check'; readonly value: Omit<QualityCheck, 'id'> }
  | { readonly kind: 'update_check'; readonly value: QualityCheck }
  | { readonly kind: 'create_computed_field'; readonly value: Omit<ComputedField, 'id'> }
  | { readonly kind: 'update_computed_field'; readonly value: ComputedField }
  | { readonly kind: 'create_container'; readonly value: DistributiveOmit<Container, 'id'> }
  | { readonly kind: 'update_container'; readonly value: Container };

/** A change to the world made outside promotions: user edits, used by tests, simulations and tools. */
export type WorldEdit =
  | EntityWrite
  | { readonly kind: 'create_field'; readonly value: Omit<Field, 'id'> }
  | { readonly kind: 'update_field'; readonly value: Field }
  | { readonly kind: 'delete'; readonly entity: 'quality_check' | 'computed_field' | 'container' | 'field'; readonly id: number };

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * One entity's outcome: its destination write (if any), its result row and, for created, updated and
 * skipped results, its lineage link — one atomic unit (§9).
 */
export interface CommitUnit {
  readonly operation_id: number;
  readonly seq: number;
  readonly entity_type: EntityType;
  readonly source_entity_id: number;
  readonly result: PromoteResultValue;
  /** `undefined` for skipped and failed results. */
  readonly write?: EntityWrite | undefined;
  /**
   * The matched destination entity; for `created` it MUST be `null` and the store fills in the id it
   * assigned to the write.
   */
  readonly destination_entity_id: number | null;
  /** Destination container (checks, computed fields) or datastore (tables, files). */
  readonly destination_scope_id: number;
  /**
   * `true` when the newest lineage link of this source in this scope already points at
   * `destination_entity_id` (the engine read it while holding the scope, and only a `created`,
   * `updated` or `skipped` unit can say so): the link this unit would record changes nothing about
   * which link is newest, so the store MAY leave it out. A re-promotion of unchanged entities then
   * does not grow the lineage by one link per entity each time. Absent = `false`: record the link.
   */
  readonly link_current?: boolean | undefined;
  readonly message: string | null;
  readonly changes: readonly Change[] | null;
  readonly before: unknown;
  readonly search_text: string;
}

/**
 * The scope lease a commit is made under (decision 0008): the store checks it in the commit's own
 * transaction, so that an engine that lost its lease cannot write after another engine took the
 * scope — a fence, not only a timer.
 */
export interface CommitLease {
  readonly scope: string;
  readonly holder: string;
  /** ISO-8601: the lease must not have expired at this instant. */
  readonly now: string;
  /** ISO-8601: the lease is extended to this instant by the same transaction. */
  readonly expiresAt: string;
}

/** Options of {@link Store.commit}. */
export interface CommitOptions {
  /** Given by the engine when the store has {@link Store.leases}. */
  readonly lease?: CommitLease | undefined;
}

/**
 * What `commit` rejects with when its {@link CommitLease} is not held (taken by another holder,
 * expired or released). Recognise it by `name === 'LeaseLostError'` (several copies of this package
 * may be loaded).
 */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly scope: string,
    readonly holder: string,
  ) {
    super(`The lease of ${scope} is not held by ${holder}`);
  }
}

/** Whether a store's rejection is a {@link LeaseLostError}. */
export function isLeaseLost(error: unknown): error is LeaseLostError {
  return error instanceof Error && error.name === 'LeaseLostError';
}

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

/** Filters of {@link Store.listOperations}. */
export interface OperationQuery {
  readonly result?: OperationResult | undefined;
  readonly promote_type?: PromoteType | undefined;
  /** Operations whose source or destination datastore is this one. */
  readonly datastore?: number | undefined;
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
   * Applies units in order. The whole call is atomic: either every unit's write, result row, lineage
   * link and status-counter increment becomes visible, or none does, and nothing is visible to other
   * readers before the call returns. A unit whose `(operation_id, source_entity_id)` already has a
   * result MUST make the call fail (so that a duplicate creation is impossible even under a race),
   * as MUST a unit naming an unknown operation, an update of a missing entity, or a write into a
   * missing container or datastore. A store MAY also reject units that contradict themselves (a
   * `created` unit with a destination id, a `skipped` unit with a write): `checkCommitUnitShape`
   * from this package says which. Properties whose value is
   * `undefined` are not stored; `before: undefined` is stored as `null`.
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
   * every match is returned as page 1 with `size` = the number of items; `page` or `size` below 1
   * or not whole MUST reject.
   */
  listResults(operationId: number, query?: ResultQuery): Promise<Page<PromoteResultRecord>>;

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

  /** Releases what the store opened, after the calls made before it have completed. Later calls MUST reject. Idempotent. */
  close(): Promise<void>;
}
