import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import type { QualityCheck, Store } from '@promote/core';
import { checkValue, createdCheckUnit, fcNumRuns, operationInput, sampleIds, sampleWorld, updatedCheckUnit } from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';
import { afterAll, beforeAll, beforeEach, describe, test } from 'vitest';
import { checkContainersWritten, CheckListings } from './check-listings.js';
import { openSqliteStore } from './index.js';
import { foldFunction, prepareStatements } from './statements.js';

/*
 * The store keeps the checks of a container its selection read whole, or it listed, while nothing
 * can have changed them (decision 0912). What a caller sees never differs from a fresh read: pages
 * of keys, checks by id, after the store's own writes and after another connection's commits. The
 * kept checks are observable only as the same (frozen) objects handed out again, which the tests
 * below use to tell a kept listing from a fresh read.
 */

const { orders, stagingOrders } = sampleIds.containers;

const check = (id: number, containerId: number = orders): QualityCheck => Object.freeze({ ...checkValue(containerId, { description: `check ${id}` }), id });

/** Reads a selection as the engine does: pages of growing sizes, each after the last id of the one before. */
async function selection(store: Store, containerId: number, sizes: readonly number[]): Promise<{ id: number; status: string; tags: readonly string[] }[]> {
  const keys: { id: number; status: string; tags: readonly string[] }[] = [];
  let afterId = 0;
  for (let page = 0; ; page++) {
    const size = sizes[Math.min(page, sizes.length - 1)] as number;
    const found = await store.listCheckKeys!(containerId, afterId, size);
    keys.push(...found.map(({ id, status, tags }) => ({ id, status, tags })));
    if (found.length < size) return keys;
    afterId = (found[found.length - 1] as QualityCheck).id;
  }
}

describe('CheckListings', () => {
  let version = 1;
  let listings: CheckListings;
  beforeEach(() => {
    version = 1;
    listings = new CheckListings(() => version, 5);
  });

  test('a selection read whole to its last page is the container listing; a page that would pass the limit ends it', () => {
    const checks = [1, 2, 3, 4].map((id) => check(id));
    assert.equal(listings.readsWholeChecks(orders, 0, 2, () => false), true);
    listings.addSelectionPage(orders, checks.slice(0, 2), 2);
    assert.equal(listings.readsWholeChecks(orders, 2, 2, () => false), true);
    listings.addSelectionPage(orders, checks.slice(2, 4), 2);
    assert.equal(listings.listed(orders), undefined, 'a full page is not the last one');
    assert.equal(listings.readsWholeChecks(orders, 4, 2, () => false), false, '4 checks and a page of 2 pass the limit of 5');
    listings.addSelectionPage(orders, [], 2);
    assert.equal(listings.listed(orders), undefined);
    // A container holding more checks than the limit is read as keys from its first page.
    const asked: number[] = [];
    assert.equal(listings.readsWholeChecks(orders, 0, 2, (count) => (asked.push(count), true)), false);
    assert.deepEqual(asked, [5]);
    assert.equal(listings.readsWholeChecks(orders, 2, 2, () => false), false);
    // A page out of order (not after the last id read) starts nothing either.
    assert.equal(listings.readsWholeChecks(orders, 0, 3, () => false), true);
    assert.equal(listings.readsWholeChecks(orders, 7, 3, () => false), false);
  });

  test('checks by id come from a listing that holds every one of them, ascending and once each', () => {
    listings.keep(orders, version, [1, 2, 3, 5].map((id) => check(id)));
    listings.keep(stagingOrders, version, [8, 9].map((id) => check(id, stagingOrders)));
    assert.deepEqual(listings.find([5, 1, 5, 3])?.map((found) => found.id), [1, 3, 5]);
    assert.deepEqual(listings.find([9])?.map((found) => found.id), [9]);
    assert.equal(listings.find([1, 4]), undefined, '4 is in neither listing');
    assert.equal(listings.find([1, 8]), undefined, 'no listing holds both');
    assert.equal(listings.find([3, 9]), undefined, 'the first id in the range of one listing, another only in the other');
    assert.deepEqual(listings.find([]), []);
  });

  test('a listing is dropped when its container is written or another connection commits; at most two are kept', () => {
    listings.keep(orders, version, [check(1)]);
    listings.keep(stagingOrders, version, [check(2, stagingOrders)]);
    listings.forget({ containers: new Set([stagingOrders]), updated: new Set() });
    assert.notEqual(listings.listed(orders), undefined);
    assert.equal(listings.listed(stagingOrders), undefined);
    listings.forget({ containers: new Set(), updated: new Set([7]) });
    assert.notEqual(listings.listed(orders), undefined, 'check 7 is not in it');
    listings.forget({ containers: new Set([stagingOrders]), updated: new Set([1]) });
    assert.equal(listings.listed(orders), undefined, 'an update of check 1, which may move it out of orders');
    listings.keep(orders, version, [check(1)]);
    listings.forget('any');
    assert.equal(listings.listed(orders), undefined);
    listings.keep(orders, version, [check(1)]);
    version = 2;
    assert.equal(listings.listed(orders), undefined);
    assert.equal(listings.find([1]), undefined);
    listings.keep(orders, version, [1, 2, 3, 4, 5, 6].map((id) => check(id)));
    assert.equal(listings.listed(orders), undefined, 'more checks than the limit are not kept');
    listings.keep(orders, version, [check(1)], 0);
    assert.equal(listings.listed(orders), undefined, "a selection's checks (ids above 0) do not answer for every check");
    assert.notEqual(listings.listed(orders, 0), undefined);
    listings.keep(1, version, []);
    listings.keep(2, version, []);
    listings.keep(3, version, []);
    assert.equal(listings.listed(1), undefined, 'the oldest of three is dropped');
    assert.notEqual(listings.listed(3), undefined);
  });

  test('the containers a commit writes checks into; any delete may touch any', () => {
    const value = checkValue(orders);
    assert.deepEqual(checkContainersWritten([undefined, { kind: 'create_check', value }, { kind: 'update_check', value: { ...checkValue(stagingOrders), id: 4 } }]), { containers: new Set([orders, stagingOrders]), updated: new Set([4]) });
    assert.deepEqual(checkContainersWritten([{ kind: 'create_computed_field', value: { container_id: orders } as never }]), { containers: new Set(), updated: new Set() });
    assert.equal(checkContainersWritten([{ kind: 'create_check', value }, { kind: 'delete', entity: 'computed_field', id: 3 }]), 'any');
  });
});

