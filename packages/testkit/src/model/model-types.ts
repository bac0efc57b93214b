import type { Change, EntityType, PromoteRequest, PromoteResultValue, PromoteType, RequestIssue, World } from '@promote/core';
import type { ModelWorld } from './model-world.js';

/** Who asks: a user id (or e-mail), as the engine's `Actor`. */
export type ModelActor = { readonly id: number } | { readonly email: string };

/** Why the model refuses a request, with the HTTP status of §2.1 / §11. */
export type ModelError =
  | { readonly kind: 'invalid_request'; readonly issues: readonly RequestIssue[] }
  | { readonly kind: 'unprocessable'; readonly message: string }
  | { readonly kind: 'not_found'; readonly message: string }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'unauthenticated'; readonly message: string }
  | { readonly kind: 'conflict'; readonly message: string };

/** A request refused before anything is enqueued: nothing written, no operation. */
export interface ModelRefusal {
  readonly kind: 'refused';
  readonly status: 400 | 401 | 403 | 404 | 409 | 422;
  readonly error: ModelError;
}

/** HTTP status of each refusal kind. */
export const modelErrorStatus: Readonly<Record<ModelError['kind'], ModelRefusal['status']>> = {
  invalid_request: 422,
  unprocessable: 422,
  not_found: 404,
  forbidden: 403,
  unauthenticated: 401,
  conflict: 409,
};

export const refusal = (error: ModelError): ModelRefusal => ({ kind: 'refused', status: modelErrorStatus[error.kind], error });

/**
 * The result of a selected source that no longer exists when its turn comes (deleted between an
 * abort and the resume): failed, `Source quality check 7 no longer exists`. SPEC.md is silent; this
 * is the engine's wording.
 */
export function missingSource(entityType: EntityType, sourceId: number): ModelResult {
  return { source_entity_id: sourceId, entity_type: entityType, result: 'failed', destination_entity_id: null, message: `Source ${entityType.replace('_', ' ')} ${sourceId} no longer exists` };
}

/** The per-entity outcome the model predicts (§5, §10). */
export interface ModelResult {
  readonly source_entity_id: number;
  readonly entity_type: EntityType;
  readonly result: PromoteResultValue;
  /** `created`: the id the store assigns (1 + the kind's high-water mark); `null` when none. */
  readonly destination_entity_id: number | null;
  readonly message: string | null;
  /** `updated` only: one entry per changed attribute (`properties.<key>` per property key). */
  readonly changes?: readonly Change[] | undefined;
}

/** §9 `status`. */
export interface ModelStatus {
  readonly total: number;
  readonly created: number;
  readonly updated: number;
  readonly skipped: number;
  readonly failed: number;
}

/**
 * An operation the model accepted, before any entity is processed (§2.1 step 5): the parsed request
 * and the selection fixed at start, in processing order (§3, §6, decision 0004).
 */
export interface ModelStartedOperation {
  readonly kind: 'started';
  readonly promote_type: PromoteType;
  readonly request: PromoteRequest;
  readonly selection: readonly number[];
  readonly sourceDatastoreId: number;
  readonly destinationDatastoreId: number;
  /** Checks and computed fields: the containers; `null` for tables and files. */
  readonly sourceContainerId: number | null;
  readonly destinationContainerId: number | null;
  /** Destination container (checks, computed fields) or datastore (tables, files): the lineage scope. */
  readonly destinationScopeId: number;
}

/** Options of a model run. */
export interface ModelRunOptions {
  /** Checks per validation call (§8). Default 10. */
  readonly batchSize?: number;
  /**
   * Whether the validation call of batch `index` (from 0, within this run, in processing order)
   * errors, and with which reason. Default: no call errors.
   */
  readonly failBatch?: (index: number) => string | undefined;
  /** Results the operation already recorded (a resume): their sources are not processed again. */
  readonly previousResults?: readonly ModelResult[];
}

/** The model's answer for an accepted request run to its end. */
export interface ModelOperation {
  readonly kind: 'operation';
  readonly promote_type: PromoteType;
  readonly started: ModelStartedOperation;
  readonly result: 'success' | 'failure';
  readonly message: string | null;
  readonly status: ModelStatus;
  /** Every result of the operation, in processing order. */
  readonly results: readonly ModelResult[];
  /** The world after the run: written entities, lineage links appended. */
  readonly world: World;
  /** The same, with the id high-water marks, to continue from. */
  readonly model: ModelWorld;
  /** How many validation calls the run made. */
  readonly validationCalls: number;
}
