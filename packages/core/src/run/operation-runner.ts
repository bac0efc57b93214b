import { err, ok, type Result } from 'neverthrow';
import { messages, type OperationRecord } from '../domain/operation.js';
import { conflict, describeError, type LostLeaseError, type PromoteError } from '../errors.js';
import type { EntityPlan } from '../plan/entity-plan.js';
import { planFingerprint } from '../plan/plan-fingerprint.js';
import type { OperationProgress } from './promoter-api.js';
import { isoTimestamp, type Clock } from '../ports/clock.js';
import type { Dataplane } from '../ports/dataplane.js';
import type { EngineEvents, TurnResult, TurnTrigger } from '../ports/engine-events.js';
import type { Profiler } from '../ports/profiler.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import type { ResultPosition } from '../ports/store.js';
import { commitSizerFor, executePlans } from './execute-plans.js';
import { finishOperation, recordEnd, type OperationEnd } from './finish-operation.js';
import { growingSizes } from './growing-sizes.js';
import { nextTurn } from './next-turn.js';
import { destinationScopeId, planContext, validationTarget } from './plan-context.js';
import { planInChunks, type PlanChunk } from './plan-entities.js';
import { requestProfiles } from './request-profiles.js';
import { settledLater } from './settled-later.js';
import { ScopeLease } from './scope-lease.js';
import { startValidation, type PendingValidation } from './validate-plans.js';

/** What running operations needs: the engine's ports and settings (see `PromoterOptions`). */
export interface RunnerOptions {
  readonly store: StoreRuntime;
  readonly dataplane: Dataplane;
  readonly clock: Clock;
  readonly profiler: Profiler | undefined;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly commitBatchSize: number;
  readonly commitBudgetMs: number;
  /** Quality checks planned, validated and committed per chunk (SPEC §19; see `PromoterOptions.chunkSize`). */
  readonly chunkSize: number;
  readonly leaseTtlMs: number;
  readonly leasePollMs: number;
  readonly abortPollMs: number;
  readonly holderId: string;
  /** Told what the operation does (see `PromoterOptions.onProgress`). */
  readonly onProgress?: ((progress: OperationProgress) => void) | undefined;
  /** Whether another lease holder is certainly gone (see `LeaseHolders.isGone`). */
  readonly isGone?: ((holder: string) => boolean) | undefined;
  /** Told what happens, for logs and metrics (see `PromoterOptions.onEvent`); never throws. */
  readonly events?: EngineEvents | undefined;
}

/** Why an abort was asked: `signal.reason` of the controller a turn is given. */
export interface AbortReason {
  /** Email of who aborted. */
  readonly by: string;
}

/**
 * Runs one operation's turn on its scope to its end (§9): takes the scope lease, plans what has no
 * result yet, validates and commits in order, and records how it ended; then asks for profiles.
 * Never rejects: a defect ends the operation `failure` with `Internal error: …`. Tells
 * `options.events` that the turn started (`trigger`: a new operation, a resumed one, or one taken
 * over) and, once it is over, how it ended. A `'new'` turn with nothing recorded trusts that the
 * selection was just read from the source container (`PlanContext.justSelected`).
 */
