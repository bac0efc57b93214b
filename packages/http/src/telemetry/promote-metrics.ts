import { promoteResults, promoteTypes, type EngineEvent, type OperationType, type TurnResult } from '@promote/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestRecord } from '../app-telemetry.js';

/** Options of {@link createPromoteMetrics}. */
export interface PromoteMetricsOptions {
  /** The registry to register in. Default: a new one, never prom-client's global registry. */
  readonly registry?: Registry | undefined;
  /** Also collect prom-client's process metrics (CPU, memory, event loop lag, …). Default `false`. */
  readonly processMetrics?: boolean | undefined;
}

/** The engine's and the app's Prometheus metrics, fed with events (see {@link createPromoteMetrics}). */
export interface PromoteMetrics {
  readonly registry: Registry;
  /** Counts an engine event (`PromoterOptions.onEvent`). */
  observeEvent(event: EngineEvent): void;
  /** Counts an answered request (`AppTelemetry.request`). */
  observeRequest(record: RequestRecord): void;
}

const operationTypes: readonly OperationType[] = ['promote', 'revert'];
const turnResults: readonly TurnResult[] = ['success', 'failure', 'aborted', 'unrecorded'];
const triggers = ['new', 'resume', 'takeover'] as const;
const commitOutcomes = ['committed', 'fenced', 'failed'] as const;
const callOutcomes = ['ok', 'error', 'aborted'] as const;

/**
 * The metrics of docs/operations.md, in a registry of their own (several apps in one process never
 * share one): operations started and ended by type, promote type and result, in flight, entities
 * by result, commit and Dataplane call durations, lease takeovers, interrupted operations and HTTP
 * requests. Every series of a bounded label set starts at 0, so that a rate or an alert works
 * from the first scrape.
 */
export function createPromoteMetrics(options: PromoteMetricsOptions = {}): PromoteMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });

  const started = new Counter({
    name: 'promote_operations_started_total',
    help: 'Operation turns this instance started: new operations (run, rerun), resumed ones, and ones taken over from an instance that died',
    labelNames: ['type', 'promote_type', 'trigger'] as const,
    registers,
  });
  const ended = new Counter({
    name: 'promote_operations_ended_total',
    help: 'Operation turns this instance ended, by the result it recorded (unrecorded: left to the instance that took the scope, or to recovery)',
    labelNames: ['type', 'promote_type', 'result'] as const,
    registers,
  });
  const inFlight = new Gauge({
    name: 'promote_operations_in_flight',
    help: 'Operation turns running in this instance now: waiting for their scope, planning, validating or writing',
    registers,
  });
  const entities = new Counter({
    name: 'promote_entities_total',
    help: 'Entities whose result this instance committed, by entity type and result',
    labelNames: ['entity_type', 'result'] as const,
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'promote_commit_duration_seconds',
    help: 'Store transactions of atomic units (writes, result rows, lineage, counters), by outcome (fenced: the scope lease was lost)',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers,
  });
  const dataplaneSeconds = new Histogram({
    name: 'promote_dataplane_call_duration_seconds',
    help: 'Dataplane validate calls, one batch of checks each, by outcome (error: the call failed the whole batch; aborted: it stopped because the operation was aborted)',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const takeovers = new Counter({
    name: 'promote_lease_takeovers_total',
    help: 'Operations this instance took over: left running by an instance that died or whose lease lapsed, continued here',
    registers,
  });
  const interrupted = new Counter({
    name: 'promote_operations_interrupted_total',
    help: 'Operations left running by a dead instance that recovery in this instance marked interrupted (aborted, resumable)',
    registers,
  });
  const httpSeconds = new Histogram({
    name: 'promote_http_request_duration_seconds',
    help: 'HTTP requests answered, by method, route and status, until the answer head was ready',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  for (const type of operationTypes) {
    for (const promoteType of promoteTypes) {
      for (const trigger of triggers) started.inc({ type, promote_type: promoteType, trigger }, 0);
      for (const result of turnResults) ended.inc({ type, promote_type: promoteType, result }, 0);
    }
  }
  for (const entityType of promoteTypes) for (const result of promoteResults) entities.inc({ entity_type: entityType, result }, 0);
  for (const outcome of commitOutcomes) commitSeconds.zero({ outcome });
  for (const outcome of callOutcomes) dataplaneSeconds.zero({ outcome });

  return {
    registry,
    observeEvent(event) {
      switch (event.type) {
        case 'operation_started':
          started.inc({ type: event.operationType, promote_type: event.promoteType, trigger: event.trigger });
          if (event.trigger === 'takeover') takeovers.inc();
          inFlight.inc();
          return;
        case 'operation_ended':
          ended.inc({ type: event.operationType, promote_type: event.promoteType, result: event.result });
          inFlight.dec();
          return;
        case 'commit':
          commitSeconds.observe({ outcome: event.outcome }, event.durationMs / 1000);
          // A commit that did not go through wrote nothing.
          if (event.outcome === 'committed') {
            for (const result of promoteResults) if (event.results[result] > 0) entities.inc({ entity_type: event.promoteType, result }, event.results[result]);
          }
          return;
        case 'dataplane_call':
          dataplaneSeconds.observe({ outcome: event.outcome }, event.durationMs / 1000);
          return;
        case 'operation_interrupted':
          interrupted.inc();
          return;
        // Logged only: a lease taken from a holder known to be gone comes with the takeover or the
        // interruption of its operation, which are counted.
        case 'lease_taken_over':
        case 'operation_abort_requested':
          return;
        default:
          event satisfies never;
      }
    },
    observeRequest(record) {
      httpSeconds.observe({ method: record.method, route: record.route, status: String(record.status) }, record.durationMs / 1000);
    },
  };
}
