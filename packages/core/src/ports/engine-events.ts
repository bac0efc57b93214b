import type { OperationStatus } from '../domain/operation.js';
import type { PromoteResultValue, PromoteType } from '../domain/enums.js';

/*
 * What the engine tells the outside about its work, for logs and metrics (SPEC §18, decision 0800).
 * The core only emits plain events; the edge (`@promote/http/telemetry`) turns them into JSON log
 * lines and Prometheus metrics, so the core depends on no logging or metrics library.
 */

/** `promote` or `revert` (§16): the `type` of an operation. */
export type OperationType = 'promote' | 'revert';

/**
 * How an engine's turn on an operation ended, as this engine recorded it: the operation's `result`,
 * or `unrecorded` when this engine did not record an end — its scope lease was lost (the new owner
 * or recovery records it), or the store kept failing (recovery finds it `running` later).
 */
export type TurnResult = 'success' | 'failure' | 'aborted' | 'unrecorded';

/** Why an engine began a turn on an operation: a new one (`run`, `rerun`), a `resume`d one, or one it `takeover`s from an engine that died (§18). */
export type TurnTrigger = 'new' | 'resume' | 'takeover';

/** An engine began a turn on an operation (see {@link TurnTrigger}). First it waits for its scope. */
export interface OperationStartedEvent {
  readonly type: 'operation_started';
  readonly operationId: number;
  readonly operationType: OperationType;
  readonly promoteType: PromoteType;
  readonly trigger: TurnTrigger;
}

/** The turn announced by {@link OperationStartedEvent} ended. Every started turn ends exactly once. */
export interface OperationEndedEvent {
  readonly type: 'operation_ended';
  readonly operationId: number;
  readonly operationType: OperationType;
  readonly promoteType: PromoteType;
  readonly result: TurnResult;
  /** The operation's message as recorded (`null`: none, or not recorded here). */
  readonly message: string | null;
  /** Its counters as recorded at the end; `undefined` when this engine did not record the end. */
  readonly status: OperationStatus | undefined;
  /** Milliseconds from the start of the turn (its wait for the scope included). */
  readonly durationMs: number;
}

/**
 * A user asked this engine to abort a running operation (`PUT /api/operations/abort/{id}`), told
 * as the abort is sent; the operation's `operation_ended` (in whichever engine runs it) says how it ended.
 */
export interface OperationAbortRequestedEvent {
  readonly type: 'operation_abort_requested';
  readonly operationId: number;
  /** Email of who aborted. */
  readonly by: string;
}

/** Recovery marked an operation that a dead engine left `running` as interrupted (`aborted`, §9). */
export interface OperationInterruptedEvent {
  readonly type: 'operation_interrupted';
  readonly operationId: number;
}

/**
 * This engine took a scope lease from another holder before it expired, that holder being gone
 * (decision 0404). `operationId` is the operation it took the scope for: the one whose turn waited
 * for the scope, or the one recovery then marks interrupted.
 */
export interface LeaseTakenOverEvent {
  readonly type: 'lease_taken_over';
  readonly scope: string;
  readonly previousHolder: string;
  readonly operationId: number;
}

/** One store transaction of an operation's units (§9's atomic units), whether it went through or not. */
export interface CommitEvent {
  readonly type: 'commit';
  readonly operationId: number;
  readonly promoteType: PromoteType;
  /** `committed`; `fenced`: refused because the scope lease was lost (nothing written); `failed`: the store failed. */
  readonly outcome: 'committed' | 'fenced' | 'failed';
  /** Units of the transaction, by their result (all of them, whatever the outcome). */
  readonly results: Readonly<Record<PromoteResultValue, number>>;
  readonly durationMs: number;
}

/** One call of the Dataplane port: a batch of checks validated (or not). */
export interface DataplaneCallEvent {
  readonly type: 'dataplane_call';
  /** The operation it validated for; `null` for a dry run. */
  readonly operationId: number | null;
  readonly checks: number;
  /**
   * `ok`: one outcome per check came back (valid or not); `error`: the call rejected or answered
   * the wrong number; `aborted`: it rejected after the operation was aborted (its answer is not used).
   */
  readonly outcome: 'ok' | 'error' | 'aborted';
  /** Why, when `outcome` is `error` or `aborted`. */
  readonly error?: string | undefined;
  readonly durationMs: number;
}

/** Every event of {@link EngineEvents}, told apart by `type`. */
export type EngineEvent =
  | OperationStartedEvent
  | OperationEndedEvent
  | OperationAbortRequestedEvent
  | OperationInterruptedEvent
  | LeaseTakenOverEvent
  | CommitEvent
  | DataplaneCallEvent;

/**
 * The observer of `PromoterOptions.onEvent`: called synchronously as things happen. It MUST be
 * cheap (it runs between commits); whatever it throws is ignored, so that a broken log or metric
 * never changes an operation.
 */
export type EngineEvents = (event: EngineEvent) => void;

/** `onEvent` made safe to call anywhere: a no-op without one, and never throwing. */
export function engineEvents(onEvent: EngineEvents | undefined): EngineEvents {
  if (onEvent === undefined) return () => undefined;
  return (event) => {
    try {
      onEvent(event);
    } catch {
      // An observer's defect must not become the operation's (see EngineEvents).
    }
  };
}
