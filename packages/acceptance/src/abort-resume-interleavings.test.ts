import fc from 'fast-check';
import { expect } from 'vitest';
import { createPromoter, createReferenceDataplane, type Clock, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { testProp } from '@promote/testkit/vitest';
import { admin, jane } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

const world = smallWorld(Array.from({ length: 6 }, (_, index) => ({ id: index + 1, description: `check ${index + 1}` })));

/** Time stands still: leases never lapse, so only the order of the store's answers varies. */
const stillClock: Clock = {
  now: () => new Date('2026-03-10T14:30:00Z'),
  sleep: () => new Promise((resolve) => setImmediate(resolve)),
  every: () => ({ cancel: () => undefined }),
};

/** The store with every answer of the methods that decide an operation's fate released by the scheduler. */
function scheduledStore(inner: Store, scheduler: fc.Scheduler): Store {
  const scheduled = <K extends 'getOperation' | 'transitionOperation' | 'commit' | 'listResults'>(key: K) =>
    scheduler.scheduleFunction(inner[key].bind(inner) as (...args: never[]) => Promise<unknown>) as unknown as Store[K];
  return {
    ...inner,
    getOperation: scheduled('getOperation'),
    transitionOperation: scheduled('transitionOperation'),
    commit: scheduled('commit'),
    listResults: scheduled('listResults'),
  };
}

/*
 * Issue 17, point 6: engine A runs an operation; engine B, on the same store, aborts it, resumes it
 * and may also run recovery — in an order of store answers fast-check chooses. Whatever the order,
 * a resume that reopened the operation is never undone (no resurrected abort) and its work is
 * finished (no lost resume), with one result per check and no duplicate write.
 */
testProp(
  'abort, resume and recovery from another engine, interleaved with the run in any order: no resurrected abort, no lost resume, no duplicate',
  [fc.scheduler(), fc.boolean(), fc.integer({ min: 1, max: 3 })],
  async (scheduler, recoverToo, batchSize) => {
    const inner = createMemoryStore({ world });
    const store = scheduledStore(inner, scheduler);
    const options = { store, clock: stillClock, concurrency: 1, batchSize, commitBatchSize: 2, commitBudgetMs: Number.POSITIVE_INFINITY };
    const a = createPromoter({ ...options, dataplane: createReferenceDataplane(), holderId: 'engine-a' });
    const b = createPromoter({ ...options, dataplane: createReferenceDataplane(), holderId: 'engine-b' });

    const everything = (async () => {
      const started = (await a.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
      const sideB = (async () => {
        await b.abort(jane, started.id);
        const resumed = await b.resume(admin, started.id);
        if (recoverToo) await b.recover();
        return resumed.isOk();
      })();
      const reopened = await sideB;
      await a.waitFor(started.id);
      await b.waitFor(started.id);
      return { id: started.id, reopened };
    })();
    const { id, reopened } = await scheduler.waitFor(everything);
    await scheduler.waitAll();

    const operation = await inner.getOperation(id);
    const results = (await inner.listResults(id)).items;
    const sources = results.map((result) => result.source_entity_id);
    expect(new Set(sources).size).toBe(sources.length);
    expect(await inner.listChecks(20)).toHaveLength(results.filter((result) => result.result === 'created').length);
    expect(operation?.status.created).toBe(results.filter((result) => result.result === 'created').length);
    if (reopened) {
      // The last thing anybody did to it was a resume: it ran to its end.
      expect(operation).toMatchObject({ result: 'success', aborted_by: null, status: { total: 6, created: 6 } });
    } else {
      // The abort came too late (it had finished) or the resume lost nothing: it ended, with every check or none missing.
      expect(operation?.result).not.toBe('running');
    }
  },
  { numRuns: 150 },
  60_000,
);
