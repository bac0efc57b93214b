export { storeOffers, type OptionalStorePart, type StoreConformanceCase } from './store-conformance-case.js';
export { storeConformanceCases } from './store-conformance-cases.js';
export { WorldBuilder } from './world-builder.js';
export { sampleWorld, sampleIds } from './sample-world.js';
export { checkValue, computedFieldValue, fieldValue, tableValue, computedTableValue } from './entity-values.js';
export { operationInput, createdCheckUnit, updatedCheckUnit, skippedCheckUnit, failedCheckUnit } from './commit-fixtures.js';
export { captureStoreState } from './store-state.js';
