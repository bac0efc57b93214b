import type { EntityType, LineageLink } from '@promote/core';

interface Entry {
  /** Larger = newer. Imported links take orders below every recorded one. */
  readonly order: number;
  readonly link: LineageLink;
}

/**
 * Lineage links keyed by (entity type, destination scope, source entity), each with its age, so a
 * lookup costs the links of the asked sources only. Links are never removed.
 */
export class LineageIndex {
  readonly #byKey = new Map<string, Entry[]>();
  /** Every entry, oldest first. */
  #all: Entry[] = [];
  #oldest = 1;
  #newest = 0;

  /** Adds a link newer than every link held. `link` must be frozen. */
  record(link: LineageLink): void {
    this.#newest += 1;
    const entry = { order: this.#newest, link };
    this.#listOf(link).push(entry);
    this.#all.push(entry);
  }

  /** Adds imported links, oldest first, as older than every link held. Links must be frozen. */
  importOlder(links: readonly LineageLink[]): void {
    const entries = links.map((link, index) => ({ order: this.#oldest - links.length + index, link }));
    this.#oldest -= links.length;
    for (const entry of [...entries].reverse()) this.#listOf(entry.link).unshift(entry);
    this.#all = [...entries, ...this.#all];
  }

  /** The links of `entityType` in `scope` for any of `sourceIds`, newest first. */
  find(entityType: EntityType, scope: number, sourceIds: readonly number[]): readonly LineageLink[] {
    const entries: Entry[] = [];
    for (const sourceId of new Set(sourceIds)) {
      const list = this.#byKey.get(keyOf(entityType, scope, sourceId));
      if (list !== undefined) entries.push(...list);
    }
    return entries.sort((a, b) => b.order - a.order).map((entry) => entry.link);
  }

  /** Every link, oldest first. */
  all(): readonly LineageLink[] {
    return this.#all.map((entry) => entry.link);
  }

  #listOf(link: LineageLink): Entry[] {
    const key = keyOf(link.entity_type, link.destination_scope_id, link.source_entity_id);
    let list = this.#byKey.get(key);
    if (list === undefined) {
      list = [];
      this.#byKey.set(key, list);
    }
    return list;
  }
}

function keyOf(entityType: EntityType, scope: number, sourceId: number): string {
  return `${entityType}/${scope}/${sourceId}`;
}
