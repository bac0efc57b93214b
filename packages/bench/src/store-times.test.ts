import { expect, test } from 'vitest';
import { timedStore } from './store-times.js';

test('every call of a method is counted and timed until it settles, sync or async, most time first', async () => {
  const store = {
    base: 10,
    add(value: number) {
      return this.base + value;
    },
    async slow(ms: number) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    },
    async broken() {
      throw new Error('no');
    },
  };
  const { store: timed, times } = timedStore(store);
  expect(timed.add(1)).toBe(11);
  expect(timed.add(2)).toBe(12);
  expect(await timed.slow(30)).toBe(30);
  await expect(timed.broken()).rejects.toThrow('no');
  expect(timed.base).toBe(10);
  const report = times.report();
  expect(report[0]?.method).toBe('slow');
  expect(Object.fromEntries(report.map((entry) => [entry.method, entry.calls]))).toEqual({ add: 2, slow: 1, broken: 1 });
  expect(report[0]?.ms).toBeGreaterThanOrEqual(25);
  times.reset();
  timed.add(3);
  expect(times.report().map((entry) => [entry.method, entry.calls])).toEqual([['add', 1]]);
});
