import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { componentOf, summarize } from './profile-summary.js';
import { startProfiling, stopProfiling } from './profiling.js';
import { runBench } from './run-bench.js';
import { tinyScale } from './scale.js';

const dir = mkdtempSync(join(tmpdir(), 'promote-bench-profile-'));
afterAll(() => {
  stopProfiling();
  rmSync(dir, { recursive: true, force: true });
});

test('--profile records one CPU profile per measured section (one per large-draft size), and the summary reads them', { timeout: 60_000 }, async () => {
  await startProfiling(dir);
  await runBench({ scale: tinyScale, only: ['draft-promotion', 'large-draft'] });
  const names = readdirSync(dir);
  expect(names.filter((name) => name.includes('-draft-40-'))).toHaveLength(tinyScale.repetitions + 1);
  expect(names.filter((name) => name.includes('-re-promotion-40-'))).toHaveLength(tinyScale.repetitions + 1);
  expect(names.filter((name) => name.includes('-large-draft-'))).toHaveLength(tinyScale.largeSizes.length);
  const summary = summarize(names.map((name) => join(dir, name)));
  expect(summary.totalMs).toBeGreaterThan(0);
  expect([...summary.components.values()].reduce((sum, ms) => sum + ms, 0)).toBeCloseTo(summary.totalMs, 6);
});

test('frames are put in the component they belong to', () => {
  expect(componentOf({ functionName: 'run', url: '', lineNumber: 0 })).toBe('SQLite (better-sqlite3, native)');
  expect(componentOf({ functionName: 'planUpdate', url: 'file:///x/packages/core/dist/plan/plan-quality-checks.js', lineNumber: 1 })).toBe('core: plan (pure planner)');
  expect(componentOf({ functionName: 'fromCheckTuple', url: 'file:///x/packages/store-sqlite/src/rows.ts', lineNumber: 1 })).toBe('store-sqlite (JS: rows, decoding)');
  expect(componentOf({ functionName: '(garbage collector)', url: '', lineNumber: -1 })).toBe('garbage collection');
});
