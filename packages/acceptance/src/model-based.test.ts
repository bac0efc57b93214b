import { describe } from 'vitest';
import { createPromoter, createReferenceDataplane, steppingClock, type World } from '@promote/core';
import { createMemoryStore } from '@promote/store-memory';
import { arbModelBasedRun, arbModelWorld, failedBatchReason, fcNumRuns, runModelBased, type ModelBasedReal } from '@promote/testkit';
import { testProp } from '@promote/testkit/vitest';

/**
 * The engine against the reference model of the testkit (SPEC.md §2–§9), over command sequences:
 * promotions of every type by several users (some aborted at once, some with failing validation
 * batches), dry runs, edits and renames on either side, deletes, soft deletes, resumes, reruns,
 * aborts of finished operations and reverts (§16), run or planned. After every command the engine's answer and the whole world must
 * equal the model's. A failure prints fast-check's seed and the shrunk command sequence.
 */

/** The real system: a promoter over a memory store holding `world`, whose validation calls can be made to fail. */
function openMemoryEngine(world: World): ModelBasedReal {
  let failing = { from: 0, batches: [] as readonly number[] };
  const dataplane = createReferenceDataplane({
    failBatch: ({ index }) => (failing.batches.includes(index - failing.from) ? failedBatchReason : undefined),
  });
  const store = createMemoryStore({ world });
  const promoter = createPromoter({ store, dataplane, clock: steppingClock() });
  return {
    store,
    promoter,
    failValidationBatches(batches) {
      failing = { from: dataplane.calls.length, batches };
    },
  };
}

describe('model-based: the engine on a memory store behaves like the reference model', () => {
  testProp('promotions of every type, edits, renames, deletes, soft deletes, aborts, resumes, reruns and plans, interleaved', [arbModelBasedRun(arbModelWorld(), { maxCommands: 15 })], async (run) => {
      await runModelBased(run, async (scenario) => openMemoryEngine(scenario.world));
    }, { numRuns: fcNumRuns(20) });

  testProp('larger check selections: several validation batches, some failing', [arbModelBasedRun(arbModelWorld({ maxChecks: 25, maxComputedFields: 4, maxContainers: 3 }), { maxCommands: 8 })], async (run) => {
      await runModelBased(run, async (scenario) => openMemoryEngine(scenario.world));
    }, { numRuns: fcNumRuns(8) });
});
