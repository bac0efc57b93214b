import type { Store } from '@promote/core';

/**
 * Everything observable about a store that a write could change — the world with its lineage, the
 * given operations with their results, and the running operations — for asserting that a rejected
 * call left no trace.
 */
export async function captureStoreState(store: Store, operationIds: readonly number[] = []): Promise<unknown> {
  return {
    world: await store.exportWorld(),
    operations: await Promise.all(operationIds.map((id) => store.getOperation(id))),
    results: await Promise.all(operationIds.map((id) => store.listResults(id))),
    running: await store.listRunningOperations(),
  };
}
