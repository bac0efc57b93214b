import { describeError, invalidRequest, type Actor, type EntityType, type OperationStream, type Page, type Promoter, type PromoteError, type PromoteResultView, type User } from '@promote/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { ResultAsync, type Result } from 'neverthrow';
import { operatorRoutes, requestIdOf, requestTelemetry, type AppTelemetry, type TelemetryVariables } from './app-telemetry.js';
import { bearerToken, serviceAuthenticator, type Authenticate } from './authenticate.js';
import { renderDocsPage } from './openapi/docs-page.js';
import { registerActivityPage } from './page/activity-page.js';
import { isPagePath, renderPageError } from './page/page-errors.js';
import { sessionToken } from './page/session.js';
import { openApiDocument } from './openapi/openapi-document.js';
import { queryObject } from './query-object.js';
import { clientDisconnectDetail, isClientDisconnect, readJsonBody } from './read-json-body.js';
import { bearerChallenge, toHttpError, type ErrorStatus, type HttpError } from './to-http-error.js';

/** Default of {@link CreateAppOptions.maxBodyBytes}: 1 MiB. */
export const defaultMaxBodyBytes = 1024 * 1024;

/** Default of {@link CreateAppOptions.readinessTimeoutMs}: 2 s. */
export const defaultReadinessTimeoutMs = 2_000;

/** What `GET /readyz` asks (see {@link CreateAppOptions.readiness}). */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** The engine's service: every endpoint goes through it, the world reads included. */
  readonly promoter: Promoter;
  /**
   * Bearer token → acting user, once per request (the service then gets the user as `{ user }`
   * and does not read it again). Default: the service's own `identify({ token })`, i.e. its
   * Authorization port ({@link serviceAuthenticator}).
   */
  readonly authenticate?: Authenticate | undefined;
  /** Largest accepted request body, in bytes; larger ones get 413. Default {@link defaultMaxBodyBytes} (1 MiB). */
  readonly maxBodyBytes?: number | undefined;
  /**
   * Told about every defect (an exception no handler expected) before the client gets a bare 500
   * `{"detail":"Internal server error"}`, with the request's id (`X-Request-Id`). Default: `console.error`.
   */
  readonly onDefect?: ((error: unknown, request: Request, requestId: string) => void) | undefined;
  /**
   * Told about every answered request, and the source of `GET /metrics` (see {@link AppTelemetry};
   * `createTelemetry()` of `@promote/http/telemetry` gives pino log lines and prom-client metrics).
   * Default: none — requests are not logged and `/metrics` answers 404.
   */
  readonly telemetry?: AppTelemetry | undefined;
  /**
   * Whether `GET /metrics` answers the telemetry's metrics on this app. Default `true`; `false`
   * when they are served elsewhere (`promote serve --metrics-port`), then `/metrics` answers 404.
   */
  readonly serveMetrics?: boolean | undefined;
  /**
   * What `GET /readyz` asks: 200 when ready, 503 with the reason otherwise. Default: the service's
   * `checkReady()` — the store's database answers and is migrated.
   */
  readonly readiness?: (() => Promise<Readiness>) | undefined;
  /** How long `GET /readyz` waits for {@link readiness} before it answers 503. Default {@link defaultReadinessTimeoutMs} (2 s). */
  readonly readinessTimeoutMs?: number | undefined;
  /**
   * The prefix the app is served under when it is mounted in a larger app or behind a proxy path,
   * e.g. `/promote`: every route is `/promote/api/…`, and the OpenAPI document's `servers` says so.
   * Starts with `/`, no trailing `/`. Default: none.
   */
  readonly basePath?: string | undefined;
  /**
   * Serves the Activity page (the browser UI: sign-in, operations, actions, new promotions) at `/`
   * beside the API, and lets its session cookie authenticate the API's `GET` requests (its live
   * updates read `GET /api/operations/{id}/events`). Default: off — the app is the API only.
   */
  readonly activityPage?: boolean | undefined;
}

/** The variables a request carries through the app: the authenticated user, the request's id, the operation it started. */
export interface AppEnv {
  readonly Variables: TelemetryVariables & { user: User };
}

/**
 * The Promote API (the seed's endpoints and the spec's additions) as a Hono app, to serve with any
 * Hono adapter or mount in another app. Every answer but `GET /api/docs` is JSON; every error is
 * `{"detail": …}` (see {@link toHttpError}); no answer ever carries a stack trace.
 *
 * @example
 * import { serve } from '@hono/node-server';
 * const promoter = createPromoter({ store: createMemoryStore({ world }), dataplane: createReferenceDataplane() });
 * serve({ fetch: createApp({ promoter }).fetch, port: 8080 });
 */
