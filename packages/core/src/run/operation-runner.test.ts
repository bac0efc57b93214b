import { errAsync } from 'neverthrow';
import { describe, expect, test } from 'vitest';
import type { LineageLink, QualityCheck } from '../domain/entities.js';
import type { OperationRecord, PromoteResultRecord } from '../domain/operation.js';
import { createReferenceDataplane } from '../dataplane/reference-dataplane.js';
import { lostLease } from '../errors.js';
import { check, field, table } from '../plan/test-builders.js';
import { manualClock } from '../ports/clock.js';
import { engineEvents, type EngineEvent } from '../ports/engine-events.js';
import type { CommitOptions, CommitUnit, OperationPatch, ResultPosition, ScopeLeases, Store } from '../ports/store.js';
import { createStoreRuntime } from '../ports/store-runtime.js';
import { runOperation, type RunnerOptions } from './operation-runner.js';
import { testOperation } from './test-operation.js';

const start = '2026-03-10T14:30:00.000Z';
const endTime = '2026-03-10T14:30:00Z';
const scope = 'container:20';

const sourceContainer = table(10, 1, 'orders');
const destinationContainer = table(20, 2, 'orders');
const destinationFields = [field(1, 'Email'), field(2, 'amount', { type: 'integral' })];
// Check 1 resolves and validates; check 2 resolves but the Dataplane refuses it (min > max);
// check 3 is in the selection but no longer exists.
const sourceChecks: readonly QualityCheck[] = [
  check(1),
  check(2, { rule_type: 'between', fields: ['amount'], properties: { min: 10, max: 5 } }),
];

const operation = (overrides: Partial<OperationRecord> = {}): OperationRecord =>
  testOperation({
    as_draft: false,
    request: { type: 'promote_quality_check', datastore_id: 1, container_id: 10, destination_container_id: 20, check_ids: [1, 2, 3], as_draft: false },
    destination_scope: scope,
    ...overrides,
  });

/** Scope leases in a Map, as `ScopeLeases` documents them, recording every call. */
function memoryLeases() {
  const held = new Map<string, { holder: string; expiresAt: string }>();
  const calls: string[] = [];
  const leases: ScopeLeases = {
    async tryAcquire(leaseScope, holder, now, expiresAt) {
      const current = held.get(leaseScope);
      const free = current === undefined || Date.parse(current.expiresAt) <= Date.parse(now) || current.holder === holder;
      if (free) held.set(leaseScope, { holder, expiresAt });
      calls.push(`tryAcquire ${leaseScope} ${holder}: ${free}`);
      return free;
    },
    async release(leaseScope, holder) {
      calls.push(`release ${leaseScope} ${holder}`);
      if (held.get(leaseScope)?.holder === holder) held.delete(leaseScope);
    },
  };
  return { leases, held, calls };
}

interface StoreOptions {
  readonly leases?: ScopeLeases;
  /** What the adapter's `getOperation` does instead of answering the stored operation. */
  readonly getOperation?: () => Promise<OperationRecord | undefined>;
  readonly sourceChecks?: readonly QualityCheck[];
  /** What `findLineage` answers (nothing by default). */
  readonly lineage?: readonly LineageLink[];
  /** `Store.commitBlocks` (unsaid by default: a store that blocks). */
  readonly commitBlocks?: boolean;
}

/**
 * One operation and the reads a quality-check promotion makes (`plan-entities.ts`, the validation
 * target), in arrays. `commit` stores result rows and counts them into the operation's status;
 * created checks get ids from 500. Every call's method name is recorded.
 */
