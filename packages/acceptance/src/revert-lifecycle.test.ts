import { describe, expect, test } from 'vitest';
import type { Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { admin, engine, gate, runToEnd, until } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

const world = smallWorld(Array.from({ length: 30 }, (_, index) => ({ id: index + 1, description: `check ${index + 1}` })));

describe('a revert is an operation like a promotion (§16): abort, resume, rerun, scope exclusion', () => {
  test('aborted part-way it keeps what it did; resumed it finishes exactly the rest; a rerun is a new revert with nothing left to do', async () => {
    const inner = createMemoryStore({ world });
    const hold = gate();
    let revertId = 0;
    let revertCommits = 0;
    // The revert's second commit waits until the test lets it go: an abort arrives while it runs.
    const store: Store = {
      ...inner,
      commit: async (units, options) => {
        if (units[0]?.operation_id === revertId && revertCommits++ === 1) await hold.opened;
        return inner.commit(units, options);
      },
    };
    const { promoter } = engine(world, { store, commitBatchSize: 1 });
    const promotion = await runToEnd(promoter, admin, qcRequest());
    expect(promotion.status.created).toBe(30);
    const started = (await promoter.run(admin, { type: 'revert', operation_id: promotion.id }))._unsafeUnwrap();
    revertId = started.id;
    expect(started).toMatchObject({ type: 'revert', reverted_operation_id: promotion.id, result: 'running', status: { total: 30 } });
    await until(async () => revertCommits >= 2);
    const aborting = promoter.abort(admin, started.id);
    hold.open();
    const aborted = (await aborting)._unsafeUnwrap();
    expect(aborted).toMatchObject({ result: 'aborted', stopped: true });
    expect(aborted.status.updated).toBeGreaterThan(0);
    expect(aborted.status.updated).toBeLessThan(30);
    const done = aborted.results.map((result) => result.source_entity_id);
    expect(done).toEqual(promotion.results.map((result) => result.source_entity_id).reverse().slice(0, done.length));

    (await promoter.resume(admin, started.id))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    const resumed = (await promoter.getOperation(admin, started.id))._unsafeUnwrap();
    expect(resumed).toMatchObject({ result: 'success', status: { total: 30, updated: 30 } });
    expect(resumed.results.map((result) => result.source_entity_id)).toEqual(promotion.results.map((result) => result.source_entity_id).reverse());
    const checks = await inner.listChecks(20);
    expect(checks.map((check) => check.status)).toEqual(Array(30).fill('archived'));

    const rerun = (await promoter.rerun(admin, started.id))._unsafeUnwrap();
    await promoter.waitFor(rerun.id);
    expect((await promoter.getOperation(admin, rerun.id))._unsafeUnwrap()).toMatchObject({ type: 'revert', reverted_operation_id: promotion.id, status: { total: 30, skipped: 30 } });
    await promoter.close();
  });
});
