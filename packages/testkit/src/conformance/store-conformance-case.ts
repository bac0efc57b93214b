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
  readonly requires?: OptionalStorePart | undefined;
  run(store: Store): Promise<void>;
}

/** The optional parts of the Store port a conformance case may need. */
export type OptionalStorePart = 'leases' | 'lease-takeover' | 'summarise' | 'check-keys' | 'ready' | 'render-result-views' | 'render-result-range';

/** Whether `store` offers an optional part of the port (a runner skips the cases that need one it lacks). */
export function storeOffers(store: Store, part: OptionalStorePart | undefined): boolean {
  switch (part) {
    case undefined:
      return true;
    case 'leases':
      return store.leases !== undefined;
    case 'lease-takeover':
      return store.leases?.holderOf !== undefined && store.leases.takeOver !== undefined;
    case 'summarise':
      return store.summarise !== undefined;
    case 'check-keys':
      return store.listCheckKeys !== undefined;
    case 'ready':
      return store.checkReady !== undefined;
    case 'render-result-views':
      return store.renderResultViews !== undefined;
    case 'render-result-range':
      return store.renderResultRange !== undefined;
  }
}