describe('a SQLite store keeping the checks it read', () => {
  let directory: string;
  let store: Store;
  let other: Store;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'promote-listings-'));
    const filename = join(directory, 'store.sqlite');
    store = await openSqliteStore({ filename });
    await store.importWorld(sampleWorld());
    await store.applyEdits(
      Array.from({ length: 60 }, (_, index) => ({
        kind: 'create_check' as const,
        value: checkValue(index % 4 === 0 ? stagingOrders : orders, { description: `check ${index}`, tags: index % 3 === 0 ? ['a'] : [], status: index % 5 === 0 ? 'draft' : 'active' }),
      })),
    );
    other = await openSqliteStore({ filename });
  });
  afterAll(async () => {
    await other.close();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const expectedKeys = async (containerId: number) => (await other.listChecks(containerId)).map(({ id, status, tags }) => ({ id, status, tags }));

  testProp(
    'pages of selection keys are those of the container, whatever the page sizes, read whole, from a listing or as keys',
    [fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 4 }), fc.constantFrom(orders, stagingOrders), fc.boolean()],
    async (sizes, containerId, listedFirst) => {
      if (listedFirst) await store.listChecks(containerId);
      assert.deepEqual(await selection(store, containerId, sizes), await expectedKeys(containerId));
      // Read again: from the listing the first selection left, the same keys.
      assert.deepEqual(await selection(store, containerId, sizes), await expectedKeys(containerId));
    },
    { numRuns: fcNumRuns(60) },
  );

  const sourceIds = async () => (await other.listChecks(orders)).map((found) => found.id);

  test('after a selection read whole, its checks by id are the kept ones; applyEdits, which may write anything, drops them', async () => {
    await selection(store, orders, [7, 50]);
    const ids = await sourceIds();
    const kept = await store.getChecks(ids.slice(3, 20));
    assert.deepEqual(kept, (await other.listChecks(orders)).slice(3, 20));
    assert.equal((await store.getChecks([ids[3] as number]))[0], kept[0], 'the same object: from the kept checks');
    const update = { ...(kept[0] as QualityCheck), description: 'changed at the source' };
    await store.applyEdits([{ kind: 'update_check', value: update }]);
    assert.deepEqual(await store.getChecks([update.id]), [update]);
    await store.applyEdits([]);
    await selection(store, orders, [50]);
    const again = await store.getChecks([update.id]);
    await store.applyEdits([]);
    assert.notEqual((await store.getChecks([update.id]))[0], again[0], 'read afresh after a write');
  });

  test('a commit of another connection drops what the store kept', async () => {
    await selection(store, orders, [50]);
    const [first] = await store.listChecks(orders);
    const update = { ...(first as QualityCheck), description: 'changed by another process' };
    await other.applyEdits([{ kind: 'update_check', value: update }]);
    assert.deepEqual(await store.getChecks([update.id]), [update]);
    assert.deepEqual((await selection(store, orders, [50])).find((key) => key.id === update.id), { id: update.id, status: update.status, tags: update.tags });
    assert.deepEqual((await store.listChecks(orders))[0], update);
  });

  test('a commit creating checks in the destination keeps the source container (same objects) and drops the destination; one updating a source check drops the source', async () => {
    const ids = await sourceIds();
    const operation = await store.createOperation(operationInput({ selection: ids.slice(0, 2), status: { total: 2, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    await selection(store, orders, [50]);
    const sources = await store.getChecks(ids);
    const destination = await store.listChecks(stagingOrders);
    await store.commit([createdCheckUnit({ operationId: operation.id, seq: 0, sourceId: ids[0] as number }, { description: 'promoted' })]);
    assert.equal((await store.getChecks([ids[0] as number]))[0], sources[0], 'the source checks are still the kept ones');
    const after = await store.listChecks(stagingOrders);
    assert.equal(after.length, destination.length + 1);
    assert.equal(after.at(-1)?.description, 'promoted');
    // A unit updating a check of the source container (as a promotion the other way would).
    const replacement = { ...(sources[1] as QualityCheck), description: 'updated by a commit' };
    await store.commit([updatedCheckUnit({ operationId: operation.id, seq: 1, sourceId: ids[1] as number, containerId: orders }, sources[1] as QualityCheck, replacement)]);
    assert.deepEqual(await store.getChecks([replacement.id]), [replacement]);
    assert.deepEqual((await store.listChecks(orders)).find((found) => found.id === replacement.id), replacement);
  });
  test('a commit updating a check into another container drops the listing it left (the review of decision 0912)', async () => {
    const ids = await sourceIds();
    const operation = await store.createOperation(operationInput({ selection: ids.slice(0, 1), status: { total: 1, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    await store.listChecks(orders);
    await selection(store, orders, [50]);
    const [moving] = await store.getChecks([ids[0] as number]);
    const moved = { ...(moving as QualityCheck), container_id: stagingOrders };
    await store.commit([updatedCheckUnit({ operationId: operation.id, seq: 0, sourceId: 9_999 }, moving as QualityCheck, moved)]);
    assert.deepEqual(await store.listChecks(orders), await other.listChecks(orders));
    assert.equal((await store.listChecks(orders)).some((found) => found.id === moved.id), false);
    assert.deepEqual(await selection(store, orders, [50]), await expectedKeys(orders));
    assert.deepEqual(await store.getChecks([moved.id]), [moved]);
  });

  test('two selections of one container interleaved, and a write between two pages, give what a fresh read gives', async () => {
    const pages = async (sizes: readonly number[]) => selection(store, orders, sizes);
    const [a, b] = await Promise.all([pages([3, 5]), pages([4])]);
    assert.deepEqual(a, await expectedKeys(orders));
    assert.deepEqual(b, await expectedKeys(orders));
    await store.applyEdits([]);
    const first = await store.listCheckKeys!(orders, 0, 5);
    const [target] = await other.listChecks(orders);
    await store.applyEdits([{ kind: 'update_check', value: { ...(target as QualityCheck), tags: ['between pages'] } }]);
    const rest = await store.listCheckKeys!(orders, (first.at(-1) as QualityCheck).id, 100);
    assert.deepEqual([...first, ...rest].slice(1).map(({ id, status, tags }) => ({ id, status, tags })), (await expectedKeys(orders)).slice(1));
    assert.deepEqual((await store.getChecks([(target as QualityCheck).id]))[0]?.tags, ['between pages']);
  });

  test('checks by id after a selection, a deleted id among them: those that exist', async () => {
    const ids = await sourceIds();
    await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: ids[2] as number }]);
    await selection(store, orders, [50]);
    assert.deepEqual(await store.getChecks([ids[1] as number, ids[2] as number, ids[3] as number]), (await other.listChecks(orders)).filter((found) => found.id === ids[1] || found.id === ids[3]));
  });

  test("checkBeyond, the probe before a selection's first page: a check exists after `count` of a container's exactly when it holds more", async () => {
    const handle = new BetterSqlite3(join(directory, 'store.sqlite'));
    try {
      // The store's statements want its fold function, which the store registers on its handle.
      handle.function(foldFunction, { deterministic: true }, (text: unknown) => text);
      const { checkBeyond } = prepareStatements(handle);
      const count = (await other.listChecks(orders)).length;
      assert.ok(count > 1);
      assert.notEqual(checkBeyond.get(orders, count - 1), undefined);
      assert.equal(checkBeyond.get(orders, count), undefined);
      assert.equal(checkBeyond.get(999_999, 0), undefined);
    } finally {
      handle.close();
    }
  });

  test('on a handle its caller owns nothing is kept: a write on that handle is seen at once', async () => {
    const handle = new BetterSqlite3(join(directory, 'store.sqlite'));
    const owned = await openSqliteStore({ database: handle });
    try {
      // An empty container's listing is not kept either: a check written on the handle into it is seen.
      assert.deepEqual(await owned.listChecks(sampleIds.containers.revenue), []);
      const [first] = await owned.listChecks(orders);
      handle.prepare('update quality_checks set container_id = ? where id = ?').run(sampleIds.containers.revenue, (first as QualityCheck).id);
      assert.deepEqual((await owned.listChecks(sampleIds.containers.revenue)).map((found) => found.id), [(first as QualityCheck).id]);
      handle.prepare('update quality_checks set container_id = ? where id = ?').run(orders, (first as QualityCheck).id);
      await selection(owned, orders, [50]);
      handle.prepare('update quality_checks set description = ? where id = ?').run('written on the handle', (first as QualityCheck).id);
      assert.equal((await owned.listChecks(orders))[0]?.description, 'written on the handle');
      assert.equal((await owned.getChecks([(first as QualityCheck).id]))[0]?.description, 'written on the handle');
    } finally {
      await owned.close();
      handle.close();
    }
  });
});
