import type { PromoteRequestInput } from '@promote/core';
import fc from 'fast-check';
import type { ComputedFileWorld, ComputedTableWorld } from './arb-computed-container-world.js';
import { extraTagPool } from './arb-promotion-world.js';
import { arbRequestTags } from './arb-request-tags.js';

/** A `promote_computed_table` body as a caller sends it. */
export type ComputedTableRequestInput = Extract<PromoteRequestInput, { type: 'promote_computed_table' }>;

/** A `promote_computed_file` body as a caller sends it. */
export type ComputedFileRequestInput = Extract<PromoteRequestInput, { type: 'promote_computed_file' }>;

function arbAdditionalTags(tagPool: readonly string[]): fc.Arbitrary<{ container_additional_tags?: string[] }> {
  return fc
    .option(arbRequestTags([...tagPool, ...extraTagPool], 1), { nil: undefined })
    .map((tags) => (tags === undefined ? {} : { container_additional_tags: tags }));
}

/**
 * Valid `promote_computed_table` bodies for a generated world: `datastore_id` and
 * `destination_datastore_id` from `w`, and one selection — none (every live computed table of the
 * source datastore), `container_ids` (a non-empty subset of its live computed tables, when it has
 * any) or `container_tags` (a non-empty subset of `w.tagPool`) — plus, optionally,
 * `container_additional_tags`. Optional keys are omitted, never `undefined`. Every value parses with
 * `promoteRequestSchema` and passes the checks of §2.1 against `w.world`.
 *
 * @example
 * ```ts
 * const arbCase = arbComputedContainerWorld({ kind: 'computed_table' }).chain((w) => fc.tuple(fc.constant(w), arbComputedTableRequest(w)));
 * ```
 */
export function arbComputedTableRequest(w: ComputedTableWorld): fc.Arbitrary<ComputedTableRequestInput> {
  const liveTableIds = w.world.containers
    .filter((container) => container.datastore_id === w.source.datastoreId && container.container_type === 'computed_table' && container.deleted_at === null)
    .map((container) => container.id);
  const selections: fc.Arbitrary<Pick<ComputedTableRequestInput, 'container_ids' | 'container_tags'>>[] = [
    fc.constant(null).map(() => ({})),
    arbRequestTags(w.tagPool, 1).map((tags) => ({ container_tags: tags })),
  ];
  if (liveTableIds.length > 0) {
    const ids = fc.shuffledSubarray(liveTableIds, { minLength: 1 }).map((picked) => ({ container_ids: picked }));
    selections.push(ids, ids);
  }
  return fc.tuple(fc.oneof(...selections), arbAdditionalTags(w.tagPool)).map(([selection, additional]) => ({
    type: 'promote_computed_table' as const,
    datastore_id: w.source.datastoreId,
    destination_datastore_id: w.destination.datastoreId,
    ...selection,
    ...additional,
  }));
}

/**
 * Valid `promote_computed_file` bodies for a generated world: `datastore_id` and
 * `destination_datastore_id` from `w`, `source_container_mappings` mapping a non-empty subset of the
 * source datastore's live computed files, each to one of the destination datastore's live, profiled
 * file patterns (two sources may share one), plus, optionally, `container_additional_tags`. Every
 * value parses with `promoteRequestSchema` and passes the checks of §2.1 against `w.world`.
 *
 * Throws when `w` has no live source computed file or no live, profiled destination file pattern;
 * {@link arbComputedContainerWorld} always generates both.
 */
export function arbComputedFileRequest(w: ComputedFileWorld): fc.Arbitrary<ComputedFileRequestInput> {
  const live = (datastoreId: number, type: string) =>
    w.world.containers.filter((container) => container.datastore_id === datastoreId && container.container_type === type && container.deleted_at === null);
  const sourceFileIds = live(w.source.datastoreId, 'computed_file').map((container) => container.id);
  const patternIds = live(w.destination.datastoreId, 'file_pattern')
    .filter((container) => container.profiled)
    .map((container) => container.id);
  if (sourceFileIds.length === 0 || patternIds.length === 0) {
    throw new Error(`arbComputedFileRequest: world needs a live source computed file and a live, profiled destination file pattern`);
  }
  const arbMappings = fc
    .shuffledSubarray(sourceFileIds, { minLength: 1 })
    .chain((sources) =>
      fc.tuple(...sources.map((source) => fc.constantFrom(...patternIds).map((destination) => ({ container_id: source, destination_container_id: destination })))),
    );
  return fc.tuple(arbMappings, arbAdditionalTags(w.tagPool)).map(([mappings, additional]) => ({
    type: 'promote_computed_file' as const,
    datastore_id: w.source.datastoreId,
    destination_datastore_id: w.destination.datastoreId,
    source_container_mappings: mappings,
    ...additional,
  }));
}
