import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@promote/core';
import { checkValue, failedCheckUnit, operationInput, sampleIds, sampleWorld, skippedCheckUnit } from '@promote/testkit';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { openSqliteStore, type SqliteStoreOptions } from './index.js';
import { keptPageKey, prepareKeptViews } from './kept-views.js';

let directory: string;
let file: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-kept-views-'));
  file = join(directory, 'promote.db');
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A file store holding a finished operation of `count` skipped checks (sources and destinations of their own), or a running one. */
async function storeWithOperation(count: number, options: Partial<SqliteStoreOptions & { readonly running: boolean }> = {}) {
  const store = await openSqliteStore({ filename: file, renderThreads: 0, ...options } as SqliteStoreOptions);
  await store.importWorld(sampleWorld());
  const edits = (container: number, prefix: string) => Array.from({ length: count }, (_, index) => ({ kind: 'create_check' as const, value: checkValue(container, { description: `${prefix} ${index}` }) }));
  const sources = await store.applyEdits(edits(sampleIds.containers.orders, 'source'));
  const destinations = await store.applyEdits(edits(sampleIds.containers.stagingOrders, 'destination'));
  const operation = await store.createOperation(operationInput({ status: { total: count, created: 0, updated: 0, skipped: 0, failed: 0 } }));
  await store.commit(sources.map((sourceId, seq) => skippedCheckUnit({ operationId: operation.id, seq, sourceId }, destinations[seq]!)));
  if (options.running !== true) await store.updateOperation(operation.id, { result: 'success', end_time: '2026-03-10T15:00:00Z' });
  return { store, operation, sources, destinations };
}

/** Every page of `limit` of the operation, as text, with what each page's JSON holds. */
async function readWhole(store: Store, operationId: number, limit: number): Promise<string> {
  const texts: string[] = [];
  let after;
  for (;;) {
    const page = await store.renderResultViews!(operationId, after, limit);
    assert.ok(page !== undefined);
    if (page.count === 0) return texts.join(',');
    texts.push(Buffer.from(page.json).toString('utf8'));
    after = page.last;
  }
}

/** The file's kept pages, read on a connection of the test's own. */
function keptPages(): { readonly operation_id: number; readonly bytes: number }[] {
  const handle = new BetterSqlite3(file, { readonly: true });
  try {
    return handle.prepare('select "operation_id", "bytes" from "rendered_views" order by rowid').all() as { operation_id: number; bytes: number }[];
  } finally {
    handle.close();
  }
}