export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  const { promoter } = options;
  const authenticate = options.authenticate ?? serviceAuthenticator(promoter);
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const onDefect = options.onDefect ?? ((error: unknown) => console.error(error));
  const defect = (error: unknown, c: Context<AppEnv>) => onDefect(error, c.req.raw, c.get('requestId'));
  const basePath = options.basePath ?? '';
  if (basePath !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    throw new RangeError(`basePath must start with / and have no trailing /, like /promote; got '${basePath}'`);
  }
  const app = basePath === '' ? new Hono<AppEnv>() : new Hono<AppEnv>().basePath(basePath);
  const methodsByPath = new Map<string, string[]>();
  const allow = (method: string, path: string) => {
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
    return path;
  };

  const page = options.activityPage === true;

  const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
    // The page's session authenticates safe requests only: a state change through the API always
    // needs the header, which no other site can make a browser send.
    const safe = c.req.method === 'GET' || c.req.method === 'HEAD';
    const token = bearerToken(c.req.header('authorization')) ?? (page && safe ? sessionToken(c) : undefined);
    if (token === undefined) {
      return sendError({ status: 401, body: { detail: 'Not authenticated: send an Authorization: Bearer <token> header' }, headers: bearerChallenge });
    }
    const user = await ResultAsync.fromPromise((async () => authenticate(token))(), (cause) => cause);
    if (user.isErr()) {
      defect(user.error, c);
      return sendError({ status: 503, body: { detail: 'Authentication is unavailable: the store failed' } });
    }
    if (user.value === undefined) return sendError({ status: 401, body: { detail: 'Invalid bearer token' }, headers: bearerChallenge });
    c.set('user', user.value);
    await next();
    return undefined;
  };

  const actor = (c: Context<AppEnv>): Actor => ({ user: c.get('user') });

  /** For endpoints without query parameters: any parameter is a 422, as strict as bodies (`?dry_run=true` must not run). */
  const noQuery: MiddlewareHandler<AppEnv> = async (c, next) => {
    const keys = Object.keys(c.req.queries());
    if (keys.length > 0) {
      return sendError(toHttpError(invalidRequest(keys.map((key) => ({ loc: ['query', key], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' })))));
    }
    await next();
    return undefined;
  };

  const answer = async <T>(result: ResultAsync<T, PromoteError> | Promise<Result<T, PromoteError>>): Promise<Response> => {
    const outcome = await result;
    return outcome.isOk() ? json(200, outcome.value) : sendError(toHttpError(outcome.error));
  };

  /** Body → promoter call, or the body's own 413/415/422. */
  const withBody = async (c: Context<AppEnv>, call: (body: unknown) => ResultAsync<unknown, PromoteError>): Promise<Response> => {
    const body = await readJsonBody(c);
    return body.isOk() ? answer(call(body.value)) : sendError(body.error);
  };

  const operationId = (c: Context<AppEnv>) => Number(c.req.param('id'));

  /** Remembers the id of the operation a request started, for its log line. */
  const started = <T extends { readonly id: number }>(c: Context<AppEnv>, result: ResultAsync<T, PromoteError>) =>
    result.map((operation) => {
      c.set('operationId', operation.id);
      return operation;
    });

  /** A page of an operation's results of these kinds, as JSON bytes (written by the store where it can). */
  const listResults = async (c: Context<AppEnv>, entityTypes: readonly [EntityType, ...EntityType[]]): Promise<Response> => {
    const outcome = await promoter.listResultsJson(actor(c), operationId(c), queryObject(c), entityTypes);
    return outcome.isOk() ? jsonBytes(200, outcome.value) : sendError(toHttpError(outcome.error));
  };

  app.use('*', requestTelemetry({ telemetry: options.telemetry, basePath }));
  const limitBody = bodyLimit({ maxSize: maxBodyBytes, onError: () => sendError({ status: 413, body: { detail: `Request body is larger than ${maxBodyBytes} bytes` } }) });
  // Not on a GET or HEAD, whose body no route reads: the limit asks for the request's body, which
  // makes @hono/node-server build a whole fetch Request — a tenth of a result page's time.
  app.use('/api/*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));

  // Operations.
  app.post(allow('POST', '/api/operations/run'), requireUser, noQuery, (c) => withBody(c, (body) => started(c, promoter.run(actor(c), body))));
  app.post(allow('POST', '/api/operations/plan'), requireUser, noQuery, (c) => withBody(c, (body) => promoter.plan(actor(c), body)));
  app.get(allow('GET', '/api/operations'), requireUser, (c) => answer(promoter.listOperations(actor(c), queryObject(c))));
  // Streamed: the envelope, then the results a page at a time from the store (memory flat in their number).
  app.get(allow('GET', `/api/operations/${id}`), requireUser, noQuery, async (c) => {
    const opened = await promoter.streamOperation(actor(c), operationId(c));
    if (opened.isErr()) return sendError(toHttpError(opened.error));
    return streamedOperation(opened.value, (error) => defect(error, c));
  });
  app.get(allow('GET', `/api/operations/${id}/quality-checks`), requireUser, (c) => listResults(c, ['quality_check']));
  app.get(allow('GET', `/api/operations/${id}/fields`), requireUser, (c) => listResults(c, ['computed_field']));
  app.get(allow('GET', `/api/operations/${id}/containers`), requireUser, (c) => listResults(c, ['computed_table', 'computed_file']));
  app.delete(allow('DELETE', `/api/operations/${id}`), requireUser, noQuery, (c) => answer(promoter.deleteOperation(actor(c), operationId(c))));
  app.get(allow('GET', `/api/operations/${id}/events`), requireUser, noQuery, async (c) => {
    const watched = await promoter.watchOperation(actor(c), operationId(c), { signal: c.req.raw.signal });
    if (watched.isErr()) return sendError(toHttpError(watched.error));
    return streamSSE(c, async (stream) => {
      const controller = new AbortController();
      stream.onAbort(() => controller.abort());
      let sequence = 0;
      for await (const event of watched.value) {
        if (stream.aborted) break;
        const data = event.kind === 'error' ? { detail: event.error.message } : event.operation;
        await stream.writeSSE({ event: event.kind, id: String(++sequence), data: JSON.stringify(data) });
      }
    });
  });
  app.put(allow('PUT', `/api/operations/abort/${id}`), requireUser, noQuery, (c) => answer(promoter.abort(actor(c), operationId(c))));
  app.put(allow('PUT', `/api/operations/resume/${id}`), requireUser, noQuery, (c) => answer(promoter.resume(actor(c), operationId(c))));
  app.post(allow('POST', `/api/operations/rerun/${id}`), requireUser, noQuery, (c) => answer(started(c, promoter.rerun(actor(c), operationId(c)))));

  // The world, read-only.
  app.get(allow('GET', '/api/datastores'), requireUser, (c) => answer(promoter.listDatastores(actor(c), queryObject(c))));
  app.get(allow('GET', '/api/containers'), requireUser, (c) => answer(promoter.listContainers(actor(c), queryObject(c))));
  app.get(allow('GET', '/api/quality-checks'), requireUser, (c) => answer(promoter.listChecks(actor(c), queryObject(c))));
  app.get(allow('GET', '/api/computed-fields'), requireUser, (c) => answer(promoter.listComputedFields(actor(c), queryObject(c))));

  // The reference, public.
  app.get(allow('GET', '/api/openapi.json'), () => json(200, openApiDocument(basePath)));
  let docsPage: string | undefined;
  app.get(allow('GET', '/api/docs'), (c) => c.html((docsPage ??= renderDocsPage(openApiDocument(basePath)))));

  // For operators, public (decision 0800): liveness, readiness, metrics.
  const [healthz, readyz, metrics] = operatorRoutes;
  const readiness = options.readiness ?? (() => storeReadiness(promoter));
  const readinessTimeoutMs = options.readinessTimeoutMs ?? defaultReadinessTimeoutMs;
  const uncached = { 'cache-control': 'no-store' };
  app.get(allow('GET', healthz), () => json(200, { status: 'ok' }, uncached));
  app.get(allow('GET', readyz), async () => {
    const answer = await withTimeout(readiness(), readinessTimeoutMs);
    return answer.ready ? json(200, { status: 'ready' }, uncached) : json(503, { status: 'unavailable', reason: answer.reason }, uncached);
  });
  app.get(allow('GET', metrics), async () => {
    const source = options.telemetry?.metrics;
    if (source === undefined) return sendError({ status: 404, body: { detail: 'No metrics: this app was made without telemetry' } });
    if (options.serveMetrics === false) return sendError({ status: 404, body: { detail: 'Metrics are served on another port' } });
    const exposition = await source.call(options.telemetry);
    return new Response(exposition.body, { status: 200, headers: { 'content-type': exposition.contentType, ...uncached } });
  });

  if (page) registerActivityPage(app, { promoter, authenticate, basePath, onDefect: (error, request) => onDefect(error, request, requestIdOf(request)), maxBodyBytes });

  for (const [path, methods] of methodsByPath) {
    const allowHeader = [...new Set(methods.flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method])))].join(', ');
    app.all(path, (c) => sendError({ status: 405, body: { detail: `Method ${c.req.method} not allowed; use ${allowHeader}` }, headers: { Allow: allowHeader } }));
  }

  app.notFound((c) =>
    page && isPagePath(c, basePath)
      ? renderPageError(c, basePath, 404, `There is no page at ${new URL(c.req.url).pathname}`)
      : sendError({ status: 404, body: { detail: `Not Found: ${c.req.method} ${new URL(c.req.url).pathname}` } }));

  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      if (page && isPagePath(c, basePath)) {
        // The page's only refusal of this kind: the CSRF check (a state change from another site).
        const message = error.status === 403 ? 'Refused: this request did not come from this site’s own pages (cross-site request forgery protection). Nothing was changed.' : error.message || 'Bad request';
        return renderPageError(c, basePath, error.status as 400, message);
      }
      return json(error.status, { detail: error.message === '' ? 'Bad request' : error.message });
    }
    // A client that closed mid-request is not a defect of ours, and is gone to read the answer.
    if (isClientDisconnect(error)) return json(400, { detail: clientDisconnectDetail });
    defect(error, c);
    if (page && isPagePath(c, basePath)) return renderPageError(c, basePath, 500, 'Something went wrong on the server; the error was logged.');
    return json(500, { detail: 'Internal server error' });
  });

  return app;
}

