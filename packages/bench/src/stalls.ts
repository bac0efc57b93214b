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
   * The longest stalls (at most 20), longest first, in µs of `process.hrtime` — the clock of a CPU
   * profile's `startTime` — so that `profile-summary` can say what ran in each.
   */
  readonly longest: readonly StallSpan[];
}

/** One stall, in µs of `process.hrtime`, with the collection pauses inside it. */
export interface StallSpan {
  readonly startUs: number;
  readonly endUs: number;
  readonly gcMs: number;
}

/** A span in ms of `process.hrtime`. */
interface Span {
  readonly start: number;
  readonly end: number;
}

const hrMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Watches the event loop for stalls — a 1 ms timer that fires `thresholdMs` late or more — and
 * records every garbage-collection pause (`PerformanceObserver`, entry type `gc`), so that a long
 * event-loop delay can be told apart: the engine's own synchronous step, or V8 collecting a large
 * heap in the middle of one. `monitorEventLoopDelay` gives the longest delay but not when it was.
 */
export function watchStalls(thresholdMs = stallThresholdMs): { stop(): StallReport } {
  const stalls: Span[] = [];
  const pauses: Span[] = [];
  // A collection's entry is timed on the performance timeline: moved onto the hrtime clock.
  const timelineToHr = hrMs() - performance.now();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as PerformanceEntry[]) pauses.push({ start: entry.startTime + timelineToHr, end: entry.startTime + timelineToHr + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  let last = hrMs();
  const timer = setInterval(() => {
    const now = hrMs();
    // A 1 ms timer fires about 1 ms after the last; the rest is how long the loop was held.
    if (now - last - 1 >= thresholdMs) stalls.push({ start: last + 1, end: now });
    last = now;
  }, 1);
  return {
    stop(): StallReport {
      clearInterval(timer);
      observer.disconnect();
      const gcInside = (stall: Span) => pauses.reduce((sum, pause) => sum + Math.max(0, Math.min(stall.end, pause.end) - Math.max(stall.start, pause.start)), 0);
      let longest: Span | undefined;
      let longestWithoutGcMs = 0;
      let mostlyGc = 0;
      for (const stall of stalls) {
        const length = stall.end - stall.start;
        const gc = gcInside(stall);
        if (longest === undefined || length > longest.end - longest.start) longest = stall;
        longestWithoutGcMs = Math.max(longestWithoutGcMs, length - gc);
        if (gc >= length / 2) mostlyGc += 1;
      }
      return {
        stalls: stalls.length,
        longestMs: longest === undefined ? 0 : longest.end - longest.start,
        longestGcMs: longest === undefined ? 0 : gcInside(longest),
        longestWithoutGcMs,
        longestGcPauseMs: pauses.reduce((max, pause) => Math.max(max, pause.end - pause.start), 0),
        mostlyGc,
        longest: [...stalls]
          .sort((a, b) => b.end - b.start - (a.end - a.start))
          .slice(0, 20)
          .map((stall) => ({ startUs: stall.start * 1000, endUs: stall.end * 1000, gcMs: gcInside(stall) })),
      };
    },
  };
}
