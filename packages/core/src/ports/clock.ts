/**
 * The Clock port: the only source of time in the engine — timestamps, waits and repeating work — so
 * that tests and simulations are deterministic and no test has to sleep real time.
 */
export interface Clock {
  /** The current time. MUST be non-decreasing between calls. */
  now(): Date;
  /** Resolves after `ms` milliseconds of this clock's time (waiting for a lease, retrying a write). */
  sleep(ms: number): Promise<void>;
  /**
   * Runs `work` every `ms` milliseconds of this clock's time until the handle is cancelled (the
   * engine renews its scope lease this way). A run that is still going when the next one is due
   * MUST NOT be started again beside it; a rejection of `work` is ignored (`work` handles its own
   * failures). A repeating timer MUST NOT keep the process alive by itself.
   */
  every(ms: number, work: () => void | Promise<void>): Repeating;
}

/** A handle of {@link Clock.every}. */
export interface Repeating {
  /** Stops the repetition; a run in progress finishes. Idempotent. */
  cancel(): void;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every(ms, work) {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void (async () => work())()
        .catch(() => undefined)
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

/** A clock whose time moves only when its owner moves it: see {@link steppingClock} and {@link manualClock}. */
class VirtualTime {
  private sleepers: { readonly at: number; readonly wake: () => void }[] = [];
  private readonly repeating = new Set<{ next: number; readonly ms: number; readonly work: () => void | Promise<void>; running: boolean }>();

  constructor(public current: number) {}

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ at: this.current + Math.max(0, ms), wake }));
  }

  every(ms: number, work: () => void | Promise<void>): Repeating {
    if (!(ms > 0)) throw new RangeError(`every() needs a period above 0 ms, got ${ms}`);
    const entry = { next: this.current + ms, ms, work, running: false };
    this.repeating.add(entry);
    return { cancel: () => this.repeating.delete(entry) };
  }

  /** The earliest instant something is due at, if any. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const sleeper of this.sleepers) if (earliest === undefined || sleeper.at < earliest) earliest = sleeper.at;
    for (const entry of this.repeating) if (earliest === undefined || entry.next < earliest) earliest = entry.next;
    return earliest;
  }

  /**
   * Wakes the sleepers and starts the repeating work due at the current time, oldest first. A
   * repeating run is started once however many periods have passed (a timer that was late fires
   * once), and not at all while its previous run is still going. Returns the runs started.
   */
  fireDue(): Promise<void>[] {
    const due = this.sleepers.filter((sleeper) => sleeper.at <= this.current).sort((a, b) => a.at - b.at);
    this.sleepers = this.sleepers.filter((sleeper) => sleeper.at > this.current);
    for (const sleeper of due) sleeper.wake();
    const runs: Promise<void>[] = [];
    for (const entry of this.repeating) {
      if (entry.next > this.current) continue;
      entry.next += Math.ceil((this.current - entry.next + 1) / entry.ms) * entry.ms;
      if (entry.running) continue;
      entry.running = true;
      runs.push(
        (async () => entry.work())()
          .catch(() => undefined)
          .finally(() => {
            entry.running = false;
          }),
      );
    }
    return runs;
  }
}

/**
 * A clock that starts at `start` and advances `stepMs` at each `now()` call: deterministic
 * timestamps for tests and simulations. `sleep` advances it by its duration and resolves at once.
 * Repeating work runs (after the current synchronous code) when a `sleep` has passed its time: the
 * steps of `now()` make timestamps distinct, they are not time in which work happens — so a
 * simulation's timestamps do not depend on how often the lease would have been renewed.
 */
export function steppingClock(start = '2026-03-10T14:30:00.000Z', stepMs = 1000): Clock {
  const time = new VirtualTime(Date.parse(start));
  return {
    now() {
      const value = new Date(time.current);
      time.current += stepMs;
      return value;
    },
    sleep(ms) {
      time.current += Math.max(0, ms);
      const due = time.nextDue();
      if (due !== undefined && due <= time.current) queueMicrotask(() => void time.fireDue());
      return Promise.resolve();
    },
    every: (ms, work) => time.every(ms, work),
  };
}

/** A {@link Clock} a test moves by hand. */
export interface ManualClock extends Clock {
  /**
   * Moves the time forward by `ms`, stopping at each instant something is due (a sleep ends, a
   * repeating run starts), letting what that woke run (its repeating work to its end, the rest for
   * a few turns of the event loop), then going on. Resolves at the new time.
   */
  advance(ms: number): Promise<void>;
  /**
   * Moves the time forward by `ms` without running anything that falls due meanwhile — as if the
   * process had been frozen (a long pause, a suspended machine); what is due runs at the next
   * {@link ManualClock.advance}, once.
   */
  jump(ms: number): void;
  /** The current time as ISO-8601, `offsetMs` from now. */
  iso(offsetMs?: number): string;
}

/**
 * A clock that stands still until {@link ManualClock.advance} moves it: sleeps and repeating work
 * happen exactly when the test says, so lease expiry, renewal and takeover are tested without
 * waiting real time.
 *
 * @example
 * const clock = manualClock();
 * const promoter = createPromoter({ store, dataplane, clock, leaseTtlMs: 600 });
 * await clock.advance(200); // the lease is renewed (every 200 ms), the Dataplane still waits
 */
export function manualClock(start = '2026-03-10T14:30:00.000Z'): ManualClock {
  const time = new VirtualTime(Date.parse(start));
  return {
    now: () => new Date(time.current),
    sleep: (ms) => time.sleep(ms),
    every: (ms, work) => time.every(ms, work),
    iso: (offsetMs = 0) => new Date(time.current + offsetMs).toISOString(),
    jump(ms) {
      time.current += Math.max(0, ms);
    },
    async advance(ms) {
      const target = time.current + Math.max(0, ms);
      await settle();
      for (let due = time.nextDue(); due !== undefined && due <= target; due = time.nextDue()) {
        time.current = Math.max(time.current, due);
        await Promise.all(time.fireDue());
        await settle();
      }
      // A jump() or a second advance() while this one waited may have gone further: never go back.
      time.current = Math.max(time.current, target);
      await settle();
    },
  };
}

/** A few turns of the event loop: what a woken sleeper or a finished run leads to gets to run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** ISO-8601 UTC to the second (`2026-03-10T14:30:00Z`), as the seed shows timestamps. */
export function isoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
