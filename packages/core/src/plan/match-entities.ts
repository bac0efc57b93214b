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
  // Destinations of each source's links, newest first; most sources have one link, kept without an array.
  const linksBySource = new Map<number, number | number[]>();
  // Indexed loops: they run once per link and per source, and `for…of` allocated per element.
  for (let index = 0; index < strategy.lineage.length; index++) {
    const link = strategy.lineage[index] as LineageLink;
    const known = linksBySource.get(link.source_entity_id);
    if (known === undefined) linksBySource.set(link.source_entity_id, link.destination_entity_id);
    else if (typeof known === 'number') linksBySource.set(link.source_entity_id, [known, link.destination_entity_id]);
    else known.push(link.destination_entity_id);
  }
  const usable = (candidate: number) => !taken.has(candidate) && strategy.isCandidate(candidate);
  for (let index = 0; index < strategy.sources.length; index++) {
    const source = strategy.sources[index] as S;
    const id = strategy.sourceId(source);
    const links = linksBySource.get(id);
    const destination = links === undefined ? undefined : typeof links === 'number' ? (usable(links) ? links : undefined) : links.find(usable);
    if (destination !== undefined) {
      matches.set(id, destination);
      taken.add(destination);
    }
  }
  for (let index = 0; index < strategy.sources.length; index++) {
    const source = strategy.sources[index] as S;
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
