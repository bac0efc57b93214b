/**
 * Expected failures, as closed discriminated unions. Each edge (HTTP, CLI) maps them once,
 * exhaustively. Only defects throw.
 */

/** One problem of a request body, in the shape the HTTP layer reports it (`{loc, msg, type}`). */
export interface RequestIssue {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** The body does not have the shape of its schema (§2.1 step 1): every issue is listed. */
export interface InvalidRequestError {
  readonly kind: 'invalid_request';
  readonly issues: readonly RequestIssue[];
}

/** The body is well-formed but cannot be carried out (§2.1 step 4, and `container_id` not in `datastore_id`). */
export interface UnprocessableError {
  readonly kind: 'unprocessable';
  readonly message: string;
}

export type NotFoundEntity = 'Datastore' | 'Container' | 'Operation' | 'User';

/** An id names nothing (or a soft-deleted container): `"<Entity> <id> not found"`. */
export interface NotFoundError {
  readonly kind: 'not_found';
  readonly entity: NotFoundEntity;
  readonly id: number | string;
  readonly message: string;
}

/** The acting user lacks a permission (§11). Nothing was enqueued or written. */
export interface ForbiddenError {
  readonly kind: 'forbidden';
  readonly message: string;
}

/** No acting user could be established (unknown user or token). */
export interface UnauthenticatedError {
  readonly kind: 'unauthenticated';
  readonly message: string;
}

/** The call does not fit the operation's state (e.g. resuming an operation that is running). */
export interface ConflictError {
  readonly kind: 'conflict';
  readonly message: string;
}

/** The Store failed (disk full, database locked too long, closed …). */
export interface StoreFailureError {
  readonly kind: 'store_failure';
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * The scope's lease is not this engine's any more (decision 0008): a commit was fenced by the store,
 * the lease lapsed before it could be renewed, or another holder took it. Internal to running an
 * operation, which then ends `failure` with this message (if the engine can still end it).
 */
export interface LostLeaseError {
  readonly kind: 'lease_lost';
  readonly scope: string;
  readonly message: string;
}

/** One problem of a world snapshot: a JSON path and a reason. */
export interface WorldProblem {
  readonly path: string;
  readonly message: string;
}

/** A world snapshot with problems; nothing of it was loaded. */
export interface InvalidWorldError {
  readonly kind: 'invalid_world';
  readonly problems: readonly WorldProblem[];
}

/** Every expected failure of the engine's service calls. */
export type PromoteError =
  | InvalidRequestError
  | UnprocessableError
  | NotFoundError
  | ForbiddenError
  | UnauthenticatedError
  | ConflictError
  | StoreFailureError;

export const invalidRequest = (issues: readonly RequestIssue[]): InvalidRequestError => ({ kind: 'invalid_request', issues });
export const unprocessable = (message: string): UnprocessableError => ({ kind: 'unprocessable', message });
export const notFound = (entity: NotFoundEntity, id: number | string): NotFoundError => ({
  kind: 'not_found',
  entity,
  id,
  message: `${entity} ${id} not found`,
});
export const forbidden = (message: string): ForbiddenError => ({ kind: 'forbidden', message });
export const unauthenticated = (message: string): UnauthenticatedError => ({ kind: 'unauthenticated', message });
export const conflict = (message: string): ConflictError => ({ kind: 'conflict', message });
export const storeFailure = (cause: unknown): StoreFailureError => ({
  kind: 'store_failure',
  message: `Store failure: ${cause instanceof Error ? cause.message : String(cause)}`,
  cause,
});
export const lostLease = (scope: string): LostLeaseError => ({
  kind: 'lease_lost',
  scope,
  // The engine cannot tell a lease that only expired from one another process took (and maybe
  // released) meanwhile: the message says both.
  message: `Lost the lease of ${scope}: it expired, or another process took it`,
});
export const invalidWorld = (problems: readonly WorldProblem[]): InvalidWorldError => ({ kind: 'invalid_world', problems });

/** A one-line, human-readable text for any error (CLI output, logs). */
export function describeError(error: PromoteError | InvalidWorldError): string {
  switch (error.kind) {
    case 'invalid_request':
      return `Invalid request: ${error.issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; ')}`;
    case 'invalid_world':
      return `Invalid world: ${error.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')}`;
    case 'unprocessable':
    case 'not_found':
    case 'forbidden':
    case 'unauthenticated':
    case 'conflict':
    case 'store_failure':
      return error.message;
    default:
      return assertNever(error);
  }
}

/** Exhaustiveness guard for `switch` over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`defect: unexpected value ${JSON.stringify(value)}`);
}
