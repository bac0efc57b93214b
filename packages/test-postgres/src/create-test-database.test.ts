import pg from 'pg';
import { expect, test } from 'vitest';
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
