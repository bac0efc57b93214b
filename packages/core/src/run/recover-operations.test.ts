import { describe, expect, test } from 'vitest';
import { messages, type OperationRecord } from '../domain/operation.js';
import { manualClock } from '../ports/clock.js';
import type { EngineEvent } from '../ports/engine-events.js';
import type { ScopeLeases, Store } from '../ports/store.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import { recoverOperations, type RecoverOptions } from './recover-operations.js';
import { mapLeases, type HeldLease } from './test-leases.js';
import { testOperation } from './test-operation.js';

const start = '2026-03-10T14:30:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(start) + offsetMs).toISOString();
const ttlMs = 600;
const holderId = 'engine-a';
const probe = `recovery:${holderId}`;

const operation = (id: number, scope: string, overrides: Partial<OperationRecord> = {}): OperationRecord =>
  testOperation({ id, destination_scope: scope, status: { total: 1, created: 0, updated: 0, skipped: 0, failed: 0 }, selection: [1], ...overrides });

/** Scope leases in a Map, as `ScopeLeases` documents them, recording every call. */
function memoryLeases() {
  const held = new Map<string, HeldLease>();
  const inner = mapLeases(held);
  const calls: string[] = [];
  const leases: ScopeLeases = {
    async tryAcquire(scope, holder, now, expiresAt) {
      const free = await inner.tryAcquire(scope, holder, now, expiresAt);
      calls.push(`tryAcquire ${scope} ${holder} ${now} → ${expiresAt}: ${free}`);
      return free;
    },
    async release(scope, holder) {
      calls.push(`release ${scope} ${holder}`);
      await inner.release(scope, holder);
    },
    async holderOf(scope, now) {
      calls.push(`holderOf ${scope} ${now}`);
      return inner.holderOf(scope, now);
    },
    async takeOver(scope, previous, holder, now, expiresAt) {
      const taken = await inner.takeOver(scope, previous, holder, now, expiresAt);
      calls.push(`takeOver ${scope} ${previous} → ${holder} ${now} → ${expiresAt}: ${taken}`);
      return taken;
    },
  };
  return { leases, held, calls };
}

/**
 * Operations in a Map behind `listRunningOperations` (ascending id, as the port says) and
 * `transitionOperation` (compare-and-set on `result`); optionally with leases.
 */
function operationsStore(operations: readonly OperationRecord[], leases?: ScopeLeases) {
  const stored = new Map(operations.map((entry) => [entry.id, entry]));
  const adapter: Partial<Store> = {
    async listRunningOperations() {
      return [...stored.values()].filter((entry) => entry.result === 'running').sort((a, b) => a.id - b.id);
    },
    async transitionOperation(id, from, patch) {
      const current = stored.get(id);
      if (current === undefined) throw new Error(`Operation ${id} not found`);
      if (!from.includes(current.result)) return undefined;
      const updated = { ...current, ...patch };
      stored.set(id, updated);
      return updated;
    },
    close: async () => undefined,
    ...(leases === undefined ? {} : { leases }),
  };
  return { runtime: createStoreRuntime(adapter as Store), stored };
}

const interrupted = { result: 'aborted', aborted_by: null, end_time: '2026-03-10T14:30:00Z', message: messages.interrupted };

function options(runtime: RecoverOptions['store'], overrides: Partial<RecoverOptions> = {}): RecoverOptions {
  return { store: runtime, clock: manualClock(start), leaseTtlMs: ttlMs, holderId, isLocal: () => false, ...overrides };
}

describe('recoverOperations without store leases', () => {
  test('marks every running operation aborted as interrupted, by nobody, and answers their ids ascending', async () => {
    const done = operation(2, 'container:20', { result: 'success', end_time: '2026-03-10T14:10:00Z' });
    const { runtime, stored } = operationsStore([operation(9, 'container:21'), done, operation(4, 'container:20')]);
    const recovered = await recoverOperations(options(runtime));
    expect(recovered.isOk() && recovered.value).toEqual([4, 9]);
    expect(stored.get(4)).toMatchObject(interrupted);
    expect(stored.get(9)).toMatchObject(interrupted);
    expect(stored.get(2)).toEqual(done);
    expect(messages.interrupted).toBe('Interrupted: the process stopped before the operation finished');
  });

  test('leaves alone the operations this engine has a turn for', async () => {
    const { runtime, stored } = operationsStore([operation(3, 'container:20'), operation(5, 'container:21')]);
    const recovered = await recoverOperations(options(runtime, { isLocal: (id) => id === 3 }));
    expect(recovered.isOk() && recovered.value).toEqual([5]);
    expect(stored.get(3)).toMatchObject({ result: 'running', end_time: null, message: null });
    expect(stored.get(5)).toMatchObject(interrupted);
  });

  test('answers nothing when nothing is running', async () => {
    const { runtime } = operationsStore([operation(1, 'container:20', { result: 'failure' })]);
    const recovered = await recoverOperations(options(runtime));
    expect(recovered.isOk() && recovered.value).toEqual([]);
  });

  test('answers a store_failure when the running operations cannot be listed', async () => {
    const adapter: Partial<Store> = {
      listRunningOperations: () => Promise.reject(new Error('database is locked')),
      close: async () => undefined,
    };
    const recovered = await recoverOperations(options(createStoreRuntime(adapter as Store)));
    expect(recovered.isErr() && recovered.error).toMatchObject({ kind: 'store_failure', message: 'Store failure: database is locked' });
  });
});

