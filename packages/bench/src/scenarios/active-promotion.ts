import { join } from 'node:path';
import { createPromoter, createReferenceDataplane, type ValidationItem, type ValidationTarget } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { benchWorld } from '../bench-world.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, median, timed } from '../measure.js';
import { count, type BenchScale } from '../scale.js';
import { copyDatabase, removeDatabase, sqliteTemplate } from '../sqlite-files.js';
import { promoteToEnd } from './draft-promotion.js';

const maxRatio = 1.25;
const batchSize = 10;

/**
 * Active promotion (`as_draft: false`) of N new checks into an empty destination container on a
 * SQLite file: every check is validated by the reference Dataplane in batches of 10, each call
 * taking `activeLatencyMs`, with at most c calls in flight. The baseline is the ideal
 * ⌈batches / c⌉ × latency: the Dataplane's time alone, everything else free. The note adds the
 * floor that the timers themselves allow: the same calls made straight to the Dataplane, c at a time.
 */
export async function activePromotion(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const n = scale.activeChecks;
  const batches = Math.ceil(n / batchSize);
  const bench = benchWorld({ seed, checks: n, destination: 'empty' });
  const template = join(workDir, 'active-template.sqlite');
  await sqliteTemplate(template, bench.world);
  const target = dataplaneTarget(bench.world, bench.request.destination_container_id);
  const items: ValidationItem[] = bench.world.quality_checks.slice(0, batchSize).map((check) => ({ sourceCheckId: check.id, check }));

  const figures: Figure[] = [];
  for (const concurrency of scale.activeConcurrency) {
    const times: number[] = [];
    const floors: number[] = [];
    const repetitions = Math.min(scale.repetitions, 3);
    for (let repetition = 0; repetition < repetitions; repetition++) {
      const file = copyDatabase(template, join(workDir, 'active-run.sqlite'));
      const store = await openSqliteStore({ filename: file });
      const dataplane = createReferenceDataplane({ latencyMs: scale.activeLatencyMs });
      const promoter = createPromoter({ store, dataplane, concurrency, batchSize });
      collectGarbage();
      const run = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: false }, `active-c${concurrency}`);
      expectEqual(`active promotion of ${n}`, run.status, { total: n, created: n, updated: 0, skipped: 0, failed: 0 });
      expectEqual('dataplane calls', { calls: dataplane.calls.length, maxConcurrent: dataplane.maxConcurrent }, { calls: batches, maxConcurrent: Math.min(concurrency, batches) });
      await promoter.close();
      await store.close();
      removeDatabase(file);
      times.push(run.ms);
      floors.push(await timerFloor(target, items, batches, concurrency, scale.activeLatencyMs));
    }
    const ms = median(times);
    const ideal = Math.ceil(batches / concurrency) * scale.activeLatencyMs;
    const ratio = ratioOf(ms, ideal);
    figures.push({
      scenario: 'active-promotion',
      case: `${count(n)} checks, ${batches} batches, c=${concurrency}`,
      measure: 'engine wall time',
      value: ms,
      unit: 'ms',
      baseline: { label: `ideal ⌈${batches}/${concurrency}⌉×${scale.activeLatencyMs} ms`, value: ideal, unit: 'ms' },
      ratio,
      target: { text: `ratio ≤ ${maxRatio}`, met: ratio <= maxRatio },
      note: `median of ${times.length}: ${times.map((time) => time.toFixed(0)).join(', ')} ms; the Dataplane calls alone (timer floor): ${median(floors).toFixed(0)} ms = ${ratioOf(median(floors), ideal).toFixed(2)}× ideal`,
    });
  }
  removeDatabase(template);
  return figures;
}

function dataplaneTarget(world: ReturnType<typeof benchWorld>['world'], containerId: number): ValidationTarget {
  const container = world.containers.find((candidate) => candidate.id === containerId);
  if (container === undefined) throw new Error(`defect: no container ${containerId}`);
  return { container, fields: world.fields.filter((field) => field.container_id === containerId), computedFields: [] };
}

/** `batches` calls to a fresh reference Dataplane, `concurrency` at a time: what the timers alone take. */
async function timerFloor(target: ValidationTarget, items: readonly ValidationItem[], batches: number, concurrency: number, latencyMs: number): Promise<number> {
  const dataplane = createReferenceDataplane({ latencyMs });
  let next = 0;
  const worker = async () => {
    while (next < batches) {
      next++;
      await dataplane.validate(target, items);
    }
  };
  const { ms } = await timed(() => Promise.all(Array.from({ length: Math.min(concurrency, batches) }, worker)));
  return ms;
}
