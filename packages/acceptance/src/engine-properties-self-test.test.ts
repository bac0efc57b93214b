import { describe, expect, test } from 'vitest';
import type { Dataplane, Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { engineProperties, type EngineUnderTest } from '@promote/testkit';

/** A memory store with one method replaced. */
function brokenStore(override: (store: Store) => Partial<Store>): EngineUnderTest {
  return {
    openStore: async (world) => {
      const store = createMemoryStore({ world });
      const replaced = override(store);
      return new Proxy(store, { get: (target, key, receiver) => (key in replaced ? replaced[key as keyof Store] : Reflect.get(target, key, receiver)) as unknown });
    },
  };
}

const mutants: Record<string, EngineUnderTest> = {
  'a store that drops writes (records the result, not the entity)': brokenStore((store) => ({
    commit: (units) => store.commit(units.map(({ write: _write, ...unit }) => ({ ...unit, result: unit.result === 'created' ? 'skipped' : unit.result, destination_entity_id: unit.destination_entity_id ?? 1 }))),
  })),
  'a store that lists results in reverse': brokenStore((store) => ({
    listResults: async (operationId, query) => {
      const page = await store.listResults(operationId, query);
      return { ...page, items: [...page.items].reverse() };
    },
  })),
  'a store that forgets lineage': brokenStore(() => ({ findLineage: async () => [] })),
  'a dataplane that validates nothing': {
    openStore: async (world) => createMemoryStore({ world }),
    wrapDataplane: (): Dataplane => ({ validate: async (_target, items) => items.map(() => ({ valid: true as const })) }),
  },
  'a dataplane that ignores batch errors': {
    openStore: async (world) => createMemoryStore({ world }),
    wrapDataplane: (inner): Dataplane => ({
      validate: (target, items, signal) => inner.validate(target, items, signal).catch(() => items.map(() => ({ valid: true as const }))),
    }),
  },
};

/**
 * The first property that catches the engine, or `undefined`. On a fixed seed: the question is
 * whether the properties can catch each mutant, and with random seeds 40 runs sometimes missed the
 * rarest one (a batch error, then a check that would fail validation) — a flaky test, not a finding.
 */
async function firstFailure(engine: EngineUnderTest): Promise<string | undefined> {
  for (const property of engineProperties) {
    try {
      await property.check(engine, { numRuns: 40, seed: 20261202 });
    } catch {
      return property.name;
    }
  }
  return undefined;
}

describe('the engine properties catch broken stores and dataplanes (self-test)', () => {
  test.each(Object.entries(mutants))('%s', async (_name, engine) => {
    expect(await firstFailure(engine)).toBeDefined();
  }, 300_000);

  test('and pass on the real memory store', async () => {
    expect(await firstFailure({ openStore: async (world) => createMemoryStore({ world }) })).toBeUndefined();
  }, 300_000);
});
