import { join } from 'node:path';
import { createPromoter, createReferenceDataplane, type OperationRecord, type Store } from '@promote/core';
import { createApp } from '@promote/http';
import { openSqliteStore } from '@promote/store-sqlite';
import { benchWorld } from '../bench-world.js';
import { ratioOf, type Figure } from '../figure.js';
import { collectGarbage, expectEqual, percentile } from '../measure.js';
import { formatValue } from '../render-table.js';
import { count, type BenchScale } from '../scale.js';
import { removeDatabase, sqliteTemplate } from '../sqlite-files.js';
import { promoteToEnd } from './draft-promotion.js';

/** Rows of a page of the operations list and of an operation's results. */
const resultsPerPage = 50;

/** One history: a SQLite file with `operations` operations, one of which has `results` results. */
interface History {
  readonly label: string;
  readonly fetch: (path: string) => Promise<Response>;
  readonly operationId: number;
  readonly lastResultsPage: number;
  close(): Promise<void>;
}

/**
 * The Activity page with history (issue 13 point 6): the operations list and an operation's results
 * page, rendered by the app (`createApp({ activityPage: true })`) over a SQLite file holding
 * `pageOperations` operations and an operation of `pageResults` results, against the same pages
 * over 10 operations and an operation of 10 results. Both are paged in the store, so the two
 * should answer alike. In process (`app.request`), so that only the page's own work is timed.
 */
export async function activityPage(scale: BenchScale, seed: number, workDir: string): Promise<Figure[]> {
  const small = await history(workDir, 'small', seed, 10, 10);
  // Ten rows fill a fifth of a page: a history of one full page tells rendering 50 rows from reading a long history.
  const onePage = await history(workDir, 'page', seed, resultsPerPage, resultsPerPage);
  const large = await history(workDir, 'large', seed, scale.pageOperations, scale.pageResults);
  const figures: Figure[] = [];
  try {
    const cases: readonly [string, (history: History) => string][] = [
      ['operations list, first page', () => '/'],
      ['operations list, filtered by result', () => '/?result=success'],
      ['results page 1 of the largest operation', (history) => `/operations/${history.operationId}`],
      ['results, last page', (history) => `/operations/${history.operationId}?page=${history.lastResultsPage}`],
      ['results, searched and filtered', (history) => `/operations/${history.operationId}?search=not_null&promote_result=created&promote_result=updated`],
    ];
    for (const [label, path] of cases) {
      const baseline = await medianMs(small, path(small), scale.pageRequests);
      const full = await medianMs(onePage, path(onePage), scale.pageRequests);
      const measured = await medianMs(large, path(large), scale.pageRequests);
      figures.push({
        scenario: 'activity-page',
        case: label,
        measure: 'median answer time',
        value: measured,
        unit: 'ms',
        baseline: { label: small.label, value: baseline, unit: 'ms' },
        ratio: ratioOf(measured, baseline),
        note: `${large.label}; median of ${scale.pageRequests} requests each; with one full page (${onePage.label}) ${formatValue(full, 'ms')}, ${ratioOf(measured, full).toFixed(2)}× of that`,
      });
    }
  } finally {
    await small.close();
    await onePage.close();
    await large.close();
  }
  return figures;
}

async function history(workDir: string, name: string, seed: number, operations: number, results: number): Promise<History> {
  const bench = benchWorld({ seed, checks: results, destination: 'mixed' });
  const file = join(workDir, `activity-${name}.sqlite`);
  await sqliteTemplate(file, bench.world);
  const store = await openSqliteStore({ filename: file });
  const promoter = createPromoter({ store, dataplane: createReferenceDataplane() });
  const promoted = await promoteToEnd(promoter, bench, { ...bench.request, as_draft: true });
  expectEqual(`the operation the activity-page scenario reads`, promoted.status.total, results);
  await addOperations(store, promoted.id, operations - 1);
  const app = createApp({ promoter, activityPage: true, onDefect: (error) => { throw error; } });
  const cookie = `promote_session=${bench.token}`;
  return {
    label: `${count(operations)} operations, one of ${count(results)} results`,
    fetch: async (path) => app.request(path, { headers: { cookie } }),
    operationId: promoted.id,
    lastResultsPage: Math.max(1, Math.ceil(results / resultsPerPage)),
    async close() {
      await promoter.close();
      await store.close();
      removeDatabase(file);
    },
  };
}

/**
 * `extra` more ended operations like `model`, of ten entities each (their records only: what the
 * list reads; a 100,000-id selection each would make the file gigabytes).
 */
async function addOperations(store: Store, modelId: number, extra: number): Promise<void> {
  const model = (await store.getOperation(modelId)) as OperationRecord;
  const { id: _id, ...record } = model;
  const selection = record.selection.slice(0, 10);
  const status = { total: selection.length, created: selection.length, updated: 0, skipped: 0, failed: 0 };
  for (let index = 0; index < extra; index++) {
    await store.createOperation({ ...record, selection, status, result: index % 7 === 0 ? 'failure' : 'success' });
  }
}

async function medianMs(history: History, path: string, requests: number): Promise<number> {
  const times: number[] = [];
  collectGarbage();
  for (let index = 0; index <= requests; index++) {
    const start = performance.now();
    const response = await history.fetch(path);
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 300)}`);
    // The first request warms caches (statements, decoded parts): not counted.
    if (index > 0) times.push(performance.now() - start);
  }
  return percentile(times, 50);
}
