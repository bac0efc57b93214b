import { join } from 'node:path';
import { createPromoter, createReferenceDataplane, type Store } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { benchWorld, type BenchWorld } from '../bench-world.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, median } from '../measure.js';
import { count, type BenchScale } from '../scale.js';
import { copyDatabase, removeDatabase, sqliteTemplate } from '../sqlite-files.js';
import { promoteToEnd } from './draft-promotion.js';

/** The engine's default commit budget, and the fixed 2,000-unit commits of before (the baseline). */
const budgets = [
  { label: 'fixed 2,000-unit commits', ms: Number.POSITIVE_INFINITY },
  { label: 'commit budget 15 ms', ms: 15 },
] as const;

interface AbortSample {
  /** From the moment the abort was due until its answer. */
  readonly latencyMs: number;
  /** Units committed after the abort was due (its request waited for them). */
  readonly unitsAfter: number;
  /** From the moment the abort was due until the last commit ended (0 when none came after). */
  readonly stoppedMs: number;
}

/**
 * Abort during a draft promotion of N new checks on a SQLite file (issue 17 point 5): the abort is
 * due `delay` ms after the first commit (planning is over then: it is one synchronous step before
 * the first commit, issue 15). Measured per delay: how long the abort's answer took from the
 * moment it was due, and how many units were committed after that moment. Baseline: the same with
 * fixed 2,000-unit commits (the engine before). Then the price: the wall time of the whole
 * promotion with each.
 */
export async function abortLatency(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const n = scale.abortChecks;
  const bench = benchWorld({ seed, checks: n, destination: 'empty' });
  const template = join(workDir, 'abort-template.sqlite');
  await sqliteTemplate(template, bench.world);
  const samples = new Map<number, AbortSample[]>();
  const walls = new Map<number, number[]>();
  for (let repetition = 0; repetition < Math.min(scale.repetitions, 3); repetition++) {
    for (const budget of budgets) {
      for (const delay of scale.abortDelaysMs) {
        const sample = await abortOnce(template, workDir, bench, budget.ms, delay);
        samples.set(budget.ms, [...(samples.get(budget.ms) ?? []), sample]);
      }
      const file = copyDatabase(template, join(workDir, 'abort-run.sqlite'));
      const store = await openSqliteStore({ filename: file });
      const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), commitBudgetMs: budget.ms });
      collectGarbage();
      const run = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true });
      expectEqual(`draft promotion of ${n}`, run.status, { total: n, created: n, updated: 0, skipped: 0, failed: 0 });
      await store.close();
      removeDatabase(file);
      walls.set(budget.ms, [...(walls.get(budget.ms) ?? []), run.ms]);
    }
  }
  removeDatabase(template);

  const [before, after] = budgets.map((budget) => samples.get(budget.ms) ?? []) as [AbortSample[], AbortSample[]];
  const worst = (list: readonly AbortSample[], key: keyof AbortSample) => Math.max(...list.map((sample) => sample[key]));
  const listed = (list: readonly AbortSample[], key: keyof AbortSample) => list.map((sample) => sample[key].toFixed(0)).join(', ');
  const wallBefore = median(walls.get(budgets[0].ms) ?? []);
  const wallAfter = median(walls.get(budgets[1].ms) ?? []);
  const latencyRatio = ratioOf(worst(after, 'latencyMs'), worst(before, 'latencyMs'));
  return [
    {
      scenario: 'abort-latency',
      case: `${count(n)} drafts, abort ${scale.abortDelaysMs.join('/')} ms after the first commit`,
      measure: 'abort answer latency, max',
      value: worst(after, 'latencyMs'),
      unit: 'ms',
      baseline: { label: budgets[0].label, value: worst(before, 'latencyMs'), unit: 'ms' },
      ratio: latencyRatio,
      target: { text: 'ratio < 1', met: latencyRatio < 1 },
      note: `each: ${listed(after, 'latencyMs')} ms (the work stopped after ${listed(after, 'stoppedMs')} ms; the rest is the answer: the operation with all its results); with ${budgets[0].label}: ${listed(before, 'latencyMs')} ms (stopped after ${listed(before, 'stoppedMs')} ms)`,
    },
    {
      scenario: 'abort-latency',
      case: `${count(n)} drafts`,
      measure: 'units committed after the abort was due, max',
      value: worst(after, 'unitsAfter'),
      unit: 'units',
      baseline: { label: budgets[0].label, value: worst(before, 'unitsAfter'), unit: 'units' },
      ratio: ratioOf(worst(after, 'unitsAfter'), worst(before, 'unitsAfter')),
      target: { text: 'fewer than one 2,000-unit batch', met: worst(after, 'unitsAfter') < 2000 },
      note: `each: ${listed(after, 'unitsAfter')}; with ${budgets[0].label}: ${listed(before, 'unitsAfter')}`,
    },
    {
      scenario: 'abort-latency',
      case: `${count(n)} drafts, whole promotion`,
      measure: 'engine wall time (the price of smaller commits)',
      value: wallAfter,
      unit: 'ms',
      baseline: { label: budgets[0].label, value: wallBefore, unit: 'ms' },
      ratio: ratioOf(wallAfter, wallBefore),
      target: { text: 'ratio ≤ 1.1', met: ratioOf(wallAfter, wallBefore) <= 1.1 },
      note: `medians of ${walls.get(budgets[1].ms)?.length ?? 0}`,
    },
  ];
}

/** One promotion aborted `delay` ms after its first commit; what the abort took. */
async function abortOnce(template: string, workDir: string, bench: BenchWorld, commitBudgetMs: number, delay: number): Promise<AbortSample> {
  const file = copyDatabase(template, join(workDir, 'abort-run.sqlite'));
  const opened = await openSqliteStore({ filename: file });
  const commits: { readonly at: number; readonly total: number }[] = [];
  let firstCommit: () => void = () => undefined;
  const committed = new Promise<void>((resolve) => (firstCommit = resolve));
  let total = 0;
  const store: Store = {
    ...opened,
    commit: async (units, options) => {
      const rows = await opened.commit(units, options);
      total += rows.length;
      commits.push({ at: performance.now(), total });
      firstCommit();
      return rows;
    },
  };
  const promoter = createPromoter({ store, dataplane: createReferenceDataplane(), commitBudgetMs });
  collectGarbage();
  const started = (await promoter.run(bench.actor, { ...bench.request, as_draft: true }))._unsafeUnwrap();
  await committed;
  const due = performance.now() + delay;
  await new Promise((resolve) => setTimeout(resolve, delay));
  const answer = await promoter.abort(bench.actor, started.id);
  const latencyMs = performance.now() - due;
  if (answer.isErr() || !answer.value.stopped) throw new Error(`abort ${delay} ms after the first commit did not stop the promotion (make it larger)`);
  const atDue = commits.filter((commit) => commit.at <= due).at(-1)?.total ?? 0;
  const unitsAfter = answer.value.status.created - atDue;
  const stoppedMs = Math.max(0, (commits.at(-1)?.at ?? due) - due);
  await opened.close();
  removeDatabase(file);
  return { latencyMs, unitsAfter, stoppedMs };
}
