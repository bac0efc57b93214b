import type { Result } from 'neverthrow';
import { describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, steppingClock, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { openSqliteStore } from '@promote/store-sqlite';
import { failedCheckUnit, operationInput, sampleIds, sampleWorld, skippedCheckUnit, updatedCheckUnit } from '@promote/testkit';
import { admin, runToEnd } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

/** The same store without its optional `summarise` and `renderResultViews`: the engine then reads whole entities and writes the JSON itself. */
function withoutSummaries(store: Store): Store {
  return new Proxy(store, { get: (target, key) => (key === 'summarise' || key === 'renderResultViews' ? undefined : Reflect.get(target, key, target)) });
}

/** The text of a streamed operation's results (`OperationStream.json`): its pages joined by commas. */
async function streamedText(pages: AsyncIterable<Result<Uint8Array, unknown>>): Promise<string> {
  const texts: string[] = [];
  for await (const page of pages) texts.push(Buffer.from(page._unsafeUnwrap()).toString('utf8'));
  return texts.join(',');
}

const world = smallWorld(
  [
    ...Array.from({ length: 6 }, (_, index) => ({ id: index + 1, rule_type: 'not_null' as const, fields: ['email'], description: `Check ${index + 1}` })),
    { id: 30, container_id: 20, rule_type: 'not_null' as const, fields: ['email'], description: 'Check 1' },
    { id: 31, container_id: 20, rule_type: 'not_null' as const, fields: ['email'], description: 'older copy', status: 'draft' as const },
  ],
  {
    lineage: [{ entity_type: 'quality_check', source_entity_id: 2, destination_scope_id: 20, destination_entity_id: 31 }],
  },
);

describe('result views (§10): Store.summarise answers what whole entities would', () => {
  for (const [name, open] of [
    ['memory', async () => createMemoryStore({ world })],
    ['SQLite', async () => {
      const store = await openSqliteStore({ filename: ':memory:' });
      await store.importWorld(world);
      return store;
    }],
  ] as const) {
    test(`${name}: an operation and a plan read the same with and without summarise`, async () => {
      const store = await open();
      expect(store.summarise).toBeDefined();
      const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock() });
      const finished = await runToEnd(promoter, admin, qcRequest());
      expect(finished.status).toMatchObject({ total: 6, created: 4, updated: 1, skipped: 1 });
      const plain = createPromoter({ store: withoutSummaries(store), dataplane: createReferenceDataplane(), clock: steppingClock() });
      expect((await plain.getOperation(admin, finished.id))._unsafeUnwrap()).toEqual((await promoter.getOperation(admin, finished.id))._unsafeUnwrap());
      // Plans are compared but for their timestamps (each promoter has its own clock).
      const planned = (await promoter.plan(admin, qcRequest()))._unsafeUnwrap();
      const plainlyPlanned = (await plain.plan(admin, qcRequest()))._unsafeUnwrap();
      expect({ ...plainlyPlanned, start_time: null, end_time: null }).toEqual({ ...planned, start_time: null, end_time: null });
      expect(finished.results.every((result) => result.source_entity !== null)).toBe(true);
      // Streamed a page at a time, whatever the page size, it is the same operation.
      for (const size of [4, 1, 100]) {
        const stream = (await promoter.streamOperation(admin, finished.id, size))._unsafeUnwrap();
        const pages: unknown[][] = [];
        for await (const page of stream.results) pages.push([...page._unsafeUnwrap()]);
        expect(pages.map((page) => page.length)).toEqual(size === 4 ? [4, 2] : size === 1 ? [1, 1, 1, 1, 1, 1] : [6]);
        expect({ ...stream.envelope, results: pages.flat() }).toEqual(finished);
        // As JSON, written by the store or by the engine, it is the text of the same results.
        for (const reader of [promoter, plain]) {
          const json = (await reader.streamOperation(admin, finished.id, size))._unsafeUnwrap().json;
          expect(await streamedText(json)).toBe(JSON.stringify(finished.results).slice(1, -1));
        }
      }
      await promoter.close();
      await store.close();
    });
  }
});

/** The store, counting the calls of `listResults` (the listing that counts and skips). */
function countingListings(store: Store): { readonly store: Store; readonly listings: () => number } {
  let listings = 0;
  return {
    store: new Proxy(store, {
      get: (target, key) =>
        key === 'listResults'
          ? (...args: Parameters<Store['listResults']>) => {
              listings += 1;
              return target.listResults(...args);
            }
          : Reflect.get(target, key, target),
    }),
    listings: () => listings,
  };
}

