import type { ListedResult, PromoteResultRecord, ResultPosition } from '@promote/core';

interface OperationResults {
  /** Ordered by `seq`, then id. */
  readonly rows: PromoteResultRecord[];
  readonly sources: Set<number>;
}

/** Result rows by operation, kept in processing order, with the `(operation, source)` uniqueness index. */
export class ResultIndex {
  readonly #byOperation = new Map<number, OperationResults>();

  /** Whether the operation already has a result for this source entity. */
  has(operationId: number, sourceEntityId: number): boolean {
    return this.#byOperation.get(operationId)?.sources.has(sourceEntityId) ?? false;
  }

  /** Adds a frozen row at its place in `seq` order. */
  add(row: PromoteResultRecord): void {
    let results = this.#byOperation.get(row.operation_id);
    if (results === undefined) {
      results = { rows: [], sources: new Set() };
      this.#byOperation.set(row.operation_id, results);
    }
    results.sources.add(row.source_entity_id);
    const rows = results.rows;
    // Rows nearly always arrive in seq order: look from the end.
    let index = rows.length;
    while (index > 0 && comesAfter(rows[index - 1]!, row)) index -= 1;
    rows.splice(index, 0, row);
  }

  /** Removes every row of an operation. */
  deleteOperation(operationId: number): void {
    this.#byOperation.delete(operationId);
  }

  /**
   * At most `limit` rows of an operation coming after `after` in processing order, found by binary
   * search, without their images (frozen, sharing the frozen `changes`).
   */
  after(operationId: number, after: ResultPosition | undefined, limit: number): readonly ListedResult[] {
    const rows = this.of(operationId);
    let low = 0;
    if (after !== undefined) {
      let high = rows.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (comesAfter(rows[middle]!, after)) high = middle;
        else low = middle + 1;
      }
    }
    return rows.slice(low, low + limit).map(({ before: _before, after: _after, ...listed }) => Object.freeze(listed));
  }

  /** The rows of an operation in processing order; do not mutate. */
  of(operationId: number): readonly PromoteResultRecord[] {
    return this.#byOperation.get(operationId)?.rows ?? [];
  }
}

function comesAfter(a: ResultPosition, b: ResultPosition): boolean {
  return a.seq > b.seq || (a.seq === b.seq && a.id > b.id);
}