function operationStore(initial: OperationRecord, options: StoreOptions = {}) {
  let current = initial;
  const calls: string[] = [];
  const transitions: { from: readonly string[]; patch: OperationPatch }[] = [];
  const commits: { units: readonly CommitUnit[]; options: CommitOptions | undefined }[] = [];
  const results: PromoteResultRecord[] = [];
  /** How many ids each `getChecks` asked for. */
  const reads: number[] = [];
  const checks = options.sourceChecks ?? sourceChecks;
  const recorded =
    <A extends unknown[], R>(method: string, work: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      calls.push(method);
      return work(...args);
    };
  const adapter: Partial<Store> = {
    getOperation: recorded('getOperation', async (id: number) => {
      if (options.getOperation !== undefined) return options.getOperation();
      return id === current.id ? current : undefined;
    }),
    listResultsAfter: recorded('listResultsAfter', async (operationId: number, after: ResultPosition | undefined, limit: number) =>
      results
        .filter((result) => result.operation_id === operationId && (after === undefined || result.seq > after.seq || (result.seq === after.seq && result.id > after.id)))
        .sort((a, b) => a.seq - b.seq || a.id - b.id)
        .slice(0, limit)
        .map(({ before: _before, after: _after, ...listed }) => listed),
    ),
    getContainer: recorded('getContainer', async (id: number) => [sourceContainer, destinationContainer].find((container) => container.id === id)),
    getChecks: recorded('getChecks', async (ids: readonly number[]) => {
      reads.push(ids.length);
      const asked = new Set(ids);
      return checks.filter((entry) => asked.has(entry.id));
    }),
    listFields: recorded('listFields', async (containerId: number) => (containerId === 20 ? destinationFields : [])),
    listComputedFields: recorded('listComputedFields', async () => []),
    listChecks: recorded('listChecks', async (containerId: number) => checks.filter((entry) => entry.container_id === containerId)),
    findLineage: recorded('findLineage', async () => options.lineage ?? []),
    listContainers: recorded('listContainers', async (datastoreId: number) =>
      [sourceContainer, destinationContainer].filter((container) => container.datastore_id === datastoreId),
    ),
    transitionOperation: recorded('transitionOperation', async (id: number, from: readonly OperationRecord['result'][], patch: OperationPatch) => {
      transitions.push({ from, patch });
      if (id !== current.id) throw new Error(`Operation ${id} not found`);
      if (!from.includes(current.result)) return undefined;
      current = { ...current, ...patch };
      return current;
    }),
    commit: recorded('commit', async (units: readonly CommitUnit[], commitOptions?: CommitOptions) => {
      commits.push({ units, options: commitOptions });
      const stored = units.map(
        (unit): PromoteResultRecord => ({
          id: results.length + 1,
          operation_id: unit.operation_id,
          seq: unit.seq,
          entity_type: unit.entity_type,
          source_entity_id: unit.source_entity_id,
          result: unit.result,
          destination_entity_id: unit.result === 'created' ? 500 + unit.seq : unit.destination_entity_id,
          message: unit.message,
          changes: unit.changes,
          before: unit.before ?? null,
          after: null,
          search_text: unit.search_text,
        }),
      );
      results.push(...stored);
      const status = { ...current.status };
      for (const unit of units) status[unit.result] += 1;
      current = { ...current, status };
      return stored;
    }),
    close: async () => undefined,
    ...(options.leases === undefined ? {} : { leases: options.leases }),
    ...(options.commitBlocks === undefined ? {} : { commitBlocks: options.commitBlocks }),
  };
  return { runtime: createStoreRuntime(adapter as Store), current: () => current, calls, transitions, commits, results, reads };
}

function runnerOptions(runtime: RunnerOptions['store'], overrides: Partial<RunnerOptions> = {}) {
  const dataplane = createReferenceDataplane();
  const options: RunnerOptions = {
    store: runtime,
    dataplane,
    clock: manualClock(start),
    profiler: undefined,
    batchSize: 10,
    concurrency: 2,
    commitBatchSize: 100,
    commitBudgetMs: Number.POSITIVE_INFINITY,
    chunkSize: 2000,
    leaseTtlMs: 600,
    abortPollMs: 500,
    leasePollMs: 100,
    holderId: 'engine-a',
    ...overrides,
  };
  return { options, dataplane };
}

