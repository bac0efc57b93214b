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
  /** Fallback candidates for a source (and its position) without lineage, in preference order (§4 phase 2). */
  readonly fallback: (source: S, index: number) => readonly number[];
  /** Destination entities already taken (by results of the same operation, on resume). */
  readonly taken?: ReadonlySet<number> | undefined;
}

/** What {@link matchEntities} found, by position in `sources`. */
export interface Matches {
  /** The matched destination entity of each source, `undefined` when none. */
  readonly destinations: readonly (number | undefined)[];
  /**
   * Whether the source was matched through its newest lineage link (so that link already says what
   * recording this match would: `CommitUnit.link_current`).
   */
  readonly throughNewestLink: readonly boolean[];
}

/**
 * Matching of §4: lineage for the whole selection first, then fallback in processing order; each
 * destination entity is matched by at most one source (the first wins). Answers by position in
 * `sources` (arrays rather than maps by id: a promotion matches every source of its selection).
 */
export function matchEntities<S>(strategy: MatchStrategy<S>): Matches {
  const { sources } = strategy;
  const taken = new Set(strategy.taken ?? []);
  const sourceIds = new Array<number>(sources.length);
  for (let index = 0; index < sources.length; index++) sourceIds[index] = strategy.sourceId(sources[index] as S);
  const { destinations, throughNewestLink } = matchLineage(sourceIds, strategy.lineage, strategy.isCandidate, taken);
  for (let index = 0; index < sources.length; index++) {
    if (destinations[index] !== undefined) continue;
    destinations[index] = matchFallback(strategy.fallback(sources[index] as S, index), taken);
  }
  return { destinations, throughNewestLink };
}

/**
 * Phase 1 of §4 for `sourceIds` (existing sources, in processing order): each source takes its
 * newest link whose destination is a candidate and not in `taken`, else the next such link, and
 * adds it to `taken`. A chunked planner calls it chunk after chunk of the selection, with one
 * `taken`, before any fallback: the same matches as over the whole selection at once.
 */
export function matchLineage(sourceIds: readonly number[], lineage: readonly LineageLink[], isCandidate: (destinationId: number) => boolean, taken: Set<number>): Matches & { destinations: (number | undefined)[] } {
  const destinations = new Array<number | undefined>(sourceIds.length).fill(undefined);
  const throughNewestLink = new Array<boolean>(sourceIds.length).fill(false);
  if (lineage.length === 0) return { destinations, throughNewestLink };
  // Destinations of each source's links, newest first; most sources have one link, kept without an array.
  const linksBySource = new Map<number, number | number[]>();
  // Indexed loops: they run once per link and per source, and `for…of` allocated per element.
  for (let index = 0; index < lineage.length; index++) {
    const link = lineage[index] as LineageLink;
    const known = linksBySource.get(link.source_entity_id);
    if (known === undefined) linksBySource.set(link.source_entity_id, link.destination_entity_id);
    else if (typeof known === 'number') linksBySource.set(link.source_entity_id, [known, link.destination_entity_id]);
    else known.push(link.destination_entity_id);
  }
  const usable = (candidate: number) => !taken.has(candidate) && isCandidate(candidate);
  for (let index = 0; index < sourceIds.length; index++) {
    const links = linksBySource.get(sourceIds[index] as number);
    if (links === undefined) continue;
    const newest = typeof links === 'number' ? links : (links[0] as number);
    const destination = usable(newest) ? newest : typeof links === 'number' ? undefined : links.find(usable);
    if (destination !== undefined) {
      destinations[index] = destination;
      throughNewestLink[index] = destination === newest;
      taken.add(destination);
    }
  }
  return { destinations, throughNewestLink };
}

/** Phase 2 of §4 for one source: the first of its fallback candidates not in `taken`, which it joins. */
export function matchFallback(candidates: readonly number[], taken: Set<number>): number | undefined {
  const destination = candidates.find((candidate) => !taken.has(candidate));
  if (destination !== undefined) taken.add(destination);
  return destination;
}
