import { messages, type OperationRecord } from '../domain/operation.js';
import { isoTimestamp, type Clock } from '../ports/clock.js';
import type { OperationPatch } from '../ports/store.js';
import type { StoreRuntime } from '../ports/store-runtime.js';

/** How an operation's turn ended, for the record. */
export type OperationEnd =
  | { readonly kind: 'completed' }
  | { readonly kind: 'aborted'; readonly by: string | null }
  | { readonly kind: 'failure'; readonly message: string };

/** Attempts of {@link recordEnd} after the first, with pauses of 100, 200, 400 … ms between them. */
const retries = 6;
const firstPauseMs = 100;

/**
 * Records how an operation ended, only from `running` (an abort recorded meanwhile by another
 * engine is never overwritten). The store may be failing right then (the reason the operation
 * ends), so this retries with a growing pause on the clock before giving up; an operation that
 * still could not be finished stays `running` and is found by `recover()` later. Answers the
 * operation as recorded, or `undefined` when this did not record it (not `running` any more, or
 * the store kept failing).
 */
export async function recordEnd(store: StoreRuntime, clock: Clock, id: number, patch: OperationPatch): Promise<OperationRecord | undefined> {
  for (let attempt = 0; ; attempt++) {
    const updated = await store.transitionOperation(id, ['running'], patch);
    if (updated.isOk()) return updated.value;
    if (attempt >= retries) return undefined;
    await clock.sleep(firstPauseMs * 2 ** attempt);
  }
}

/**
 * Ends an operation as its turn ended: `aborted` with who (another engine's abort keeps its own
 * record), `failure` with the message, or — completed — `success` when something was created,
 * updated or skipped or nothing was selected, `failure` when everything failed (§9). Answers what
 * {@link recordEnd} answers.
 */
export async function finishOperation(store: StoreRuntime, clock: Clock, id: number, end: OperationEnd): Promise<OperationRecord | undefined> {
  const now = () => isoTimestamp(clock.now());
  switch (end.kind) {
    case 'aborted':
      return recordEnd(store, clock, id, { result: 'aborted', aborted_by: end.by, end_time: now() });
    case 'failure':
      return recordEnd(store, clock, id, { result: 'failure', end_time: now(), message: end.message });
    case 'completed': {
      const operation = await store.getOperation(id);
      if (operation.isErr() || operation.value === undefined) {
        const message = operation.isErr() ? operation.error.message : `Operation ${id} not found`;
        return recordEnd(store, clock, id, { result: 'failure', end_time: now(), message });
      }
      const { status } = operation.value as OperationRecord;
      const succeeded = status.created + status.updated + status.skipped > 0;
      return recordEnd(store, clock, id, {
        result: status.total === 0 || succeeded ? 'success' : 'failure',
        end_time: now(),
        message: status.total === 0 ? messages.noEntities : null,
      });
    }
  }
}
