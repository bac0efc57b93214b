/**
 * fast-check arbitraries for the Promote engine: generated worlds and the scopes a promotion runs
 * between, valid and almost-valid request bodies, user edits on either side, and `fcNumRuns` for the
 * run count every property test uses.
 */
export { fcNumRuns } from './fc-num-runs.js';
export {
  arbPromotionWorld,
  checkTagPool,
  extraTagPool,
  type ContainerScope,
  type PromotionWorld,
  type PromotionWorldOptions,
} from './arb-promotion-world.js';
export { arbCheckProperties, validPatterns, invalidPatterns, type CheckPropertiesContext } from './arb-check-properties.js';
export { arbQualityCheckRequest, type QualityCheckRequestInput } from './arb-quality-check-request.js';
export { arbSourceEdit, arbDestinationEdit, editToWorldEdits, type EditIntent } from './arb-edits.js';
export { applyWorldEdits } from './apply-world-edits.js';
export { arbJsonBody, arbValidPromoteBody } from './arb-json-body.js';
export { applyCasing, arbCasing, type Casing } from './casing.js';
export type { WorldUsers } from './arb-helpers.js';
export {
  arbComputedFieldWorld,
  computedFieldTagPool,
  type ComputedFieldWorld,
  type ComputedFieldWorldOptions,
} from './arb-computed-field-world.js';
export { arbComputedFieldRequest, type ComputedFieldRequestInput } from './arb-computed-field-request.js';
export {
  arbComputedContainerWorld,
  computedContainerTagPool,
  type ComputedContainerKind,
  type ComputedContainerWorld,
  type ComputedContainerWorldOptions,
  type ComputedFileWorld,
  type ComputedTableWorld,
  type DatastoreScope,
} from './arb-computed-container-world.js';
export {
  arbComputedTableRequest,
  arbComputedFileRequest,
  type ComputedTableRequestInput,
  type ComputedFileRequestInput,
} from './arb-computed-container-request.js';
