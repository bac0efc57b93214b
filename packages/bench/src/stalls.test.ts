import { expect, test } from 'vitest';
import { watchStalls } from './stalls.js';

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