describe('recoverOperations with store leases', () => {
  test("leaves alone an operation whose scope another process holds unexpired; recovers one whose lease expired; releases the probe", async () => {
    const memory = memoryLeases();
    await memory.leases.tryAcquire('container:20', 'engine-b', at(-100), at(1));
    await memory.leases.tryAcquire('container:21', 'engine-c', at(-1000), at(0));
    memory.calls.length = 0;
    const { runtime, stored } = operationsStore([operation(3, 'container:20'), operation(5, 'container:21')], memory.leases);
    const recovered = await recoverOperations(options(runtime));
    expect(recovered.isOk() && recovered.value).toEqual([5]);
    expect(stored.get(3)).toMatchObject({ result: 'running', aborted_by: null, end_time: null, message: null });
    expect(stored.get(5)).toMatchObject(interrupted);
    expect(memory.calls).toEqual([
      `tryAcquire container:20 ${probe} ${at(0)} → ${at(ttlMs)}: false`,
      `tryAcquire container:21 ${probe} ${at(0)} → ${at(ttlMs)}: true`,
      `release container:21 ${probe}`,
    ]);
    // The live holder keeps its lease; the probe holds nothing afterwards.
    expect([...memory.held.entries()]).toEqual([['container:20', { holder: 'engine-b', expiresAt: at(1) }]]);
  });

  test('recovers an operation whose scope is free, and does not probe the local ones', async () => {
    const memory = memoryLeases();
    const { runtime, stored } = operationsStore([operation(1, 'container:20'), operation(2, 'datastore:2')], memory.leases);
    const recovered = await recoverOperations(options(runtime, { isLocal: (id) => id === 1 }));
    expect(recovered.isOk() && recovered.value).toEqual([2]);
    expect(stored.get(1)?.result).toBe('running');
    expect(memory.calls).toEqual([`tryAcquire datastore:2 ${probe} ${at(0)} → ${at(ttlMs)}: true`, `release datastore:2 ${probe}`]);
    expect(memory.held.size).toBe(0);
  });

  test('leaves alone an operation whose scope cannot be probed (the store failed)', async () => {
    const leases: ScopeLeases = {
      tryAcquire: () => Promise.reject(new Error('database is locked')),
      release: async () => undefined,
    };
    const { runtime, stored } = operationsStore([operation(6, 'container:20')], leases);
    const recovered = await recoverOperations(options(runtime));
    expect(recovered.isOk() && recovered.value).toEqual([]);
    expect(stored.get(6)?.result).toBe('running');
  });

  test('recovers at once an operation whose unexpired lease is held by a holder known to be gone, and only that one', async () => {
    const memory = memoryLeases();
    await memory.leases.tryAcquire('container:20', 'gone-process', at(-100), at(30_000));
    await memory.leases.tryAcquire('container:21', 'live-process', at(-100), at(30_000));
    memory.calls.length = 0;
    const { runtime, stored } = operationsStore([operation(3, 'container:20'), operation(5, 'container:21')], memory.leases);
    const events: EngineEvent[] = [];
    const recovered = await recoverOperations(options(runtime, { isGone: (holder) => holder === 'gone-process', events: (event) => events.push(event) }));
    expect(recovered.isOk() && recovered.value).toEqual([3]);
    expect(events).toEqual([
      { type: 'lease_taken_over', scope: 'container:20', previousHolder: 'gone-process', operationId: 3 },
      { type: 'operation_interrupted', operationId: 3 },
    ]);
    expect(stored.get(3)).toMatchObject(interrupted);
    expect(stored.get(5)?.result).toBe('running');
    expect(memory.calls).toEqual([
      `tryAcquire container:20 ${probe} ${at(0)} → ${at(ttlMs)}: false`,
      `holderOf container:20 ${at(0)}`,
      `takeOver container:20 gone-process → ${probe} ${at(0)} → ${at(ttlMs)}: true`,
      `release container:20 ${probe}`,
      `tryAcquire container:21 ${probe} ${at(0)} → ${at(ttlMs)}: false`,
      `holderOf container:21 ${at(0)}`,
    ]);
    expect([...memory.held.entries()]).toEqual([['container:21', { holder: 'live-process', expiresAt: at(30_000) }]]);
  });
});
