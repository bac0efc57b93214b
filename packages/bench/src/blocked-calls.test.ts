import { expect, test } from 'vitest';
import { blockedIn, canSampleBlockedCalls, sampleBlockedCalls, type BlockedSample } from './blocked-calls.js';

const hrUs = () => Number(process.hrtime.bigint()) / 1e3;
const turn = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a step blocked in a lock is sampled as that call; a busy step and the idle loop are not', async () => {
  const sampler = sampleBlockedCalls(1);
  // The worker starts in its own time: wait until it has had a chance to sample.
  await turn(150);
  const idleStart = hrUs();
  await turn(40);
  const busyStart = hrUs();
  const until = performance.now() + 40;
  while (performance.now() < until) {
    // on a CPU, holding the loop
  }
  const blockedStart = hrUs();
  // Blocked in a futex for 60 ms, as a thread waiting for a lock is.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
  const blockedEnd = hrUs();
  const samples = await sampler.stop();
  if (!canSampleBlockedCalls()) {
    expect(samples).toEqual([]);
    return;
  }
  const during = blockedIn(samples, blockedStart, blockedEnd);
  const futex = during.find((entry) => entry.what.startsWith(process.arch === 'x64' ? 'futex' : '202'));
  // A 1 ms sampler on a shared machine sees most of the 60 ms.
  expect(futex?.samples ?? 0).toBeGreaterThanOrEqual(10);
  expect(blockedIn(samples, idleStart, busyStart)).toEqual([]);
  expect(blockedIn(samples, busyStart + 2_000, blockedStart - 2_000)).toEqual([]);
});

test('blockedIn groups the samples of a span by call and kernel function, most first', () => {
  const sample = (atUs: number, call: string, wchan: string, state = 'S'): BlockedSample => ({ atUs, call, wchan, state });
  const samples = [sample(5, 'futex', 'futex_wait_queue'), sample(10, 'pwrite64', 'balance_dirty_pages', 'D'), sample(11, 'futex', 'futex_wait_queue'), sample(12, 'futex', 'futex_wait_queue'), sample(30, 'nanosleep', '')];
  expect(blockedIn(samples, 10, 20)).toEqual([
    { what: 'futex in futex_wait_queue', samples: 2 },
    { what: 'pwrite64 in balance_dirty_pages (D)', samples: 1 },
  ]);
  expect(blockedIn(samples, 25, 40)).toEqual([{ what: 'nanosleep', samples: 1 }]);
});
