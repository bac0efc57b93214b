import assert from 'node:assert/strict';
import { createPromoter, createReferenceDataplane, manualClock, type LeaseHolders, type Promoter, type ReferenceDataplaneOptions } from '@promote/core';
import { openPostgresStore, type PostgresStore } from '@promote/store-postgres';
import { createTestDatabase } from '@promote/test-postgres';
import { afterEach, describe, test } from 'vitest';
import { qcRequest, smallWorld } from './fixtures.js';
import { admin, gate, heldAfterFirstCall, jane } from './support.js';

/**
 * SPEC §18 in one process: two engines, each with its own PostgreSQL store on one schema, stand for
 * two instances of the service. An abort sent to one stops the operation the other runs, also in
 * the middle of a Dataplane call; an instance whose engine is gone (or whose lease lapsed) is taken
 * over by the other, which finishes the same operation with nothing done twice — and the first,
 * should it come back, writes nothing more. The real-process version (SIGKILL) is in
 * `packages/cli/src/several-serves.test.ts`.
 */

const connectionString = await createTestDatabase('several-instances');
let schemas = 0;
const opened: PostgresStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const checkCount = 30;
const world = () => smallWorld(Array.from({ length: checkCount }, (_, index) => ({ id: index + 1, fields: ['email'] })));

interface Instance {
  readonly store: PostgresStore;
  readonly promoter: Promoter;
}

/** The stores of one new schema holding the world, one per instance. */
async function database(count: number): Promise<PostgresStore[]> {
  const schema = `instances_${(schemas += 1)}`;
  const stores = await Promise.all(Array.from({ length: count }, () => openPostgresStore({ connectionString, schema })));
  opened.push(...stores);
  await stores[0]!.importWorld(world());
  return stores;
}

