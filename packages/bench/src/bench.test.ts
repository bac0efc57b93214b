import { describe, expect, test } from 'vitest';
import { parseWorldSnapshot, toWorldSnapshot } from '@promote/core';
import { createTestDatabase } from '@promote/test-postgres';
import { benchWorld } from './bench-world.js';
import { renderMarkdown, renderTable } from './render-table.js';
import { runBench, scenarios } from './run-bench.js';
import { canReadScheduleWaits } from './stalls.js';
import { tinyScale } from './scale.js';

// A benchmark measures; it does not assert a time. These tests keep every scenario running.

describe('the benchmark world', () => {
  test('is a valid world snapshot, the same for the same seed', () => {
    const first = benchWorld({ seed: 7, checks: 40, destination: 'mixed' });
    expect(parseWorldSnapshot(JSON.parse(JSON.stringify(toWorldSnapshot(first.world)))).isOk()).toBe(true);
    expect(benchWorld({ seed: 7, checks: 40, destination: 'mixed' })).toEqual(first);
    expect(benchWorld({ seed: 8, checks: 40, destination: 'mixed' }).world).not.toEqual(first.world);
  });

  test('has half identical, a quarter changed and a quarter new checks in the mixed destination', () => {
    expect(benchWorld({ seed: 1, checks: 40, destination: 'mixed' }).expected).toEqual({ created: 10, updated: 10, skipped: 20 });
    expect(benchWorld({ seed: 1, checks: 40, destination: 'empty' }).expected).toEqual({ created: 40, updated: 0, skipped: 0 });
  });
});

describe('every scenario at a tiny size', () => {
  test('runs and reports each figure with its baseline', { timeout: 120_000 }, async () => {
    // The PostgreSQL scenarios on the test run's server rather than one more of their own.
    process.env['PROMOTE_BENCH_POSTGRES_URL'] = await createTestDatabase('bench');
    const report = await runBench({ scale: tinyScale });
    const scenarioOf = new Set(report.figures.map((figure) => figure.scenario));
    expect([...scenarioOf]).toEqual([
      'planner-scaling',
      'draft-promotion',
      're-promotion',
      'active-promotion',
      'large-draft',
      'responsiveness',
      'http',
      'abort-latency',
      'activity-page',
      'postgres-draft',
      'postgres-re-promotion',
      'postgres-scaling',
    ]);
    expect(Object.keys(scenarios)).toHaveLength(9);
    for (const figure of report.figures) {
      // A count of units let through after an abort may well be 0, and so may a memory growth or the
      // event-loop delay of a tiny promotion; every time and rate is above 0.
      if (figure.unit === 'units' || figure.measure.includes('growth') || figure.measure.includes('event-loop') || figure.measure.includes('longest step')) expect(figure.value).toBeGreaterThanOrEqual(0);
      else expect(figure.value, `${figure.scenario} ${figure.case} ${figure.measure}`).toBeGreaterThan(0);
      if (figure.baseline !== undefined && figure.value > 0) expect(figure.ratio).toBeGreaterThan(0);
    }
    expect(report.figures.filter((figure) => figure.target !== undefined).map((figure) => figure.scenario)).toEqual([
      'planner-scaling',
      'draft-promotion',
      're-promotion',
      'active-promotion',
      'active-promotion',
      // Peak RSS, wall time, the longest event-loop delay, the longest step without collection
      // pauses and (where schedstat can be read) the longest step the process held, at each
      // of the two sizes.
      ...Array<string>((canReadScheduleWaits() ? 5 : 4) * 2).fill('large-draft'),
      // Read latency p99 and maximum.
      'responsiveness',
      'responsiveness',
      'abort-latency',
      'abort-latency',
      'abort-latency',
      'postgres-draft',
      'postgres-re-promotion',
    ]);
    // The re-promotion twice: on a store opened afresh (the figure with the target), and in the draft's store (decision 0912).
    expect(report.figures.filter((figure) => figure.scenario === 're-promotion').map((figure) => [figure.case.replace(/^.*, /, ''), figure.target !== undefined])).toEqual([
      ['store opened afresh', true],
      ["in the draft's store", false],
    ]);
    expect(renderTable(report)).toContain('re-promotion');
    expect(renderMarkdown(report).split('\n')).toHaveLength(report.figures.length + 2);
  });
});
