import type { World } from '@promote/core';

/** What {@link promotedAnew} reads of a result. */
export interface PromotedResult {
  readonly source_entity_id: number;
  readonly result: string;
  readonly destination_entity_id: number | null;
  readonly message: string | null;
}

/**
 * The names a "Source field(s) [...] not available on destination" message lists (§6), lower-cased;
 * none for any other message. The names are Python-style strings (`pythonString`): single-quoted,
 * or double-quoted around a name holding a single quote, with backslash escapes.
 */
export function unavailableNames(message: string | null): readonly string[] {
  const list = message === null ? undefined : /^Source field\(s\) \[(.*)\] not available on destination/s.exec(message)?.[1];
  if (list === undefined) return [];
  const names = [...list.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/gs)].map((match) => match[1] ?? match[2] ?? '');
  return names.map((name) => name.replace(/\\(.)/gs, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped)).toLowerCase());
}

/**
 * The entities of a computed-field promotion that SPEC §6 lets be promoted the next time although
 * they failed this time, by source id. §6 counts only names made available by entities processed
 * *earlier* in the same operation, and orders entities by their source names alone; so an entity
 * fails for a name that an entity processed after it makes available:
 *
 * - a later result (in `results`, processing order) that is not a failure, whose destination computed
 *   field has the name (case-insensitively), is `active` in `after` and was not in `before`, and
 *   whose source is named otherwise — a field matched through lineage to one renamed on the
 *   destination, and reactivated;
 * - or the name is the source name of an entity processed earlier that is itself promoted anew (a
 *   child of such an entity, which failed with "their parent computed field may have failed").
 *
 * `sourceNames` are the source computed fields' names by id.
 */
export function promotedAnew(results: readonly PromotedResult[], sourceNames: ReadonlyMap<number, string>, before: World, after: World): ReadonlySet<number> {
  const wasActive = new Set(before.computed_fields.filter((field) => field.status === 'active').map((field) => field.id));
  const destinations = new Map(after.computed_fields.map((field) => [field.id, field]));
  const sourceName = (id: number) => sourceNames.get(id)?.toLowerCase();
  const anew = new Set<number>();
  results.forEach((result, index) => {
    if (result.result !== 'failed') return;
    const names = unavailableNames(result.message);
    const madeAvailableLater = (name: string) =>
      results.slice(index + 1).some((later) => {
        const destination = later.result === 'failed' || later.destination_entity_id === null ? undefined : destinations.get(later.destination_entity_id);
        return destination !== undefined && destination.status === 'active' && !wasActive.has(destination.id) && destination.name.toLowerCase() === name && sourceName(later.source_entity_id) !== name;
      });
    const childOfAnew = (name: string) => results.slice(0, index).some((earlier) => anew.has(earlier.source_entity_id) && sourceName(earlier.source_entity_id) === name);
    if (names.some((name) => madeAvailableLater(name) || childOfAnew(name))) anew.add(result.source_entity_id);
  });
  return anew;
}
