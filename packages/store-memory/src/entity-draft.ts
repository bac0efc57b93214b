import type { EntityTable } from './entity-table.js';

/**
 * Pending changes to an {@link EntityTable}, seen through as if they were applied: what a
 * transaction reads and writes until every part of it is known to be valid. Nothing reaches the
 * table before {@link EntityDraft.apply}, so a rejected transaction leaves no trace.
 */
export class EntityDraft<T extends { readonly id: number }> {
  /** id → the row as the transaction left it; `null` when it deleted it. */
  readonly #pending = new Map<number, T | null>();
  readonly #table: EntityTable<T>;
  readonly #parentOf: (row: T) => number;

  constructor(table: EntityTable<T>, parentOf: (row: T) => number) {
    this.#table = table;
    this.#parentOf = parentOf;
  }

  get(id: number): T | undefined {
    const pending = this.#pending.get(id);
    if (pending !== undefined) return pending ?? undefined;
    return this.#table.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  put(row: T): void {
    this.#pending.set(row.id, row);
  }

  delete(id: number): void {
    this.#pending.set(id, null);
  }

  /** Ids of the children of `parentId` as the transaction sees them, in no particular order. */
  childIds(parentId: number): readonly number[] {
    const ids = this.#table.childIds(parentId).filter((id) => !this.#pending.has(id));
    for (const [id, row] of this.#pending) {
      if (row !== null && this.#parentOf(row) === parentId) ids.push(id);
    }
    return ids;
  }

  /** Every row as the transaction sees it, in no particular order. */
  *rows(): Iterable<T> {
    for (const row of this.#table.all()) {
      if (!this.#pending.has(row.id)) yield row;
    }
    for (const row of this.#pending.values()) {
      if (row !== null) yield row;
    }
  }

  /** Writes the pending changes into the table. */
  apply(): void {
    for (const [id, row] of this.#pending) {
      if (row === null) this.#table.delete(id);
      else this.#table.put(row);
    }
    this.#pending.clear();
  }
}
