import { openSync, readSync } from 'node:fs';
import { PerformanceObserver, performance, type PerformanceEntry } from 'node:perf_hooks';

/** The stalls the large-draft child counts: a 1 ms timer at least this late (SPEC §19: no step over ≈ 20 ms). */
export const stallThresholdMs = 20;

/** What {@link watchStalls} saw: the event loop's stalls and the garbage collections inside them. */
export interface StallReport {
  /** Stalls longer than the threshold. */
  readonly stalls: number;
  /** The longest stall, in ms. */
  readonly longestMs: number;
  /** Of the longest stall, the ms that garbage-collection pauses took inside it. */
  readonly longestGcMs: number;
  /** The longest stall once the collection pauses inside each stall are taken out: the longest run of JavaScript (and native calls) itself. */
  readonly longestWithoutGcMs: number;
  /** The longest single garbage-collection pause, in ms. */
  readonly longestGcPauseMs: number;
  /** Stalls of which collection pauses took at least half. */
  readonly mostlyGc: number;
  /**
   * The longest stall once the collection pauses and the time the thread waited to be scheduled
   * (`/proc/thread-self/schedstat`: runnable, not running) are taken out: what the process itself
   * held the loop for, on the CPU or blocked in a call. `null` where schedstat cannot be read.
   */
  readonly longestHeldMs: number | null;
  /** Of all the stalls, the ms the thread spent waiting to be scheduled; `null` without schedstat. */
  readonly scheduleWaitMs: number | null;
  /**
   * The longest stalls (at most 20), longest first, in µs of `process.hrtime` — the clock of a CPU
   * profile's `startTime` — so that `profile-summary` can say what ran in each.
   */
  readonly longest: readonly StallSpan[];
  /**
   * The stalls the process itself held longest (at most 5, longest first: each less its collection
   * pauses and waits to be scheduled, as {@link longestHeldMs}); empty without schedstat. The longest
   * stalls are often another thread's (a wait to be scheduled): these say which steps were the engine's.
   */
  readonly longestHeld: readonly StallSpan[];
}

/** One stall, in µs of `process.hrtime`, with the collection pauses inside it. */
export interface StallSpan {
  readonly startUs: number;
  readonly endUs: number;
  readonly gcMs: number;
  /** ms the thread waited to be scheduled during the stall; `null` without schedstat. */
  readonly waitMs: number | null;
  /**
   * ms the thread ran on a CPU during the stall (collection pauses on this thread included); `null`
   * without schedstat. What the stall spent neither on a CPU nor waiting to be scheduled it spent
   * blocked in a call (a write the kernel throttled, a lock).
   */
  readonly cpuMs: number | null;
}

/** A span in ms of `process.hrtime`. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/** A stall: its span and the ms its thread waited to be scheduled in it and ran in it (`null`: unknown). */
interface Stall extends Span {
  readonly waitMs: number | null;
  readonly cpuMs: number | null;
}

/** A thread's times so far, in ms (schedstat): on a CPU, and waiting on a run queue. */
export interface ScheduleTimes {
  readonly cpuMs: number;
  readonly waitMs: number;
}

/** Whether this machine tells a thread's waits to be scheduled (Linux with schedstat). */
export function canReadScheduleWaits(): boolean {
  return scheduleTimes() !== undefined;
}

/**
 * ms this thread has run and has waited on a run queue so far (Linux's schedstat: on a CPU, and
 * runnable but not running), or `undefined` where they cannot be read — no file, or a kernel
 * without scheduler statistics, whose file reads `0 0 0` (a thread that has run has some time on the CPU). A stall with the process
 * not scheduled is not the engine's step; on two cores shared with a checkpoint thread and the
 * kernel's writeback it happens.
 */
export function scheduleTimes(): ScheduleTimes | undefined {
  try {
    // Opened once per thread and read again from its start (a read per tick of a 1 ms timer):
    // the fewer system calls, the less the watcher adds to what it watches.
    schedstat ??= openSync('/proc/thread-self/schedstat', 'r');
    const length = readSync(schedstat, schedstatBuffer, 0, schedstatBuffer.length, 0);
    const [onCpu, waited] = schedstatBuffer.toString('latin1', 0, length).split(' ').map(Number);
    return onCpu !== undefined && onCpu > 0 && waited !== undefined && Number.isFinite(waited) ? { cpuMs: onCpu / 1e6, waitMs: waited / 1e6 } : undefined;
  } catch {
    return undefined;
  }
}

