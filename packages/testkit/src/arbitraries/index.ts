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
