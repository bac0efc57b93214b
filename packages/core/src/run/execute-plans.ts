import type { EntityPlan } from '../plan/entity-plan.js';
import { isLeaseLost, type CommitLease, type CommitUnit } from '../ports/store.js';
import type { PendingValidation } from './validate-plans.js';
import type { SafeStore } from './safe-store.js';

/** Options of {@link executePlans}. */
export interface ExecuteOptions {
  readonly store: SafeStore;
  readonly operationId: number;
  readonly destinationScopeId: number;
  /** Processing-order position of a source id in the operation's selection. */
  readonly seqOf: (sourceId: number) => number;
  /** Units per store transaction at most (one unit is never split). */
  readonly commitBatchSize: number;
  readonly signal: AbortSignal;
  /** Validation of the plans that need it, by plan index. */
  readonly validation: ReadonlyMap<number, PendingValidation>;
  /** The scope lease each commit is made under (read once per commit); the store fences on it. */
  readonly lease?: (() => CommitLease) | undefined;
  /** Asked before each commit: whether the operation was stopped from elsewhere (another process's abort). */
  readonly stopRequested?: (() => Promise<boolean>) | undefined;
}

/** How an execution ended. */
export type ExecutionEnd =
  | { readonly kind: 'completed' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'store_failure'; readonly message: string }
  /** A commit was fenced: the scope's lease is not this engine's any more (decision 0008). */
  | { readonly kind: 'lease_lost' };

/**
 * Records the plans in processing order: each plan becomes one atomic unit (write + result row +
 * lineage + counters), committed in groups of at most `commitBatchSize`. A plan that needs validation
 * waits for its batch; whatever is ready is committed before waiting (once the answers of the
 * current turn of the event loop are in), so progress stays live. Stops
 * between units when `signal` aborts: what is committed keeps its result, the rest gets none.
 */
export async function executePlans(plans: readonly EntityPlan[], options: ExecuteOptions): Promise<ExecutionEnd> {
  let pending: CommitUnit[] = [];
  const aborted = new Promise<'aborted'>((resolve) => {
    if (options.signal.aborted) resolve('aborted');
    else options.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });

  const flush = async (): Promise<ExecutionEnd | undefined> => {
    if (pending.length === 0) return undefined;
    if (options.signal.aborted || (await options.stopRequested?.())) return { kind: 'aborted' };
    const units = pending;
    pending = [];
    const lease = options.lease?.();
    const committed = await options.store.commit(units, lease === undefined ? undefined : { lease });
    if (committed.isErr()) {
      // Another engine holds the scope now: nothing of this commit was written (decision 0008).
      if (lease !== undefined && isLeaseLost(committed.error.cause)) return { kind: 'lease_lost' };
      return { kind: 'store_failure', message: committed.error.message };
    }
    // Let the event loop breathe between commits: a server on the same thread stays responsive
    // (status polls, aborts, signals) during a long promotion.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return undefined;
  };

  for (let index = 0; index < plans.length; index++) {
    if (options.signal.aborted) return { kind: 'aborted' };
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
      if (outcome === 'aborted') return { kind: 'aborted' };
      plan = outcome;
    }
    pending.push(toUnit(plan, options));
    if (pending.length >= options.commitBatchSize) {
      const end = await flush();
      if (end !== undefined) return end;
    }
  }
  return (await flush()) ?? { kind: 'completed' };
}

function toUnit(plan: EntityPlan, options: ExecuteOptions): CommitUnit {
  return {
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
}

/**
 * How an operation that lost its scope lease ends (decision 0008). The engine cannot tell a lease
 * that only expired from one another process took (and maybe released) meanwhile: it says both.
 */
export function lostLeaseMessage(scope: string): string {
  return `Lost the lease of ${scope}: it expired, or another process took it`;
}

/** Resolves once the event loop has gone round: after the I/O and timers that are due now. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
