import type { OperationQuery, OperationRecord } from '@promote/core';

/** Operations by id, with the set of running ones. */
export class OperationTable {
  readonly #rows = new Map<number, OperationRecord>();
  readonly #running = new Set<number>();

  get(id: number): OperationRecord | undefined {
    return this.#rows.get(id);
  }

  /** Inserts or replaces a frozen operation. */
  put(operation: OperationRecord): void {
    this.#rows.set(operation.id, operation);
    if (operation.result === 'running') this.#running.add(operation.id);
    else this.#running.delete(operation.id);
  }

  /** Removes an operation (its id is not given out again: the id counters keep their mark). */
  delete(id: number): void {
    this.#rows.delete(id);
    this.#running.delete(id);
  }

  /** Running operations, ascending id. */
  running(): readonly OperationRecord[] {
    return [...this.#running]
      .sort((a, b) => a - b)
      .map((id) => this.#rows.get(id))
      .filter((operation) => operation !== undefined);
  }

  /** Operations matching the filters of `query`, newest (highest id) first. */
  matching(query: OperationQuery): readonly OperationRecord[] {
    const visible = query.visibleDatastores === undefined ? undefined : new Set(query.visibleDatastores);
    const matches: OperationRecord[] = [];
    for (const operation of this.#rows.values()) {
      if (query.result !== undefined && operation.result !== query.result) continue;
      if (query.promote_type !== undefined && operation.promote_type !== query.promote_type) continue;
      if (
        query.datastore !== undefined &&
        operation.datastore.id !== query.datastore &&
        operation.destination_datastore.id !== query.datastore
      ) {
        continue;
      }
      if (visible !== undefined && !(visible.has(operation.datastore.id) && visible.has(operation.destination_datastore.id))) continue;
      matches.push(operation);
    }
    return matches.sort((a, b) => b.id - a.id);
  }
}
