import { describe, expect, test } from 'vitest';
import { messages, type OperationRecord, type OperationStatus } from '../domain/operation.js';
import { manualClock, type Clock } from '../ports/clock.js';
import type { OperationPatch, Store } from '../ports/store.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import { finishOperation, recordEnd } from './finish-operation.js';
import { testOperation } from './test-operation.js';

const start = '2026-03-10T14:30:00.000Z';
const endTime = '2026-03-10T14:30:00Z';

const operation = (overrides: Partial<OperationRecord> = {}): OperationRecord => testOperation(overrides);

/**
 * One stored operation behind `getOperation` and `transitionOperation` (a compare-and-set on
 * `result`, as the port says). The first `failTransitions` transitions reject; `getOperationFails`
 * makes every `getOperation` reject. Every transition attempt is recorded with the clock's time.
 */
function operationStore(initial: OperationRecord, clock: Clock, options: { failTransitions?: number; getOperationFails?: boolean } = {}) {
  let current = initial;
  let failures = options.failTransitions ?? 0;
  const attempts: { at: string; from: readonly string[]; patch: OperationPatch }[] = [];
  const adapter: Partial<Store> = {
    async getOperation(id) {
      if (options.getOperationFails === true) throw new Error('disk I/O error');
      return id === current.id ? current : undefined;
    },
    async transitionOperation(id, from, patch) {
      attempts.push({ at: clock.now().toISOString(), from, patch });
      if (failures > 0) {
        failures--;
        throw new Error('database is locked');
      }
      if (id !== current.id) throw new Error(`Operation ${id} not found`);
      if (!from.includes(current.result)) return undefined;
      current = { ...current, ...patch };
      return current;
    },
    close: async () => undefined,
  };
  return { runtime: createStoreRuntime(adapter as Store), current: () => current, attempts };
}

const at = (offsetMs: number) => new Date(Date.parse(start) + offsetMs).toISOString();

describe('recordEnd', () => {
  test('writes the patch from running, in one transition', async () => {
    const clock = manualClock(start);
    const { runtime, current, attempts } = operationStore(operation(), clock);
    const patch = { result: 'failure', end_time: endTime, message: 'boom' } as const;
    await recordEnd(runtime, clock, 7, patch);
    expect(attempts).toEqual([{ at: at(0), from: ['running'], patch }]);
    expect(current()).toMatchObject({ result: 'failure', end_time: endTime, message: 'boom', aborted_by: null });
  });

  test('never overwrites an end recorded meanwhile (an abort by another engine), and does not retry', async () => {
    const clock = manualClock(start);
    const aborted = operation({ result: 'aborted', aborted_by: 'bob@example.com', end_time: '2026-03-10T14:29:00Z' });
    const { runtime, current, attempts } = operationStore(aborted, clock);
    await recordEnd(runtime, clock, 7, { result: 'success', end_time: endTime, message: null });
    expect(attempts).toHaveLength(1);
    expect(current()).toEqual(aborted);
    await clock.advance(10_000);
    expect(attempts).toHaveLength(1);
  });

  test('on a failing store retries 6 more times, after 100, 200, 400, 800, 1600 and 3200 ms of the clock, then gives up', async () => {
    const clock = manualClock(start);
    const { runtime, current, attempts } = operationStore(operation(), clock, { failTransitions: Infinity });
    let settled = false;
    const recording = recordEnd(runtime, clock, 7, { result: 'failure', end_time: endTime, message: 'boom' }).then(() => (settled = true));
    // Each retry happens only once the clock has moved to it, and not a millisecond earlier.
    const expectedOffsets = [0, 100, 300, 700, 1500, 3100, 6300];
    await clock.advance(0);
    expect(attempts.map((attempt) => attempt.at)).toEqual([at(0)]);
    for (let retry = 1; retry < expectedOffsets.length; retry++) {
      const pause = (expectedOffsets[retry] as number) - (expectedOffsets[retry - 1] as number);
      await clock.advance(pause - 1);
      expect(attempts).toHaveLength(retry);
      expect(settled).toBe(false);
      await clock.advance(1);
      expect(attempts).toHaveLength(retry + 1);
    }
    await recording;
    expect(settled).toBe(true);
    expect(attempts.map((attempt) => attempt.at)).toEqual(expectedOffsets.map(at));
    await clock.advance(60_000);
    expect(attempts).toHaveLength(7);
    // Given up: the operation stays running for recover() to find.
    expect(current().result).toBe('running');
  });

  test('a store that recovers during the retries gets the end recorded at the next attempt', async () => {
    const clock = manualClock(start);
    const { runtime, current, attempts } = operationStore(operation(), clock, { failTransitions: 2 });
    const recording = recordEnd(runtime, clock, 7, { result: 'aborted', aborted_by: 'jane@example.com', end_time: endTime });
    await clock.advance(300);
    await recording;
    expect(attempts.map((attempt) => attempt.at)).toEqual([at(0), at(100), at(300)]);
    expect(current()).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', end_time: endTime });
    await clock.advance(10_000);
    expect(attempts).toHaveLength(3);
  });
});

