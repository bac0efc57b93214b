/**
 * Child process of the large-draft scenario: opens the SQLite file given as first argument, runs the
 * promotion whose JSON body is the second argument as the user whose email is the third, and prints
 * one JSON line: wall time, the operation's counters, and the process's peak RSS before and after.
 * Alone in its process, so that no other scenario's garbage counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createPromoter, createReferenceDataplane } from '@promote/core';
import { openSqliteStore } from '@promote/store-sqlite';
import { profiled, startProfiling } from '../profiling.js';
import { blockedIn, canSampleBlockedCalls, sampleBlockedCalls } from '../blocked-calls.js';
import { stallThresholdMs, watchStalls, type StallSpan } from '../stalls.js';
import { peakRssBytes, profileDirVariable } from './child-process.js';
import { timedStore } from '../store-times.js';
import type { PlacedStall } from '../scenarios/large-draft.js';

const [filename, body, email] = process.argv.slice(2);
if (filename === undefined || body === undefined || email === undefined) throw new Error('usage: large-draft <database> <request JSON> <email>');

const profileDir = process.env[profileDirVariable];
if (profileDir !== undefined) await startProfiling(profileDir);
const opened = await openSqliteStore({ filename });
// With PROMOTE_BENCH_STORE_TIMES=1, every store call is timed (a Proxy around the store: a little slower).
const timing = process.env['PROMOTE_BENCH_STORE_TIMES'] === '1' ? timedStore(opened) : undefined;
const store = timing?.store ?? opened;
/** What the engine said it was doing, and when (µs of `process.hrtime`, the stalls' clock). */
const progress: { readonly atUs: number; readonly phase: string; readonly processed: number | null }[] = [];
const hrUs = () => Number(process.hrtime.bigint()) / 1e3;
const promoter = createPromoter({
  store,
  dataplane: createReferenceDataplane(),
  onProgress: (told) => progress.push({ atUs: hrUs(), phase: told.phase, processed: 'processed' in told ? told.processed : null }),
});
const idlePeakRss = peakRssBytes();
// The longest synchronous step (SPEC §19: ≈ 20 ms at most), at 1 ms resolution: a 1 ms timer costs
// this process a wake-up per millisecond, far below the figures' spread.
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const stalls = watchStalls(stallThresholdMs);
// What the main thread is blocked in when a step holds the loop off the CPU (a lock, a throttled write).
const blockedCalls = sampleBlockedCalls(1);
const start = performance.now();
const startUs = hrUs();
const started = await profiled('large-draft', async () => {
  const running = await promoter.run({ email }, JSON.parse(body));
  if (running.isOk()) await promoter.waitFor(running.value.id);
  return running;
});
const ms = performance.now() - start;
loop.disable();
const stallReport = stalls.stop();
const blockedSamples = await blockedCalls.stop();
const sampled = canSampleBlockedCalls();
// Beside the profile, for profile-summary to say what ran in each of the longest stalls:
// the steps held longest first (the longest stalls are often waits for another thread), then the longest.
if (profileDir !== undefined) writeFileSync(join(profileDir, `stalls-${process.pid}.json`), JSON.stringify([...new Set([...stallReport.longestHeld, ...stallReport.longest])]));
if (started.isErr()) throw new Error(JSON.stringify(started.error));
// Where in the promotion the longest stalls came: ms from its start, and what the engine had said last.
const place = (stall: StallSpan): PlacedStall => {
  const told = progress.filter((entry) => entry.atUs <= stall.startUs).at(-1);
  return {
    atMs: (stall.startUs - startUs) / 1e3,
    ms: (stall.endUs - stall.startUs) / 1e3,
    gcMs: stall.gcMs,
    waitMs: stall.waitMs,
    cpuMs: stall.cpuMs,
    blockedIn: sampled ? blockedIn(blockedSamples, stall.startUs, stall.endUs) : null,
    phase: told?.phase ?? 'starting',
    processed: told?.processed ?? null,
  };
};
const placed = stallReport.longest.slice(0, 5).map(place);
const placedHeld = stallReport.longestHeld.map(place);
const peakRss = peakRssBytes();
const operation = await store.getOperation(started.value.id);
await store.close();
process.stdout.write(
  `${JSON.stringify({ ms, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6, stalls: stallReport, placed, placedHeld, idlePeakRss, peakRss, vmHwm: vmHwmBytes(), result: operation?.result, message: operation?.message, status: operation?.status, storeTimes: timing?.times.report() })}\n`,
);

/** `VmHWM` of /proc/self/status (Linux), the kernel's own peak-RSS figure, to cross-check `maxRSS`. */
function vmHwmBytes(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}
