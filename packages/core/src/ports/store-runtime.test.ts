import { describe, expect, test } from 'vitest';
import type { OperationRecord } from '../domain/operation.js';
import { LeaseLostError, type CommitUnit } from './commit-unit.js';
import type { ResultPosition, Store } from './store.js';
import { createStoreRuntime, guardStore } from './store-runtime.js';

const operation = { id: 7, result: 'running' } as unknown as OperationRecord;

/** An adapter that records every call it receives and answers what `answers` says (default: `operation`). */
function recordingAdapter(answers: Partial<Record<keyof Store, (...args: unknown[]) => Promise<unknown>>> = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string) =>
    (...args: unknown[]) => {
      calls.push({ method, args });
      return (answers as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]?.(...args) ?? Promise.resolve(operation);
    };
  const methods = [
    'findUser', 'teamsOfUser', 'getDatastore', 'listDatastores', 'getContainer', 'getContainers', 'listContainers', 'listFields',
    'listChecks', 'getChecks', 'listComputedFields', 'getComputedFields', 'findLineage', 'createOperation', 'getOperation',
    'listOperations', 'listRunningOperations', 'updateOperation', 'transitionOperation', 'deleteOperation', 'commit', 'listResults', 'listResultsAfter', 'applyEdits',
    'isEmpty', 'importWorld', 'exportWorld', 'close',
  ];
  const adapter = Object.fromEntries(methods.map((method) => [method, record(method)])) as unknown as Store;
  return { adapter: { ...adapter, leases: { tryAcquire: record('tryAcquire'), release: record('release') } } as Store, calls };
}

const failedUnit: CommitUnit = {
  operation_id: 7,
  seq: 0,
  entity_type: 'quality_check',
  source_entity_id: 1,
  result: 'failed',
  destination_entity_id: null,
  destination_scope_id: 20,
  message: 'no',
  changes: null,
  before: null,
  search_text: '',
};
const lease = { scope: 'container:20', holder: 'a', now: '2026-03-10T14:30:00.000Z', expiresAt: '2026-03-10T14:31:00.000Z' };

