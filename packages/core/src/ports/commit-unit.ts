import type { ComputedField, Container, Field, QualityCheck } from '../domain/entities.js';
import type { EntityType, PromoteResultValue } from '../domain/enums.js';
import type { Change } from '../domain/operation.js';

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
   * `destination_entity_id` (the engine read it while holding the scope, and only an `updated` or
   * `skipped` unit can say so): the link this unit would record changes nothing about which link is
   * newest, so the store MUST NOT record it. A re-promotion of unchanged entities then does not grow
   * the lineage by one link per entity each time. The claim is the engine's: a store trusts it and
   * does not check it (the testkit's reference model verifies it — decision 0400). Absent =
   * `false`: record the link.
   */
  readonly link_current?: boolean | undefined;
  /**
   * `false`: the unit records no lineage link at all, whatever its result — a revert's units
   * (§16): a revert restores or retires the entity a promotion matched, and which destination entity
   * a source promotes to does not change by it. Absent = `true`.
   */
  readonly record_link?: boolean | undefined;
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

