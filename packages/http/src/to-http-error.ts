import { assertNever, type PromoteError, type RequestIssue } from '@promote/core';

/** Every status an error response of the API may have. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 500 | 503;

/**
 * The JSON body of every error response: `{"detail": "<message>"}`, or for a request whose shape is
 * wrong, `{"detail": [{loc, msg, type}, …]}` with every issue (the FastAPI convention of the platform).
 */
export interface ErrorBody {
  readonly detail: string | readonly RequestIssue[];
}

/** An error response before it is sent: status, body and extra headers. */
export interface HttpError {
  readonly status: ErrorStatus;
  readonly body: ErrorBody;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** `WWW-Authenticate` of every 401 (RFC 6750). */
export const bearerChallenge = { 'WWW-Authenticate': 'Bearer' } as const;

/**
 * Maps an expected error of the engine to its HTTP response: the one place where the closed
 * {@link PromoteError} union meets status codes.
 *
 * | kind | status | detail |
 * |---|---|---|
 * | `invalid_request` | 422 | every `{loc, msg, type}` |
 * | `unprocessable` | 422 | the message |
 * | `not_found` | 404 | `"<Entity> <id> not found"` |
 * | `forbidden` | 403 | the message |
 * | `unauthenticated` | 401 | the message, with `WWW-Authenticate: Bearer` |
 * | `conflict` | 409 | the message |
 * | `store_failure` | 503 | the message |
 */
export function toHttpError(error: PromoteError): HttpError {
  switch (error.kind) {
    case 'invalid_request':
      return { status: 422, body: { detail: error.issues } };
    case 'unprocessable':
      return { status: 422, body: { detail: error.message } };
    case 'not_found':
      return { status: 404, body: { detail: error.message } };
    case 'forbidden':
      return { status: 403, body: { detail: error.message } };
    case 'unauthenticated':
      return { status: 401, body: { detail: error.message }, headers: bearerChallenge };
    case 'conflict':
      return { status: 409, body: { detail: error.message } };
    case 'store_failure':
      return { status: 503, body: { detail: error.message } };
    default:
      return assertNever(error);
  }
}
