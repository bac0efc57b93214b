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
  const destinations = new Array<number | undefined>(sources.length).fill(undefined);
  const throughNewestLink = new Array<boolean>(sources.length).fill(false);
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
  for (let index = 0; index < sources.length; index++) {
    const links = linksBySource.get(strategy.sourceId(sources[index] as S));
    if (links === undefined) continue;
    const newest = typeof links === 'number' ? links : (links[0] as number);
    const destination = usable(newest) ? newest : typeof links === 'number' ? undefined : links.find(usable);
    if (destination !== undefined) {
      destinations[index] = destination;
      throughNewestLink[index] = destination === newest;
      taken.add(destination);
    }
  }
  for (let index = 0; index < sources.length; index++) {
    if (destinations[index] !== undefined) continue;
    const destination = strategy.fallback(sources[index] as S, index).find((candidate) => !taken.has(candidate));
    if (destination !== undefined) {
      destinations[index] = destination;
      taken.add(destination);
    }
  }
  return { destinations, throughNewestLink };
}
