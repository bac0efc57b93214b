import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAdaptorServer } from '@hono/node-server';

/** Timeouts of the HTTP server, in milliseconds; `0` turns one off. `headersMs` MUST NOT exceed a non-zero `requestMs`. */
export interface ServerTimeouts {
  /** Longest time to receive a whole request, headers and body (Node's `requestTimeout`); then a JSON 408. */
  readonly requestMs: number;
  /** Longest time to receive the headers of a request (Node's `headersTimeout`); then a JSON 408. */
  readonly headersMs: number;
  /** How long an idle keep-alive connection stays open after a response (Node's `keepAliveTimeout`). */
  readonly keepAliveMs: number;
}

/** Defaults of {@link ServerTimeouts}: 30 s for a request, 10 s for its headers, 5 s of keep-alive. */
export const defaultServerTimeouts: ServerTimeouts = { requestMs: 30_000, headersMs: 10_000, keepAliveMs: 5_000 };

/** Options of {@link createHttpServer}. */
export interface HttpServerOptions {
  /** The app's fetch handler (`createApp(…).fetch`). */
  readonly fetch: (request: Request) => Response | Promise<Response>;
  /** Interface the server will listen on (the adaptor's `hostname`). */
  readonly hostname: string;
  /** Default {@link defaultServerTimeouts}. */
  readonly timeouts?: ServerTimeouts | undefined;
}

/**
 * The `node:http` server `promote serve` listens with (not yet listening): the app behind
 * `@hono/node-server`, with request, header and keep-alive timeouts, and a JSON `{"detail": …}`
 * answer (with `Connection: close`) to every request Node's own parser refuses — a malformed
 * request line, headers or URL over 16 KB, `Transfer-Encoding` with `Content-Length`, a request
 * that did not arrive in time — where Node would answer a bare 400, 431 or 408.
 *
 * @example
 * const server = createHttpServer({ fetch: createApp({ promoter }).fetch, hostname: '127.0.0.1' });
 * server.listen(8080, '127.0.0.1');
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const timeouts = options.timeouts ?? defaultServerTimeouts;
  const enabled = [timeouts.requestMs, timeouts.headersMs].filter((ms) => ms > 0);
  const server = createAdaptorServer({
    fetch: options.fetch,
    hostname: options.hostname,
    serverOptions: {
      requestTimeout: timeouts.requestMs,
      headersTimeout: timeouts.headersMs,
      // Node checks the request and header timeouts every `connectionsCheckingInterval` (30 s by
      // default), so a 10 s header timeout could take 40 s; check at a quarter of the shorter one.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, ...enabled.map((ms) => ms / 4))),
      keepAliveTimeout: timeouts.keepAliveMs,
    },
  }) as Server;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.on('clientError', answerClientError);
  return server;
}

/** What Node's parser (or its timeouts) refused, as the API's status and `detail`. */
export function clientErrorAnswer(error: { readonly code?: string | undefined }): { readonly status: number; readonly detail: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'Request line or headers are too large (over 16 KB)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'The request did not arrive in time' };
    case 'HPE_INVALID_METHOD':
      return { status: 501, detail: 'Unknown HTTP method' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, detail: 'Bad request: both Transfer-Encoding and Content-Length' };
    case 'HPE_INVALID_CONTENT_LENGTH':
      return { status: 400, detail: 'Bad request: invalid Content-Length' };
    case 'HPE_INVALID_URL':
      return { status: 400, detail: 'Bad request: invalid URL' };
    default:
      return { status: 400, detail: 'Bad request: malformed HTTP' };
  }
}

const reasons: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large', 501: 'Not Implemented' };

function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A client that went away is told nothing; nor is one whose answer has begun.
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const { status, detail } = clientErrorAnswer(error);
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Bad Request'}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
