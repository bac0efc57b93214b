import { hostname } from 'node:os';
import type { EngineEvent } from '@promote/core';
import { pino, type DestinationStream, type Level, type LevelWithSilent, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AppTelemetry, MetricsExposition, RequestRecord } from '../app-telemetry.js';
import { logEngineEvent, logRequest } from './log-lines.js';
import { createPromoteMetrics } from './promote-metrics.js';

/** The levels of `promote serve --log-level`, most severe first, then `silent`. */
export const logLevels: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Options of {@link createTelemetry}. */
export interface TelemetryOptions {
  /** Lowest level written. Default `info`; `silent` writes nothing. */
  readonly level?: LevelWithSilent | undefined;
  /** Where the JSON lines go: anything with `write(line)`. Default: standard output, synchronously. */
  readonly destination?: DestinationStream | undefined;
  /** Fields on every line besides `time`, `level`, `pid` and `hostname`, e.g. `{ holder: holderId }`. */
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag, …). Default `false`. */
  readonly processMetrics?: boolean | undefined;
}

/**
 * pino log lines and prom-client metrics for one app and its engine: give `onEvent` to
 * `createPromoter`, the telemetry itself to `createApp`, and `logDefect` as its `onDefect`.
 */
export interface Telemetry extends AppTelemetry {
  readonly logger: Logger;
  /** The app's own registry (never prom-client's global one). */
  readonly registry: Registry;
  /** For `PromoterOptions.onEvent`: a log line and the metrics of each engine event. */
  onEvent(event: EngineEvent): void;
  /** For `CreateAppOptions.onDefect`: an `error` line with the defect's stack and the request's id. */
  logDefect(error: unknown, request: Request, requestId: string): void;
  request(record: RequestRecord): void;
  metrics(): Promise<MetricsExposition>;
}

/**
 * Structured JSON logs (pino: one object per line, `time` in ISO 8601, `level` by name) and
 * Prometheus metrics (prom-client, in a registry of its own) for the engine and the HTTP app.
 * Nothing secret is ever logged: no header, no body, no query string; an `authorization` or
 * `token` field given to the logger is written as `***` all the same.
 *
 * @example
 * const telemetry = createTelemetry({ level: 'info' });
 * const promoter = createPromoter({ store, dataplane, onEvent: telemetry.onEvent });
 * const app = createApp({ promoter, telemetry, onDefect: telemetry.logDefect });
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid, hostname: hostname(), ...options.fields },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['authorization', 'token', '*.authorization', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '***' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const metrics = createPromoteMetrics({ processMetrics: options.processMetrics });
  return {
    logger,
    registry: metrics.registry,
    onEvent(event) {
      metrics.observeEvent(event);
      logEngineEvent(logger, event);
    },
    request(record) {
      metrics.observeRequest(record);
      logRequest(logger, record);
    },
    logDefect(error, request, requestId) {
      logger.error({ err: error, request_id: requestId, method: request.method, path: new URL(request.url).pathname }, 'internal error');
    },
    async metrics() {
      return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
  };
}

/** Whether `text` names a level of {@link logLevels}. */
export function isLogLevel(text: string): text is LevelWithSilent {
  return (logLevels as readonly string[]).includes(text);
}

export type { Level, LevelWithSilent };
