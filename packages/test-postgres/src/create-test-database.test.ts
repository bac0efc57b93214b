import pg from 'pg';
import { expect, test } from 'vitest';
import { startDatabaseBroker } from './database-broker.js';
import { createTestDatabase } from './index.js';

test('each call gives a new, empty database on a real PostgreSQL server', async () => {
  const [first, second] = await Promise.all([createTestDatabase('broker-self-test'), createTestDatabase('broker-self-test')]);
  expect(first).not.toBe(second);
  for (const url of [first, second]) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ database: string; tables: string; version: string }>(
        `select current_database() as database, (select count(*) from information_schema.tables where table_schema = 'public')::text as tables, current_setting('server_version_num') as version`,
      );
      expect(rows[0]?.database).toBe(new URL(url).pathname.slice(1));
      expect(rows[0]?.tables).toBe('0');
      expect(Number(rows[0]?.version)).toBeGreaterThanOrEqual(130000);
    } finally {
      await client.end();
    }
  }
});

test('on a server from outside (PROMOTE_TEST_POSTGRES_URL), the broker creates databases there and drops them when the run ends', async () => {
  // The run's own server plays the server from outside.
  const server = new URL(await createTestDatabase('broker-outside'));
  server.pathname = '/postgres';
  const broker = await startDatabaseBroker({ serverUrl: server.toString() });
  const exists = async (name: string) => {
    const client = new pg.Client({ connectionString: server.toString() });
    await client.connect();
    try {
      return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  };
  let name = '';
  try {
    expect(broker.serverUsed).toBe(false);
    const response = await fetch(`${broker.address}/databases`, { method: 'POST', body: JSON.stringify({ label: 'Outside Server!' }) });
    const { url } = (await response.json()) as { url: string };
    name = new URL(url).pathname.slice(1);
    expect(name).toMatch(/^promote_outside_server_1_[0-9a-f]{6}$/);
    expect(new URL(url).host).toBe(server.host);
    expect(await exists(name)).toBe(true);
    expect(broker.serverUsed).toBe(true);
    expect((await fetch(`${broker.address}/other`)).status).toBe(404);
  } finally {
    await broker.close();
  }
  expect(await exists(name)).toBe(false);
});