describe('guardStore', () => {
  test('after close(), every call rejects without reaching the adapter, leases included; close is idempotent', async () => {
    const { adapter, calls } = recordingAdapter();
    const store = guardStore(adapter);
    await Promise.all([store.close(), store.close()]);
    await store.close();
    await expect(store.getOperation(1)).rejects.toThrow('The store is closed');
    await expect(store.commit([failedUnit])).rejects.toThrow('The store is closed');
    await expect(store.leases!.tryAcquire('container:1', 'a', lease.now, lease.expiresAt)).rejects.toThrow('The store is closed');
    expect(calls.map((call) => call.method)).toEqual(['close']);
  });

  test('close() waits for the calls in flight, then closes the adapter once', async () => {
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const { adapter, calls } = recordingAdapter({ exportWorld: () => slow.then(() => 'world') });
    const store = guardStore(adapter);
    const exported = store.exportWorld();
    const closed = store.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.map((call) => call.method)).toEqual(['exportWorld']);
    finish();
    await closed;
    expect(await exported).toBe('world');
    expect(calls.map((call) => call.method)).toEqual(['exportWorld', 'close']);
  });

  test('a page or size that is not a whole number from 1 rejects before the adapter', async () => {
    const { adapter, calls } = recordingAdapter();
    const store = guardStore(adapter);
    await expect(store.listOperations({ page: 0, size: 10 })).rejects.toThrow(RangeError);
    await expect(store.listOperations({ page: 1, size: 0 })).rejects.toThrow(RangeError);
    await expect(store.listResults(7, { page: 1.5, size: 10 })).rejects.toThrow(RangeError);
    await expect(store.listResults(7, { page: 0, size: 10 })).rejects.toThrow(RangeError);
    expect(calls).toEqual([]);
    // Without a size the page is ignored (every match is page 1), as the port says.
    await store.listResults(7, { page: 0 });
    await store.listOperations({ page: 2, size: 5 });
    expect(calls.map((call) => call.method)).toEqual(['listResults', 'listOperations']);
  });

  test('a listResultsAfter limit that is not a whole number from 1, or a position that is not whole, rejects before the adapter', async () => {
    const { adapter, calls } = recordingAdapter();
    const store = guardStore(adapter);
    await expect(store.listResultsAfter(7, undefined, 0)).rejects.toThrow(RangeError);
    await expect(store.listResultsAfter(7, undefined, 2.5)).rejects.toThrow(RangeError);
    await expect(store.listResultsAfter(7, { seq: 1.5, id: 3 }, 10)).rejects.toThrow(RangeError);
    await expect(store.listResultsAfter(7, { seq: 1, id: -1 }, 10)).rejects.toThrow(RangeError);
    expect(calls).toEqual([]);
    await store.listResultsAfter(7, { seq: 4, id: 0 }, 10);
    await store.listResultsAfter(7, undefined, 1);
    expect(calls).toEqual([
      { method: 'listResultsAfter', args: [7, { seq: 4, id: 0 }, 10] },
      { method: 'listResultsAfter', args: [7, undefined, 1] },
    ]);
  });

  test('a patch reaches the adapter without its undefined keys; an empty one not at all', async () => {
    const { adapter, calls } = recordingAdapter();
    const store = guardStore(adapter);
    await store.updateOperation(7, { message: null, result: undefined, end_time: undefined });
    expect(calls.at(-1)).toEqual({ method: 'updateOperation', args: [7, { message: null }] });
    expect(await store.updateOperation(7, { aborted_by: undefined })).toBe(operation);
    expect(calls.at(-1)).toEqual({ method: 'getOperation', args: [7] });
    expect(await store.transitionOperation(7, ['running'], {})).toBe(operation);
    expect(await store.transitionOperation(7, ['aborted'], {})).toBeUndefined();
    expect(await store.transitionOperation(7, [], { result: 'aborted' })).toBeUndefined();
    expect(calls.filter((call) => call.method === 'transitionOperation')).toEqual([]);
  });

  test('an empty patch of an unknown operation rejects', async () => {
    const { adapter } = recordingAdapter({ getOperation: async () => undefined });
    const store = guardStore(adapter);
    await expect(store.updateOperation(9, {})).rejects.toThrow('Operation 9 not found');
    await expect(store.transitionOperation(9, ['running'], {})).rejects.toThrow('Operation 9 not found');
  });

  test('a commit unit that contradicts itself rejects the whole commit before the adapter', async () => {
    const { adapter, calls } = recordingAdapter();
    const store = guardStore(adapter);
    const contradiction: CommitUnit = { ...failedUnit, source_entity_id: 2, result: 'skipped' };
    await expect(store.commit([failedUnit, contradiction])).rejects.toThrow('has no destination entity');
    expect(calls).toEqual([]);
  });

  test('a deleteOperation with no from answers undefined without reaching the adapter', async () => {
    const { adapter, calls } = recordingAdapter();
    const store = guardStore(adapter);
    expect(await store.deleteOperation(7, [])).toBeUndefined();
    expect(await store.deleteOperation(7, ['success'])).toBe(operation);
    expect(calls).toEqual([{ method: 'deleteOperation', args: [7, ['success']] }]);
  });

  test('guarding a guarded store gives it back', () => {
    const store = guardStore(recordingAdapter().adapter);
    expect(guardStore(store)).toBe(store);
  });
});

