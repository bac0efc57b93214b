/**
 * The vitest registrars of the testkit, apart from the main entry so that other runners can use
 * the plain cases and properties without vitest installed: `import { describeStoreConformance } from '@promote/testkit/vitest'`.
 */
export { describeStoreConformance, type DescribeStoreConformanceOptions } from './conformance/describe-store-conformance.js';
export { describeEngineProperties, type DescribeEnginePropertiesOptions } from './properties/describe-engine-properties.js';
export { testProp } from './properties/test-prop.js';
