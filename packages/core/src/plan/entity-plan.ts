import type { CheckDefinition } from '../domain/entities.js';
import type { EntityType, PromoteResultValue } from '../domain/enums.js';
import type { Change } from '../domain/operation.js';
import type { EntityWrite } from '../ports/store.js';

/**
 * The planner's decision for one source entity: what the run writes and records, before validation.
 * The executor turns it into a store unit; the dry run turns it into a result view.
 */
export interface EntityPlan {
  readonly entity_type: EntityType;
  readonly source_entity_id: number;
  readonly result: PromoteResultValue;
  readonly destination_entity_id: number | null;
  readonly message: string | null;
  readonly changes: readonly Change[] | null;
  /** The destination's definition before the write; `null` when nothing is overwritten. */
  readonly before: unknown;
  readonly write?: EntityWrite | undefined;
  /** Present when the write must pass validation first (§8): the definition to validate. */
  readonly validation?: CheckDefinition | undefined;
  /** Lower-cased text that result search matches (§10). */
  readonly search_text: string;
  /**
   * `true` when the destination was matched through the newest lineage link of the source (an
   * `updated` or `skipped` plan): recording the match adds nothing (`CommitUnit.link_current`).
   */
  readonly link_current?: boolean | undefined;
  /** `false`: the unit records no lineage link (a revert's, `CommitUnit.record_link`). */
  readonly record_link?: boolean | undefined;
}

/** The plan of an entity that failed validation: nothing is written (§8). */
export function failedValidation(plan: EntityPlan, reason: string): EntityPlan {
  return {
    entity_type: plan.entity_type,
    source_entity_id: plan.source_entity_id,
    result: 'failed',
    destination_entity_id: plan.result === 'created' ? null : plan.destination_entity_id,
    message: `Validation failed: ${reason}`,
    changes: null,
    before: null,
    search_text: plan.search_text,
  };
}
