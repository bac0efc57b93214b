import { createPromoter, createReferenceDataplane, type PlanView } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { benchWorld } from '../bench-world.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, median, timed } from '../measure.js';
import { count, type BenchScale } from '../scale.js';

/** The largest scaling factor t(N)/t(N/10) that still counts as near-linear (the target). */
const maxScaling = 12;

/**
 * Planner scaling: `promoter.plan` (the dry run: selection, reads, matching, resolution, diff,
 * validation of the active updates, result views) of N source checks against N destination checks
 * — half identical, a quarter changed, a quarter new — on the memory store.
 *
 * Each size is measured in a block of its own (its world alone in the heap), after one untimed plan
 * of that size: the first warms the JIT, and the first of each size grows the heap to that size's
 * working set (at 100,000 checks the first two plans took 1.15–1.3 s against ≈ 0.97 s for the
 * following ones — old-space growth, a cost of the process and not of planning N checks). The
 * blocks run forward and back (1k, 10k, 100k, 10k, 1k) and each size's figure is the median of all
 * its plans: this machine's speed drifts by a third within a minute, and a ratio of two sizes
 * measured one after the other measured the drift as much as the scaling. Measuring all sizes in
 * turns instead would have the small plans run in a heap holding the 100,000-check world, which
 * slows them and flatters the ratio. The baseline of each size is the time of the size before it:
 * the ratio is the scaling factor.
 */
export async function plannerScaling(scale: BenchScale, seed: number): Promise<Figure[]> {
  const sizes = scale.plannerSizes;
  const times = new Map<number, number[]>(sizes.map((n) => [n, []]));
  const repetitionsOf = (n: number) => (n >= 100_000 ? Math.min(5, scale.repetitions) : scale.repetitions);
  // Forward and back, the largest size once: 1k, 10k, 100k, 10k, 1k.
  const blocks = [...sizes, ...sizes.slice(0, -1).reverse()];
  for (const [index, n] of blocks.entries()) {
    const bench = benchWorld({ seed, checks: n, destination: 'mixed' });
    const store = createMemoryStore({ world: bench.world });
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    const plan = async (): Promise<PlanView> => {
      const planned = await promoter.plan(bench.actor, bench.request);
      if (planned.isErr()) throw new Error(`plan refused: ${JSON.stringify(planned.error)}`);
      return planned.value;
    };
    await plan();
    // The largest size runs all its repetitions in its one block; the others split theirs over two.
    const twice = index < sizes.length - 1 || index >= sizes.length;
    const repetitions = n === sizes.at(-1) || !twice ? repetitionsOf(n) : Math.ceil(repetitionsOf(n) / 2);
    for (let repetition = 0; repetition < repetitions; repetition++) {
      collectGarbage();
      const { ms, value } = await timed(plan, `plan-${count(n)}`);
      const { created, updated, skipped, failed } = value.status;
      expectEqual(`plan of ${n} checks`, { created, updated, skipped, failed }, { ...bench.expected, failed: 0 });
      times.get(n)?.push(ms);
    }
    await promoter.close();
    await store.close();
  }

  const figures: Figure[] = [];
  let previous: { readonly n: number; readonly ms: number } | undefined;
  for (const n of sizes) {
    const sizeTimes = times.get(n) ?? [];
    const ms = median(sizeTimes);
    const scaling = previous === undefined ? undefined : ratioOf(ms, previous.ms);
    const tenfold = previous !== undefined && n === sizes.at(-1) && n === previous.n * 10 ? previous : undefined;
    figures.push({
      scenario: 'planner-scaling',
      case: `N=${count(n)}`,
      measure: 'plan time (memory store)',
      value: ms,
      unit: 'ms',
      baseline: previous === undefined ? undefined : { label: `t(${count(previous.n)})`, value: previous.ms, unit: 'ms' },
      ratio: scaling,
      target: tenfold === undefined || scaling === undefined ? undefined : { text: `t(${count(n)})/t(${count(tenfold.n)}) ≤ ${maxScaling}`, met: scaling <= maxScaling },
      note: `median of ${sizeTimes.length} (blocks ${blocks.map(count).join(', ')}); ${sizeTimes.map((time) => time.toFixed(0)).join(', ')} ms; ${((ms / n) * 1000).toFixed(1)} µs per check`,
    });
    previous = { n, ms };
  }
  return figures;
}