describe('kept result views (decision 0910)', () => {
  test('a finished operation’s pages are kept and answered from the file when read again', async () => {
    const { store, operation } = await storeWithOperation(12);
    try {
      const first = await readWhole(store, operation.id, 5);
      assert.equal(keptPages().length, 3);
      // Marked in the file: the next read answers what is kept, not a page written anew.
      const other = new BetterSqlite3(file);
      other.prepare(`update "rendered_views" set "json" = cast(replace(cast("json" as text), 'destination 1"', 'kept 1"') as blob)`).run();
      other.close();
      const again = await readWhole(store, operation.id, 5);
      assert.equal(again, first.replace('destination 1"', 'kept 1"'));
      assert.notEqual(again, first);
    } finally {
      await store.close();
    }
  });

  test('a change by another connection — an entity’s details, a deletion — is seen at the next read', async () => {
    const { store, operation, sources, destinations } = await storeWithOperation(4);
    try {
      await readWhole(store, operation.id, 1000);
      const other = new BetterSqlite3(file);
      other.prepare('update "quality_checks" set "description" = ? where "id" = ?').run('renamed elsewhere', destinations[2]);
      const renamed = await readWhole(store, operation.id, 1000);
      assert.match(renamed, /"description":"renamed elsewhere"/);
      other.prepare('delete from "quality_checks" where "id" = ?').run(sources[1]);
      other.close();
      const views = JSON.parse(`[${await readWhole(store, operation.id, 1000)}]`) as { source_entity: unknown }[];
      assert.equal(views[1]!.source_entity, null);
      // A change of what no view shows keeps the pages.
      const kept = keptPages();
      const again = new BetterSqlite3(file);
      again.prepare(`update "quality_checks" set "tags" = '["other"]' where "id" = ?`).run(destinations[0]);
      again.close();
      await readWhole(store, operation.id, 1000);
      assert.deepEqual(keptPages(), kept);
    } finally {
      await store.close();
    }
  });

  test('a result page read by seq range (renderResultRange) is kept and answered from the file; a change is seen at the next read; a running operation’s is not kept', async () => {
    const { store, operation, destinations } = await storeWithOperation(6);
    const range = async (from: number, count: number) => Buffer.from((await store.renderResultRange!(operation.id, 'quality_check', from, count))!).toString('utf8');
    try {
      const first = await range(2, 3);
      assert.equal((JSON.parse(`[${first}]`) as unknown[]).length, 3);
      assert.equal(keptPages().length, 1);
      // Marked in the file: the next read answers what is kept.
      const other = new BetterSqlite3(file);
      other.prepare(`update "rendered_views" set "json" = cast(replace(cast("json" as text), 'destination 3"', 'kept 3"') as blob)`).run();
      assert.equal(await range(2, 3), first.replace('destination 3"', 'kept 3"'));
      // Another range, and a page of views of the same operation, are kept beside it.
      await range(0, 2);
      await readWhole(store, operation.id, 1000);
      assert.equal(keptPages().length, 3);
      // What a view shows, changed by another connection: written anew.
      other.prepare('update "quality_checks" set "description" = ? where "id" = ?').run('renamed elsewhere', destinations[3]);
      other.close();
      const renamed = await range(2, 3);
      assert.match(renamed, /"description":"renamed elsewhere"/);
      assert.equal(renamed, first.replace('destination 3"', 'renamed elsewhere"'));
      // Asked for as another kind, a kept range is not found: another kind's results answer nothing.
      assert.equal(await store.renderResultRange!(operation.id, 'computed_field', 2, 3), undefined);
      // Resumed, the operation runs again: its ranges go, and a range read meanwhile is not kept.
      await store.updateOperation(operation.id, { result: 'running', end_time: null });
      assert.deepEqual(keptPages(), []);
      await range(2, 3);
      assert.deepEqual(keptPages(), []);
    } finally {
      await store.close();
    }
    file = join(directory, 'running.db');
    const running = await storeWithOperation(3, { running: true });
    try {
      assert.ok((await running.store.renderResultRange!(running.operation.id, 'quality_check', 0, 3)) !== undefined);
      assert.deepEqual(keptPages(), []);
    } finally {
      await running.store.close();
    }
  });

  test('a running operation’s pages are not kept; once it finishes they are', async () => {
    const { store, operation } = await storeWithOperation(3, { running: true });
    try {
      await readWhole(store, operation.id, 1000);
      assert.deepEqual(keptPages(), []);
      await store.updateOperation(operation.id, { result: 'aborted', end_time: '2026-03-10T15:00:00Z' });
      await readWhole(store, operation.id, 1000);
      assert.equal(keptPages().length, 1);
      // Resumed, it runs again: its pages go.
      await store.updateOperation(operation.id, { result: 'running', end_time: null });
      assert.deepEqual(keptPages(), []);
    } finally {
      await store.close();
    }
  });

  test('a page is not kept, and the read does not wait, while another connection holds the write lock', async () => {
    const { store, operation } = await storeWithOperation(3, { busyTimeoutMs: 5_000 });
    const other = new BetterSqlite3(file);
    try {
      other.prepare('begin immediate').run();
      const started = performance.now();
      const text = await readWhole(store, operation.id, 1000);
      assert.ok(performance.now() - started < 4_000, 'the read waited for the lock');
      assert.equal((JSON.parse(`[${text}]`) as unknown[]).length, 3);
      other.prepare('rollback').run();
      assert.deepEqual(keptPages(), []);
      await readWhole(store, operation.id, 1000);
      assert.equal(keptPages().length, 1);
    } finally {
      other.close();
      await store.close();
    }
  });

  test('the kept pages stay within viewCacheBytes, other operations’ oldest dropped first; an operation that would fill half of it is not kept; 0 keeps none; a bad value is refused', async () => {
    // 40 views of ≈ 300 bytes: 12 kB an operation, two fit in 30 kB, three do not.
    const { store, operation, sources, destinations } = await storeWithOperation(40, { viewCacheBytes: 30_000 });
    try {
      const another = async () => {
        const next = await store.createOperation(operationInput({ status: { total: 40, created: 0, updated: 0, skipped: 0, failed: 0 } }));
        await store.commit(sources.map((sourceId, seq) => skippedCheckUnit({ operationId: next.id, seq, sourceId }, destinations[seq]!)));
        await store.updateOperation(next.id, { result: 'success', end_time: '2026-03-10T15:00:00Z' });
        return next.id;
      };
      const second = await another();
      const third = await another();
      for (const id of [operation.id, second, third]) await readWhole(store, id, 4);
      const kept = keptPages();
      assert.ok(kept.reduce((sum, page) => sum + page.bytes, 0) <= 30_000, JSON.stringify(kept));
      assert.equal(kept.filter((page) => page.operation_id === third).length, 10, `the operation read last keeps every page: ${JSON.stringify(kept)}`);
      assert.ok(kept.filter((page) => page.operation_id === operation.id).length < 10, 'the operation read first lost pages');
    } finally {
      await store.close();
    }
    rmSync(file);
    const small = await storeWithOperation(40, { viewCacheBytes: 12_000 });
    try {
      await readWhole(small.store, small.operation.id, 4);
      assert.deepEqual(keptPages(), [], 'an operation of more than half the budget is not kept');
    } finally {
      await small.store.close();
    }
    const none = await openSqliteStore({ filename: join(directory, 'none.db'), renderThreads: 0, viewCacheBytes: 0 });
    try {
      await none.importWorld(sampleWorld());
      const finished = await none.createOperation(operationInput({ result: 'success' }));
      await none.commit([failedCheckUnit({ operationId: finished.id, seq: 0, sourceId: 1000 }, 'failed')]);
      await readWhole(none, finished.id, 1000);
      const handle = new BetterSqlite3(join(directory, 'none.db'), { readonly: true });
      assert.equal(handle.prepare('select count(*) from "rendered_views"').pluck().get(), 0);
      handle.close();
    } finally {
      await none.close();
    }
    for (const viewCacheBytes of [-1, 1.5, Number.NaN]) {
      await assert.rejects(openSqliteStore({ filename: join(directory, 'bad.db'), viewCacheBytes }), { name: 'RangeError', message: /viewCacheBytes must be a whole number of 0 or more/ });
    }
  });

  test('a page stamped before a change that committed since is not kept (a render thread’s snapshot may be older than the keep)', async () => {
    const { store, operation, destinations } = await storeWithOperation(2);
    await store.applyEdits([{ kind: 'update_check', value: { ...(await store.getChecks([destinations[0]!]))[0]!, description: 'changed' } }]);
    await store.close();
    const handle = new BetterSqlite3(file);
    try {
      const kept = prepareKeptViews(handle, 1_000_000);
      const generation = handle.prepare('select "n" from "view_generation"').pluck().get() as number;
      const key = keptPageKey(operation.id, undefined, 10);
      const page = { json: Buffer.from('{}'), count: 2, last: { seq: 1, id: 2 }, processed: 2 };
      assert.equal(kept.keep(key, { ...page, generation: generation - 1 }), false);
      assert.equal(kept.keep(key, { ...page, processed: 3, generation }), false);
      assert.equal(kept.keep(key, { ...page, generation }), true);
      assert.equal(Buffer.from(kept.find(key)!.json).toString(), '{}');
    } finally {
      handle.close();
    }
  });

  test('the triggers that keep pages honest exist after every migration (a rebuilt table loses its triggers)', async () => {
    await (await openSqliteStore({ filename: file, renderThreads: 0 })).close();
    const handle = new BetterSqlite3(file, { readonly: true });
    try {
      const triggers = handle.prepare(`select "name" from sqlite_master where "type" = 'trigger' order by "name"`).pluck().all();
      assert.deepEqual(triggers, [
        'computed_fields_deleted',
        'computed_fields_summary_changed',
        'containers_deleted',
        'containers_summary_changed',
        'operations_deleted',
        'operations_running_again',
        'quality_checks_deleted',
        'quality_checks_summary_changed',
      ]);
    } finally {
      handle.close();
    }
  });
});