describe('runOperation', () => {
  test('plans, validates, commits in processing order and records success', async () => {
    const { runtime, current, transitions, commits, results } = operationStore(operation());
    const { options, dataplane } = runnerOptions(runtime);
    await runOperation(operation(), new AbortController().signal, options, 'new');

    expect(dataplane.calls.map((call) => ({ containerId: call.containerId, sourceCheckIds: call.sourceCheckIds }))).toEqual([{ containerId: 20, sourceCheckIds: [1, 2] }]);
    expect(commits).toHaveLength(1);
    expect(commits[0]?.options).toBeUndefined();
    expect(results.map(({ seq, source_entity_id, result, destination_entity_id, message }) => ({ seq, source_entity_id, result, destination_entity_id, message }))).toEqual([
      { seq: 0, source_entity_id: 1, result: 'created', destination_entity_id: 500, message: null },
      { seq: 1, source_entity_id: 2, result: 'failed', destination_entity_id: null, message: 'Validation failed: min 10 is greater than max 5' },
      { seq: 2, source_entity_id: 3, result: 'failed', destination_entity_id: null, message: 'Source quality check 3 no longer exists' },
    ]);
    expect(commits[0]?.units[0]?.write).toMatchObject({ kind: 'create_check', value: { container_id: 20, fields: ['Email'], status: 'active' } });
    expect(transitions).toEqual([{ from: ['running'], patch: { result: 'success', end_time: endTime, message: null } }]);
    expect(current()).toMatchObject({ result: 'success', end_time: endTime, message: null, status: { total: 3, created: 1, updated: 0, skipped: 0, failed: 2 } });
  });

  test('in chunks of one (SPEC §19): each chunk is read, validated and committed before the next is read; results and seqs as whole', async () => {
    const { runtime, current, calls, commits, results } = operationStore(operation());
    const { options, dataplane } = runnerOptions(runtime, { chunkSize: 1 });
    await runOperation(operation(), new AbortController().signal, options, 'new');
    // The destination once; then per chunk its checks, and the commit of its result before the next read.
    expect(calls.filter((call) => call === 'listChecks')).toHaveLength(1);
    expect(calls.filter((call) => call === 'getChecks' || call === 'commit')).toEqual(['getChecks', 'commit', 'getChecks', 'commit', 'getChecks', 'commit']);
    expect(dataplane.calls.map((call) => call.sourceCheckIds)).toEqual([[1], [2]]);
    expect(commits.map((entry) => entry.units.map((unit) => unit.seq))).toEqual([[0], [1], [2]]);
    expect(results.map(({ seq, source_entity_id, result }) => ({ seq, source_entity_id, result }))).toEqual([
      { seq: 0, source_entity_id: 1, result: 'created' },
      { seq: 1, source_entity_id: 2, result: 'failed' },
      { seq: 2, source_entity_id: 3, result: 'failed' },
    ]);
    expect(current()).toMatchObject({ result: 'success', status: { total: 3, created: 1, updated: 0, skipped: 0, failed: 2 } });
  });

  test('the first chunks of a selection longer than a chunk are smaller and grow (cold code, SPEC §19); a selection that fits is one chunk', async () => {
    const many = Array.from({ length: 20 }, (_, index) => check(index + 1));
    const commitSizes = async (chunkSize: number) => {
      const selection = many.map((source) => source.id);
      const initial = operation({ selection, status: { total: selection.length, created: 0, updated: 0, skipped: 0, failed: 0 } });
      const { runtime, commits, current } = operationStore(initial, { sourceChecks: many });
      await runOperation(initial, new AbortController().signal, runnerOptions(runtime, { chunkSize }).options, 'new');
      expect(current()).toMatchObject({ result: 'success', status: { total: 20, created: 20 } });
      // One commit per chunk here (no commit budget, 100 units per commit at most).
      return commits.map((entry) => entry.units.length);
    };
    expect(await commitSizes(8)).toEqual([1, 2, 4, 8, 5]);
    expect(await commitSizes(20)).toEqual([20]);
  });

  test('a store whose reads block the thread reads a chunk 500 checks at a time (SPEC §19: ≈ 20 ms per step); one that does not, in one read', async () => {
    const many = Array.from({ length: 1_200 }, (_, index) => check(index + 1));
    const selection = many.map((source) => source.id);
    const readsOf = async (commitBlocks: boolean | undefined) => {
      const initial = operation({ selection, status: { total: selection.length, created: 0, updated: 0, skipped: 0, failed: 0 } });
      const { runtime, current, reads, results } = operationStore(initial, { sourceChecks: many, ...(commitBlocks === undefined ? {} : { commitBlocks }) });
      await runOperation(initial, new AbortController().signal, runnerOptions(runtime).options, 'new');
      expect(current()).toMatchObject({ result: 'success', status: { total: 1_200, created: 1_200 } });
      expect(results.map((result) => result.source_entity_id)).toEqual(selection);
      return reads;
    };
    expect(await readsOf(undefined)).toEqual([500, 500, 200]);
    expect(await readsOf(true)).toEqual([500, 500, 200]);
    expect(await readsOf(false)).toEqual([1_200]);
  });

  test('the lineage phase reads whether linked sources still exist on a resumed or taken-over turn, not on the first turn of a new operation (decision 0905)', async () => {
    // Check 3 of the selection is linked to destination check 900, and no longer exists.
    const lineage: LineageLink[] = [{ entity_type: 'quality_check', source_entity_id: 3, destination_scope_id: 20, destination_entity_id: 900 }];
    const withDestination = [...sourceChecks, check(900, { container_id: 20, description: 'in production' })];
    const getChecksOf = async (trigger: 'new' | 'resume' | 'takeover') => {
      const { runtime, calls, results } = operationStore(operation(), { sourceChecks: withDestination, lineage });
      await runOperation(operation(), new AbortController().signal, runnerOptions(runtime).options, trigger);
      expect(results.find((result) => result.source_entity_id === 3)).toMatchObject({ result: 'failed', message: 'Source quality check 3 no longer exists' });
      return calls.filter((call) => call === 'getChecks').length;
    };
    // A new operation's selection was read from the source container by this engine moments ago:
    // only the chunk's checks are read.
    expect(await getChecksOf('new')).toBe(1);
    // A later turn first asks which linked sources exist (this store has no summarise), then the chunk.
    expect(await getChecksOf('resume')).toBe(2);
    expect(await getChecksOf('takeover')).toBe(2);
  });

  test('createPromoter refuses a chunk size that is not a whole number from 1', async () => {
    const { createPromoter } = await import('./promoter.js');
    const { runtime } = operationStore(operation());
    for (const chunkSize of [0, 1.5, Number.NaN]) {
      expect(() => createPromoter({ store: runtime.store, dataplane: createReferenceDataplane(), chunkSize })).toThrow(new RangeError(`chunkSize must be a whole number from 1, got ${chunkSize}`));
    }
  });

  test('records failure when every entity failed', async () => {
    const { runtime, current } = operationStore(operation({ selection: [2, 3], status: { total: 2, created: 0, updated: 0, skipped: 0, failed: 0 } }));
    const { options } = runnerOptions(runtime);
    await runOperation(operation({ selection: [2, 3] }), new AbortController().signal, options, 'new');
    expect(current()).toMatchObject({ result: 'failure', end_time: endTime, message: null, status: { total: 2, created: 0, failed: 2 } });
  });

  test('with store leases: takes the scope lease, commits under it, and releases it', async () => {
    const memory = memoryLeases();
    const { runtime, current, commits } = operationStore(operation(), { leases: memory.leases });
    const { options } = runnerOptions(runtime);
    await runOperation(operation(), new AbortController().signal, options, 'new');
    expect(commits.map((entry) => entry.options)).toEqual([
      { lease: { scope, holder: 'engine-a', now: start, expiresAt: '2026-03-10T14:30:00.600Z' } },
    ]);
    expect(memory.calls).toEqual([`tryAcquire ${scope} engine-a: true`, `release ${scope} engine-a`]);
    expect(memory.held.size).toBe(0);
    expect(current().result).toBe('success');
  });

  test('aborted before its turn, with reason { by }: records aborted by that user, and plans nothing', async () => {
    const { runtime, current, calls, transitions } = operationStore(operation());
    const { options, dataplane } = runnerOptions(runtime);
    const controller = new AbortController();
    controller.abort({ by: 'jane@example.com' });
    await runOperation(operation(), controller.signal, options, 'new');
    expect(transitions).toEqual([{ from: ['running'], patch: { result: 'aborted', aborted_by: 'jane@example.com', end_time: endTime } }]);
    expect(current()).toMatchObject({ result: 'aborted', aborted_by: 'jane@example.com', end_time: endTime, message: null });
    expect(calls).toEqual(['transitionOperation']);
    expect(dataplane.calls).toEqual([]);
  });

  test('aborted without a reason: aborted by nobody', async () => {
    const { runtime, current } = operationStore(operation());
    const controller = new AbortController();
    controller.abort();
    await runOperation(operation(), controller.signal, runnerOptions(runtime).options, 'new');
    expect(current()).toMatchObject({ result: 'aborted', aborted_by: null, end_time: endTime });
  });

  test('already aborted in the store when loaded: records nothing, plans nothing', async () => {
    const aborted = operation({ result: 'aborted', aborted_by: 'bob@example.com', end_time: '2026-03-10T14:29:00Z' });
    const { runtime, current, calls, transitions, commits } = operationStore(aborted);
    const { options, dataplane } = runnerOptions(runtime);
    // The turn was queued while it still ran: the initial record says running.
    await runOperation(operation(), new AbortController().signal, options, 'new');
    expect(transitions).toEqual([]);
    expect(commits).toEqual([]);
    expect(calls).toEqual(['getOperation']);
    expect(dataplane.calls).toEqual([]);
    expect(current()).toEqual(aborted);
  });

  test('a store that fails to load the operation ends it failure with the store failure', async () => {
    const { runtime, current, commits } = operationStore(operation(), { getOperation: () => Promise.reject(new Error('disk I/O error')) });
    await runOperation(operation(), new AbortController().signal, runnerOptions(runtime).options, 'new');
    expect(commits).toEqual([]);
    expect(current()).toMatchObject({ result: 'failure', end_time: endTime, message: 'Store failure: disk I/O error' });
  });

  test('a defect while planning ends it failure with Internal error: …, and the promise does not reject', async () => {
    const broken = [check(1, { rule_type: 'no_such_rule' as QualityCheck['rule_type'] })];
    const { runtime, current, commits, transitions } = operationStore(operation({ selection: [1] }), { sourceChecks: broken });
    await expect(runOperation(operation({ selection: [1] }), new AbortController().signal, runnerOptions(runtime).options, 'new')).resolves.toBeUndefined();
    expect(commits).toEqual([]);
    expect(transitions).toEqual([
      { from: ['running'], patch: { result: 'failure', end_time: endTime, message: 'Internal error: defect: rule type no_such_rule missing from the catalogue' } },
    ]);
    expect(current()).toMatchObject({ result: 'failure', message: 'Internal error: defect: rule type no_such_rule missing from the catalogue' });
  });

  describe('events', () => {
    /** The events of one turn, without their durations (checked to be measured instead). */
    const withoutDurations = (events: readonly EngineEvent[]) =>
      events.map((event) => {
        if (!('durationMs' in event)) return event;
        const { durationMs, ...rest } = event;
        expect(durationMs).toBeGreaterThanOrEqual(0);
        return rest;
      });

    test('a turn tells its start, its Dataplane call, its commit and its end as recorded', async () => {
      const { runtime } = operationStore(operation());
      const events: EngineEvent[] = [];
      await runOperation(operation(), new AbortController().signal, runnerOptions(runtime, { events: (event) => events.push(event) }).options, 'resume');
      const named = { operationId: 7, operationType: 'promote', promoteType: 'quality_check' };
      expect(withoutDurations(events)).toEqual([
        { type: 'operation_started', ...named, trigger: 'resume' },
        { type: 'dataplane_call', operationId: 7, checks: 2, outcome: 'ok' },
        { type: 'commit', operationId: 7, promoteType: 'quality_check', outcome: 'committed', results: { created: 1, updated: 0, skipped: 0, failed: 2 } },
        { type: 'operation_ended', ...named, result: 'success', message: null, status: { total: 3, created: 1, updated: 0, skipped: 0, failed: 2 } },
      ]);
    });

    test('a Dataplane that rejects is an error call; a store failure ends it failure; an abort elsewhere is aborted, with nothing recorded here', async () => {
      const { runtime } = operationStore(operation());
      const events: EngineEvent[] = [];
      const dataplane = { validate: () => Promise.reject(new Error('dataplane is down')) };
      await runOperation(operation(), new AbortController().signal, runnerOptions(runtime, { dataplane, events: (event) => events.push(event) }).options, 'new');
      expect(withoutDurations(events.filter((event) => event.type === 'dataplane_call'))).toEqual([
        { type: 'dataplane_call', operationId: 7, checks: 2, outcome: 'error', error: 'dataplane is down' },
      ]);

      const failing = operationStore(operation(), { getOperation: () => Promise.reject(new Error('disk I/O error')) });
      const failed: EngineEvent[] = [];
      await runOperation(operation(), new AbortController().signal, runnerOptions(failing.runtime, { events: (event) => failed.push(event) }).options, 'new');
      expect(failed.at(-1)).toMatchObject({ type: 'operation_ended', result: 'failure', message: 'Store failure: disk I/O error' });

      const abortedElsewhere = operation({ result: 'aborted', aborted_by: 'bob@example.com' });
      const elsewhere = operationStore(abortedElsewhere);
      const aborted: EngineEvent[] = [];
      await runOperation(operation(), new AbortController().signal, runnerOptions(elsewhere.runtime, { events: (event) => aborted.push(event) }).options, 'new');
      expect(aborted.map((event) => event.type)).toEqual(['operation_started', 'operation_ended']);
      expect(aborted[1]).toMatchObject({ result: 'aborted', message: null, status: undefined });
    });

    test('a commit the store fences is told as fenced, and a turn that cannot record its end ends unrecorded', async () => {
      const memory = memoryLeases();
      const { runtime } = operationStore(operation(), { leases: memory.leases });
      // Fenced because another engine took the scope: this one cannot take it back to record the end.
      const fencing: typeof runtime = {
        ...runtime,
        commit: () => {
          memory.held.set(scope, { holder: 'engine-b', expiresAt: '2026-03-10T15:00:00.000Z' });
          return errAsync(lostLease(scope));
        },
      };
      const events: EngineEvent[] = [];
      await runOperation(operation(), new AbortController().signal, runnerOptions(fencing, { events: (event) => events.push(event) }).options, 'new');
      expect(withoutDurations(events.filter((event) => event.type === 'commit'))).toEqual([
        { type: 'commit', operationId: 7, promoteType: 'quality_check', outcome: 'fenced', results: { created: 1, updated: 0, skipped: 0, failed: 2 } },
      ]);
      expect(events.at(-1)).toMatchObject({ type: 'operation_ended', result: 'unrecorded', message: null, status: undefined });
    });

    test('an observer that throws changes nothing', async () => {
      const { runtime, current } = operationStore(operation());
      const { options } = runnerOptions(runtime, {
        events: engineEvents(() => {
          throw new Error('broken log');
        }),
      });
      await runOperation(operation(), new AbortController().signal, options, 'new');
      expect(current()).toMatchObject({ result: 'success', status: { created: 1, failed: 2 } });
    });
  });
});
