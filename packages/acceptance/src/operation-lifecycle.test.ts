import { describe, expect, test } from 'vitest';
import { manualClock, steppingClock, type OperationProgress, type Promoter, type Store } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { admin, engine, gate, heldAfterFirstCall, jane, runToEnd, until } from './support.js';
import { qcRequest, smallWorld } from './fixtures.js';

const world = smallWorld(Array.from({ length: 25 }, (_, index) => ({ id: index + 1, rule_type: 'not_null', fields: ['email'], description: `check ${index + 1}` })));

async function status(promoter: Promoter, id: number) {
  return (await promoter.getOperation(admin, id))._unsafeUnwrap();
}

describe('abort, resume, rerun (§9)', () => {
  test('abort stops between units: what was processed keeps its result, the rest gets none; resume finishes it', async () => {
    const hold = gate();
    const { promoter, store } = engine(world, { concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const started = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await status(promoter, started.id)).status.created === 10);

    const aborted = (await promoter.abort(jane, started.id))._unsafeUnwrap();
    expect(aborted).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', stopped: true, status: { total: 25, created: 10, failed: 0 } });
    expect(aborted.end_time).not.toBeNull();
    expect(aborted.results.map((result) => result.source_entity_id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await store.listChecks(20)).toHaveLength(10);
    hold.open();

    expect((await promoter.abort(admin, started.id))._unsafeUnwrap()).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', stopped: false });

    const resumed = (await promoter.resume(admin, started.id))._unsafeUnwrap();
    expect(resumed).toMatchObject({ id: started.id, result: 'running', aborted_by: null, end_time: null });
    await promoter.waitFor(started.id);
    const finished = await status(promoter, started.id);
    expect(finished).toMatchObject({ result: 'success', status: { total: 25, created: 25, updated: 0, skipped: 0, failed: 0 } });
    expect(finished.results.map((result) => result.source_entity_id)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(await store.listChecks(20)).toHaveLength(25);
  });

  test('an abort from another engine instance on the same store stops the running one at its next commit', async () => {
    const hold = gate();
    const store = createMemoryStore({ world });
    const running = engine(world, { store, concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const other = engine(world, { store });
    const started = (await running.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await store.getOperation(started.id))?.status.created === 10);
    expect((await other.promoter.abort(jane, started.id))._unsafeUnwrap()).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', stopped: true });
    hold.open();
    await running.promoter.waitFor(started.id);
    const finished = await status(running.promoter, started.id);
    expect(finished).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', status: { created: 10 } });
    expect(await store.listChecks(20)).toHaveLength(10);
  });

  test('an abort from another engine, resumed at once, is not resurrected by the engine that saw the abort: the resume finishes the work', async () => {
    const hold = gate();
    const inner = createMemoryStore({ world });
    const other = engine(world, { store: inner });
    let operationId = 0;
    let resumed = false;
    // The running engine's store: the moment it reads its operation as aborted (its check before
    // the next commit), the other engine resumes it — the narrowest window, made deterministic.
    const store: Store = {
      ...inner,
      async getOperation(id) {
        const operation = await inner.getOperation(id);
        if (id === operationId && operation?.result === 'aborted' && !resumed) {
          resumed = true;
          (await other.promoter.resume(admin, id))._unsafeUnwrap();
        }
        return operation;
      },
    };
    const running = engine(world, { store, concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const started = (await running.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    operationId = started.id;
    await until(async () => (await inner.getOperation(started.id))?.status.created === 10);
    (await other.promoter.abort(jane, started.id))._unsafeUnwrap();
    hold.open();
    await running.promoter.waitFor(started.id);
    await other.promoter.waitFor(started.id);
    expect(resumed).toBe(true);
    expect(await inner.getOperation(started.id)).toMatchObject({ result: 'success', aborted_by: null, status: { total: 25, created: 25 } });
    expect(await inner.listChecks(20)).toHaveLength(25);
  });

  test('a lease lifetime or poll interval that is not above 0 ms is refused when the engine is made', () => {
    expect(() => engine(world, { leaseTtlMs: 0 })).toThrow(new RangeError('leaseTtlMs, leasePollMs and abortPollMs must be above 0 ms, got 0, 100 and 500'));
    expect(() => engine(world, { leasePollMs: -1 })).toThrow(RangeError);
    expect(() => engine(world, { abortPollMs: 0 })).toThrow(RangeError);
    expect(() => engine(world, { leaseTtlMs: Number.NaN })).toThrow(RangeError);
  });

  test('only an aborted or failed operation can be resumed; aborting a finished one changes nothing', async () => {
    const { promoter } = engine(world);
    const operation = await runToEnd(promoter, admin, qcRequest());
    expect((await promoter.resume(admin, operation.id))._unsafeUnwrapErr().kind).toBe('conflict');
    expect((await promoter.abort(admin, operation.id))._unsafeUnwrap()).toEqual({ ...operation, stopped: false });
  });

  test('abort and resume need editor on the destination; reading needs reporter on both', async () => {
    const { promoter } = engine(world);
    const operation = await runToEnd(promoter, admin, qcRequest());
    expect((await promoter.abort({ email: 'hank@example.com' }, operation.id))._unsafeUnwrapErr().kind).toBe('forbidden');
    expect((await promoter.resume({ email: 'hank@example.com' }, operation.id))._unsafeUnwrapErr().kind).toBe('forbidden');
    expect((await promoter.getOperation({ email: 'victor@example.com' }, operation.id)).isOk()).toBe(true);
    expect((await promoter.getOperation(admin, 999))._unsafeUnwrapErr()).toMatchObject({ kind: 'not_found', message: 'Operation 999 not found' });
  });

  test('rerun starts a new operation with the same request, by the rerunning user', async () => {
    const { promoter } = engine(world);
    const first = await runToEnd(promoter, admin, qcRequest({ check_ids: [1, 2] }));
    const rerun = (await promoter.rerun(jane, first.id))._unsafeUnwrap();
    expect(rerun.id).not.toBe(first.id);
    await promoter.waitFor(rerun.id);
    const finished = await status(promoter, rerun.id);
    expect(finished).toMatchObject({ triggered_by: 'jane@example.com', status: { total: 2, skipped: 2 } });
    expect((await promoter.rerun({ email: 'victor@example.com' }, first.id))._unsafeUnwrapErr().kind).toBe('forbidden');
  });
});

describe('concurrency (§9)', () => {
  test('operations on the same destination scope never interleave: no duplicates', async () => {
    const { promoter, store } = engine(world, { concurrency: 1, dataplane: { latencyMs: 2 } });
    const [first, second] = await Promise.all([promoter.run(admin, qcRequest({ as_draft: false })), promoter.run(admin, qcRequest({ as_draft: false }))]);
    await promoter.waitFor(first._unsafeUnwrap().id);
    await promoter.waitFor(second._unsafeUnwrap().id);
    expect((await status(promoter, first._unsafeUnwrap().id)).status).toMatchObject({ created: 25 });
    expect((await status(promoter, second._unsafeUnwrap().id)).status).toMatchObject({ skipped: 25 });
    expect(await store.listChecks(20)).toHaveLength(25);
  });

  test('operations on different scopes proceed independently', async () => {
    const twoDestinations = smallWorld([{ id: 1 }], {});
    const store = createMemoryStore({ world: twoDestinations });
    await store.applyEdits([
      { kind: 'create_container', value: { datastore_id: 2, name: 'orders_copy', container_type: 'table', description: '', tags: [], additional_metadata: {}, deleted_at: null, profiled: true } },
    ]);
    const containers = await store.listContainers(2);
    const copy = containers.find((container) => container.name === 'orders_copy')?.id as number;
    await store.applyEdits([{ kind: 'create_field', value: { container_id: copy, name: 'email', type: 'string', status: 'active' } }]);
    const hold = gate();
    let calls = 0;
    const { promoter } = engine(twoDestinations, { store, dataplane: { latencyMs: 1, sleep: () => (calls++ === 0 ? hold.opened : Promise.resolve()) } });
    const blocked = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => calls === 1);
    const other = await runToEnd(promoter, admin, qcRequest({ as_draft: false, destination_container_id: copy }));
    expect(other).toMatchObject({ result: 'success', status: { created: 1 } });
    expect((await status(promoter, blocked.id)).result).toBe('running');
    hold.open();
    await promoter.waitFor(blocked.id);
    expect((await status(promoter, blocked.id)).result).toBe('success');
  });
});

/** A store whose `commit` fails from the `failAt`-th call on, like a full disk. */
function failingStore(inner: Store, failAt: number): Store {
  let commits = 0;
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'commit') {
        return async (...args: Parameters<Store['commit']>) => {
          commits++;
          if (commits >= failAt) throw new Error('SQLITE_FULL: database or disk is full');
          return target.commit(...args);
        };
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}

describe('infrastructure failure (§9)', () => {
  test('a store error mid-run ends the operation in failure with a message; recorded results stay', async () => {
    const store = failingStore(createMemoryStore({ world }), 2);
    const { promoter } = engine(world, { store, commitBatchSize: 10 });
    const operation = await runToEnd(promoter, admin, qcRequest());
    expect(operation.result).toBe('failure');
    expect(operation.message).toBe('Store failure: SQLITE_FULL: database or disk is full');
    expect(operation.status).toEqual({ total: 25, created: 10, updated: 0, skipped: 0, failed: 0 });
    expect(operation.results).toHaveLength(10);
    expect(await store.listChecks(20)).toHaveLength(10);
  });
});

describe('recovery (§9)', () => {
  test('an operation left running by a dead process is marked aborted and can be resumed', async () => {
    const store = createMemoryStore({ world });
    const dead = engine(world, { store, concurrency: 1, dataplane: heldAfterFirstCall(new Promise(() => undefined)) });
    const started = (await dead.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await store.getOperation(started.id))?.status.created === 10);

    // The dead process's scope lease is still valid: a live-looking holder is left alone …
    expect((await engine(world, { store }).promoter.recover())._unsafeUnwrap()).toEqual([]);
    // … until the lease has expired.
    const { promoter } = engine(world, { store, clock: steppingClock('2026-03-10T16:00:00Z') });
    expect((await promoter.recover())._unsafeUnwrap()).toEqual([started.id]);
    const recovered = await status(promoter, started.id);
    expect(recovered).toMatchObject({ result: 'aborted', aborted_by: null, message: 'Interrupted: the process stopped before the operation finished' });
    (await promoter.resume(admin, started.id))._unsafeUnwrap();
    await promoter.waitFor(started.id);
    expect((await status(promoter, started.id)).status).toMatchObject({ total: 25, created: 25 });
    expect(await store.listChecks(20)).toHaveLength(25);
  });
});

describe('result listings (§10)', () => {
  test('search, promote_result and pagination', async () => {
    const mixed = smallWorld([
      { id: 1, description: 'Email format', rule_type: 'matches_pattern', properties: { pattern: '@' } },
      { id: 2, description: 'Amount range', rule_type: 'between', fields: ['amount'], properties: { min: 5, max: 1 } },
      { id: 3, description: 'Phone present', fields: ['phone'] },
    ]);
    const { promoter } = engine(mixed);
    const operation = await runToEnd(promoter, admin, qcRequest({ as_draft: false }));
    const list = async (query: Record<string, unknown>) => (await promoter.listResults(admin, operation.id, query, 'quality_check'))._unsafeUnwrap();
    expect((await list({ search: 'EMAIL' })).items.map((item) => item.source_entity_id)).toEqual([1]);
    expect((await list({ search: 'between' })).items.map((item) => item.source_entity_id)).toEqual([2]);
    expect((await list({ promote_result: 'failed' })).items.map((item) => item.source_entity_id)).toEqual([2]);
    expect((await list({ promote_result: ['created', 'failed'] })).total).toBe(3);
    expect((await list({ promote_result: 'created,failed' })).total).toBe(3);
    expect(await list({ size: 2, page: 2 })).toMatchObject({ total: 3, page: 2, size: 2, items: [{ source_entity_id: 3 }] });
    expect(await list({})).toMatchObject({ page: 1, size: 50, total: 3 });
    const bad = await promoter.listResults(admin, operation.id, { promote_result: 'exploded' });
    expect(bad._unsafeUnwrapErr()).toMatchObject({ kind: 'invalid_request', issues: [{ loc: ['query', 'promote_result', 0] }] });
    expect((await promoter.listResults(admin, operation.id, { size: 0 }))._unsafeUnwrapErr().kind).toBe('invalid_request');
    expect((await promoter.listResults(admin, operation.id, {}, 'computed_field'))._unsafeUnwrap().total).toBe(0);
  });

  test('search uses a snapshot: it works after the source is deleted, whose details then show null', async () => {
    const { promoter, store } = engine(smallWorld([{ id: 1, description: 'Email format' }]));
    const operation = await runToEnd(promoter, admin, qcRequest());
    await store.applyEdits([{ kind: 'delete', entity: 'quality_check', id: 1 }]);
    const page = (await promoter.listResults(admin, operation.id, { search: 'email' }))._unsafeUnwrap();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.source_entity).toBeNull();
  });
});

describe('races between engines and calls (§9)', () => {
  test('concurrent resumes: exactly one reopens the operation, and an abort then stops it', async () => {
    const hold = gate();
    const { promoter, store } = engine(world, { concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const started = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await status(promoter, started.id)).status.created === 10);
    (await promoter.abort(admin, started.id))._unsafeUnwrap();
    const answers = await Promise.all([promoter.resume(admin, started.id), promoter.resume(admin, started.id), promoter.resume(jane, started.id)]);
    expect(answers.filter((answer) => answer.isOk())).toHaveLength(1);
    expect(answers.filter((answer) => answer.isErr() && answer.error.kind === 'conflict')).toHaveLength(2);
    const aborted = (await promoter.abort(admin, started.id))._unsafeUnwrap();
    hold.open();
    await promoter.waitFor(started.id);
    expect((await status(promoter, started.id)).result).toBe('aborted');
    expect((await store.listChecks(20)).length).toBe(aborted.status.created);
  });

  test('aborting an operation queued behind another on its scope answers at once, and it never runs', async () => {
    const hold = gate();
    const { promoter, store, dataplane } = engine(world, { concurrency: 1, dataplane: heldAfterFirstCall(hold.opened) });
    const first = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    const queued = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => dataplane.calls.length === 2);
    const aborted = (await promoter.abort(jane, queued.id))._unsafeUnwrap();
    expect(aborted).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', stopped: true, results: [] });
    expect((await status(promoter, first.id)).result).toBe('running');
    hold.open();
    await promoter.waitFor(first.id);
    await promoter.waitFor(queued.id);
    expect(await status(promoter, queued.id)).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', results: [] });
    expect(dataplane.calls.every((call) => call.index < 3)).toBe(true);
    expect(await store.listChecks(20)).toHaveLength(25);
    (await promoter.resume(admin, queued.id))._unsafeUnwrap();
    await promoter.waitFor(queued.id);
    expect((await status(promoter, queued.id)).status).toMatchObject({ total: 25, skipped: 25 });
  });

  test('an engine whose lease was taken over while it waited for the Dataplane writes nothing more, and leaves the operation to the new holder', async () => {
    const time = manualClock();
    const hold = gate();
    const store = createMemoryStore({ world });
    const { promoter } = engine(world, { store, clock: time, concurrency: 1, leaseTtlMs: 60_000, dataplane: heldAfterFirstCall(hold.opened) });
    const started = (await promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await store.getOperation(started.id))?.status.created === 10);

    // The engine stalls past its lease (its renewal cannot run); another engine takes the scope and keeps it.
    time.jump(120_000);
    const scope = (await store.getOperation(started.id))?.destination_scope ?? '';
    expect(await store.leases?.tryAcquire(scope, 'another-engine', time.iso(), time.iso(60_000))).toBe(true);
    hold.open();
    await promoter.waitFor(started.id);

    // Its next commit was fenced: nothing more written. It does not own the scope any more, so it
    // does not end the operation either (the new holder may be resuming it).
    expect(await store.getOperation(started.id)).toMatchObject({ result: 'running', status: { total: 25, created: 10 } });
    expect(await store.listChecks(20)).toHaveLength(10);
    expect(await store.leases?.tryAcquire(scope, 'a-third-engine', time.iso(1000), time.iso(2000))).toBe(false);

    // Once the scope is free, recovery finds it interrupted, and a resume finishes it.
    await store.leases?.release(scope, 'another-engine');
    const other = engine(world, { store, clock: time });
    expect((await other.promoter.recover())._unsafeUnwrap()).toEqual([started.id]);
    (await other.promoter.resume(admin, started.id))._unsafeUnwrap();
    await other.promoter.waitFor(started.id);
    expect(await store.getOperation(started.id)).toMatchObject({ result: 'success', status: { total: 25, created: 25 } });
    expect(await store.listChecks(20)).toHaveLength(25);
  });

  test('an engine that stalled while another ran the scope and released it does not take the lease back: no duplicates', async () => {
    const time = manualClock();
    const hold = gate();
    const store = createMemoryStore({ world });
    const stalled = engine(world, { store, clock: time, concurrency: 1, leaseTtlMs: 60_000, dataplane: heldAfterFirstCall(hold.opened) });
    const started = (await stalled.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await store.getOperation(started.id))?.status.created === 10);

    // Past its lease, another engine runs the same request to its end and releases the scope.
    time.jump(120_000);
    const other = engine(world, { store, clock: time, leaseTtlMs: 60_000 });
    const second = await runToEnd(other.promoter, admin, qcRequest({ as_draft: false }));
    expect(second.status).toMatchObject({ created: 15, skipped: 10 });

    hold.open();
    await stalled.promoter.waitFor(started.id);
    // The stalled engine's commit found no lease of its own: nothing of its old plans was written.
    expect(await store.getOperation(started.id)).toMatchObject({ result: 'failure', message: 'Lost the lease of container:20: it expired, or another process took it', status: { created: 10 } });
    expect(await store.listChecks(20)).toHaveLength(25);
  });

  test('the renewal does not take back a lease that lapsed while the engine stalled', async () => {
    const time = manualClock();
    const hold = gate();
    const inner = createMemoryStore({ world });
    // Every lease call of the stalled engine, once it has stalled.
    const tried: string[] = [];
    let watching = false;
    const leases = inner.leases!;
    const store: Store = {
      ...inner,
      leases: {
        tryAcquire: (scope, holder, now, expiresAt) => {
          if (watching && holder === 'stalled') tried.push(now);
          return leases.tryAcquire(scope, holder, now, expiresAt);
        },
        release: (scope, holder) => leases.release(scope, holder),
      },
    };
    const stalled = engine(world, { store, clock: time, holderId: 'stalled', concurrency: 1, leaseTtlMs: 60, dataplane: heldAfterFirstCall(hold.opened) });
    const started = (await stalled.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => (await store.getOperation(started.id))?.status.created === 10);
    time.jump(120_000);
    watching = true;
    const other = engine(world, { store, clock: time, leaseTtlMs: 60 });
    await runToEnd(other.promoter, admin, qcRequest({ as_draft: false }));
    // The stalled engine's renewal (due every 20 ms of the clock) runs on the free scope before it
    // wakes: it finds its lease lapsed and does not ask for it again.
    await time.advance(100);
    expect(tried).toEqual([]);
    hold.open();
    await stalled.promoter.waitFor(started.id);
    expect(await store.getOperation(started.id)).toMatchObject({ result: 'failure', status: { created: 10 } });
    expect(await store.listChecks(20)).toHaveLength(25);
  });

  test('a Dataplane slower than the scope lease: the lease is renewed meanwhile, the other engine waits, no duplicates', async () => {
    const time = manualClock();
    const store = createMemoryStore({ world });
    // Every call of the Dataplane takes 1 s of the clock; the lease lives 600 ms and is renewed every 200 ms.
    const options = { store, clock: time, concurrency: 1, leaseTtlMs: 600, leasePollMs: 20, dataplane: { latencyMs: 1000, sleep: (ms: number) => time.sleep(ms) } };
    const first = engine(world, options);
    const second = engine(world, options);
    const a = (await first.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    await until(async () => first.dataplane.calls.length === 1);
    const b = (await second.promoter.run(admin, qcRequest({ as_draft: false })))._unsafeUnwrap();
    const ended = async (id: number) => (await store.getOperation(id))?.result !== 'running';
    for (let step = 0; step < 1000 && !((await ended(a.id)) && (await ended(b.id))); step++) {
      await time.advance(20);
      // While the first runs, the second has not taken the scope: nothing of it is committed.
      if (!(await ended(a.id))) expect((await store.getOperation(b.id))?.status).toMatchObject({ created: 0, skipped: 0, failed: 0 });
    }
    await first.promoter.waitFor(a.id);
    await second.promoter.waitFor(b.id);
    expect((await store.getOperation(a.id))?.status).toMatchObject({ created: 25 });
    expect((await store.getOperation(b.id))?.status).toMatchObject({ skipped: 25 });
    expect(await store.listChecks(20)).toHaveLength(25);
  });
});

describe('progress (PromoterOptions.onProgress)', () => {
  test('waiting, planning, validating when checks need it, then writing with the count after every commit, up to the total', async () => {
    const events: OperationProgress[] = [];
    const { promoter } = engine(world, { commitBatchSize: 10, commitBudgetMs: Number.POSITIVE_INFINITY, onProgress: (event) => events.push(event) });
    const run = await runToEnd(promoter, admin, qcRequest({ as_draft: false }));
    expect(events.filter((event) => event.operationId !== run.id)).toEqual([]);
    expect(events.slice(0, 4).map((event) => event.phase)).toEqual(['waiting', 'planning', 'validating', 'writing']);
    const counts = events.flatMap((event) => (event.phase === 'writing' ? [[event.processed, event.total]] : []));
    // From 0 to the total, rising with every commit (at most 10 units each, when validation answers).
    expect(counts[0]).toEqual([0, 25]);
    expect(counts.at(-1)).toEqual([25, 25]);
    for (let index = 1; index < counts.length; index++) {
      const step = (counts[index]?.[0] ?? 0) - (counts[index - 1]?.[0] ?? 0);
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThanOrEqual(10);
    }
    const drafts: OperationProgress[] = [];
    const second = engine(world, { onProgress: (event) => drafts.push(event) });
    await runToEnd(second.promoter, admin, qcRequest());
    expect(drafts.map((event) => event.phase)).toEqual(['waiting', 'planning', 'writing', 'writing']);
  });
});
