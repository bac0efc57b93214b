import { openPostgresStore } from '@promote/store-postgres';
import { createTestDatabase } from '@promote/test-postgres';
import { describeEngineProperties } from '@promote/testkit/vitest';

// The testkit's engine properties on the PostgreSQL store (a file of its own, so that it runs beside
// the memory and SQLite ones): one database for the file, one new, freshly migrated schema per store.
const connectionString = await createTestDatabase('engine-properties');
let schemas = 0;

describeEngineProperties(
  'PostgreSQL store',
  {
    openStore: async (world) => {
      const store = await openPostgresStore({ connectionString, schema: `engine_${(schemas += 1)}` });
      await store.importWorld(world);
      return store;
    },
  },
  // A store takes about half a second to migrate here: fewer runs than SQLite's 8 by default.
  { numRuns: Number(process.env['FC_NUM_RUNS'] ?? 3) },
);
