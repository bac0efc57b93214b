import { createMemoryStore } from '@promote/store-memory';
import { openSqliteStore } from '@promote/store-sqlite';
import { describeEngineProperties } from '@promote/testkit/vitest';

describeEngineProperties('memory store', { openStore: async (world) => createMemoryStore({ world }) });

describeEngineProperties(
  'SQLite store',
  {
    openStore: async (world) => {
      const store = await openSqliteStore({ filename: ':memory:' });
      await store.importWorld(world);
      return store;
    },
  },
  { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 8) },
);
