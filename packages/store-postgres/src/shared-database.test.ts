import assert from 'node:assert/strict';
import { isLeaseLost, type CommitUnit } from '@promote/core';
import { createTestDatabase } from '@promote/test-postgres';
import { createdCheckUnit, operationInput, sampleIds, sampleWorld } from '@promote/testkit';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, test } from 'vitest';
import { openPostgresStore, writeLockClass, type PostgresStore } from './index.js';

/** Several stores on one schema, as several engine instances on one database: what one commits, the others see and respect. */

const connectionString = await createTestDatabase('shared-database');
const admin = new pg.Pool({ connectionString, max: 2 });
afterAll(() => admin.end());

const { containers, checks } = sampleIds;
const scope = `container:${containers.stagingOrders}`;
const at = (second: number) => new Date(Date.UTC(2026, 2, 10, 14, 30, second)).toISOString();

let schemas = 0;
let schema: string;
let instances: PostgresStore[];
beforeEach(async () => {
  schema = `shared_${(schemas += 1)}`;
  instances = await Promise.all([1, 2, 3].map(() => openPostgresStore({ connectionString, schema })));
  await instances[0]!.importWorld(sampleWorld());
});
afterEach(() => Promise.all(instances.map((instance) => instance.close())));

const instance = (index: number) => instances[index] as PostgresStore;
const unit = (operationId: number, seq: number, sourceId: number): CommitUnit => createdCheckUnit({ operationId, seq, sourceId });

