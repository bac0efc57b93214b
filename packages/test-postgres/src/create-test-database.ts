import { inject } from 'vitest';
import { brokerKey } from './provided-context.js';

/**
 * A new, empty database on the run's PostgreSQL server (see `global-setup.ts`), as a connection
 * string: one per test file is the rule, so that files never see each other's data. `label`
 * (letters, digits; the rest becomes `_`) goes into the database name, to tell them apart when
 * looking at the server.
 *
 * @example
 * const url = await createTestDatabase('store-conformance');
 * const store = await openPostgresStore({ connectionString: url });
 */
export async function createTestDatabase(label: string): Promise<string> {
  const broker = inject(brokerKey);
  if (broker === undefined) throw new Error('No PostgreSQL broker: run the tests with the root vitest.config.ts (its globalSetup starts it)');
  const response = await fetch(`${broker}/databases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label }) });
  const body = (await response.json()) as { readonly url?: string; readonly error?: string };
  if (!response.ok || body.url === undefined) throw new Error(`Could not create a test database: ${body.error ?? response.statusText}`);
  return body.url;
}
