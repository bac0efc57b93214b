import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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
  // Calls are named on x86-64 only; elsewhere the most-sampled entry is the wait, under its number.
  const futex = process.arch === 'x64' ? during.find((entry) => entry.what.startsWith('futex')) : during[0];
  // A 1 ms sampler on a shared machine sees most of the 60 ms.
  expect(futex?.samples ?? 0).toBeGreaterThanOrEqual(10);
  expect(blockedIn(samples, idleStart, busyStart)).toEqual([]);
  expect(blockedIn(samples, busyStart + 2_000, blockedStart - 2_000)).toEqual([]);
});

test('blockedIn groups the samples of a span by call and kernel function, most first', () => {
  const sample = (atUs: number, call: string, wchan: string, state = 'S', file = ''): BlockedSample => ({ atUs, call, wchan, state, file });
  const samples = [sample(5, 'futex', 'futex_wait_queue'), sample(10, 'pwrite64', 'balance_dirty_pages', 'D', 'promote.db-wal'), sample(11, 'futex', 'futex_wait_queue'), sample(12, 'futex', 'futex_wait_queue'), sample(30, 'nanosleep', '')];
  expect(blockedIn(samples, 10, 20)).toEqual([
    { what: 'futex in futex_wait_queue', samples: 2 },
    { what: 'pwrite64 of promote.db-wal in balance_dirty_pages (D)', samples: 1 },
  ]);
  expect(blockedIn(samples, 25, 40)).toEqual([{ what: 'nanosleep', samples: 1 }]);
});

test('a call blocked on a file says which file', async () => {
  if (!canSampleBlockedCalls() || process.arch !== 'x64') return;
  const directory = mkdtempSync(join(tmpdir(), 'promote-blocked-'));
  const fifo = join(directory, 'promote-test.fifo');
  execFileSync('mkfifo', [fifo]);
  // Opened for reading and writing, so that opening does not wait; the read waits for a byte that
  // another thread writes 60 ms later.
  const fd = openSync(fifo, 'r+');
  const sampler = sampleBlockedCalls(1);
  try {
    await turn(150);
    const writer = new Worker(`setTimeout(() => require('node:fs').writeFileSync(${JSON.stringify(fifo)}, 'x'), 60)`, { eval: true });
    const start = hrUs();
    readSync(fd, Buffer.alloc(1));
    const end = hrUs();
    await writer.terminate();
    const during = blockedIn(await sampler.stop(), start, end);
    expect(during.find((entry) => entry.what.startsWith('read of promote-test.fifo'))?.samples ?? 0).toBeGreaterThanOrEqual(10);
  } finally {
    closeSync(fd);
    rmSync(directory, { recursive: true, force: true });
  }
});
