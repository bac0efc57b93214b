import { describe, expect, test } from 'vitest';
import { manualClock, type OperationEvent } from '@promote/core';
import { admin, engine, gate, heldAfterFirstCall, jane, runToEnd, until } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

const world = smallWorld(Array.from({ length: 25 }, (_, index) => ({ id: index + 1, rule_type: 'not_null', fields: ['email'], description: `check ${index + 1}` })));
const victor = { email: 'victor@example.com' };
const hank = { email: 'hank@example.com' };

describe('delete an operation (§17)', () => {
  test('an ended operation: record and results go, what it wrote and its lineage stay (a later promotion still matches)', async () => {
    const { promoter, store } = engine(world);
    const first = await runToEnd(promoter, admin, qcRequest({ check_ids: [1, 2] }));
    expect(first.status.created).toBe(2);
    const deleted = (await promoter.deleteOperation(jane, first.id))._unsafeUnwrap();
    expect(deleted).toMatchObject({ id: first.id, result: 'success', status: first.status });
    expect(deleted).not.toHaveProperty('results');
    expect((await promoter.getOperation(admin, first.id))._unsafeUnwrapErr()).toMatchObject({ kind: 'not_found' });
    expect(await store.listChecks(20)).toHaveLength(2);
    const again = await runToEnd(promoter, admin, qcRequest({ check_ids: [1, 2] }));
    expect(again.status).toMatchObject({ created: 0, skipped: 2 });
    expect(again.id).toBe(first.id + 1);
    expect((await promoter.deleteOperation(jane, first.id))._unsafeUnwrapErr()).toMatchObject({ kind: 'not_found', message: `Operation ${first.id} not found` });
  });

  test('a running operation is a conflict; the permission is that of abort', async () => {
    const hold = gate();
    const { promoter } = engine(world, { concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const running = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    expect((await promoter.deleteOperation(admin, running.id))._unsafeUnwrapErr()).toMatchObject({ kind: 'conflict' });
    hold.open();
    await promoter.waitFor(running.id);
    expect((await promoter.deleteOperation(victor, running.id))._unsafeUnwrapErr().kind).toBe('forbidden');
    expect((await promoter.deleteOperation(hank, running.id))._unsafeUnwrapErr().kind).toBe('forbidden');
    expect((await promoter.getOperation(admin, running.id)).isOk()).toBe(true);
  });
});

describe('describeOperation (§17)', () => {
  test('offers each action only in its state and with its permission', async () => {
    const hold = gate();
    const { promoter } = engine(world, { concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const running = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    const none = { abort: false, resume: false, rerun: false, revert: false, delete: false };
    expect((await promoter.describeOperation(jane, running.id))._unsafeUnwrap().actions).toEqual({ ...none, abort: true });
    expect((await promoter.describeOperation(victor, running.id))._unsafeUnwrap().actions).toEqual(none);
    (await promoter.abort(jane, running.id))._unsafeUnwrap();
    hold.open();
    await promoter.waitFor(running.id);
    expect((await promoter.describeOperation(jane, running.id))._unsafeUnwrap().actions).toEqual({ abort: false, resume: true, rerun: true, revert: true, delete: true });
    expect((await promoter.describeOperation(victor, running.id))._unsafeUnwrap().actions).toEqual(none);
    // hank: editor on the source only, author on the destination.
    expect((await promoter.describeOperation(hank, running.id))._unsafeUnwrap().actions).toEqual(none);
    const finished = await runToEnd(promoter, admin, qcRequest({ check_ids: [1] }));
    const details = (await promoter.describeOperation(admin, finished.id))._unsafeUnwrap();
    expect(details.actions).toEqual({ abort: false, resume: false, rerun: true, revert: true, delete: true });
    const { results: _results, ...envelope } = finished;
    expect(details.operation).toEqual(envelope);
    expect(details.request).toEqual({ ...qcRequest({ check_ids: [1] }), as_draft: true });
    expect((await promoter.describeOperation({ email: 'nobody@example.com' }, finished.id))._unsafeUnwrapErr().kind).toBe('unauthenticated');
    expect((await promoter.describeOperation(admin, 999))._unsafeUnwrapErr().kind).toBe('not_found');
  });
  test('a revert and its rerun need editor on the destination only (§16): offered to dora, who is a reporter on the source', async () => {
    const base = smallWorld([{ id: 1 }, { id: 2 }]);
    const withDora = smallWorld([{ id: 1 }, { id: 2 }], {
      users: [...base.users, { id: 5, email: 'dora@example.com', role: 'member' }],
      teams: [...base.teams.map((team) => ({ ...team, members: [...team.members] })), { id: 4, name: 'Production', members: [5], permissions: { '1': 'reporter', '2': 'editor' } }],
    });
    const { promoter } = engine(withDora);
    const dora = { email: 'dora@example.com' };
    const promoted = await runToEnd(promoter, admin, qcRequest({ check_ids: [1, 2] }));
    // A promotion's rerun needs editor on its source too.
    expect((await promoter.describeOperation(dora, promoted.id))._unsafeUnwrap().actions).toEqual({ abort: false, resume: false, rerun: false, revert: true, delete: true });
    expect((await promoter.rerun(dora, promoted.id))._unsafeUnwrapErr().kind).toBe('forbidden');
    const reverted = await runToEnd(promoter, dora, { type: 'revert', operation_id: promoted.id });
    expect(reverted).toMatchObject({ type: 'revert', reverted_operation_id: promoted.id, status: { total: 2, updated: 2 } });
    expect((await promoter.describeOperation(dora, reverted.id))._unsafeUnwrap().actions).toEqual({ abort: false, resume: false, rerun: true, revert: true, delete: true });
    expect((await promoter.rerun(dora, reverted.id)).isOk()).toBe(true);
    expect((await promoter.describeOperation(victor, reverted.id))._unsafeUnwrap().actions).toEqual({ abort: false, resume: false, rerun: false, revert: false, delete: false });
  });
});

describe('watchOperation (§17)', () => {
  test('progress at once and when the counts change, then end; nothing between two equal reads', async () => {
    const clock = manualClock();
    const hold = gate();
    const { promoter } = engine(world, { clock, concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const running = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await promoter.getOperation(admin, running.id))._unsafeUnwrap().status.created === 10);
    const events = (await promoter.watchOperation(victor, running.id, { intervalMs: 100 }))._unsafeUnwrap()[Symbol.asyncIterator]();
    const first = await events.next();
    expect(first.value).toMatchObject({ kind: 'progress', operation: { id: running.id, result: 'running', status: { created: 10 } } });
    expect(first.value.operation).not.toHaveProperty('results');
    const next = events.next();
    // Unchanged counts: no event for this read.
    await clock.advance(100);
    hold.open();
    await promoter.waitFor(running.id);
    const seen: OperationEvent[] = [];
    const collect = (async () => {
      for (let item = await next; item.done !== true; item = await events.next()) seen.push(item.value);
    })();
    while (seen.length === 0 || seen.at(-1)?.kind !== 'end') await clock.advance(100);
    await collect;
    expect(seen.map((event) => event.kind)).toEqual(['end']);
    expect(seen[0]).toMatchObject({ operation: { result: 'success', status: { created: 25 } } });
  });

  test('authorised like a read; an ended operation gives one end event', async () => {
    const { promoter } = engine(world, { clock: manualClock() });
    const finished = await runToEnd(promoter, admin, qcRequest({ check_ids: [1] }));
    expect((await promoter.watchOperation({ email: 'nobody@example.com' }, finished.id))._unsafeUnwrapErr().kind).toBe('unauthenticated');
    expect((await promoter.watchOperation({ email: 'nora@example.com' }, finished.id)).isErr()).toBe(true);
    expect((await promoter.watchOperation(admin, 999))._unsafeUnwrapErr().kind).toBe('not_found');
    const ended: OperationEvent[] = [];
    for await (const event of (await promoter.watchOperation(victor, finished.id))._unsafeUnwrap()) ended.push(event);
    expect(ended).toEqual([{ kind: 'end', operation: expect.objectContaining({ id: finished.id, result: 'success' }) }]);
  });

  test('an operation deleted between two reads ends the stream with an error event', async () => {
    const clock = manualClock();
    const hold = gate();
    const { promoter } = engine(world, { clock, concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const running = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    const events = (await promoter.watchOperation(admin, running.id, { intervalMs: 100 }))._unsafeUnwrap()[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ kind: 'progress' });
    // The watcher waits for its next read (the clock does not move): aborted and deleted meanwhile.
    const next = events.next();
    const aborted = promoter.abort(jane, running.id);
    hold.open();
    expect((await aborted)._unsafeUnwrap().result).toBe('aborted');
    await promoter.waitFor(running.id);
    (await promoter.deleteOperation(jane, running.id))._unsafeUnwrap();
    await clock.advance(100);
    expect((await next).value).toEqual({ kind: 'error', error: { kind: 'not_found', message: 'The operation was deleted' } });
    expect((await events.next()).done).toBe(true);
  });

  test('stops when its signal aborts', async () => {
    const clock = manualClock();
    const hold = gate();
    const { promoter } = engine(world, { clock, concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const running = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    const controller = new AbortController();
    const events = (await promoter.watchOperation(admin, running.id, { intervalMs: 100, signal: controller.signal }))._unsafeUnwrap()[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ kind: 'progress' });
    const next = events.next();
    controller.abort();
    await clock.advance(100);
    expect((await next).done).toBe(true);
    hold.open();
    await promoter.waitFor(running.id);
  });
});