export async function runOperation(initial: OperationRecord, local: AbortSignal, options: RunnerOptions, trigger: TurnTrigger): Promise<void> {
  const began = performance.now();
  const named = { operationId: initial.id, operationType: initial.request.type === 'revert' ? 'revert' : 'promote', promoteType: initial.promote_type } as const;
  options.events?.({ type: 'operation_started', ...named, trigger });
  /** How this turn ended: as recorded, `aborted` by another engine, or not recorded here. */
  let ended: OperationRecord | 'aborted_elsewhere' | undefined;
  // Another engine on the same database may abort the operation (§18): it records the abort in the
  // store, and this engine reads it back on a timer — between commits as well as during a long
  // Dataplane call — and stops as if aborted here, recording nothing (that engine recorded it).
  // One controller for both, held here (not `AbortSignal.any`, whose composite signal Node 20 may
  // collect while it waits, with its listeners).
  const combined = new AbortController();
  let elsewhere = false;
  const onLocal = () => combined.abort(local.reason);
  if (local.aborted) onLocal();
  else local.addEventListener('abort', onLocal, { once: true });
  const watch = options.clock.every(options.abortPollMs, async () => {
    const current = await options.store.getOperation(initial.id);
    if (current.isOk() && current.value !== undefined && current.value.result !== 'running' && !combined.signal.aborted) {
      elsewhere = true;
      combined.abort();
    }
  });
  const signal = combined.signal;
  const stoppedElsewhere = () => elsewhere && !local.aborted;
  try {
    const lease = new ScopeLease(initial.destination_scope, {
      runtime: options.store,
      clock: options.clock,
      ttlMs: options.leaseTtlMs,
      pollMs: options.leasePollMs,
      holder: options.holderId,
      isGone: options.isGone,
      onTakeover: (previousHolder) => options.events?.({ type: 'lease_taken_over', scope: initial.destination_scope, previousHolder, operationId: initial.id }),
    });
    options.onProgress?.({ operationId: initial.id, phase: 'waiting' });
    const acquired = await lease.acquire(signal);
    try {
      let executed: Executed = acquired.isErr() ? err(acquired.error) : acquired.value === 'aborted' ? ok('aborted') : await execute(initial, signal, lease, options, trigger);
      watch.cancel();
      if (executed.isOk() && executed.value === 'aborted' && stoppedElsewhere()) executed = ok('aborted_elsewhere');
      const lost = lease.lost() ?? (executed.isErr() && executed.error.kind === 'lease_lost' ? executed.error : undefined);
      if (lost !== undefined) {
        // This engine no longer owns the scope, nor so the operation: another engine may have
        // recovered and resumed it. It records the end only if it can take the scope again (then
        // nobody else works on it); otherwise the operation is left to its new owner, or to
        // recover() as an interrupted one (decision 0008).
        if (await lease.retake()) ended = await finishOperation(options.store, options.clock, initial.id, { kind: 'failure', message: lost.message });
      } else if (executed.isOk() && executed.value === 'aborted_elsewhere') {
        // Aborted elsewhere: that engine recorded who and when. Recording anything here could only
        // undo what happened since — a resume that reopened it (decision 0401).
        ended = 'aborted_elsewhere';
      } else {
        ended = await finishOperation(options.store, options.clock, initial.id, endOf(executed, local));
      }
    } finally {
      if (acquired.isOk() && acquired.value === 'acquired') await lease.release();
    }
    await requestProfiles(options.store, options.profiler, initial);
  } catch (defect) {
    watch.cancel();
    const text = defect instanceof Error ? defect.message : String(defect);
    ended = await recordEnd(options.store, options.clock, initial.id, { result: 'failure', end_time: isoTimestamp(options.clock.now()), message: `Internal error: ${text}` });
  }
  const recorded = typeof ended === 'object' ? ended : undefined;
  const result: TurnResult = ended === 'aborted_elsewhere' ? 'aborted' : recorded === undefined || recorded.result === 'running' ? 'unrecorded' : recorded.result;
  options.events?.({ type: 'operation_ended', ...named, result, message: recorded?.message ?? null, status: recorded?.status, durationMs: performance.now() - began });
}

/** The plans after their validation, or `aborted` when the signal aborts first. */
async function settleAll(plans: readonly EntityPlan[], validation: ReadonlyMap<number, PendingValidation>, signal: AbortSignal): Promise<readonly EntityPlan[] | 'aborted'> {
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const settled = Promise.all(plans.map((plan, index) => validation.get(index)?.outcome ?? plan));
  return Promise.race([settled, aborted]);
}

/** How the work of a turn ended, before it is recorded. */
type Executed = Result<'completed' | 'aborted' | 'aborted_elsewhere', PromoteError | LostLeaseError>;

function endOf(executed: Executed, signal: AbortSignal): OperationEnd {
  if (executed.isErr()) return { kind: 'failure', message: executed.error.kind === 'lease_lost' ? executed.error.message : describeError(executed.error) };
  if (executed.value === 'completed') return { kind: 'completed' };
  // Aborted here: the reason says who.
  return { kind: 'aborted', by: (signal.reason as AbortReason | undefined)?.by ?? null };
}

