import { ok, ResultAsync, safeTry } from 'neverthrow';
import { messages, type OperationRecord } from '../domain/operation.js';
import type { PromoteError } from '../errors.js';
import type { EngineEvents } from '../ports/engine-events.js';
import { isoTimestamp, type Clock } from '../ports/clock.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import { takeScope } from './scope-lease.js';

/** Options of {@link recoverOperations}. */
export interface RecoverOptions {
  readonly store: StoreRuntime;
  readonly clock: Clock;
  readonly leaseTtlMs: number;
  readonly holderId: string;
  /** Whether a lease holder is certainly gone (see `LeaseHolders.isGone`). */
  readonly isGone?: ((holder: string) => boolean) | undefined;
  /** Whether this engine has a turn for the operation (queued or running): those are left alone. */
  readonly isLocal: (id: number) => boolean;
  /** Told about each operation marked interrupted, and each lease taken over to do it. */
  readonly events?: EngineEvents | undefined;
}

/**
 * Marks operations left `running` by a process that died as `aborted` with the message
 * `interrupted` (§9 recovery). With store leases, an operation whose scope is held by a live
 * process is left alone: its scope is probed with a lease of this engine's own, released at once
 * (a lease of a holder known to be gone — a process of this host that ended — counts as free).
 * Answers the ids it marked.
 */
export function recoverOperations(options: RecoverOptions): ResultAsync<readonly number[], PromoteError> {
  const { store, clock } = options;
  return safeTry(async function* () {
    const orphans = yield* orphanedOperations(options);
    const recovered: number[] = [];
    for (const operation of orphans) {
      const interrupted = yield* store.transitionOperation(operation.id, ['running'], {
        result: 'aborted',
        aborted_by: null,
        end_time: isoTimestamp(clock.now()),
        message: messages.interrupted,
      });
      if (interrupted !== undefined) {
        recovered.push(operation.id);
        options.events?.({ type: 'operation_interrupted', operationId: operation.id });
      }
    }
    return ok(recovered);
  });
}

/**
 * The `running` operations nobody works on: no turn in this engine, and (with store leases) a
 * scope lease that is free, expired or held by a holder known to be gone — probed with a lease of
 * this engine's own, released at once. What {@link recoverOperations} marks interrupted, and what
 * a takeover (§18) continues.
 */
export function orphanedOperations(options: RecoverOptions): ResultAsync<readonly OperationRecord[], PromoteError> {
  const { store, clock } = options;
  return safeTry(async function* () {
    const running = yield* store.listRunningOperations();
    const orphans: OperationRecord[] = [];
    for (const operation of running) {
      if (options.isLocal(operation.id)) continue;
      if (store.hasLeases) {
        const probe = `recovery:${options.holderId}`;
        const scope = operation.destination_scope;
        // Free, expired, or held by a process known to be gone: nobody works on it.
        const onTakeover = (previousHolder: string) => options.events?.({ type: 'lease_taken_over', scope, previousHolder, operationId: operation.id });
        const free = await takeScope({ runtime: store, ttlMs: options.leaseTtlMs, holder: probe, isGone: options.isGone, onTakeover }, scope, clock.now());
        if (free.isErr() || !free.value) continue;
        await store.releaseLease(scope, probe);
      }
      orphans.push(operation);
    }
    return ok(orphans);
  });
}
