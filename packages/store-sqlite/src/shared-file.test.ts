import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommitUnit, OperationRecord, World } from '@promote/core';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { openSqliteStore, type SqliteStore } from './index.js';

/** Two stores on one file: what one process or engine commits, the other sees and respects. */

const world: World = {
  users: [{ id: 1, email: 'admin@example.com', role: 'admin' }],
  teams: [],
  datastores: [{ id: 1, name: 'warehouse', store_type: 'jdbc' }],
  containers: [
    {
      id: 10,
      datastore_id: 1,
      name: 'orders',
      container_type: 'table',
      description: '',
      tags: [],
      additional_metadata: {},
      deleted_at: null,
      profiled: true,
    },
  ],
  fields: [],
  quality_checks: [],
  computed_fields: [],
  lineage: [],
};

const operationInput: Omit<OperationRecord, 'id'> = {
  promote_type: 'quality_check',
  result: 'running',
  start_time: '2026-03-10T14:30:00Z',
  end_time: null,
  triggered_by: 'admin@example.com',
  aborted_by: null,
  message: null,
  datastore: { id: 1, name: 'warehouse' },
  destination_datastore: { id: 1, name: 'warehouse' },
  container: { id: 10, name: 'orders' },
  destination_container: { id: 10, name: 'orders' },
  as_draft: true,
  status: { total: 2, created: 0, updated: 0, skipped: 0, failed: 0 },
  request: { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 10, as_draft: true },
  selection: [1, 2],
  destination_scope: 'container:10',
};

const createdUnit = (operationId: number, sourceId: number): CommitUnit => ({
  operation_id: operationId,
  seq: sourceId,
  entity_type: 'quality_check',
  source_entity_id: sourceId,
  result: 'created',
  write: {
    kind: 'create_check',
    value: {
      container_id: 10,
      rule_type: 'not_null',
      description: `from ${sourceId}`,
      fields: ['id'],
      coverage: null,
      filter: null,
      properties: {},
      tags: [],
      additional_metadata: {},
      status: 'draft',
      inferred: false,
      created_at: '2026-03-10T14:30:00Z',
      updated_at: '2026-03-10T14:30:00Z',
    },
  },
  destination_entity_id: null,
  destination_scope_id: 10,
  message: null,
  changes: null,
  before: null,
  search_text: 'not_null',
});

let directory: string;
let filename: string;
let first: SqliteStore;
let second: SqliteStore;
beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'promote-store-sqlite-'));
  filename = join(directory, 'promote.db');
  first = await openSqliteStore({ filename });
  second = await openSqliteStore({ filename });
});
afterEach(async () => {
  await Promise.all([first.close(), second.close()]);
  rmSync(directory, { recursive: true, force: true });
});

