import { createTestDatabase } from '@promote/test-postgres';
import { describeStoreConformance } from '@promote/testkit/vitest';
import { openPostgresStore } from './index.js';

// One database for the file, one new schema per case: every case starts on an empty, freshly migrated store.
const connectionString = await createTestDatabase('store-conformance');
let schemas = 0;
describeStoreConformance('postgres store', () => openPostgresStore({ connectionString, schema: `case_${(schemas += 1)}` }));
