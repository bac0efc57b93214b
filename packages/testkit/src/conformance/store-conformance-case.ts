import type { Store } from '@promote/core';

/**
 * One case of the store conformance suite: plain data, runnable by any test runner. `run` gets a
 * fresh, empty store (the runner closes it afterwards) and throws (node:assert) when the store
 * breaks the contract.
 */
export interface StoreConformanceCase {
  /** What the case checks, prefixed by the method or topic (`commit: …`). */
  readonly name: string;
  /**
   * An optional part of the port the case needs; a store without it skips the case.
   * Default: nothing optional.
   */
  readonly requires?: 'leases' | undefined;
  run(store: Store): Promise<void>;
}
