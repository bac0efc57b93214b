import { closeCases } from './cases/close-cases.js';
import { commitCases } from './cases/commit-cases.js';
import { copyCases } from './cases/copy-cases.js';
import { deleteCases } from './cases/delete-cases.js';
import { editCases } from './cases/edit-cases.js';
import { idCases } from './cases/id-cases.js';
import { leaseCases } from './cases/lease-cases.js';
import { lineageCases } from './cases/lineage-cases.js';
import { operationCases } from './cases/operation-cases.js';
import { readCases } from './cases/read-cases.js';
import { readyCases } from './cases/ready-cases.js';
import { renderCases, renderRangeCases } from './cases/render-cases.js';
import { resultCases } from './cases/result-cases.js';
import { worldCases } from './cases/world-cases.js';
import type { StoreConformanceCase } from './store-conformance-case.js';

/**
 * Every case of the store conformance suite, as plain data (no test runner involved): each gets a
 * fresh empty store and throws when the store breaks the contract of the Store port. Run them with
 * {@link describeStoreConformance} under vitest, or loop over them with any other runner, on the
 * store as the engine sees it (`guardStore` from `@promote/core`: the runtime owns use-after-close
 * and the argument checks, so an adapter need not):
 *
 * @example
 * for (const conformanceCase of storeConformanceCases) {
 *   const store = guardStore(await openStore());
 *   try { await conformanceCase.run(store); } finally { await store.close(); }
 * }
 */
export const storeConformanceCases: readonly StoreConformanceCase[] = [
  ...worldCases,
  ...readCases,
  ...idCases,
  ...copyCases,
  ...commitCases,
  ...lineageCases,
  ...resultCases,
  ...renderCases,
  ...renderRangeCases,
  ...operationCases,
  ...deleteCases,
  ...editCases,
  ...leaseCases,
  ...readyCases,
  ...closeCases,
];
