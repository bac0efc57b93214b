import { performance } from 'node:perf_hooks';
import { err, ok, type Result } from 'neverthrow';
import type { LostLeaseError, StoreFailureError } from '../errors.js';
import type { EntityPlan } from '../plan/entity-plan.js';
import type { CommitLease, CommitUnit } from '../ports/commit-unit.js';
import type { EngineEvents } from '../ports/engine-events.js';
import type { StoreRuntime } from '../ports/store-runtime.js';
import { nextTurn } from './next-turn.js';
import type { PendingValidation } from './validate-plans.js';

/** Options of {@link executePlans}. */
export interface ExecuteOptions {
  readonly store: StoreRuntime;
  readonly operationId: number;
  readonly destinationScopeId: number;
  /** Processing-order position of a source id in the operation's selection. */
  readonly seqOf: (sourceId: number) => number;
  /** Units per store transaction at most (one unit is never split). */
  readonly commitBatchSize: number;
  /**
   * About how long one commit may keep the event loop busy: the next commit's size follows the busy
   * time per unit of the last ones (between 1 and `commitBatchSize`; decision 0909). A synchronous
   * store blocks the event loop for a whole commit, and an abort takes effect between commits: this
   * bounds both. `Infinity`: always `commitBatchSize`.
   */
  readonly commitBudgetMs: number;
  /**
   * The sizer of the commits, when several executions share one ({@link commitSizerFor} of the same
   * settings): the executions of one turn's chunks, so that what earlier commits took sizes the next.
   */
  readonly sizer?: CommitSizer | undefined;
  readonly signal: AbortSignal;
  /** Validation of the plans that need it, by plan index. */
  readonly validation: ReadonlyMap<number, PendingValidation>;
  /** The scope lease each commit is made under (read once per commit); the store fences on it. */
  readonly lease?: (() => CommitLease | undefined) | undefined;
  /**
   * Asked before each commit: `aborted_elsewhere` when the operation was stopped from elsewhere
   * (another process's abort, already recorded there), the loss when the lease is not this engine's
   * any more, `undefined` to go on.
   */
  readonly stopRequested?: (() => Promise<'aborted_elsewhere' | LostLeaseError | undefined>) | undefined;
  /** Told after each commit how many units it recorded. */
  readonly onCommitted?: ((units: number) => void) | undefined;
  /** Told about each commit, whether it went through or not (a `commit` event). */
  readonly events?: EngineEvents | undefined;
}

/**
 * How an execution ended: every plan committed, stopped by this engine's abort (`signal`), or
 * stopped because the store says another engine aborted it — or why it could not go on.
 */
export type Execution = Result<'completed' | 'aborted' | 'aborted_elsewhere', StoreFailureError | LostLeaseError>;

/**
 * Records the plans in processing order: each plan becomes one atomic unit (write + result row +
 * lineage + counters), committed in groups of at most `commitBatchSize`. A plan that needs validation
 * waits for its batch; whatever is ready is committed before waiting (once the answers of the
 * current turn of the event loop are in), so progress stays live. Stops
 * between units when `signal` aborts: what is committed keeps its result, the rest gets none.
 */
export async function executePlans(plans: readonly EntityPlan[], options: ExecuteOptions): Promise<Execution> {
  // The listener leaves the signal with the execution: a turn runs one execution per chunk on one signal.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (options.signal.aborted) resolve('aborted');
    else options.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await executeUntil(plans, options, aborted);
  } finally {
    if (onAbort !== undefined) options.signal.removeEventListener('abort', onAbort);
  }
}