describe('two stores on one file', () => {
  test('each sees the other’s imports, operations, commits and counters', async () => {
    await first.importWorld(world);
    assert.equal(await second.isEmpty(), false);
    await assert.rejects(second.importWorld(world), /empty store/);

    const operation = await second.createOperation(operationInput);
    const [row] = await first.commit([createdUnit(operation.id, 1)]);
    assert.deepEqual((await second.listResults(operation.id)).items, [row]);
    assert.deepEqual((await second.getOperation(operation.id))?.status, { total: 2, created: 1, updated: 0, skipped: 0, failed: 0 });
    assert.equal((await second.findLineage('quality_check', 10, [1]))[0]?.destination_entity_id, row?.destination_entity_id);

    // The id rule holds across both: the next check id follows the one the other store assigned.
    const [next] = await second.commit([createdUnit(operation.id, 2)]);
    assert.equal(next?.destination_entity_id, (row?.destination_entity_id ?? 0) + 1);
    assert.deepEqual((await first.listChecks(10)).map((check) => check.description), ['from 1', 'from 2']);
  });

  test('a result one store committed cannot be committed again through the other', async () => {
    await first.importWorld(world);
    const operation = await first.createOperation(operationInput);
    const results = await Promise.allSettled([first.commit([createdUnit(operation.id, 1)]), second.commit([createdUnit(operation.id, 1)])]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'rejected'],
    );
    assert.equal((await second.listChecks(10)).length, 1);
    assert.equal((await first.getOperation(operation.id))?.status.created, 1);
  });

  test('leases: one holder at a time, renewable by its holder, free once expired or released', async () => {
    const scope = 'container:10';
    assert.equal(await first.leases.tryAcquire(scope, 'engine-a', '2026-03-10T14:30:00Z', '2026-03-10T14:30:30Z'), true);
    assert.equal(await second.leases.tryAcquire(scope, 'engine-b', '2026-03-10T14:30:10Z', '2026-03-10T14:30:40Z'), false);
    // Another scope is independent.
    assert.equal(await second.leases.tryAcquire('container:11', 'engine-b', '2026-03-10T14:30:10Z', '2026-03-10T14:30:40Z'), true);
    // Renewal by the holder, through either store.
    assert.equal(await second.leases.tryAcquire(scope, 'engine-a', '2026-03-10T14:30:20Z', '2026-03-10T14:31:00.5Z'), true);
    // Expiry is compared as an instant, not as text: 14:31:00Z is before 14:31:00.5Z.
    assert.equal(await second.leases.tryAcquire(scope, 'engine-b', '2026-03-10T14:31:00Z', '2026-03-10T14:32:00Z'), false);
    assert.equal(await second.leases.tryAcquire(scope, 'engine-b', '2026-03-10T16:31:00.500+02:00', '2026-03-10T14:32:00Z'), true);
    // engine-a lost it: it cannot renew, and its release does not free engine-b's lease.
    assert.equal(await first.leases.tryAcquire(scope, 'engine-a', '2026-03-10T14:31:01Z', '2026-03-10T14:32:00Z'), false);
    await first.leases.release(scope, 'engine-a');
    assert.equal(await first.leases.tryAcquire(scope, 'engine-a', '2026-03-10T14:31:02Z', '2026-03-10T14:32:00Z'), false);
    await first.leases.release(scope, 'engine-b');
    assert.equal(await first.leases.tryAcquire(scope, 'engine-a', '2026-03-10T14:31:03Z', '2026-03-10T14:32:00Z'), true);
    await assert.rejects(first.leases.tryAcquire(scope, 'engine-a', 'not a time', '2026-03-10T14:32:00Z'), /ISO-8601/);
  });

  test('a write waits for another process’s write transaction instead of failing, and readers do not wait', async () => {
    await first.importWorld(world);
    const operation = await first.createOperation(operationInput);
    // A separate process takes the write lock, holds it for a while, and commits a datastore.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const Database = require('better-sqlite3');
         const db = new Database(process.env.PROMOTE_DB);
         db.pragma('busy_timeout = 10000');
         db.exec('begin immediate');
         db.prepare("insert into datastores (name, store_type) values ('from another process', 'dfs')").run();
         process.stdout.write('locked\\n');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
         db.exec('commit');
         db.close();`,
      ],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        env: { ...process.env, PROMOTE_DB: filename },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = once(holder, 'exit');
    await once(holder.stdout, 'data');

    // WAL: a read does not wait for the writer and sees the state before its commit.
    assert.deepEqual((await second.listDatastores()).map((datastore) => datastore.name), ['warehouse']);
    // The write waits for the lock (busy timeout), then commits.
    const [row] = await second.commit([createdUnit(operation.id, 1)]);
    assert.equal(row?.result, 'created');
    const [code] = await exited;
    assert.equal(code, 0);
    assert.deepEqual((await first.listDatastores()).map((datastore) => datastore.name), ['warehouse', 'from another process']);
    assert.equal((await first.getOperation(operation.id))?.status.created, 1);
  });
});
