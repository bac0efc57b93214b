import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

/** One answered request, as the app tells {@link AppTelemetry.request} about it. Never a header, a body or a query string. */
export interface RequestRecord {
  /** The request's `X-Request-Id` when it sent a usable one, else one the app made (a UUID); the answer echoes it. */
  readonly requestId: string;
  readonly method: string;
  /** The URL's path, without its query string. */
  readonly path: string;
  /** The route that answered, as documented (`/api/operations/{id}`, without the base path), or `unmatched`: bounded, for metric labels. */
  readonly route: string;
  readonly status: number;
  /** Milliseconds until the answer's status and headers were ready (a streamed body may go on after). */
  readonly durationMs: number;
  /** Email of the authenticated user, when the request had one. */
  readonly user: string | undefined;
  /** The operation the request named in its path, or started (`run`, `rerun`). */
  readonly operationId: number | undefined;
}

/** What `GET /metrics` answers: a Prometheus text exposition. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

/**
 * What the app tells about itself, for logs and metrics (`createApp({ telemetry })`). The app
 * depends on no logging or metrics library: `createTelemetry()` of `@promote/http/telemetry`
 * implements this with pino and prom-client, and any other implementation works too.
 */
export interface AppTelemetry {
  /** Told once per answered request, when its status is known. Called synchronously; MUST NOT throw. */
  request(record: RequestRecord): void;
  /** The metrics `GET /metrics` answers. Without it, `/metrics` answers 404. */
  metrics?(): Promise<MetricsExposition>;
}

/** The routes of the operators, outside `/api`, public: a load balancer or Prometheus has no user's token. */
export const operatorRoutes = ['/healthz', '/readyz', '/metrics'] as const;

/** The request ids the app takes from `X-Request-Id`: short and plain, so a log line never carries what a client smuggles in. */
const usableRequestId = /^[A-Za-z0-9._:=-]{1,128}$/;

/** Options of {@link requestTelemetry}. */
export interface RequestTelemetryOptions {
  readonly telemetry: AppTelemetry | undefined;
  /** The app's base path, left out of {@link RequestRecord.route}. */
  readonly basePath: string;
}

/** The id {@link requestTelemetry} gave each request in flight, for code that has the request but not its context. */
const requestIds = new WeakMap<Request, string>();

/** The id of a request the app is answering (see {@link RequestRecord.requestId}); `-` for one it never saw. */
export function requestIdOf(request: Request): string {
  return requestIds.get(request) ?? '-';
}

/**
 * A registered route path as documented: without the base path, `:id{[0-9]{1,15}}` as `{id}`; a
 * middleware's pattern (the request matched no route: a 404) is `unmatched`.
 */
export function documentedRoute(registered: string, basePath: string): string {
  if (registered === '' || registered.includes('*')) return 'unmatched';
  const path = basePath !== '' && registered.startsWith(basePath) ? registered.slice(basePath.length) || '/' : registered;
  return path.replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, '{$1}');
}

/** Variables the middleware reads from handlers (see {@link requestTelemetry}). */
export interface TelemetryVariables {
  /** The request's id (see {@link RequestRecord.requestId}). */
  requestId: string;
  /** Set by a handler that started an operation, for {@link RequestRecord.operationId}. */
  operationId: number;
  /** The authenticated user, set by the app's authentication. */
  user: { readonly email: string };
}

/**
 * The first middleware of the app: gives every request an id (its own `X-Request-Id` when usable,
 * else a new UUID), echoes it in the answer's `X-Request-Id`, and tells the telemetry about the
 * answer once it is ready.
 */
export function requestTelemetry(options: RequestTelemetryOptions): MiddlewareHandler<{ Variables: TelemetryVariables }> {
  return async (c, next) => {
    const started = performance.now();
    const given = c.req.header('x-request-id');
    const requestId = given !== undefined && usableRequestId.test(given) ? given : crypto.randomUUID();
    c.set('requestId', requestId);
    requestIds.set(c.req.raw, requestId);
    await next();
    c.res.headers.set('X-Request-Id', requestId);
    options.telemetry?.request({
      requestId,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      route: documentedRoute(routePath(c), options.basePath),
      status: c.res.status,
      durationMs: performance.now() - started,
      user: c.get('user')?.email,
      operationId: operationIdOf(c),
    });
  };
}

function operationIdOf(c: Context<{ Variables: TelemetryVariables }>): number | undefined {
  const started = c.get('operationId');
  if (started !== undefined) return started;
  const named = routePath(c).includes(':id') ? Number(c.req.param('id')) : Number.NaN;
  return Number.isSafeInteger(named) ? named : undefined;
}
