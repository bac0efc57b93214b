export { engineProperties, type EngineProperty, type EnginePropertyOptions } from './engine-properties.js';
export { startEngine, runToEnd, entitiesOf, type EngineUnderTest, type StartedEngine } from './engine-under-test.js';
export { arbPromotionScenario, type PromotionScenario, type ScenarioUsers } from './scenario.js';
export { verifyingLinkClaims } from './link-claims.js';
