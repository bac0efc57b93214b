import { errAsync, type ResultAsync } from 'neverthrow';
import type { InvalidWorldError, StoreFailureError } from '../errors.js';
import type { Store } from '../ports/store.js';
import { fromStore } from '../ports/store-runtime.js';
import { parseWorldSnapshot, toWorldSnapshot, type WorldSnapshot } from './snapshot.js';
import type { World } from './world.js';

/**
 * Validates a world snapshot (§14) and imports it into an empty store. With any problem in the
 * snapshot nothing is loaded and every problem is returned.
 */
export function loadWorld(store: Store, snapshot: unknown): ResultAsync<World, InvalidWorldError | StoreFailureError> {
  const parsed = parseWorldSnapshot(snapshot);
  if (parsed.isErr()) return errAsync(parsed.error);
  return fromStore(() => store.importWorld(parsed.value)).map(() => parsed.value);
}

/** The world snapshot document (§14) of what a store holds, lineage included. */
export function exportWorldSnapshot(store: Store): ResultAsync<WorldSnapshot, StoreFailureError> {
  return fromStore(() => store.exportWorld()).map(toWorldSnapshot);
}