describe('finishOperation', () => {
  const completed = async (status: OperationStatus) => {
    const clock = manualClock(start);
    const store = operationStore(operation({ status }), clock);
    await finishOperation(store.runtime, clock, 7, { kind: 'completed' });
    return store;
  };

  test.each([
    ['something created', { total: 3, created: 1, updated: 0, skipped: 0, failed: 2 }],
    ['something updated', { total: 3, created: 0, updated: 1, skipped: 0, failed: 2 }],
    ['something skipped', { total: 3, created: 0, updated: 0, skipped: 1, failed: 2 }],
  ])('completed with %s → success, no message', async (_, status) => {
    const { current, attempts } = await completed(status);
    expect(attempts.map((attempt) => attempt.patch)).toEqual([{ result: 'success', end_time: endTime, message: null }]);
    expect(current()).toMatchObject({ result: 'success', end_time: endTime, message: null, aborted_by: null });
  });

  test('completed with nothing selected → success with the no-entities message', async () => {
    const { current } = await completed({ total: 0, created: 0, updated: 0, skipped: 0, failed: 0 });
    expect(current()).toMatchObject({ result: 'success', end_time: endTime, message: messages.noEntities });
    expect(messages.noEntities).toBe('No entities matched the selection');
  });

  test('completed with every entity failed → failure, no message', async () => {
    const { current } = await completed({ total: 3, created: 0, updated: 0, skipped: 0, failed: 3 });
    expect(current()).toMatchObject({ result: 'failure', end_time: endTime, message: null });
  });

  test('completed when the operation cannot be read → failure with the store failure as message', async () => {
    const clock = manualClock(start);
    const { runtime, current } = operationStore(operation({ status: { total: 3, created: 3, updated: 0, skipped: 0, failed: 0 } }), clock, {
      getOperationFails: true,
    });
    await finishOperation(runtime, clock, 7, { kind: 'completed' });
    expect(current()).toMatchObject({ result: 'failure', end_time: endTime, message: 'Store failure: disk I/O error' });
  });

  test('aborted → aborted with who, and no message', async () => {
    const clock = manualClock(start);
    const { runtime, current, attempts } = operationStore(operation(), clock);
    await finishOperation(runtime, clock, 7, { kind: 'aborted', by: 'jane@example.com' });
    expect(attempts.map((attempt) => attempt.patch)).toEqual([{ result: 'aborted', aborted_by: 'jane@example.com', end_time: endTime }]);
    expect(current()).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', end_time: endTime, message: null });
  });

  test('aborted by nobody known → aborted_by null', async () => {
    const clock = manualClock(start);
    const { runtime, current } = operationStore(operation(), clock);
    await finishOperation(runtime, clock, 7, { kind: 'aborted', by: null });
    expect(current()).toMatchObject({ result: 'aborted', aborted_by: null, end_time: endTime });
  });

  test('failure → failure with the message', async () => {
    const clock = manualClock(start);
    const { runtime, current } = operationStore(operation(), clock);
    await finishOperation(runtime, clock, 7, { kind: 'failure', message: 'Store failure: database is locked' });
    expect(current()).toMatchObject({ result: 'failure', end_time: endTime, message: 'Store failure: database is locked', aborted_by: null });
  });

  test('completed after another engine aborted it → the abort stays as it was', async () => {
    const clock = manualClock(start);
    const aborted = operation({ result: 'aborted', aborted_by: 'bob@example.com', status: { total: 3, created: 3, updated: 0, skipped: 0, failed: 0 } });
    const { runtime, current } = operationStore(aborted, clock);
    await finishOperation(runtime, clock, 7, { kind: 'completed' });
    expect(current()).toEqual(aborted);
  });
});
