import { readFileSync } from 'node:fs';
import { createPromoter, createReferenceDataplane, parseWorldSnapshot, type Promoter } from '@promote/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openSqliteStore, type SqliteStore } from './index.js';

/*
 * No statement the store prepares binds a bare parameter as its `limit` or `offset`: SQLite would
 * plan such a statement again at every run (see `boundCount` in statements.ts). Every SQL text the
 * store prepares — its own statements and the queries kysely builds — is recorded while the
 * engine promotes and reads results and operations in every way it does.
 */

/** A `limit` or `offset` whose value is a bare bound parameter (`?`, `?1`, `@name`, `:name`, `$name`). */
const bareBoundCount = /\b(limit|offset)\s+(\?\d*|[@:$][A-Za-z_]\w*)/i;

const prepared = new Set<string>();
let store: SqliteStore;
let promoter: Promoter;

beforeAll(async () => {
  const handle = new BetterSqlite3(':memory:');
  const prepare = handle.prepare.bind(handle);
  handle.prepare = ((source: string) => {
    prepared.add(source);
    return prepare(source);
  }) as typeof handle.prepare;
  store = await openSqliteStore({ database: handle });
  const world = parseWorldSnapshot(JSON.parse(readFileSync(new URL('../../../docs/examples/world.json', import.meta.url), 'utf8')));
  if (world.isErr()) throw new Error('the example world is invalid');
  await store.importWorld(world.value);
  promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
});

afterAll(async () => {
  await promoter.close();
  await store.close();
});

test('the pattern finds a bare bound limit or offset, and not one inside an expression', () => {
  for (const source of ['select 1 limit ?', 'select 1 limit 10 offset @offset', 'select 1 LIMIT :n', 'select 1 limit ?2']) expect(source).toMatch(bareBoundCount);
  for (const source of ['select 1 limit (? + 0)', 'select 1 limit 1 offset (@offset + 0)', 'select 1 limit 50']) expect(source).not.toMatch(bareBoundCount);
});

test('no statement the store prepares while the engine promotes and reads binds its limit or offset bare', async () => {
  const actor = { email: 'jane@example.com' };
  const run = await promoter.run(actor, JSON.parse(readFileSync(new URL('../../../docs/examples/requests/qc-seed.json', import.meta.url), 'utf8')));
  const id = run._unsafeUnwrap().id;
  for (let waited = 0; (await store.getOperation(id))?.result === 'running'; waited++) {
    if (waited > 500) throw new Error('the promotion did not end');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Result pages: unfiltered (a seq range, written by the store), filtered, searched, past the end.
  for (const query of [{ page: '1', size: '2' }, { page: '2', size: '2' }, { promote_result: 'created' }, { search: 'email', size: '1' }, { page: '9', size: '50' }]) {
    expect((await promoter.listResultsJson(actor, id, query)).isOk()).toBe(true);
    expect((await promoter.listResults(actor, id, query)).isOk()).toBe(true);
  }
  // The whole operation, streamed in pages of one: keyset reads and the store's views.
  const stream = (await promoter.streamOperation(actor, id, 1))._unsafeUnwrap();
  for await (const page of stream.json) expect(page.isOk()).toBe(true);
  for await (const page of stream.results) expect(page.isOk()).toBe(true);
  expect((await promoter.listOperations(actor, { page: '1', size: '1' })).isOk()).toBe(true);
  expect((await store.listResults(id, { page: 2, size: 1 })).items.length).toBeLessThanOrEqual(1);
  expect(await store.listCheckKeys!(10, 0, 2)).toHaveLength(2);

  expect(prepared.size).toBeGreaterThan(20);
  expect([...prepared].filter((source) => bareBoundCount.test(source))).toEqual([]);
});
