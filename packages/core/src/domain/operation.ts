import type { EntityType, OperationResult, PromoteResultValue, PromoteType } from './enums.js';
import type { OperationRequest } from './requests.js';

/** `{ id, name }` of a datastore or container, as the operation envelope shows it (§9). */
export interface NamedRef {
  readonly id: number;
  readonly name: string;
}

/** The live counters of an operation (§9). `created + updated + skipped + failed ≤ total`. */
export interface OperationStatus {
  readonly total: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly failed: number;
}

/**
 * An operation as stored. The envelope of `GET /api/operations/{id}` is this without `request`,
 * `selection` and `destination_scope`, plus `type: "promote"` and the results.
 */
export interface OperationRecord {
  readonly id: number;
  readonly promote_type: PromoteType;
  readonly result: OperationResult;
  readonly start_time: string;
  readonly end_time: string | null;
  /** Email of the user who started it. */
  readonly triggered_by: string;
  readonly aborted_by: string | null;
  readonly message: string | null;
  readonly datastore: NamedRef;
  readonly destination_datastore: NamedRef;
  readonly container: NamedRef | null;
  readonly destination_container: NamedRef | null;
  /** Quality-check promotions only; `undefined` otherwise. */
  readonly as_draft?: boolean | undefined;
  readonly status: OperationStatus;
  /** The parsed request, for rerun. A revert's (`type: "revert"`) names the operation it reverts (§16). */
  readonly request: OperationRequest;
  /** Source entity ids in processing order, fixed at start (§3). `status.total` is its length. */
  readonly selection: readonly number[];
  /** `container:<id>` or `datastore:<id>`: operations with the same scope never interleave (§9). */
  readonly destination_scope: string;
}

