import type { World } from '@promote/core';
import { writtenTimestamp } from './model-checks.js';
import type { ModelResult } from './model-types.js';

/**
 * `actual` (a store's exported world) with the timestamps the engine's clock chose replaced by
 * {@link writtenTimestamp} wherever `expected` (a model world) holds that marker, so the two can be
 * compared with deep equality (checks' `created_at`/`updated_at`, and the `deleted_at` of a container
 * a revert retired). Every other timestamp must match exactly: a skipped check keeps its `updated_at`.
 */
export function alignWrittenTimestamps(actual: World, expected: World): World {
  const marked = new Map(expected.quality_checks.map((check) => [check.id, check]));
  // A container a revert retired (§16) carries the revert's time as its `deleted_at`.
  const retired = new Set(expected.containers.flatMap((container) => (container.deleted_at === writtenTimestamp ? [container.id] : [])));
  return {
    ...actual,
    containers: actual.containers.map((container) => (retired.has(container.id) && container.deleted_at !== null ? { ...container, deleted_at: writtenTimestamp } : container)),
    quality_checks: actual.quality_checks.map((check) => {
      const model = marked.get(check.id);
      if (model === undefined) return check;
      return {
        ...check,
        created_at: model.created_at === writtenTimestamp ? writtenTimestamp : check.created_at,
        updated_at: model.updated_at === writtenTimestamp ? writtenTimestamp : check.updated_at,
      };
    }),
  };
}

/** The part of a result the model pins exactly: source, result, destination id and message. */
export interface ResultSummary {
  readonly source: number;
  readonly result: string;
  readonly destination: number | null;
  readonly message: string | null;
  /** The attributes an update changed (the part of each change path before the first `.`), sorted. */
  readonly changed?: readonly string[];
}

/**
 * The comparable summary of results, engine's or model's. With `changes`, `updated` results also
 * list the attributes they changed.
 */
export function summariseResults(
  results: readonly Pick<ModelResult, 'source_entity_id' | 'result' | 'destination_entity_id' | 'message' | 'changes'>[],
  options: { readonly changes?: boolean } = {},
): ResultSummary[] {
  return results.map((result) => ({
    source: result.source_entity_id,
    result: result.result,
    destination: result.destination_entity_id,
    message: result.message,
    ...(options.changes === true && result.result === 'updated'
      ? { changed: [...new Set((result.changes ?? []).map((change) => change.path.split('.')[0] ?? change.path))].sort() }
      : {}),
  }));
}
