import { openPostgresStore } from '@promote/store-postgres';
import { createTestDatabase } from '@promote/test-postgres';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { createTelemetry } from './telemetry/index.js';
import { exampleJson, exampleWorld, pollUntilFinished, testApi } from './testing/fixtures.js';

const url = await createTestDatabase('http-readiness');
const name = new URL(url).pathname.slice(1);
// The operator's session, on the maintenance database: a database cannot close itself to connections.
const maintenance = new URL(url);
maintenance.pathname = '/postgres';
const control = new pg.Client({ connectionString: maintenance.toString() });
await control.connect();
const admin = new pg.Client({ connectionString: url });
afterAll(async () => {
  await control.query(`alter database ${pg.escapeIdentifier(name)} allow_connections true`);
  await Promise.all([control.end(), admin.end().catch(() => undefined)]);
});

describe('GET /readyz on a real PostgreSQL server', () => {
  test('ready while the database answers and is migrated; 503 with the reason when it goes away or loses its migrations; ready again when it is back', async () => {
    const store = await openPostgresStore({ connectionString: url, connectTimeoutMs: 2_000 });
    await store.importWorld(exampleWorld());
    const telemetry = createTelemetry({ level: 'silent' });
    const api = testApi({ store, promoter: { onEvent: telemetry.onEvent }, app: { telemetry } });
    const ready = () => api.call('GET', '/readyz', { token: null });
    try {
      expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready' } });

      // A real promotion on PostgreSQL shows in the metrics.
      const started = await api.call('POST', '/api/operations/run', { json: exampleJson('requests/qc-seed.json') });
      expect((await pollUntilFinished(api, started.body.id)).body).toMatchObject({ result: 'success', status: { created: 3, updated: 1, skipped: 1 } });
      const metrics = (await api.call('GET', '/metrics', { token: null })).text;
      expect(metrics).toMatch(/^promote_entities_total\{entity_type="quality_check",result="created"\} 3$/m);
      expect(metrics).toMatch(/^promote_operations_ended_total\{type="promote",promote_type="quality_check",result="success"\} 1$/m);

      // The database goes away: every session ended, no new one allowed.
      await control.query(`alter database ${pg.escapeIdentifier(name)} allow_connections false`);
      await control.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      // pg_terminate_backend only signals: wait until the sessions are gone, so that none of them
      // is still alive to answer a probe below.
      for (let left = Infinity; left > 0; ) {
        left = Number((await control.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name])).rows[0]!.n);
        if (left > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const away = await ready();
      expect(away.status).toBe(503);
      expect(away.body).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^Store failure: .*(not currently accepting connections|terminat)/) });
      // The process itself is fine.
      expect((await api.call('GET', '/healthz', { token: null })).status).toBe(200);
      // And stays so for as long as the database refuses connections.
      expect((await ready()).status).toBe(503);

      await control.query(`alter database ${pg.escapeIdentifier(name)} allow_connections true`);
      expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready' } });

      // Reachable, but not migrated any more (a restore from an older dump, a schema reset).
      await admin.connect();
      const migrations = await admin.query<{ name: string; timestamp: string }>('select name, timestamp from kysely_migration');
      await admin.query('delete from kysely_migration');
      expect(await ready()).toMatchObject({ status: 503, body: { status: 'unavailable', reason: 'Store failure: schema public is not migrated (0001_initial, 0002_results_without_operation_key, 0003_results_keyed_by_order pending)' } });
      for (const row of migrations.rows) await admin.query('insert into kysely_migration (name, timestamp) values ($1, $2)', [row.name, row.timestamp]);
      expect((await ready()).status).toBe(200);
    } finally {
      await api.promoter.close();
      await store.close();
    }
  });
});
