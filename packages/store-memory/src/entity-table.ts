/**
 * Rows of one kind of entity by id, indexed by their parent (the container of a check, the datastore
 * of a container …) so that listing a parent's children costs the size of that parent, not of the
 * store. Rows are stored frozen and handed out as they are.
 */
export class EntityTable<T extends { readonly id: number }> {
  readonly #rows = new Map<number, T>();
  readonly #byParent = new Map<number, Map<number, T>>();
  readonly #parentOf: (row: T) => number;

  constructor(parentOf: (row: T) => number) {
    this.#parentOf = parentOf;
  }

  get(id: number): T | undefined {
    return this.#rows.get(id);
  }

  has(id: number): boolean {
    return this.#rows.has(id);
  }

  /** Inserts or replaces the row with this id, moving it to its new parent if that changed. */
  put(row: T): void {
    const previous = this.#rows.get(row.id);
    const parent = this.#parentOf(row);
    if (previous !== undefined && this.#parentOf(previous) !== parent) this.#detach(previous);
    this.#rows.set(row.id, row);
    let siblings = this.#byParent.get(parent);
    if (siblings === undefined) {
      siblings = new Map();
      this.#byParent.set(parent, siblings);
    }
    siblings.set(row.id, row);
  }

  delete(id: number): void {
    const row = this.#rows.get(id);
    if (row === undefined) return;
    this.#rows.delete(id);
    this.#detach(row);
  }

  /** Ids of the children of `parentId`, in no particular order. */
  childIds(parentId: number): readonly number[] {
    return [...(this.#byParent.get(parentId)?.keys() ?? [])];
  }

  /** The children of `parentId`, ascending id. */
  childrenOf(parentId: number): readonly T[] {
    return ascending([...(this.#byParent.get(parentId)?.values() ?? [])]);
  }

  /** The rows with these ids that exist, ascending id, each once. */
  getMany(ids: readonly number[]): readonly T[] {
    // Ids usually come ascending, hence distinct: no Set of them needed (100,000 ids in a promotion).
    // Otherwise they are sorted as numbers first (a typed array sorts natively, without a compare
    // callback), so the rows come out ascending and are never sorted as objects.
    const ordered: ArrayLike<number> = isAscending(ids) ? ids : Float64Array.from(new Set(ids)).sort();
    const rows: T[] = [];
    for (let index = 0; index < ordered.length; index++) {
      const row = this.#rows.get(ordered[index] as number);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  /** Every row, ascending id. */
  all(): readonly T[] {
    return ascending([...this.#rows.values()]);
  }

  #detach(row: T): void {
    const parent = this.#parentOf(row);
    const siblings = this.#byParent.get(parent);
    siblings?.delete(row.id);
    if (siblings?.size === 0) this.#byParent.delete(parent);
  }
}

/**
 * Sorts by ascending id in place. Rows are mostly inserted in ascending id already (new ids only
 * grow), so the common case is one linear check.
 */
function ascending<T extends { readonly id: number }>(rows: T[]): T[] {
  for (let index = 1; index < rows.length; index += 1) {
    if (rows[index - 1]!.id > rows[index]!.id) return rows.sort((a, b) => a.id - b.id);
  }
  return rows;
}

function isAscending(ids: readonly number[]): boolean {
  for (let index = 1; index < ids.length; index += 1) {
    if (ids[index - 1]! >= ids[index]!) return false;
  }
  return true;
}