function instance(
  store: PostgresStore,
  holder: string,
  options: { readonly dataplane?: ReferenceDataplaneOptions; readonly gone?: readonly string[]; readonly clock?: ReturnType<typeof manualClock> } = {},
): Instance {
  const leaseHolders: LeaseHolders = { newHolderId: () => holder, isGone: (other) => options.gone?.includes(other) === true };
  const promoter = createPromoter({
    store,
    dataplane: createReferenceDataplane(options.dataplane),
    leaseHolders,
    leaseTtlMs: 600,
    leasePollMs: 20,
    abortPollMs: 50,
    commitBudgetMs: Number.POSITIVE_INFINITY,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return { store, promoter };
}

async function destinationChecks(store: PostgresStore): Promise<number> {
  return (await store.listChecks(20)).length;
}

describe('several engine instances on one PostgreSQL database (§18)', () => {
  test('an abort sent to one instance stops the operation another runs, while it waits for the Dataplane', async () => {
    const [storeA, storeB] = await database(2);
    const hold = gate();
    const a = instance(storeA!, 'instance-a', { dataplane: heldAfterFirstCall(hold.opened) });
    const b = instance(storeB!, 'instance-b');
    const started = (await a.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    // The first batch of ten is validated and committed; the second call waits (for ever, unless stopped).
    for (let turn = 0; turn < 500 && (await storeB!.getOperation(started.id))?.status.created !== 10; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal((await storeB!.getOperation(started.id))?.status.created, 10, 'live status from the other instance');

    const aborted = (await b.promoter.abort(jane, started.id))._unsafeUnwrap();
    assert.equal(aborted.result, 'aborted');
    // The instance that runs it notices (abortPollMs) and ends its turn, though the Dataplane call never returns.
    await a.promoter.waitFor(started.id);
    const ended = (await a.promoter.getOperation(admin, started.id))._unsafeUnwrap();
    assert.equal(ended.result, 'aborted');
    assert.equal(ended.aborted_by, 'jane@example.com');
    assert.equal(ended.results.length, 10);
    assert.equal(await destinationChecks(storeA!), 10);
    hold.open();
  });

  test('takeover: an instance known to be gone is taken over at once; the same operation ends with each source processed once', async () => {
    const [storeA, storeB] = await database(2);
    const hold = gate();
    const a = instance(storeA!, 'instance-a', { dataplane: heldAfterFirstCall(hold.opened) });
    const b = instance(storeB!, 'instance-b', { gone: ['instance-a'] });
    const started = (await a.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    for (let turn = 0; turn < 500 && (await storeB!.getOperation(started.id))?.status.created !== 10; turn++) await new Promise((resolve) => setTimeout(resolve, 10));

    // A is stuck in a Dataplane call, as if its process had died there.
    assert.deepEqual((await b.promoter.takeOver())._unsafeUnwrap(), [started.id]);
    assert.deepEqual((await b.promoter.takeOver())._unsafeUnwrap(), [], 'taken once');
    await b.promoter.waitFor(started.id);
    const ended = (await b.promoter.getOperation(admin, started.id))._unsafeUnwrap();
    assert.equal(ended.result, 'success');
    assert.deepEqual(ended.status, { total: checkCount, created: checkCount, updated: 0, skipped: 0, failed: 0 });
    assert.deepEqual(ended.results.map((result) => result.source_entity?.id), Array.from({ length: checkCount }, (_, index) => index + 1));
    assert.equal(await destinationChecks(storeB!), checkCount);

    // A comes back: its next commit is fenced (B took the lease), and it records nothing.
    hold.open();
    await a.promoter.waitFor(started.id);
    const after = (await a.promoter.getOperation(admin, started.id))._unsafeUnwrap();
    assert.deepEqual(after, ended);
    assert.equal(await destinationChecks(storeA!), checkCount);
  });

  test('takeover after the lease lapsed: an instance that stopped renewing is continued once its lease expired, not before', async () => {
    const [storeA, storeB] = await database(2);
    const hold = gate();
    // A's clock stands still (its renewals never run, as in a process that died); B's runs on.
    const clockA = manualClock('2026-12-03T08:00:00.000Z');
    const clockB = manualClock('2026-12-03T08:00:00.000Z');
    const a = instance(storeA!, 'instance-a', { dataplane: heldAfterFirstCall(hold.opened), clock: clockA });
    const b = instance(storeB!, 'instance-b', { clock: clockB });
    const started = (await a.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    for (let turn = 0; turn < 500 && (await storeB!.getOperation(started.id))?.status.created !== 10; turn++) await new Promise((resolve) => setTimeout(resolve, 10));

    assert.deepEqual((await b.promoter.takeOver())._unsafeUnwrap(), [], 'the lease still runs');
    clockB.jump(601);
    assert.deepEqual((await b.promoter.takeOver())._unsafeUnwrap(), [started.id], 'lapsed: taken over');
    await b.promoter.waitFor(started.id);
    const ended = (await b.promoter.getOperation(admin, started.id))._unsafeUnwrap();
    assert.equal(ended.result, 'success');
    assert.equal(ended.results.length, checkCount);
    assert.equal(await destinationChecks(storeB!), checkCount);
    hold.open();
    await a.promoter.waitFor(started.id);
    assert.deepEqual((await a.promoter.getOperation(admin, started.id))._unsafeUnwrap(), ended);
  });

  test('takeover leaves alone an operation whose instance is alive', async () => {
    const [storeA, storeB] = await database(2);
    const hold = gate();
    const a = instance(storeA!, 'instance-a', { dataplane: heldAfterFirstCall(hold.opened) });
    const b = instance(storeB!, 'instance-b');
    const started = (await a.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    for (let turn = 0; turn < 500 && (await storeB!.getOperation(started.id))?.status.created !== 10; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
    // A's renewal (every 200 ms of a 600 ms lease) keeps it across several sweeps of B.
    for (let sweep = 0; sweep < 5; sweep++) {
      assert.deepEqual((await b.promoter.takeOver())._unsafeUnwrap(), []);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    hold.open();
    await a.promoter.waitFor(started.id);
    assert.equal((await a.promoter.getOperation(admin, started.id))._unsafeUnwrap().result, 'success');
  });
});
