/**
 * A store whose every call is timed: per method, how many calls and their time until settled (for
 * a promise, until it settles; a synchronous store's call holds the event loop that long, an
 * asynchronous one's includes its waits). What the large-draft child and the re-promotion report,
 * with `PROMOTE_BENCH_STORE_TIMES=1`, to say where a promotion's time goes among the store's methods.
 */
export interface StoreTimes {
  /** Calls and milliseconds per method since the start or the last {@link reset}, most time first. */
  report(): readonly { readonly method: string; readonly calls: number; readonly ms: number }[];
  /** Forgets what was timed so far. */
  reset(): void;
}

/** `store` with each method call timed into the returned {@link StoreTimes}. */
export function timedStore<T extends object>(store: T): { readonly store: T; readonly times: StoreTimes } {
  const totals = new Map<string, { calls: number; ms: number }>();
  const record = (method: string, startedMs: number) => {
    const total = totals.get(method) ?? { calls: 0, ms: 0 };
    total.calls += 1;
    total.ms += performance.now() - startedMs;
    totals.set(method, total);
  };
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        const startedMs = performance.now();
        const answer: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (answer instanceof Promise) {
          return answer.finally(() => record(key, startedMs));
        }
        record(key, startedMs);
        return answer;
      };
    },
  });
  return {
    store: wrapped,
    times: {
      report: () => [...totals].map(([method, { calls, ms }]) => ({ method, calls, ms })).sort((a, b) => b.ms - a.ms),
      reset: () => totals.clear(),
    },
  };
}
