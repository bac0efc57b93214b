import type { PromoteRequestInput } from '@promote/core';
import fc from 'fast-check';
import { extraTagPool, type PromotionWorld } from './arb-promotion-world.js';

/** A `promote_quality_check` body as a caller sends it: defaults not yet applied. */
export type QualityCheckRequestInput = Extract<PromoteRequestInput, { type: 'promote_quality_check' }>;

const arbPadding = fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '  ') });

/**
 * A subset of `pool`, now and then with a tag padded by whitespace or given twice: still valid input,
 * since tags are trimmed and de-duplicated (§2).
 */
function arbTags(pool: readonly string[], minLength: number): fc.Arbitrary<string[]> {
  return fc
    .tuple(
      fc.shuffledSubarray([...pool], { minLength, maxLength: Math.max(minLength, Math.min(3, pool.length)) }),
      fc.array(fc.tuple(arbPadding, arbPadding), { minLength: 3, maxLength: 3 }),
      fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    )
    .map(([tags, paddings, duplicate]) => {
      const written = tags.map((tag, index) => {
        const [before, after] = paddings[index % paddings.length] ?? ['', ''];
        return before + tag + after;
      });
      return duplicate && tags[0] !== undefined ? [...written, tags[0]] : written;
    });
}

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
    arbTags(pw.tagPool, 1).map((tags) => ({ check_tags: tags })),
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
      fc.option(arbTags([...pw.tagPool, ...extraTagPool], 1), { nil: undefined }),
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
