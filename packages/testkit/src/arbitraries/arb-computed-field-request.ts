import type { PromoteRequestInput } from '@promote/core';
import fc from 'fast-check';
import type { ComputedFieldWorld } from './arb-computed-field-world.js';
import { extraTagPool } from './arb-promotion-world.js';
import { arbRequestTags } from './arb-request-tags.js';

/** A `promote_computed_field` body as a caller sends it. */
export type ComputedFieldRequestInput = Extract<PromoteRequestInput, { type: 'promote_computed_field' }>;

/**
 * Valid `promote_computed_field` bodies for a generated world: `datastore_id`, `container_id` and
 * `destination_container_id` from `cw`, and one selection — none (every computed field of the source
 * container but deleted ones), `computed_field_ids` (a non-empty subset of the source container's
 * computed fields, any status) or `computed_field_tags` (a non-empty subset of `cw.tagPool`) — plus,
 * optionally, `computed_field_additional_tags`. Optional keys are omitted, never `undefined`. Every
 * value parses with `promoteRequestSchema` and passes the checks of §2.1 against `cw.world`.
 *
 * @example
 * ```ts
 * const arbCase = arbComputedFieldWorld().chain((cw) => fc.tuple(fc.constant(cw), arbComputedFieldRequest(cw)));
 * ```
 */
export function arbComputedFieldRequest(cw: ComputedFieldWorld): fc.Arbitrary<ComputedFieldRequestInput> {
  const sourceIds = cw.world.computed_fields.filter((field) => field.container_id === cw.source.containerId).map((field) => field.id);
  const selections: fc.Arbitrary<Pick<ComputedFieldRequestInput, 'computed_field_ids' | 'computed_field_tags'>>[] = [
    fc.constant(null).map(() => ({})),
    arbRequestTags(cw.tagPool, 1).map((tags) => ({ computed_field_tags: tags })),
  ];
  if (sourceIds.length > 0) {
    const ids = fc.shuffledSubarray(sourceIds, { minLength: 1 }).map((picked) => ({ computed_field_ids: picked }));
    selections.push(ids, ids);
  }
  return fc
    .tuple(fc.oneof(...selections), fc.option(arbRequestTags([...cw.tagPool, ...extraTagPool], 1), { nil: undefined }))
    .map(([selection, additionalTags]) => ({
      type: 'promote_computed_field' as const,
      datastore_id: cw.source.datastoreId,
      container_id: cw.source.containerId,
      destination_container_id: cw.destination.containerId,
      ...selection,
      ...(additionalTags === undefined ? {} : { computed_field_additional_tags: additionalTags }),
    }));
}
