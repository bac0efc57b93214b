/**
 * Sizes for the steps of a long loop that start at `first` and double up to `max` (then stay
 * there). The first steps of a promotion run before V8 has optimised its code, in a process that
 * just started often enough: at full size they were its longest synchronous steps, 26–42 ms where
 * the same steps warm take under 10 (issue 15: ≈ 20 ms per step, SPEC §19). Starting small costs a
 * few more turns of the event loop, commits and (on PostgreSQL) round trips at the start; what a
 * loop computes never depends on its step sizes. Whole numbers from 1.
 */
export function growingSizes(first: number, max: number): () => number {
  let next = Math.max(1, Math.min(Math.ceil(first), max));
  return () => {
    const size = next;
    next = Math.min(max, next * 2);
    return size;
  };
}
