import { guardStore, type Store } from '@promote/core';
import { describe, test } from 'vitest';
import { storeOffers, type StoreConformanceCase } from './store-conformance-case.js';
import { storeConformanceCases } from './store-conformance-cases.js';

/** Options of {@link describeStoreConformance}. */
export interface DescribeStoreConformanceOptions {
  /** The cases to register; default: {@link storeConformanceCases}, all of them. */
  readonly cases?: readonly StoreConformanceCase[] | undefined;
}

/**
 * Registers the store conformance suite with vitest: one `describe(name)` holding one `test` per
 * case, each on a fresh store from `factory` under the engine's store runtime (`guardStore`: what
 * the engine sees of an adapter), closed afterwards. A case needing an optional part of the port
 * that the store lacks (`leases`) is skipped.
 *
 * @example
 * // packages/store-memory/src/conformance.test.ts
 * describeStoreConformance('memory store', () => createMemoryStore());
 */
export function describeStoreConformance(
  name: string,
  factory: () => Store | Promise<Store>,
  options: DescribeStoreConformanceOptions = {},
): void {
  describe(name, () => {
    for (const conformanceCase of options.cases ?? storeConformanceCases) {
      test(conformanceCase.name, async (context) => {
        const store = guardStore(await factory());
        try {
          if (!storeOffers(store, conformanceCase.requires)) {
            context.skip(`the store does not offer ${String(conformanceCase.requires)}`);
            return;
          }
          await conformanceCase.run(store);
        } finally {
          await store.close();
        }
      });
    }
  });
}