describe('createStoreRuntime', () => {
  test('a rejection is a store_failure value; a fenced commit is lease_lost', async () => {
    const fenced = createStoreRuntime(recordingAdapter({ commit: () => Promise.reject(new LeaseLostError('container:20', 'a')) }).adapter);
    expect((await fenced.commit([failedUnit], { lease }))._unsafeUnwrapErr()).toMatchObject({ kind: 'lease_lost', scope: 'container:20' });
    // Without a lease a LeaseLostError is just a failure of the store.
    expect((await fenced.commit([failedUnit]))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure' });
    const broken = createStoreRuntime(recordingAdapter({ getOperation: () => Promise.reject(new Error('disk full')) }).adapter);
    expect((await broken.getOperation(1))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: 'Store failure: disk full' });
  });

  test('check keys out of order, repeated, not above afterId or beyond the limit are a store_failure saying so', async () => {
    const pageOf = (ids: number[]) => createStoreRuntime({ ...recordingAdapter().adapter, listCheckKeys: async () => ids.map((id) => ({ id, status: 'active' as const, tags: [] })) });
    expect((await pageOf([3, 4]).checkKeyPage(1, 2, 2))._unsafeUnwrap()).toMatchObject({ keys: [{ id: 3 }, { id: 4 }], last: false });
    expect((await pageOf([4, 3]).checkKeyPage(1, 2, 5))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: 'Store failure: listCheckKeys gave check 3 after 4: keys must ascend by id from above 2' });
    expect((await pageOf([3, 3]).checkKeyPage(1, 2, 5))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure' });
    expect((await pageOf([2]).checkKeyPage(1, 2, 5))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure' });
    expect((await pageOf([3, 4, 5]).checkKeyPage(1, 2, 2))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: 'Store failure: listCheckKeys gave 3 keys for a limit of 2' });
  });

  test('a rendered page beyond the limit, not after its position, or whose count, last position and bytes disagree is a store_failure saying so', async () => {
    const rendering = (json: string, count: number, last: ResultPosition | undefined) =>
      createStoreRuntime({ ...recordingAdapter().adapter, renderResultViews: async () => ({ json: new TextEncoder().encode(json), count, last }) });
    const after = { seq: 4, id: 9 };
    expect((await rendering('{}', 1, { seq: 5, id: 1 }).renderResultViews!(1, after, 2))._unsafeUnwrap()).toMatchObject({ count: 1, last: { seq: 5, id: 1 } });
    expect((await rendering('{}', 1, { seq: 4, id: 10 }).renderResultViews!(1, after, 2)).isOk()).toBe(true);
    expect((await rendering('', 0, undefined).renderResultViews!(1, after, 2)).isOk()).toBe(true);
    const failures: [string, number, ResultPosition | undefined, string][] = [
      ['{},{},{}', 3, { seq: 7, id: 1 }, 'renderResultViews gave 3 results for a limit of 2'],
      ['{}', 1, { seq: 4, id: 9 }, 'renderResultViews ended at {"seq":4,"id":9}, not after {"seq":4,"id":9}'],
      ['{}', 1, undefined, 'renderResultViews gave 1 results with no last position and 2 bytes'],
      ['', 1, { seq: 5, id: 1 }, 'renderResultViews gave 1 results with a last position and 0 bytes'],
    ];
    for (const [json, count, last, message] of failures) {
      expect((await rendering(json, count, last).renderResultViews!(1, after, 2))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: `Store failure: ${message}` });
    }
    // The limit and the position are checked before the store is asked.
    expect((await rendering('{}', 1, { seq: 5, id: 1 }).renderResultViews!(1, after, 0))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure' });
  });

  test('a rendered range must be bytes, and its start and length whole numbers, or it is a store_failure', async () => {
    let asked = 0;
    const ranging = (answer: unknown) =>
      createStoreRuntime({
        ...recordingAdapter().adapter,
        renderResultRange: async () => {
          asked += 1;
          return answer as Uint8Array | undefined;
        },
      });
    const bytes = new TextEncoder().encode('{}');
    expect((await ranging(bytes).renderResultRange!(1, 'quality_check', 0, 1))._unsafeUnwrap()).toBe(bytes);
    expect((await ranging(undefined).renderResultRange!(1, 'quality_check', 0, 1))._unsafeUnwrap()).toBeUndefined();
    expect((await ranging(new Uint8Array(0)).renderResultRange!(1, 'quality_check', 0, 1))._unsafeUnwrapErr()).toMatchObject({ message: 'Store failure: renderResultRange gave no bytes for 1 results' });
    expect((await ranging('{}').renderResultRange!(1, 'quality_check', 0, 1))._unsafeUnwrapErr()).toMatchObject({ message: 'Store failure: renderResultRange gave string for 1 results' });
    asked = 0;
    for (const [from, count] of [[0, 0], [0, 1.5], [0.5, 1], [Number.NaN, 1]] as const) {
      expect((await ranging(bytes).renderResultRange!(1, 'quality_check', from, count))._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure' });
    }
    expect(asked).toBe(0);
  });

  test('a store without leases holds every lease', async () => {
    const { adapter } = recordingAdapter();
    const runtime = createStoreRuntime({ ...adapter, leases: undefined });
    expect(runtime.hasLeases).toBe(false);
    expect((await runtime.tryAcquireLease('container:1', 'a', lease.now, lease.expiresAt))._unsafeUnwrap()).toBe(true);
    expect((await runtime.releaseLease('container:1', 'a')).isOk()).toBe(true);
  });

  test('checkReady asks the store its own question, or isEmpty() without one; a rejection says why', async () => {
    const plain = recordingAdapter();
    expect((await createStoreRuntime(plain.adapter).checkReady()).isOk()).toBe(true);
    expect(plain.calls.map((call) => call.method)).toEqual(['isEmpty']);

    const own = recordingAdapter();
    const unmigrated: Store = {
      ...own.adapter,
      checkReady: async () => {
        own.calls.push({ method: 'checkReady', args: [] });
        throw new Error('schema public is not migrated');
      },
    };
    expect((await createStoreRuntime(unmigrated).checkReady())._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: 'Store failure: schema public is not migrated' });
    expect(own.calls.map((call) => call.method)).toEqual(['checkReady']);

    const gone = recordingAdapter({ isEmpty: () => Promise.reject(new Error('connection terminated')) });
    expect((await createStoreRuntime(gone.adapter).checkReady())._unsafeUnwrapErr()).toMatchObject({ kind: 'store_failure', message: 'Store failure: connection terminated' });
  });
});
