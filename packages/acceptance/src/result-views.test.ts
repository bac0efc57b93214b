import { describe, expect, test } from 'vitest';
import { createPromoter, createReferenceDataplane, steppingClock, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { openSqliteStore } from '@promote/store-sqlite';
import { admin, runToEnd } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

/** The same store without its optional `summarise`: the engine then reads whole entities. */
function withoutSummaries(store: Store): Store {
  return new Proxy(store, { get: (target, key) => (key === 'summarise' ? undefined : Reflect.get(target, key, target)) });
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
      }
      await promoter.close();
      await store.close();
    });
  }
});