/** Ids of the selection looked at per turn of the event loop when a turn works out what is left. */
const selectionSliceSize = 100_000;

/** Recorded results read per page when a turn resumes an operation (`Store.listResultsAfter`). */
const resumePageSize = 5_000;

/** What earlier turns recorded: the sources processed and the destinations they matched. */
interface Recorded {
  readonly processed: ReadonlySet<number>;
  readonly taken: ReadonlySet<number>;
  readonly count: number;
}

/** Reads the operation's recorded results in keyset pages (without their images), keeping only ids. */
async function readRecorded(store: StoreRuntime, operationId: number): Promise<Result<Recorded, PromoteError>> {
  const processed = new Set<number>();
  const taken = new Set<number>();
  let after: ResultPosition | undefined;
  for (;;) {
    const page = await store.listResultsAfter(operationId, after, resumePageSize);
    if (page.isErr()) return err(page.error);
    for (const result of page.value) {
      processed.add(result.source_entity_id);
      if (result.destination_entity_id !== null) taken.add(result.destination_entity_id);
    }
    const last = page.value[page.value.length - 1];
    if (last === undefined || page.value.length < resumePageSize) break;
    after = { seq: last.seq, id: last.id };
    // A synchronous store answers at once: without a turn between pages, resuming a million-check
    // operation would read every page in one step.
    await nextTurn();
  }
  return ok({ processed, taken, count: processed.size });
}

/**
 * The sources of `selection` not yet `processed`, in order, with each one's position in the
 * selection (its result's `seq`; `positions` `undefined`: the same as its index in `remaining`).
 * Nothing processed (a new operation, or one whose turn ended before its first commit): the
 * selection itself, with no copy — at a million ids, growing the two arrays cost steps of 25–35 ms
 * each time they outgrew their backing stores. Otherwise a pass with a turn of the event loop
 * between slices (at a million ids one pass was ≈ 50 ms of one synchronous step); the first slices
 * smaller (10,000 ids, doubling to 100,000): they run cold.
 */
async function whatIsLeft(selection: readonly number[], processed: ReadonlySet<number>): Promise<{ readonly remaining: readonly number[]; readonly positions: readonly number[] | undefined }> {
  if (processed.size === 0) return { remaining: selection, positions: undefined };
  const remaining: number[] = [];
  const positions: number[] = [];
  const sliceSize = growingSizes(selectionSliceSize / 10, selectionSliceSize);
  for (let start = 0, end = 0; start < selection.length; start = end) {
    if (start > 0) await nextTurn();
    end = Math.min(selection.length, start + sliceSize());
    for (let index = start; index < end; index++) {
      const id = selection[index] as number;
      if (processed.has(id)) continue;
      remaining.push(id);
      positions.push(index);
    }
  }
  return { remaining, positions };
}

