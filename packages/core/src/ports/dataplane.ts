import type { CheckDefinition, Container, ComputedField, Field } from '../domain/entities.js';

/** What a Dataplane validates against: the destination container and its field namespace (§1). */
export interface ValidationTarget {
  readonly container: Container;
  readonly fields: readonly Field[];
  readonly computedFields: readonly ComputedField[];
}

/** A check to validate, keyed by the source check id it was promoted from. */
export interface ValidationItem {
  readonly sourceCheckId: number;
  readonly check: CheckDefinition;
}

/** The outcome for one check: `reason` is a human text, e.g. `field 'email' not found on destination container`. */
export type ValidationOutcome = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * The Dataplane port (§12): validates checks against real data.
 *
 * Contract:
 * - `validate` is called with at most the configured batch size of items (10 by default), one call
 *   per batch; it MUST resolve to exactly one outcome per item, in the order of `items`.
 * - To fail the whole batch it rejects; the rejection's message becomes every item's reason.
 * - It MUST NOT write to the world. It MAY be called concurrently, up to the configured bound.
 * - `signal` is aborted when the operation is aborted; an implementation MAY stop early by rejecting.
 */
export interface Dataplane {
  validate(target: ValidationTarget, items: readonly ValidationItem[], signal?: AbortSignal): Promise<readonly ValidationOutcome[]>;
}
