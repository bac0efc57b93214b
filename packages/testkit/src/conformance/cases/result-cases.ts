import assert from 'node:assert/strict';
import type { CommitUnit, ListedResult, PromoteResultRecord, ResultPosition, Store } from '@promote/core';
import { createdCheckUnit, failedCheckUnit, operationInput, skippedCheckUnit } from '../commit-fixtures.js';
import { sampleIds, sampleWorld } from '../sample-world.js';
import type { StoreConformanceCase } from '../store-conformance-case.js';

const { checks } = sampleIds;

const sourcesOf = (rows: readonly (PromoteResultRecord | ListedResult)[]) => rows.map((row) => row.source_entity_id);

/** A stored result as `listResultsAfter` answers it: without its images. */
const listed = ({ before: _before, after: _after, ...rest }: PromoteResultRecord): ListedResult => rest;

/**
 * An operation with ten results (sources 1..10 at seq 0..9), committed out of order: even sources
 * skipped, sources 3 and 9 failed, the others created. `search_text` is `check <n> <word>`.
 */
async function operationWithResults(store: Store) {
  await store.importWorld(sampleWorld());
  const operation = await store.createOperation(operationInput({ status: { total: 10, created: 0, updated: 0, skipped: 0, failed: 0 } }));
  const words = ['alpha', 'Beta', 'gamma', 'ALPHABET', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota'];
  const unitFor = (source: number): CommitUnit => {
    const position = { operationId: operation.id, seq: source - 1, sourceId: source };
    const unit =
      source % 2 === 0
        ? skippedCheckUnit(position, checks.stagingArchived)
        : source === 3 || source === 9
          ? failedCheckUnit(position)
          : createdCheckUnit(position);
    return { ...unit, search_text: `check ${source} ${words[source - 1]!.toLowerCase()}` };
  };
  await store.commit([7, 8, 9, 10].map(unitFor));
  await store.commit([1, 2, 3].map(unitFor));
  await store.commit([5, 4, 6].map(unitFor));
  return operation;
}

/** listResults: processing order, search, filter, pagination; exact round trip of the row. listResultsAfter: keyset reading. */
export const resultCases: readonly StoreConformanceCase[] = [
  {
    name: 'listResults: rows come in seq order whatever the order they were committed in',
    async run(store) {
      const operation = await operationWithResults(store);
      const page = await store.listResults(operation.id);
      assert.deepEqual(sourcesOf(page.items), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.deepEqual(page.items.map((row) => row.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(page.total, 10);
      assert.deepEqual(await store.listResults(operation.id, {}), page);
    },
  },
  {
    name: 'listResults: search is a case-insensitive substring of search_text',
    async run(store) {
      const operation = await operationWithResults(store);
      const search = async (text: string) => {
        const page = await store.listResults(operation.id, { search: text });
        assert.equal(page.total, page.items.length);
        return sourcesOf(page.items);
      };
      assert.deepEqual(await search('alpha'), [1, 4]);
      assert.deepEqual(await search('ALPHA'), [1, 4]);
      assert.deepEqual(await search('Bet'), [2, 4]);
      assert.deepEqual(await search('eta'), [2, 7, 8, 9]);
      assert.deepEqual(await search('check 1'), [1, 10]);
      assert.deepEqual(await search('nothing like it'), []);
      assert.deepEqual(await search('%'), [], 'no wildcard');
      assert.deepEqual(await search('_'), [], 'no wildcard');
    },
  },
  {
    name: 'listResults: filters by result values; an empty list means every value',
    async run(store) {
      const operation = await operationWithResults(store);
      const filter = async (results: PromoteResultRecord['result'][]) => sourcesOf((await store.listResults(operation.id, { results })).items);
      assert.deepEqual(await filter(['failed']), [3, 9]);
      assert.deepEqual(await filter(['created', 'failed']), [1, 3, 5, 7, 9]);
      assert.deepEqual(await filter(['updated']), []);
      assert.deepEqual(await filter([]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const both = await store.listResults(operation.id, { results: ['skipped', 'failed'], search: 'eta' });
      assert.deepEqual(sourcesOf(both.items), [2, 8, 9]);
      assert.equal(both.total, 3);
    },
  },
  {
    name: 'listResults: paginates from page 1; total counts every matching row',
    async run(store) {
      const operation = await operationWithResults(store);
      const page = (query: { page: number; size: number; results?: PromoteResultRecord['result'][] }) => store.listResults(operation.id, query);
      const first = await page({ page: 1, size: 4 });
      assert.deepEqual({ ...first, items: sourcesOf(first.items) }, { items: [1, 2, 3, 4], total: 10, page: 1, size: 4 });
      const last = await page({ page: 3, size: 4 });
      assert.deepEqual({ ...last, items: sourcesOf(last.items) }, { items: [9, 10], total: 10, page: 3, size: 4 });
      const beyond = await page({ page: 4, size: 4 });
      assert.deepEqual(beyond, { items: [], total: 10, page: 4, size: 4 });
      const filtered = await page({ page: 2, size: 2, results: ['created', 'failed'] });
      assert.deepEqual({ ...filtered, items: sourcesOf(filtered.items) }, { items: [5, 7], total: 5, page: 2, size: 2 });
    },
  },
  {
    name: 'listResults: an operation without results, or an unknown one, has none',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      for (const id of [operation.id, 999]) {
        const all = await store.listResults(id);
        assert.deepEqual(all.items, []);
        assert.equal(all.total, 0);
        assert.deepEqual(await store.listResults(id, { page: 1, size: 10 }), { items: [], total: 0, page: 1, size: 10 });
      }
    },
  },
  {
    name: 'listResults: message, changes and before come back exactly (nested JSON)',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput());
      const before = {
        id: 5,
        properties: { min: 0.1, max: 1e21, list: [null, true, 'ü', { deep: [] }], empty: {} },
        updated_at: '2026-03-10T16:30:00+02:00',
      };
      const changes = [
        { path: 'properties.max', from: 10, to: 1e21 },
        { path: 'tags', from: [], to: ['a', 'ß'] },
        { path: 'filter', from: null, to: "x = 'y'" },
        { path: 'properties.inclusive', from: { min: true }, to: false },
      ];
      const unit: CommitUnit = {
        ...skippedCheckUnit({ operationId: operation.id, seq: 0, sourceId: checks.notNull }, checks.stagingArchived),
        message: 'Promoted as Draft: source fields [\'email\'] could not be resolved on the destination',
        changes,
        before,
        search_text: 'identifier is present not_null',
      };
      const [row] = await store.commit([unit]);
      const [listed] = (await store.listResults(operation.id)).items;
      assert.deepEqual(listed, row);
      assert.equal(listed?.message, unit.message);
      assert.deepEqual(listed?.changes, changes);
      assert.deepEqual(listed?.before, before);
      assert.equal(listed?.search_text, unit.search_text);
    },
  },
  {
    name: 'listResultsAfter: reads every result in processing order, a few at a time from the last one read',
    async run(store) {
      const operation = await operationWithResults(store);
      const all = (await store.listResults(operation.id)).items.map(listed);
      for (const limit of [1, 3, 4, 10, 50]) {
        const read: ListedResult[] = [];
        let after: ResultPosition | undefined;
        for (let calls = 0; ; calls++) {
          // A store that reads its position again never gets to the end.
          assert.ok(calls <= all.length, `the end after at most ${all.length + 1} calls of ${limit}`);
          const chunk = await store.listResultsAfter(operation.id, after, limit);
          assert.ok(chunk.length <= limit, `at most ${limit} rows`);
          read.push(...chunk);
          if (chunk.length < limit) break;
          const last = chunk.at(-1)!;
          after = { seq: last.seq, id: last.id };
        }
        // The rows of listResults without their images, exactly, each once and in its order.
        assert.deepEqual(read, all, `read ${limit} at a time`);
        const last = all.at(-1)!;
        assert.deepEqual(await store.listResultsAfter(operation.id, { seq: last.seq, id: last.id }, limit), [], 'nothing after the last');
      }
    },
  },
  {
    name: 'listResultsAfter: { seq, id: 0 } reads from that seq on; a position between rows or past the end; one operation only',
    async run(store) {
      const operation = await operationWithResults(store);
      const other = await store.createOperation(operationInput({ status: { total: 2, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      await store.commit([failedCheckUnit({ operationId: other.id, seq: 0, sourceId: 1 }), failedCheckUnit({ operationId: other.id, seq: 1, sourceId: 2 })]);
      const sources = async (operationId: number, after: ResultPosition | undefined, limit: number) => sourcesOf(await store.listResultsAfter(operationId, after, limit));
      assert.deepEqual(await sources(operation.id, { seq: 4, id: 0 }, 3), [5, 6, 7]);
      assert.deepEqual(await sources(operation.id, { seq: 0, id: 0 }, 2), [1, 2]);
      assert.deepEqual(await sources(operation.id, { seq: 3, id: Number.MAX_SAFE_INTEGER }, 3), [5, 6, 7], 'after every result of seq 3');
      assert.deepEqual(await sources(operation.id, { seq: 7, id: 0 }, 50), [8, 9, 10]);
      assert.deepEqual(await sources(operation.id, { seq: 100, id: 0 }, 50), []);
      assert.deepEqual(await sources(operation.id, undefined, 50), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.deepEqual(await sources(other.id, undefined, 50), [1, 2]);
      assert.deepEqual(await sources(other.id, { seq: 0, id: 0 }, 50), [1, 2]);
      assert.deepEqual(await sources(999, undefined, 50), []);
      assert.deepEqual(await sources(999, { seq: 0, id: 0 }, 50), []);
    },
  },
  {
    name: 'listResultsAfter: results of one seq come in id order, and reading resumes inside a seq',
    async run(store) {
      await store.importWorld(sampleWorld());
      const operation = await store.createOperation(operationInput({ status: { total: 3, created: 0, updated: 0, skipped: 0, failed: 0 } }));
      // Committed out of order: the result of seq 1 gets the smallest id.
      const [late] = await store.commit([failedCheckUnit({ operationId: operation.id, seq: 1, sourceId: 3 })]);
      const [first, second] = await store.commit([
        failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: 1 }),
        failedCheckUnit({ operationId: operation.id, seq: 0, sourceId: 2 }),
      ]);
      assert.ok(late !== undefined && first !== undefined && second !== undefined);
      const [lateRow, firstRow, secondRow] = [listed(late), listed(first), listed(second)];
      assert.deepEqual(await store.listResultsAfter(operation.id, undefined, 10), [firstRow, secondRow, lateRow]);
      assert.deepEqual(await store.listResultsAfter(operation.id, { seq: 0, id: first.id }, 10), [secondRow, lateRow]);
      assert.deepEqual(await store.listResultsAfter(operation.id, { seq: 0, id: first.id }, 1), [secondRow]);
      assert.deepEqual(await store.listResultsAfter(operation.id, { seq: 0, id: second.id }, 10), [lateRow]);
      assert.deepEqual(await store.listResultsAfter(operation.id, { seq: 1, id: 0 }, 10), [lateRow]);
    },
  },
];
