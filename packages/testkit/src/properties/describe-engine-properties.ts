import { describe, test } from 'vitest';
import { engineProperties, type EngineProperty, type EnginePropertyOptions } from './engine-properties.js';
import type { EngineUnderTest } from './engine-under-test.js';

/** Options of {@link describeEngineProperties}. */
export interface DescribeEnginePropertiesOptions extends EnginePropertyOptions {
  /** The properties to register. Default: all of {@link engineProperties}. */
  readonly properties?: readonly EngineProperty[] | undefined;
  /** Per-test timeout in ms. Default 120 000. */
  readonly timeout?: number | undefined;
}

/**
 * Registers every engine property as a vitest test, run against `engine` (your store, the reference Dataplane).
 *
 * @example
 * describeEngineProperties('my store', { openStore: async (world) => { const s = await openMyStore(); await s.importWorld(world); return s; } });
 */
export function describeEngineProperties(name: string, engine: EngineUnderTest, options: DescribeEnginePropertiesOptions = {}): void {
  describe(`engine properties: ${name}`, () => {
    for (const property of options.properties ?? engineProperties) {
      test(`${property.name} (${property.spec})`, () => property.check(engine, options), options.timeout ?? 120_000);
    }
  });
}
