import { join } from 'node:path';
import { createPromoter, createReferenceDataplane, type OperationStatus, type Promoter } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { timedStore } from '../store-times.js';
import { benchWorld, type BenchWorld } from '../bench-world.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, median, timed } from '../measure.js';
import { count, type BenchScale } from '../scale.js';
import { copyDatabase, rawDraftInsert, rawFloor, rawReadChecks, removeDatabase, sqliteTemplate } from '../sqlite-files.js';

const maxRatio = 3;
/** Issue 15 point 4: the re-promotion of unchanged checks at most twice the raw read of both containers. */
const maxRepromotionRatio = 2;

/**
 * Runs a request to its end; the milliseconds from `run` until the operation has finished, and its
 * counters. With a `label`, a measured section that `--profile` records; `onEnded` is called when
 * it has finished, before its operation is read back.
 */
export async function promoteToEnd(promoter: Promoter, bench: BenchWorld, body: object, label?: string, onEnded?: () => void): Promise<{ readonly ms: number; readonly status: OperationStatus; readonly id: number }> {
  const { ms, value } = await timed(async () => {
    const started = await promoter.run(bench.actor, body);
    if (started.isErr()) throw new Error(`run refused: ${JSON.stringify(started.error)}`);
    await promoter.waitFor(started.value.id);
    return started.value.id;
  }, label);
  // Before the operation is read back: what ran until here is the promotion's.
  onEnded?.();
  const finished = await promoter.getOperation(bench.actor, value);
  if (finished.isErr()) throw new Error(`cannot read operation ${value}`);
  if (finished.value.result !== 'success') throw new Error(`operation ${value} ended in ${finished.value.result}: ${finished.value.message ?? ''}`);
  return { ms, status: finished.value.status, id: value };
}

/**
 * Draft promotion of N new checks into an empty destination container on a SQLite file, then the
 * same promotion again (every check skipped, matched by lineage), in the draft's store and then in
 * a store opened afresh on the file (the figure with the target). Each repetition runs on a fresh
 * copy of one template file. Baselines, on copies of the same file: raw better-sqlite3 inserting
 * the same N check rows and N result rows with two prepared statements in one transaction; and raw
 * reading both containers' checks with one prepared statement.
 */
