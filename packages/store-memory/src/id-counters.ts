/** The kinds of record whose ids the store assigns. */
export type IdKind = 'quality_check' | 'computed_field' | 'container' | 'field' | 'operation' | 'result';

/**
 * The largest id each kind has ever had in the store (its high-water mark): deletes never lower it,
 * so the next id is always `1 +` this value, as the Store port requires.
 */
export class IdCounters {
  readonly #highest: Record<IdKind, number>;

  constructor(highest?: Readonly<Record<IdKind, number>>) {
    this.#highest = highest === undefined
      ? { quality_check: 0, computed_field: 0, container: 0, field: 0, operation: 0, result: 0 }
      : { ...highest };
  }

  /** Reserves and returns the next id of `kind`. */
  next(kind: IdKind): number {
    this.#highest[kind] += 1;
    return this.#highest[kind];
  }

  /** Notes that `kind` holds `id` (an imported id), raising the mark if needed. */
  see(kind: IdKind, id: number): void {
    if (id > this.#highest[kind]) this.#highest[kind] = id;
  }

  /** An independent copy, for a transaction to work on until it is applied. */
  fork(): IdCounters {
    return new IdCounters(this.#highest);
  }

  /** Takes over the marks of a fork, when its transaction is applied. */
  adopt(fork: IdCounters): void {
    Object.assign(this.#highest, fork.#highest);
  }
}
