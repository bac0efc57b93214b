import { expect, test } from 'vitest';
import { canReadScheduleWaits, watchStalls } from './stalls.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // holding the event loop, as a long synchronous step would
  }
};

const turn = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a synchronous step that holds the loop is a stall of at least its length, and not a collection pause', async () => {
  const watch = watchStalls(20);
  await turn(10);
  busy(60);
  await turn(10);
  const report = watch.stop();
  // At least the busy step (a loaded machine may hold the process back for more).
  expect(report.stalls).toBeGreaterThanOrEqual(1);
  expect(report.longestMs).toBeGreaterThanOrEqual(55);
  // No collection ran long inside a 60 ms loop that allocates nothing.
  expect(report.longestWithoutGcMs).toBeGreaterThanOrEqual(report.longestMs - report.longestGcMs - 0.001);
  expect(report.longestWithoutGcMs).toBeGreaterThanOrEqual(50);
});

test('where schedstat can be read (Linux), each stall tells how long its thread waited to be scheduled, and the held step is the stall less that wait and its collections', async () => {
  const watch = watchStalls(20);
  await turn(10);
  busy(60);
  await turn(10);
  const report = watch.stop();
  if (!canReadScheduleWaits()) {
    expect(report.longestHeldMs).toBeNull();
    expect(report.longest[0]?.waitMs).toBeNull();
    return;
  }
  const [longest] = report.longest;
  expect(longest?.waitMs).toEqual(expect.any(Number));
  expect(longest?.waitMs).toBeGreaterThanOrEqual(0);
  expect(report.scheduleWaitMs).toBeGreaterThanOrEqual(longest?.waitMs ?? 0);
  // Never more than the stall without its collections; the busy step held it, less what the
  // machine kept it waiting.
  expect(report.longestHeldMs).toBeLessThanOrEqual(report.longestWithoutGcMs + 0.001);
  expect(report.longestHeldMs).toBeGreaterThanOrEqual(report.longestWithoutGcMs - (report.scheduleWaitMs ?? 0) - 0.001);
});

test('a stall’s wait to be scheduled is taken out of the step the process held (a reader that says the thread waited 30 ms during a 60 ms step)', async () => {
  let waited = 0;
  const watch = watchStalls(20, () => waited);
  await turn(10);
  busy(60);
  // Read at the tick after the step: 30 ms more than at the tick before it.
  waited = 30;
  await turn(10);
  const report = watch.stop();
  expect(report.longest[0]?.waitMs).toBe(30);
  expect(report.scheduleWaitMs).toBe(30);
  expect(report.longestHeldMs).toBeCloseTo(report.longestWithoutGcMs - 30, 3);
  expect(report.longestHeldMs).toBeGreaterThanOrEqual(20);
});
