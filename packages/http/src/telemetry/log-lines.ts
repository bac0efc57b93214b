import type { EngineEvent } from '@promote/core';
import type { Logger } from 'pino';
import { operatorRoutes, type RequestRecord } from '../app-telemetry.js';

/** Milliseconds, to a tenth: enough for a log line. */
const ms = (durationMs: number) => Math.round(durationMs * 10) / 10;

/**
 * One JSON log line per engine event (docs/operations.md lists the fields): operations' starts
 * (takeovers at `warn`), ends, abort requests, interruptions and lease takeovers at `info` or
 * `warn`; every commit and Dataplane call at `debug`, or `warn` when it failed.
 */
export function logEngineEvent(logger: Logger, event: EngineEvent): void {
  switch (event.type) {
    case 'operation_started': {
      const fields = { event: event.type, operation_id: event.operationId, type: event.operationType, promote_type: event.promoteType, trigger: event.trigger };
      // A takeover means that the instance running it stopped: worth a look.
      if (event.trigger === 'takeover') logger.warn(fields, `operation ${event.operationId} taken over: the instance running it stopped or lost its lease`);
      else logger.info(fields, `operation ${event.operationId} started`);
      return;
    }
    case 'operation_ended': {
      const fields = {
        event: event.type,
        operation_id: event.operationId,
        type: event.operationType,
        promote_type: event.promoteType,
        result: event.result,
        message: event.message,
        ...(event.status === undefined ? {} : { status: event.status }),
        duration_ms: ms(event.durationMs),
      };
      const text = `operation ${event.operationId} ended: ${event.result}`;
      if (event.result === 'success' || event.result === 'aborted') logger.info(fields, text);
      else logger.warn(fields, text);
      return;
    }
    case 'operation_abort_requested':
      logger.info({ event: event.type, operation_id: event.operationId, aborted_by: event.by }, `operation ${event.operationId} abort requested`);
      return;
    case 'operation_interrupted':
      logger.warn({ event: event.type, operation_id: event.operationId }, `operation ${event.operationId} marked interrupted: the instance running it stopped`);
      return;
    case 'lease_taken_over':
      logger.info(
        { event: event.type, operation_id: event.operationId, scope: event.scope, previous_holder: event.previousHolder },
        `lease of ${event.scope} taken over from a holder that is gone`,
      );
      return;
    case 'commit': {
      const fields = { event: event.type, operation_id: event.operationId, outcome: event.outcome, ...event.results, duration_ms: ms(event.durationMs) };
      if (event.outcome === 'committed') logger.debug(fields, 'commit');
      else logger.warn(fields, `commit ${event.outcome}`);
      return;
    }
    case 'dataplane_call': {
      const fields = { event: event.type, operation_id: event.operationId, checks: event.checks, outcome: event.outcome, error: event.error, duration_ms: ms(event.durationMs) };
      if (event.outcome === 'error') logger.warn(fields, 'dataplane call failed');
      else logger.debug(fields, event.outcome === 'ok' ? 'dataplane call' : 'dataplane call aborted');
      return;
    }
    default:
      event satisfies never;
  }
}

const probes: ReadonlySet<string> = new Set(operatorRoutes);

/**
 * One JSON log line per answered request: `error` for a 5xx, `info` otherwise — except the
 * probes and scrapes (`/healthz`, `/readyz`, `/metrics`), which come every few seconds: `debug`
 * when they succeed, `warn` when not. Never a header, a body or a query string.
 */
export function logRequest(logger: Logger, record: RequestRecord): void {
  const fields = {
    request_id: record.requestId,
    method: record.method,
    path: record.path,
    route: record.route,
    status: record.status,
    duration_ms: ms(record.durationMs),
    ...(record.user === undefined ? {} : { user: record.user }),
    ...(record.operationId === undefined ? {} : { operation_id: record.operationId }),
  };
  const text = `${record.method} ${record.path} ${record.status}`;
  if (probes.has(record.route)) {
    if (record.status < 400) logger.debug(fields, text);
    else logger.warn(fields, text);
  } else if (record.status >= 500) logger.error(fields, text);
  else logger.info(fields, text);
}
