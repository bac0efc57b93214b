import type { LineageLink } from '../domain/entities.js';

/** How {@link matchEntities} finds candidates for a source entity. */
export interface MatchStrategy<S> {
  /** The source entities, in processing order. */
  readonly sources: readonly S[];
  readonly sourceId: (source: S) => number;
  /** Lineage links of the selection, newest first (§4 phase 1). */
  readonly lineage: readonly LineageLink[];
  /** Whether a destination entity can be matched at all (exists and is a candidate). */
  readonly isCandidate: (destinationId: number) => boolean;
  /** Fallback candidates for a source without lineage, in preference order (§4 phase 2). */
  readonly fallback: (source: S) => readonly number[];
  /** Destination entities already taken (by results of the same operation, on resume). */
  readonly taken?: ReadonlySet<number> | undefined;
}

/**
 * Matching of §4: lineage for the whole selection first, then fallback in processing order; each
 * destination entity is matched by at most one source (the first wins). Returns source id → destination id.
 */
export function matchEntities<S>(strategy: MatchStrategy<S>): Map<number, number> {
  const taken = new Set(strategy.taken ?? []);
  const matches = new Map<number, number>();
  const linksBySource = new Map<number, number[]>();
  for (const link of strategy.lineage) {
    const list = linksBySource.get(link.source_entity_id) ?? [];
    list.push(link.destination_entity_id);
    linksBySource.set(link.source_entity_id, list);
  }
  for (const source of strategy.sources) {
    const id = strategy.sourceId(source);
    const destination = linksBySource.get(id)?.find((candidate) => !taken.has(candidate) && strategy.isCandidate(candidate));
    if (destination !== undefined) {
      matches.set(id, destination);
      taken.add(destination);
    }
  }
  for (const source of strategy.sources) {
    const id = strategy.sourceId(source);
    if (matches.has(id)) continue;
    const destination = strategy.fallback(source).find((candidate) => !taken.has(candidate));
    if (destination !== undefined) {
      matches.set(id, destination);
      taken.add(destination);
    }
  }
  return matches;
}
