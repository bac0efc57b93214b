/** The Clock port: the only source of time in the engine, so tests and simulations are deterministic. */
export interface Clock {
  /** The current time. MUST be non-decreasing between calls. */
  now(): Date;
  /** Resolves after `ms` milliseconds (used to wait for a scope lease held by another process). */
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A clock that starts at `start` and advances `stepMs` at each `now()` call: deterministic
 * timestamps for tests and simulations. `sleep` advances it and resolves at once.
 */
export function steppingClock(start = '2026-03-10T14:30:00.000Z', stepMs = 1000): Clock {
  let current = Date.parse(start);
  return {
    now() {
      const value = new Date(current);
      current += stepMs;
      return value;
    },
    sleep(ms) {
      current += ms;
      return Promise.resolve();
    },
  };
}

/** ISO-8601 UTC to the second (`2026-03-10T14:30:00Z`), as the seed shows timestamps. */
export function isoTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
