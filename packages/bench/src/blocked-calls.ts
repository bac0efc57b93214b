import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/*
 * What the main thread is blocked in, sampled from another thread: a step of the engine that holds
 * the event loop while its thread is neither on a CPU nor waiting to be scheduled (schedstat, see
 * stalls.ts) is blocked in a system call — a lock, a sleep, a write the kernel throttles — and the
 * thread itself cannot say which while it is blocked. A worker reads the main thread's
 * `/proc/<pid>/task/<pid>/syscall`, `wchan` and `stat` every millisecond and keeps the samples in
 * which it was asleep in something other than the event loop's own wait (`epoll_wait`). Linux
 * only; readable by the process itself without privileges.
 */

/** One sample of the main thread asleep outside the event loop's wait. */
export interface BlockedSample {
  /** µs of `process.hrtime`, the clock of the stalls (stalls.ts). */
  readonly atUs: number;
  /** The system call: its name where known (x86-64), else its number; `-1` when asleep outside one (a page fault). */
  readonly call: string;
  /** The kernel function it sleeps in (`wchan`), e.g. `futex_wait_queue`, `balance_dirty_pages`; `''` when unknown. */
  readonly wchan: string;
  /** For a call on a file descriptor (x86-64), the file's name without its directory (`promote.db-wal`); `''` otherwise. */
  readonly file: string;
  /** The thread's state: `S` (interruptible sleep) or `D` (uninterruptible, mostly I/O). */
  readonly state: string;
}

/** What one stall was blocked in: `call in wchan` with how many samples (≈ ms at the 1 ms interval). */
export interface BlockedIn {
  readonly what: string;
  readonly samples: number;
}

/** x86-64 system call numbers of the calls a blocked step of this engine can be in, by name. */
const x64Calls: Readonly<Record<string, string>> = {
  0: 'read',
  1: 'write',
  3: 'close',
  7: 'poll',
  9: 'mmap',
  10: 'mprotect',
  11: 'munmap',
  12: 'brk',
  17: 'pread64',
  18: 'pwrite64',
  20: 'writev',
  26: 'msync',
  28: 'madvise',
  35: 'nanosleep',
  72: 'fcntl',
  74: 'fsync',
  75: 'fdatasync',
  77: 'ftruncate',
  87: 'unlink',
  202: 'futex',
  230: 'clock_nanosleep',
  257: 'openat',
  262: 'newfstatat',
  285: 'fallocate',
};

/** x86-64 system calls whose first argument is a file descriptor. */
const x64FileCalls: readonly number[] = [0, 1, 3, 17, 18, 20, 72, 74, 75, 77, 285];

/** The file of the main thread (its tid is the pid) that tells its system call. */
const syscallFile = (pid: number) => `/proc/${pid}/task/${pid}/syscall`;

/** Whether this machine lets a process read its main thread's system call (Linux). */
export function canSampleBlockedCalls(): boolean {
  try {
    return readFileSync(syscallFile(process.pid), 'latin1').length > 0;
  } catch {
    return false;
  }
}

/** Samples kept at most (a sample is ≈ 100 bytes): a million-check promotion blocks for far fewer milliseconds. */
const maxSamples = 200_000;

/**
 * The sampler's thread, as text evaluated in a worker of its own (`eval: true`, CommonJS): a
 * function's own text would not do, since the test runner's transform adds helpers to inner
 * functions that the worker does not have.
 */
const samplerCode = `
const { workerData, parentPort } = require('node:worker_threads');
const { openSync, readSync, readlinkSync } = require('node:fs');
const { pid, intervalMs, limit, fileCalls } = workerData;
const base = '/proc/' + pid + '/task/' + pid + '/';
// Opened once, read again from their start: the fewer system calls, the less the sampler costs.
const syscall = openSync(base + 'syscall', 'r');
const wchan = openSync(base + 'wchan', 'r');
const stat = openSync(base + 'stat', 'r');
const buffer = Buffer.alloc(1024);
const read = (fd) => buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
const fileOf = (fields) => {
  if (!fileCalls.includes(Number(fields[0]))) return '';
  try {
    return readlinkSync('/proc/' + pid + '/fd/' + Number.parseInt(fields[1] || '', 16)).split('/').at(-1) || '';
  } catch {
    return '';
  }
};
const samples = [];
const timer = setInterval(() => {
  const call = read(syscall);
  if (call.startsWith('running')) return;
  const sleepsIn = read(wchan).trim();
  // The event loop waiting for work: not a step.
  if (sleepsIn.includes('epoll')) return;
  const line = read(stat);
  const state = line.charAt(line.lastIndexOf(')') + 2);
  if (state === 'R' || samples.length >= limit) return;
  const fields = call.split(' ');
  samples.push([Number(process.hrtime.bigint() / 1000n), fields[0] || '', sleepsIn === '0' ? '' : sleepsIn, state, fileOf(fields)]);
}, intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  parentPort.postMessage(samples);
});
`;

/**
 * Starts sampling what the main thread is blocked in, every `intervalMs`; `stop` ends it and gives
 * the samples, oldest first. Where {@link canSampleBlockedCalls} is false, it samples nothing.
 */
export function sampleBlockedCalls(intervalMs = 1): { stop(): Promise<readonly BlockedSample[]> } {
  if (!canSampleBlockedCalls()) return { stop: () => Promise.resolve([]) };
  const worker = new Worker(samplerCode, { eval: true, workerData: { pid: process.pid, intervalMs, limit: maxSamples, fileCalls: process.arch === 'x64' ? x64FileCalls : [] } });
  worker.unref();
  const names = process.arch === 'x64' ? x64Calls : {};
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        worker.once('error', reject);
        worker.once('message', (rows: [number, string, string, string, string][]) => {
          void worker.terminate();
          resolve(rows.map(([atUs, call, wchan, state, file]) => ({ atUs, call: names[call] ?? call, wchan, state, file })));
        });
        worker.postMessage('stop');
      }),
  };
}

/** The samples inside `[startUs, endUs]`, grouped by call and kernel function, most samples first. */
export function blockedIn(samples: readonly BlockedSample[], startUs: number, endUs: number): BlockedIn[] {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    if (sample.atUs < startUs || sample.atUs > endUs) continue;
    const what = `${sample.call}${sample.file === '' ? '' : ` of ${sample.file}`}${sample.wchan === '' ? '' : ` in ${sample.wchan}`}${sample.state === 'D' ? ' (D)' : ''}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return [...counts].map(([what, count]) => ({ what, samples: count })).sort((a, b) => b.samples - a.samples);
}