/** This thread's schedstat file, once opened (a module per thread: each thread opens its own). */
let schedstat: number | undefined;
const schedstatBuffer = Buffer.alloc(128);

const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Watches the event loop for stalls — a 1 ms timer that fires `thresholdMs` late or more — and
 * records every garbage-collection pause (`PerformanceObserver`, entry type `gc`), so that a long
 * event-loop delay can be told apart: the engine's own synchronous step, or V8 collecting a large
 * heap in the middle of one. `monitorEventLoopDelay` gives the longest delay but not when it was.
 */
export function watchStalls(thresholdMs = stallThresholdMs, readTimes: () => ScheduleTimes | undefined = scheduleTimes): { stop(): StallReport } {
  const stalls: Stall[] = [];
  const pauses: Span[] = [];
  // A collection's entry is timed on the performance timeline: moved onto the hrtime clock.
  const timelineToHr = hrMs() - performance.now();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEntry[]) pauses.push({ start: entry.startTime + timelineToHr, end: entry.startTime + timelineToHr + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = hrMs();
  let lastTimes = readTimes();
  const timer = setInterval(() => {
    const now = hrMs();
    const before = lastTimes;
    const times = before === undefined ? undefined : readTimes();
    // A 1 ms timer fires about 1 ms after the last; the rest is how long the loop was held.
    if (now - last - 1 >= thresholdMs) {
      const known = before !== undefined && times !== undefined;
      stalls.push({ start: last + 1, end: now, waitMs: known ? times.waitMs - before.waitMs : null, cpuMs: known ? times.cpuMs - before.cpuMs : null });
    }
    last = now;
    lastTimes = times;
  }, 1);
  return {
    stop(): StallReport {
      clearInterval(timer);
      observer.disconnect();
      const gcInside = (stall: Span) => pauses.reduce((sum, pause) => sum + Math.max(0, Math.min(stall.end, pause.end) - Math.max(stall.start, pause.start)), 0);
      // The times read cover the stall and the timer's 1 ms before it: never more than the stall.
      const spans = stalls.map((stall): StallSpan => ({
        startUs: stall.start * 1000,
        endUs: stall.end * 1000,
        gcMs: gcInside(stall),
        waitMs: stall.waitMs === null ? null : Math.min(stall.end - stall.start, stall.waitMs),
        cpuMs: stall.cpuMs === null ? null : Math.min(stall.end - stall.start, stall.cpuMs),
      }));
      const lengthOf = (span: StallSpan) => (span.endUs - span.startUs) / 1000;
      const held = (span: StallSpan) => lengthOf(span) - span.gcMs - (span.waitMs ?? 0);
      const known = lastTimes !== undefined;
      let longest: StallSpan | undefined;
      let longestWithoutGcMs = 0;
      let longestHeldMs = 0;
      let mostlyGc = 0;
      let waited = 0;
      for (const span of spans) {
        const length = lengthOf(span);
        if (longest === undefined || length > lengthOf(longest)) longest = span;
        longestWithoutGcMs = Math.max(longestWithoutGcMs, length - span.gcMs);
        longestHeldMs = Math.max(longestHeldMs, held(span));
        waited += span.waitMs ?? 0;
        if (span.gcMs >= length / 2) mostlyGc += 1;
      }
      return {
        stalls: stalls.length,
        longestMs: longest === undefined ? 0 : lengthOf(longest),
        longestGcMs: longest?.gcMs ?? 0,
        longestWithoutGcMs,
        longestGcPauseMs: pauses.reduce((max, pause) => Math.max(max, pause.end - pause.start), 0),
        mostlyGc,
        longestHeldMs: known ? longestHeldMs : null,
        scheduleWaitMs: known ? waited : null,
        longest: [...spans].sort((a, b) => lengthOf(b) - lengthOf(a)).slice(0, 20),
        longestHeld: known ? [...spans].sort((a, b) => held(b) - held(a)).slice(0, 5) : [],
      };
    },
  };
}