async function execute(initial: OperationRecord, signal: AbortSignal, lease: ScopeLease, options: RunnerOptions, trigger: TurnTrigger): Promise<Executed> {
  const { store } = options;
  // A new operation's turn would otherwise begin in the step that created it (SPEC §19: at a
  // hundred thousand checks the two were one step of ≈ 60 ms on a cold process).
  await nextTurn();
  const loaded = await store.getOperation(initial.id);
  if (loaded.isErr()) return err(loaded.error);
  const operation = loaded.value ?? initial;
  // Aborted (from another engine, or queued here and aborted) while it waited for its turn: no
  // planning, no Dataplane call, and nothing to record.
  if (operation.result !== 'running') return ok('aborted_elsewhere');
  if (signal.aborted) return ok('aborted');
  const recorded = await readRecorded(store, operation.id);
  if (recorded.isErr()) return err(recorded.error);
  const { processed, taken } = recorded.value;
  const { remaining, positions } = await whatIsLeft(operation.selection, processed);
  options.onProgress?.({ operationId: operation.id, phase: 'planning' });
  const expected = operation.request.expected_plan_fingerprint;
  // A reviewed plan (§15): this turn does exactly it or nothing, so it is planned in one chunk.
  const reviewed = expected !== undefined && recorded.value.count === 0;
  // The first turn of an operation this engine just created: its selection was read from the
  // source container moments ago (decision 0905).
  const justSelected = trigger === 'new' && recorded.value.count === 0;
  const chunks = await planInChunks(store, planContext(operation, { remaining, taken, now: isoTimestamp(options.clock.now()), justSelected }), reviewed ? Math.max(1, remaining.length) : options.chunkSize);
  if (chunks.isErr()) return err(chunks.error);
  const total = operation.selection.length;
  let done = recorded.value.count;
  let offset = 0;
  const progress = options.onProgress;
  // One sizer for every chunk: what the commits so far took sizes the next, across chunks too.
  const sizer = commitSizerFor(options);
  // A store that does not block the thread (PostgreSQL) reads and plans the next chunk while the
  // current one commits: the server works on both at once. Planning never depends on what a commit
  // wrote (a whole selection was once planned before its first commit), so this is the same plan.
  // A synchronous store gains nothing from it: chunk after chunk there.
  const overlap = !store.commitBlocks;
  let upcoming: Promise<Result<PlanChunk | undefined, PromoteError>> = Promise.resolve(chunks.value.next());
  /** Whether the operation was aborted by another engine (§18): recorded as ended in the store. */
  const abortedElsewhere = async (): Promise<boolean> => {
    const current = await store.getOperation(operation.id);
    return current.isOk() && current.value?.result === 'aborted';
  };
  let readAhead: Promise<boolean> | undefined;
  for (;;) {
    const planned = await upcoming;
    if (planned.isErr()) return err(planned.error);
    if (planned.value === undefined) return ok('completed');
    if (overlap) upcoming = settledLater(chunks.value.next());
    // The chunk's read and planning in their own turns (a blocking store's read 500 checks a turn),
    // its first commit in the next: together they were the longest steps of a long promotion (SPEC §19).
    await nextTurn();
    let plans: readonly EntityPlan[] = planned.value.plans;
    const seq = new Map<number, number>();
    for (let index = 0; index < planned.value.ids.length; index++) seq.set(planned.value.ids[index] as number, positions === undefined ? offset + index : (positions[offset + index] as number));
    offset += planned.value.ids.length;
    let validation = startValidation(plans, validationTarget(store, operation), {
      dataplane: options.dataplane,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      signal,
      operationId: operation.id,
      events: options.events,
    });
    if (validation.size > 0) options.onProgress?.({ operationId: operation.id, phase: 'validating' });
    if (reviewed) {
      // Everything is planned and validated under the scope's lease before the first write, then compared.
      const finals = await settleAll(plans, validation, signal);
      if (finals === 'aborted') return ok('aborted');
      if (planFingerprint(finals) !== expected) return err(conflict(messages.planChanged));
      plans = finals;
      validation = new Map();
    }
    progress?.({ operationId: operation.id, phase: 'writing', processed: done, total });
    const executed = await executePlans(plans, {
      onCommitted: progress === undefined ? undefined : (units) => progress({ operationId: operation.id, phase: 'writing', processed: (done += units), total }),
      store,
      operationId: operation.id,
      destinationScopeId: destinationScopeId(operation),
      seqOf: (id) => seq.get(id) ?? 0,
      commitBatchSize: options.commitBatchSize,
      commitBudgetMs: options.commitBudgetMs,
      sizer,
      signal,
      validation,
      events: options.events,
      stopRequested: async () => {
        const lost = lease.lost();
        if (lost !== undefined) return lost;
        // Where reads do not block (PostgreSQL), the read for the next commit starts now and runs
        // beside this one: a commit no longer waits for it (a round trip each, on the critical
        // path). It is then as old as one commit; the abort watch bounds the rest.
        const read = readAhead ?? abortedElsewhere();
        readAhead = overlap ? abortedElsewhere() : undefined;
        return (await read) ? 'aborted_elsewhere' : undefined;
      },
      // The store checks the lease inside each commit and extends it (a fence: decision 0008);
      // the renewal keeps it through long Dataplane calls between commits.
      lease: () => lease.forCommit(),
    });
    if (executed.isErr() || executed.value !== 'completed') return executed;
    if (!overlap) upcoming = Promise.resolve(chunks.value.next());
  }
}
