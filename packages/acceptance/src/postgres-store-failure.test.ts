import { describe, expect, test } from 'vitest';
import pg from 'pg';
import { createPromoter, createReferenceDataplane, type Store } from '@promote/core';
import { openPostgresStore } from '@promote/store-postgres';
import { createTestDatabase } from '@promote/test-postgres';
import { qcRequest, smallWorld } from './fixtures.js';
import { admin } from './support.js';

describe('the PostgreSQL database going away in the middle of a run (§9, §18), on a real server', () => {
  test('the operation ends failure with a message, keeps what was committed, and resumes once the database is back', async () => {
    const url = await createTestDatabase('store-failure');
    const name = new URL(url).pathname.slice(1);
    const database = pg.escapeIdentifier(name);
    const world = smallWorld(Array.from({ length: 30 }, (_, index) => ({ id: index + 1, description: `check ${index + 1}` })));
    const opened = await openPostgresStore({ connectionString: url, connectTimeoutMs: 2_000 });
    await opened.importWorld(world);

    // The operator's session, on the server's maintenance database (a database cannot close itself to
    // connections): it ends every session of the test's database and refuses new ones for a moment.
    const maintenance = new URL(url);
    maintenance.pathname = '/postgres';
    const control = new pg.Client({ connectionString: maintenance.toString() });
    await control.connect();
    let commits = 0;
    let away = false;
    let back: Promise<unknown> | undefined;
    const allowConnections = () => control.query(`alter database ${database} allow_connections true`);
    // After the first commit the database goes away; it comes back a moment after the engine first
    // found it gone (so that a slow machine cannot let the run finish before it notices).
    const store: Store = new Proxy(opened, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          try {
            const answer: unknown = await (value as (...parameters: unknown[]) => Promise<unknown>).apply(target, args);
            if (key === 'commit' && ++commits === 1) {
              await control.query(`alter database ${database} allow_connections false`);
              await control.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
              away = true;
            }
            return answer;
          } catch (error) {
            if (away) back ??= new Promise((resolve) => setTimeout(resolve, 200)).then(allowConnections);
            throw error;
          }
        };
      },
    });
    try {
      const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), commitBatchSize: 10, commitBudgetMs: Number.POSITIVE_INFINITY });
      const started = (await promoter.run(admin, qcRequest()))._unsafeUnwrap();
      await promoter.waitFor(started.id);
      await back;

      const operation = (await promoter.getOperation(admin, started.id))._unsafeUnwrap();
      expect(operation.result).toBe('failure');
      // Whichever call met the restart first says why: the server ended its connection, or refused a new one.
      expect(operation.message).toMatch(/^Store failure: .*(terminat|not currently accepting connections|ECONNRESET|ECONNREFUSED)/);
      expect(operation.status).toEqual({ total: 30, created: 10, updated: 0, skipped: 0, failed: 0 });
      const destination = await opened.listChecks(20);
      expect(destination.map((check) => check.id).sort()).toEqual(operation.results.map((result) => result.destination_entity_id).sort());

      (await promoter.resume(admin, started.id))._unsafeUnwrap();
      await promoter.waitFor(started.id);
      expect((await promoter.getOperation(admin, started.id))._unsafeUnwrap()).toMatchObject({ result: 'success', status: { total: 30, created: 30 } });
      expect(await opened.listChecks(20)).toHaveLength(30);
      await promoter.close();
    } finally {
      await allowConnections();
      await control.end();
      await opened.close();
    }
  });
});
