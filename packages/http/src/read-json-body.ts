import type { Context } from 'hono';
import { err, ok, type Result } from 'neverthrow';
import type { HttpError } from './to-http-error.js';

/**
 * Reads a request body as JSON. An empty body is `undefined` (the schema then reports the body as
 * missing). A non-empty body needs a JSON media type (`application/json`, or any `…+json`),
 * otherwise 415; text that is not JSON is a 422 with one `json_invalid` issue at `["body"]`.
 * The size limit is enforced before, by the `bodyLimit` middleware.
 */
export async function readJsonBody(c: Context): Promise<Result<unknown, HttpError>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (error) {
    if (!isClientDisconnect(error, c.req.raw)) throw error;
    // Nobody is left to read this answer; it keeps the disconnect out of the defects.
    return err({ status: 400, body: { detail: clientDisconnectDetail } });
  }
  if (text.trim() === '') return ok(undefined);
  const contentType = c.req.header('content-type');
  if (!isJsonMediaType(contentType)) {
    const got = contentType === undefined || contentType.trim() === '' ? 'no Content-Type' : `Content-Type ${contentType}`;
    return err({ status: 415, body: { detail: `Request body must be JSON with Content-Type: application/json (got ${got})` } });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'the document is nested too deeply';
    return err({ status: 422, body: { detail: [{ loc: ['body'], msg: `Invalid JSON: ${reason}`, type: 'json_invalid' }] } });
  }
}

/** Whether a `Content-Type` header names JSON (`application/json`, `application/problem+json` …), parameters ignored. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/** The `detail` of the 400 for a client that closed the connection mid-request (nobody reads it). */
export const clientDisconnectDetail = 'The client closed the connection before the request arrived';

/**
 * Whether `error` is a client going away mid-request rather than a defect: Node's `Error: aborted`
 * (code `ECONNRESET`) while the body is read, or any error once the request's signal has aborted.
 */
export function isClientDisconnect(error: unknown, request?: Request): boolean {
  if (request?.signal.aborted === true) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || error.message === 'aborted';
}