async function executeUntil(plans: readonly EntityPlan[], options: ExecuteOptions, aborted: Promise<'aborted'>): Promise<Execution> {
  let pending: CommitUnit[] = [];
  const sizer = options.sizer ?? commitSizerFor(options);

  /** Commits what is pending; an end when the execution cannot go on. */
  const flush = async (): Promise<Execution | undefined> => {
    if (pending.length === 0) return undefined;
    if (options.signal.aborted) return ok('aborted');
    const stop = await options.stopRequested?.();
    if (stop === 'aborted_elsewhere') return ok('aborted_elsewhere');
    if (stop !== undefined) return err(stop);
    const units = pending;
    pending = [];
    const lease = options.lease?.();
    // A fenced commit (another engine holds the scope now) wrote nothing (decision 0008).
    const started = performance.now();
    const loop = performance.eventLoopUtilization();
    const committed = await options.store.commit(units, lease === undefined ? undefined : { lease });
    const tookMs = performance.now() - started;
    // What sizes the next commit is how long the event loop was busy during this one (its own work
    // and whatever else ran meanwhile: never more than its wall time), not how long it took: a
    // SQLite commit may first wait, idle, for its checkpoint thread to catch up, up to a second,
    // and sized by that the next commits were a few units each (decision 0909).
    const busyMs = Math.min(tookMs, performance.eventLoopUtilization(loop).active);
    const outcome = committed.isOk() ? 'committed' : committed.error.kind === 'lease_lost' ? 'fenced' : 'failed';
    options.events?.({ type: 'commit', operationId: options.operationId, promoteType: (units[0] as CommitUnit).entity_type, outcome, results: countResults(units), durationMs: tookMs });
    if (committed.isErr()) return err(committed.error);
    sizer.record(units.length, busyMs);
    options.onCommitted?.(units.length);
    // Let the event loop breathe between commits: a server on the same thread stays responsive
    // (status polls, aborts, signals) during a long promotion.
    await nextTurn();
    return undefined;
  };

  for (let index = 0; index < plans.length; index++) {
    if (options.signal.aborted) return ok('aborted');
    let plan = plans[index] as EntityPlan;
    const validation = options.validation.get(index);
    if (validation !== undefined) {
      if (!validation.settled() && pending.length > 0) {
        // Batches in flight together answer in the same turn of the event loop: take every answer
        // of this turn before committing, so that c concurrent batches cost one commit, not c.
        await Promise.race([validation.outcome, aborted, nextTurn()]);
        if (!validation.settled()) {
          const end = await flush();
          if (end !== undefined) return end;
        }
      }
      const outcome = await Promise.race([validation.outcome, aborted]);
      if (outcome === 'aborted') return ok('aborted');
      plan = outcome;
    }
    pending.push(toUnit(plan, options));
    if (pending.length >= sizer.size) {
      const end = await flush();
      if (end !== undefined) return end;
    }
  }
  return (await flush()) ?? ok('completed');
}

function toUnit(plan: EntityPlan, options: ExecuteOptions): CommitUnit {
  const unit: Mutable<CommitUnit> = {
    operation_id: options.operationId,
    seq: options.seqOf(plan.source_entity_id),
    entity_type: plan.entity_type,
    source_entity_id: plan.source_entity_id,
    result: plan.result,
    write: plan.write,
    destination_entity_id: plan.destination_entity_id,
    destination_scope_id: options.destinationScopeId,
    link_current: plan.link_current === true && (plan.result === 'updated' || plan.result === 'skipped'),
    message: plan.message,
    changes: plan.changes,
    before: plan.before,
    search_text: plan.search_text,
  };
  // Set rather than spread in: a spread makes every unit's literal take V8's slow path.
  if (plan.record_link === false) unit.record_link = false;
  return unit;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function countResults(units: readonly CommitUnit[]): Record<CommitUnit['result'], number> {
  const counts = { created: 0, updated: 0, skipped: 0, failed: 0 };
  for (const unit of units) counts[unit.result] += 1;
  return counts;
}

/** The sizer of {@link executePlans}' commits for these settings and store. */
export function commitSizerFor(options: Pick<ExecuteOptions, 'store' | 'commitBatchSize' | 'commitBudgetMs'>): CommitSizer {
  // Only a commit that keeps the event loop busy is sized by time (decision 0405).
  return new CommitSizer(options.commitBatchSize, options.store.commitBlocks ? options.commitBudgetMs : Number.POSITIVE_INFINITY);
}

/**
 * The size of the next commit (only a commit that keeps the event loop busy is sized by time,
 * decision 0405): as many units as the busy time per unit of the commits so far (decision 0909)
 * fits in the budget, from 1 to `max`. The first commit is small (at most 100 units), so that the first
 * results show early and a first time per unit is known.
 */
export class CommitSizer {
  private perUnitMs: number | undefined;
  size: number;

  constructor(
    private readonly max: number,
    private readonly budgetMs: number,
  ) {
    this.size = budgetMs === Number.POSITIVE_INFINITY ? max : Math.min(max, 100);
  }

  /** Takes the busy time of a commit of `units` into account (`ms`: how long the event loop was busy during it). */
  record(units: number, ms: number): void {
    if (this.budgetMs === Number.POSITIVE_INFINITY || units === 0) return;
    const perUnit = ms / units;
    // Smoothed, so that one slow commit (a garbage collection, a busy disk) does not shrink the next tenfold.
    this.perUnitMs = this.perUnitMs === undefined ? perUnit : (this.perUnitMs + perUnit) / 2;
    const fits = this.perUnitMs > 0 ? Math.floor(this.budgetMs / this.perUnitMs) : this.max;
    this.size = Math.max(1, Math.min(this.max, fits));
  }
}
