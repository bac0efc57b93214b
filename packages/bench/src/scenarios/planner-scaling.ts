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
 * — half identical, a quarter changed, a quarter new — on the memory store. Each size is the median
 * of several plans after one untimed plan of the smallest size (so the JIT is warm). The baseline of
 * each size is the time of the size before it: the ratio is the scaling factor.
 */
export async function plannerScaling(scale: BenchScale, seed: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  let previous: { readonly n: number; readonly ms: number } | undefined;
  let warmedUp = false;
  for (const n of scale.plannerSizes) {
    const bench = benchWorld({ seed, checks: n, destination: 'mixed' });
    const store = createMemoryStore({ world: bench.world });
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    const plan = async (): Promise<PlanView> => {
      const planned = await promoter.plan(bench.actor, bench.request);
      if (planned.isErr()) throw new Error(`plan refused: ${JSON.stringify(planned.error)}`);
      return planned.value;
    };
    if (!warmedUp) {
      await plan();
      warmedUp = true;
    }
    const repetitions = n >= 100_000 ? Math.min(3, scale.repetitions) : scale.repetitions;
    const times: number[] = [];
    for (let repetition = 0; repetition < repetitions; repetition++) {
      collectGarbage();
      const { ms, value } = await timed(plan, `plan-${count(n)}`);
      const { created, updated, skipped, failed } = value.status;
      expectEqual(`plan of ${n} checks`, { created, updated, skipped, failed }, { ...bench.expected, failed: 0 });
      times.push(ms);
    }
    const ms = median(times);
    const scaling = previous === undefined ? undefined : ratioOf(ms, previous.ms);
    const tenfold = previous !== undefined && n === scale.plannerSizes.at(-1) && n === previous.n * 10 ? previous : undefined;
    figures.push({
      scenario: 'planner-scaling',
      case: `N=${count(n)}`,
      measure: 'plan time (memory store)',
      value: ms,
      unit: 'ms',
      baseline: previous === undefined ? undefined : { label: `t(${count(previous.n)})`, value: previous.ms, unit: 'ms' },
      ratio: scaling,
      target: tenfold === undefined || scaling === undefined ? undefined : { text: `t(${count(n)})/t(${count(tenfold.n)}) ≤ ${maxScaling}`, met: scaling <= maxScaling },
      note: `median of ${repetitions}; ${times.map((time) => time.toFixed(0)).join(', ')} ms; ${(ms / n * 1000).toFixed(1)} µs per check`,
    });
    previous = { n, ms };
    await promoter.close();
    await store.close();
  }
  return figures;
}
