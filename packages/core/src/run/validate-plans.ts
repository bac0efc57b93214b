import pLimit from 'p-limit';
import type { Dataplane, ValidationItem, ValidationOutcome, ValidationTarget } from '../ports/dataplane.js';
import { failedValidation, type EntityPlan } from '../plan/entity-plan.js';

/** Options of {@link startValidation}. */
export interface ValidationOptions {
  readonly dataplane: Dataplane;
  /** Checks per Dataplane call (§8). */
  readonly batchSize: number;
  /** Dataplane calls in flight at most. */
  readonly concurrency: number;
  readonly signal: AbortSignal;
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
      try {
        targetPromise ??= target();
        const outcomes = await options.dataplane.validate(await targetPromise, items, options.signal);
        if (outcomes.length !== items.length) {
          return `the dataplane answered ${outcomes.length} outcomes for ${items.length} checks`;
        }
        return outcomes;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
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