/** One attribute that an update changed (§5). `path` is e.g. `properties.max`, `tags`. */
export interface Change {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** A per-entity result as stored (§10). */
export interface PromoteResultRecord {
  readonly id: number;
  readonly operation_id: number;
  /** Position in processing order, from 0. Results are listed in this order. */
  readonly seq: number;
  readonly entity_type: EntityType;
  readonly source_entity_id: number;
  readonly result: PromoteResultValue;
  readonly destination_entity_id: number | null;
  readonly message: string | null;
  /** For `updated` only; `null` otherwise. */
  readonly changes: readonly Change[] | null;
  /** The destination's definition before the write; `null` for created, skipped and failed. */
  readonly before: unknown;
  /**
   * The destination's definition the unit wrote, as the store holds it right after the commit (its
   * id included); `null` when it wrote nothing. What a revert compares the destination with to tell
   * whether it changed since (§16). Results recorded before stores kept it read `null`.
   */
  readonly after: unknown;
  /** Lower-cased text that `search` matches: description and rule type, or name (§10). */
  readonly search_text: string;
}

/**
 * A result as result views are built from it: the stored record without its `before` and `after`
 * images, which views do not show (§10: `before` MAY be omitted; `after` is for a revert, §16) and
 * which are the largest columns of an updated result. What `Store.listResultsAfter` answers.
 */
export type ListedResult = Omit<PromoteResultRecord, 'before' | 'after'>;

/** Entity details shown in a result (§10). */
export type EntitySummary =
  | { readonly id: number; readonly description: string; readonly rule_type: string; readonly status: string }
  | { readonly id: number; readonly name: string; readonly transformation: string; readonly status: string }
  | { readonly id: number; readonly name: string; readonly container_type: string };

/** A result as responses show it (the seed's "Promote Result (Per Entity)", plus `id` and `changes`). */
export interface PromoteResultView {
  readonly id: number | null;
  readonly source_entity_id: number;
  readonly source_entity: EntitySummary | null;
  readonly entity_type: EntityType;
  readonly result: PromoteResultValue;
  readonly destination_entity_id: number | null;
  readonly destination_entity: EntitySummary | null;
  readonly message: string | null;
  readonly changes?: readonly Change[] | undefined;
}

/** The response of `GET /api/operations/{id}` (§9; the seed's example is normative). */
export interface OperationView {
  readonly id: number;
  /** `revert` for an operation that undoes another (§16). */
  readonly type: 'promote' | 'revert';
  /** A revert's: the operation it reverts. Absent on promotions. */
  readonly reverted_operation_id?: number | undefined;
  readonly promote_type: PromoteType;
  readonly result: OperationResult;
  readonly start_time: string;
  readonly end_time: string | null;
  readonly triggered_by: string;
  readonly aborted_by: string | null;
  readonly message: string | null;
  readonly datastore: NamedRef;
  readonly destination_datastore: NamedRef;
  readonly container: NamedRef | null;
  readonly destination_container: NamedRef | null;
  readonly as_draft?: boolean | undefined;
  readonly status: OperationStatus;
  readonly results: readonly PromoteResultView[];
}

/**
 * The answer of an abort: the operation, and whether this abort stopped it (`true`: it was running
 * or waiting for its turn, and is `aborted` now) or it had already ended (`false`: nothing changed).
 */
export interface AbortView extends OperationView {
  readonly stopped: boolean;
}

/** The answer of a dry run (`plan`): the envelope of a run that would follow, with `id: null`. */
export interface PlanView extends Omit<OperationView, 'id' | 'result' | 'end_time'> {
  readonly id: null;
  /** Equal for two plans if and only if they would do the same thing (§15); a run's `expected_plan_fingerprint`. */
  readonly plan_fingerprint: string;
  readonly result: Exclude<OperationResult, 'running' | 'aborted'>;
  readonly end_time: string;
}

/** A page of a paginated listing (§10). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly size: number;
}

/** The envelope of an operation without its results (`GET /api/operations` items, events). */
export type OperationSummaryView = Omit<OperationView, 'results'>;

/**
 * What the acting user may do with an operation now (the Activity page offers exactly these): each
 * `true` only when the operation's state allows it and the user holds the permission (§11).
 */
export interface OperationActions {
  /** Running, and `editor` on the destination datastore. */
  readonly abort: boolean;
  /** Aborted or failed, and `editor` on the destination datastore. */
  readonly resume: boolean;
  /** Ended, and `editor` on the source and the destination datastore (a revert's: on the destination). */
  readonly rerun: boolean;
  /** Ended, and `editor` on the destination datastore (§16; reading it is given). */
  readonly revert: boolean;
  /** Ended, and `editor` on the destination datastore (the permission of abort). */
  readonly delete: boolean;
}

/** An operation as the Activity page's overview shows it: the envelope, the request it ran, what the reader may do with it. */
export interface OperationDetails {
  readonly operation: OperationSummaryView;
  /** The request as it was parsed when the operation started (defaults filled in). */
  readonly request: OperationRequest;
  readonly actions: OperationActions;
}

/**
 * One event of {@link OperationView a watched operation} (`GET /api/operations/{id}/events`):
 * `progress` with the envelope when its counts or result changed (the first at once), `end` once it
 * has ended (the last event), `error` when it can no longer be read (deleted, the store failed; the
 * last event).
 */
export type OperationEvent =
  | { readonly kind: 'progress' | 'end'; readonly operation: OperationSummaryView }
  | { readonly kind: 'error'; readonly error: { readonly kind: string; readonly message: string } };

/** Message texts of the spec and the seed, byte for byte. */
export const messages = {
  noEntities: 'No entities matched the selection',
  interrupted: 'Interrupted: the process stopped before the operation finished',
  sameSourceAndDestination: 'Source and destination must be different',
  reactivatedContainer: 'Reactivated soft-deleted container on destination',
  reactivatedField: 'Reactivated non-active field on destination',
  planChanged: 'The plan changed since it was reviewed',
  noLongerExists: 'No longer exists on the destination',
  writtenBeforeAfterImages: 'Written before this store recorded what promotions wrote: cannot tell whether it changed since',
  operationDeleted: 'The operation was deleted',
} as const;
