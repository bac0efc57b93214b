import { performance } from 'node:perf_hooks';
import { profiled } from './profiling.js';

/**
 * Milliseconds `work` took, with what it returned. With a `label`, the section is one of the
 * engine's measured sections: `--profile` records its CPU profile (the profiler starts before the
 * clock and stops after it).
 */
export async function timed<T>(work: () => Promise<T> | T, label?: string): Promise<{ readonly ms: number; readonly value: T }> {
  const run = async () => {
    const start = performance.now();
    const value = await work();
    return { ms: performance.now() - start, value };
  };
  return label === undefined ? run() : profiled(label, run);
}

/** The median of a non-empty list (the mean of the middle two for an even length). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('defect: median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The `p`-th percentile (0..100) of a non-empty list, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('defect: percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * Runs a full garbage collection when node was started with `--expose-gc` (`pnpm bench` does), so
 * that one scenario's garbage is not collected on the next one's clock.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

/**
 * {@link collectGarbage} twice, for figures of memory held: V8 sweeps array buffers concurrently,
 * so the external memory of buffers that a collection found dead is still counted after it and is
 * freed by the next one (a dropped 430 KB buffer per page of a stream: 10 pages showed 4.3 MB
 * "held" after one collection, none after two; `--no-concurrent-array-buffer-sweeping` agrees).
 */
export function collectGarbageFully(): void {
  collectGarbage();
  collectGarbage();
}

/** Fails the benchmark when the engine did other work than the scenario means to measure. */
export function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
