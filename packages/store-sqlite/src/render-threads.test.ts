import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failedCheckUnit, operationInput, sampleWorld } from '@promote/testkit';
import { afterEach, beforeEach, describe, test } from 'vitest';
import { openSqliteStore } from './index.js';
import { startRenderThreads } from './render-threads.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'promote-render-threads-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A file store holding one operation of `count` failed results, its views written by one thread started at open. */
async function storeWithResults(count: number) {
  const lost: unknown[] = [];
  const store = await openSqliteStore({ filename: join(directory, 'promote.db'), renderThreads: 1, renderThreadsFrom: 1, renderThreadsAtOpen: true, onRenderThreadLost: (cause) => lost.push(cause) });
  await store.importWorld(sampleWorld());
  const operation = await store.createOperation(operationInput({ status: { total: count, created: 0, updated: 0, skipped: 0, failed: 0 } }));
  await store.commit(Array.from({ length: count }, (_, seq) => failedCheckUnit({ operationId: operation.id, seq, sourceId: 1000 + seq }, `failure ${seq}`)));
  return { store, operation, lost };
}

/** What the store's connection would answer, marked so that a test tells it from a thread's page. */
const onConnection = (what: string) => () => Promise.resolve(`${what} on the connection` as never);

describe('render threads (decision 0908)', () => {
  test('a thread that cannot open its file is told to onThreadLost, and every page is left to the store’s connection', async () => {
    const lost: unknown[] = [];
    const threads = startRenderThreads({ filename: join(directory, 'missing.db'), count: 2, busyTimeoutMs: 0, onThreadLost: (cause) => lost.push(cause) });
    await threads.start();
    assert.equal(lost.length, 2);
    assert.equal(await threads.views(1, undefined, 1000, onConnection('views')), 'views on the connection' as never);
    assert.equal(await threads.range(1, 'quality_check', 0, 1000, onConnection('range')), 'range on the connection' as never);
    await threads.stop();
    assert.equal(lost.length, 2, 'stopping a lost thread is not another loss');
  });

  test('a page asked just before close() is answered, and close() ends the thread', async () => {
    const { store, operation, lost } = await storeWithResults(30);
    const page = store.renderResultViews!(operation.id, undefined, 25);
    const range = store.renderResultRange!(operation.id, 'quality_check', 0, 30);
    await store.close();
    const written = await page;
    assert.equal(written?.count, 25);
    assert.deepEqual(written?.last, { seq: 24, id: viewIds(written!.json)[24] });
    const views = JSON.parse(`[${new TextDecoder().decode(await range)}]`) as { message: string }[];
    assert.deepEqual(views.map((view) => view.message), Array.from({ length: 30 }, (_, seq) => `failure ${seq}`));
    assert.deepEqual(lost, []);
  });

  test('a page written by the thread sees every commit awaited before it was asked', async () => {
    const { store, operation } = await storeWithResults(3);
    try {
      for (let seq = 3; seq < 40; seq++) {
        await store.commit([failedCheckUnit({ operationId: operation.id, seq, sourceId: 1000 + seq }, `failure ${seq}`)]);
        assert.equal((await store.renderResultViews!(operation.id, undefined, 1000))?.count, seq + 1);
      }
    } finally {
      await store.close();
    }
  });

  test('a page smaller than renderThreadsFrom (200 by default) is left to the store’s connection, a larger one goes to a ready thread', async () => {
    await (await openSqliteStore({ filename: join(directory, 'promote.db'), renderThreads: 0 })).close();
    const threads = startRenderThreads({ filename: join(directory, 'promote.db'), count: 1, busyTimeoutMs: 0, onThreadLost: (cause) => assert.fail(String(cause)) });
    await threads.start();
    try {
      assert.equal(await threads.views(1, undefined, 199, onConnection('views')), 'views on the connection' as never);
      assert.equal(await threads.range(1, 'quality_check', 0, 50, onConnection('range')), 'range on the connection' as never);
      assert.deepEqual(await threads.views(1, undefined, 200, onConnection('views')), { json: new Uint8Array(0), count: 0, last: undefined });
      assert.equal(await threads.range(1, 'quality_check', 0, 200, onConnection('range')), undefined);
    } finally {
      await threads.stop();
    }
  });

  test('a thread lost with a page under way: the page is written elsewhere (here by the connection), the loss is told once, and later pages skip the thread', async () => {
    await (await openSqliteStore({ filename: join(directory, 'promote.db'), renderThreads: 0 })).close();
    const workers: Worker[] = [];
    const lost: unknown[] = [];
    const threads = startRenderThreads({ filename: join(directory, 'promote.db'), count: 1, busyTimeoutMs: 0, smallest: 1, onSpawn: (worker) => workers.push(worker), onThreadLost: (cause) => lost.push(cause) });
    await threads.start();
    try {
      assert.deepEqual(await threads.views(1, undefined, 10, onConnection('views')), { json: new Uint8Array(0), count: 0, last: undefined }, 'the thread writes pages while it lives');
      void workers[0]!.terminate();
      // Asked of the thread (still ready until its exit is seen), which will never answer it.
      const owed = threads.views(1, undefined, 10, onConnection('views'));
      assert.equal(await owed, 'views on the connection' as never);
      assert.equal(lost.length, 1);
      assert.equal(await threads.range(1, 'quality_check', 0, 10, onConnection('range')), 'range on the connection' as never);
    } finally {
      await threads.stop();
    }
    assert.equal(lost.length, 1);
  });

  test('stores left open do not keep their process alive, whether their threads started at open or at a read (and neither does the checkpoint thread)', () => {
    const child = fileURLToPath(new URL('./testing/left-open-child.ts', import.meta.url));
    const ran = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', child, directory], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(ran.error, undefined, 'the child did not exit by itself within 30 s');
    assert.equal(ran.status, 0, ran.stderr);
    assert.equal(ran.stdout.trim(), 'left open');
  });

  test('renderThreads must be a whole number from 0 to 16, renderThreadsFrom one from 1', async () => {
    await assert.rejects(openSqliteStore({ filename: join(directory, 'promote.db'), renderThreadsFrom: 0 }), /renderThreadsFrom must be a whole number from 1/);
    for (const renderThreads of [-1, 1.5, 17, Number.NaN]) {
      await assert.rejects(openSqliteStore({ filename: join(directory, 'promote.db'), renderThreads }), /renderThreads must be a whole number from 0 to 16/);
    }
    // The file the refused opens named is free to be opened.
    await (await openSqliteStore({ filename: join(directory, 'promote.db'), renderThreads: 0 })).close();
  });
});

function viewIds(json: Uint8Array): number[] {
  return (JSON.parse(`[${new TextDecoder().decode(json)}]`) as { id: number }[]).map((view) => view.id);
}
