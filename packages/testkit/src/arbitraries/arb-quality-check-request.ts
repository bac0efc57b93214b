import type { PromoteRequestInput } from '@promote/core';
import fc from 'fast-check';
import { extraTagPool, type PromotionWorld } from './arb-promotion-world.js';
import { arbRequestTags } from './arb-request-tags.js';

/** A `promote_quality_check` body as a caller sends it: defaults not yet applied. */
export type QualityCheckRequestInput = Extract<PromoteRequestInput, { type: 'promote_quality_check' }>;

/**
 * Valid `promote_quality_check` bodies for a generated world: `datastore_id`, `container_id` and
 * `destination_container_id` from `pw`, and one selection — none (all active and draft checks),
 * `check_ids` (a non-empty subset of the source container's checks, archived and discarded ones
 * included) or `check_tags` (a non-empty subset of `pw.tagPool`) — plus, optionally,
 * `check_additional_tags` and `as_draft` (`true`, `false` or omitted). Optional keys are omitted,
 * never `undefined`. Every value parses with `promoteRequestSchema`.
 *
 * @example
 * ```ts
 * const arbCase = arbPromotionWorld().chain((pw) => fc.tuple(fc.constant(pw), arbQualityCheckRequest(pw)));
 * ```
 */
export function arbQualityCheckRequest(pw: PromotionWorld): fc.Arbitrary<QualityCheckRequestInput> {
  const sourceCheckIds = pw.world.quality_checks.filter((check) => check.container_id === pw.source.containerId).map((check) => check.id);
  const selections: fc.Arbitrary<Pick<QualityCheckRequestInput, 'check_ids' | 'check_tags'>>[] = [
    fc.constant(null).map(() => ({})),
    arbRequestTags(pw.tagPool, 1).map((tags) => ({ check_tags: tags })),
  ];
  if (sourceCheckIds.length > 0) {
    selections.push(
      fc.shuffledSubarray(sourceCheckIds, { minLength: 1 }).map((ids) => ({ check_ids: ids })),
      fc.shuffledSubarray(sourceCheckIds, { minLength: 1 }).map((ids) => ({ check_ids: ids })),
    );
  }
  return fc
    .tuple(
      fc.oneof(...selections),
      fc.option(arbRequestTags([...pw.tagPool, ...extraTagPool], 1), { nil: undefined }),
      fc.constantFrom(true, false, undefined),
    )
    .map(([selection, additionalTags, asDraft]) => ({
      type: 'promote_quality_check' as const,
      datastore_id: pw.source.datastoreId,
      container_id: pw.source.containerId,
      destination_container_id: pw.destination.containerId,
      ...selection,
      ...(additionalTags === undefined ? {} : { check_additional_tags: additionalTags }),
      ...(asDraft === undefined ? {} : { as_draft: asDraft }),
    }));
}
