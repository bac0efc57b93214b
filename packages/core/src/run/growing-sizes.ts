/**
 * Sizes for the steps of a long loop that start at `first` and double up to `max` (then stay
 * there). The first steps of a promotion run before V8 has optimised its code, in a process that
 * just started often enough: at full size they were its longest synchronous steps, 26–42 ms where
 * the same steps warm take under 10 (SPEC §19, ≈ 20 ms per step). Starting small costs a few more
 * turns of the event loop and nothing else: what a loop does never depends on its step sizes.
 */
export function growingSizes(first: number, max: number): () => number {
  let next = Math.max(1, Math.min(first, max));
  return () => {
    const size = next;
    next = Math.min(max, next * 2);
    return size;
  };
}