describe('several stores on one database', () => {
  test('each sees the others’ imports, operations, commits, counters and lineage, and the id rule holds across them', async () => {
    assert.equal(await instance(1).isEmpty(), false);
    await assert.rejects(instance(2).importWorld(sampleWorld()), /empty store/);
    const operation = await instance(1).createOperation(operationInput());
    const [row] = await instance(0).commit([unit(operation.id, 0, checks.notNull)]);
    assert.deepEqual((await instance(2).listResults(operation.id)).items, [row]);
    assert.equal((await instance(1).getOperation(operation.id))?.status.created, 1);
    assert.equal((await instance(2).findLineage('quality_check', containers.stagingOrders, [checks.notNull]))[0]?.destination_entity_id, row?.destination_entity_id);
    const [next] = await instance(2).commit([unit(operation.id, 1, checks.between)]);
    assert.equal(next?.destination_entity_id, (row?.destination_entity_id ?? 0) + 1);
    assert.equal(next?.id, (row?.id ?? 0) + 1);
  });

  test('commits racing from every instance: each (operation, source) gets one result, ids are 1..n without gaps, counters add up', async () => {
    const operation = await instance(0).createOperation(operationInput({ status: { total: 30, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    const sources = Array.from({ length: 30 }, (_, index) => 1000 + index);
    // Every instance tries every source, in batches of three, all at once: a third of the attempts can win.
    const attempts = instances.flatMap((store, offset) =>
      Array.from({ length: 10 }, (_, batch) => {
        const batchSources = sources.slice(((batch + offset) % 10) * 3, ((batch + offset) % 10) * 3 + 3);
        return store.commit(batchSources.map((sourceId) => unit(operation.id, sourceId - 1000, sourceId)));
      }),
    );
    const outcomes = await Promise.allSettled(attempts);
    const committed = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
    assert.equal(committed.length, 30);
    assert.deepEqual(committed.map((row) => row.source_entity_id).sort(), [...sources].sort());
    const listed = (await instance(1).listResults(operation.id)).items;
    assert.deepEqual(listed.map((row) => row.id).sort((a, b) => a - b), Array.from({ length: 30 }, (_, index) => index + 1));
    assert.equal((await instance(2).getOperation(operation.id))?.status.created, 30);
    const created = (await instance(0).listChecks(containers.stagingOrders)).map((check) => check.id);
    const firstCreated = checks.stagingDiscarded + 1;
    assert.deepEqual(created.filter((id) => id >= firstCreated), Array.from({ length: 30 }, (_, index) => firstCreated + index));
  });

  test('operations created at once from every instance get distinct ids 1..n', async () => {
    const created = await Promise.all(instances.flatMap((store) => Array.from({ length: 5 }, () => store.createOperation(operationInput()))));
    assert.deepEqual(created.map((operation) => operation.id).sort((a, b) => a - b), Array.from({ length: 15 }, (_, index) => index + 1));
  });

  test('transitionOperation from every instance at once: exactly one wins', async () => {
    const operation = await instance(0).createOperation(operationInput());
    const outcomes = await Promise.all(instances.map((store, index) => store.transitionOperation(operation.id, ['running'], { result: 'aborted', aborted_by: `user-${index}@example.com` })));
    const winners = outcomes.filter((outcome) => outcome !== undefined);
    assert.equal(winners.length, 1);
    assert.equal((await instance(1).getOperation(operation.id))?.aborted_by, winners[0]?.aborted_by);
  });

  test('a free scope taken by every instance at once has one holder; the others are refused', async () => {
    const taken = await Promise.all(instances.map((store, index) => store.leases.tryAcquire(scope, `engine-${index}`, at(0), at(30))));
    assert.equal(taken.filter(Boolean).length, 1);
    const holder = `engine-${taken.indexOf(true)}`;
    for (const store of instances) assert.equal(await store.leases.holderOf(scope, at(1)), holder);
  });

  test('the fence: a commit under a lease another instance took writes nothing, and the holder’s commit extends its lease for every instance', async () => {
    const operation = await instance(0).createOperation(operationInput());
    assert.equal(await instance(0).leases.tryAcquire(scope, 'engine-a', at(0), at(10)), true);
    // engine-a stalls past its expiry; engine-b takes the scope through another instance.
    assert.equal(await instance(1).leases.tryAcquire(scope, 'engine-b', at(10), at(40)), true);
    await assert.rejects(instance(0).commit([unit(operation.id, 0, checks.notNull)], { lease: { scope, holder: 'engine-a', now: at(5), expiresAt: at(15) } }), (error: unknown) => isLeaseLost(error));
    assert.deepEqual((await instance(2).listResults(operation.id)).items, []);
    await instance(1).commit([unit(operation.id, 0, checks.notNull)], { lease: { scope, holder: 'engine-b', now: at(11), expiresAt: at(59) } });
    assert.equal(await instance(2).leases.tryAcquire(scope, 'engine-c', at(45), at(50)), false, 'extended to 59 s for everyone');
  });

  test('the fence holds under a race: a lease taken while a commit waits for the write lock still fences the late commit', async () => {
    const operation = await instance(0).createOperation(operationInput());
    assert.equal(await instance(0).leases.tryAcquire(scope, 'engine-a', at(0), at(10)), true);
    // Another session holds the store's write lock, so engine-a's commit waits inside its transaction…
    const blocker = await admin.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select pg_advisory_xact_lock($1::int4, hashtext($2::text))', [writeLockClass, schema]);
      const late = instance(0).commit([unit(operation.id, 0, checks.notNull)], { lease: { scope, holder: 'engine-a', now: at(9), expiresAt: at(20) } });
      const settled = late.then(() => 'committed', (error: unknown) => (isLeaseLost(error) ? 'lease lost' : String(error)));
      await waitUntil(async () => (await admin.query(waitingForWriteLock, [writeLockClass])).rowCount === 1);
      // …while engine-a's lease lapses and engine-b takes the scope.
      assert.equal(await instance(1).leases.tryAcquire(scope, 'engine-b', at(12), at(30)), true);
      await blocker.query('commit');
      assert.equal(await settled, 'lease lost');
    } finally {
      blocker.release();
    }
    assert.deepEqual((await instance(2).listResults(operation.id)).items, []);
    assert.equal(await instance(2).leases.holderOf(scope, at(13)), 'engine-b');
  });

  test('a connection the server ends in the middle of a commit: that commit rejects and writes nothing, the process carries on, the next call gets a new connection', async () => {
    const operation = await instance(0).createOperation(operationInput());
    const blocker = await admin.connect();
    try {
      await blocker.query('begin');
      await blocker.query('select pg_advisory_xact_lock($1::int4, hashtext($2::text))', [writeLockClass, schema]);
      const commit = instance(0).commit([unit(operation.id, 0, checks.notNull)]);
      const settled = commit.then(() => 'committed', (error: unknown) => String(error));
      await waitUntil(async () => (await admin.query(waitingForWriteLock, [writeLockClass])).rowCount === 1);
      const { rows } = await admin.query<{ ended: boolean }>(
        `select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and not granted and classid::bigint = $1
         and database = (select oid from pg_database where datname = current_database())`,
        [writeLockClass],
      );
      assert.deepEqual(rows, [{ ended: true }]);
      assert.match(await settled, /terminat/);
      await blocker.query('commit');
    } finally {
      blocker.release();
    }
    assert.deepEqual((await instance(0).listResults(operation.id)).items, []);
    const [row] = await instance(0).commit([unit(operation.id, 0, checks.notNull)]);
    assert.equal(row?.result, 'created');
  });

  test('a reader is not held up by a writer: reads see the state before an open write transaction', async () => {
    const blocker = await admin.connect();
    try {
      await blocker.query('begin');
      await blocker.query(`insert into ${pg.escapeIdentifier(schema)}.datastores (id, name, store_type) values (99, 'from another instance', 'dfs')`);
      assert.deepEqual((await instance(1).listDatastores()).map((datastore) => datastore.id), [1, 2, 3]);
      await blocker.query('commit');
    } finally {
      blocker.release();
    }
    assert.deepEqual((await instance(1).listDatastores()).map((datastore) => datastore.id), [1, 2, 3, 99]);
  });
});

/** A session of this database waiting for the store's write lock (two-key advisory locks show their keys as classid and objid). */
const waitingForWriteLock = `select 1 from pg_locks where locktype = 'advisory' and not granted and classid::bigint = $1
  and database = (select oid from pg_database where datname = current_database())`;

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('The condition did not come true within 2 s');
}
