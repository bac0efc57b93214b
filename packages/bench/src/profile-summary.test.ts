import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { busyStretches, componentOf, stallsOf, summarize } from './profile-summary.js';
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
  // The large-draft child writes its stalls beside its profile.
  expect(names.filter((name) => name.startsWith('stalls-'))).toHaveLength(tinyScale.largeSizes.length);
  const profiles = names.filter((name) => name.endsWith('.cpuprofile'));
  const summary = summarize(profiles.map((name) => join(dir, name)));
  for (const name of profiles.filter((profile) => profile.includes('-large-draft-'))) expect(stallsOf(join(dir, name))).toBeDefined();
  expect(summary.totalMs).toBeGreaterThan(0);
  expect([...summary.components.values()].reduce((sum, ms) => sum + ms, 0)).toBeCloseTo(summary.totalMs, 6);
});

test('frames are put in the component they belong to', () => {
  expect(componentOf({ functionName: 'run', url: '', lineNumber: 0 })).toBe('SQLite (better-sqlite3, native)');
  expect(componentOf({ functionName: 'planUpdate', url: 'file:///x/packages/core/dist/plan/plan-quality-checks.js', lineNumber: 1 })).toBe('core: plan (pure planner)');
  expect(componentOf({ functionName: 'fromCheckTuple', url: 'file:///x/packages/store-sqlite/src/rows.ts', lineNumber: 1 })).toBe('store-sqlite (JS: rows, decoding)');
  expect(componentOf({ functionName: '(garbage collector)', url: '', lineNumber: -1 })).toBe('garbage collection');
});

test('busy stretches end at idle samples; a recorded stall is attributed to the repository functions sampled inside it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promote-stalls-'));
  try {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 9 }, children });
    // root → plan (repository) → native `all`; root → idle.
    const profile = {
      startTime: 1_000_000,
      nodes: [frame(1, '(root)', '', [2, 4]), frame(2, 'planChunk', 'file:///x/packages/core/dist/plan/plan-quality-checks.js', [3]), frame(3, 'all', ''), frame(4, '(idle)', '')],
      // Samples 1 ms apart: 3 busy (plan, all, plan), 2 idle, 2 busy (all, all).
      samples: [2, 3, 2, 4, 4, 3, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const file = join(dir, '001-large-draft-4242.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    const stretches = busyStretches([file], 5);
    expect(stretches.map((stretch) => stretch.ms)).toEqual([3, 2]);
    expect(stretches[0]?.frames).toEqual([['planChunk plan/plan-quality-checks.js:10', 3]]);
    expect(stretches[1]?.frames).toEqual([['planChunk plan/plan-quality-checks.js:10', 2]]);
    expect(stallsOf(file)).toBeUndefined();
    // A stall over the samples at 1.006 s and 1.007 s (µs of the profile's clock).
    writeFileSync(join(dir, 'stalls-4242.json'), JSON.stringify([{ startUs: 1_005_500, endUs: 1_007_000, gcMs: 0.5 }]));
    expect(stallsOf(file)).toEqual([{ file, atMs: 5.5, ms: 1.5, frames: [['planChunk plan/plan-quality-checks.js:10', 2]], gcMs: 0.5 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
