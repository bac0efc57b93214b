import pLimit from 'p-limit';
import type { Dataplane, ValidationItem, ValidationOutcome, ValidationTarget } from '../ports/dataplane.js';
import type { EngineEvents } from '../ports/engine-events.js';
import { failedValidation, type EntityPlan } from '../plan/entity-plan.js';

/** Options of {@link startValidation}. */
export interface ValidationOptions {
  readonly dataplane: Dataplane;
  /** Checks per Dataplane call (§8). */
  readonly batchSize: number;
  /** Dataplane calls in flight at most. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
  /** The operation validated for (`null`: a dry run), for {@link events}. */
  readonly operationId?: number | null | undefined;
  /** Told about each Dataplane call (a `dataplane_call` event). */
  readonly events?: EngineEvents | undefined;
}

/** The validation of one plan: its final plan, once its batch has answered. */
export interface PendingValidation {
  /** Whether the batch has answered (so awaiting `outcome` does not block). */
  readonly settled: () => boolean;
  readonly outcome: Promise<EntityPlan>;
}

/**
 * Starts validating every plan that needs it (§8), in batches of `batchSize` in processing order,
 * with at most `concurrency` Dataplane calls in flight. Returns, per plan index, the pending final
 * plan: unchanged when valid, `failed` with `"Validation failed: <reason>"` otherwise. Batches not yet
 * started when `signal` aborts are never sent.
 */
export function startValidation(plans: readonly EntityPlan[], target: () => Promise<ValidationTarget>, options: ValidationOptions): Map<number, PendingValidation> {
  const indexes = plans.flatMap((plan, index) => (plan.validation === undefined ? [] : [index]));
  const pending = new Map<number, PendingValidation>();
  if (indexes.length === 0) return pending;
  const limit = pLimit(Math.max(1, options.concurrency));
  let targetPromise: Promise<ValidationTarget> | undefined;
  for (let start = 0; start < indexes.length; start += options.batchSize) {
    const batch = indexes.slice(start, start + options.batchSize);
    const items: ValidationItem[] = batch.map((index) => {
      const plan = plans[index] as EntityPlan;
      return { sourceCheckId: plan.source_entity_id, check: plan.validation as NonNullable<EntityPlan['validation']> };
    });
    let settled = false;
    const call = limit(async (): Promise<readonly ValidationOutcome[] | string> => {
      if (options.signal.aborted) return 'aborted';
      let started: number | undefined;
      let answer: readonly ValidationOutcome[] | string;
      try {
        targetPromise ??= target();
        const resolved = await targetPromise;
        started = performance.now();
        const outcomes = await options.dataplane.validate(resolved, items, options.signal);
        answer = outcomes.length === items.length ? outcomes : `the dataplane answered ${outcomes.length} outcomes for ${items.length} checks`;
      } catch (error) {
        answer = error instanceof Error ? error.message : String(error);
      }
      // Only calls that were made: a target the store failed to read is not the Dataplane's time.
      if (started !== undefined) {
        const failed = typeof answer === 'string';
        options.events?.({
          type: 'dataplane_call',
          operationId: options.operationId ?? null,
          checks: items.length,
          outcome: !failed ? 'ok' : options.signal.aborted ? 'aborted' : 'error',
          ...(failed ? { error: answer as string } : {}),
          durationMs: performance.now() - started,
        });
      }
      return answer;
    }).finally(() => {
      settled = true;
    });
    batch.forEach((planIndex, position) => {
      const plan = plans[planIndex] as EntityPlan;
      pending.set(planIndex, {
        settled: () => settled,
        outcome: call.then((answer) => {
          if (typeof answer === 'string') return failedValidation(plan, answer);
          const outcome = answer[position] as ValidationOutcome;
          return outcome.valid ? plan : failedValidation(plan, outcome.reason);
        }),
      });
    });
  }
  return pending;
}
