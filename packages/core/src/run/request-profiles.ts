import type { OperationRecord } from '../domain/operation.js';
import type { Profiler, ProfileRequest } from '../ports/profiler.js';
import type { StoreRuntime } from '../ports/store-runtime.js';

/**
 * Tells the Profiler which destination containers changed (§12): the container of promoted
 * computed fields (slim), every created or updated computed table or file (full). Checks need none.
 * A rejection goes into the operation's message.
 */
export async function requestProfiles(store: StoreRuntime, profiler: Profiler | undefined, operation: OperationRecord): Promise<void> {
  if (profiler === undefined || operation.promote_type === 'quality_check') return;
  const recorded = await store.listResults(operation.id, { results: ['created', 'updated'] });
  if (recorded.isErr() || recorded.value.items.length === 0) return;
  const requests: ProfileRequest[] =
    operation.promote_type === 'computed_field'
      ? [{ containerId: operation.destination_container?.id ?? 0, depth: 'slim' }]
      : recorded.value.items.flatMap((result) => (result.destination_entity_id === null ? [] : [{ containerId: result.destination_entity_id, depth: 'full' as const }]));
  try {
    await profiler.requestProfiles(operation.id, requests);
  } catch (error) {
    const current = await store.getOperation(operation.id);
    const previous = current.isOk() ? (current.value?.message ?? null) : null;
    const text = `Profiling request failed: ${error instanceof Error ? error.message : String(error)}`;
    await store.updateOperation(operation.id, { message: previous === null ? text : `${previous}; ${text}` });
  }
}