/** The default of {@link CreateAppOptions.readiness}: ready when the service's `checkReady()` is, else the store failure's message. */
export function storeReadiness(promoter: Pick<Promoter, 'checkReady'>): Promise<Readiness> {
  return promoter.checkReady().match(
    (): Readiness => ({ ready: true }),
    (error): Readiness => ({ ready: false, reason: error.message }),
  );
}

/** `id` of the operation routes: digits only, so that `/api/operations/run` never reads as an id. */
const id = ':id{[0-9]{1,15}}';

/** What a readiness check answers within `timeoutMs`: not ready when it takes longer or rejects. */
async function withTimeout(check: Promise<Readiness>, timeoutMs: number): Promise<Readiness> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<Readiness>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, reason: `the store did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([check.catch((error: unknown): Readiness => ({ ready: false, reason: error instanceof Error ? error.message : String(error) })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A JSON answer already written as UTF-8. */
function jsonBytes(status: 200, bytes: Uint8Array<ArrayBuffer>): Response {
  return new Response(bytes, { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

function json(status: 200 | ErrorStatus | HTTPException['status'], value: unknown, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/**
 * `{…envelope, "results": [ … ]}` as the JSON of the whole operation would be, written as the
 * client reads it (a pull stream: one page is read from the store per chunk the client takes). A
 * store failure after the status line was sent cannot become a 503 any more: it is told to
 * `onFailure` and the body is cut off, so the client sees an incomplete answer, never a wrong one.
 */
function streamedOperation(operation: OperationStream, onFailure: (error: unknown) => void): Response {
  const head = JSON.stringify({ ...operation.envelope, results: [] });
  const encoder = new TextEncoder();
  const pages = operation.json[Symbol.asyncIterator]();
  const comma = encoder.encode(',');
  let started = false;
  let first = true;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        // The envelope without the closing `]}` of its empty results.
        controller.enqueue(encoder.encode(head.slice(0, -2)));
        return;
      }
      const next = await pages.next();
      if (next.done === true) {
        controller.enqueue(encoder.encode(']}'));
        controller.close();
        return;
      }
      if (next.value.isErr()) {
        onFailure(new Error(describeError(next.value.error)));
        controller.error(new Error('the store failed while the operation was streamed'));
        return;
      }
      // A page is its views' JSON joined by commas, without brackets (the store's own bytes when it
      // writes them): pages are joined by a comma of their own, not copied to prepend one.
      if (!first) controller.enqueue(comma);
      controller.enqueue(next.value.value);
      first = false;
    },
    async cancel() {
      await pages.return?.(undefined);
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
}

function sendError(error: HttpError): Response {
  return json(error.status, error.body, error.headers);
}