export async function draftPromotion(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const n = scale.draftChecks;
  const bench = benchWorld({ seed, checks: n, destination: 'empty' });
  const template = join(workDir, 'draft-template.sqlite');
  await sqliteTemplate(template, bench.world);
  const sources = bench.world.quality_checks.filter((check) => check.container_id === bench.request.container_id);

  const draftTimes: number[] = [];
  const skipTimes: number[] = [];
  const keptTimes: number[] = [];
  const insertTimes: number[] = [];
  const readTimes: number[] = [];
  const draftFloors: number[] = [];
  const skipFloors: number[] = [];
  const skipCalls: (readonly { readonly method: string; readonly calls: number; readonly ms: number }[])[] = [];
  const floorOptions = { sourceContainerId: bench.request.container_id, destinationContainerId: bench.request.destination_container_id, unitsPerTransaction: 2000, now: '2026-03-01T10:00:00Z' };
  // One untimed promotion first, so that neither the first engine run nor the first baseline pays for the JIT.
  for (let repetition = -1; repetition < scale.repetitions; repetition++) {
    const file = copyDatabase(template, join(workDir, 'draft-run.sqlite'));
    const drafting = await openSqliteStore({ filename: file });
    const draftPromoter = createPromoter({ store: drafting, dataplane: createReferenceDataplane() });
    collectGarbage();
    const draft = await promoteToEnd(draftPromoter, bench, { ...bench.request, as_draft: true }, `draft-${count(n)}`);
    expectEqual(`draft promotion of ${n}`, draft.status, { total: n, created: n, updated: 0, skipped: 0, failed: 0 });
    // Again in the draft's store, which kept the source container's checks it read (decision 0912).
    collectGarbage();
    const warm = await promoteToEnd(draftPromoter, bench, { ...bench.request, as_draft: true }, `re-promotion-kept-${count(n)}`);
    expectEqual(`re-promotion of ${n} in the draft's store`, warm.status, { total: n, created: 0, updated: 0, skipped: n, failed: 0 });
    await draftPromoter.close();
    await drafting.close();
    // The figure: a store opened afresh, as the raw read opens its handle, with nothing of the
    // draft (SQLite's page cache, decoded checks, JSON texts) kept in the process. Its file holds the
    // two operations before it (the draft's and the first re-promotion's results): the same work.
    const opened = await openSqliteStore({ filename: file });
    // With PROMOTE_BENCH_STORE_TIMES=1, every store call is timed, and the re-promotion's are told in its note.
    const timing = process.env['PROMOTE_BENCH_STORE_TIMES'] === '1' ? timedStore(opened) : undefined;
    const store = timing?.store ?? opened;
    const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
    collectGarbage();
    const again = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true }, `re-promotion-${count(n)}`, () => {
      if (timing !== undefined && repetition >= 0) skipCalls.push(timing.times.report());
    });
    expectEqual(`re-promotion of ${n}`, again.status, { total: n, created: 0, updated: 0, skipped: n, failed: 0 });
    await promoter.close();
    await store.close();
    collectGarbage();
    const read = rawReadChecks(file, [bench.request.container_id, bench.request.destination_container_id]);
    collectGarbage();
    const skipFloor = rawFloor(file, { ...floorOptions, result: 'skipped' });
    removeDatabase(file);

    const rawFile = copyDatabase(template, join(workDir, 'draft-raw.sqlite'));
    collectGarbage();
    const insert = rawDraftInsert(rawFile, sources, bench.request.destination_container_id, floorOptions.now);
    copyDatabase(template, rawFile);
    collectGarbage();
    const draftFloor = rawFloor(rawFile, { ...floorOptions, result: 'created' });
    removeDatabase(rawFile);
    if (repetition < 0) continue;
    draftTimes.push(draft.ms);
    skipTimes.push(again.ms);
    keptTimes.push(warm.ms);
    insertTimes.push(insert);
    readTimes.push(read);
    draftFloors.push(draftFloor);
    skipFloors.push(skipFloor);
  }
  removeDatabase(template);

  const draftMs = median(draftTimes);
  const insertMs = median(insertTimes);
  const skipMs = median(skipTimes);
  const readMs = median(readTimes);
  const draftRatio = ratioOf(draftMs, insertMs);
  const skipRatio = ratioOf(skipMs, readMs);
  const spread = (times: readonly number[]) => times.map((time) => time.toFixed(0)).join(', ');
  return [
    {
      scenario: 'draft-promotion',
      case: `${count(n)} new → empty, SQLite file`,
      measure: 'engine wall time',
      value: draftMs,
      unit: 'ms',
      baseline: { label: `raw insert ${count(n)} checks + ${count(n)} results`, value: insertMs, unit: 'ms' },
      ratio: draftRatio,
      target: { text: `ratio ≤ ${maxRatio}`, met: draftRatio <= maxRatio },
      note: `median of ${draftTimes.length}: engine ${spread(draftTimes)} ms; raw ${spread(insertTimes)} ms; the contract's floor (read the sources, insert checks, lineage and results 100 per statement, ${floorOptions.unitsPerTransaction} per transaction) ${median(draftFloors).toFixed(0)} ms = engine ÷ floor ${ratioOf(draftMs, median(draftFloors)).toFixed(2)}`,
    },
    {
      scenario: 're-promotion',
      case: `same ${count(n)}, all skipped, SQLite file, store opened afresh`,
      measure: 'engine wall time',
      value: skipMs,
      unit: 'ms',
      baseline: { label: `raw read both containers' checks`, value: readMs, unit: 'ms' },
      ratio: skipRatio,
      target: { text: `ratio ≤ ${maxRepromotionRatio}`, met: skipRatio <= maxRepromotionRatio },
      note: `median of ${skipTimes.length}: engine ${spread(skipTimes)} ms; raw ${spread(readTimes)} ms; the contract's floor (read and decode both containers, insert the results 100 rows per statement, ${floorOptions.unitsPerTransaction} per transaction) ${median(skipFloors).toFixed(0)} ms = ${ratioOf(median(skipFloors), readMs).toFixed(2)}× the raw read; engine ÷ floor ${ratioOf(skipMs, median(skipFloors)).toFixed(2)}${callsNote(skipCalls)}`,
    },
    {
      scenario: 're-promotion',
      case: `same ${count(n)}, all skipped, SQLite file, in the draft's store`,
      measure: 'engine wall time',
      value: median(keptTimes),
      unit: 'ms',
      baseline: { label: `raw read both containers' checks`, value: readMs, unit: 'ms' },
      ratio: ratioOf(median(keptTimes), readMs),
      note: `median of ${keptTimes.length}: engine ${spread(keptTimes)} ms; the store kept the source container's checks its draft's selection read (decision 0912: a container of at most 20,000 checks): the sources are not read again; the destination is, the draft's commits having written into it`,
    },
  ];
}

/**
 * The mean time and calls per store method over the runs timed with PROMOTE_BENCH_STORE_TIMES=1, or
 * nothing. Each call's time is until it settled: calls under way together (a promotion reads the
 * destination's containers, fields and computed fields at once) each count the time they overlap.
 */
function callsNote(runs: readonly (readonly { readonly method: string; readonly calls: number; readonly ms: number }[])[]): string {
  if (runs.length === 0) return '';
  const totals = new Map<string, { calls: number; ms: number }>();
  for (const run of runs) {
    for (const { method, calls, ms } of run) {
      const total = totals.get(method) ?? { calls: 0, ms: 0 };
      total.calls += calls;
      total.ms += ms;
      totals.set(method, total);
    }
  }
  const shown = [...totals].sort((a, b) => b[1].ms - a[1].ms).map(([method, { calls, ms }]) => `${method} ${(ms / runs.length).toFixed(1)} ms (${(calls / runs.length).toFixed(1).replace(/\.0$/, '')} calls)`);
  return `; store calls, mean of ${runs.length}: ${shown.join(', ')}`;
}