describe('result pages (§10): the API unchanged, read by seq range when the operation is complete', () => {
  test('every page of every size equals the slice of the whole operation; unfiltered pages need no count and no offset', async () => {
    const counted = countingListings(createMemoryStore({ world }));
    const promoter = createPromoter({ store: counted.store, dataplane: createReferenceDataplane(), clock: steppingClock() });
    const finished = await runToEnd(promoter, admin, qcRequest());
    const before = counted.listings();
    for (const size of [1, 2, 4, 5, 6, 50]) {
      for (let page = 1; page <= Math.ceil(6 / size) + 1; page++) {
        const listed = (await promoter.listResults(admin, finished.id, { page: String(page), size: String(size) }))._unsafeUnwrap();
        expect(listed).toEqual({ items: finished.results.slice((page - 1) * size, page * size), total: 6, page, size });
      }
    }
    expect(counted.listings()).toBe(before);
    // Filtered pages still list (with their count), and agree with the whole operation.
    const created = (await promoter.listResults(admin, finished.id, { promote_result: 'created', page: '2', size: '2' }))._unsafeUnwrap();
    expect(created).toEqual({ items: finished.results.filter((result) => result.result === 'created').slice(2, 4), total: 4, page: 2, size: 2 });
    expect(counted.listings()).toBe(before + 1);
    await promoter.close();
  });

  test('results that are not positions 0 … total − 1, or an operation still missing results: pages are listed with a count and offset, and right', async () => {
    const store = createMemoryStore({ world: sampleWorld() });
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), clock: steppingClock() });
    // Counters adding up to the total, seqs that are not positions (written outside the runner).
    const spaced = await store.createOperation(operationInput({ result: 'success', status: { total: 3, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    await store.commit([10, 20, 30].map((seq, index) => failedCheckUnit({ operationId: spaced.id, seq, sourceId: index + 1 })));
    // Two of four results, one seq missing.
    const partial = await store.createOperation(operationInput({ result: 'aborted', status: { total: 4, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    await store.commit([0, 2].map((seq) => failedCheckUnit({ operationId: partial.id, seq, sourceId: seq + 1 })));
    const sources = async (id: number, page: number, size: number) => {
      const listed = (await promoter.listResults(admin, id, { page: String(page), size: String(size) }))._unsafeUnwrap();
      return { sources: listed.items.map((result) => result.source_entity_id), total: listed.total };
    };
    expect(await sources(spaced.id, 1, 2)).toEqual({ sources: [1, 2], total: 3 });
    expect(await sources(spaced.id, 2, 2)).toEqual({ sources: [3], total: 3 });
    expect(await sources(partial.id, 1, 1)).toEqual({ sources: [1], total: 2 });
    expect(await sources(partial.id, 2, 1)).toEqual({ sources: [3], total: 2 });
    expect(await sources(partial.id, 3, 1)).toEqual({ sources: [], total: 2 });
    await promoter.close();
  });
});

describe('the whole operation as JSON (OperationStream.json): the SQLite store writes it, and leaves to the engine what it cannot write exactly', () => {
  test('a negative zero in changes and a lone surrogate in a message: those pages are the engine’s, the others the store’s, the text is JSON.stringify’s', async () => {
    const store = await openSqliteStore({ filename: ':memory:' });
    await store.importWorld(sampleWorld());
    const operation = await store.createOperation(operationInput({ result: 'success', status: { total: 4, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    const [destination] = await store.getChecks([sampleIds.checks.stagingArchived]);
    const position = (seq: number, sourceId: number) => ({ operationId: operation.id, seq, sourceId });
    await store.commit([
      skippedCheckUnit(position(0, sampleIds.checks.notNull), sampleIds.checks.stagingArchived),
      { ...updatedCheckUnit(position(1, sampleIds.checks.between), destination!, { ...destination!, description: 'Now -0' }), changes: [{ path: 'properties.min', from: -0, to: 1 }] },
      failedCheckUnit(position(2, sampleIds.checks.stagingDiscarded), 'Field \ud800 is not valid'),
      skippedCheckUnit(position(3, sampleIds.checks.stagingArchived), sampleIds.checks.stagingArchived),
    ]);
    let rendered = 0;
    let declined = 0;
    const counting = new Proxy(store, {
      get: (target, key) =>
        key === 'renderResultViews'
          ? async (...args: Parameters<NonNullable<Store['renderResultViews']>>) => {
              const answer = await target.renderResultViews!(...args);
              if (answer === undefined) declined += 1;
              else rendered += 1;
              return answer;
            }
          : Reflect.get(target, key, target),
    });
    const promoter = createPromoter({ store: counting, dataplane: createReferenceDataplane(), clock: steppingClock() });
    const whole = (await promoter.getOperation(admin, operation.id))._unsafeUnwrap();
    const text = await streamedText((await promoter.streamOperation(admin, operation.id, 1))._unsafeUnwrap().json);
    expect(text).toBe(JSON.stringify(whole.results).slice(1, -1));
    // better-sqlite3 stores a lone surrogate as its three bytes and reads them back as three U+FFFD,
    // which is what the engine writes; the store's own text would have been the three bytes.
    expect(text).toContain('Field \ufffd\ufffd\ufffd is not valid');
    expect(text).toContain('"from":0,');
    expect({ rendered, declined }).toEqual({ rendered: 2, declined: 2 });
    await promoter.close();
    await store.close();
  });
});
