import { describe, expect, test } from 'vitest';
import type { PlanView, Store } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { qcRequest, smallWorld } from './fixtures.js';
import { admin, engine, gate, jane, runToEnd } from './support.js';

const world = smallWorld(Array.from({ length: 6 }, (_, index) => ({ id: index + 1, rule_type: 'not_null', fields: ['email'], description: `check ${index + 1}` })));
const changed = 'The plan changed since it was reviewed';

async function planOf(promoter: ReturnType<typeof engine>['promoter'], body: Record<string, unknown>): Promise<PlanView> {
  return (await promoter.plan(admin, body))._unsafeUnwrap();
}

/** Everything the store holds that a promotion could write, without timestamps. */
async function destinationState(store: Store) {
  const operations = await store.listOperations({ page: 1, size: 100 });
  return { checks: (await store.listChecks(20)).map(({ created_at: _c, updated_at: _u, ...check }) => check), operations: operations.total };
}

describe('reviewed plans: plan_fingerprint and expected_plan_fingerprint (§15)', () => {
  test('a dry run has a fingerprint; the same plan made again, by another user or on another store, has the same one', async () => {
    const { promoter } = engine(world);
    const first = await planOf(promoter, qcRequest());
    expect(first.plan_fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await planOf(promoter, qcRequest())).plan_fingerprint).toBe(first.plan_fingerprint);
    expect((await promoter.plan(jane, qcRequest()))._unsafeUnwrap().plan_fingerprint).toBe(first.plan_fingerprint);
    const sqlite = await openSqliteStore({ filename: ':memory:' });
    await sqlite.importWorld(world);
    expect((await planOf(engine(world, { store: sqlite }).promoter, qcRequest())).plan_fingerprint).toBe(first.plan_fingerprint);
    await sqlite.close();
    // Another selection, another outcome: another fingerprint.
    expect((await planOf(promoter, qcRequest({ check_ids: [1, 2] }))).plan_fingerprint).not.toBe(first.plan_fingerprint);
    expect((await planOf(promoter, qcRequest({ as_draft: false }))).plan_fingerprint).not.toBe(first.plan_fingerprint);
  });

  test('a run with the fingerprint of its current plan does exactly that plan; a dry run accepts and ignores the field', async () => {
    const { promoter } = engine(world);
    const plan = await planOf(promoter, qcRequest());
    expect((await planOf(promoter, qcRequest({ expected_plan_fingerprint: 'sha256:anything' }))).plan_fingerprint).toBe(plan.plan_fingerprint);
    const run = await runToEnd(promoter, admin, qcRequest({ expected_plan_fingerprint: plan.plan_fingerprint }));
    expect(run.result).toBe('success');
    expect(run.status).toEqual(plan.status);
    expect(run.results.map((result) => [result.source_entity?.id, result.result, result.message])).toEqual(
      plan.results.map((result) => [result.source_entity?.id, result.result, result.message]),
    );
    // Now every check would be skipped: the old fingerprint is stale.
    expect((await planOf(promoter, qcRequest())).plan_fingerprint).not.toBe(plan.plan_fingerprint);
  });

  test('stale when the request arrives: 409, nothing enqueued, nothing written', async () => {
    const { promoter, store } = engine(world);
    const plan = await planOf(promoter, qcRequest());
    await runToEnd(promoter, admin, qcRequest({ check_ids: [1] }));
    const before = await destinationState(store);
    const refused = await promoter.run(admin, qcRequest({ expected_plan_fingerprint: plan.plan_fingerprint }));
    expect(refused._unsafeUnwrapErr()).toEqual({ kind: 'conflict', message: changed });
    expect(await destinationState(store)).toEqual(before);
  });

  test("stale at the operation's turn: another operation of the scope got there first; it ends failure, with no results and no writes", async () => {
    const hold = gate();
    // Every Dataplane call waits for the gate: the first operation (active checks) holds the scope
    // and writes nothing until the test opens it. The reviewed drafts need no Dataplane.
    const { promoter, store } = engine(world, { concurrency: 1, dataplane: { latencyMs: 1, sleep: () => hold.opened } });
    const reviewed = await planOf(promoter, qcRequest());
    const first = (await promoter.run(admin, qcRequest({ as_draft: false, check_ids: [1, 2, 3] })))._unsafeUnwrap();
    const second = (await promoter.run(admin, qcRequest({ expected_plan_fingerprint: reviewed.plan_fingerprint })))._unsafeUnwrap();
    expect(second.result).toBe('running');
    expect((await store.getOperation(first.id))?.status.created).toBe(0);
    hold.open();
    await promoter.waitFor(first.id);
    await promoter.waitFor(second.id);
    expect((await promoter.getOperation(admin, first.id))._unsafeUnwrap().status.created).toBe(3);
    const ended = (await promoter.getOperation(admin, second.id))._unsafeUnwrap();
    expect(ended).toMatchObject({ result: 'failure', message: changed, status: { total: 6, created: 0, updated: 0, skipped: 0, failed: 0 }, results: [] });
    expect((await destinationState(store)).checks).toHaveLength(3);
  });

  test('a rerun of a reviewed run is a new operation of the same request, not of the done plan', async () => {
    const { promoter } = engine(world);
    const plan = await planOf(promoter, qcRequest());
    const run = await runToEnd(promoter, admin, qcRequest({ expected_plan_fingerprint: plan.plan_fingerprint }));
    const rerun = (await promoter.rerun(admin, run.id))._unsafeUnwrap();
    await promoter.waitFor(rerun.id);
    expect((await promoter.getOperation(admin, rerun.id))._unsafeUnwrap()).toMatchObject({ result: 'success', status: { skipped: 6 } });
  });

  test.each([[42], [''], [null], ['x'.repeat(201)]])('a fingerprint %j is refused with a 422 before anything else', async (fingerprint) => {
    const { promoter, store } = engine(world);
    const before = await destinationState(store);
    const refused = (await promoter.run(admin, qcRequest({ expected_plan_fingerprint: fingerprint })))._unsafeUnwrapErr();
    expect(refused.kind).toBe('invalid_request');
    expect(JSON.stringify(refused)).toContain('expected_plan_fingerprint');
    expect(await destinationState(store)).toEqual(before);
  });
});
